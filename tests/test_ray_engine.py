"""The Ray engine on a real local Ray instance gives the local engine's results."""
from __future__ import annotations

import json
from pathlib import Path

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
