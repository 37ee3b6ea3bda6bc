"""``evaluator compare ORIGINAL REWRITTEN``: one article pair -> JSON + HTML report."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from . import DEMO_EXAMPLE
from .common import (
    LEXICAL_LABELS,
    add_export_options,
    add_model_options,
    check_exports,
    check_folder_creatable,
    check_gate_files,
    check_gate_needs,
    check_output_files,
    clip,
    command_line,
    export_folders,
    metric_text,
    one_line,
    options_from_args,
    prepare_exports,
    shell_path,
    to_stdout,
)

EPILOG = DEMO_EXAMPLE + """\
  evaluator compare a.txt b.txt --json - --no-html | jq .summary    # the JSON on stdout

exit codes: 0 compared (gate passed or warned), 1 gate failed, 2 usage or input error (nothing
written), 3 internal error (a bug: please report it), 130 interrupted, 143 terminated (SIGTERM).
"""


COMPARE_TABLES = ("findings", "pairs", "documents")  # frames.tables of a compare report: the exports' files


def add_parser(sub: Any) -> None:
    p = sub.add_parser("compare", help="compare an original article with its rewrite",
                       description="Compare an original article with a rewrite or translation of it.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("original", help="the original article (.txt or .md)")
    p.add_argument("rewritten", help="the rewritten / translated article (.txt or .md)")
    p.add_argument("--out", default="reports", metavar="DIR", help="output folder (default: reports/)")
    p.add_argument("--name", help="base name of the outputs (default: from the two file names, e.g. "
                                  "orig-vs-rew for orig.txt and rew.txt; for original.* and rewritten.* "
                                  "the name of the folder they share, e.g. korea-diplomacy)")
    p.add_argument("--json", metavar="FILE",
                   help="JSON report path (default: DIR/NAME.json); '-' prints it on stdout (the console "
                        "summary then goes to stderr)")
    p.add_argument("--html", metavar="FILE", help="HTML report path (default: DIR/NAME.html)")
    p.add_argument("--no-html", action="store_true", help="write only the JSON")
    p.add_argument("--screenshot", metavar="PNG", nargs="?", const="", default=None,
                   help="also write a PNG screenshot of the HTML report (needs Chromium)")
    p.add_argument("--quiet", "-q", action="store_true", help="no console summary")
    add_model_options(p)
    add_gate_options(p)
    add_export_options(p)
    p.set_defaults(run=run)


def add_gate_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("CI gate")
    g.add_argument("--gate", metavar="CONFIG", help="gate config (evaluator.toml or pyproject.toml)")
    g.add_argument("--waivers", metavar="FILE", help="accepted findings (TOML) for the gate")
    g.add_argument("--junit", metavar="FILE", help="write JUnit XML of the gate's thresholds")
    g.add_argument("--markdown", metavar="FILE", help="write a Markdown summary")


def run(args: Any) -> int:
    from ..errors import InputError
    from ..io import display_path, read_document
    from ..pipeline import compare_loaded, load_resources
    from ..render import pair_name

    for arg in (args.original, args.rewritten):
        if arg == "-":
            raise InputError("-: reading a document from stdin is not supported; give the file's path")
    if args.no_html:
        given = [f for f, v in (("--html", args.html), ("--screenshot", args.screenshot)) if v is not None]
        if given:
            raise InputError(f"--no-html and {' and '.join(given)} contradict each other: "
                             "drop --no-html to write the HTML report, or drop "
                             f"{' and '.join(given)}")
    options = options_from_args(args)
    gate_config = None
    if args.gate:
        from ..gate import load_gate_config

        gate_config = load_gate_config(args.gate)  # a bad config fails before any work
        check_gate_needs(args, gate_config, options)
    waivers = None
    if args.waivers:
        from ..waivers import load_waivers

        waivers = load_waivers(args.waivers)  # likewise a bad waiver file; the gate uses these
    baseline = None  # the gate's baseline report, read once: checked now, used after the work
    if gate_config is not None:
        from ..gate import check_gate_for_run

        baseline = check_gate_for_run(gate_config, "compare")  # and a gate that cannot apply to a compare report
    check_exports(args)
    check_gate_files(args)
    if args.name is not None and (not args.name.strip() or args.name in (".", "..")
                                  or any(sep in args.name for sep in ("/", "\\", "\0"))):
        from ..errors import InputError

        raise InputError(f"--name {args.name!r}: a file name without folders is needed")
    name = args.name or pair_name(args.original, args.rewritten)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {args.out}: exists and is not a folder")
    stdout = to_stdout("--json", args.json)
    json_path = None if stdout else Path(args.json) if args.json else out / f"{name}.json"
    html_path = None if args.no_html else (Path(args.html) if args.html else out / f"{name}.html")
    # Every output path is checked before any work: a run that cannot write one writes none.
    png = None if html_path is None or args.screenshot is None else (
        Path(args.screenshot) if args.screenshot else html_path.with_suffix(".png"))
    check_output_files(("--json", json_path), ("--html", html_path), ("--screenshot", png),
                       ("--junit", args.junit), ("--markdown", args.markdown),  # both need --gate (above)
                       ("--xlsx", args.xlsx),
                       inputs=[args.original, args.rewritten, *args.glossary, args.gate, args.waivers],
                       folders=export_folders(args, COMPARE_TABLES))
    if (json_path is not None and not args.json) or (html_path is not None and not args.html):
        check_folder_creatable("--out", args.out)  # the default outputs go there

    # Both documents are read and validated before any model loads: a bad file fails at once.
    original = read_document(args.original, max_bytes=options.max_input_bytes)
    rewritten = read_document(args.rewritten, max_bytes=options.max_input_bytes)
    resources = load_resources(options)
    report = compare_loaded(original, rewritten, options=options, resources=resources)
    data = report.to_dict()
    data["meta"]["command"] = command_line(args)
    data["original"]["path"] = display_path(args.original)
    data["rewritten"]["path"] = display_path(args.rewritten)

    exit_code = 0
    if gate_config is not None:
        from .gate import apply_gate_to_report

        exit_code = apply_gate_to_report(data, gate_config, args, waivers, baseline=baseline)

    from ..render.json import write_json
    from .gate import write_gate_files

    # Everything is built and checked before the first file is written (see score).
    exports = prepare_exports(data, args, {"report": name, "original": display_path(args.original),
                                           "rewritten": display_path(args.rewritten)})
    gate_files = write_gate_files(data, args) if gate_config is not None else []
    written = list(gate_files)
    if json_path is not None:
        write_json(data, json_path)
        written.insert(0, str(json_path))
    if html_path is not None:
        from ..render.html import write_html

        write_html(data, html_path, name=name)
        written.append(str(html_path))
        if args.screenshot is not None:
            from ..render.screenshot import screenshot

            assert png is not None
            if screenshot(html_path, png):
                written.append(str(png))
            else:
                sys.stderr.write("evaluator: warning: no screenshot (Chromium/Playwright unavailable)\n")
    written += exports()
    if stdout:
        from .._atomic import write_json_stream

        write_json_stream(sys.stdout, data)
        sys.stdout.flush()
    if not args.quiet:
        # With --json - stdout is the JSON alone: the summary goes to stderr.
        print_summary(data, name, written, html=None if html_path is None else str(html_path),
                      stream=sys.stderr if stdout else sys.stdout)
    for err in data["meta"].get("check_errors", []):
        sys.stderr.write(f"evaluator: warning: check failed and was skipped: {err}\n")
    return exit_code


MESSAGE_WIDTH = 110  # characters of a finding's message on its console line


def print_summary(data: dict[str, Any], name: str, written: list[str], *, html: str | None = None,
                  stream: Any = None) -> None:
    """A short console summary (plain text; user text is printed without terminal escapes).

    It ends with the HTML report to open and how many major or critical findings it shows (waived
    ones not counted, as the report counts them): the console lists only the first few.
    """
    m = data["metrics"]
    cov = data["coverage"]
    n_pairs = sum(1 for a in data["alignment"] if a["original"] and a["rewritten"])
    lines = [f"{one_line(name)}: {n_pairs} aligned pairs; coverage original {cov['original']:.0%}, "
             f"rewritten {cov['rewritten']:.0%}"]
    if cov.get("note"):
        lines.append(f"  note: {cov['note']}")
    scores = [f"{label} {metric_text(m.get(key))}" for key, label in LEXICAL_LABELS]
    if "bertscore" in m:
        scores.append(f"BERTScore F1 {m['bertscore']['f1']:.3f}")
    lines.append("  " + "  ".join(scores))
    counts = data["summary"]["findings_by_severity"]
    waived = [f for f in data["findings"] if f.get("waived")]  # marked by the gate; it does not count them
    lines.append("  findings: " + ", ".join(f"{counts[s]} {s}" for s in ("critical", "major", "minor", "info"))
                 + (f" ({len(waived)} of them waived)" if waived else ""))
    shown = [f for f in data["findings"][:8] if f["severity"] in ("critical", "major")]
    labels = [f["severity"].upper() + (" (waived)" if f.get("waived") else "") for f in shown]
    width = max((len(label) for label in labels), default=8)
    for f, label in zip(shown, labels, strict=True):
        lines.append(f"    {label:{width}} {one_line(f['code'])}: {clip(f['message'], MESSAGE_WIDTH)}")
    gate = data.get("gate")
    if gate:
        lines.append(f"  gate: {gate['status'].upper()}")
    if written:
        lines.append("  wrote " + ", ".join(shell_path(p) for p in written))
    if html is not None:
        n = sum(1 for f in data["findings"] if f["severity"] in ("critical", "major") and not f.get("waived"))
        lines.append(f"  open {shell_path(html)}: {n or 'no'} major or critical finding{'' if n == 1 else 's'}")
    (stream or sys.stdout).write("\n".join(lines) + "\n")

