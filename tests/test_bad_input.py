"""Bad input, end to end through the command line.

Every unusable input ends in exit code 2 and ONE line on stderr that names the file and the problem,
before any model is loaded; input that is odd but usable (UTF-16 without a BOM, CRLF, emoji, RTL,
CJK, a sentence longer than the model) gives the correct result, with a warning where something was
guessed.  Never a traceback, never a half-written output.  (evaluator.io itself is tested in
test_io.py; the line-count mismatch of ``score`` in test_score.py.)
"""
from __future__ import annotations

import codecs
import json
import logging
import os
import re
import signal
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from evaluator.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("no_network_attempts")]

ORIGINAL = ("The council met on Tuesday in Lyon.\nIt approved a budget of 4.5 million euros for 12 schools.\n\n"
            "Mayor Anne Durand said the vote was “a good day for the city”.\n")
REWRITTEN = ("The council met on Tuesday in Lyon.\nIt approved a budget of 5.4 million euros for 12 schools.\n\n"
             "Mayor Anne Durand said the vote was “a good day for the city”.\n")


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    """``evaluator ARGV`` in this process: (exit code, stdout, stderr).  argparse's usage errors leave
    through SystemExit, as they do from the console script."""
    try:
        rc = main(argv)
    except SystemExit as exc:
        rc = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return rc, out, err


def one_error_line(err: str, *words: str) -> str:
    """The single ``evaluator: error:`` line, checked for each of ``words``."""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("evaluator: error: "), err
    for w in words:
        assert w in lines[0], (w, lines[0])
    return lines[0]


def write_test_set(tmp: Path, chrf: float) -> tuple[Path, Path, Path]:
    """A three-line reference and hypothesis, and a gate config asking for chrF >= ``chrf``."""
    ref, hyp, gate = tmp / "ref.txt", tmp / "hyp.txt", tmp / "gate.toml"
    ref.write_text("The talks began on Monday.\nThey ended on Friday.\nNobody left.\n", encoding="utf-8")
    hyp.write_text("Talks started Monday.\nThey ended Friday.\nNo one left.\n", encoding="utf-8")
    gate.write_text(f"[gate.min]\nchrf = {chrf}\n", encoding="utf-8")
    return ref, hyp, gate


def write_pair(tmp: Path, original: str = ORIGINAL, rewritten: str = REWRITTEN) -> tuple[Path, Path]:
    o, r = tmp / "original.txt", tmp / "rewritten.txt"
    o.write_text(original, encoding="utf-8")
    r.write_text(rewritten, encoding="utf-8")
    return o, r


# --- unusable documents -----------------------------------------------------------------------------

# (file name, content: bytes, None = does not exist, "DIR" = a folder; words of the message)
UNUSABLE: list[tuple[str, Any, list[str]]] = [
    ("missing.txt", None, ["file not found"]),
    ("folder.txt", "DIR", ["is a directory"]),
    ("empty.txt", b"", ["file is empty"]),
    ("blank.txt", b"  \r\n\t\n \n", ["contains only whitespace"]),
    ("bom-only.txt", codecs.BOM_UTF8 + b"\n", ["only whitespace"]),
    ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >>", ["PDF", "convert it"]),
    ("scan.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01", ["PNG"]),
    ("photo.txt", b"\xff\xd8\xff\xe0\x00\x10JFIF", ["JPEG"]),
    ("anim.txt", b"GIF89a\x01\x00\x01\x00", ["GIF"]),
    ("notes.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", ["Microsoft Office"]),
    ("article.odt", b"PK\x03\x04\x14\x00\x00\x00", ["ZIP"]),
    ("program.txt", b"\x7fELF\x02\x01\x01\x00", ["executable"]),
    ("article.txt.gz", b"\x1f\x8b\x08\x00\x00\x00", ["gzip"]),
    ("broken.txt", b"The council met \xff\xfe\xfd on Tuesday.", ["not valid UTF-8", "0xff", "offset 16"]),
    ("latin1.txt", "Le conseil s'est réuni à Lyon.".encode("latin-1"), ["not valid UTF-8", "0xe9", "re-save"]),
    ("nul.txt", b"The council met\x00 on Tuesday in Lyon.", ["NUL", "offset 15"]),
    ("controls.txt", b"\x01\x02\x03\x04\x05\x06 The council \x07\x08\x0e\x0f met.", ["control characters"]),
    ("odd16.txt", codecs.BOM_UTF16_LE + "The council".encode("utf-16-le") + b"\x00", ["UTF-16-LE",
                                                                                       "byte-order mark"]),
]


@pytest.mark.parametrize("name, content, words", UNUSABLE, ids=[u[0] for u in UNUSABLE])
@pytest.mark.parametrize("side", ["original", "rewritten"])
def test_unusable_document_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  no_models: None, name: str, content: Any, words: list[str],
                                                  side: str) -> None:
    good, _ = write_pair(tmp_path)
    bad = tmp_path / name
    if content == "DIR":
        bad.mkdir()
    elif content is not None:
        bad.write_bytes(content)
    args = [str(good), str(bad)] if side == "rewritten" else [str(bad), str(good)]
    out_dir = tmp_path / "out"
    t = time.perf_counter()
    rc, out, err = run(capsys, ["compare", *args, "--out", str(out_dir)])
    assert rc == 2 and out == ""
    one_error_line(err, f"{bad}: ", *words)
    assert time.perf_counter() - t < 5
    assert not out_dir.exists()  # nothing written, not even an empty folder


# --- odd but usable documents -----------------------------------------------------------------------

def _variants() -> dict[str, bytes]:
    crlf = ORIGINAL.replace("\n", "\r\n")
    mixed = ORIGINAL.replace("\n", "\r\n", 1).replace("\n\n", "\r\r", 1)
    return {
        "utf8-bom.txt": codecs.BOM_UTF8 + ORIGINAL.encode("utf-8"),
        "crlf.txt": crlf.encode("utf-8"),
        "mixed-newlines.txt": mixed.encode("utf-8"),
        "utf16le-bom.txt": codecs.BOM_UTF16_LE + crlf.encode("utf-16-le"),
        "utf16be-bom.txt": codecs.BOM_UTF16_BE + ORIGINAL.encode("utf-16-be"),
        "utf16le-nobom.txt": crlf.encode("utf-16-le"),
        "utf16be-nobom.txt": ORIGINAL.encode("utf-16-be"),
    }


def _comparable(report: dict[str, Any]) -> dict[str, Any]:
    """What must not depend on how the file was encoded."""
    return {"text": report["original"]["text"], "sentences": report["original"]["sentences"],
            "alignment": report["alignment"], "findings": report["findings"],
            "metrics": report["metrics"], "coverage": report["coverage"]}


def test_encodings_and_newlines_give_the_same_report(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     caplog: pytest.LogCaptureFixture, resources: Any) -> None:
    o, r = write_pair(tmp_path)
    assert run(capsys, ["compare", str(o), str(r), "--out", str(tmp_path), "--name", "ref", "--no-html",
                        "-q"])[0] == 0
    expected = json.loads((tmp_path / "ref.json").read_text(encoding="utf-8"))
    assert any(f["check"] == "numbers" for f in expected["findings"])  # 4.5 -> 5.4 million is found
    for name, raw in _variants().items():
        f = tmp_path / name
        f.write_bytes(raw)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="evaluator"):
            rc, out, err = run(capsys, ["compare", str(f), str(r), "--out", str(tmp_path), "--name", f.stem,
                                        "--no-html", "-q"])
        assert rc == 0 and err == "", (name, err)
        got = json.loads((tmp_path / f"{f.stem}.json").read_text(encoding="utf-8"))
        assert _comparable(got) == _comparable(expected), name
        warned = [rec.getMessage() for rec in caplog.records if rec.levelno >= logging.WARNING]
        if "nobom" in name:  # guessed: said so, naming the file and the encoding
            assert got["original"]["encoding"] == ("utf-16-le" if "le" in name else "utf-16-be")
            assert any(str(f) in m and "no byte-order mark" in m for m in warned), warned
        else:
            assert not warned, (name, warned)


def test_emoji_rtl_and_cjk_are_compared_with_exact_spans(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        resources: Any) -> None:
    original = ("Delegates 🇰🇷👍🏽👩‍💻 arrived in Seoul on Monday. 代表团周一抵达首尔。\n\n"
                "The sign read ‏שלום עולם‏ and مرحبا بالعالم at the gate.\n\n"
                "Profits rose 12% 📈 to 3.4 billion won, the ministry said.\n")
    rewritten = original.replace("12%", "21%")
    o, r = write_pair(tmp_path, original, rewritten)
    rc, out, err = run(capsys, ["compare", str(o), str(r), "--out", str(tmp_path), "--name", "intl", "-q"])
    assert rc == 0 and err == ""
    data = json.loads((tmp_path / "intl.json").read_text(encoding="utf-8"))
    assert data["original"]["text"] == original and data["rewritten"]["text"] == rewritten
    assert data["coverage"]["original"] == 1.0 and data["coverage"]["rewritten"] == 1.0
    numbers = [f for f in data["findings"] if f["check"] == "numbers"]
    assert numbers and all(f["severity"] in ("major", "critical") for f in numbers)
    spans = [(side, f[side]) for f in data["findings"] for side in ("original", "rewritten") if f.get(side)]
    assert any(s["text"] == "21%" or "21" in s["text"] for side, s in spans if side == "rewritten")
    for side, span in spans:  # character offsets, astral-plane emoji and RTL included
        assert data[side]["text"][span["start"]:span["end"]] == span["text"]
    assert not [f for f in data["findings"] if f["check"] != "numbers" and f["severity"] in ("major", "critical")]
    html = (tmp_path / "intl.html").read_text(encoding="utf-8")
    for piece in ("🇰🇷👍🏽👩‍💻", "代表团周一抵达首尔", "שלום עולם", "مرحبا بالعالم"):
        assert piece in html


def test_file_names_that_are_not_utf8_reach_every_output(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        resources: Any) -> None:
    """A file name byte that is not UTF-8 (Python hands it over as a lone surrogate, which no UTF-8
    output can hold) shows as U+FFFD in every report, export and batch id; it never ends the run."""
    import os

    raw = os.fsencode(tmp_path) + b"/caf\xe9"  # Latin-1 "café"
    Path(os.fsdecode(raw + b".original.txt")).write_text(ORIGINAL, encoding="utf-8")
    Path(os.fsdecode(raw + b".rewritten.txt")).write_text(REWRITTEN, encoding="utf-8")
    o, r = os.fsdecode(raw + b".original.txt"), os.fsdecode(raw + b".rewritten.txt")
    out = tmp_path / "out"
    rc, _, err = run(capsys, ["compare", o, r, "--out", str(out), "--name", "n", "-q", "--csv", str(out / "csv"),
                              "--xlsx", str(out / "n.xlsx")])
    assert rc == 0, err
    data = json.loads((out / "n.json").read_text(encoding="utf-8"))
    assert data["original"]["path"].endswith("caf\ufffd.original.txt") and "caf\ufffd" in data["meta"]["command"]
    assert "caf\ufffd" in (out / "csv" / "documents.csv").read_text(encoding="utf-8")
    rc, _, err = run(capsys, ["score", "--ref", o, "--hyp", r, "--json", str(out / "s.json"), "-q"])
    assert rc in (0, 1), err
    assert "caf\ufffd.rewritten" in json.loads((out / "s.json").read_text(encoding="utf-8"))["meta"]["inputs"]["systems"]
    pairs = tmp_path / "pairs"
    pairs.mkdir()
    for side in ("original", "rewritten"):
        Path(os.fsdecode(os.fsencode(pairs) + b"/caf\xe9." + side.encode() + b".txt")).write_text(
            ORIGINAL if side == "original" else REWRITTEN, encoding="utf-8")
    rc, _, err = run(capsys, ["batch", str(pairs), "--out", str(tmp_path / "b"), "-q"])
    assert rc == 0, err
    (rec,) = [json.loads(line) for line in (tmp_path / "b" / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rec["id"] == "caf\ufffd" and rec["status"] == "ok"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_console_run_whose_output_cannot_be_written_does_not_exit_0(tmp_path: Path) -> None:
    """The console run ends without interpreter teardown (evaluator/cli/__init__.py: _fast_exit);
    a final flush that fails (stdout on a full disk) must still turn success into exit 2, while a run
    whose stdout can be written exits 0 with its report whole."""
    import os
    import subprocess
    import sys

    o, r = write_pair(tmp_path)
    cmd = [sys.executable, "-m", "evaluator", "compare", str(o), str(r), "--out", str(tmp_path / "out"),
           "--name", "r"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    with open("/dev/full", "w") as full:
        proc = subprocess.run(cmd, stdout=full, stderr=subprocess.PIPE, text=True, env=env, timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    ok = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert ok.returncode == 0, ok.stderr
    assert "wrote" in ok.stdout
    assert json.loads((tmp_path / "out" / "r.json").read_text(encoding="utf-8"))["findings"]


# --- longer than the model --------------------------------------------------------------------------

def _words(n: int, seed: int) -> list[str]:
    vocab = ("the council met on tuesday and approved a budget for schools roads parks while members argued "
             "about taxes housing trains bridges").split()
    rng = np.random.default_rng(seed)
    return [vocab[i] for i in rng.integers(0, len(vocab), n)]


def test_overlong_line_is_windowed_through_score(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 caplog: pytest.LogCaptureFixture, resources: Any) -> None:
    """A 1,200-word line (about 1,200 tokens, over twice the model's 512) is one unit in ``score``:
    a change in its last words, far past what bert_score would keep, shows in BERTScore and in the
    unmatched-token evidence."""
    words = _words(1200, 1)
    ref = " ".join(words) + " in 1999."
    hyp = " ".join(words) + " in 2003."
    (tmp_path / "ref.txt").write_text(f"{ref}\nThe council met.\n", encoding="utf-8")
    (tmp_path / "hyp.txt").write_text(f"{hyp}\nThe council met.\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="evaluator"):
        rc, out, err = run(capsys, ["score", "--ref", str(tmp_path / "ref.txt"), "--hyp",
                                    f"sys={tmp_path / 'hyp.txt'}", "--json", "-"])
    assert rc == 0 and "Traceback" not in err
    data = json.loads(out)
    warned = " ".join(r.getMessage() for r in caplog.records)
    assert "overlapping windows, not truncated" in warned
    seg = data["segments"][0]["systems"]["sys"]
    assert seg["bertscore_f1"] < 1.0  # the end of the line was read
    assert data["segments"][1]["systems"]["sys"]["bertscore_f1"] == pytest.approx(1.0, abs=1e-6)
    changed = [f for f in seg["findings"] if f["check"] == "numbers"]
    assert changed and any("2003" in (f.get("rewritten") or {}).get("text", "") for f in changed)


def reset_peak_memory() -> float | None:
    """Reset the process's peak resident set size (Linux); the current RSS in MB, None if unsupported."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    m = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(m.group(1)) / 1024 if m else None


def peak_memory() -> float:
    """The peak resident set size in MB since the last ``reset_peak_memory``."""
    m = re.search(r"VmHWM:\s+(\d+) kB", Path("/proc/self/status").read_text())
    assert m
    return int(m.group(1)) / 1024


def test_twenty_thousand_word_sentence_covers_every_token_in_bounded_memory(resources: Any) -> None:
    """The real thing: one 20,000-word "sentence" through the encoder and BERTScore.

    Every token gets an embedding, each from the window in which it sits most centrally (checked
    against the model run on that window alone); BERTScore of the sentence with itself is 1 with
    no token unmatched, and the similarity matrix is never built whole (20,000 x 20,000 float32 is
    1.6 GB): the process's peak memory grows by less than 600 MB.  (A change past the first 512
    tokens lowering the score: test_overlong_line_is_windowed_through_score.)
    """
    import torch

    from evaluator.encoder import WINDOW_OVERLAP, Encoder
    from evaluator.metrics import semantic as S

    enc = resources.encoder
    words = _words(20000, 2)
    text = " ".join(words) + "."
    fresh = Encoder(enc.model, enc.tokenizer, name=enc.name, path=enc.path, layer=enc.layer)
    (e,) = fresh.encode_layer_only([text])
    ids = enc.tokenizer(text, add_special_tokens=True, truncation=False, verbose=False)["input_ids"]
    assert e.input_ids.tolist() == ids and len(ids) > 20000  # nothing cut off
    assert e.layer_embeddings.shape == (len(ids), enc.hidden_size)
    assert np.isfinite(e.layer_embeddings).all() and (np.abs(e.layer_embeddings).sum(axis=1) > 0).all()

    # Independent recomputation of the windowing rule for a few tokens: windows of 510 content tokens
    # sharing WINDOW_OVERLAP (at most a quarter of a window) with the next; a token comes from the
    # window where it is furthest from an edge, the earlier one on a tie.
    width, body = enc.max_length - 2, len(ids) - 2
    stride = width - min(WINDOW_OVERLAP, width // 4)
    starts = list(range(0, max(body - width, 0) + stride, stride))
    starts = [s for s in starts if s < body]
    assert starts[-1] + width >= body
    model = enc.model
    for t in (0, stride + 5, width - 1, 3 * stride + 64, body // 2, body - 3, body - 1):
        best = max(starts, key=lambda s: (min(t - s, s + width - 1 - t) if s <= t < s + width else -1, -s))
        window = [ids[0], *ids[1:-1][best:best + width], ids[-1]]
        with torch.inference_mode():
            out = model(input_ids=torch.tensor([window]), attention_mask=torch.ones(1, len(window), dtype=torch.long),
                        output_hidden_states=True)
        want = out.hidden_states[enc.layer][0, 1 + t - best].numpy()
        assert np.abs(e.layer_embeddings[1 + t] - want).max() < 1e-4, t

    base = reset_peak_memory()
    (same,) = S.score_pairs(enc, [e], [e])
    peak = peak_memory() if base is not None else None
    assert same.precision == pytest.approx(1.0, abs=1e-5) and same.f1 == pytest.approx(1.0, abs=1e-5)
    assert same.cand_unmatched == [] and same.ref_unmatched == []
    if peak is not None and base is not None:
        assert peak - base < 600, f"BERTScore of a 20,000-token pair took {peak - base:.0f} MB"


def test_windowing_leaves_bert_score_unchanged_under_the_limit_and_reads_past_it(
        resources: Any, caplog: pytest.LogCaptureFixture) -> None:
    """Under 512 tokens our BERTScore is bert_score's; over it bert_score truncates (a change after
    token 510 is invisible to it) while ours reads every token."""
    import bert_score

    from evaluator.metrics import semantic as S

    enc = resources.encoder
    under = " ".join(_words(470, 4)) + " in 1999."
    under_changed = under.replace(" in 1999.", " in 2003.")
    over = " ".join(_words(900, 5)) + " in 1999."
    over_changed = over.replace(" in 1999.", " in 2003.")
    lengths = [len(ids) for ids, _ in enc.tokenize([under, over])]
    assert lengths[0] <= enc.max_length < lengths[1]
    cands, refs = [under_changed, over_changed, over], [under, over, over]
    P, R, F = bert_score.score(cands, refs, model_type=enc.path, num_layers=enc.layer, lang="en", device="cpu")
    ours = S.score_texts(enc, cands, refs)
    assert ours[0].f1 == pytest.approx(float(F[0]), abs=1e-5) and ours[0].precision == pytest.approx(float(P[0]),
                                                                                                      abs=1e-5)
    assert ours[0].f1 < 1.0
    assert float(F[1]) == pytest.approx(float(F[2]), abs=1e-6)  # bert_score cannot see the change at the end
    assert ours[1].f1 < ours[2].f1 == pytest.approx(1.0, abs=1e-5)  # ours does
    from evaluator.encoder import Encoder

    fresh = Encoder(enc.model, enc.tokenizer, name=enc.name, path=enc.path, layer=enc.layer)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="evaluator.encoder"):
        e, _ = fresh.encode_layer_only([over_changed, over])
    assert e.layer_embeddings.shape[0] == len(e.input_ids) == lengths[1]
    warned = [r.getMessage() for r in caplog.records if "overlapping windows" in r.getMessage()]
    assert len(warned) == 1 and warned[0].startswith("2 texts")  # once per call, not once per text


# --- size limits ------------------------------------------------------------------------------------

def test_fifty_megabyte_file_is_refused_before_it_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          no_models: None) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        for _ in range(50):
            fh.write(b"The council met on Tuesday and approved the budget. " * 20164)  # ~1 MB
    size_mb = big.stat().st_size / 2**20
    assert 49.9 < size_mb < 50.1
    good, _ = write_pair(tmp_path)
    argv = ["compare", str(good), str(big), "--out", str(tmp_path / "o")]
    run(capsys, argv)  # the first run imports what the command needs; the second is measured
    tracemalloc.start()
    try:
        rc, out, err = run(capsys, argv)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert rc == 2
    one_error_line(err, f"{big}: 50 MB exceeds the limit of 20 MB; raise it with --max-input-mb")
    assert peak < 2**20, f"{peak / 2**20:.1f} MB allocated: the file was read"
    # The limit is configurable on the command line and in [settings]; either way it is checked first.
    rc, _, err = run(capsys, ["compare", str(good), str(big), "--max-input-mb", "49"])
    assert rc == 2
    one_error_line(err, "exceeds the limit of 49 MB")
    cfg = tmp_path / "evaluator.toml"
    cfg.write_text("[settings]\nmax_input_mb = 10.5\n", encoding="utf-8")
    rc, _, err = run(capsys, ["compare", str(good), str(big), "--config", str(cfg)])
    assert rc == 2
    one_error_line(err, "exceeds the limit of 10.5 MB")
    rc, _, err = run(capsys, ["score", "--ref", str(big), "--hyp", str(big), "--max-input-mb", "1"])
    assert rc == 2
    one_error_line(err, f"{big}: 50 MB exceeds the limit of 1 MB")
    for bad in ("0", "-3"):
        rc, _, err = run(capsys, ["compare", str(good), str(good), "--max-input-mb", bad])
        assert rc == 2
        one_error_line(err, "--max-input-mb", "must be a positive number")
    cfg.write_text("[settings]\nmax_input_mb = -1\n", encoding="utf-8")
    rc, _, err = run(capsys, ["compare", str(good), str(good), "--config", str(cfg)])
    assert rc == 2
    one_error_line(err, f"{cfg}:2: settings.max_input_mb must be a positive number")


def test_reading_below_the_limit_is_linear_in_memory(tmp_path: Path) -> None:
    from evaluator.io import read_document

    big = tmp_path / "big.txt"
    big.write_bytes(b"The council met on Tuesday and approved the budget.\r\n" * 40_000)  # 2 MB
    size = big.stat().st_size
    tracemalloc.start()
    try:
        loaded = read_document(big, max_bytes=size + 1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(loaded.text) == size - 40_000  # CRLF -> LF
    assert peak < 4 * size, f"{peak / size:.1f} x the file size"  # bytes, text, one normalised copy


def test_inline_manifest_text_over_the_limit_is_that_pairs_error(tmp_path: Path, resources: Any) -> None:
    from evaluator.batch import run_batch

    manifest = tmp_path / "pairs.jsonl"
    big = "The council met on Tuesday. " * 80_000  # 2.2 MB
    rows = [{"id": "small", "original": "The council met.", "rewritten": "The council met."},
            {"id": "big", "original": big, "rewritten": "The council met."}]
    manifest.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    res = run_batch(manifest, tmp_path / "out", resources.options.with_(max_input_bytes=2**20))
    assert (res.ok, res.failed) == (1, 1)
    recs = {json.loads(line)["id"]: json.loads(line)
            for line in (tmp_path / "out" / "results.jsonl").read_text(encoding="utf-8").splitlines()}
    assert recs["big"]["status"] == "error"
    assert "big:original: 2.1 MB exceeds the limit of 1 MB" in recs["big"]["error"]


# --- malformed files and options --------------------------------------------------------------------

def _malformed(tmp: Path) -> list[tuple[str, list[str], list[str]]]:
    """(case, argv after "compare ORIG REW" or a whole argv, words of the one line)."""
    (tmp / "bad.toml").write_text("[settings]\nmodel = \n", encoding="utf-8")
    (tmp / "unknown.toml").write_text("[settings]\nlayers = 3\n", encoding="utf-8")
    (tmp / "gate.toml").write_text("[gate.min]\nchrf = 'high'\n", encoding="utf-8")
    (tmp / "glossary.csv").write_text("term,translation\nBiden,Biden\n", encoding="utf-8")
    (tmp / "glossary.toml").write_text("[[term]]\nsource_term = 3\n", encoding="utf-8")
    (tmp / "glossary.tbx").write_text("<martif><text><body><termEntry>", encoding="utf-8")
    (tmp / "people.toml").write_text("[[people]]\nname = \n", encoding="utf-8")
    (tmp / "waivers.toml").write_text("[[waiver]\n", encoding="utf-8")
    (tmp / "baseline.tsv").write_text("LAYER,P,R,F\n3,x,y,z\n", encoding="utf-8")
    (tmp / "pairs.jsonl").write_text('{"id": "a", "original": "x", "rewritten": "y"}\n{"id": "b", "original"\n',
                                     encoding="utf-8")
    (tmp / "pairs.csv").write_text("id,original\na,x\n", encoding="utf-8")
    (tmp / "notamodel").mkdir(exist_ok=True)
    (tmp / "outfile").write_text("a file where a folder should be", encoding="utf-8")
    t = str(tmp)
    return [
        ("config syntax", ["--config", f"{t}/bad.toml"], [f"{t}/bad.toml:2: invalid TOML"]),
        ("config key", ["--config", f"{t}/unknown.toml"], [f"{t}/unknown.toml:2: unknown setting 'layers'"]),
        ("config missing", ["--config", f"{t}/nope.toml"], [f"{t}/nope.toml: config not found"]),
        ("gate", ["--gate", f"{t}/gate.toml"], [f"{t}/gate.toml"]),
        ("glossary csv", ["--glossary", f"{t}/glossary.csv"], [f"{t}/glossary.csv:1:"]),
        ("glossary toml", ["--glossary", f"{t}/glossary.toml"], [f"{t}/glossary.toml"]),
        ("glossary tbx", ["--glossary", f"{t}/glossary.tbx"], [f"{t}/glossary.tbx"]),
        ("glossary missing", ["--glossary", f"{t}/none.csv"], [f"{t}/none.csv"]),
        ("reference set", ["--reference-set", f"{t}/people.toml"], [f"{t}/people.toml"]),
        ("waivers", ["--gate", str(Path(__file__).parents[1] / "reference_sets" / "evaluator.toml"),
                     "--waivers", f"{t}/waivers.toml"], [f"{t}/waivers.toml"]),
        ("unknown check", ["--checks", "titles,nonsense"], ["--checks", "nonsense"]),
        ("device", ["--device", "tpu"], ["--device tpu", "cpu, cuda or cuda:N"]),
        ("batch tokens", ["--batch-tokens", "0"], ["--batch-tokens 0"]),
        ("batch tokens negative", ["--batch-tokens", "-5"], ["--batch-tokens -5"]),
        ("name with folders", ["--name", "../escaped", "--out", f"{t}/o1"], ["--name", "without folders"]),
        ("junit without gate", ["--junit", f"{t}/o2/j.xml", "--markdown", f"{t}/o2/m.md"],
         ["--junit and --markdown need --gate CONFIG"]),
        ("junit alone without gate", ["--junit", f"{t}/o2/j.xml"],
         ["--junit needs --gate CONFIG (the JUnit file reports the gate's thresholds)"]),
        ("html under a file", ["--out", f"{t}/o3", "--html", f"{t}/outfile/x.html"], ["--html", f"{t}/outfile is not a folder"]),
        ("json is a folder", ["--out", f"{t}/o4", "--json", f"{t}/notamodel"], ["--json", "is a folder"]),
        ("out is a file", ["--out", f"{t}/outfile"], ["--out", "not a folder"]),
        ("layer", ["--layer", "0"], ["--layer 0"]),
        ("language", ["--lang", "fr"], ["--lang fr"]),
        ("manifest json", ["batch", f"{t}/pairs.jsonl", "--out", f"{t}/b1"], [f"{t}/pairs.jsonl:2: not valid JSON"]),
        ("manifest csv", ["batch", f"{t}/pairs.csv", "--out", f"{t}/b2"], [f"{t}/pairs.csv:2: missing 'rewritten'"]),
        ("manifest missing", ["batch", f"{t}/none.jsonl", "--out", f"{t}/b3"], [f"{t}/none.jsonl: manifest not found"]),
        ("one pair given to batch", ["batch", f"{t}/onepair", "--out", f"{t}/b5"],
         [f"{t}/onepair: this folder is one pair (original.txt/rewritten.txt)", "use `evaluator compare`"]),
        ("timeout", ["batch", f"{t}/pairs.jsonl", "--out", f"{t}/b4", "--timeout-per-pair", "0"],
         ["--timeout-per-pair"]),
        ("workers", ["batch", f"{t}/pairs.jsonl", "--out", f"{t}/b4", "--workers", "0"], ["--workers"]),
        ("chunk size", ["batch", f"{t}/pairs.jsonl", "--out", f"{t}/b4", "--chunk-size", "0"], ["--chunk-size"]),
        ("gate report", ["gate", f"{t}/gate.toml", f"{t}/nope.json"], [f"{t}/gate.toml"]),
        ("usage", ["compare", "only-one-argument"], ["the following arguments are required"]),
        ("unknown option", ["--no-such-option"], ["evaluator compare: error: unrecognized arguments"]),
        ("misspelt option", ["--outt", f"{t}/o5"], ["evaluator compare: error: unrecognized arguments: --outt",
                                                   "(did you mean --out?)"]),
        ("misspelt batch option", ["batch", f"{t}/pairs.jsonl", "--out", f"{t}/b4", "--chunksize", "3"],
         ["evaluator batch: error:", "(did you mean --chunk-size?)"]),
        ("a folder for score", ["score", "--ref", f"{t}/original.txt", "--hyp", f"{t}/original.txt", "--out", f"{t}/o6"],
         ["evaluator score: error:", "writes files, not a folder: use --json FILE or --html FILE"]),
        ("html to stdout", ["--html", "-"], ["--html -: only --json can write to stdout"]),
    ]


def test_malformed_files_and_options_are_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             no_models: None) -> None:
    o, r = write_pair(tmp_path)
    (tmp_path / "onepair").mkdir()
    write_pair(tmp_path / "onepair")  # what `compare` takes, given to `batch`
    for case, argv, words in _malformed(tmp_path):
        full = argv if argv[0] in ("batch", "gate", "compare", "score") else ["compare", str(o), str(r), *argv]
        t = time.perf_counter()
        rc, out, err = run(capsys, full)
        assert rc == 2, (case, err)
        assert "Traceback" not in err and len(err.splitlines()) == 1, (case, err)
        assert err.startswith("evaluator"), (case, err)
        for w in words:
            assert w in err, (case, w, err)
        assert time.perf_counter() - t < 5, case
    assert not any((tmp_path / d).exists() for d in ("b1", "b2", "b3", "b4", "b5", "o1", "o2", "o3", "o4", "o5",
                                                     "escaped.json"))


def test_model_and_output_problems_are_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           resources: Any) -> None:
    o, r = write_pair(tmp_path)
    (tmp_path / "notamodel").mkdir()
    (tmp_path / "outfile").write_text("a file where a folder should be", encoding="utf-8")
    cases = [
        (["--model", "no-such-org/no-such-model"], ["model 'no-such-org/no-such-model' not found locally"]),
        (["--model", str(tmp_path / "notamodel")], ["no config.json"]),
        (["--model", "default", "--layer", "99"], ["layer 99 out of range"]),
        (["--out", str(tmp_path / "outfile" / "reports")], [str(tmp_path / "outfile")]),
        (["--baseline", str(tmp_path / "none.tsv")], [str(tmp_path / "none.tsv")]),
        (["--baseline", str(tmp_path / "binary.tsv")], [str(tmp_path / "binary.tsv"), "not UTF-8"]),
    ]
    (tmp_path / "binary.tsv").write_bytes(bytes(range(256)) * 8)
    for argv, words in cases:
        rc, out, err = run(capsys, ["compare", str(o), str(r), "-q", *argv])
        assert rc == 2, (argv, err)
        one_error_line(err, *words)
    # an output that cannot be written: exit 2 naming it, whatever the reason
    import evaluator.render.json as render_json

    for errno, problem in ((13, "Permission denied"), (28, "No space left on device")):
        def refuse(path: Any, data: Any, errno: int = errno, problem: str = problem) -> None:
            raise OSError(errno, problem, str(path))

        with pytest.MonkeyPatch.context() as m:
            m.setattr(render_json, "atomic_write_json", refuse)
            rc, out, err = run(capsys, ["compare", str(o), str(r), "-q", "--out", str(tmp_path / "out")])
        assert rc == 2
        one_error_line(err, f"{tmp_path / 'out'}", problem)


def test_an_output_on_an_input_or_on_another_output_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                               ) -> None:
    """One path for two outputs kept only the last written (--json/--junit/--markdown on one file:
    JUnit and Markdown silently lost); an output on an input replaced it (--json ref.txt). Both are
    refused before any work, and nothing is written."""
    o, r = write_pair(tmp_path)
    ref, hyp, gate = write_test_set(tmp_path, chrf=1)
    same = tmp_path / "same.out"
    before = {f.name: f.read_bytes() for f in tmp_path.iterdir() if f.is_file()}
    cases = [
        (["score", "--ref", str(ref), "--hyp", str(hyp), "--json", str(ref)], [str(ref), "the input"]),
        (["score", "--ref", str(ref), "--hyp", f"mt={hyp}", "--no-bertscore", "--json", str(hyp)], ["the input"]),
        (["score", "--ref", str(ref), "--hyp", str(hyp), "--gate", str(gate), "--json", str(same),
          "--junit", str(same), "--markdown", str(same)], ["--junit", "the same file as --json"]),
        (["score", "--ref", str(ref), "--hyp", str(hyp), "--gate", str(gate), "--json", str(gate)], ["the input"]),
        (["compare", str(o), str(r), "--html", str(tmp_path / "." / "original.txt")], ["--html", "the input"]),
        (["compare", str(o), str(r), "--json", str(same), "--html", str(same)], ["--html", "the same file as --json"]),
    ]
    for argv, words in cases:
        rc, _, err = run(capsys, [*argv, "-q"])
        assert rc == 2, (argv, err)
        one_error_line(err, *words)
    assert {f.name: f.read_bytes() for f in tmp_path.iterdir() if f.is_file()} == before  # nothing written


def test_a_jsonl_line_without_the_column_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A typo in one line's key ("hpy") was an empty hypothesis, scored without a word."""
    data = tmp_path / "d.jsonl"
    rows = [{"ref": "The talks began.", "hyp": "Talks began."}, {"ref": "They ended.", "hpy": "They ended."},
            {"ref": "Nothing more.", "hyp": None}]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    rc, _, err = run(capsys, ["score", "--ref", f"{data}:ref", "--hyp", f"{data}:hyp", "--no-bertscore", "-q",
                              "--json", str(tmp_path / "o.json")])
    assert rc == 2
    one_error_line(err, str(data), "line 2", "'hyp'")
    assert not (tmp_path / "o.json").exists()


# --- exit codes 3 and 130, atomic outputs -----------------------------------------------------------

def test_interrupt_and_internal_error_leave_earlier_outputs_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  resources: Any) -> None:
    import evaluator.render.html as html

    o, r = write_pair(tmp_path)
    out = tmp_path / "out"
    assert run(capsys, ["compare", str(o), str(r), "--out", str(out), "--name", "x", "-q"])[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert set(before) == {"x.json", "x.html"}
    real = html.render_html

    for exc, code, line in ((KeyboardInterrupt(), 130, "evaluator: interrupted"),
                            (RuntimeError("boom\nsecond line"), 3, "evaluator: internal error: RuntimeError: "
                                                                   "boom second line (rerun with --debug")):
        def render_and_fail(*args: Any, exc: BaseException = exc, **kwargs: Any) -> str:
            real(*args, **kwargs)  # the whole page is built, then the run dies before it is written
            raise exc

        monkeypatch.setattr(html, "render_html", render_and_fail)
        o.write_text(ORIGINAL.replace("Lyon", "Paris"), encoding="utf-8")
        rc, _, err = run(capsys, ["compare", str(o), str(r), "--out", str(out), "--name", "x", "-q"])
        assert rc == code
        assert err.splitlines() == [err.strip()] and err.startswith(line) and "Traceback" not in err
        # The HTML of the earlier run is whole; the JSON was replaced whole (it is written first).
        assert (out / "x.html").read_bytes() == before["x.html"]
        assert json.loads((out / "x.json").read_text(encoding="utf-8"))["original"]["text"].count("Paris") == 1
        assert sorted(p.name for p in out.iterdir()) == ["x.html", "x.json"]  # no temporary files left
    # --debug: the traceback, for a bug report, and still exit 3 (a re-raise would exit 1: "gate failed")
    rc, _, err = run(capsys, ["--debug", "compare", str(o), str(r), "--out", str(out), "--name", "x", "-q"])
    assert rc == 3 and "Traceback" in err and "RuntimeError: boom" in err


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or os.name != "posix", reason="POSIX signals")
def test_sigterm_mid_write_leaves_no_temporary_file_and_exits_143(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 resources: Any) -> None:
    """SIGTERM while an output is being written (here: the moment its temporary file is synced) ends the
    run in one line and exit 143; the temporary file is removed and the earlier output stays whole."""
    import evaluator._atomic as atomic

    o, r = write_pair(tmp_path)
    out = tmp_path / "out"
    assert run(capsys, ["compare", str(o), str(r), "--out", str(out), "--name", "x", "-q", "--no-html"])[0] == 0
    before = (out / "x.json").read_bytes()
    handler = signal.getsignal(signal.SIGTERM)
    real_fsync = os.fsync

    def fsync_then_sigterm(fd: int) -> None:
        real_fsync(fd)
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(atomic.os, "fsync", fsync_then_sigterm)
    o.write_text(ORIGINAL.replace("Lyon", "Paris"), encoding="utf-8")
    rc, _, err = run(capsys, ["compare", str(o), str(r), "--out", str(out), "--name", "x", "-q", "--no-html"])
    assert rc == 143 and err == "evaluator: terminated\n"
    assert sorted(p.name for p in out.iterdir()) == ["x.json"] and (out / "x.json").read_bytes() == before
    assert signal.getsignal(signal.SIGTERM) == handler  # the command's handler is gone again


def test_write_failure_keeps_the_old_file_for_every_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          resources: Any) -> None:
    import os

    import evaluator
    from evaluator import _atomic
    from evaluator.batch import ResultsFile, summarise
    from evaluator.render.batch_index import write_index
    from evaluator.render.html import write_html
    from evaluator.render.json import write_json
    from evaluator.render.junit import write_junit
    from evaluator.render.markdown import write_markdown
    from evaluator.waivers import write_waivers

    report = evaluator.compare(ORIGINAL, REWRITTEN, resources=resources).to_dict()
    report["gate"] = {"status": "pass", "results": [], "counts": {"pass": 0, "warn": 0, "fail": 0, "error": 0}}
    summary, rows = summarise(ResultsFile(tmp_path / "none.jsonl"), [])
    writers = {
        "r.json": lambda p: write_json(report, p),
        "r.html": lambda p: write_html(report, p, charts=False),
        "r.xml": lambda p: write_junit(report, p),
        "r.md": lambda p: write_markdown(report, p),
        "index.html": lambda p: write_index(p, summary, rows),
        "waivers.toml": lambda p: write_waivers(p, []),
    }

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    for name, write in writers.items():
        target = tmp_path / name
        target.write_bytes(b"old")
        with monkeypatch.context() as m:
            m.setattr(_atomic.os, "fsync", full_disk)
            with pytest.raises(OSError, match="No space left"):
                write(target)
        assert target.read_bytes() == b"old", name
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            n for n in writers if (tmp_path / n).exists()), name
        write(target)
        assert target.read_bytes() != b"old" and os.path.getsize(target) > 0


def test_every_output_goes_through_the_atomic_writer() -> None:
    """No module writes a report file directly; only the append-only results.jsonl (resumable by
    design: a torn last line is cut off on the next run) opens a file for writing."""
    root = Path(__file__).resolve().parents[1] / "evaluator"
    direct = re.compile(r"""\.write_(text|bytes)\(|open\([^)]*["'](w|a|x)b?\+?["']|\.screenshot\([^)]*path=""")
    allowed = {("batch.py", "append"), ("batch.py", "_drop")}
    offenders = []
    for path in sorted(root.rglob("*.py")):
        if path.name == "_atomic.py":
            continue
        func = ""
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = re.match(r"\s*def (\w+)", line)
            if m:
                func = m.group(1)
            if direct.search(line) and (path.name, func) not in allowed:
                offenders.append(f"{path.relative_to(root)}:{n} ({func}): {line.strip()}")
    assert not offenders, "\n".join(offenders)


# --- per-pair timeout -------------------------------------------------------------------------------

def test_timeout_per_pair_stops_the_slow_pair_and_scores_the_rest(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                  resources: Any) -> None:
    """A pair that would take a minute (a 20,000-word article) gets a PairTimeout record after its few
    seconds, in the batched pre-pass as much as in its own scoring; the pairs around it are scored."""
    slow = " ".join(_words(20000, 3)) + "."
    rows = [
        {"id": "a", "original": "The council met on Tuesday.", "rewritten": "The council met on Wednesday."},
        {"id": "slow", "original": slow, "rewritten": slow.replace("schools", "hospitals", 3)},
        {"id": "b", "original": "Sales rose 4% in May.", "rewritten": "Sales rose 5% in May."},
        {"id": "c", "original": "The minister resigned.", "rewritten": "The minister did not resign."},
    ]
    manifest = tmp_path / "pairs.jsonl"
    manifest.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    t = time.perf_counter()
    rc, out, err = run(capsys, ["batch", str(manifest), "--out", str(tmp_path / "out"), "--timeout-per-pair", "2",
                                "--chunk-size", "2", "-q"])
    elapsed = time.perf_counter() - t
    assert rc == 1, err  # some pairs failed
    recs = {json.loads(line)["id"]: json.loads(line)
            for line in (tmp_path / "out" / "results.jsonl").read_text(encoding="utf-8").splitlines()}
    assert {k: v["status"] for k, v in recs.items()} == {"a": "ok", "slow": "error", "b": "ok", "c": "ok"}
    assert recs["slow"]["error"].startswith("PairTimeout: timed out after 2 s")
    assert any(f["check"] == "numbers" for f in recs["b"]["report"]["findings"])
    # chunk [a, slow]: pre-pass cut at 2 x 2 s, then "slow" alone cut at 2 s; chunk [b, c] is quick.
    # Untimed, "slow" alone spends over 20 s in the pre-pass (parse and encode 20,000 words).
    assert elapsed < 15, f"{elapsed:.0f} s: the timeout did not stop the slow pair"


def test_prepass_is_timed_only_where_the_alarm_can_stop_it(resources: Any, monkeypatch: pytest.MonkeyPatch,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    """In a main thread (local engine, its workers, Ray actors: tests/test_ray_engine.py) an
    overrunning pre-pass is cut after the chunk's budget and the pairs are scored one by one; off the
    main thread it is not timed, so no abandoned thread keeps using the models beside the pairs."""
    import threading

    from evaluator.batch import ChunkScorer, PairInput
    from evaluator.io import read_text

    scorer = ChunkScorer(resources.options, resources, timeout=1.5)
    items = [PairInput("p", read_text("The council met on Tuesday."), read_text("The council met on Monday."))]
    # Warm up once (lazy lexicons, first encoder call) so the timed runs measure only the pre-pass cut.
    assert scorer.score_inputs(items)[0].status == "ok"
    monkeypatch.setattr(scorer, "_prepare", lambda items: time.sleep(4.0))
    with caplog.at_level(logging.WARNING, logger="evaluator.batch"):
        t = time.perf_counter()
        (res,) = scorer.score_inputs(items)
        elapsed = time.perf_counter() - t
    assert res.status == "ok" and elapsed < 3.5
    assert any("pre-pass failed" in r.getMessage() for r in caplog.records)

    box: dict[str, Any] = {}

    def in_thread() -> None:
        t0 = time.perf_counter()
        box["res"] = scorer.score_inputs(items)
        box["elapsed"] = time.perf_counter() - t0

    th = threading.Thread(target=in_thread)
    th.start()
    th.join(30)
    assert box["res"][0].status == "ok" and box["elapsed"] >= 4.0


def test_an_alarm_swallowed_in_a_gc_callback_still_stops_the_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    """The signal handler's exception goes to whatever Python code runs when SIGALRM is seen; in a
    ``gc.callbacks`` hook (hypothesis leaves one installed after any ``@given`` test, e.g. in
    test_exports.py) it is printed as "ignored" and lost.  The alarm repeats, so the pair still stops."""
    import gc

    from evaluator.batch import PairTimeout, _Alarm, call_with_timeout

    lost: list[BaseException | None] = []
    monkeypatch.setattr("sys.unraisablehook", lambda u: lost.append(u.exc_value))
    state = {"spun": False}

    def hook(phase: str, info: dict[str, int]) -> None:  # the alarm (0.3 s) lands in here, once
        if phase == "start" and not state["spun"]:
            state["spun"] = True
            t = time.perf_counter()
            while time.perf_counter() - t < 0.6:
                pass

    def pair() -> str:
        time.sleep(0.1)
        gc.collect()  # 0.1 s to 0.7 s in the hook
        t = time.perf_counter()
        while time.perf_counter() - t < 4.0:  # the slow pair, in Python: any alarm seen here stops it
            pass
        return "finished"

    gc.callbacks.append(hook)
    try:
        t = time.perf_counter()
        with pytest.raises(PairTimeout, match="timed out after 0.3 s"):
            call_with_timeout(pair, 0.3)
        elapsed = time.perf_counter() - t
    finally:
        gc.callbacks.remove(hook)
    assert any(isinstance(e, _Alarm) for e in lost)  # the first alarm was lost in the hook
    assert elapsed < 2.0, f"{elapsed:.1f} s"


def test_an_alarm_is_not_taken_for_an_ordinary_error_inside_the_pair() -> None:
    """Code in the pair that catches ``Exception`` (a check recording its own error, a library's
    fallback) does not catch the timeout: the pair stops at once and the caller gets PairTimeout."""
    from evaluator.batch import PairTimeout, call_with_timeout

    caught: list[BaseException] = []

    def pair() -> str:
        try:
            t = time.perf_counter()
            while time.perf_counter() - t < 3.0:
                pass
        except Exception as exc:  # noqa: BLE001 - what a check's error handling does
            caught.append(exc)
            t = time.perf_counter()
            while time.perf_counter() - t < 3.0:  # a slow fallback
                pass
        return "finished"

    t = time.perf_counter()
    with pytest.raises(PairTimeout, match="timed out after 0.2 s"):
        call_with_timeout(pair, 0.2)
    assert caught == [] and time.perf_counter() - t < 1.0
    assert call_with_timeout(lambda: "quick", 0.2) == "quick"
    time.sleep(0.5)  # no alarm is left behind to fire after the call


def test_a_sheet_too_long_for_xlsx_is_refused_before_any_output_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The XLSX row limit is known only once the tables are built: they are built, and checked, before
    the gate files, the JSON or the CSV are written (it left them all behind, and exit 2 hid the gate's)."""
    import evaluator.render.exports as exports

    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 2)
    ref, hyp, gate = write_test_set(tmp_path, chrf=99)
    out = tmp_path / "out"
    rc, _, err = run(capsys, ["score", "--ref", str(ref), "--hyp", str(hyp), "--no-bertscore", "-q",
                              "--gate", str(gate), "--json", str(out / "o.json"), "--junit", str(out / "o.xml"),
                              "--markdown", str(out / "o.md"), "--csv", str(out / "csv"), "--xlsx", str(out / "o.xlsx")])
    assert rc == 2
    assert err.splitlines()[-1].startswith("evaluator: error: --xlsx: the ") and "Traceback" not in err
    assert not out.exists() or not any(p.is_file() for p in out.rglob("*"))


# --- the console: what a first run shows --------------------------------------------------------------

def test_clip_cuts_at_a_word_boundary_with_an_ellipsis() -> None:
    """A finding's message cut mid-word read as if it were whole ("…see "Presid"): it ends at a word and
    says it was cut; the cut text is printable (nothing for terminal_safe to lengthen) and fits."""
    from evaluator.cli import terminal_safe
    from evaluator.cli.common import clip

    msg = 'Roles reversed: in the original "President Biden" view "the country"; in the rewrite "the country" see'
    assert clip("short message", 40) == "short message"
    for width in range(20, len(msg)):
        cut = clip(msg, width)
        assert len(cut) <= width and cut.endswith("\u2026"), (width, cut)
        kept = cut[:-1]
        assert msg.startswith(kept) and msg[len(kept)] in " ,;:", (width, cut)  # whole words only
    assert clip("x" * 50, 10) == "x" * 9 + "\u2026"  # one long word: cut inside, still marked
    hostile = "evil\x1b[2J\u202e name " * 5
    assert terminal_safe(clip(hostile, 30)) == clip(hostile, 30)


@pytest.fixture(scope="module")
def example_run(resources: Any, tmp_path_factory: Any) -> dict[str, Any]:
    """`compare --json -` on the bundled example, run from an empty folder."""
    from .conftest import EXAMPLE

    tmp = tmp_path_factory.mktemp("console")
    cwd = os.getcwd()
    os.chdir(tmp)
    try:
        import io
        from contextlib import redirect_stderr, redirect_stdout

        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            rc = main(["compare", str(EXAMPLE / "original.txt"), str(EXAMPLE / "rewritten.txt"), "--out", "r",
                       "--json", "-"])
    finally:
        os.chdir(cwd)
    return {"rc": rc, "out": out.getvalue(), "err": err.getvalue(), "tmp": tmp, "example": EXAMPLE}


def test_compare_json_dash_is_stdout_and_the_summary_goes_to_stderr(example_run: dict[str, Any]) -> None:
    """`--json -` wrote a file named "-"; now stdout is the JSON alone (as `score --json -`)."""
    assert example_run["rc"] == 0
    data = json.loads(example_run["out"])
    assert data["summary"]["findings_by_severity"]["critical"] >= 1
    tmp = example_run["tmp"]
    assert not (tmp / "-").exists() and not (tmp / "r" / "-").exists()
    assert sorted(p.name for p in (tmp / "r").iterdir()) == ["korea-diplomacy.html"]
    assert "korea-diplomacy: " in example_run["err"] and "findings: " in example_run["err"]


def test_compare_console_cuts_messages_at_words_and_points_to_the_report(example_run: dict[str, Any]) -> None:
    data = json.loads(example_run["out"])
    lines = example_run["err"].splitlines()
    shown = [ln for ln in lines if ln.startswith("    CRITICAL") or ln.startswith("    MAJOR")]
    assert shown
    messages = [(f["code"], " ".join(f["message"].split())) for f in data["findings"]]
    for ln in shown:
        code, _, text = ln.split(maxsplit=1)[1].partition(": ")
        if (code, text) in messages:
            continue  # shown whole
        # cut: at a word boundary, marked with an ellipsis
        assert text.endswith("\u2026"), ln
        full = next(m for c, m in messages if c == code and m.startswith(text[:-1]))
        assert full[len(text) - 1] in " ,;:", ln
    n = sum(1 for f in data["findings"] if f["severity"] in ("critical", "major"))
    assert lines[-1] == f"  open {os.path.join('r', 'korea-diplomacy.html')}: {n} major or critical findings"


def test_compare_says_when_the_gate_passed_on_a_waived_finding(example_run: dict[str, Any], tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """"findings: 1 critical ... gate: PASS" read as a gate that ignores critical findings."""
    import datetime as dt

    from evaluator.waivers import Waiver, write_waivers

    data = json.loads(example_run["out"])
    crit = [f for f in data["findings"] if f["severity"] == "critical"]
    waivers = tmp_path / "waivers.toml"
    write_waivers(waivers, [Waiver(check=f["check"], code=f["code"], reason="reviewed", expires=dt.date(2100, 1, 1),
                                   original=(f["original"] or {}).get("text"),
                                   rewritten=(f["rewritten"] or {}).get("text")) for f in crit])
    gate = tmp_path / "gate.toml"
    gate.write_text("[gate.max_findings]\ncritical = 0\n", encoding="utf-8")
    ex = example_run["example"]
    rc, out, err = run(capsys, ["compare", str(ex / "original.txt"), str(ex / "rewritten.txt"), "--out",
                                str(tmp_path / "r"), "--gate", str(gate), "--waivers", str(waivers)])
    assert rc == 0, err
    assert f"({len(crit)} of them waived)" in out and "  gate: PASS" in out
    assert "CRITICAL (waived)" in out
    n = sum(1 for f in data["findings"] if f["severity"] == "major")  # the waived critical ones are not counted
    assert out.splitlines()[-1].endswith(f"korea-diplomacy.html: {n} major or critical findings")


def test_top_level_and_compare_help_give_an_example_and_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--help"], ["compare", "--help"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 0
        text = capsys.readouterr().out
        assert "reference_sets/examples/korea-diplomacy/original.txt" in text, argv
        assert "exit codes: 0" in text and ("1 gate failed" in text or "1 a gate failed" in text), argv
        assert "2 usage or input error" in text and "3 internal error" in text, argv
    with pytest.raises(SystemExit):
        main(["compare", "--help"])
    assert "'-' prints it on stdout" in " ".join(capsys.readouterr().out.split())


def test_help_texts_say_what_each_command_does(capsys: pytest.CaptureFixture[str]) -> None:
    """batch has no --gate, so its --config has no gate-file fallback; score's idf is the first reference's."""
    def help_of(command: str) -> str:
        with pytest.raises(SystemExit):
            main([command, "--help"])
        return " ".join(capsys.readouterr().out.split())

    assert "--gate file" not in help_of("batch")
    assert "the --gate file's [settings]" in help_of("compare")
    score = help_of("score")
    assert "idf from the whole first reference" in score and "original side" not in score


def test_help_texts_match_what_each_command_does(capsys: pytest.CaptureFixture[str]) -> None:
    """A first-time-user review: score's --model and --no-bertscore spoke of alignment (score aligns
    nothing: its lines are paired already); --batch-tokens gave no default; batch's PAIRS said "JSONL or
    CSV" (TSV reads too); the exit codes of score, compare and batch left out 3, 130 or 143."""
    def help_of(command: str) -> str:
        with pytest.raises(SystemExit):
            main([command, "--help"])
        return re.sub(r"-\s+", "-", " ".join(capsys.readouterr().out.split()))  # argparse wraps at hyphens

    score, compare, batch = help_of("score"), help_of("compare"), help_of("batch")
    assert "alignment" not in score and "aligns" not in score
    assert "encoder for BERTScore and the checks" in score and "the checks still use the encoder" in score
    assert "encoder for sentence alignment, BERTScore and the checks" in compare
    for text in (score, compare, batch):
        assert "tokens per encoder batch (default: 4096)" in text
        assert "3 internal error" in text and "130" in text
    for text in (score, compare):
        assert "143 terminated (SIGTERM)" in text
    assert "JSONL, CSV or TSV manifest" in batch and "pairs.tsv" in batch
    assert "orig-vs-rew for orig.txt and rew.txt" in compare and "korea-diplomacy" in compare


def test_compare_names_its_outputs_after_the_files_not_only_their_folder(tmp_path: Path) -> None:
    """Two pairs of one folder (``p2/orig.txt p2/rew.txt``, ``p2/orig2.txt p2/rew2.txt``) both wrote
    ``p2.json``, the second overwriting the first.  Files named only by their side keep the folder's
    name (the example's ``korea-diplomacy``)."""
    from evaluator.render import pair_name

    p2 = tmp_path / "p2"
    story = tmp_path / "story"
    for d in (p2, story, tmp_path / "a", tmp_path / "b"):
        d.mkdir()
    assert pair_name(str(p2 / "orig.txt"), str(p2 / "rew.txt")) == "orig-vs-rew"
    assert pair_name(str(p2 / "orig2.txt"), str(p2 / "rew2.txt")) == "orig2-vs-rew2"
    assert pair_name(str(story / "original.txt"), str(story / "rewritten.txt")) == "story"
    assert pair_name(str(story / "Original.md"), str(story / "REWRITTEN.txt")) == "story"
    ex = Path(__file__).resolve().parents[1] / "reference_sets" / "examples" / "korea-diplomacy"
    assert pair_name(str(ex / "original.txt"), str(ex / "rewritten.txt")) == "korea-diplomacy"
    # the same stem in two folders: the stems do not tell them apart, the folder rule decides
    assert pair_name(str(tmp_path / "a" / "x.txt"), str(tmp_path / "b" / "x.txt")) == "x-vs-x"
    assert pair_name(str(p2 / "x.txt"), str(p2 / "x.md")) == "p2"


def test_markdown_cells_are_cut_at_a_word_too() -> None:
    """The Markdown summary cut findings mid-word ("…increasingly viewed" -> "…one…", "Secre…")."""
    from evaluator.render.markdown import md_escape

    msg = "Antony J. Blinken is called Foreign Secretary, but the reference set lists him as Secretary of State"
    cell = md_escape(msg, 60)
    assert cell.endswith("…") and len(cell) <= 60
    assert cell[:-1].split()[-1] in msg.split()  # the last word shown is a whole word of the message


def test_console_paths_can_be_pasted_into_a_shell() -> None:
    """"open reports/Korea review.html" pasted into a shell opened two files that do not exist."""
    import shlex

    from evaluator.cli.common import shell_path

    assert shell_path("reports/korea.html") == "reports/korea.html"
    for path in ("reports/Korea review.html", "out/it's $HOME.json", "a\nb.html"):
        assert len(shlex.split(shell_path(path))) == 1
    assert shlex.split(shell_path("reports/Korea review.html")) == ["reports/Korea review.html"]
