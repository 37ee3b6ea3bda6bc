"""The Ray engine on a real local Ray instance gives the local engine's results."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from evaluator.batch import run_batch
from tests.test_batch import PAIRS, assert_close, manifest, records, without_timings

ray = pytest.importorskip("ray")

pytestmark = [pytest.mark.ray, pytest.mark.slow]


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def test_ray_equals_local_and_resumes(tmp_path: Path, resources, local_ray) -> None:
    m = manifest(tmp_path, extra=[{"id": "missing", "original": "A.", "rewritten_path": "none.txt"}])
    local = run_batch(m, tmp_path / "local", resources.options, chunk_size=3)
    expected = {r["id"]: r for r in records(tmp_path / "local")}

    out = tmp_path / "ray"
    out.mkdir()
    # Two pairs already done by an earlier (local) run: Ray scores only the other five.
    (out / "results.jsonl").write_text(
        "".join(json.dumps(expected[i], separators=(",", ":")) + "\n" for i in ("neg", "num")))
    res = run_batch(m, out, resources.options, engine="ray", workers=1, chunk_size=3)
    assert (res.resumed, res.scored, res.ok, res.failed) == (2, 5, local.ok, local.failed) == (2, 5, 6, 1)
    got = records(out)
    assert sorted(r["id"] for r in got) == sorted([p[0] for p in PAIRS] + ["missing"])
    for r in got:
        e = expected[r["id"]]
        assert r["status"] == e["status"]
        if r["status"] == "ok":
            assert_close(without_timings(r["report"]), without_timings(e["report"]), r["id"])
        else:
            assert r["error"] == e["error"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["settings"]["engine"] == "ray"
    assert summary["pairs"] == json.loads((tmp_path / "local" / "summary.json").read_text())["pairs"]


def test_a_stopped_stream_leaves_no_ray_data_thread_running(tmp_path: Path, resources, local_ray) -> None:
    """Stopped after its first result, the engine closes Ray Data's stream and waits for the driver-side
    threads it started: one of them touching the core worker after ``ray.shutdown`` ended the CLI with
    exit 1 (Ray's "core worker has already been shutdown") on a loaded CI machine, not exit 130."""
    import threading

    from evaluator.engines.ray import _DATA_THREADS, run_ray
    from evaluator.manifest import read_manifest

    many = [(f"p{i:02d}", o, r) for i, (_, o, r) in enumerate(PAIRS * 3)]
    before = set(threading.enumerate())
    stop = threading.Event()
    got = []
    for result in run_ray(read_manifest(manifest(tmp_path, many)), resources.options, workers=1, chunk_size=2,
                          stop=stop):
        got.append(result)
        stop.set()
    assert len(got) == 1
    left = [t.name for t in threading.enumerate() if t not in before and t.name.startswith(_DATA_THREADS)]
    assert left == []


def test_closing_the_stream_waits_for_its_threads_only() -> None:
    import threading

    from evaluator.engines.ray import _close_stream

    def rows() -> Any:
        yield {"id": "a"}
        yield {"id": "b"}

    release = threading.Event()
    outside = threading.Thread(target=release.wait, name="iter_threaded", daemon=True)
    outside.start()  # a thread of another stream, there before this one: not waited for
    before = set(threading.enumerate())
    go = threading.Event()  # the worker of this stream ends once the timer below sets it
    worker = threading.Thread(target=go.wait, name="iter_threaded", daemon=True)
    other = threading.Thread(target=release.wait, name="unrelated", daemon=True)
    worker.start()
    other.start()
    stream = rows()
    next(stream)
    timer = threading.Timer(0.5, go.set)
    t = time.perf_counter()
    timer.start()
    _close_stream(stream, before, join_s=30)
    assert time.perf_counter() - t >= 0.45  # it waited for the worker ...
    assert not worker.is_alive() and outside.is_alive() and other.is_alive()  # ... and for no other thread
    assert next(stream, None) is None  # closed
    t = time.perf_counter()
    stuck = threading.Thread(target=release.wait, name="StreamingExecutor-x", daemon=True)
    stuck.start()
    _close_stream(iter([]), before, join_s=0.2)  # bounded: a thread that never ends costs join_s
    assert time.perf_counter() - t < 5 and stuck.is_alive()  # bounded (0.2 s; loaded machines are slow)
    release.set()


def _slow_prepass(record: Path) -> Any:
    """A chunk pre-pass that would take 30 s; it notes in ``record`` how long it really ran."""
    def prepare(items: Any) -> None:
        if not items:  # as the real pre-pass: nothing to parse, nothing to time
            return
        t = time.monotonic()
        try:
            time.sleep(30)
        finally:
            with open(record, "a", encoding="utf-8") as fh:
                fh.write(f"{time.monotonic() - t:.3f}\n")
    return prepare


def test_overrunning_prepass_is_cut_as_in_the_local_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           local_ray) -> None:
    """``--timeout-per-pair`` cuts a chunk's pre-pass on Ray as in the local engine: same error records,
    same exit status, and the batch goes on.  (Ray Data calls a class in a helper thread of the actor by
    default, where no alarm can stop the pre-pass: it would run its full 30 s per chunk.)"""
    from evaluator.batch import ChunkScorer
    from evaluator.cli import main
    from evaluator.engines import ray as ray_engine

    m = manifest(tmp_path, PAIRS[:4], extra=[{"id": "missing", "original": "A.", "rewritten_path": "none.txt"}])
    args = ["batch", str(m), "--timeout-per-pair", "1e-4", "--chunk-size", "2", "-q"]

    with monkeypatch.context() as mp:
        mp.setattr(ChunkScorer, "_prepare", staticmethod(_slow_prepass(tmp_path / "local.prepass")))
        t = time.perf_counter()
        local_rc = main([*args, "--out", str(tmp_path / "local")])
        local_s = time.perf_counter() - t

    ray_record = tmp_path / "ray.prepass"
    ray_prepare = _slow_prepass(ray_record)

    class SlowPrepass(ray_engine.PairScorer):  # local class and closure: Ray ships them to the actor by value
        def __init__(self, *a: Any, **kw: Any) -> None:
            super().__init__(*a, **kw)
            self._scorer._prepare = ray_prepare  # type: ignore[method-assign]

    monkeypatch.setattr(ray_engine, "PairScorer", SlowPrepass)
    t = time.perf_counter()
    ray_rc = main([*args, "--out", str(tmp_path / "ray"), "--engine", "ray", "--workers", "1"])
    ray_s = time.perf_counter() - t

    # Chunks [neg, num] and [same, para] each ran a pre-pass, cut at 2 x 1e-4 s, not after its 30 s.
    for record in (tmp_path / "local.prepass", ray_record):
        took = [float(x) for x in record.read_text().split()]
        assert len(took) == 2 and max(took) < 5, (record.name, took)
    assert local_rc == ray_rc == 1
    local, on_ray = records(tmp_path / "local"), records(tmp_path / "ray")
    assert sorted(on_ray, key=lambda r: r["id"]) == sorted(local, key=lambda r: r["id"])
    assert {r["id"] for r in on_ray} == {p[0] for p in PAIRS[:4]} | {"missing"}
    assert all(r["status"] == "error" for r in on_ray)
    assert {r["error"] for r in on_ray if r["id"] != "missing"} == {"PairTimeout: timed out after 0.0001 s"}
    summary = json.loads((tmp_path / "ray" / "summary.json").read_text())
    assert summary["pairs"] == json.loads((tmp_path / "local" / "summary.json").read_text())["pairs"]
    assert summary["pairs"]["failed"] == 5
    print(f"local {local_s:.1f} s, ray {ray_s:.1f} s")


def test_an_address_ray_cannot_join_is_exit_2_in_seconds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A port where no cluster listens, and ray:// without the Ray client package, are one line and exit 2
    within seconds, before the --out folder is made (Ray itself retries the GCS for many minutes, and
    its missing-client ValueError read as an internal error)."""
    from evaluator.cli import main
    from evaluator.engines.ray import _client_dependency_error

    m = manifest(tmp_path, PAIRS[:1])
    for address, words in (("127.0.0.1:1", "no Ray cluster answers"),
                           ("ray://127.0.0.1:1", "ray[client]" if _client_dependency_error() else "no Ray cluster")):
        t = time.perf_counter()
        assert main(["batch", str(m), "--out", str(tmp_path / "out"), "--engine", "ray", "--address", address,
                     "-q"]) == 2
        assert time.perf_counter() - t < 20
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith(f"evaluator: error: --address {address}: ") and words in err
        assert not (tmp_path / "out").exists()


def test_sigterm_mid_ray_batch_stops_cleanly_with_a_summary(tmp_path: Path) -> None:
    """``ray.init`` installs its own SIGTERM handler (sys.exit: exit 15, no summary); the driver's comes
    back after it, so SIGTERM stops a Ray batch as it stops a local one: exit 130, finished lines kept,
    summary.json written."""
    from tests.test_batch import sigterm_mid_batch

    rc, err, out, _, many = sigterm_mid_batch(
        tmp_path, ["--engine", "ray", "--chunk-size", "2", "--progress", "none"], 180)
    assert rc == 130, err
    assert "SIGTERM: finishing" in err and "rerun the same command" in err
    done = records(out)
    assert 2 <= len(done) < len(many) and all(r["status"] == "ok" for r in done)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["pairs"]["ok"] == len(done) and summary["settings"]["engine"] == "ray"
