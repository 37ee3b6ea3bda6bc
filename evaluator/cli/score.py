"""``evaluator score --ref REF --hyp [NAME=]SYS``: score systems on a line-aligned test set."""
from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Iterator
from typing import Any

from .common import (
    LEXICAL_LABELS,
    add_export_options,
    add_model_options,
    check_exports,
    check_gate_files,
    check_gate_needs,
    check_output_files,
    command_line,
    export_folders,
    metric_text,
    one_line,
    options_from_args,
    prepare_exports,
    same_file,
    shell_path,
    to_stdout,
)

DESCRIPTION = """\
Score one or more systems on a line-aligned test set (one segment a line, as sacrebleu takes them):
corpus BLEU, chrF, chrF++ and TER (equal to sacrebleu's), BERTScore and the meaning-drift checks per
segment, and optionally a CI gate.
"""

EPILOG = """\
streams: each --ref/--hyp/--src is [NAME=]PATH[:COLUMN]
  ref.txt               plain text, one segment a line
  data.tsv:ref          column "ref" of a tab-separated file with a header line (no quoting)
  data.jsonl:hyp        key "hyp" of a JSON object per line
  sysA=out.txt          a system named sysA (default name: the column, else the file stem)

All streams must have the same number of lines, counted as sacrebleu counts them (an empty line
after the last one is one more, empty, segment).  With several --ref, BLEU/chrF/TER use them all;
BERTScore and the drift checks use the first.  Every line is a document of its own unless --doc-ids
groups consecutive lines into documents (checks that compare lines look within a document; with
--idf, idf comes from the whole first reference).  The set is scored in chunks of --chunk-size lines
with the models loaded once (--workers N: in N processes); each chunk's per-segment rows go to a temporary file (in TMPDIR, about
0.8 kB a segment) and are streamed into --json, so memory stays bounded on large sets.  --gate,
--html and the table exports (--csv, --xlsx, --parquet) hold the whole set in memory.

examples:
  evaluator score --ref newstest.en --hyp sysA=a.en --hyp sysB=b.en --json scores.json
  evaluator score --ref data.tsv:ref --hyp data.tsv:mt --gate evaluator.toml --junit gate.xml

exit codes: 0 scored (gate passed or warned), 1 gate failed, 2 usage or input error (nothing
written), 3 internal error (a bug: please report it), 130 interrupted, 143 terminated (SIGTERM).
"""


SCORE_TABLES = ("findings", "pairs", "systems")  # frames.tables of a score report: the exports' files


class _TerminalLine:
    """``scored N/M lines`` redrawn in place on a terminal; a log line (a warning) printed meanwhile
    first blanks it (``clear_before_logging``), so the warning starts at the left margin and the
    next update draws the progress line again below it."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.shown = 0  # characters of the progress line now on screen

    def __call__(self, done: int, total: int) -> None:
        text = f"scored {done}/{total} lines"
        self.stream.write("\r" + text)
        self.shown = len(text)
        if done == total:
            self.stream.write("\n")
            self.shown = 0
        self.stream.flush()

    def clear(self) -> None:
        if self.shown:
            # Two writes, each starting with its carriage return: the command line's stderr escapes
            # every control character but a leading CR (cli.TerminalSafe), an erase sequence too.
            self.stream.write("\r" + " " * self.shown)
            self.stream.write("\r")
            self.stream.flush()
            self.shown = 0

    @contextlib.contextmanager
    def clear_before_logging(self) -> Iterator[None]:
        line = self

        class Clear(logging.Filter):
            def filter(self, record: logging.LogRecord) -> bool:
                line.clear()
                return True

        handlers = list(logging.getLogger().handlers)
        clear = Clear()
        for h in handlers:
            h.addFilter(clear)
        try:
            yield
        finally:
            for h in handlers:
                h.removeFilter(clear)


def add_parser(sub: Any) -> None:
    from .compare import add_gate_options

    p = sub.add_parser("score", help="score systems on a line-aligned test set (sacrebleu-style)",
                       description=DESCRIPTION, epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ref", action="append", required=True, metavar="REF",
                   help="reference stream; repeat for several references")
    p.add_argument("--hyp", action="append", required=True, metavar="[NAME=]SYS",
                   help="system output stream; repeat for several systems")
    p.add_argument("--src", metavar="SRC", help="source stream (kept in the segments for reading)")
    p.add_argument("--json", metavar="FILE", help="write the scores JSON here ('-' for stdout)")
    p.add_argument("--html", metavar="FILE", help="write the HTML report (one system only)")
    p.add_argument("--doc-ids", metavar="DOCIDS",
                   help="document id of each line (a stream as --ref, e.g. a WMT .docids file): checks that "
                        "compare lines (a term rendered two ways, a changed title) look within each "
                        "document; without it every line is a document of its own")
    p.add_argument("--chunk-size", type=int, default=1000, metavar="N",
                   help="lines per model pass (default: 1000; whole documents: a longer document is a "
                        "chunk of its own); results do not depend on it (on CUDA or in bf16: to float rounding)")
    p.add_argument("--workers", type=int, default=1, metavar="N",
                   help="score chunks in N worker processes that share the cores (default: 1); "
                        "the same numbers, each worker holds its own models")
    p.add_argument("--quiet", "-q", action="store_true", help="no console summary")
    add_model_options(p, idf_from="the whole first reference", aligns=False)
    add_gate_options(p)
    add_export_options(p)
    p.add_argument("--today", metavar="YYYY-MM-DD", type=_date, default=None, help=argparse.SUPPRESS)
    p.set_defaults(run=run)


def _date(text: str) -> Any:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date: {text!r}") from None


def run(args: Any) -> int:
    from ..errors import InputError
    from ..testsets import StreamReader, check_line_counts

    for spec in (*args.ref, *args.hyp, *([args.src] if args.src else []), *([args.doc_ids] if args.doc_ids else [])):
        if spec == "-" or spec.endswith("=-"):
            raise InputError(f"{spec}: reading a stream from stdin is not supported; give the file's path")
    options = options_from_args(args)
    if args.chunk_size < 1:
        raise InputError("--chunk-size must be at least 1")
    if args.workers < 1:
        raise InputError("--workers must be at least 1")
    if args.html and len(args.hyp) != 1:
        raise InputError("--html renders one system: give a single --hyp (or drop --html)")
    gate_config = None
    if args.gate:
        from ..gate import load_gate_config

        gate_config = load_gate_config(args.gate)  # a bad config fails before any model work
        check_gate_needs(args, gate_config, options)
    waivers = None
    if args.waivers:
        from ..waivers import load_waivers

        waivers = load_waivers(args.waivers)  # likewise a bad waiver file; the gate uses these
    check_exports(args)
    check_gate_files(args)
    # Every output path is checked before any work: a run that cannot write one writes none.
    from ..testsets import parse_spec

    specs = [*args.ref, *args.hyp, *([args.src] if args.src else []), *([args.doc_ids] if args.doc_ids else [])]
    stdout = to_stdout("--json", args.json)  # the JSON on stdout, the console summary not at all
    check_output_files(("--json", args.json), ("--html", args.html),
                       ("--junit", args.junit), ("--markdown", args.markdown),  # both need --gate (above)
                       ("--xlsx", args.xlsx),
                       inputs=[*(parse_spec(s, named=s in args.hyp)[1] for s in specs), args.gate, args.waivers],
                       folders=export_folders(args, SCORE_TABLES))

    reader = StreamReader(max_bytes=options.max_input_bytes)
    refs = [reader.read(s) for s in args.ref]
    hyps = [reader.read(s, named=True, blank_ok=True) for s in args.hyp]  # an all-empty output scores 0
    src = reader.read(args.src) if args.src else None
    doc_ids = reader.read(args.doc_ids, ids=True) if args.doc_ids else None
    check_line_counts(refs[0], [*refs[1:], *hyps, *([src] if src else []), *([doc_ids] if doc_ids else [])])
    names = [h.name for h in hyps]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError(f"two systems are named {dupes[0]!r}: name them with NAME=PATH")
    if not refs[0].lines:
        raise InputError(f"{refs[0].label}: no lines to score")
    baseline = None  # the gate's baseline report, read once: checked now, used after the work
    if gate_config is not None:
        from ..gate import check_gate_for_run

        baseline = check_gate_for_run(gate_config, "score", names)  # one that cannot apply fails before the models load

    from ..pipeline import load_resources
    from ..testsets import count_chunks, score_systems

    resources = load_resources(options) if args.workers == 1 else None  # workers load their own
    progress: Any = None
    terminal: _TerminalLine | None = None
    if not args.quiet and sys.stderr.isatty():
        progress = terminal = _TerminalLine(sys.stderr)
    elif not args.quiet and not (args.json == "-" and same_file(sys.stdout, sys.stderr)):
        # A log (CI): plain lines, a tenth of the set or 30 s apart; a set scored in one chunk has no
        # progress to show before its end (the summary follows at once).  Not into the JSON on stdout
        # (`--json - > out.json 2>&1`).
        n_chunks = count_chunks(doc_ids.lines if doc_ids else None, len(refs[0].lines), args.chunk_size)
        if n_chunks > 1:
            from ..progress import ScoreLineProgress

            progress = ScoreLineProgress(sys.stderr, len(refs[0].lines), chunks=n_chunks).update

    # The rows go to disk only where they are streamed out again: the JSON.  The gate marks waived
    # findings in place and pairs segments with the baseline's, and the tables are built whole: those
    # take the rows in memory.
    spill = bool(args.json) and gate_config is None and not (args.csv or args.xlsx or args.parquet)
    with terminal.clear_before_logging() if terminal is not None else contextlib.nullcontext():
        data, merged = score_systems([r.lines for r in refs], {h.name: h.lines for h in hyps},
                                     options=options, resources=resources, sources=src.lines if src else None,
                                     chunk_size=args.chunk_size, keep_report=bool(args.html), spill=spill,
                                     progress=progress, workers=args.workers,
                                     doc_ids=doc_ids.lines if doc_ids else None,
                                     warn_empty=not args.quiet)  # -q: no empty-lines summary either
    data["meta"]["command"] = command_line(args)
    data["meta"]["inputs"] = {"references": [r.label for r in refs], "systems": {h.name: h.label for h in hyps},
                              "source": src.label if src else None,
                              "doc_ids": doc_ids.label if doc_ids else None}

    from .gate import write_gate_files

    exit_code = 0
    if gate_config is not None:
        from .gate import apply_gate_to_report

        exit_code = apply_gate_to_report(data, gate_config, args, waivers, baseline=baseline)

    # Everything is built and checked before the first file is written: a run that cannot write one
    # of its outputs writes none (an XLSX sheet too long is known only now).
    exports = prepare_exports(data, args, {"systems": ", ".join(data["systems"])})
    written = write_gate_files(data, args) if gate_config is not None else []
    if stdout:
        from .._atomic import write_json_stream

        write_json_stream(sys.stdout, data)
    elif args.json:
        from ..render.json import write_json

        write_json(data, args.json)
        written.append(args.json)
    if args.html and merged is not None:
        if "gate" in data:
            merged["gate"] = data["gate"]
        merged["meta"]["command"] = data["meta"]["command"]
        merged["original"]["path"] = refs[0].label
        merged["rewritten"]["path"] = hyps[0].label
        try:
            from ..render.html import write_html
        except ImportError as exc:
            raise InputError(f"--html: the HTML renderer is not available ({exc})") from None
        write_html(merged, args.html)
        written.append(args.html)
    written += exports()
    if not args.quiet and not stdout:
        print_summary(data, written)
        if not written and not args.json:  # a run whose only result is the console: say how to keep it
            sys.stderr.write("(nothing written: add --json FILE, --html FILE or --junit FILE)\n")
    return exit_code


def print_summary(data: dict[str, Any], written: list[str]) -> None:
    """One line per system: the corpus scores and the findings by severity."""
    n = data["meta"]["segments"]
    k = len(data["systems"])
    lines = [f"{n} segments, {k} system{'' if k == 1 else 's'}"]
    width = max(len(one_line(name)) for name in data["systems"])
    waived: dict[Any, int] = {}
    if data.get("gate"):  # the gate marked them: the counts below include them, the gate does not
        from ..gate import subjects_of

        waived = {subj.name: sum(1 for f in subj.findings if f.get("waived")) for subj in subjects_of(data)}
    for name, s in data["systems"].items():
        bert = s.get("bertscore")
        sev = s["findings"]["by_severity"]
        lines.append(
            f"  {one_line(name):{width}}  " + "  ".join(f"{label} {metric_text(s.get(key), '5.1f')}"
                                                      for key, label in LEXICAL_LABELS)
            + (f"  BERTScore F1 {bert['f1']:.4f}" if bert else "")
            + f"  findings: {sev['critical']} critical, {sev['major']} major, {sev['minor']} minor"
            + (f" ({waived[name]} of them waived)" if waived.get(name) else ""))
    gate = data.get("gate")
    if gate:
        lines.append(f"  gate: {gate['status'].upper()}")
    if written:
        lines.append("  wrote " + ", ".join(shell_path(p) for p in written))
    sys.stdout.write("\n".join(lines) + "\n")

