"""``evaluator gate CONFIG REPORT.json``: apply a quality gate to an existing compare or score report."""
from __future__ import annotations

import datetime as _dt
import sys
from typing import TYPE_CHECKING, Any

from .common import one_line, same_file

if TYPE_CHECKING:
    from ..waivers import Waiver

EPILOG = """\
exit codes: 0 pass or warn, 1 fail, 2 usage or input error (a malformed config included).
The config is evaluator.toml ([gate] ...) or pyproject.toml ([tool.evaluator.gate] ...); see docs/ci.md.
"""


def add_parser(sub: Any) -> None:
    import argparse

    p = sub.add_parser("gate", help="apply a quality gate (TOML thresholds) to an existing report",
                       description="Apply a quality gate to a report written by `compare` or `score`.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("config", help="gate config: evaluator.toml, or pyproject.toml with [tool.evaluator.gate]")
    p.add_argument("report", help="a report JSON written by `evaluator compare` or `evaluator score`")
    p.add_argument("--json", metavar="FILE", help="write the report again, with its gate result in it")
    p.add_argument("--html", metavar="FILE", help="write the HTML report with the verdict (compare reports)")
    p.add_argument("--quiet", "-q", action="store_true", help="no console summary")
    add_gate_outputs(p)
    p.set_defaults(run=run)


def add_gate_outputs(p: Any) -> None:
    g = p.add_argument_group("CI gate")
    g.add_argument("--waivers", metavar="FILE", help="accepted findings (TOML) for the gate")
    g.add_argument("--junit", metavar="FILE", help="write JUnit XML of the gate's thresholds")
    g.add_argument("--markdown", metavar="FILE", help="write a Markdown summary (e.g. \"$GITHUB_STEP_SUMMARY\")")
    g.add_argument("--today", metavar="YYYY-MM-DD", type=_date, default=None,
                   help="the date waivers expire against (default: today)")


def _date(text: str) -> _dt.date:
    import argparse

    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date: {text!r}") from None


def apply_gate_to_report(data: dict[str, Any], gate_config: Any, args: Any,
                         waivers: list[Waiver] | None = None, *, echo: bool = True,
                         baseline: dict[str, Any] | None = None) -> int:
    """Evaluate the gate on a report dict, put it in ``data["gate"]`` and, with ``echo``, report each
    result that did not pass on stderr (``write_gate_files`` writes --junit / --markdown, once every
    output is known to be writable).

    ``waivers``: those of ``args.waivers`` when the caller has parsed the file already; otherwise
    they are read from ``args.waivers`` or the config's ``waivers`` path.
    ``baseline``: the report of ``gate.baseline.path`` as ``check_gate_for_run`` read it (otherwise
    the gate reads the file).
    Returns the exit code: 0 pass or warn, 1 fail, 2 error.
    """
    from ..gate import evaluate_gate, exit_code

    waivers_path = getattr(args, "waivers", None) or gate_config.waivers
    if waivers is None:
        from ..waivers import load_waivers

        waivers = load_waivers(waivers_path) if waivers_path else []
    gate = evaluate_gate(data, gate_config, waivers=waivers, today=getattr(args, "today", None),
                         baseline_report=baseline,
                         baseline_name=gate_config.baseline.path if baseline is not None else None)
    if waivers_path:
        gate["waivers"]["path"] = str(waivers_path)
    data["gate"] = gate
    if echo:
        shown = [r for r in gate["results"] if r["status"] != "pass"]  # in evaluate_gate's order: fail, error, warn
        if gate["status"] == "error":
            # Exit 2: one line on stderr, as for any error; each result in it, with its status.
            sys.stderr.write("evaluator: gate error: " + "; ".join(
                (f"{one_line(r['name'])}: " if r["status"] == "error" else f"{r['status']} {one_line(r['name'])}: ")
                + one_line(r["message"]) for r in shown) + "\n")
        else:
            for r in shown:
                sys.stderr.write(f"evaluator: gate {r['status']}: {one_line(r['name'])}: {one_line(r['message'])}\n")
    return exit_code(gate["status"])


def table_reaches_stderr(table: Any) -> bool:
    """Whether what the console table (written to ``table``) shows already reaches stderr's reader:
    the table is on stderr (``--json -``), or stdout and stderr are one file (one terminal, ``2>&1``
    into one log or pipe).  Then the stderr lines would only repeat each failure."""
    return table is sys.stderr or same_file(table, sys.stderr)


def write_gate_files(data: dict[str, Any], args: Any) -> list[str]:
    """Write --junit / --markdown of the gate ``apply_gate_to_report`` put in ``data``; the paths written."""
    if getattr(args, "junit", None):
        from ..render.junit import write_junit

        write_junit(data, args.junit)
    if getattr(args, "markdown", None):
        from ..render.markdown import write_markdown

        write_markdown(data, args.markdown)
    return [str(p) for p in (getattr(args, "junit", None), getattr(args, "markdown", None)) if p]


def run(args: Any) -> int:
    from ..errors import ConfigError
    from ..gate import JSON_CONFIG, load_gate_config, load_report
    from .common import check_output_files, shell_path, to_stdout

    try:
        config = load_gate_config(args.config)
    except ConfigError as exc:
        if exc.problem != JSON_CONFIG:
            raise
        # most likely the report given first: say which argument goes where
        raise ConfigError(exc.path, f"{JSON_CONFIG}; usage: evaluator gate CONFIG REPORT.json "
                                    "(the config comes first)") from None
    data = load_report(args.report)
    if args.html and "systems" in data:
        from ..errors import InputError

        raise InputError("--html renders compare reports; a score report's HTML comes from `score --html`")
    # Every output path is checked before any is written: a run that cannot write one writes none.
    check_output_files(("--json", args.json), ("--html", args.html), ("--junit", args.junit),
                       ("--markdown", args.markdown), inputs=[args.config, args.report, args.waivers])
    stdout = to_stdout("--json", args.json)  # the JSON on stdout, the table on stderr
    table = sys.stderr if stdout else sys.stdout
    # The console table below lists every result; where it reaches stderr's reader too (one terminal,
    # one log, or the table itself on stderr), the stderr lines would repeat each failure.  With stdout
    # redirected elsewhere (a CI step keeping stderr apart, `> summary.txt`), stderr keeps them.
    code = apply_gate_to_report(data, config, args, echo=args.quiet or not table_reaches_stderr(table))
    written = write_gate_files(data, args)
    if args.json and not stdout:
        from ..render.json import write_json

        write_json(data, args.json)
        written.insert(0, str(args.json))
    if args.html:
        from ..render.html import write_html

        write_html(data, args.html)
        written.append(str(args.html))
    if not args.quiet:
        print_gate(data["gate"], stream=table)
        if written:
            table.write("wrote " + ", ".join(shell_path(p) for p in written) + "\n")
    if stdout:
        from .._atomic import write_json_stream

        write_json_stream(sys.stdout, data)
    return code


def print_gate(gate: dict[str, Any], stream: Any = None) -> None:
    """One line for the verdict, one per threshold (fail, error, warn, pass), each marked blocking or
    warn-only (what it does when violated)."""
    from ..gate import effect_label, gate_results

    counts = gate["counts"]
    lines = [f"gate: {gate['status'].upper()} ({counts['pass']} passed, {counts['warn']} warned, "
             f"{counts['fail']} failed, {counts['error']} errors)"]
    for r in gate_results(gate):
        lines.append(f"  {r['status'].upper():5} {one_line(r['name'])} ({effect_label(r.get('critical', True))}): "
                     f"{one_line(r['message'])}")
    (stream or sys.stdout).write("\n".join(lines) + "\n")



