"""`batch` against bad input, damaged caches, odd manifests and changed settings: nothing half-written,
nothing computed lost, and a corrected rerun into the same folder works."""
from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from evaluator.batch import PairResult, report_fingerprint, run_batch
from evaluator.errors import ConfigError, DocumentError, InputError
from evaluator.manifest import read_manifest
from evaluator.options import Options
from tests.test_batch import records

PAIRS = [("a", "The council met on Tuesday.", "The council met on Tuesday."),
         ("b", "Rain is expected tomorrow. Buses run as usual.", "Rain is expected tomorrow.")]


def manifest(tmp: Path, pairs: list[tuple[str, str, str]] = PAIRS, name: str = "pairs.jsonl") -> Path:
    path = tmp / name
    path.write_text("".join(json.dumps({"id": i, "original": o, "rewritten": r}) + "\n" for i, o, r in pairs),
                    encoding="utf-8")
    return path


def fake_engine(monkeypatch: pytest.MonkeyPatch, error: str = "fake", stop_after: int | None = None,
                fail: BaseException | None = None) -> list[list[str]]:
    """An engine that gives each pair an error record (no model needed); ``stop_after``: it sets the stop
    event and ends after that many; ``fail``: it raises that before any result."""
    import evaluator.engines

    seen: list[list[str]] = []

    def engine(pending, options, *, stop, **_: Any):
        seen.append([p.id for p in pending])
        if fail is not None:
            raise fail
        for k, p in enumerate(pending):
            yield PairResult(p.id, "error", json.dumps({"id": p.id, "status": "error", "error": error}))
            if stop_after is not None and k + 1 == stop_after:
                stop.set()
                return

    monkeypatch.setattr(evaluator.engines, "get_engine", lambda name: engine)
    return seen


def cli(*argv: str) -> int:
    from evaluator.cli import main

    return main(["batch", *argv])


# ------------------------------------------------------------------------- 1: bad input writes nothing

def _bad_glossary(tmp: Path) -> Options:
    (tmp / "g.csv").write_text("term,required\nfoo,bar\n", encoding="utf-8")
    return Options(glossaries=(str(tmp / "g.csv"),))


def _bad_reference_set(tmp: Path) -> Options:
    (tmp / "r.toml").write_text('[[places]]\nid="x"\nname="X"\n[[places]]\nid="x"\nname="Y"\n', encoding="utf-8")
    return Options(reference_sets=(str(tmp / "r.toml"),))


def _bad_baseline(tmp: Path) -> Options:
    (tmp / "bl.tsv").write_text("LAYER,P,R,F\n3,abc,0.8,0.8\n", encoding="utf-8")
    return Options(rescale=True, baseline_path=str(tmp / "bl.tsv"))


def _bad_model(tmp: Path) -> Options:
    return Options(model="nosuch-model")


@pytest.mark.parametrize("bad", [_bad_glossary, _bad_reference_set, _bad_baseline, _bad_model])
@pytest.mark.parametrize("existing", [False, True])
def test_bad_input_writes_nothing_and_a_corrected_rerun_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           bad: Any, existing: bool) -> None:
    seen = fake_engine(monkeypatch)
    out = tmp_path / "out"
    if existing:
        out.mkdir()
    with pytest.raises(InputError):
        run_batch(manifest(tmp_path), out, bad(tmp_path))
    assert not seen
    assert (sorted(p.name for p in out.iterdir()) == []) if existing else not out.exists()
    res = run_batch(manifest(tmp_path), out, Options())  # corrected: not refused as "other settings"
    assert res.scored == len(PAIRS) and len(records(out)) == len(PAIRS)


def test_a_run_that_fails_before_its_first_result_leaves_the_folder_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the checks before the folder cannot see (a model folder whose weights do not load ...) fails in the
    engine: the run removes what it made, so the next run with other settings is not refused."""
    fake_engine(monkeypatch, fail=ConfigError("weights", "cannot load"))
    out = tmp_path / "deep" / "out"
    with pytest.raises(ConfigError, match="cannot load"):
        run_batch(manifest(tmp_path), out, Options(idf=True))
    assert not (tmp_path / "deep").exists()
    fake_engine(monkeypatch)
    run_batch(manifest(tmp_path), out, Options())
    settings = (out / "batch.json").read_text(encoding="utf-8")
    # A folder with results keeps them and its settings when a later run fails.
    fake_engine(monkeypatch, fail=RuntimeError("boom"))
    with pytest.raises(RuntimeError):
        run_batch(manifest(tmp_path), out, Options(), retry_failed=False)
    assert (out / "batch.json").read_text(encoding="utf-8") == settings and len(records(out)) == len(PAIRS)


def test_out_or_cache_that_is_a_file_is_refused_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    seen = fake_engine(monkeypatch)
    afile = tmp_path / "a.txt"
    afile.write_text("keep me", encoding="utf-8")
    with pytest.raises(ConfigError, match="--out must name a folder"):
        run_batch(manifest(tmp_path), afile, Options())
    with pytest.raises(ConfigError, match="--cache must name a folder"):
        run_batch(manifest(tmp_path), tmp_path / "out", Options(cache_dir=str(afile)))
    assert afile.read_text(encoding="utf-8") == "keep me" and not (tmp_path / "out").exists() and not seen
    assert cli(str(manifest(tmp_path)), "--out", str(tmp_path / "out"), "--cache", str(afile), "-q") == 2
    err = capsys.readouterr().err
    assert "--cache" in err and len(err.strip().splitlines()) == 1 and not (tmp_path / "out").exists()


# ------------------------------------------------------------------------- 2: --timeout-per-pair

@pytest.mark.parametrize("value", ["nan", "inf", "1e400", "-1", "0"])
def test_timeout_per_pair_must_be_a_positive_finite_number(tmp_path: Path, value: str,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert cli(str(manifest(tmp_path)), "--out", str(out), "--timeout-per-pair", value, "-q") == 2
    assert "--timeout-per-pair must be a positive finite number" in capsys.readouterr().err
    assert not out.exists()
    with pytest.raises(ConfigError, match="positive finite"):
        run_batch(manifest(tmp_path), out, Options(), timeout_per_pair=float(value))
    assert not out.exists()


# ------------------------------------------------------------------------- 3, 4, 11: settings

def test_an_edited_baseline_is_another_setting_and_another_report_key(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    fake_engine(monkeypatch)
    bl = tmp_path / "bl.tsv"
    bl.write_text("LAYER,P,R,F\n3,0.1,0.1,0.1\n", encoding="utf-8")
    opts = Options(rescale=True, baseline_path=str(bl))
    m, out = manifest(tmp_path), tmp_path / "out"
    run_batch(m, out, opts)
    before = report_fingerprint(opts)
    run_batch(m, out, opts, retry_failed=True)  # unchanged: the same setting
    bl.write_text("LAYER,P,R,F\n3,0.5,0.5,0.5\n", encoding="utf-8")
    assert report_fingerprint(opts) != before  # stored reports made with the old baseline are not served
    with pytest.raises(ConfigError, match=r"other settings \(the content of the --baseline file: .*bl\.tsv\)"):
        run_batch(m, out, opts)


def _own_model(tmp_path: Path, weights: bytes) -> Path:
    """A model folder of the bundled config and the given bytes as weights (never loaded: a fake engine)."""
    from evaluator.encoder import _default_model_path

    model = tmp_path / "mymodel"
    model.mkdir()
    shutil.copy(Path(_default_model_path()) / "config.json", model / "config.json")
    (model / "model.safetensors").write_bytes(weights)
    return model


def test_new_weights_at_the_same_model_path_are_another_setting(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:

    fake_engine(monkeypatch)
    model = _own_model(tmp_path, b"weights one")
    m, out, opts = manifest(tmp_path), tmp_path / "out", Options(model=str(model))
    run_batch(m, out, opts)
    run_batch(m, out, opts, retry_failed=True)  # the same weights: the same setting
    (model / "model.safetensors").write_bytes(b"weights two, retrained")
    with pytest.raises(ConfigError, match=r"other settings \(the model's weights"):
        run_batch(m, out, opts)


def test_a_resumed_run_does_not_hash_the_weights_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The weights' digest is kept in the folder under (resolved path, size, mtime_ns): a rerun in a new
    process takes it from there (a large --model took seconds to hash); new weights are hashed."""
    import hashlib
    import types

    import evaluator.encoder
    from evaluator.batch import WEIGHTS

    fake_engine(monkeypatch)
    model = _own_model(tmp_path, b"weights one")
    m, out, opts = manifest(tmp_path), tmp_path / "out", Options(model=str(model))
    run_batch(m, out, opts)
    record = json.loads((out / WEIGHTS).read_text(encoding="utf-8"))
    assert record["sha256"] == hashlib.sha256(b"weights one").hexdigest()
    assert record["file"] == str((model / "model.safetensors").resolve())
    hashed: list[int] = []

    def counting(*a: Any) -> Any:
        hashed.append(1)
        return hashlib.sha256(*a)

    monkeypatch.setattr(evaluator.encoder, "hashlib", types.SimpleNamespace(sha256=counting))
    monkeypatch.setattr(evaluator.encoder, "_REVISIONS", {})  # a new process
    run_batch(m, out, opts, retry_failed=True)  # the same weights: the same setting, not hashed
    assert not hashed
    (model / "model.safetensors").write_bytes(b"weights two, retrained")
    with pytest.raises(ConfigError, match=r"other settings \(the model's weights"):
        run_batch(m, out, opts)
    assert hashed == [1] and json.loads((out / WEIGHTS).read_text(encoding="utf-8")) == record  # refused: kept


def test_a_glossary_spelled_another_way_is_the_same_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_engine(monkeypatch)
    work = tmp_path / "work"
    (work / "sub").mkdir(parents=True)
    (work / "g.csv").write_text("source_term,required\nminister,minister\n", encoding="utf-8")
    m, out = manifest(tmp_path), tmp_path / "out"
    monkeypatch.chdir(work)
    run_batch(m, out, Options(glossaries=("g.csv",)))
    for spelled in ("./g.csv", str(work / "g.csv"), "sub/../g.csv"):
        run_batch(m, out, Options(glossaries=(spelled,)), retry_failed=True)
    monkeypatch.chdir(work / "sub")
    run_batch(m, out, Options(glossaries=("../g.csv",)), retry_failed=True)
    # Another file with the same content is another glossary: the message names both.
    shutil.copy(work / "g.csv", work / "h.csv")
    with pytest.raises(ConfigError, match=r"other settings \(glossaries: \[.*g\.csv'\] then, \[.*h\.csv'\] now\)"):
        run_batch(m, out, Options(glossaries=("../h.csv",)))


# ------------------------------------------------------------------------- 5: a damaged cache

def _damage(db: Path) -> None:
    """Overwrite every third page from the third on: SQLite reads "database disk image is malformed"."""
    size = db.stat().st_size
    with db.open("r+b") as fh:
        for off in range(4096 * 2, size, 4096 * 3):
            fh.seek(off)
            fh.write(b"\xff" * 2000)


def test_a_damaged_cache_is_read_and_written_as_no_cache(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from evaluator.cache import DB_NAME, Cache, iter_keys

    c = Cache(tmp_path)
    c.put_many({f"k{i}": bytes([i % 256]) * 3000 for i in range(200)})
    c.put_many({f"r{i}": b"report" * 500 for i in range(50)}, table="reports")
    conn = c._connection()
    assert conn is not None
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()
    _damage(tmp_path / DB_NAME)
    with caplog.at_level(logging.WARNING, logger="evaluator.cache"):
        d = Cache(tmp_path)
        assert d.get_many([f"k{i}" for i in range(200)]) == {}
        d.put_many({"new": b"1"}, table="parses")
        assert d.get_many(["r1"], table="reports") == {} and d.count() == 0 and list(iter_keys(d)) == []
    warnings = [r for r in caplog.records if "cannot be used" in r.getMessage()]
    assert len(warnings) == 1 and str(tmp_path / DB_NAME) in warnings[0].getMessage()
    assert "malformed" in warnings[0].getMessage()
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / DB_NAME).write_bytes(b"this is not a database, just text " * 200)
    e = Cache(tmp_path / "x")
    assert e.broken and e.get_many(["k"]) == {} and e.count() == 0
    e.put_many({"k": b"v"})


@pytest.mark.parametrize("damage", ["not-a-database", "pages"])
def test_batch_with_a_damaged_cache_gives_the_results_of_a_run_without_one(
        tmp_path: Path, options: Options, damage: str, caplog: pytest.LogCaptureFixture) -> None:
    from evaluator.cache import _OPEN, DB_NAME

    m = manifest(tmp_path, PAIRS[:1])
    plain = run_batch(m, tmp_path / "plain", options)
    assert plain.ok == 1
    cache = tmp_path / "cache"
    if damage == "pages":
        run_batch(m, tmp_path / "warm", options.with_(cache_dir=str(cache)))  # a cache with encodings and parses
        _OPEN.clear()
        conn = sqlite3.connect(cache / DB_NAME)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        _damage(cache / DB_NAME)
    else:
        cache.mkdir()
        (cache / DB_NAME).write_bytes(b"not a database " * 1000)
    _OPEN.clear()
    try:
        res = run_batch(m, tmp_path / "out", options.with_(cache_dir=str(cache)))
    finally:
        _OPEN.clear()
    assert (res.ok, res.failed) == (1, 0)
    assert any("cannot be used" in r.getMessage() and DB_NAME in r.getMessage() for r in caplog.records)

    def report(out: Path) -> dict[str, Any]:
        rep = records(out)[0]["report"]
        rep["meta"].pop("timings", None)
        rep["meta"].pop("report_cache", None)
        rep["meta"]["options"].pop("cache_dir")  # the option as given: the one difference
        return rep

    assert json.dumps(report(tmp_path / "out"), sort_keys=True) == json.dumps(report(tmp_path / "plain"), sort_keys=True)


# ------------------------------------------------------------------------- 6, 7, 10, 12: manifests

def test_quote_marks_in_csv_cells_read_back_exactly(tmp_path: Path) -> None:
    import csv

    texts = ['"We will win," she said.', 'She said "hi" and left.', '"Quoted whole."', 'Plain, with comma.']
    m = tmp_path / "q.csv"
    with m.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "original", "rewritten"])
        for k, t in enumerate(texts):
            w.writerow([f"p{k}", t, t])
    # A cell that does not start with a quote keeps its quote marks as they are.
    with m.open("a", encoding="utf-8", newline="") as fh:
        fh.write('raw,She said "hi",x\n')
    specs = read_manifest(m)
    assert [s.original for s in specs] == [*texts, 'She said "hi"']


@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\x85", "\x0c"])
def test_jsonl_with_raw_line_separators_in_texts(tmp_path: Path, sep: str) -> None:
    rows = [{"id": "a", "original": f"One.{sep}Two.", "rewritten": "Three."}, {"id": "b", "original": "x", "rewritten": "y"}]
    m = tmp_path / "m.jsonl"
    m.write_bytes(("\r\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\r\n\n" +
                   json.dumps({"id": "a", "original": "o", "rewritten": "r"}) + "\n").encode("utf-8"))
    with pytest.raises(ConfigError, match=r"m\.jsonl:4: duplicate id 'a' \(first on line 1\)"):
        read_manifest(m)
    m.write_bytes("\r\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode("utf-8"))
    specs = read_manifest(m)
    assert [(s.id, s.original, s.line) for s in specs] == [("a", f"One.{sep}Two.", 1), ("b", "x", 2)]


def test_an_empty_csv_cell_is_that_pairs_error(tmp_path: Path) -> None:
    """(A missing column, or a row too short to hold the side, is the manifest's error: test_manifest.ERRORS.)"""
    m = tmp_path / "m.csv"
    m.write_text('id,original,rewritten\na,,Two.\nb,One.,Two.\n', encoding="utf-8")
    a, b = read_manifest(m)
    assert a.original == "" and b.original == "One."
    with pytest.raises(DocumentError):
        a.load()
    paths = tmp_path / "p.csv"
    paths.write_text('id,original_path,rewritten\na,,Two.\n', encoding="utf-8")
    (spec,) = read_manifest(paths)
    with pytest.raises(DocumentError, match="a:original_path: empty"):
        spec.load()


def test_an_empty_csv_cell_gives_an_error_record_as_jsonl_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    m = tmp_path / "m.csv"
    m.write_text('id,original,rewritten\na,,Two.\n', encoding="utf-8")
    import evaluator.batch

    class Scorer:  # the engine's own loading of the documents, without a model
        def __init__(self, options: Options, **_: Any) -> None:
            self.options = options

        def iter_specs(self, specs: Any) -> Any:
            for s in specs:
                it = evaluator.batch.load_input(s, self.options.max_input_bytes)
                yield evaluator.batch.error_result(s.id, it.error or "unexpected")

    import evaluator.engines.local

    monkeypatch.setattr(evaluator.engines.local, "ChunkScorer", Scorer)
    assert cli(str(m), "--out", str(tmp_path / "out"), "-q") == 1
    (rec,) = records(tmp_path / "out")
    assert rec["status"] == "error" and "empty" in rec["error"]


def test_an_unknown_jsonl_key_is_ignored_with_one_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Metadata kept with a pair ("lang", "source") is common: the keys are named once, the pairs read."""
    m = tmp_path / "m.jsonl"
    m.write_text(json.dumps({"id": "a", "original": "x", "rewritten": "y", "lang": "en"}) + "\n" +
                 json.dumps({"id": "b", "original": "x", "rewritten": "y", "source": "reuters"}) + "\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        specs = read_manifest(m)
    assert [s.id for s in specs] == ["a", "b"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "'lang' (line 1)" in warnings[0] and "'source' (line 2)" in warnings[0]


def test_a_jsonl_manifest_with_old_mac_line_ends_reads(tmp_path: Path) -> None:
    m = tmp_path / "m.jsonl"
    m.write_bytes((json.dumps({"id": "a", "original": "x", "rewritten": "y"}) + "\r" +
                   json.dumps({"id": "b", "original": "x\u2028z", "rewritten": "y"}, ensure_ascii=False) + "\r")
                  .encode("utf-8"))
    assert [(s.id, s.original) for s in read_manifest(m)] == [("a", "x"), ("b", "x\u2028z")]


def test_a_folder_made_before_baseline_digests_resumes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """batch.json of an older version lists no digest for the --baseline file: the same file resumes."""
    fake_engine(monkeypatch)
    bl = tmp_path / "bl.tsv"
    bl.write_text("LAYER,P,R,F\n3,0.1,0.1,0.1\n", encoding="utf-8")
    opts = Options(rescale=True, baseline_path=str(bl))
    m, out = manifest(tmp_path), tmp_path / "out"
    run_batch(m, out, opts)
    settings = out / "batch.json"
    data = json.loads(settings.read_text(encoding="utf-8"))
    data["options"]["file_digests"] = {}
    data["options"].pop("model_revision", None)
    settings.write_text(json.dumps(data), encoding="utf-8")
    run_batch(m, out, opts, retry_failed=True)  # no "other settings"
    bl.write_text("LAYER,P,R,F\n3,0.5,0.5,0.5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"other settings"):
        run_batch(m, out, opts)


# ------------------------------------------------------------------------- 8, 9: stop and index

def test_a_stop_counts_only_this_manifests_pairs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    fake_engine(monkeypatch)
    other = [(f"other{k}", "x", "y") for k in range(5)]
    run_batch(manifest(tmp_path, other, name="other.jsonl"), out, Options())
    fake_engine(monkeypatch, stop_after=1)
    res = run_batch(manifest(tmp_path, PAIRS + [("c", "One.", "Two.")]), out, Options())
    assert res.stopped and res.missing == 2


def test_an_index_is_kept_current_by_a_rerun_without_html(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    fake_engine(monkeypatch, error="first-error")
    run_batch(manifest(tmp_path), out, Options(), html=True)
    assert "first-error" in (out / "index.html").read_text(encoding="utf-8")
    fake_engine(monkeypatch, error="second-error")
    res = run_batch(manifest(tmp_path), out, Options(), retry_failed=True)  # no html=True
    index = (out / "index.html").read_text(encoding="utf-8")
    assert res.html and "second-error" in index and "first-error" not in index
    fake_engine(monkeypatch)
    assert not run_batch(manifest(tmp_path), tmp_path / "plain", Options()).html
    assert not (tmp_path / "plain" / "index.html").exists()


def ok_engine(monkeypatch: pytest.MonkeyPatch, stop_at_end: bool = False) -> list[list[str]]:
    """An engine that gives each pair a minimal ok record (no model needed); ``stop_at_end``: it sets the
    stop event once the last pair is handed back, as a Ctrl-C just after the last pair does."""
    import evaluator.engines

    seen: list[list[str]] = []

    def engine(pending, options, *, stop, **_: Any):
        seen.append([p.id for p in pending])
        for p in pending:
            report = {"summary": {"findings_by_severity": {}}, "findings": []}
            yield PairResult(p.id, "ok", json.dumps({"id": p.id, "status": "ok", "report": report}))
        if stop_at_end:
            stop.set()

    monkeypatch.setattr(evaluator.engines, "get_engine", lambda name: engine)
    return seen


def test_a_stop_after_the_last_pair_is_no_stop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The exit code follows what is missing: a stop that comes once every pair is done stops nothing."""
    ok_engine(monkeypatch, stop_at_end=True)
    stop = threading.Event()
    res = run_batch(manifest(tmp_path), tmp_path / "out", Options(), stop=stop)
    assert stop.is_set() and not res.stopped and res.missing == 0 and res.ok == 2


@pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name != "posix", reason="sends itself SIGINT")
def test_a_signal_while_the_outputs_are_written_keeps_exit_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """`timeout -s INT 6 evaluator batch ...` exited 130 with summary.json saying 5 ok, 0 missing: the
    signal came after the last pair, once the handlers were restored, and Python's KeyboardInterrupt
    made a complete run "interrupted".  The handlers now stay to the end; nothing is missing: exit 0."""
    import evaluator.cli.batch as cli_batch

    ok_engine(monkeypatch)
    real = cli_batch.write_exports

    def exports_then_sigint(*args: Any, **kwargs: Any) -> list[str]:
        os.kill(os.getpid(), signal.SIGINT)  # handled here, between two bytecodes of this frame
        return real(*args, **kwargs)

    monkeypatch.setattr(cli_batch, "write_exports", exports_then_sigint)
    out = tmp_path / "out"
    assert cli(str(manifest(tmp_path)), "--out", str(out), "-q") == 0
    err = capsys.readouterr().err
    assert "every pair is done; writing the outputs" in err and "interrupted" not in err
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["pairs"]["missing"] == 0
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handed back at the end


def test_a_stop_before_the_first_pair_starts_no_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stop asked for while the inputs are checked (the model resolved, its weights hashed) does not
    start the engine (which would load the models and score a pair first); a rerun does the work."""
    seen = ok_engine(monkeypatch)
    stop = threading.Event()

    class StopAtStart:
        def start(self, total: int, already_done: int) -> None:
            stop.set()

        def advance(self, ok: bool) -> None: ...

        def finish(self) -> None: ...

    out = tmp_path / "out"
    res = run_batch(manifest(tmp_path), out, Options(), stop=stop, progress=StopAtStart())
    assert seen == [] and res.stopped and (res.scored, res.missing) == (0, 2)
    res = run_batch(manifest(tmp_path), out, Options())
    assert seen == [["a", "b"]] and not res.stopped and res.ok == 2
