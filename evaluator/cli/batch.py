"""``evaluator batch PAIRS --out DIR``: score many pairs, resumable, with a summary and an HTML overview."""
from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import TYPE_CHECKING, Any

from .common import (
    add_export_options,
    add_model_options,
    check_exports,
    clip,
    one_line,
    options_from_args,
    shell_path,
    write_exports,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..batch import BatchResult

DESCRIPTION = """\
Score every pair of a manifest.  Each finished pair is appended to DIR/results.jsonl at once, so
Ctrl-C, SIGTERM or a crash keeps what is done and rerunning the same command continues where it
stopped (a pair whose text changed since is scored again; one run at a time per DIR).  At the end
DIR/summary.json (and with --html DIR/index.html) is rebuilt from the results of the manifest's pairs.
"""

EPILOG = """\
PAIRS is one of:
  pairs.jsonl   one JSON object a line: {"id": ..., "original": TEXT, "rewritten": TEXT}
                or {"id": ..., "original_path": FILE, "rewritten_path": FILE} (relative to PAIRS)
  pairs.csv     the same columns, with a header line
  pairs.tsv     the same, tab-separated (plain TSV without quoting reads too)
  DIR           DIR/<id>/original.txt + DIR/<id>/rewritten.txt,
                or DIR/<id>.original.txt + DIR/<id>.rewritten.txt (.md reads as markdown)

exit codes: 0 every pair scored, 1 some pairs failed (see their "error" in results.jsonl),
2 input error (bad manifest, bad option; nothing was scored), 3 internal error (a bug: please
report it), 130 stopped by Ctrl-C or SIGTERM with pairs not scored yet (rerun to continue; a stop
that comes once every pair is done changes nothing).
"""


def add_parser(sub: Any) -> None:
    p = sub.add_parser("batch", help="score many pairs from a manifest (resumable)",
                       description=DESCRIPTION, epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("pairs", metavar="PAIRS", help="JSONL, CSV or TSV manifest, or a folder of pairs")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="output folder (results.jsonl, summary.json, batch.json: the settings and the manifest)")
    p.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="local: this machine (default); ray: a Ray cluster")
    p.add_argument("--address", metavar="ADDR",
                   help="Ray cluster address (auto, ray://host:10001); default: start a local Ray")
    p.add_argument("--workers", type=int, default=1, metavar="N",
                   help="worker processes (local) or model-holding actors (ray) (default: 1)")
    p.add_argument("--chunk-size", type=int, default=64, metavar="N",
                   help="pairs parsed and encoded together (default: 64)")
    p.add_argument("--html", action="store_true", help="also write DIR/index.html and DIR/pairs/<id>.html")
    p.add_argument("--cache", dest="cache_dir", metavar="DIR",
                   help="on-disk cache of encodings and parses, reusable across runs")
    p.add_argument("--timeout-per-pair", type=float, default=None, metavar="S",
                   help="a pair taking longer gets an error record (default: no limit)")
    p.add_argument("--retry-failed", action="store_true", help="score again the pairs that failed last time")
    p.add_argument("--progress", choices=("auto", "bar", "lines", "none"), default="auto",
                   help="progress display on stderr (auto: a bar on a terminal, lines in CI logs)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress and no console summary")
    add_model_options(p, gate_settings=False)
    add_export_options(p)
    p.set_defaults(run=run)


SHOWN_ERRORS = 10  # failed pairs named on the console; the rest are in results.jsonl
# summary.json's metric -> its console name, as `compare` and `score` print them.
METRIC_LABELS = (("bleu", "BLEU", ".1f"), ("chrf", "chrF", ".1f"), ("bertscore_f1", "BERTScore F1", ".3f"))


def summary_lines(summary: dict[str, Any]) -> list[str]:
    """The console summary of ``summary.json``: pair counts, the means and medians under their display
    names (BLEU and chrF to one decimal, BERTScore F1 to three, as `compare` prints them), findings."""
    p = summary["pairs"]
    lines = [f"pairs: {p['ok']} ok, {p['failed']} failed, {p['missing']} not scored (of {p['total']})"]
    m = summary.get("metrics", {})
    parts = [f"{label} mean {m[key]['mean']:{spec}} median {m[key]['median']:{spec}}"
             for key, label, spec in METRIC_LABELS if key in m]
    if parts:
        lines.append("  " + "; ".join(parts))
    f = summary["findings"]["by_severity"]
    lines.append("  findings: " + ", ".join(f"{n} {s}" for s, n in f.items()))
    return lines


def failed_lines(summary: dict[str, Any], out: str) -> list[str]:
    """The failed pairs, each with its error (the first ``SHOWN_ERRORS``): exit code 1 says that some
    failed; these lines say which and why, without opening results.jsonl."""
    n = summary["pairs"]["failed"]
    errors = summary.get("errors", [])[:SHOWN_ERRORS]
    if not n:
        return []
    lines = [f"evaluator: {n} pair{'s' if n != 1 else ''} failed:"]
    width = max(len(clip(e["id"], 40)) for e in errors) if errors else 0
    lines += [f"  {clip(e['id'], 40):{width}}  {clip(e.get('error') or 'no error message', 150)}" for e in errors]
    if n > len(errors):
        lines.append(f"  and {n - len(errors)} more; see {one_line(out)}/results.jsonl")
    return lines


def run(args: Any) -> int:
    from ..batch import TIMEOUT_PROBLEM, run_batch, valid_timeout
    from ..errors import InputError
    from ..manifest import read_manifest
    from ..progress import make_progress

    if args.workers < 1 or args.chunk_size < 1:
        raise InputError("--workers and --chunk-size must be at least 1")
    if not valid_timeout(args.timeout_per_pair):  # before the manifest is read, as every flag
        raise InputError(TIMEOUT_PROBLEM)
    options = options_from_args(args)
    check_exports(args)
    specs = read_manifest(args.pairs)  # a malformed manifest fails here, before any model loads
    progress = make_progress(sys.stderr, "none" if args.quiet else args.progress)

    stop = threading.Event()
    ended: list[BatchResult] = []  # run_batch's result once it has returned: a signal then stops nothing

    def on_signal(signum: int, frame: Any) -> None:
        if stop.is_set():
            raise KeyboardInterrupt  # a second signal: stop now
        stop.set()
        name = signal.Signals(signum).name
        if ended:
            what = "the run has stopped" if ended[0].missing else "every pair is done"
            sys.stderr.write(f"\nevaluator: {name}: {what}; writing the outputs (again to stop at once)\n")
            return
        in_hand = "the pair in hand" if args.workers <= 1 else "the chunks the workers hold"
        sys.stderr.write(f"\nevaluator: {name}: finishing {in_hand}, then stopping (again to stop at once)\n")

    # The handlers stay until the command returns: a signal that comes after the last pair (while the
    # exports and the summary are written) is a stop request like any other, not a KeyboardInterrupt
    # that made a complete run exit 130.  The exit code follows what is missing.
    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        result = run_batch(specs, args.out, options, engine=args.engine, address=args.address,
                           workers=args.workers, html=args.html, timeout_per_pair=args.timeout_per_pair,
                           chunk_size=args.chunk_size, retry_failed=args.retry_failed, stop=stop,
                           progress=progress, manifest_path=args.pairs)
        ended.append(result)
        return _report(args, result)
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def _report(args: Any, result: BatchResult) -> int:
    """The console summary of a finished ``run_batch`` and the exit code: 130 while pairs are missing
    after a stop, else 1 where some failed."""
    exports = [] if result.stopped else write_exports(args.out, args, {"batch": args.out})
    if not args.quiet:
        written = [f"{args.out}/results.jsonl", f"{args.out}/summary.json"]
        if result.html:  # asked for, or kept current where the folder had one
            written.append(f"{args.out}/index.html")
        written += exports
        # This run's error records are counted apart: a failed pair was tried, not scored.
        failed_now = max(result.failed - result.resumed_failed, 0)
        sys.stdout.write("\n".join(summary_lines(result.summary)) + "\n"
                         f"  this run: {max(result.scored - failed_now, 0)} scored, {failed_now} failed; "
                         f"{result.resumed} from an earlier run; {result.seconds:.1f} s; "
                         f"wrote {', '.join(shell_path(p) for p in written)}\n")
    for line in failed_lines(result.summary, args.out):  # stderr, -q or not: they explain exit code 1
        sys.stderr.write(line + "\n")
    if result.resumed_failed and not args.retry_failed:
        # Error records are kept as results (a rerun does not retry them by itself): say how to.
        n = result.resumed_failed
        sys.stderr.write(f"evaluator: {n} pair{'s' if n != 1 else ''} failed in an earlier run and {'were' if n != 1 else 'was'} "
                         "not tried again (the errors are in results.jsonl); add --retry-failed to score them again\n")
    if result.stopped and result.missing:
        n = result.missing
        sys.stderr.write(f"evaluator: stopped with {n} pair{'s' if n != 1 else ''} left; rerun the same "
                         "command to continue\n")
        return 130
    return 1 if result.failed or result.missing else 0
