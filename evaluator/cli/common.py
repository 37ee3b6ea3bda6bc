"""Options shared by the commands that run the model (compare, score, batch)."""
from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..options import DEFAULT_MODEL, DEVICE_PATTERN, PRECISIONS, Options


def add_model_options(p: argparse.ArgumentParser, *, idf_from: str = "the original side",
                      gate_settings: bool = True, aligns: bool = True) -> None:
    """The model, checks and settings options.  ``idf_from`` says where the command takes idf from
    (score: the first reference); ``gate_settings`` is False for a command without --gate (batch),
    whose --config help must not promise a fallback it does not have; ``aligns`` is False for a
    command whose inputs are aligned already (score: line by line), whose help must not say the
    encoder aligns."""
    uses = "sentence alignment, BERTScore and the checks" if aligns else "BERTScore and the checks"
    g = p.add_argument_group("model and scoring")
    g.add_argument("--model", default=DEFAULT_MODEL, metavar="NAME_OR_PATH",
                   help=f"encoder for {uses} (default: {DEFAULT_MODEL}, bundled)")
    g.add_argument("--layer", type=int, default=None, metavar="N",
                   help="BERTScore layer (default: 3 for the bundled model, bert-score's choice otherwise)")
    g.add_argument("--idf", action="store_true", help=f"idf-weighted BERTScore (idf from {idf_from})")
    g.add_argument("--rescale", action="store_true", help="rescale BERTScore with a baseline")
    g.add_argument("--baseline", metavar="TSV", help="baseline file for --rescale (bert-score's format)")
    g.add_argument("--no-bertscore", action="store_true",
                   help="skip BERTScore (" + ("alignment and " if aligns else "") + "the checks still use the encoder)")
    g.add_argument("--lang", default="en", help="language of both texts (default: en)")
    g.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N (default: cpu)")
    g.add_argument("--batch-tokens", type=int, default=4096, metavar="N", help="tokens per encoder batch (default: 4096)")
    g.add_argument("--precision", choices=PRECISIONS, default="fp32",
                   help="encoder pass in fp32 (default: BERTScore equals bert_score's) or bf16 (autocast; "
                        "~1.9x faster with AMX/avx512_bf16, F1 within ~5e-4; named in the signature)")
    c = p.add_argument_group("checks")
    c.add_argument("--reference-set", action="append", default=[], metavar="PATH",
                   help="extra reference set (people, offices, organisations); repeatable")
    c.add_argument("--no-bundled-reference-set", action="store_true",
                   help="do not load the bundled international-news reference set")
    c.add_argument("--glossary", action="append", default=[], metavar="PATH",
                   help="terminology glossary (CSV, TOML or TBX); repeatable")
    c.add_argument("--checks", metavar="NAMES", help="comma-separated checks to run (default: all)")
    p.add_argument("--max-input-mb", type=float, default=20.0, metavar="MB",
                   help="refuse input files larger than this (default: 20)")
    p.add_argument("--config", metavar="TOML",
                   help="settings file: [settings] of evaluator.toml or [tool.evaluator.settings] of "
                        "pyproject.toml" + (" (default: the --gate file's [settings], if any)" if gate_settings else "")
                        + "; flags win")


def _apply_settings(args: Any) -> None:
    """Fill ``args`` from the config file's [settings] where the command line left the default."""
    path = getattr(args, "config", None) or getattr(args, "gate", None)
    if not path:
        return
    from ..config import load_settings

    s = load_settings(path)
    origin: dict[str, str] = {}  # option -> where its value came from, where that was the config file
    plain = {"model": DEFAULT_MODEL, "layer": None, "baseline": None, "device": "cpu",
             "batch_tokens": 4096, "precision": "fp32", "max_input_mb": 20.0}
    for key, default in plain.items():
        if key in s and getattr(args, key, default) == default:
            setattr(args, key, s[key])
            origin[key] = f"{path}: settings.{key}"
    for key in ("idf", "rescale"):
        if s.get(key) and not getattr(args, key, False):
            setattr(args, key, True)
            origin[key] = f"{path}: settings.{key} = true"
    if s.get("bertscore") is False and not args.no_bertscore:
        args.no_bertscore = True
        origin["no_bertscore"] = f"{path}: settings.bertscore = false"
    args.config_origin = origin
    if s.get("bundled_reference_set") is False:
        args.no_bundled_reference_set = True
    args.reference_set = list(s.get("reference_sets", [])) + list(args.reference_set)
    args.glossary = list(s.get("glossaries", [])) + list(args.glossary)
    if "checks" in s and not args.checks:
        args.checks = ",".join(s["checks"])


def option_source(args: Any, key: str, flag: str) -> str:
    """How a message names option ``key``: the config file's setting where its value came from there
    (``evaluator.toml: settings.rescale = true``), else the flag as given (``--rescale``)."""
    return str(getattr(args, "config_origin", {}).get(key) or flag)


def _check_contradictions(args: Any) -> None:
    """Options that contradict each other are refused (exit 2), not one of them silently ignored."""
    if not args.no_bertscore:
        return
    origin = getattr(args, "config_origin", {})
    for key, flag in (("rescale", "--rescale"), ("baseline", "--baseline")):
        if not getattr(args, key, None):
            continue
        if key in origin and "no_bertscore" not in origin:
            setattr(args, key, False if key == "rescale" else None)  # the flag wins over the config's setting
            continue
        raise InputError(f"{option_source(args, key, flag)} and {option_source(args, 'no_bertscore', '--no-bertscore')} "
                         "contradict each other: rescaling applies to BERTScore, which --no-bertscore skips")


def _check_names(args: Any) -> None:
    if args.checks is not None and args.checks != "" and not any(c.strip() for c in args.checks.split(",")):
        raise InputError(f"--checks {args.checks!r}: no check named (give comma-separated check names; "
                         "leave --checks out to run every check)")


def options_from_args(args: Any) -> Options:
    """The run's ``Options`` from the command line and its config file, every option checked (an
    unknown ``--checks`` name too): a bad one is ``InputError`` (exit 2) before any work."""
    _apply_settings(args)
    _check_names(args)
    _check_contradictions(args)
    if args.baseline and not args.no_bertscore:
        from ..metrics.semantic import read_baseline

        read_baseline(args.baseline)  # a bad baseline file fails now, before any model loads
    if args.lang != "en":
        raise InputError(f"--lang {args.lang}: only English (en) is supported by the bundled parser")
    if args.layer is not None and args.layer < 1:
        raise InputError(f"--layer {args.layer}: must be a positive layer number")
    if not 0 < args.max_input_mb < float("inf"):
        raise InputError(f"--max-input-mb {args.max_input_mb:g}: must be a positive number of megabytes")
    if not isinstance(args.batch_tokens, int) or args.batch_tokens < 1:
        raise InputError(f"--batch-tokens {args.batch_tokens}: must be a positive number of tokens")
    if not isinstance(args.device, str) or not DEVICE_PATTERN.fullmatch(args.device):
        raise InputError(f"--device {args.device}: expected cpu, cuda or cuda:N")
    options = Options(
        model=args.model,
        layer=args.layer,
        idf=args.idf,
        bertscore=not args.no_bertscore,
        rescale=args.rescale or bool(args.baseline),
        baseline_path=args.baseline,
        lang=args.lang,
        device=args.device,
        batch_tokens=args.batch_tokens,
        precision=args.precision,
        reference_sets=tuple(args.reference_set),
        glossaries=tuple(args.glossary),
        use_bundled_reference_set=not args.no_bundled_reference_set,
        checks=tuple(c.strip() for c in args.checks.split(",") if c.strip()) if args.checks else None,
        max_input_bytes=int(args.max_input_mb * 1024 * 1024),
        cache_dir=getattr(args, "cache_dir", None),
    )
    if options.checks:
        from ..config import known_checks

        known = known_checks(strict=True)
        unknown = [n for n in options.checks if n not in known]
        if unknown:
            raise InputError(f"--checks: unknown check(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    return options


def add_export_options(p: argparse.ArgumentParser) -> None:
    """--csv / --xlsx / --parquet: the analyst tables (findings, pairs, documents or systems)."""
    g = p.add_argument_group("analyst exports (see README: Python, evaluator.frames)")
    g.add_argument("--csv", metavar="DIR", help="write findings.csv, pairs.csv and documents.csv "
                                                "(systems.csv for score) into DIR")
    g.add_argument("--xlsx", metavar="FILE", help="write a workbook: findings (with a \"reviewer verdict\" "
                                                  "column for `evaluator triage`), pairs, documents/systems")
    g.add_argument("--parquet", metavar="DIR", help="write the same tables as Parquet files into DIR")


def check_exports(args: Any) -> None:
    """Refuse an unwritable export path before any model work (exit 2)."""
    if getattr(args, "csv", None) or getattr(args, "xlsx", None) or getattr(args, "parquet", None):
        from ..render.exports import check_export_paths

        check_export_paths(csv=args.csv, xlsx=args.xlsx, parquet=args.parquet)


STDOUT = "-"  # an output path that means stdout: only --json takes it


def to_stdout(flag: str, value: Any) -> bool:
    """Whether the output ``flag`` given as ``value`` goes to stdout: True for ``--json -`` (the JSON on
    stdout; the caller then writes its console summary to stderr), False for a path or None.  Any other
    output given as ``-`` is refused (exit 2): it would be a file named "-", and stdout is the JSON's."""
    if value is None or os.fspath(value) != STDOUT:
        return False
    if flag != "--json":
        raise InputError(f"{flag} -: only --json can write to stdout ('-'); give {flag} a path")
    return True


def check_output_files(*outputs: tuple[str, Any], inputs: Sequence[Any] = (),
                       folders: Sequence[tuple[str, Any, Sequence[str]]] = ()) -> None:
    """Refuse, before any work, an output file (``(flag, path)``; None skipped) that cannot be written
    (``_atomic.check_writable``), an output other than --json given as ``-`` (``to_stdout``), two
    outputs on one path (only the last written would be left), or an output on one of the run's
    ``inputs`` (it would replace it): exit 2.

    ``folders``: the output folders (``(flag, path, names)``: --csv DIR and the file names it writes
    there), checked with the files: a folder on the path of a file output (``--json out --csv out``), a
    file or folder output under a file output (``--json out --csv out/tables``), or a file the folder's
    writer would replace (``--json out/findings.csv --csv out``, an input there) is refused.  Two
    folders may share a path where their file names differ (``--csv out --parquet out``)."""
    from .._atomic import check_writable

    def key(path: Any) -> str:
        return os.path.normcase(os.path.realpath(os.fspath(path)))

    taken = {key(p): f"the input {p}" for p in inputs if p is not None and os.fspath(p) not in ("", STDOUT)}
    files: dict[str, str] = {}  # the file outputs: nothing may go under them
    for flag, value in outputs:
        if value is None or to_stdout(flag, value):
            continue
        check_writable(flag, value)
        where = key(value)
        if where in taken:
            raise InputError(f"{flag} {value}: the same file as {taken[where]} "
                             "(each output needs a path of its own, and none may replace an input)")
        taken[where] = files[where] = f"{flag} {value}"
    dirs: dict[str, str] = {}
    for flag, value, names in folders:
        if value is None or to_stdout(flag, value):  # to_stdout refuses "-": a folder has no stdout
            continue  # (writable: check_exports, which every caller with folders runs first)
        where = key(value)
        if where in taken:
            raise InputError(f"{flag} {value}: the same path as {taken[where]} "
                             "(a folder of tables cannot be where a file goes: give each output a path of its own)")
        for name in names:
            inside = key(os.path.join(where, name))
            if inside in taken:
                raise InputError(f"{flag} {value}: would replace {taken[inside]} with its {name} "
                                 "(give each output a path of its own)")
            taken[inside] = f"{flag} {value} (its {name})"
        dirs.setdefault(where, f"{flag} {value}")
    for where, what in [*files.items(), *dirs.items()]:
        parent = os.path.dirname(where)
        while parent and parent != os.path.dirname(parent):
            if parent in files:
                raise InputError(f"{what}: under {files[parent]}, which is a file (give each output a path "
                                 "of its own)")
            parent = os.path.dirname(parent)


EXPORT_SUFFIX = {"--csv": ".csv", "--parquet": ".parquet"}


def export_folders(args: Any, tables: Sequence[str]) -> list[tuple[str, Any, list[str]]]:
    """``check_output_files``'s ``folders`` for --csv DIR and --parquet DIR: the file of each table."""
    return [(flag, getattr(args, flag[2:], None), [t + suffix for t in tables]) for flag, suffix in EXPORT_SUFFIX.items()]


def check_gate_files(args: Any) -> None:
    """--junit, --markdown and --waivers serve a gate: refused without --gate (exit 2) rather than ignored."""
    if not getattr(args, "gate", None):
        given = [f for f, v in (("--junit", getattr(args, "junit", None)), ("--markdown", getattr(args, "markdown", None)),
                                ("--waivers", getattr(args, "waivers", None))) if v]
        if given:
            from ..errors import InputError

            what = {"--junit": "the JUnit file reports the gate's thresholds",
                    "--markdown": "the Markdown summary reports the gate's result",
                    "--waivers": "waivers are applied by the gate"}
            if len(given) == 1:
                raise InputError(f"{given[0]} needs --gate CONFIG ({what[given[0]]})")
            raise InputError(f"{', '.join(given[:-1])} and {given[-1]} need --gate CONFIG (they serve the gate)")


def check_gate_needs(args: Any, gate_config: Any, options: Options) -> None:
    """A gate that asks for BERTScore in a run that skips it would only fail after all the work:
    refused before any (exit 2), naming both the option and the gate's threshold."""
    if options.bertscore or gate_config is None:
        return
    from ..gate import BERTSCORE

    base = gate_config.baseline
    needs = [t.name for t in (*gate_config.thresholds, *(base.max_drop if base else ())) if t.key in BERTSCORE]
    if needs:
        raise InputError(f"{option_source(args, 'no_bertscore', '--no-bertscore')} and --gate {args.gate} "
                         f"(gate.{needs[0]}) contradict each other: the gate needs the BERTScore the run skips")


def check_folder_creatable(flag: str, path: Any) -> None:
    """Refuse (exit 2) an output folder that cannot be made (``--out /sys/x``: writable to ``os.access``
    as root, refused by the file system), before any work; nothing is left behind."""
    p = Path(path).absolute()
    missing = []
    while not p.exists() and p != p.parent:
        missing.append(p)
        p = p.parent
    if not missing:
        return
    top = missing[-1]
    try:
        top.mkdir()
    except OSError as exc:
        raise InputError(f"{flag} {path}: cannot create the folder ({exc.strerror or exc})") from None
    with contextlib.suppress(OSError):
        top.rmdir()


def prepare_exports(source: Any, args: Any, about: dict[str, Any] | None = None) -> Callable[[], list[str]]:
    """The requested exports of a report dict, or of a batch folder's results, built now and checked
    (a table too long for a worksheet: exit 2) before the caller writes anything; the returned call
    writes them and gives the paths written. The tables are built only when an export is requested."""
    if not (getattr(args, "csv", None) or getattr(args, "xlsx", None) or getattr(args, "parquet", None)):
        return list
    from .. import frames
    from ..render.exports import check_xlsx_rows
    from ..render.exports import write_exports as write

    tables = frames.tables(source) if isinstance(source, dict) else frames.load_results(source).tables
    if args.xlsx:
        check_xlsx_rows(tables)
    info = {"command": command_line(args), **(about or {})}
    return lambda: write(tables, csv=args.csv, xlsx=args.xlsx, parquet=args.parquet, about=info)


def write_exports(source: Any, args: Any, about: dict[str, Any] | None = None) -> list[str]:
    """Write the requested exports now (``prepare_exports`` then its writer); the paths written."""
    return prepare_exports(source, args, about)()


def command_line(args: Any) -> str:
    """The command as typed, for reports; an argument's bytes that are not UTF-8 show as U+FFFD."""
    from ..io import display_path

    return "evaluator " + " ".join(shlex.quote(display_path(a)) for a in args.argv)


def one_line(text: Any) -> str:
    """``text`` for one console line: every unprintable character (newline, ESC, bidi controls...) a
    space, so a file name, system name or article text can neither drive the terminal nor forge a line."""
    return "".join(ch if ch.isprintable() else " " for ch in str(text))


def same_file(a: Any, b: Any) -> bool:
    """Two streams that write to one file (``2>&1``, or one terminal)."""
    try:
        return os.path.samestat(os.fstat(a.fileno()), os.fstat(b.fileno()))
    except (AttributeError, OSError, ValueError):  # replaced streams (tests, embedding) have no fileno
        return False


def shell_path(path: Any) -> str:
    """A path as a shell takes it back when copied from the console: quoted where it has spaces or
    shell characters ("reports/Korea review.html" -> 'reports/Korea review.html').  Control characters
    stay in: the console's ``terminal_safe`` shows them as ``\\uXXXX``, which says what the name holds."""
    return shlex.quote(os.fspath(path))


def clip(text: Any, width: int) -> str:
    """``one_line(text)`` cut to at most ``width`` characters for the console: at the last word
    boundary that fits, with an ellipsis, so a cut message never ends mid-word as if it were whole.

    ``one_line`` first: after it nothing is left for ``terminal_safe`` to escape (an escape would make
    the line longer than counted), and the ellipsis is printable, so the width is the shown width.
    """
    from ..render import cut_at_word

    return cut_at_word(" ".join(one_line(text).split()), width)


LEXICAL_LABELS = (("bleu", "BLEU"), ("chrf", "chrF"), ("chrf++", "chrF++"), ("ter", "TER"))


def metric_text(metric: Any, spec: str = ".1f") -> str:
    """A corpus metric's score (its JSON ``{"score": ...}``) for the console: ``—`` where it was not
    computed (``score`` null: nothing aligned to compare, so no TER of 0 reads as a perfect score)."""
    score = metric.get("score") if isinstance(metric, dict) else None
    return format(float(score), spec) if isinstance(score, int | float) else format("—", ">" + spec.split(".")[0])


def err(msg: str) -> None:
    sys.stderr.write(msg + "\n")
