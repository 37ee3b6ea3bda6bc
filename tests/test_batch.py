"""``evaluator batch``: results, errors, resume after a crash, SIGTERM, timeouts, summary and index."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from evaluator.batch import ChunkScorer, PairInput, PairTimeout, ResultsFile, call_with_timeout, run_batch
from evaluator.errors import ConfigError
from evaluator.io import read_text
from evaluator.manifest import read_manifest
from evaluator.options import Options
from evaluator.progress import LineProgress

ROOT = Path(__file__).resolve().parents[1]

PAIRS = [
    ("neg", "Currently, Xinjiang has more than 330 photovoltaic power plants.",
     "Currently, Xinjiang does not have more than 330 photovoltaic power plants."),
    ("num", "The company hired 1,200 workers in 2019. Sales doubled the year after.",
     "The company hired 2,100 workers in 2019. Sales doubled the year after."),
    ("same", "The council met on Tuesday to discuss the budget.",
     "The council met on Tuesday to discuss the budget."),
    ("para", "Mr. Lee arrived in Seoul on Monday.\n\nHe met the foreign minister. They discussed trade.",
     "Mr. Lee reached Seoul on Monday.\n\nHe met the foreign minister and they talked about trade."),
    ("name", "President Moon Jae-in spoke to reporters in Busan.",
     "President Yoon Suk-yeol spoke to reporters in Busan."),
    ("omit", "Rain is expected tomorrow. Schools will stay open. Buses run as usual.",
     "Rain is expected tomorrow. Buses run as usual."),
]


def manifest(tmp: Path, pairs: list[tuple[str, str, str]] = PAIRS, extra: list[dict[str, Any]] = ()) -> Path:
    rows = [{"id": i, "original": o, "rewritten": r} for i, o, r in pairs] + list(extra)
    path = tmp / "pairs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def records(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]


def without_timings(report: dict[str, Any]) -> dict[str, Any]:
    r = json.loads(json.dumps(report))
    r["meta"].pop("timings", None)
    return r


def assert_close(a: Any, b: Any, path: str = "") -> None:
    """Equal, except floats may differ by 1e-5 (encoder batches pad differently; see the report)."""
    if isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, abs=1e-5), path
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for k in a:
            assert_close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_close(x, y, f"{path}[{i}]")
    else:
        assert a == b, path


def test_chunked_reports_equal_compare_loaded(resources) -> None:
    from evaluator.pipeline import compare_loaded

    items = [PairInput(i, read_text(o), read_text(r)) for i, o, r in PAIRS]
    scorer = ChunkScorer(resources.options, resources)
    parsed_before = scorer.nlp.parsed
    results = scorer.score_inputs(items)
    # 13 unique paragraphs in the chunk, each parsed once (the pre-pass); the per-pair segment() reuses them.
    assert scorer.nlp.parsed - parsed_before == 13
    assert [r.status for r in results] == ["ok"] * len(PAIRS)
    resources.encoder.clear_memory()
    for it, res in zip(items, results, strict=True):
        expected = compare_loaded(it.original, it.rewritten, resources=resources).to_dict()
        got = json.loads(res.line)
        assert got["id"] == it.id
        assert_close(without_timings(got["report"]), without_timings(expected))


def test_a_chunk_frees_spacys_new_words_and_the_word_caches(resources, monkeypatch) -> None:
    """Each chunk of a batch runs in spaCy's memory zone and the checks' word caches are emptied after
    it (as `score` does per chunk): pairs full of words spaCy never saw leave its StringStore as it was,
    and the reports are those of a run that keeps everything."""
    from contextlib import nullcontext

    from evaluator import segment
    from evaluator.checks import _names_util, _struct_util

    tag = uuid.uuid4().hex[:8]  # words no other test put in the shared pipeline's vocabulary
    pairs = [(f"p{i}", f"Minister Quorvath{tag}{i} met Zelbrin{i} in Ostrava{i} on {i + 1} May and signed {i + 3} deals.",
              f"Deputy Minister Quorvat{tag}{i} met Zelbrin{i} in Ostrava{i} on {i + 2} May and did not sign {i + 3} deals.")
             for i in range(4)]
    items = [PairInput(i, read_text(o), read_text(r)) for i, o, r in pairs]
    nlp = getattr(resources.nlp, "wrapped", resources.nlp)
    strings = len(nlp.vocab.strings)
    got = [json.loads(r.line)["report"] for r in ChunkScorer(resources.options, resources).score_inputs(items)]
    assert len(nlp.vocab.strings) == strings and f"Quorvath{tag}3" not in nlp.vocab.strings
    assert not nlp.vocab.in_memory_zone and not nlp.get_pipe("lemmatizer").cache
    assert _struct_util.norm_text.cache_info().currsize == 0 and _names_util.fuzzy_equal.cache_info().currsize == 0
    assert all(r["findings"] for r in got)

    monkeypatch.setattr(segment, "memory_zone", lambda nlp: nullcontext())
    monkeypatch.setattr("evaluator.checks.release_word_caches", lambda: 0)
    kept = [json.loads(r.line)["report"] for r in ChunkScorer(resources.options, resources).score_inputs(items)]
    assert f"Quorvath{tag}3" in nlp.vocab.strings  # the spy run kept them
    assert [without_timings(r) for r in got] == [without_timings(r) for r in kept]


def test_no_memory_zone_where_a_timed_out_pair_would_be_left_running(resources, monkeypatch) -> None:
    """Without setitimer (Windows) a timed-out pair is abandoned in a helper thread that may still be
    parsing: no chunk may free spaCy's strings under it, so the zone is not opened there."""
    from evaluator import batch as batch_mod
    from evaluator import segment

    entered: list[bool] = []
    real_zone = segment.memory_zone

    def spy(nlp: Any) -> Any:
        entered.append(True)
        return real_zone(nlp)

    monkeypatch.setattr(segment, "memory_zone", spy)
    items = [PairInput("a", read_text("The minister met them."), read_text("The minister met him."))]
    list(ChunkScorer(resources.options, resources).score_inputs(items))
    assert entered and batch_mod.alarm_stops_pairs()
    entered.clear()
    monkeypatch.delattr(signal, "setitimer")
    assert not batch_mod.alarm_stops_pairs()
    list(ChunkScorer(resources.options, resources).score_inputs(items))
    assert not entered
    from evaluator.checks import _struct_util
    assert _struct_util.norm_text.cache_info().currsize == 0  # the word caches are emptied all the same


def test_batch_writes_results_summary_and_error_records(tmp_path: Path, options) -> None:
    m = manifest(tmp_path, extra=[{"id": "missing", "original": "A text.", "rewritten_path": "nowhere.txt"},
                                  {"id": "blank", "original": "A text.", "rewritten": "   "}])
    out = tmp_path / "out"
    res = run_batch(m, out, options, chunk_size=4)
    assert (res.total, res.ok, res.failed, res.scored, res.resumed, res.stopped) == (8, 6, 2, 8, 0, False)
    recs = {r["id"]: r for r in records(out)}
    assert set(recs) == {p[0] for p in PAIRS} | {"missing", "blank"}
    assert recs["missing"]["status"] == "error" and "file not found" in recs["missing"]["error"]
    assert recs["blank"]["error"].startswith("DocumentError: blank:rewritten: contains only whitespace")
    assert "\n" not in recs["missing"]["error"]
    assert recs["num"]["report"]["rewritten"]["text"].startswith("The company hired 2,100")
    codes = {f["code"] for f in recs["num"]["report"]["findings"]}
    assert any("number" in c for c in codes), codes
    summary = json.loads((out / "summary.json").read_text())
    assert summary["pairs"] == {"total": 8, "ok": 6, "failed": 2, "missing": 0, "not_in_manifest": 0}
    chrf = sorted(r["report"]["metrics"]["chrf"]["score"] for r in recs.values() if r["status"] == "ok")
    assert summary["metrics"]["chrf"]["median"] == pytest.approx((chrf[2] + chrf[3]) / 2, abs=1e-6)
    assert summary["metrics"]["chrf"]["max"] == pytest.approx(100.0)
    assert summary["worst"]["by_chrf"][-1]["id"] == "same" or summary["worst"]["by_chrf"][0]["id"] != "same"
    n_findings = sum(len(r["report"]["findings"]) for r in recs.values() if r["status"] == "ok")
    assert sum(summary["findings"]["by_severity"].values()) == n_findings
    assert sum(sum(v.values()) for v in summary["findings"]["by_check"].values()) == n_findings
    assert {e["id"] for e in summary["errors"]} == {"missing", "blank"}
    worst = summary["worst"]["by_severity"]
    assert worst == sorted(worst, key=lambda w: (-w["critical"], -w["major"], w["chrf"]))


def test_cli_exit_codes(tmp_path: Path, options) -> None:
    from evaluator.cli import main

    ok = manifest(tmp_path, PAIRS[:2])
    assert main(["batch", str(ok), "--out", str(tmp_path / "a"), "-q"]) == 0
    bad = manifest(tmp_path, PAIRS[:1], extra=[{"id": "x", "original": "A.", "rewritten_path": "none.txt"}])
    assert main(["batch", str(bad), "--out", str(tmp_path / "b"), "-q"]) == 1
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "a", "original": "x", "rewritten": "y"}\n{"id": "a", "original": "x"\n')
    assert main(["batch", str(broken), "--out", str(tmp_path / "c"), "-q"]) == 2
    assert not (tmp_path / "c").exists()  # nothing was done


def test_resume_after_a_crash_mid_line(tmp_path: Path, options) -> None:
    m = manifest(tmp_path)
    full = tmp_path / "full"
    run_batch(m, full, options)
    reference = {r["id"]: without_timings(r["report"]) for r in records(full)}

    out = tmp_path / "crashed"
    out.mkdir()
    lines = (full / "results.jsonl").read_bytes().split(b"\n")
    # Two whole lines, then a crash in the middle of writing the third.
    (out / "results.jsonl").write_bytes(lines[0] + b"\n" + lines[1] + b"\n" + lines[2][: len(lines[2]) // 2])
    res = run_batch(m, out, options)
    assert (res.resumed, res.scored, res.ok) == (2, 4, 6)
    recs = records(out)
    ids = [r["id"] for r in recs]
    assert len(ids) == len(set(ids)) == 6
    assert set(ids) == set(reference)
    for r in recs:
        assert_close(without_timings(r["report"]), reference[r["id"]], r["id"])
    again = run_batch(m, out, options)  # a finished batch: nothing to do, nothing duplicated
    assert (again.scored, again.resumed) == (0, 6)
    assert len(records(out)) == 6


def test_corrupt_middle_line_is_an_input_error(tmp_path: Path) -> None:
    f = tmp_path / "results.jsonl"
    f.write_text('{"id":"a","status":"ok","report":{}}\nnot json\n{"id":"b","status":"ok","report":{}}\n')
    with pytest.raises(ConfigError, match=":2: corrupt result line"):
        ResultsFile(f).recover()
    f.write_text('{"id":"a","status":"ok","report":{}}\n{"id":"b","status":"error","error":"x"}\nnot json\n')
    assert ResultsFile(f).recover() == {"a": "ok", "b": "error"}
    assert f.read_text().count("\n") == 2


def test_stop_keeps_finished_pairs_and_rerun_completes(tmp_path: Path, options) -> None:
    m = manifest(tmp_path)
    stop = threading.Event()

    class StopAfterTwo(LineProgress):
        def advance(self, ok: bool) -> None:
            super().advance(ok)
            if self.done == 2:
                stop.set()

    lines: list[str] = []
    stream = type("S", (), {"write": lambda self, t: lines.append(t), "flush": lambda self: None})()
    out = tmp_path / "out"
    res = run_batch(m, out, options, stop=stop, progress=StopAfterTwo(stream, every=1))
    assert res.stopped and res.scored == 2 and len(records(out)) == 2
    assert json.loads((out / "summary.json").read_text())["pairs"]["missing"] == 4
    assert any("2/6" in line for line in lines)
    res = run_batch(m, out, options, retry_failed=True)
    assert not res.stopped and (res.resumed, res.scored) == (2, 4)
    assert sorted(r["id"] for r in records(out)) == sorted(p[0] for p in PAIRS)


def _fake_engine(monkeypatch: pytest.MonkeyPatch, seen: list[list[str]], stop_after: int | None = None):
    """An engine that fails every pair it is given (error records need no model); with ``stop_after``
    it sets the run's stop event after that many results and then yields the rest, as the worker pool
    does with the chunks already running when a stop comes."""
    import evaluator.engines
    from evaluator.batch import PairResult

    def engine(pending, options, *, stop, **_: Any):
        seen.append([p.id for p in pending])
        for k, p in enumerate(pending):
            yield PairResult(p.id, "error", json.dumps({"id": p.id, "status": "error", "error": "fake"}))
            if stop_after is not None and k + 1 == stop_after:
                stop.set()

    monkeypatch.setattr(evaluator.engines, "get_engine", lambda name: engine)


def test_a_stop_keeps_every_result_the_engine_still_hands_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    _fake_engine(monkeypatch, seen, stop_after=1)
    res = run_batch(manifest(tmp_path), tmp_path / "out", Options(), workers=2)
    assert res.scored == len(PAIRS) and [r["id"] for r in records(tmp_path / "out")] == [p[0] for p in PAIRS]


@pytest.mark.skipif(os.name != "posix", reason="the folder lock uses fcntl")
def test_a_second_run_on_the_same_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fcntl

    seen: list[list[str]] = []
    _fake_engine(monkeypatch, seen)
    out = tmp_path / "out"
    out.mkdir()
    with (out / ".lock").open("a+b") as held:  # another run holds the folder
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(ConfigError, match="another `evaluator batch` run is writing this folder"):
            run_batch(manifest(tmp_path), out, Options())
        fcntl.flock(held.fileno(), fcntl.LOCK_UN)
    assert not seen and not (out / "results.jsonl").exists()
    run_batch(manifest(tmp_path), out, Options())  # the folder is free again
    assert len(records(out)) == len(PAIRS)


def test_summary_counts_each_manifest_pair_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               caplog: pytest.LogCaptureFixture) -> None:
    """A duplicated id counts once (the first, as resuming keeps it), a result of an id the manifest no
    longer has is left out of the aggregates, and a hand-cut line is skipped with a warning, not a crash."""
    seen: list[list[str]] = []
    _fake_engine(monkeypatch, seen)
    out = tmp_path / "out"
    out.mkdir()
    err = lambda i: json.dumps({"id": i, "status": "error", "error": "earlier"})  # noqa: E731
    (out / "results.jsonl").write_text("\n".join([err("neg"), err("neg"), '{"id":"num","status":"ok","report":{"meta":{}',
                                                  err("gone")]) + "\n")
    res = run_batch(manifest(tmp_path), out, Options())
    assert seen == [[p[0] for p in PAIRS if p[0] not in ("neg", "num")]]
    pairs = res.summary["pairs"]
    assert pairs == {"total": len(PAIRS), "ok": 0, "failed": len(PAIRS) - 1, "missing": 1, "not_in_manifest": 1}
    assert "line 3 is not a result record" in caplog.text


def test_a_pair_whose_text_changed_is_scored_again(tmp_path: Path, options, caplog: pytest.LogCaptureFixture) -> None:
    """Resuming matches pairs by id and by a fingerprint of their texts: a rerun after a manifest row's
    text changed scores that pair again (its old line goes); the unchanged ones are kept as they are."""
    m = manifest(tmp_path, PAIRS[:3])
    out = tmp_path / "out"
    run_batch(m, out, options)
    first = {r["id"]: r for r in records(out)}
    assert all(len(r["input"]) == 32 for r in first.values())
    assert run_batch(m, out, options).scored == 0  # nothing changed: nothing to do
    changed = [(i, o, r.replace("2,100", "2,400") if i == "num" else r) for i, o, r in PAIRS[:3]]
    res = run_batch(manifest(tmp_path, changed), out, options)
    assert (res.resumed, res.scored) == (2, 1) and "1 pair(s) changed since they were scored (first: 'num')" in caplog.text
    after = {r["id"]: r for r in records(out)}
    assert sorted(after) == sorted(first) and len(records(out)) == 3
    assert "2,400" in after["num"]["report"]["rewritten"]["text"] and after["num"]["input"] != first["num"]["input"]
    assert after["neg"] == first["neg"] and after["same"] == first["same"]


def test_the_default_layer_given_explicitly_is_the_same_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    _fake_engine(monkeypatch, seen)
    m, out = manifest(tmp_path), tmp_path / "out"
    run_batch(m, out, Options())
    run_batch(m, out, Options(layer=3), retry_failed=True)  # the bundled model's default layer, spelled out
    with pytest.raises(ConfigError, match=r"other settings \(layer\)"):
        run_batch(m, out, Options(layer=4))
    assert len(seen) == 2


def test_an_edited_glossary_is_another_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    _fake_engine(monkeypatch, seen)
    glossary = tmp_path / "terms.csv"
    glossary.write_text("source_term,required\nphotovoltaic,photovoltaic\n", encoding="utf-8")
    m, out, opts = manifest(tmp_path), tmp_path / "out", Options(glossaries=(str(tmp_path / "terms.csv"),))
    run_batch(m, out, opts)
    run_batch(m, out, opts, retry_failed=True)  # the same file: the same setting
    glossary.write_text("source_term,required\nphotovoltaic,solar\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"other settings \(the content of a glossary or reference set: "
                                          r".*terms\.csv\)"):
        run_batch(m, out, opts)
    assert len(seen) == 2


def test_glossaries_and_reference_sets_are_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``run_batch`` parses the glossary and reference-set files once, to check them before any work,
    and the in-process scorer loads its resources with those (not reading the files again).  The
    models are stubbed: loading the parser ends the run."""
    import evaluator.glossary
    import evaluator.reference_sets
    import evaluator.segment

    class Loaded(Exception):
        pass

    reads: list[str] = []
    for module, name in ((evaluator.glossary, "load_glossary_file"), (evaluator.reference_sets, "_load_file")):
        real = getattr(module, name)

        def counting(path: Any, *a: Any, _real: Any = real, **k: Any) -> Any:
            reads.append(Path(path).name)
            return _real(path, *a, **k)

        monkeypatch.setattr(module, name, counting)

    def load_nlp(*a: Any, **k: Any) -> Any:
        raise Loaded

    monkeypatch.setattr(evaluator.segment, "load_nlp", load_nlp)
    (tmp_path / "terms.csv").write_text("source_term,required\nphotovoltaic,photovoltaic\n", encoding="utf-8")
    (tmp_path / "people.csv").write_text("name,title\nAda Lovelace,mathematician\n", encoding="utf-8")
    opts = Options(glossaries=(str(tmp_path / "terms.csv"),), reference_sets=(str(tmp_path / "people.csv"),),
                   use_bundled_reference_set=False)
    with pytest.raises(Loaded):
        run_batch(manifest(tmp_path), tmp_path / "out", opts)
    assert sorted(reads) == ["people.csv", "terms.csv"]


def test_other_settings_in_the_same_out_dir_are_refused(tmp_path: Path, options) -> None:
    m = manifest(tmp_path, PAIRS[:1])
    run_batch(m, tmp_path / "out", options)
    with pytest.raises(ConfigError, match="other settings .*idf"):
        run_batch(m, tmp_path / "out", options.with_(idf=True))


def test_folder_from_before_a_new_setting_resumes(tmp_path: Path, options) -> None:
    """A batch folder written before a setting existed (here: precision) was made at its default."""
    m = manifest(tmp_path, PAIRS[:2])
    out = tmp_path / "out"
    run_batch(m, out, options)
    meta = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    del meta["options"]["precision"]
    (out / "batch.json").write_text(json.dumps(meta), encoding="utf-8")
    res = run_batch(m, out, options)
    assert (res.resumed, res.scored) == (2, 0)
    with pytest.raises(ConfigError, match="other settings .*precision"):
        run_batch(m, out, options.with_(precision="bf16"))


def test_timeout_per_pair_gives_error_records(tmp_path: Path, options) -> None:
    m = manifest(tmp_path, PAIRS[:2])
    res = run_batch(m, tmp_path / "out", options, timeout_per_pair=1e-4)
    assert (res.ok, res.failed) == (0, 2)
    assert all(r["error"].startswith("PairTimeout: timed out after") for r in records(tmp_path / "out"))


@pytest.mark.parametrize("in_thread", [False, True])
def test_call_with_timeout(in_thread: bool) -> None:
    def run(fn: Any, seconds: float) -> Any:
        if not in_thread:
            return call_with_timeout(fn, seconds)
        box: dict[str, Any] = {}

        def target() -> None:
            try:
                box["v"] = call_with_timeout(fn, seconds)
            except BaseException as exc:  # noqa: BLE001
                box["e"] = exc
        t = threading.Thread(target=target)
        t.start()
        t.join()
        if "e" in box:
            raise box["e"]
        return box["v"]

    assert run(lambda: 42, 5) == 42
    t = time.perf_counter()
    with pytest.raises(PairTimeout):
        run(lambda: time.sleep(3), 0.2)
    assert time.perf_counter() - t < 2
    with pytest.raises(ZeroDivisionError):
        run(lambda: 1 / 0, 5)


def test_html_index_escapes_and_links(tmp_path: Path, options) -> None:
    evil = '<script>alert("x")</script>'
    m = manifest(tmp_path, [(evil, "The cat sat on the mat.", "The dog sat on the mat.")],
                 extra=[{"id": "bad&id", "original": "A.", "rewritten_path": "none.txt"}])
    out = tmp_path / "out"
    run_batch(m, out, options, html=True)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert evil not in index and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in index
    assert "bad&amp;id" in index and "file not found" in index
    pages = list((out / "pairs").glob("*.html"))
    assert len(pages) == 1 and pages[0].name.startswith("script_alert_x_script-")
    assert f'href="pairs/{pages[0].name}"' in index
    assert "http://" not in index and "https://" not in index  # self-contained
    assert index.count("<script>") == 1


def test_line_progress_reports_rate_and_eta() -> None:
    now = [0.0]
    out: list[str] = []
    stream = type("S", (), {"write": lambda self, t: out.append(t), "flush": lambda self: None})()
    p = LineProgress(stream, every=3, interval=100, clock=lambda: now[0])
    p.start(10, 1)
    for _ in range(3):
        now[0] += 1.0
        p.advance(True)
    p.advance(False)
    now[0] += 200
    p.advance(True)  # the interval elapsed
    p.finish()
    text = "".join(out)
    assert "9 pairs to score of 10 (1 already done)" in text
    assert "batch: 4/10 (40%), 0 failed, 1.00 pairs/s, ETA 0:06" in text
    assert "batch: 6/10 (60%), 1 failed" in text
    assert len(out) == 3


@pytest.mark.slow
def sigterm_mid_batch(tmp_path: Path, args: list[str], wait_s: float) -> tuple[int, str, Path, Path, list[Any]]:
    """``evaluator batch`` on 10 pairs in a subprocess, sent SIGTERM once two results are written.

    Returns the exit code, stderr, the output folder, the manifest and the pairs."""
    many = [(f"p{i:02d}", o, r.replace("the", "a")) for i, (_, o, r) in enumerate(PAIRS * 5)]
    m = manifest(tmp_path, many)
    out = tmp_path / "out"
    cmd = [str(ROOT / ".venv" / "bin" / "evaluator"), "batch", str(m), "--out", str(out), *args]
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    results = out / "results.jsonl"
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline and proc.poll() is None:
        if results.exists() and results.read_text().count("\n") >= 2:
            break
        time.sleep(0.2)
    assert proc.poll() is None, proc.communicate()
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err, out, m, many


def test_sigterm_mid_batch_keeps_finished_pairs(tmp_path: Path, options) -> None:
    rc, err, out, m, many = sigterm_mid_batch(tmp_path, ["--chunk-size", "4", "--progress", "lines"], 240)
    assert rc == 130, err
    assert "SIGTERM" in err and "rerun the same command" in err
    done = records(out)
    assert 2 <= len(done) < len(many)
    assert all(r["status"] == "ok" for r in done)
    assert json.loads((out / "summary.json").read_text())["pairs"]["ok"] == len(done)
    res = run_batch(m, out, options, chunk_size=4)
    assert res.resumed == len(done)
    ids = [r["id"] for r in records(out)]
    assert sorted(ids) == sorted(p[0] for p in many)




def test_result_lines_are_flushed_at_once_and_fsynced_in_groups(tmp_path: Path, monkeypatch) -> None:
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    rf = ResultsFile(tmp_path / "results.jsonl", fsync_interval=3600)
    for i in range(50):
        rf.append(json.dumps({"id": f"p{i}", "status": "ok", "report": {}}))
        # readable by another process at once: a crash of this one loses nothing written
        assert (tmp_path / "results.jsonl").read_text(encoding="utf-8").count("\n") == i + 1
    assert synced == []  # no fsync per line ...
    rf.close()
    assert len(synced) == 1  # ... one when the file is closed
    rf = ResultsFile(tmp_path / "results.jsonl", fsync_interval=0)
    rf.append(json.dumps({"id": "last", "status": "ok", "report": {}}))
    assert len(synced) == 2  # an interval of 0 syncs every line
    rf.close()
    assert list(ResultsFile(tmp_path / "results.jsonl").recover()) == [f"p{i}" for i in range(50)] + ["last"]


def test_same_batch_again_serves_stored_reports(tmp_path: Path, options, monkeypatch) -> None:
    """With a cache, an unchanged pair's report is stored and served again; any change misses."""
    from dataclasses import replace

    from evaluator.pipeline import load_resources

    cached = replace(options, cache_dir=str(tmp_path / "cache"))
    res = load_resources(cached)
    m = manifest(tmp_path)
    first = ChunkScorer(cached, res)
    a = [json.loads(r.line) for r in first.score_specs(read_manifest(m))]
    assert first.report_hits == 0 and all(r["status"] == "ok" for r in a)
    second = ChunkScorer(cached, res)
    b = [json.loads(r.line) for r in second.score_specs(read_manifest(m))]
    assert second.report_hits == len(PAIRS)
    for x, y in zip(a, b, strict=True):
        assert y["report"]["meta"].pop("report_cache") == "hit"
        assert x == y  # the stored report, timings included
    # A worker that finds every report stored never loads a model.
    lazy = ChunkScorer(cached)
    assert [json.loads(r.line)["report"]["meta"]["report_cache"] for r in lazy.score_specs(read_manifest(m))] \
        == ["hit"] * len(PAIRS)
    assert lazy._resources is None
    # One rewrite changed: only that pair is scored again.
    changed = [(i, o, r + " Extra." if i == "num" else r) for i, o, r in PAIRS]
    third = ChunkScorer(cached, res)
    c = [json.loads(r.line) for r in third.score_specs(read_manifest(manifest(tmp_path, changed)))]
    assert third.report_hits == len(PAIRS) - 1
    assert [("report_cache" in r["report"]["meta"]) for r in c] == [i != "num" for i, _, _ in PAIRS]
    # Other options: another fingerprint, nothing served.
    other = ChunkScorer(replace(cached, idf=not cached.idf), res)
    other.score_specs(read_manifest(m))
    assert other.report_hits == 0
    monkeypatch.setenv("EVALUATOR_REPORT_CACHE", "0")
    off = ChunkScorer(cached, res)
    off.score_specs(read_manifest(m))
    assert off.report_hits == 0


def test_fingerprint_follows_reference_set_files(tmp_path: Path, resources) -> None:
    from dataclasses import replace

    from evaluator.batch import report_fingerprint

    people = tmp_path / "people.csv"
    people.write_text("name,role\nAda Lovelace,mathematician\n", encoding="utf-8")
    opts = replace(resources.options, reference_sets=(str(people),))
    before = report_fingerprint(opts)
    assert report_fingerprint(opts) == before
    people.write_text("name,role\nAda Lovelace,analyst\n", encoding="utf-8")
    assert report_fingerprint(opts) != before


def test_fingerprint_names_package_files_inside_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The package's files count by their path inside the package, so a copy installed elsewhere (another
    checkout, another virtual environment) keeps the report cache; a changed file does not."""
    import shutil

    import evaluator.batch as batch

    package = Path(batch.__file__).resolve().parent
    opts = Options()
    here = batch.report_fingerprint(opts)
    copy = tmp_path / "elsewhere" / "evaluator"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(batch, "__file__", str(copy / "batch.py"))
    assert batch.report_fingerprint(opts) == here
    (copy / "checks" / "quotes.py").write_text("# changed\n", encoding="utf-8")
    assert batch.report_fingerprint(opts) != here


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="the alarm needs setitimer")
def test_an_alarm_that_fires_as_the_timer_is_set_still_stops_the_timer(monkeypatch: pytest.MonkeyPatch) -> None:
    """A timer shorter than the step into the guarded call (--timeout-per-pair 1e-4) fires as soon as
    setitimer returns; its exception must meet the cleanup that stops the timer. It escaped before
    it once, and the repeating timer raised into pytest's own teardown (INTERNALERROR in CI)."""
    from evaluator import batch as batch_mod

    real = signal.setitimer
    previous = signal.getsignal(signal.SIGALRM)

    def set_and_fire(which: int, seconds: float, interval: float = 0.0) -> Any:
        out = real(which, seconds, interval)
        if seconds > 0:  # the signal delivered the moment the call returns
            handler = signal.getsignal(signal.SIGALRM)
            assert callable(handler)
            handler(signal.SIGALRM, None)
        return out

    monkeypatch.setattr(signal, "setitimer", set_and_fire)
    with pytest.raises(batch_mod.PairTimeout):
        batch_mod._call_with_alarm(lambda: "done", 5.0)
    monkeypatch.undo()
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # no timer left running
    assert signal.getsignal(signal.SIGALRM) is previous


def test_a_pair_page_follows_its_result_and_ids_never_share_a_page(tmp_path: Path, options,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A pair scored again (its text changed) gets its page rewritten, or none while it is not scored;
    the unchanged pairs' pages are kept.  Ids that clean to one name ("a/b" and what it becomes, "A" and
    "a" on a case-insensitive file system) get a page each."""
    from evaluator.manifest import safe_id

    ids = ["a/b", safe_id("a/b"), "A", "a"]
    base = [(i, f"The council met on day {k}.", f"The council met on day {k} again.") for k, i in enumerate(ids)]
    out = tmp_path / "out"
    run_batch(manifest(tmp_path, base), out, options, html=True)
    pages = {p.name: p.read_bytes() for p in (out / "pairs").glob("*.html")}
    assert len({n.casefold() for n in pages}) == 4
    index = (out / "index.html").read_text(encoding="utf-8")
    assert len({f'href="pairs/{n}"' for n in pages if f'href="pairs/{n}"' in index}) == 4

    edited = [(i, o, r.replace("again", "once more") if i == "a" else r) for i, o, r in base]
    with monkeypatch.context() as mp:  # a run that scores nothing: the changed pair's old result and page go
        mp.setattr("evaluator.engines.get_engine", lambda name: lambda pending, options, **_: iter(()))
        res = run_batch(manifest(tmp_path, edited), out, options, html=True)
    assert res.missing == 1 and not (out / "pairs" / "a.html").exists()
    assert 'href="pairs/a.html"' not in (out / "index.html").read_text(encoding="utf-8")
    res = run_batch(manifest(tmp_path, edited), out, options, html=True)
    assert (res.resumed, res.scored) == (3, 1)
    page = (out / "pairs" / "a.html").read_text(encoding="utf-8")
    assert "once more" in page and pages["a.html"] != page.encode("utf-8")
    assert {p.name: p.read_bytes() for p in (out / "pairs").glob("*.html") if p.name != "a.html"} \
        == {n: b for n, b in pages.items() if n != "a.html"}


def test_a_stale_page_is_rewritten_when_its_pair_is_scored_again(tmp_path: Path, options) -> None:
    """A page left from an older result (a run killed between dropping the line and removing the page,
    or a folder copied over) is rewritten when the pair's result is new, not kept because it exists."""
    m = manifest(tmp_path, PAIRS[:1])
    out = tmp_path / "out"
    (out / "pairs").mkdir(parents=True)
    (out / "pairs" / "neg.html").write_text("stale", encoding="utf-8")
    run_batch(m, out, options, html=True)
    assert (out / "pairs" / "neg.html").read_text(encoding="utf-8") != "stale"


def test_size_limit_and_check_order_are_not_other_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The size limit decides which pairs fail, not what a report says: a rerun with a raised
    --max-input-mb (as the size error advises) is the same folder.  --checks is a set: order and
    repeats do not make another setting; another set does."""
    seen: list[list[str]] = []
    _fake_engine(monkeypatch, seen)
    m, out = manifest(tmp_path), tmp_path / "out"
    run_batch(m, out, Options(max_input_bytes=10, checks=("negation", "numbers")))
    run_batch(m, out, Options(max_input_bytes=10_000_000, checks=("numbers", "negation", "numbers")),
              retry_failed=True)
    run_batch(m, out, Options(max_input_bytes=5_000, checks=("numbers", "negation")))
    with pytest.raises(ConfigError, match=r"other settings \(checks\)"):
        run_batch(m, out, Options(checks=("negation",)))
    assert len(seen) == 3 and seen[1] == [p[0] for p in PAIRS] and seen[2] == []


def test_cli_records_the_manifest_and_hints_at_retry_failed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """batch.json names the manifest the command line read; a rerun that finds error records from an
    earlier run (a missing file that may exist now) says how to score them again."""
    from evaluator.cli import main

    seen: list[list[str]] = []
    _fake_engine(monkeypatch, seen)
    m, out = manifest(tmp_path, PAIRS[:2]), tmp_path / "out"
    assert main(["batch", str(m), "--out", str(out), "-q"]) == 1
    assert json.loads((out / "batch.json").read_text(encoding="utf-8"))["manifest"] == str(m)
    assert "--retry-failed" not in capsys.readouterr().err  # the errors are new: nothing to hint at
    assert main(["batch", str(m), "--out", str(out), "-q"]) == 1
    err = capsys.readouterr().err
    assert "2 pairs failed in an earlier run" in err and "add --retry-failed" in err
    assert main(["batch", str(m), "--out", str(out), "-q", "--retry-failed"]) == 1
    assert "add --retry-failed" not in capsys.readouterr().err
    assert [s for s in seen if s] == [["neg", "num"], ["neg", "num"]]  # the retry scored them again


def test_an_id_with_a_lone_surrogate_is_exit_2_before_any_work(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from evaluator.cli import main

    m = tmp_path / "pairs.jsonl"
    m.write_text('{"id": "good", "original": "A.", "rewritten": "B."}\n'
                 '{"id": "bad\\ud800", "original": "A.", "rewritten": "B."}\n', encoding="utf-8")
    assert main(["batch", str(m), "--out", str(tmp_path / "out"), "-q"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{m}:2:" in err and "lone surrogate" in err
    assert not (tmp_path / "out").exists()


def test_a_pair_with_nothing_aligned_is_the_worst_by_chrf(tmp_path: Path) -> None:
    """chrF is null where nothing aligned: such a pair leads worst.by_chrf (no score is worse than the
    lowest); the means are over the pairs with a score, and ``missing`` counts the others."""
    from evaluator.batch import summarise
    from evaluator.manifest import PairSpec

    def rec(i: str, chrf: float | None) -> str:
        return json.dumps({"id": i, "status": "ok", "report": {"metrics": {"chrf": {"score": chrf}}}})

    f = tmp_path / "results.jsonl"
    f.write_text("\n".join([rec("good", 80.0), rec("empty", None), rec("poor", 10.0)]) + "\n", encoding="utf-8")
    specs = [PairSpec(i, "x", "y") for i in ("good", "empty", "poor")]
    summary, _ = summarise(ResultsFile(f), specs)
    assert [w["id"] for w in summary["worst"]["by_chrf"]] == ["empty", "poor", "good"]
    assert summary["worst"]["by_chrf"][0]["chrf"] is None
    assert summary["metrics"]["chrf"] == {"n": 2, "missing": 1, "mean": 45.0, "median": 45.0, "min": 10.0, "max": 80.0}


NODE_DOM = r"""
// Just enough DOM for the index script: a table whose first column holds ids (and error text).
function cell(v, text) { return {attrs: {"data-v": v}, textContent: text,
  getAttribute(k) { return k in this.attrs ? this.attrs[k] : null; }}; }
function head(type) { const listeners = []; return {attrs: {"data-type": type}, listeners,
  getAttribute(k) { return k in this.attrs ? this.attrs[k] : null; },
  setAttribute(k, v) { this.attrs[k] = v; }, removeAttribute(k) { delete this.attrs[k]; },
  querySelector() { return {addEventListener(e, f) { listeners.push(f); }}; }}; }
const [rowsJson, query] = process.argv.slice(-2);
const data = JSON.parse(rowsJson);
const body = {rows: data.map(([id, err]) => ({hidden: false, cells: [cell(id, id + err)]})),
  appendChild(r) { this.rows.splice(this.rows.indexOf(r), 1); this.rows.push(r); }};
const heads = [head("text")];
const filterListeners = [];
const filter = {value: "", addEventListener(e, f) { filterListeners.push(f); }};
global.document = {getElementById(id) { return id === "pairs" ? {tBodies: [body], tHead: {rows: [{cells: heads}]}} : filter; }};
eval(require("fs").readFileSync(0, "utf8"));
heads[0].listeners[0]();
const sorted = body.rows.map(r => r.cells[0].attrs["data-v"]);
filter.value = query;
filterListeners[0]();
console.log(JSON.stringify({sorted, shown: body.rows.filter(r => !r.hidden).map(r => r.cells[0].attrs["data-v"])}));
"""


def test_index_sorts_ids_naturally_and_filters_on_the_id_only() -> None:
    """The index script (run in node with a minimal DOM): "p2" sorts before "p10", and the filter does not
    match a word of an error message shown under an id."""
    import shutil

    from evaluator.render.batch_index import SCRIPT

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    rows = [["p10", ""], ["p2", "FileNotFoundError: missing p1.txt"], ["P1", ""], ["q", ""]]
    got = subprocess.run([node, "-e", NODE_DOM, "--", json.dumps(rows), "p1"], input=SCRIPT,
                         capture_output=True, text=True, timeout=30, check=True)
    result = json.loads(got.stdout)
    assert result["sorted"] == ["P1", "p2", "p10", "q"]
    assert result["shown"] == ["P1", "p10"]  # not p2, whose error text says p1.txt


def test_cli_names_the_failed_pairs_and_counts_them_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """"1 failed" and exit 1 named neither the pair nor why, and "5 scored now" counted the failed one:
    the failed ids come with their error (the first ten, then how many more), and the run's own line
    tells scored from failed."""
    from evaluator.cli import main

    seen: list[list[str]] = []
    _fake_engine(monkeypatch, seen)
    pairs = [(f"p{i:02d}", "A text.", "A text.") for i in range(12)]
    m, out = manifest(tmp_path, pairs), tmp_path / "out"
    assert main(["batch", str(m), "--out", str(out), "--progress", "none"]) == 1
    captured = capsys.readouterr()
    assert "this run: 0 scored, 12 failed; 0 from an earlier run;" in captured.out
    assert "scored now" not in captured.out
    err = captured.err.splitlines()
    assert err[0] == "evaluator: 12 pairs failed:"
    assert [ln.split() for ln in err[1:11]] == [[f"p{i:02d}", "fake"] for i in range(10)]
    assert err[11] == f"  and 2 more; see {out}/results.jsonl"
    assert main(["batch", str(m), "--out", str(out), "-q"]) == 1  # quiet: still says which pairs, and why
    err = capsys.readouterr().err
    assert "evaluator: 12 pairs failed:" in err and "p00  fake" in err


def test_cli_summary_uses_display_names_and_one_decimal() -> None:
    from evaluator.cli.batch import summary_lines

    stat = {"n": 2, "missing": 0, "min": 0.0, "max": 1.0}
    summary = {"pairs": {"total": 3, "ok": 2, "failed": 1, "missing": 0},
               "metrics": {"bleu": {**stat, "mean": 78.0, "median": 78.04}, "chrf": {**stat, "mean": 81.25, "median": 80},
                           "bertscore_f1": {**stat, "mean": 0.91234, "median": 0.9}},
               "findings": {"by_severity": {"critical": 1, "major": 0, "minor": 2, "info": 3}}}
    assert summary_lines(summary) == [
        "pairs: 2 ok, 1 failed, 0 not scored (of 3)",
        "  BLEU mean 78.0 median 78.0; chrF mean 81.2 median 80.0; BERTScore F1 mean 0.912 median 0.900",
        "  findings: 1 critical, 0 major, 2 minor, 3 info"]


def index_fixture(tmp_path: Path, *, failed: bool = True) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A summary and rows as ``summarise`` makes them (no model): findings, a null chrF, a failed pair."""
    from evaluator.batch import summarise
    from evaluator.manifest import PairSpec

    def rec(i: str, chrf: float | None, crit: int = 0, major: int = 0) -> dict[str, Any]:
        return {"id": i, "status": "ok", "report": {
            "metrics": {"chrf": {"score": chrf}, "bleu": {"score": 30.0}, "bertscore": {"f1": 0.9}},
            "coverage": {"original": 1.0, "rewritten": 1.0},
            "summary": {"findings_by_severity": {"critical": crit, "major": major, "minor": 0, "info": 0}}}}

    recs = [rec("clean-high", 90.0), rec("clean-low", 50.0), rec("one-major", 95.0, major=1),
            rec("crit-high", 85.0, crit=1), rec("crit-low", 40.0, crit=1), rec("crit-two", 99.0, crit=2, major=1),
            rec("nothing-aligned", None)]
    if failed:
        recs.insert(2, {"id": "broken", "status": "error", "error": "FileNotFoundError: missing.txt"})
    f = tmp_path / "results.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in recs) + "\n", encoding="utf-8")
    summary, rows = summarise(ResultsFile(f), [PairSpec(str(r["id"]), "x", "y") for r in recs])
    summary["settings"] = {"engine": "local", "workers": 2, "chunk_size": 8, "timeout_per_pair": None,
                           "options": Options(model="<b>model</b>", checks=("numbers", "x&y")).to_dict()}
    return summary, rows


def test_index_lists_worst_first_and_explains_itself(tmp_path: Path) -> None:
    """Failed pairs first, then most critical, most major, lowest chrF (null before any score); the legend
    explains the bars, the Failed card stands out, the run-info line names date, settings and data files."""
    import datetime as dt
    import re

    from evaluator.render.batch_index import render_index

    summary, rows = index_fixture(tmp_path)
    html = render_index(summary, rows, generated=dt.datetime(2030, 1, 2, 3, 4, tzinfo=dt.UTC))
    ids = re.findall(r'<tr class="[^"]*">\s*<td data-v="([^"]*)"', html)
    assert ids == ["broken", "crit-two", "crit-low", "crit-high", "one-major", "nothing-aligned", "clean-low",
                   "clean-high"]
    assert html.count('aria-sort="none"') == 10 and 'title="Sort by chrF"' in html
    assert 'id="legend"' in html and "has a critical finding" in html and "failed to score" in html
    assert 'class="card alert" id="failed-card"' in html
    info = html[html.index('id="run-info"'):html.index("</p>", html.index('id="run-info"'))]
    assert '<time datetime="2030-01-02T03:04:00+00:00">2030-01-02 03:04 UTC</time>' in info
    assert "model: &lt;b&gt;model&lt;/b&gt;" in info and "<b>model" not in html  # escaped
    assert "checks: numbers, x&amp;y" in info and "engine: local, 2 workers" in info
    assert '<a href="summary.json">' in info and '<a href="batch.json">' in info
    assert 'class="scroll" role="region"' in html and "http://" not in html and "https://" not in html

    summary, rows = index_fixture(tmp_path, failed=False)
    del summary["settings"]  # a summary without settings: the date and the links still
    html = render_index(summary, rows)
    assert 'class="card" id="failed-card"' in html and "listed first below" not in html
    assert "model:" not in html and '<a href="summary.json">' in html


def test_index_cards_format_scores_as_the_console_does(tmp_path: Path) -> None:
    """Mean and median with one decimal (BLEU, chrF) or three (BERTScore F1), as the console summary: not
    "56" beside "56.0"."""
    from evaluator.render.batch_index import render_index

    summary, rows = index_fixture(tmp_path)
    stat = {"n": 2, "min": 50.0, "max": 62.0}
    summary["metrics"] = {"chrf": {**stat, "mean": 56.0, "median": 56.04},
                          "bertscore_f1": {**stat, "mean": 0.9, "median": 0.91234}}
    html = render_index(summary, rows)
    assert "chrF mean / median<b>56.0 / 56.0</b>" in html
    assert "BERTScore F1 mean / median<b>0.900 / 0.912</b>" in html


def test_a_ray_batch_probes_its_address_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``run_batch`` checks a Ray address before it makes the output folder and ``run_ray`` does not probe
    it again (one TCP probe a batch).  A stand-in Ray: no instance is started."""
    import sys
    import types

    from evaluator.engines import ray as ray_engine
    from evaluator.errors import InputError

    probes: list[str | None] = []
    monkeypatch.setattr(ray_engine, "check_address", lambda address, timeout=0: probes.append(address))
    monkeypatch.setattr(ray_engine, "_init", lambda ray, address: False)  # as a SIGTERM while connecting
    fake = types.SimpleNamespace(is_initialized=lambda: False, shutdown=lambda: None)
    monkeypatch.setitem(sys.modules, "ray", fake)
    m = manifest(tmp_path, PAIRS[:2])
    res = run_batch(m, tmp_path / "out", Options(bertscore=False), engine="ray", address="10.0.0.1:6379")
    assert probes == ["10.0.0.1:6379"] and res.missing == 2
    # run_ray on its own still checks the address
    probes.clear()
    assert list(ray_engine.run_ray(read_manifest(m), Options(), address="auto")) == [] and probes == ["auto"]

    def unreachable(address: str | None, timeout: float = 0) -> None:
        raise InputError(f"--address {address}: no Ray cluster answers")

    monkeypatch.setattr(ray_engine, "check_address", unreachable)
    with pytest.raises(InputError, match="no Ray cluster answers"):
        run_batch(m, tmp_path / "out2", Options(bertscore=False), engine="ray", address="10.0.0.1:6379")
    assert not (tmp_path / "out2").exists()


def test_a_stop_while_the_models_load_scores_no_pair(tmp_path: Path, options, monkeypatch) -> None:
    """Ctrl-C 2 s into a batch (the models loading) took ~7 s: the first chunk's pre-pass (every pair of
    it parsed and encoded) and its first pair ran before the stop was seen.  Now the run ends once the
    models are loaded, nothing begun, nothing lost: a rerun scores every pair."""
    stop = threading.Event()
    real_load, real_prepare = ChunkScorer._load, ChunkScorer._prepare
    prepared: list[int] = []

    def load_then_stop(self: ChunkScorer, resources: Any = None) -> None:
        real_load(self, resources)
        stop.set()  # as the signal handler does, while the models load

    def prepare(self: ChunkScorer, items: Any) -> None:
        prepared.append(len(items))
        real_prepare(self, items)

    monkeypatch.setattr(ChunkScorer, "_load", load_then_stop)
    monkeypatch.setattr(ChunkScorer, "_prepare", prepare)
    m, out = manifest(tmp_path, PAIRS[:3]), tmp_path / "out"
    res = run_batch(m, out, options, stop=stop, chunk_size=2)
    assert res.stopped and (res.scored, res.missing) == (0, 3) and prepared == []
    assert json.loads((out / "summary.json").read_text())["pairs"]["missing"] == 3
    monkeypatch.setattr(ChunkScorer, "_load", real_load)
    res = run_batch(m, out, options)
    assert not res.stopped and (res.scored, res.ok) == (3, 3) and prepared


def test_progress_counts_one_pair_and_one_line_in_the_singular() -> None:
    """"batch: 1 pairs to score of 1" read wrong (and "score: 1 lines to score")."""
    from evaluator.progress import ScoreLineProgress

    out: list[str] = []
    stream = type("S", (), {"write": lambda self, t: out.append(t), "flush": lambda self: None})()
    LineProgress(stream).start(1, 0)
    LineProgress(stream).start(3, 1)
    ScoreLineProgress(stream, 1)
    assert out == ["batch: 1 pair to score of 1\n", "batch: 2 pairs to score of 3 (1 already done)\n",
                   "score: 1 line to score\n"]
