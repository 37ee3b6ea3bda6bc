"""The command line: argument parsing, exit codes, and the only place that prints or exits.

Exit codes: 0 pass (or warn), 1 a gate failed / some batch pairs failed, 2 usage or input error,
3 internal error (a bug: please report it), 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import re
import sys
from collections.abc import Iterator, Sequence
from typing import Any

EXIT_OK, EXIT_FAIL, EXIT_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_TERMINATED = 143  # 128 + SIGTERM, as a shell reports a process SIGTERM ended


class _Terminated(KeyboardInterrupt):
    """SIGTERM as an exception: it unwinds like Ctrl-C, so atomic writers remove their temporary files."""


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """Within: SIGTERM raises ``_Terminated`` (main thread only); the previous handler comes back after."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"):
        yield
        return

    def on_term(signum: int, frame: Any) -> None:
        raise _Terminated()

    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)

# Each command lives in evaluator/cli/<name>.py with ``add_parser(subparsers)`` and ``run(args)``.
COMMANDS = ("compare", "score", "gate", "batch", "triage")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2, and an unknown option is
    reported by the command it was given to, with the closest option it has (``--outt``: did you mean
    ``--out``?) instead of argparse's bare ``evaluator: error: unrecognized arguments``."""

    commands: dict[str, argparse.ArgumentParser]  # the subcommands' parsers (the top-level parser only)

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message} (see --help)\n")
        raise SystemExit(EXIT_INPUT)

    def parse_args(self, args: Sequence[str] | None = None, namespace: Any = None) -> Any:  # type: ignore[override]
        ns, extras = self.parse_known_args(args, namespace)
        if extras:
            # argparse leaves a subcommand's unknown arguments to the top-level parser, which names
            # neither the command nor what was meant: the command's own parser reports them.
            target = getattr(self, "commands", {}).get(getattr(ns, "command", None) or "", self)
            message = f"unrecognized arguments: {' '.join(extras)}"
            hint = _closest_option(target, extras)
            if hint and " " in hint:  # advice, not an option name
                target.error(f"{message} ({hint})")
            target.error(message + (f" (did you mean {hint}?)" if hint else ""))
        return ns


def _closest_option(parser: argparse.ArgumentParser, extras: Sequence[str]) -> str | None:
    """The option of ``parser`` closest to the first unknown option in ``extras`` (difflib), if any is close."""
    import difflib

    known = [o for action in parser._actions for o in action.option_strings if o.startswith("--")]
    for word in extras:
        if word.startswith("--") and len(word) > 2:
            option = word.split("=", 1)[0]
            if option in ("--out", "--outt", "--output") and "--out" not in known:  # compare's and batch's folder
                return "this command writes files, not a folder: use --json FILE or --html FILE"
            close = difflib.get_close_matches(option, known, n=1, cutoff=0.7)
            if close:
                return close[0]
    return None


# What `make demo` runs, shown in this help and compare's.
DEMO_EXAMPLE = """\
example (what `make demo` runs):
  evaluator compare reference_sets/examples/korea-diplomacy/original.txt \\
                    reference_sets/examples/korea-diplomacy/rewritten.txt --out reports --screenshot
"""

EPILOG = DEMO_EXAMPLE + """
exit codes: 0 ok (a gate passed or warned), 1 a gate failed or some batch pairs failed,
2 usage or input error (nothing half-written), 3 internal error (a bug: please report it),
130 interrupted (Ctrl-C), 143 terminated (SIGTERM).

`evaluator COMMAND --help` describes each command.
"""


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = _Parser(prog="evaluator", description=(
        "Tell whether a rewritten or machine-translated article still says what the original said."),
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
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
    parser.commands = dict(sub.choices)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every way out is an exit code and at most one line on stderr."""
    from ..pipeline import set_offline

    set_offline()  # before anything can import huggingface_hub / transformers: never reach a hub
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalSafe(saved[0]), TerminalSafe(saved[1])  # type: ignore[assignment]
    try:
        code = _main(argv)
    finally:
        flushed = _flush(sys.stdout, sys.stderr)
        sys.stdout, sys.stderr = saved
    if not flushed and code == EXIT_OK:
        code = EXIT_INPUT  # the output did not reach its file (a full disk): not a success
    if argv is None and _fast_exit_allowed():  # a normal return only: exceptions (argparse's exit) unwind as usual
        _fast_exit(code)
    return code


# Commands whose process has nothing left to do once ``main`` returns: every output is written and
# closed (atomically) by then, and they start no services (batch, with its Ray engine and SQLite
# cache, is not one of them).
_FAST_EXIT_COMMANDS = frozenset({"compare", "score", "gate", "triage"})
_COMMAND: str | None = None  # the command ``_main`` parsed last


def _fast_exit_allowed() -> bool:
    return (_COMMAND in _FAST_EXIT_COMMANDS and os.environ.get("EVALUATOR_FAST_EXIT", "1") != "0"
            and sys.gettrace() is None and sys.getprofile() is None)  # no debugger, profiler or coverage


def _fast_exit(code: int) -> None:
    """End the process without tearing the interpreter down.

    Garbage-collecting torch's and spaCy's module graphs at interpreter exit takes ~0.6 s on 2 cores
    (measured after `evaluator compare` on the example: 0.66 s from the end of ``main`` to the end of
    the process) and frees nothing the OS would not.  Logging is flushed first; a command-line
    invocation only (``main()`` from the console script or ``python -m evaluator``, never
    ``main(argv)`` from Python, never under a tracer or profiler); ``EVALUATOR_FAST_EXIT=0`` exits the
    usual way.  A final flush that fails (a full disk) turns a success into exit 2, as it must.
    """
    logging.shutdown()
    if not _flush(sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__) and code == EXIT_OK:
        code = EXIT_INPUT
    os._exit(code)


def _flush(*streams: Any) -> bool:
    """Flush each stream; False if one could not be written (a closed pipe is not a failure: the
    reader left, and what it read is all it wanted)."""
    ok = True
    for stream in streams:
        try:
            if stream is not None:
                stream.flush()
        except BrokenPipeError:
            pass
        except (OSError, ValueError):
            ok = False
    return ok


def _main(argv: Sequence[str] | None) -> int:
    from ..errors import EvaluatorError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        # One line, as every usage error: the whole help is what `evaluator --help` is for.
        names = ", ".join(getattr(parser, "commands", None) or COMMANDS)
        sys.stderr.write(f"evaluator: error: no command given: choose one of {names} "
                         "(see evaluator --help)\n")
        return EXIT_INPUT
    global _COMMAND
    _COMMAND = args.command
    level = logging.WARNING - 10 * min(args.verbose, 2)
    configure_logging(level, sys.stderr)
    if args.command in ("compare", "batch"):
        # The encoder's heap settings: this process is ours (see evaluator/_memory.py).  Not for
        # `score`: its chunks interleave parsing with big encoder batches, and on a kept heap the
        # batches' peak grew chunk after chunk (4,000 segments: 959 -> 1,528 MB tuned, 897 -> 1,144 MB
        # not, for ~5% of its time); a streaming command keeps its memory flat instead.
        from .._memory import tune_allocator

        tune_allocator()
    args.argv = list(argv) if argv is not None else sys.argv[1:]
    try:
        with _sigterm_raises() if args.command != "batch" else contextlib.nullcontext():  # batch stops itself
            return int(args.run(args))
    except _Terminated:
        sys.stderr.write("evaluator: terminated\n")
        return EXIT_TERMINATED
    except EvaluatorError as exc:
        sys.stderr.write(f"evaluator: error: {_one_line(str(exc))}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("evaluator: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:
        if args.debug or os.environ.get("EVALUATOR_DEBUG"):
            _print_traceback()  # the traceback asked for, and still the exit code of an unwritable output
            return EXIT_INPUT
        # An output that cannot be written (no permission, no space, a file where a folder should be).
        where = exc.filename
        problem = exc.strerror or str(exc) or type(exc).__name__
        line = f"{where}: {problem}" if where is not None else f"{type(exc).__name__}: {problem}"
        sys.stderr.write(f"evaluator: error: {_one_line(line)}\n")
        return EXIT_INPUT
    except Exception as exc:  # noqa: BLE001 - a bug must still end in one line, not a traceback
        if args.debug or os.environ.get("EVALUATOR_DEBUG"):
            # The traceback asked for, but still exit 3: re-raising would end the process with Python's 1,
            # which a CI job reads as "the gate failed".
            _print_traceback()
            sys.stderr.write(f"evaluator: internal error: {type(exc).__name__}: {_one_line(str(exc))}\n")
            return EXIT_INTERNAL
        sys.stderr.write(f"evaluator: internal error: {type(exc).__name__}: {_one_line(str(exc))} "
                         "(rerun with --debug for the traceback)\n")
        return EXIT_INTERNAL


def _print_traceback() -> None:
    import traceback

    traceback.print_exc(file=sys.stderr)


def _one_line(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------------------------------ terminal safety

# What must not reach a terminal raw: C0 controls but tab and newline (ESC starts ANSI sequences),
# DEL, C1 controls (U+009B is a one-character CSI), the bidi embeddings, overrides and isolates
# (they reorder what is shown) and the Unicode line / paragraph separators.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(m: re.Match[str]) -> str:
    return f"\\u{ord(m.group()):04x}"


def terminal_safe(text: str, *, leading_cr: bool = False) -> str:
    """``text`` with every control character written as ``\\uXXXX``.

    The escape is JSON's own, so JSON printed to stdout stays valid and decodes to the same data;
    on a terminal it shows what was there instead of acting on it.  ``leading_cr`` keeps one
    carriage return at the very start (a progress line redrawing itself).
    """
    if leading_cr and text.startswith("\r"):
        return "\r" + _UNSAFE.sub(_escape, text[1:])
    return _UNSAFE.sub(_escape, text)


class TerminalSafe:
    """A text stream that escapes control characters (``terminal_safe``) on their way out.

    The command line writes stdout and stderr through it, so article text, file names, pair ids
    and glossary entries cannot drive the terminal or a CI log viewer, whichever code prints them.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, s: str) -> int:
        self._stream.write(terminal_safe(s, leading_cr=True))
        return len(s)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return bool(getattr(self._stream, "isatty", lambda: False)())

    def writable(self) -> bool:
        return True

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    @property
    def encoding(self) -> str:
        return str(getattr(self._stream, "encoding", None) or "utf-8")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _Formatter(logging.Formatter):
    """``evaluator: warning: message``: one line; a traceback only at -vv (debug)."""

    def format(self, record: logging.LogRecord) -> str:
        text = f"evaluator: {record.levelname.lower()}: {_one_line(record.getMessage())}"
        if record.exc_info and record.exc_info[1] is not None:
            if logging.getLogger().isEnabledFor(logging.DEBUG):
                return text + "\n" + self.formatException(record.exc_info)
            exc = record.exc_info[1]
            text += f" ({type(exc).__name__}: {_one_line(str(exc))})"
        return text


def cli_log_level() -> int | None:
    """The command line's log level where it configured logging (``configure_logging``), else None:
    what a worker process needs to log as its parent does."""
    root = logging.getLogger()
    if any(isinstance(h.formatter, _Formatter) for h in root.handlers):
        return root.level
    return None


def configure_worker_logging(level: int | None) -> None:
    """In a spawned worker: log like the command line that started it (``level`` from ``cli_log_level``);
    nothing where the parent was not the command line."""
    if level is not None:
        configure_logging(level, TerminalSafe(sys.stderr))


def configure_logging(level: int, stream: Any) -> None:
    """Log to ``stream`` in the command line's one-line format (only where nothing else logs yet)."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_Formatter())
    logging.basicConfig(level=level, handlers=[handler])
    for noisy in ("transformers", "huggingface_hub", "urllib3", "filelock"):
        logging.getLogger(noisy).setLevel(max(level, logging.ERROR))
