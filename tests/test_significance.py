"""Paired significance tests: sacrebleu's own PairedTest for lexical metrics, the same procedure per segment."""
from __future__ import annotations

import os

import numpy as np
import pytest
from sacrebleu.metrics import CHRF
from sacrebleu.significance import PairedTest

from evaluator.metrics.significance import SEED_MAX, lexical_paired_test, paired_segment_test

from .test_gate import BASE_HYPS, BASE_REFS, damage, noise, regression


@pytest.mark.parametrize("method,test_type", [("bootstrap", "bs"), ("ar", "ar")])
def test_lexical_p_value_is_sacrebleus(method: str, test_type: str) -> None:
    ours = lexical_paired_test("chrf", BASE_HYPS, noise(), [BASE_REFS], method=method, n_samples=300, seed=12345)
    os.environ.pop("SACREBLEU_SEED", None)  # sacrebleu's default seed is 12345
    _, scores = PairedTest([("b", BASE_HYPS), ("s", noise())], {"chrf": CHRF()}, [BASE_REFS],
                           test_type=test_type, n_samples=300)()
    base, sys_ = scores["chrF2"]
    assert ours.p_value == pytest.approx(sys_.p_value)
    assert (ours.baseline, ours.system) == pytest.approx((base.score, sys_.score))
    assert "SACREBLEU_SEED" not in os.environ  # the seed we set for the call is taken back


CASES = [
    # (metric, system, expected p range)
    ("bleu", regression, (0.0, 0.01)),
    ("chrf", regression, (0.0, 0.01)),
    ("chrf++", regression, (0.0, 0.01)),
    ("ter", regression, (0.0, 0.01)),
    ("chrf", noise, (0.1, 1.0)),
    ("ter", noise, (0.1, 1.0)),
]


@pytest.mark.parametrize("metric,make,p_range", CASES)
def test_lexical_regression_and_noise(metric: str, make: object, p_range: tuple[float, float]) -> None:
    res = lexical_paired_test(metric, BASE_HYPS, make(), [BASE_REFS], n_samples=300)  # type: ignore[operator]
    assert p_range[0] <= res.p_value <= p_range[1], res
    assert res.n_segments == len(BASE_REFS)


def test_multi_reference_streams() -> None:
    refs2 = [damage(r) for r in BASE_REFS]
    one = lexical_paired_test("bleu", BASE_HYPS, regression(), [BASE_REFS], n_samples=100)
    two = lexical_paired_test("bleu", BASE_HYPS, regression(), [BASE_REFS, refs2], n_samples=100)
    assert two.system > one.system  # the damaged second reference matches the damaged lines


SEGMENT_CASES = [
    # (baseline, system, method, expected p range)
    ([0.9] * 50, [0.8] * 50, "bootstrap", (0.0, 0.03)),
    ([0.9] * 50, [0.8] * 50, "ar", (0.0, 0.03)),
    ([0.9] * 50, [0.9 + (0.01 if i % 2 else -0.01) for i in range(50)], "bootstrap", (0.3, 1.0)),
    ([0.9] * 50, [0.9 + (0.01 if i % 2 else -0.01) for i in range(50)], "ar", (0.3, 1.0)),
    ([0] * 100, [1 if i < 1 else 0 for i in range(100)], "bootstrap", (0.2, 1.0)),  # 1 more finding
    ([0] * 100, [1 if i < 1 else 0 for i in range(100)], "ar", (0.99, 1.0)),  # every trial ties with it
    ([0.5] * 40, [0.5] * 40, "bootstrap", (0.99, 1.0)),  # identical systems are not different
    ([0] * 100, [1 if i < 3 else 0 for i in range(100)], "ar", (0.15, 0.35)),  # 3 more: sign test gives 1/4
    ([0] * 100, [1 if i % 3 == 0 else 0 for i in range(100)], "bootstrap", (0.0, 0.01)),  # 34 more
]


@pytest.mark.parametrize("base,system,method,p_range", SEGMENT_CASES)
def test_segment_tests(base: list[float], system: list[float], method: str, p_range: tuple[float, float]) -> None:
    res = paired_segment_test("x", base, system, method=method, n_samples=500)
    assert p_range[0] <= res.p_value <= p_range[1], res
    assert res.difference == pytest.approx(float(np.mean(system) - np.mean(base)))


def test_segment_test_is_reproducible_and_seeded() -> None:
    rng = np.random.default_rng(0)
    a = rng.normal(0.9, 0.05, 80)
    b = a - 0.01 + rng.normal(0, 0.03, 80)
    first = paired_segment_test("x", a, b, n_samples=400, seed=1)
    assert paired_segment_test("x", a, b, n_samples=400, seed=1).p_value == first.p_value
    assert 0 < first.p_value < 1


@pytest.mark.parametrize("args,words", [
    ((["a"], ["a", "b"]), "as many"),
    (([], []), "at least one"),
])
def test_bad_inputs(args: tuple[list[str], list[str]], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        lexical_paired_test("chrf", args[0], args[1], [args[0]])
    with pytest.raises(ValueError, match="unknown significance method"):
        paired_segment_test("x", [1.0], [1.0], method="t")


@pytest.mark.parametrize("method,test_type", [("bootstrap", "bs"), ("ar", "ar")])
def test_seed_zero_is_seeded(method: str, test_type: str) -> None:
    """sacrebleu treats SACREBLEU_SEED=0 as no seed; seed 0 reaches it as SEED_MAX + 1: the same p-value
    every run, sacrebleu's own for that seed."""
    runs = {lexical_paired_test("chrf", BASE_HYPS, noise(), [BASE_REFS], method=method, n_samples=200,
                                seed=0).p_value for _ in range(4)}
    assert len(runs) == 1, runs
    os.environ["SACREBLEU_SEED"] = str(SEED_MAX + 1)
    try:
        _, scores = PairedTest([("b", BASE_HYPS), ("s", noise())], {"chrf": CHRF()}, [BASE_REFS],
                               test_type=test_type, n_samples=200)()
    finally:
        os.environ.pop("SACREBLEU_SEED", None)
    assert runs == {scores["chrF2"][1].p_value}
    seg = {paired_segment_test("x", [0.9] * 30, [0.9 + 0.01 * (i % 3 - 1) for i in range(30)], method=method,
                               n_samples=200, seed=0).p_value for _ in range(3)}
    assert len(seg) == 1


@pytest.mark.parametrize("kwargs,words", [
    ({"seed": -1}, "seed must be an integer from 0"),
    ({"seed": SEED_MAX + 1}, "seed must be an integer from 0"),
    ({"n_samples": 0}, "n_samples must be a positive integer"),
])
def test_bad_seeds_and_samples(kwargs: dict[str, int], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        lexical_paired_test("chrf", ["a"], ["a"], [["a"]], **kwargs)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=words):
        paired_segment_test("x", [1.0], [1.0], **kwargs)  # type: ignore[arg-type]
