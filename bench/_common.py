"""Shared pieces of the benchmarks: data paths, subprocess measurement, sections with figures."""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The development data sits beside the repository (``../shared/datasets``); DEMETR_DIR overrides.
DEMETR = Path(os.environ.get("DEMETR_DIR") or ROOT.parent / "shared" / "datasets" / "demetr-dev")
BIN = Path(sys.executable).parent
EVALUATOR = str(BIN / "evaluator")
ENV = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")


@dataclass
class Figure:
    """One measured figure of the issue, its target and whether it was met (None: no target)."""

    name: str
    value: str
    target: str
    met: bool | None


@dataclass
class Section:
    """A benchmark's Markdown section and the figures it measured."""

    markdown: str
    figures: list[Figure] = field(default_factory=list)

    def __str__(self) -> str:
        return self.markdown


def met(flag: bool | None) -> str:
    return "–" if flag is None else ("met" if flag else "**missed**")


def demetr_rows(n: int) -> list[dict[str, str]]:
    """``n`` DEMETR dev pairs (mt_sent -> pert_sent), round-robin over the perturbation files."""
    per_file: list[list[dict[str, str]]] = []
    for f in sorted(DEMETR.glob("*.json")):
        rows = []
        for r in json.loads(f.read_text(encoding="utf-8")):
            if r.get("pert_check") and r.get("mt_sent", "").strip() and r.get("pert_sent", "").strip():
                rows.append({"id": f"{f.stem}-{r['id']}", "original": r["mt_sent"], "rewritten": r["pert_sent"]})
        per_file.append(rows)
    if not per_file:
        raise FileNotFoundError(f"no DEMETR files under {DEMETR} (set DEMETR_DIR)")
    out: list[dict[str, str]] = []
    i = 0
    while len(out) < n and any(i < len(rows) for rows in per_file):
        out.extend(rows[i] for rows in per_file if i < len(rows))
        i += 1
    return out[:n]


def write_manifest(rows: list[dict[str, str]], path: Path) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as fh:
                out.extend(int(x) for x in fh.read().split())
    except OSError:
        pass
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_pss_mb(pid: int) -> float:
    """Proportional set size of a process and all its descendants (shared pages counted once), MB."""
    todo, seen, total = [pid], set(), 0
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        total += _pss_kb(p)
        todo.extend(_children(p))
    return total / 1024


def _count_lines(path: Path | None) -> int:
    if path is None:
        return 0
    try:
        with path.open("rb") as fh:
            return sum(1 for _ in fh)
    except OSError:
        return 0


def measure(cmd: list[str], timeout: float | None = None, watch: Path | None = None,
            env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``cmd``: wall s, CPU s (user + sys, its process tree), peak RSS of its largest process,
    peak PSS of the whole tree (every worker counted, shared pages once), exit code, and when
    ``watch`` (a results.jsonl) got its first line, so start-up and steady state can be told apart."""
    errf = tempfile.TemporaryFile()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errf, env=env or ENV)
    deadline = None if timeout is None else time.monotonic() + timeout
    peak_pss, first_line, last_poll = 0.0, None, 0.0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        now = time.perf_counter()
        if now - last_poll >= 0.25:
            last_poll = now
            peak_pss = max(peak_pss, tree_pss_mb(proc.pid))
            if watch is not None and first_line is None and _count_lines(watch) > 0:
                first_line = now - t0
        if deadline is not None and time.monotonic() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    errf.seek(0)
    err = errf.read().decode("utf-8", "replace")
    errf.close()
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
            "pss_mb": peak_pss, "rc": os.waitstatus_to_exitcode(status), "stderr": err[-800:],
            "first_line": first_line, "lines": _count_lines(watch)}


def machine() -> str:
    """One line about this machine: CPU model, cores, memory, OS, Python, torch and its threads."""
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        mem = f"{kb / 2**20:.0f} GiB"
    except (OSError, IndexError, ValueError):
        pass
    try:
        import torch

        tv = f"torch {torch.__version__} ({torch.get_num_threads()} threads)"
    except ImportError:  # pragma: no cover
        tv = "no torch"
    return (f"{cpu}, {os.cpu_count()} CPUs, {mem} RAM; {platform.platform()}; Python {platform.python_version()}; "
            f"{tv}")


def median(xs: list[float]) -> float:
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
