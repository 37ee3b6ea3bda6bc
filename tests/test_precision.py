"""``--precision bf16``: the encoder's pass under bf16 autocast, named in the signature and cache keys.

fp32 stays the default and byte-identical to before (signature, cache keys); bf16 moves F1 a little
(measured in bench/bertscore_bench.py), so it must be visible wherever a score's provenance is.
"""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from evaluator.cli import build_parser, main
from evaluator.cli.common import options_from_args
from evaluator.encoder import Encoder
from evaluator.errors import ConfigError, ModelError
from evaluator.metrics import semantic as S
from tests.test_encoder import shared_encoder

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]

PAIRS = [
    ("The council approved the budget on Tuesday.", "On Tuesday the council passed the budget."),
    ("Prices rose by 3.5% in the second quarter.", "Prices fell by 3.5% in the second quarter."),
    ("The minister denied the report.", "The minister confirmed the report."),
    ("Heavy rain closed the mountain roads.", "The mountain roads were shut by heavy rain."),
    ("She said the deal was a good day for the city.", "The deal, she said, was good for the city."),
    ("Twelve schools will get new roofs next year.", "New roofs are planned for twelve schools next year."),
]
CANDS = [c for c, _ in PAIRS]
REFS = [r for _, r in PAIRS]


def _twin(base: Encoder, precision: str) -> Encoder:
    """An encoder sharing ``base``'s loaded model and tokenizer, with its own memory and precision."""
    return Encoder(base.model, base.tokenizer, name=base.name, path=base.path, layer=base.layer,
                   precision=precision)


@pytest.fixture(scope="module")
def fp32() -> Encoder:
    return _twin(shared_encoder(), "fp32")


@pytest.fixture(scope="module")
def bf16() -> Encoder:
    return _twin(shared_encoder(), "bf16")


def _f1(enc: Encoder) -> np.ndarray:
    return np.array([s.f1 for s in S.score_texts(enc, CANDS, REFS)], dtype=np.float64)


def test_bf16_scores_are_close_to_fp32_but_not_identical(fp32: Encoder, bf16: Encoder) -> None:
    f32, f16 = _f1(fp32), _f1(bf16)
    assert np.abs(f16 - f32).max() < 2e-3
    assert not np.array_equal(f16, f32)  # the autocast really ran: bf16 rounding moves some score
    # the layer-only path is what score_texts used; the full pass (with sentence embeddings) too
    e32, e16 = fp32.encode(CANDS), bf16.encode(CANDS)
    for a, b in zip(e32, e16, strict=True):
        assert b.layer_embeddings.dtype == np.float32 and b.sentence_embedding is not None
        assert b.sentence_embedding.dtype == np.float32 and a.sentence_embedding is not None
        assert abs(float(np.linalg.norm(b.sentence_embedding)) - 1.0) < 1e-5  # normalised in fp32
        assert float(a.sentence_embedding @ b.sentence_embedding) > 0.999
        assert not np.array_equal(a.layer_embeddings, b.layer_embeddings)


def test_fp32_is_the_default_and_unchanged(fp32: Encoder) -> None:
    base = shared_encoder()  # built without a precision argument
    assert base.precision == "fp32"
    assert np.array_equal(_f1(base), _f1(fp32))


def test_signatures_differ_only_by_the_dtype_field(fp32: Encoder, bf16: Encoder) -> None:
    s32 = S.signature(fp32, idf=False, rescaled=False)
    s16 = S.signature(bf16, idf=False, rescaled=False)
    assert "dtype" not in s32  # fp32 signatures stay byte-identical to those of gate baselines
    assert s16 == s32 + "|dtype:bf16"
    assert fp32.signature_fields()["dtype"] == "float32"
    assert bf16.signature_fields()["dtype"] == "bfloat16"
    assert {k: v for k, v in bf16.signature_fields().items() if k != "dtype"} == \
           {k: v for k, v in fp32.signature_fields().items() if k != "dtype"}


def test_cache_keys_differ_and_fp32_keys_are_unchanged(fp32: Encoder, bf16: Encoder) -> None:
    text = CANDS[0]
    k32, k16 = fp32.cache_key(text), bf16.cache_key(text)
    assert k16 == k32 + "|bf16"
    assert not k32.endswith("bf16") and k32.endswith("|w128")


def test_unknown_precision_is_refused_by_the_encoder() -> None:
    with pytest.raises(ModelError, match="precision 'int8'"):
        _twin(shared_encoder(), "int8")


def test_emulated_bf16_warns_once_and_still_runs(monkeypatch: pytest.MonkeyPatch,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    import torch

    base = shared_encoder()
    monkeypatch.setattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", lambda: False)
    with caplog.at_level(logging.WARNING, logger="evaluator.encoder"):
        enc = _twin(base, "bf16")
        enc.encode_layer_only(CANDS[:2])
    warned = [r.getMessage() for r in caplog.records if "emulated" in r.getMessage()]
    assert len(warned) == 1 and "\n" not in warned[0] and "slower" in warned[0]
    assert enc.stats.texts_encoded == 2
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="evaluator.encoder"):
        _twin(base, "fp32")  # fp32 never warns
        # a torch without the probe at all: treated as emulated
        monkeypatch.setattr(torch.ops, "mkldnn", object())
        _twin(base, "bf16")
    assert [r.getMessage() for r in caplog.records if "emulated" in r.getMessage()] == warned


# --- command line and config -----------------------------------------------------------------------

def _options(argv: list[str]) -> Any:
    args = build_parser().parse_args(argv)
    args.argv = argv
    return options_from_args(args)


def _cfg(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "evaluator.toml"
    p.write_text(textwrap.dedent(body), encoding="utf-8")
    return p


def test_flag_and_config_set_the_precision(tmp_path: Path) -> None:
    assert _options(["compare", "a.txt", "b.txt"]).precision == "fp32"
    for cmd in (["compare", "a.txt", "b.txt"], ["score", "--ref", "r.txt", "--hyp", "h.txt"],
                ["batch", "pairs.jsonl", "--out", "o"]):
        assert _options([*cmd, "--precision", "bf16"]).precision == "bf16", cmd
    cfg = _cfg(tmp_path, '[settings]\nprecision = "bf16"\n')
    assert _options(["compare", "a.txt", "b.txt", "--config", str(cfg)]).precision == "bf16"
    assert _options(["compare", "a.txt", "b.txt", "--config", str(cfg)]).to_dict()["precision"] == "bf16"


@pytest.mark.parametrize("value", ['"int4"', '"BF16"', "16", "true"])
def test_bad_precision_in_the_config_names_file_and_line(tmp_path: Path, value: str) -> None:
    cfg = _cfg(tmp_path, f"[settings]\nlayer = 3\nprecision = {value}\n")
    with pytest.raises(ConfigError) as e:
        _options(["compare", "a.txt", "b.txt", "--config", str(cfg)])
    assert e.value.line == 3 and 'settings.precision must be "fp32" or "bf16"' in str(e.value)


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str]:
    try:
        rc = main(argv)
    except SystemExit as exc:  # argparse's usage errors leave this way, as from the console script
        rc = exc.code if isinstance(exc.code, int) else 1
    return rc, capsys.readouterr().err


def test_bad_precision_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = tmp_path / "a.txt"
    a.write_text("One sentence.\n", encoding="utf-8")
    out = tmp_path / "out"
    rc, err = _run(capsys, ["compare", str(a), str(a), "--precision", "fp16", "--out", str(out)])
    assert rc == 2 and len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith("evaluator compare: error: ") and "--precision" in err and "'fp16'" in err
    cfg = _cfg(tmp_path, '[settings]\nprecision = "int4"\n')
    rc, err = _run(capsys, ["compare", str(a), str(a), "--config", str(cfg), "--out", str(out)])
    assert rc == 2 and len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith("evaluator: error: ") and f"{cfg}:2: settings.precision" in err and "'int4'" in err
    assert not out.exists()


def test_compare_with_bf16_end_to_end(tmp_path: Path) -> None:
    """The console command in a fresh process (so no encoder loaded by another test is reused)."""
    o, r = tmp_path / "original.txt", tmp_path / "rewritten.txt"
    o.write_text("The council met on Tuesday in Lyon.\nIt approved a budget of 4.5 million euros.\n",
                 encoding="utf-8")
    r.write_text("The council met in Lyon on Tuesday.\nIt approved a budget of 5.4 million euros.\n",
                 encoding="utf-8")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    proc = subprocess.run([sys.executable, "-m", "evaluator", "compare", str(o), str(r), "-q", "--no-html",
                           "--precision", "bf16", "--json", str(tmp_path / "report.json")],
                          env=env, cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert proc.returncode == 0, proc.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    meta = report["meta"]
    assert meta["options"]["precision"] == "bf16"
    assert meta["model"]["dtype"] == "bfloat16"
    sig = report["metrics"]["bertscore"]["signature"]
    assert sig.startswith("bertscore|") and sig.endswith("|dtype:bf16")
    assert 0.9 < report["metrics"]["bertscore"]["f1"] <= 1.0


def test_resources_in_one_process_follow_the_precision() -> None:
    """The Python API caches loaded resources per setting: a bf16 request after an fp32 one gets a
    bf16 encoder, not the fp32 one loaded first."""
    from evaluator.options import Options
    from evaluator.pipeline import load_resources

    a = load_resources(Options())
    b = load_resources(Options(precision="bf16"))
    assert a.encoder.precision == "fp32" and b.encoder.precision == "bf16"
