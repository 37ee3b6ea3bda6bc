"""Batch throughput: DEMETR dev pairs through the real `evaluator batch` command, cold and with a warm cache.

Each run is a fresh subprocess measured with ``os.wait4`` (wall time and that child's own peak RSS).
``start-up`` is a one-pair batch (interpreter, imports, model and parser load); pairs/s is reported
both on the whole wall time and on the time after start-up.  The warm run uses a fresh output folder
and the cache folder the cold run filled, so it re-encodes and re-parses nothing.
Targets: >= 40 pairs/s on 2 cores, peak RSS <= 2 GB, warm >= 3x faster than cold.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEMETR = Path(os.environ.get("DEMETR_DIR") or Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "demetr-dev")
EVALUATOR = str(Path(sys.executable).parent / "evaluator")


def demetr_rows(n: int) -> list[dict[str, str]]:
    """``n`` pairs (mt_sent -> pert_sent), taken round-robin over the perturbation files."""
    per_file: list[list[dict[str, str]]] = []
    for f in sorted(glob.glob(str(DEMETR / "*.json"))):
        rows = []
        for r in json.loads(Path(f).read_text(encoding="utf-8")):
            if r.get("pert_check") and r.get("mt_sent", "").strip() and r.get("pert_sent", "").strip():
                rows.append({"id": f"{Path(f).stem}-{r['id']}", "original": r["mt_sent"],
                             "rewritten": r["pert_sent"]})
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


def measure(cmd: list[str], timeout: float | None = None) -> dict[str, Any]:
    """Wall seconds, this child's peak RSS (MB) and exit code of one subprocess."""
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    # stderr to a file, not a pipe: a full pipe would block the child while we wait for it.
    errf = tempfile.TemporaryFile()
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errf, env=env)
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.monotonic() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    wall = time.perf_counter() - t
    errf.seek(0)
    err = errf.read().decode("utf-8", "replace")
    errf.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"wall": wall, "rss_mb": usage.ru_maxrss / 1024, "rc": proc.returncode, "stderr": err[-500:]}


def batch_cmd(manifest: Path, out: Path, cache: Path | None, workers: int = 1) -> list[str]:
    cmd = [EVALUATOR, "batch", str(manifest), "--out", str(out), "-q", "--workers", str(workers)]
    return cmd + (["--cache", str(cache)] if cache is not None else [])


def run(pairs: int = 2000, workers: int = 1, extra_workers: bool = False) -> str:
    rows = demetr_rows(pairs)
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="batch-bench-") as tmp:
        t = Path(tmp)
        manifest = write_manifest(rows, t / "pairs.jsonl")
        one = write_manifest(rows[:1], t / "one.jsonl")
        start = measure(batch_cmd(one, t / "o0", None))
        cold = measure(batch_cmd(manifest, t / "o1", t / "cache", workers))
        warm = measure(batch_cmd(manifest, t / "o2", t / "cache", workers))
        runs = [("start-up (1 pair, no cache)", start, 1), (f"cold, {workers} worker(s), empty cache", cold, len(rows)),
                (f"warm cache, {workers} worker(s)", warm, len(rows))]
        if extra_workers:
            runs.append(("cold, 2 worker processes", measure(batch_cmd(manifest, t / "o3", t / "cache2", 2)),
                         len(rows)))
        summary = json.loads((t / "o1" / "summary.json").read_text()) if (t / "o1" / "summary.json").exists() else {}
        cache_mb = sum(f.stat().st_size for f in (t / "cache").glob("*")) / 2**20
    lines = [
        f"## Batch: {len(rows)} DEMETR dev pairs through `evaluator batch` (every check)",
        "",
        f"{os.cpu_count()} CPUs, load average {load:.1f} at the start (other processes share the machine). "
        f"Pairs scored ok: {summary.get('pairs', {}).get('ok', '?')}; cache after the cold run: {cache_mb:.0f} MB.",
        "",
        "| run | wall s | pairs/s (wall) | pairs/s (after start-up) | peak RSS MB | exit |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, m, n in runs:
        after = n / max(m["wall"] - start["wall"], 1e-9) if n > 1 else float("nan")
        lines.append(f"| {name} | {m['wall']:.1f} | {n / m['wall']:.1f} | {after:.1f} | {m['rss_mb']:.0f} | {m['rc']} |")
    cold_s = cold["wall"] - start["wall"]
    warm_s = warm["wall"] - start["wall"]
    lines += [
        "",
        f"Warm / cold speed-up (after start-up): **{cold_s / max(warm_s, 1e-9):.1f}x** (target >= 3x); "
        f"on whole wall time {cold['wall'] / warm['wall']:.1f}x. "
        f"Throughput target >= 40 pairs/s; peak RSS target <= 2048 MB.",
        "",
    ]
    for name, m, _ in runs:
        if m["rc"] not in (0, 1):
            lines.append(f"- {name} exited {m['rc']}: `{' '.join(m['stderr'].split())[-300:]}`")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--extra-workers", action="store_true", help="also a cold run with 2 worker processes")
    a = ap.parse_args()
    print(run(a.pairs, a.workers, a.extra_workers))
