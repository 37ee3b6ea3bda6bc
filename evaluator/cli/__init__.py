"""The command line: argument parsing, exit codes, and the only place that prints or exits.

Exit codes: 0 pass (or warn), 1 a gate failed / some batch pairs failed, 2 usage or input error,
3 internal error (a bug: please report it), 130 interrupted.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

EXIT_OK, EXIT_FAIL, EXIT_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

# Each command lives in evaluator/cli/<name>.py with ``add_parser(subparsers)`` and ``run(args)``.
COMMANDS = ("compare", "score", "gate", "batch", "triage")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message} (see --help)\n")
        raise SystemExit(EXIT_INPUT)


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = _Parser(prog="evaluator", description=(
        "Tell whether a rewritten or machine-translated article still says what the original said."))
    parser.add_argument("--version", action="version", version=f"evaluator {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv: debug)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        try:
            mod = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{name}":
                continue
            raise
        mod.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from ..errors import EvaluatorError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_INPUT
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="evaluator: %(levelname)s: %(message)s")
    for noisy in ("transformers", "huggingface_hub", "urllib3", "filelock", "matplotlib"):
        logging.getLogger(noisy).setLevel(max(level, logging.ERROR))
    args.argv = list(argv) if argv is not None else sys.argv[1:]
    try:
        return int(args.run(args))
    except EvaluatorError as exc:
        sys.stderr.write(f"evaluator: error: {_one_line(str(exc))}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("evaluator: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - a bug must still end in one line, not a traceback
        if args.debug or os.environ.get("EVALUATOR_DEBUG"):
            raise
        sys.stderr.write(f"evaluator: internal error: {type(exc).__name__}: {_one_line(str(exc))} "
                         "(rerun with --debug for the traceback)\n")
        return EXIT_INTERNAL


def _one_line(text: str) -> str:
    return " ".join(text.split())
