"""`python -m bench`: every benchmark in one run; prints the tables and writes BENCHMARKS.md.

Modules with ``run(...) -> str`` are called in-process (with the sizes of the chosen mode); the
others run as a subprocess whose stdout is the section.  A benchmark that fails or is missing
becomes a note in its section, never the end of the run.  ``--quick`` uses small sizes (about three
minutes on an idle 2-core machine) for development; the full run uses the sizes of the issue.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib
import inspect
import os
import platform
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# name -> (run() keyword arguments, subprocess arguments), for quick and full mode.
PLANS: dict[str, dict[str, tuple[dict[str, Any], list[str]]]] = {
    "bertscore_bench": {"quick": ({"pairs": 500, "n": 500, "n_pairs": 500}, ["--pairs", "500"]),
                        "full": ({"pairs": 5000, "n": 5000, "n_pairs": 5000}, ["--pairs", "5000"])},
    "cold_start": {"quick": ({"repeats": 1}, ["--repeats", "1"]), "full": ({"repeats": 3}, ["--repeats", "3"])},
    "batch_bench": {"quick": ({"pairs": 200}, ["--pairs", "200"]),
                    "full": ({"pairs": 2000, "extra_workers": True}, ["--pairs", "2000", "--extra-workers"])},
    "growth": {"quick": ({"pairs": (25, 100, 400), "segments": (200, 800, 3200)}, []),
               "full": ({"pairs": (100, 400, 1600), "segments": (1000, 4000, 16000)}, [])},
    "align_growth": {"quick": ({}, ["--sizes", "250", "1000", "4000"]),
                     "full": ({}, ["--sizes", "500", "2000", "8000"])},
    "drift_bench": {"quick": ({}, ["--limit", "10"]), "full": ({}, ["--limit", "200"])},
}


def _str_run(mod: Any) -> Any:
    """The module's ``run`` if it is annotated to return ``str``, else None (run it as a script)."""
    fn = getattr(mod, "run", None)
    if fn is None:
        return None
    ret = inspect.signature(fn).return_annotation
    return fn if ret in (str, "str") else None


def run_one(name: str, mode: str, timeout: float) -> str:
    kwargs, argv = PLANS[name][mode]
    path = ROOT / "bench" / f"{name}.py"
    if not path.exists():
        return f"## {name}\n\n_not run: bench/{name}.py does not exist yet._\n"
    try:
        mod = importlib.import_module(f"bench.{name}")
    except Exception as exc:  # noqa: BLE001 - a broken benchmark is reported, not fatal
        return f"## {name}\n\n_failed to import: {type(exc).__name__}: {exc}_\n"
    fn = _str_run(mod)
    if fn is not None:
        params = inspect.signature(fn).parameters
        accepted = {k: v for k, v in kwargs.items() if k in params}
        try:
            return str(fn(**accepted))
        except Exception:  # noqa: BLE001
            return f"## {name}\n\n_failed:_\n\n```\n{traceback.format_exc()[-1500:]}\n```\n"
    cmd = [sys.executable, "-m", f"bench.{name}", *argv]
    try:
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                              env=dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1"))
    except subprocess.TimeoutExpired:
        return f"## {name}\n\n_timed out after {timeout:.0f} s: `{' '.join(cmd[1:])}`_\n"
    body = proc.stdout.strip()
    if not body.lstrip().startswith("#"):
        body = f"## {name}\n\n{body}"
    if proc.returncode != 0:
        body += f"\n\n_exited {proc.returncode}: {' '.join(proc.stderr.split())[-500:]}_"
    return body + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, for development")
    ap.add_argument("--only", nargs="*", choices=list(PLANS), help="run only these benchmarks")
    ap.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"), help="where to write the tables")
    ap.add_argument("--timeout", type=float, default=3600, help="per subprocess benchmark, seconds")
    a = ap.parse_args(argv)
    mode = "quick" if a.quick else "full"
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    sections = []
    for name in a.only or list(PLANS):
        t = time.perf_counter()
        sys.stderr.write(f"bench: {name} ({mode}) ...\n")
        text = run_one(name, mode, a.timeout)
        took = time.perf_counter() - t
        text = text.rstrip() + f"\n\n_{name}: {took:.0f} s._\n"
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
        sections.append(text)
    head = [
        "# Benchmarks",
        "",
        f"`python -m bench{' --quick' if a.quick else ''}` on {dt.date.today().isoformat()}: "
        f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} at the end. Every figure in a table was measured side by side "
        "in this one run.",
        "",
    ]
    Path(a.out).write_text("\n".join(head) + "\n" + "\n".join(sections), encoding="utf-8")
    sys.stderr.write(f"bench: wrote {a.out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
