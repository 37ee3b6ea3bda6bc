"""Many pairs, one run: score a manifest into ``DIR/results.jsonl`` that survives crashes and resumes.

The driver (``run_batch``) reads the manifest, skips the ids already in ``results.jsonl``, hands the
rest to an engine (``evaluator.engines``: in-process / worker processes, or Ray) and appends each
result line as it arrives, flushed at once (fsynced at least once a second and at the end), so Ctrl-C,
SIGTERM or a crash loses at most the pairs in flight, a power loss at most the last second's lines.  A
torn last line (a crash mid-write) is detected and cut off on the next run.  At the end
``summary.json`` (and, with ``html=True``, ``index.html`` + ``pairs/<id>.html``) is rebuilt from all
results.

Speed: a chunk of pairs is parsed in one ``nlp.pipe`` call and its sentences encoded in one encoder
call; each pair then goes through the ordinary ``compare_loaded``, which finds every paragraph parsed
and every sentence encoded, so its Report is the one ``compare_loaded`` alone would give.

Per-pair timeout: in a process's main thread (the local engine, its worker processes, Ray actors,
which the Ray engine has run their batches there) a pair runs under ``signal.setitimer``; the alarm
raises inside the pair, which unwinds cleanly, but a long C call (one forward pass) finishes before
the alarm is seen.  The alarm raises a BaseException inside the pair (no ``except Exception`` takes
it for an error of its own), made a ``PairTimeout`` outside it, and repeats until the pair has
stopped: Python code that runs inside the pair but cannot raise to it (a ``gc.callbacks`` hook, which
hypothesis installs for the whole process; a ``__del__``; a weakref finalizer) drops the first
exception, and the next one stops the pair.  Elsewhere (a caller's own thread) the pair runs in a
helper thread joined with a timeout: the caller moves on at once, but Python cannot kill a thread,
so the abandoned pair keeps a core busy until it ends, and the chunk pre-pass is not timed.
"""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import math
import os
import re
import signal
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ._atomic import atomic_write_json, dumps_json
from .errors import ConfigError, EvaluatorError
from .io import LoadedText
from .manifest import PairSpec, read_manifest, safe_id
from .options import Options, Resources

if TYPE_CHECKING:  # pragma: no cover
    from .pipeline import OptionFiles

log = logging.getLogger(__name__)

RESULTS = "results.jsonl"
SUMMARY = "summary.json"
SETTINGS = "batch.json"
WEIGHTS = ".weights.json"  # the model weights' digest (``encoder.weights_record``): a rerun does not hash them
INDEX = "index.html"
PAIRS_DIR = "pairs"
DEFAULT_CHUNK = 64
WORST_N = 20
SEVERITIES = ("critical", "major", "minor", "info")
# Document metrics summarised in summary.json: name -> path into Report.to_dict().
METRICS: dict[str, tuple[str, ...]] = {
    "bleu": ("metrics", "bleu", "score"),
    "chrf": ("metrics", "chrf", "score"),
    "chrf++": ("metrics", "chrf++", "score"),
    "ter": ("metrics", "ter", "score"),
    "bertscore_f1": ("metrics", "bertscore", "f1"),
    "coverage_original": ("coverage", "original"),
    "coverage_rewritten": ("coverage", "rewritten"),
}
# Settings that do not change a report: a resumed run may differ in them.  ``max_input_bytes`` decides
# which pairs fail (an error record), never what the report of a pair that is read says: a rerun with
# a raised --max-input-mb, as the size error advises, keeps the folder (--retry-failed scores those pairs).
_NEUTRAL_OPTIONS = frozenset({"cache_dir", "device", "batch_tokens", "max_input_bytes"})
_HEAD_RE = re.compile(r'^\{"id":("(?:[^"\\]|\\.)*"),"status":"(ok|error)"(?:,"input":"([0-9a-f]+)")?')


class PairTimeout(EvaluatorError):
    """A pair took longer than ``--timeout-per-pair``."""


@dataclass(frozen=True)
class PairResult:
    """One finished pair as an engine hands it back: the result line is already serialised."""

    id: str
    status: str  # ok | error
    line: str  # one JSON object, no newline


@dataclass
class PairInput:
    """A pair with its texts loaded, or the one-line reason they could not be."""

    id: str
    original: LoadedText | None = None
    rewritten: LoadedText | None = None
    error: str | None = None


def load_input(spec: PairSpec, max_bytes: int) -> PairInput:
    """Read a pair's documents; a document problem becomes the pair's error, not an exception."""
    try:
        o, r = spec.load(max_bytes)
    except EvaluatorError as exc:
        return PairInput(spec.id, error=one_line(f"{type(exc).__name__}: {exc}"))
    except OSError as exc:
        return PairInput(spec.id, error=one_line(f"{type(exc).__name__}: {exc}"))
    return PairInput(spec.id, o, r)


def one_line(text: str) -> str:
    return " ".join(str(text).split())[:2000]


def error_result(pair_id: str, message: str) -> PairResult:
    return PairResult(pair_id, "error", _dumps({"id": pair_id, "status": "error", "error": one_line(message)}))


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def input_fingerprint(it: PairInput) -> str | None:
    """A hash of what a pair's report is made from (both texts as read, and how each was read); None when
    they could not be read.  Stored in the result line, so a rerun sees a pair whose text changed."""
    if it.original is None or it.rewritten is None:
        return None
    h = hashlib.sha256()
    for doc in (it.original, it.rewritten):
        h.update(b"md\0" if doc.markdown else b"txt\0")
        h.update(doc.text.encode("utf-8", "surrogatepass") + b"\0")
    return h.hexdigest()[:32]


def ok_result(pair_id: str, report: dict[str, Any], fingerprint: str | None = None) -> PairResult:
    rec: dict[str, Any] = {"id": pair_id, "status": "ok"}
    if fingerprint:
        rec["input"] = fingerprint
    rec["report"] = report
    try:
        line = _dumps(rec)
    except ValueError as exc:  # NaN or infinity in a report: no valid JSON for it
        return error_result(pair_id, f"report not serialisable: {exc}")
    return PairResult(pair_id, "ok", line)


# ------------------------------------------------------------------------------------------- timeout

def call_with_timeout(fn: Callable[[], Any], seconds: float | None) -> Any:
    """``fn()``, raising ``PairTimeout`` after ``seconds`` (see the module docstring for the two ways)."""
    if not seconds or seconds <= 0:
        return fn()
    if alarm_stops_pairs():
        return _call_with_alarm(fn, seconds)
    return _call_in_thread(fn, seconds)


def alarm_stops_pairs() -> bool:
    """Whether a timed-out call here is stopped by the alarm (the main thread, where ``setitimer``
    exists), not abandoned in a helper thread that may go on using the models."""
    return threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")


# Seconds between repeats of an alarm whose exception did not stop the pair (see _call_with_alarm).
ALARM_REPEAT = 0.25


class _Alarm(BaseException):
    """What the timer raises inside the pair: a BaseException, so that no ``except Exception`` on the
    way (a check's own error record, a library's fallback) takes the timeout for an ordinary error;
    ``_call_with_alarm`` turns it into ``PairTimeout`` once it is out of the pair."""


def _call_with_alarm(fn: Callable[[], Any], seconds: float) -> Any:
    """``fn()`` under ``setitimer``.  The exception raised by a signal handler goes to whatever Python code
    runs when the signal is seen, and some code swallows it: a gc callback (hypothesis's
    ``gc_cumulative_time`` hook, left in ``gc.callbacks`` by any ``@given`` test, runs at every
    collection and prints the exception as "ignored"), ``__del__`` methods and weakref callbacks, a
    bare ``except:``.  So the timer repeats every ``ALARM_REPEAT`` s until ``fn`` is left; a repeat
    that finds this call's alarm already being handled (the pair unwinding through its ``finally``
    blocks and ``__exit__`` methods) does nothing, so that cleanup is not cut short, and one that
    arrives as the call ends (before the timer is stopped) does nothing either."""
    token = object()
    over = [False]

    def on_alarm(signum: int, frame: Any) -> None:
        if over[0]:
            return  # the call has ended: a signal that came just before the timer was stopped
        handled: BaseException | None = sys.exc_info()[1]
        while handled is not None:  # also from an exception handled inside that cleanup
            if isinstance(handled, _Alarm) and handled.args[0] is token:
                return  # this call's alarm is on its way out: let the cleanup run
            handled = handled.__context__
        raise _Alarm(token)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        # Inside the try: a timer shorter than the step into it (--timeout-per-pair 1e-4) fires as soon
        # as setitimer returns, and its _Alarm must meet the finally that stops the timer; outside, the
        # timer went on repeating with this handler and raised into whatever ran next (seen in CI).
        signal.setitimer(signal.ITIMER_REAL, seconds, ALARM_REPEAT)
        return fn()
    except _Alarm as exc:
        if exc.args[0] is not token:
            raise  # an enclosing call's alarm
        raise PairTimeout(f"timed out after {seconds:g} s") from None
    finally:
        over[0] = True  # first: a plain store, where no signal handler runs
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _call_in_thread(fn: Callable[[], Any], seconds: float) -> Any:
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller below
            box["error"] = exc

    t = threading.Thread(target=target, name="evaluator-pair", daemon=True)
    t.start()
    t.join(seconds)
    if t.is_alive():
        raise PairTimeout(f"timed out after {seconds:g} s (still running in the background)")
    if "error" in box:
        raise box["error"]
    return box.get("value")


# ------------------------------------------------------------------------------------------- scoring

class _Collected(Exception):
    """Raised by the collecting pipeline once ``segment`` has shown which texts it parses."""


class _CollectingNlp:
    """Stands in for spaCy during a dry run of ``segment``: records the paragraph texts, parses nothing."""

    def __init__(self, nlp: Any) -> None:
        self._nlp = nlp
        self.texts: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._nlp, name)

    def pipe(self, texts: Any, **kwargs: Any) -> Any:
        self.texts.extend(texts)
        raise _Collected


class ChunkScorer:
    """Scores chunks of pairs with models loaded once (the local engine's worker and Ray's actor)."""

    def __init__(self, options: Options, resources: Resources | None = None, *,
                 timeout: float | None = None, files: OptionFiles | None = None,
                 stop: threading.Event | None = None) -> None:
        """``files``: the options' reference sets and glossaries as ``run_batch`` parsed them already
        (``pipeline.load_option_files``), for when the models load here.  ``stop``: the run's stop event
        (the in-process engine passes it): once set, a chunk begins no pair, also when it was set while
        the models loaded (seconds), so such a stop ends the run as soon as they are loaded."""
        self.options = options
        self.timeout = timeout
        self._stop = stop
        self._files = files
        self._fingerprint: str | None = None
        self.report_hits = 0
        self._resources: Resources | None = None
        reuse = os.environ.get("EVALUATOR_REPORT_CACHE", "1") != "0"
        if resources is None and options.cache_dir and reuse:
            # Stored reports may serve the whole batch: models load on the first pair that needs them.
            from .cache import open_cache

            self._reports: Any = open_cache(options.cache_dir)
            return
        self._load(resources)
        cache = self.resources.extras.get("cache")
        self._reports = cache if cache is not None and reuse else None

    def _load(self, resources: Resources | None = None) -> None:
        from .cache import CachingNlp
        from .pipeline import load_resources

        res = resources or load_resources(self.options, files=self._files)
        nlp = res.nlp if isinstance(res.nlp, CachingNlp) else CachingNlp(res.nlp, res.extras.get("cache"))
        self._resources = replace(res, nlp=nlp)

    @property
    def resources(self) -> Resources:
        if self._resources is None:
            self._load()
        assert self._resources is not None
        return self._resources

    @property
    def nlp(self) -> Any:
        return self.resources.nlp

    def _stopped(self) -> bool:
        return self._stop is not None and self._stop.is_set()

    def score_specs(self, specs: Sequence[PairSpec]) -> list[PairResult]:
        return list(self.iter_specs(specs))

    def iter_specs(self, specs: Sequence[PairSpec]) -> Generator[PairResult, None, None]:
        """Load and score a chunk, yielding each pair's result as soon as it is done (nothing once the
        run is asked to stop: ``stop``)."""
        if self._stopped():
            return self.iter_inputs([])
        return self.iter_inputs([load_input(s, self.options.max_input_bytes) for s in specs])

    def score_inputs(self, items: Sequence[PairInput]) -> list[PairResult]:
        return list(self.iter_inputs(items))

    def iter_inputs(self, items: Sequence[PairInput]) -> Generator[PairResult, None, None]:
        """One result per input, in order; a failing pair becomes an error result.

        The chunk runs inside spaCy's memory zone from the first result to the last (see below): until
        the generator is exhausted or closed, nothing else may parse with the same pipeline (it is
        shared process-wide), and no spaCy object made meanwhile may be kept past it.  The results
        themselves are plain JSON lines.
        """
        if not items:
            return
        keys, cached = self._cached_reports(items)
        good = [it for k, it in enumerate(items) if it.error is None and k not in cached]
        if not good:
            yield from self._score_chunk(items, keys, cached, good)
            return
        self.resources  # noqa: B018 - load the models now, not inside the pre-pass's time budget
        if self._stopped():  # asked while they loaded: no pair of this chunk is begun
            return
        # The chunk runs in spaCy's memory zone (the strings and lexemes of its new words are freed at its
        # end), and the checks' word caches are emptied after it, as `score` does per chunk: memory does
        # not grow with the batch.  The zone only where a timed-out pair is stopped by the alarm (the main
        # thread, on a system with setitimer): a pair abandoned in a helper thread could still be parsing
        # when the zone ends.
        from contextlib import nullcontext

        from .checks import release_word_caches
        from .metrics.lexical import release_tokenizer_caches
        from .segment import memory_zone

        try:
            with memory_zone(self.resources.nlp) if alarm_stops_pairs() else nullcontext():
                yield from self._score_chunk(items, keys, cached, good)
        finally:
            # lru caches: emptied safely in any thread, even with an abandoned pair still using them.
            release_word_caches()
            release_tokenizer_caches()

    def _score_chunk(self, items: Sequence[PairInput], keys: dict[int, str], cached: dict[int, PairResult],
                     good: list[PairInput]) -> Generator[PairResult, None, None]:
        fresh: dict[str, bytes] = {}
        try:
            # Under --timeout-per-pair the pre-pass gets the chunk's pairs' time, no more: a pathological
            # pair cannot stall the chunk here, where no pair's own timeout runs yet.  Only where the
            # alarm can stop it (alarm_stops_pairs): an abandoned pre-pass thread would share the models.
            budget = self.timeout * len(good) if self.timeout and good and alarm_stops_pairs() else None
            call_with_timeout(lambda: self._prepare(good), budget)
        except Exception:  # noqa: BLE001 - the pairs are still scored one by one below
            log.warning("batched pre-pass failed; scoring the chunk pair by pair", exc_info=True)
        try:
            for k, it in enumerate(items):
                hit = cached.get(k)
                if hit is not None:
                    yield hit
                    continue
                res = self._score_one(it)
                if res.status == "ok" and k in keys:
                    fresh[keys[k]] = _report_of_line(res.line)
                yield res
        finally:
            # Bounded memory: parses and encodings are kept for one chunk (the disk cache keeps the rest).
            if self._resources is not None:
                self._resources.nlp.clear()
                self._resources.encoder.clear_memory()  # also hands freed heap pages back to the OS
            if fresh and self._reports is not None:
                try:
                    self._reports.put_many(fresh, table="reports")
                except Exception:  # noqa: BLE001 - a cache that cannot be written costs speed, not results
                    log.warning("could not store %d reports in the cache", len(fresh), exc_info=True)

    def _cached_reports(self, items: Sequence[PairInput]) -> tuple[dict[int, str], dict[int, PairResult]]:
        """With a cache: each pair's report key, and the results of pairs whose report is stored.

        A stored report is served only for the same two documents (text, path, encoding, format)
        under the same fingerprint: options, every file of the evaluator package, reference-set and
        glossary files, model and spaCy pipeline, library versions. Its ``meta.report_cache`` says
        "hit"; its ``meta.timings`` are those of the run that computed it.
        """
        if self._reports is None:
            return {}, {}
        if self._fingerprint is None:
            self._fingerprint = report_fingerprint(self.options)
        keys = {k: _report_key(self._fingerprint, it) for k, it in enumerate(items) if it.error is None}
        try:
            found = self._reports.get_many(list(keys.values()), table="reports")
        except Exception:  # noqa: BLE001 - an unreadable cache: score the pairs
            log.warning("could not read stored reports from the cache", exc_info=True)
            return keys, {}
        cached: dict[int, PairResult] = {}
        for k, key in keys.items():
            blob = found.get(key)
            if blob is None:
                continue
            try:
                report = json.loads(blob)
                report["meta"]["report_cache"] = "hit"
            except (ValueError, TypeError, KeyError):
                continue
            cached[k] = ok_result(items[k].id, report, input_fingerprint(items[k]))
            self.report_hits += 1
        return keys, cached

    def _prepare(self, items: Sequence[PairInput]) -> None:
        """Parse every paragraph of the chunk in one ``nlp.pipe`` call and encode every sentence in one call."""
        from .segment import segment

        if not items:
            return
        collector = _CollectingNlp(self.nlp.wrapped)
        docs: list[LoadedText] = []
        for it in items:
            assert it.original is not None and it.rewritten is not None
            docs.extend((it.original, it.rewritten))
        for d in docs:
            try:
                segment(d, collector)  # type: ignore[arg-type]
            except _Collected:
                pass
        self.nlp.prime(collector.texts)
        sentences: list[str] = []
        for d in docs:
            doc, _ = segment(d, self.nlp)  # type: ignore[arg-type]
            sentences.extend(s.text for s in doc.sentences)
        if sentences:
            self.resources.encoder.encode(list(dict.fromkeys(sentences)))

    def _score_one(self, it: PairInput) -> PairResult:
        from .pipeline import compare_loaded

        if it.error is not None:
            return error_result(it.id, it.error)

        def work() -> dict[str, Any]:
            report = compare_loaded(it.original, it.rewritten, options=self.options, resources=self.resources)
            return report.to_dict()

        try:
            return ok_result(it.id, call_with_timeout(work, self.timeout), input_fingerprint(it))
        except PairTimeout as exc:
            log.warning("pair %s: %s", it.id, exc)
            return error_result(it.id, f"PairTimeout: {exc}")
        except Exception as exc:  # noqa: BLE001 - one failing pair must not stop the batch
            log.warning("pair %s failed: %s: %s", it.id, type(exc).__name__, exc, exc_info=log.isEnabledFor(10))
            return error_result(it.id, f"{type(exc).__name__}: {exc}")


def _report_of_line(line: str) -> bytes:
    """The ``report`` object of an ok result line, as the JSON text the line holds."""
    head = line.index(',"report":') + len(',"report":')
    return line[head:-1].encode("utf-8")


def _report_key(fingerprint: str, it: PairInput) -> str:
    sides = [dataclasses.asdict(d) if d is not None else None for d in (it.original, it.rewritten)]
    blob = json.dumps([fingerprint, sides], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def report_fingerprint(options: Options) -> str:
    """A hash of everything besides the two documents that a pair's report depends on (see ``_cached_reports``).

    Read from files and distribution metadata, without loading a model: the options; every file of
    the evaluator package; reference-set and glossary files; the transformer's folder (config and
    tokenizer files, a hash of the weights); the spaCy model's meta.json / config.cfg files; the
    versions of the libraries behind a report; how the transformer is run.
    """
    from .encoder import resolve_model, weights_revision
    from .pipeline import _library_versions

    h = hashlib.sha256()

    def add_file(f: Path, name: Path | None = None) -> None:
        """The file's name (``name``, else its path) and bytes."""
        h.update(os.fsencode(f if name is None else name) + b"\0")
        h.update(f.read_bytes() if f.is_file() else b"<missing>")
        h.update(b"\0")

    h.update(json.dumps(options.to_dict(), sort_keys=True, default=str).encode("utf-8"))
    package = Path(__file__).resolve().parent
    for f in sorted(package.rglob("*")):
        if f.is_file() and "__pycache__" not in f.parts and f.suffix not in (".pyc", ".pyo"):
            add_file(f, f.relative_to(package))  # named inside the package: the same wherever it is installed
    for f in _option_files(options):
        add_file(f)
    try:
        model_name, folder = resolve_model(options.model)
    except EvaluatorError:
        model_name, folder = options.model, ""
    h.update(f"{model_name}|{folder}|{weights_revision(folder) if folder else ''}".encode())
    if folder:
        for f in sorted(Path(folder).glob("*.json")) + sorted(Path(folder).glob("*.txt")):
            add_file(f)
    h.update(os.environ.get("EVALUATOR_NATIVE_BERT", "1").encode("utf-8"))
    spacy_dir = Path(options.spacy_model)
    if not spacy_dir.is_dir():
        import importlib.util

        try:
            spec = importlib.util.find_spec(options.spacy_model)
        except (ImportError, ValueError):
            spec = None
        spacy_dir = Path(spec.origin).parent if spec is not None and spec.origin else Path()
    h.update(options.spacy_model.encode("utf-8"))
    if spacy_dir != Path():
        for f in sorted(q for q in spacy_dir.rglob("*") if q.name in ("meta.json", "config.cfg")):
            add_file(f)
    h.update(json.dumps(_library_versions()).encode("utf-8"))
    return h.hexdigest()


def _option_files(options: Options) -> list[Path]:
    """The files of the reference sets and glossaries (a folder: every file in it, sorted) and the
    rescaling baseline given with ``--baseline``: what they say is a setting, like the options."""
    files: list[Path] = []
    for name in (*options.reference_sets, *options.glossaries):
        path = Path(name)
        files += sorted(q for q in path.rglob("*") if q.is_file()) if path.is_dir() else [path]
    if options.rescale and options.baseline_path:
        files.append(Path(options.baseline_path))
    return files


def options_from_dict(data: dict[str, Any]) -> Options:
    """Rebuild ``Options`` from ``Options.to_dict()`` (lists back to tuples)."""
    fields = dict(data)
    for k in ("reference_sets", "glossaries", "checks"):
        if isinstance(fields.get(k), list):
            fields[k] = tuple(fields[k])
    return Options(**fields)


# ---------------------------------------------------------------------------------------- results file

class ResultsFile:
    """``results.jsonl``: recovered on open (a torn last line is cut off), then appended line by line."""

    def __init__(self, path: str | os.PathLike[str], fsync_interval: float = 1.0) -> None:
        self.path = Path(path)
        self._fh: Any = None
        self.fsync_interval = fsync_interval
        self.fingerprints: dict[str, str] = {}  # id -> input fingerprint of its kept line, where it has one
        self._synced = 0.0

    def recover(self) -> dict[str, str]:
        """Ids already finished -> their status; cuts a partial last line left by a crash."""
        done: dict[str, str] = {}
        if not self.path.exists():
            return done
        good_end = 0
        with self.path.open("rb") as fh:
            n = 0
            for raw in fh:
                n += 1
                if not raw.endswith(b"\n"):
                    log.warning("%s: dropping a partial last line (line %d) left by an interrupted run", self.path, n)
                    break
                head = _record_head(raw, full=False)
                if head is None:
                    nxt = fh.readline()
                    if nxt:
                        raise ConfigError(self.path, "corrupt result line; fix or remove it", line=n)
                    log.warning("%s: dropping an unreadable last line (line %d)", self.path, n)
                    break
                pair_id, status, fingerprint = head
                if pair_id in done:
                    log.warning("%s: id %r appears twice; keeping the first", self.path, pair_id)
                else:
                    done[pair_id] = status
                    if fingerprint:
                        self.fingerprints[pair_id] = fingerprint
                good_end += len(raw)
        if good_end != self.path.stat().st_size:
            with self.path.open("r+b") as fh:
                fh.truncate(good_end)
                fh.flush()
                os.fsync(fh.fileno())
        return done

    def drop_errors(self) -> int:
        """Rewrite the file without its error records (so those pairs run again); returns how many."""
        return self._drop(lambda pair_id, status: status == "error")

    def drop_ids(self, ids: set[str]) -> int:
        """Rewrite the file without the records of ``ids`` (so those pairs run again); returns how many."""
        return self._drop(lambda pair_id, status: pair_id in ids)

    def _drop(self, drop: Callable[[str, str], bool]) -> int:
        if not self.path.exists():
            return 0
        tmp = self.path.with_suffix(".jsonl.tmp")
        dropped = 0
        with self.path.open("rb") as src, tmp.open("wb") as dst:
            for raw in src:
                head = _record_head(raw, full=False)
                if head is not None and drop(head[0], head[1]):
                    dropped += 1
                    self.fingerprints.pop(head[0], None)
                    continue
                dst.write(raw)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, self.path)
        return dropped

    def append(self, line: str) -> None:
        """Write one result line. Flushed at once: a crash or kill of this process loses nothing written.

        fsync (what survives a power loss) is grouped: at most once per ``fsync_interval`` seconds and
        at ``close``, since one fsync per line costs milliseconds, about as much as scoring a short pair.
        """
        if self._fh is None:
            self._fh = self.path.open("ab")
            self._synced = time.monotonic()
        self._fh.write(line.encode("utf-8") + b"\n")
        self._fh.flush()
        now = time.monotonic()
        if now - self._synced >= self.fsync_interval:
            os.fsync(self._fh.fileno())
            self._synced = now

    def close(self) -> None:
        if self._fh is not None:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
            self._fh = None

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Each result once (the first line of an id), in file order; a line that is not a result is
        skipped with a warning (``recover`` checks lines cheaply and lets a hand-cut one through)."""
        if not self.path.exists():
            return
        seen: set[str] = set()
        with self.path.open("rb") as fh:
            for n, raw in enumerate(fh, start=1):
                if not raw.endswith(b"\n"):
                    continue
                try:
                    rec = json.loads(raw)
                except (ValueError, UnicodeDecodeError):
                    rec = None
                if not _is_record(rec):
                    log.warning("%s: line %d is not a result record; skipped (remove it and rerun to score "
                                "that pair again)", self.path, n)
                    continue
                if str(rec["id"]) in seen:
                    continue
                seen.add(str(rec["id"]))
                yield rec


def _is_record(rec: Any) -> bool:
    """Whether a parsed line is a result record: an object with an id and an ok/error status."""
    return isinstance(rec, dict) and "id" in rec and rec.get("status") in ("ok", "error")


def _record_head(raw: bytes, *, full: bool) -> tuple[str, str, str | None] | None:
    """``(id, status, input fingerprint or None)`` of a result line; cheap for lines we wrote, full JSON
    parse otherwise."""
    if not full:
        m = _HEAD_RE.match(raw.decode("utf-8", "replace"))
        if m and raw.rstrip().endswith(b"}"):
            return json.loads(m.group(1)), m.group(2), m.group(3)
    try:
        rec = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    if not _is_record(rec):
        return None
    fingerprint = rec.get("input")
    return str(rec["id"]), str(rec["status"]), fingerprint if isinstance(fingerprint, str) else None


# -------------------------------------------------------------------------------------------- driver

class ProgressSink(Protocol):
    """What the driver reports progress to (``evaluator.progress`` draws it)."""

    def start(self, total: int, already_done: int) -> None: ...

    def advance(self, ok: bool) -> None: ...

    def finish(self) -> None: ...


@dataclass
class BatchResult:
    """What a batch run did: counts over all results, and whether it was stopped early."""

    out_dir: Path
    total: int
    ok: int
    failed: int
    resumed: int  # pairs found finished from an earlier run
    scored: int  # pairs finished in this run
    stopped: bool
    seconds: float
    summary: dict[str, Any] = field(default_factory=dict)
    resumed_failed: int = 0  # of ``resumed``, the error records kept from an earlier run (not retried)
    html: bool = False  # whether index.html and the pair pages were written (asked for, or the folder had them)

    @property
    def missing(self) -> int:
        return self.total - self.ok - self.failed


TIMEOUT_PROBLEM = "--timeout-per-pair must be a positive finite number"


def valid_timeout(seconds: Any) -> bool:
    """``timeout_per_pair`` as ``run_batch`` takes it: None (no limit) or a positive finite number of
    seconds; nan, inf and 1e400 (inf once parsed) are not.  The one test of it: ``run_batch`` and
    ``evaluator batch`` (which refuses the flag before reading the manifest) both raise
    ``TIMEOUT_PROBLEM`` where it fails."""
    return seconds is None or (isinstance(seconds, (int, float)) and math.isfinite(seconds) and seconds > 0)


def run_batch(manifest: str | os.PathLike[str] | Sequence[PairSpec], out_dir: str | os.PathLike[str],
              options: Options | None = None, *, engine: str = "local", address: str | None = None,
              workers: int = 1, html: bool = False, timeout_per_pair: float | None = None,
              chunk_size: int = DEFAULT_CHUNK, retry_failed: bool = False,
              stop: threading.Event | None = None, progress: ProgressSink | None = None,
              manifest_path: str | os.PathLike[str] | None = None) -> BatchResult:
    """Score every pair of ``manifest`` not yet in ``out_dir/results.jsonl``; rebuild the summary.

    ``stop`` (set by a signal handler) ends the run cleanly after the pairs in flight; rerunning
    the same call continues where it stopped.  Raises ``ConfigError`` for a malformed manifest or an
    output folder written with different settings, before any work.  ``manifest_path`` names the
    manifest in ``batch.json`` when ``manifest`` is the specs already read from it.

    A pair's HTML page is written whenever its result is new in this run (and removed when its result
    is dropped, a changed text or ``retry_failed``), so a page never shows an older result than
    ``results.jsonl`` holds.
    """
    from .engines import get_engine

    options = _canonical_checks(options or Options())
    t0 = time.perf_counter()
    specs = list(manifest) if isinstance(manifest, Sequence) and not isinstance(manifest, str) \
        else read_manifest(os.fspath(manifest))  # type: ignore[arg-type]
    if chunk_size < 1 or workers < 1:
        raise ConfigError(None, "--workers and the chunk size must be at least 1")
    if not valid_timeout(timeout_per_pair):
        raise ConfigError(None, TIMEOUT_PROBLEM)
    run_engine = get_engine(engine)  # an unknown engine fails before any work
    engine_args: dict[str, Any] = {}
    if engine == "ray":
        from .engines.ray import check_address

        # A cluster that cannot be reached fails here, before the folder is made; an --address given is
        # probed even where Ray is already initialised in this process (it is an input error either way).
        check_address(address)
        engine_args["address_checked"] = True  # and is probed once per batch
    out = Path(out_dir)
    # Every input is read before the folder is touched: a bad glossary, reference set, baseline or model,
    # or an --out / --cache that is a file, is exit 2 with nothing written (and a corrected rerun is free).
    _check_folder_option("--out", out)
    if options.cache_dir:
        _check_folder_option("--cache", Path(options.cache_dir))
    revision, files, weights = _check_inputs(options, out)
    wanted = _settings_of(options, revision)
    if engine == "local":
        # Scoring in this process (one worker) uses the files parsed above; worker processes and Ray
        # actors load their own.
        engine_args["files"] = files
    created = _make_folder(out)
    try:
        with _folder_lock(out) as lock_created:
            had = {name: (out / name).exists() for name in (SETTINGS, SUMMARY, WEIGHTS)}
            try:
                return _run_locked(specs, out, options, wanted, manifest_path if manifest_path is not None else manifest,
                                   weights=weights, engine=engine, address=address, workers=workers, html=html,
                                   timeout_per_pair=timeout_per_pair, chunk_size=chunk_size,
                                   retry_failed=retry_failed, stop=stop, progress=progress, run_engine=run_engine,
                                   engine_args=engine_args, t0=t0)
            except BaseException:
                _undo_empty_run(out, had, lock_created)
                raise
    except BaseException:
        for d in reversed(created):  # folders this run made and left empty
            with contextlib.suppress(OSError):
                d.rmdir()
        raise


def _run_locked(specs: list[PairSpec], out: Path, options: Options, wanted: dict[str, Any], manifest: Any, *,
                weights: dict[str, Any] | None, engine: str, address: str | None, workers: int, html: bool,
                timeout_per_pair: float | None, chunk_size: int, retry_failed: bool, stop: threading.Event | None,
                progress: ProgressSink | None, run_engine: Callable[..., Any], engine_args: dict[str, Any],
                t0: float) -> BatchResult:
    """``run_batch`` once the folder is locked; ``weights``: a new ``WEIGHTS`` record to keep."""
    _check_settings(out, wanted, manifest)
    if weights is not None:
        atomic_write_json(out / WEIGHTS, weights)
    if not html and (out / INDEX).exists():
        # A folder with an HTML overview keeps it current: an index left as it was would link pages
        # removed below and show older results than results.jsonl holds.
        log.info("%s exists: rewriting it and the pair pages", out / INDEX)
        html = True
    results = ResultsFile(out / RESULTS)
    done = results.recover()
    if retry_failed:
        _remove_pages(out, [k for k, v in done.items() if v == "error"])
        n = results.drop_errors()
        done = {k: v for k, v in done.items() if v != "error"}
        log.info("retrying %d failed pairs", n)
    changed = _changed_inputs(specs, done, results.fingerprints, options.max_input_bytes)
    if changed:
        _remove_pages(out, changed)  # first: a page must never outlive the result it shows
        results.drop_ids(changed)
        done = {k: v for k, v in done.items() if k not in changed}
        first = next(s.id for s in specs if s.id in changed)
        log.warning("%d pair(s) changed since they were scored (first: %r): scored again", len(changed), first)
    resumed = sum(1 for s in specs if s.id in done)
    resumed_failed = sum(1 for s in specs if done.get(s.id) == "error")
    fresh: set[str] = set()
    pending = [s for s in specs if s.id not in done]
    if resumed:
        log.info("resuming: %d of %d pairs already done", resumed, len(specs))
    stop = stop or threading.Event()
    if progress is not None:
        progress.start(len(specs), resumed)
    scored = 0
    # A stop asked for before any pair was handed out (while the inputs were checked) starts no engine.
    stream = iter(()) if stop.is_set() else run_engine(
        pending, options, workers=workers, timeout=timeout_per_pair, chunk_size=chunk_size, address=address,
        stop=stop, **engine_args)
    try:
        for res in stream:
            if res.id in done:
                log.warning("engine returned %r twice; keeping the first", res.id)
                continue
            results.append(res.line)
            done[res.id] = res.status
            fresh.add(res.id)
            scored += 1
            if progress is not None:
                progress.advance(res.status == "ok")
            # On a stop the engine ends its stream itself, after the pairs in hand (with workers: the
            # chunks already running); whatever it still yields is finished work and is kept.
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()
        results.close()
        if progress is not None:
            progress.finish()
    # Only this manifest's pairs count: results.jsonl may also hold ids of another manifest.
    stopped = stop.is_set() and any(s.id not in done for s in specs)
    summary, rows = summarise(results, specs, out if html else None, rewrite=fresh)
    summary["settings"] = {"engine": engine, "workers": workers, "chunk_size": chunk_size,
                           "timeout_per_pair": timeout_per_pair, "options": options.to_dict()}
    atomic_write_json(out / SUMMARY, summary)
    if html:
        from .render.batch_index import write_index

        write_index(out / INDEX, summary, rows)
    ok = summary["pairs"]["ok"]
    failed = summary["pairs"]["failed"]
    return BatchResult(out, len(specs), ok, failed, resumed, scored, stopped,
                       time.perf_counter() - t0, summary, resumed_failed, html=html)


def _check_folder_option(flag: str, path: Path) -> None:
    """``--out`` / ``--cache`` must name a folder (made if missing), not a file."""
    if path.exists() and not path.is_dir():
        raise ConfigError(path, f"{flag} must name a folder, and this is a file")


def _make_folder(out: Path) -> list[Path]:
    """Make ``out`` and its missing parents; the folders made, outermost first (exit 2 when it cannot)."""
    missing = [p for p in (out, *out.parents) if not p.exists()][::-1]
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(out, f"--out: cannot make the folder ({exc.strerror or exc})") from None
    return missing


def _undo_empty_run(out: Path, had: dict[str, bool], lock_created: bool) -> None:
    """A run that failed before its first result leaves the folder as it found it: ``batch.json`` (its
    settings), ``summary.json`` and the weights' digest if it wrote them, and the ``.lock`` it made, go;
    so a rerun with corrected input is not refused as "other settings".  Called with the folder still
    locked."""
    results = out / RESULTS
    with contextlib.suppress(OSError):
        if results.exists() and results.stat().st_size > 0:
            return  # results are kept, and so are the settings they were made with
        if results.exists():
            results.unlink()
        for name, existed in had.items():
            if not existed:
                with contextlib.suppress(FileNotFoundError):
                    (out / name).unlink()
        if lock_created:
            with contextlib.suppress(FileNotFoundError):
                (out / ".lock").unlink()


def _canonical_checks(options: Options) -> Options:
    """``--checks`` as a set: sorted, each name once.  ``entities,negation`` and ``negation,entities``
    (or a name given twice) are one setting, and run in one order, so they give one report."""
    if options.checks is None:
        return options
    return options.with_(checks=tuple(sorted(set(options.checks))))


def _remove_pages(out: Path, ids: Any) -> None:
    """Remove the HTML pages of pairs whose result is dropped, so a stale page is never linked again."""
    for pair_id in ids:
        with contextlib.suppress(FileNotFoundError):
            (out / PAIRS_DIR / f"{safe_id(pair_id)}.html").unlink()


def _changed_inputs(specs: Sequence[PairSpec], done: dict[str, str], fingerprints: dict[str, str],
                    max_bytes: int) -> set[str]:
    """Ids whose stored result was made from other texts than the manifest gives now (results that
    carry a fingerprint; a pair that cannot be read now keeps its result)."""
    changed = set()
    for spec in specs:
        stored = fingerprints.get(spec.id)
        if stored is None or spec.id not in done:
            continue
        now = input_fingerprint(load_input(spec, max_bytes))
        if now is not None and now != stored:
            changed.add(spec.id)
    return changed


@contextlib.contextmanager
def _folder_lock(out: Path) -> Iterator[bool]:
    """One run at a time per output folder: a second one is refused (exit 2) rather than appending the
    same ids again.  An advisory lock on ``DIR/.lock``, released by the OS when the process ends however
    it ends; where ``fcntl`` is missing (Windows) there is no lock.  Yields whether it made the file."""
    try:
        import fcntl
    except ImportError:
        yield False
        return
    created = not (out / ".lock").exists()
    with (out / ".lock").open("a+b") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigError(out, "another `evaluator batch` run is writing this folder; wait for it or "
                                   "give another --out") from None
        try:
            yield created
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _file_digest(path: str | os.PathLike[str]) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:32]
    except OSError:
        return "<unreadable>"


def _plain_layer(settings: dict[str, Any]) -> dict[str, Any]:
    """The bundled model's default layer given explicitly (``--layer 3``) is the default (no layer)."""
    from .encoder import DEFAULT_MODEL_ALIASES
    from .options import DEFAULT_LAYER

    if settings.get("layer") == DEFAULT_LAYER and settings.get("model") in DEFAULT_MODEL_ALIASES:
        return {**settings, "layer": None}
    return settings


def _real(path: Any) -> str:
    """A file setting as one string however it was spelled (``g.csv``, ``./g.csv``, absolute, from another
    folder): the resolved absolute path."""
    return os.path.realpath(os.fspath(path))


def _check_inputs(options: Options, out: Path) -> tuple[str, OptionFiles, dict[str, Any] | None]:
    """Read every file the settings name, and find the model, before anything is written: a bad glossary,
    reference set, baseline or model is exit 2 with the --out folder untouched.  Returns the model's
    weights revision (what the stored-report cache keys on), part of the folder's settings; the
    parsed reference sets and glossaries (scoring reuses them); and the weights' digest record to keep
    in ``out`` (None where it holds that one already: the weights were not hashed again)."""
    from .encoder import resolve_model, weights_record, weights_revision
    from .pipeline import load_option_files

    _name, folder = resolve_model(options.model)  # ModelError: an unknown model, offline
    files = load_option_files(options)
    if options.rescale and options.baseline_path:
        from .metrics.semantic import read_baseline

        read_baseline(options.baseline_path)  # header, rows, finite values below 1: as scoring will read it
    try:
        stored = json.loads((out / WEIGHTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none yet (a first run), or unreadable: hashed again
        stored = None
    stored = stored if isinstance(stored, dict) else None
    revision = weights_revision(folder, known=stored)
    record = weights_record(folder)
    return revision, files, (record if record != stored else None)


_FILE_SETTINGS = ("reference_sets", "glossaries", "baseline_path")


def _settings_of(options: Options, model_revision: str) -> dict[str, Any]:
    """What a folder's results depend on, as stored in ``batch.json``: the options that change a report,
    files by their resolved path and the digest of their content, and the model's weights revision
    (new weights at the same --model path are another setting)."""
    wanted = _plain_layer({k: v for k, v in _canonical_checks(options).to_dict().items()
                           if k not in _NEUTRAL_OPTIONS})
    wanted = _normalise_files(json.loads(json.dumps(wanted)))
    # What the glossaries, reference sets and baseline say, not only where they are: an edited glossary
    # is another setting (its findings would differ from the results already there).
    wanted["file_digests"] = {_real(f): _file_digest(f) for f in _option_files(options)}
    wanted["model_revision"] = model_revision
    return wanted


def _normalise_files(settings: dict[str, Any]) -> dict[str, Any]:
    out = dict(settings)
    for k in ("reference_sets", "glossaries"):
        if isinstance(out.get(k), list):
            out[k] = [_real(p) if isinstance(p, str) else p for p in out[k]]
    if isinstance(out.get("baseline_path"), str):
        out["baseline_path"] = _real(out["baseline_path"])
    if isinstance(out.get("file_digests"), dict):
        out["file_digests"] = {_real(k): v for k, v in out["file_digests"].items()}
    return out


def _describe_changes(old: dict[str, Any], wanted: dict[str, Any]) -> str:
    """What differs, truthfully: an option by its name; a file setting with the files; an edited file by name."""
    parts = []
    for k in sorted(set(old) | set(wanted)):
        was, now = old.get(k), wanted.get(k)
        if was == now:
            continue
        if k == "file_digests":
            was, now = was or {}, now or {}
            edited = sorted(f for f in set(was) & set(now) if was[f] != now[f])
            if edited:
                parts.append("the content of a glossary or reference set: " + ", ".join(edited)
                             if set(edited) - {wanted.get("baseline_path")} else
                             "the content of the --baseline file: " + ", ".join(edited))
            elif not any(old.get(f) != wanted.get(f) for f in _FILE_SETTINGS):
                parts.append("the files in a glossary or reference set folder")
        elif k == "model_revision":
            parts.append(f"the model's weights (revision {was} then, {now} now)")
        elif k in _FILE_SETTINGS:
            parts.append(f"{k}: {was} then, {now} now")
        else:
            parts.append(k)
    return "; ".join(parts)


def _check_settings(out: Path, wanted: dict[str, Any], manifest: Any) -> None:
    """Refuse to mix results made with other settings into one results.jsonl."""
    path = out / SETTINGS
    if path.exists():
        try:
            old = json.loads(path.read_text(encoding="utf-8")).get("options", {})
        except (OSError, ValueError, AttributeError):
            old = None
        if old is not None:
            # A setting added after the folder was made was at its default then.
            defaults = json.loads(json.dumps(Options().to_dict()))
            old = _plain_layer({**{k: defaults[k] for k in wanted if k in defaults and k not in old}, **old})
            old = {k: v for k, v in old.items() if k not in _NEUTRAL_OPTIONS}  # neutral now, kept by older runs
            if isinstance(old.get("checks"), list):  # a folder written before checks were kept as a set
                old["checks"] = sorted(set(old["checks"]))
            old = _normalise_files(old)  # paths as given by an older run: resolved from here
            filled = "file_digests" not in old or "model_revision" not in old
            old.setdefault("file_digests", wanted["file_digests"])  # a folder made before digests were kept
            base = wanted.get("baseline_path")
            if base and old.get("baseline_path") == base and isinstance(old["file_digests"], dict):
                real = _real(base)  # ... or before the --baseline file's digest was
                if real in wanted["file_digests"] and real not in old["file_digests"]:
                    old["file_digests"] = {**old["file_digests"], real: wanted["file_digests"][real]}
                    filled = True
            old.setdefault("model_revision", wanted["model_revision"])  # ... before the weights revision was
            if old != wanted:
                raise ConfigError(out, f"holds results made with other settings ({_describe_changes(old, wanted)}); "
                                       "use a fresh --out folder")
            if not filled:
                return  # else: recorded now, so that a later edit of those files is seen
    atomic_write_json(path, {"options": wanted,
                             "manifest": str(manifest) if isinstance(manifest, (str, os.PathLike)) else None})


# ------------------------------------------------------------------------------------------- summary

def _get(d: Any, path: Sequence[str]) -> Any:
    for k in path:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def pair_row(rec: dict[str, Any]) -> dict[str, Any]:
    """The overview row of one result: status, finding counts by severity, document metrics."""
    row: dict[str, Any] = {"id": rec["id"], "status": rec["status"]}
    if rec["status"] != "ok":
        row["error"] = rec.get("error", "")
        return row
    rep = rec["report"]
    counts = _get(rep, ("summary", "findings_by_severity")) or {}
    for sev in SEVERITIES:
        row[sev] = int(counts.get(sev, 0))
    for name, path in METRICS.items():
        v = _get(rep, path)
        row[name] = float(v) if isinstance(v, (int, float)) and math.isfinite(v) else None
    row["sentences_original"] = len(_get(rep, ("original", "sentences")) or [])
    row["sentences_rewritten"] = len(_get(rep, ("rewritten", "sentences")) or [])
    return row


def summarise(results: ResultsFile, specs: Sequence[PairSpec], html_dir: Path | None = None,
              rewrite: set[str] | frozenset[str] = frozenset()) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Aggregates over the result of each pair of ``specs`` (one pass; results of ids the manifest no longer
    has are counted in ``not_in_manifest`` only); with ``html_dir``, writes the pair pages that are
    missing and those of the ids in ``rewrite`` (results new in this run: an existing page is older).

    ``metrics`` are over the pairs that have the metric (``n``); ``missing`` counts the scored pairs
    without it (chrF is null where nothing aligned).  ``worst.by_chrf`` lists those pairs first, with a
    null chrF: nothing aligned is worse than any score.
    """
    write_html = _html_writer() if html_dir is not None else None
    page_owner: dict[str, str] = {}  # page name, case-folded -> the id it shows
    order = {s.id: i for i, s in enumerate(specs)}
    rows: list[dict[str, Any]] = []
    by_check: dict[str, Counter[str]] = {}
    by_code: Counter[str] = Counter()
    by_severity: Counter[str] = Counter()
    pairs_with: Counter[str] = Counter()
    errors: list[dict[str, str]] = []
    not_in_manifest = 0
    for rec in results:
        if str(rec["id"]) not in order:  # kept in results.jsonl, left out of this manifest's summary and index
            not_in_manifest += 1
            continue
        row = pair_row(rec)
        if rec["status"] == "ok":
            for f in rec["report"].get("findings", []):
                by_check.setdefault(f["check"], Counter())[f["severity"]] += 1
                by_code[f["code"]] += 1
                by_severity[f["severity"]] += 1
            for sev in SEVERITIES:
                if row[sev]:
                    pairs_with[sev] += 1
            if write_html is not None and html_dir is not None:
                page = html_dir / PAIRS_DIR / f"{safe_id(rec['id'])}.html"
                owner = page_owner.setdefault(page.name.casefold(), rec["id"])
                if owner != rec["id"]:  # safe_id is injective; a 32-bit hash collision is not linked twice
                    log.warning("pairs %r and %r would share the page %s; %r gets none", owner, rec["id"],
                                page.name, rec["id"])
                    rows.append(row)
                    continue
                if rec["id"] in rewrite or not page.exists():
                    try:
                        write_html(rec["report"], page, name=str(rec["id"]), back=f"../{INDEX}")
                    except Exception:  # noqa: BLE001 - one page must not cost the whole index
                        log.exception("could not render the HTML page of pair %r", rec["id"])
                if page.exists():
                    row["html"] = f"{PAIRS_DIR}/{page.name}"
        else:
            errors.append({"id": rec["id"], "error": rec.get("error", "")})
        rows.append(row)
    rows.sort(key=lambda r: (order.get(r["id"], len(order)), r["id"]))
    ok_rows = [r for r in rows if r["status"] == "ok"]
    metrics: dict[str, Any] = {}
    for name in METRICS:
        vals = [r[name] for r in ok_rows if r.get(name) is not None]
        if vals:
            metrics[name] = {"n": len(vals), "missing": len(ok_rows) - len(vals),
                             "mean": round(statistics.fmean(vals), 6),
                             "median": round(statistics.median(vals), 6),
                             "min": round(min(vals), 6), "max": round(max(vals), 6)}
    worst_sev = sorted((r for r in ok_rows if r["critical"] or r["major"]),
                       key=lambda r: (-r["critical"], -r["major"], r.get("chrf") or 0.0))[:WORST_N]
    # Nothing aligned (chrF null) first: no score is worse than the lowest score.
    worst_chrf = sorted(ok_rows, key=lambda r: (r.get("chrf") is not None, r.get("chrf") or 0.0))[:WORST_N]
    n_ok, n_failed = len(ok_rows), len(errors)
    summary: dict[str, Any] = {
        "pairs": {"total": len(specs), "ok": n_ok, "failed": n_failed, "missing": len(specs) - n_ok - n_failed,
                  "not_in_manifest": not_in_manifest},
        "metrics": metrics,
        "findings": {
            "by_severity": {s: by_severity.get(s, 0) for s in SEVERITIES},
            "pairs_with": {s: pairs_with.get(s, 0) for s in SEVERITIES},
            "by_check": {c: {s: n.get(s, 0) for s in SEVERITIES} for c, n in sorted(by_check.items())},
            "by_code": dict(by_code.most_common()),
        },
        "worst": {
            "by_severity": [{k: r[k] for k in ("id", "critical", "major", "chrf")} for r in worst_sev],
            "by_chrf": [{k: r[k] for k in ("id", "chrf", "critical", "major")} for r in worst_chrf],
        },
        "errors": errors[:100],
    }
    return summary, rows


def _html_writer() -> Callable[..., None] | None:
    try:
        from .render.html import write_html
    except ImportError:
        log.warning("evaluator.render.html is unavailable: no per-pair HTML pages")
        return None

    return write_html  # the same page as `evaluator compare` writes, charts included (~1 ms)


__all__ = ["run_batch", "BatchResult", "ChunkScorer", "PairResult", "PairInput", "ResultsFile", "summarise",
           "call_with_timeout", "PairTimeout", "options_from_dict", "dumps_json"]
