"""The encoder's heap settings (evaluator/_memory.py): applied once per process, opt-out honoured,
and they change where memory comes from, never a number."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

_SCRIPT = r"""
import json, sys
import numpy as np
from evaluator import _memory
from evaluator.encoder import load_encoder
from evaluator.options import Options

enc = load_encoder(Options())
library_default = _memory._TUNED  # loading a model from Python leaves glibc alone
tuned = _memory.tune_allocator()  # what the command line and its workers call
texts = ["The minister did not sign the treaty on Tuesday.", "Prices rose 4.5% in 2023, the bank said.",
         " ".join(["word"] * 900)]  # a windowed text: a large batch and large buffers
encs = enc.encode(texts)
print(json.dumps({
    "library_default": library_default,
    "tuned": tuned,
    "again": _memory.tune_allocator(),
    "layer": [e.layer_embeddings.tobytes().hex()[:20000] for e in encs],
    "sent": [e.sentence_embedding.tobytes().hex() for e in encs],
}))
"""


def _run(tuning: str) -> dict:
    env = dict(os.environ, EVALUATOR_MALLOC_TUNING=tuning, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    proc = subprocess.run([sys.executable, "-c", _SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_heap_settings_apply_once_and_change_no_number() -> None:
    on, off = _run("1"), _run("0")
    assert on["library_default"] is False and off["library_default"] is False
    assert on["tuned"] is True and on["again"] is True
    assert off["tuned"] is False and off["again"] is False  # the opt-out holds for later calls too
    assert on["layer"] == off["layer"]  # bit for bit: only where the buffers live differs
    assert on["sent"] == off["sent"]



_CLI = r"""
import json, sys
from evaluator import _memory
from evaluator.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "tuned": _memory._TUNED}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
@pytest.mark.parametrize(("argv", "tuned"), [
    (["compare", "missing-a.txt", "missing-b.txt"], True),
    (["batch", "missing.jsonl", "--out", "nowhere"], True),
    (["score", "--ref", "missing-r.txt", "--hyp", "missing-h.txt"], False),  # streaming: flat memory first
])
def test_which_commands_tune_the_heap(tmp_path: Path, argv: list[str], tuned: bool) -> None:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env.pop("EVALUATOR_MALLOC_TUNING", None)
    proc = subprocess.run([sys.executable, "-c", _CLI, *argv], cwd=tmp_path, env={**env, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=300)
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["code"] == 2, proc.stderr[-500:]  # the missing input: one line, exit 2
    assert out["tuned"] is tuned
