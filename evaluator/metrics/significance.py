"""Paired significance tests: is the difference between a baseline and a new system real?

BLEU, chrF, chrF++ and TER go through sacrebleu's own ``PairedTest`` (paired bootstrap resampling
as in Moses' ``bootstrap-hypothesis-difference-significance.pl``, or approximate randomisation),
so a p-value here is the p-value ``sacrebleu --paired-bs`` prints.  Per-segment scores that
sacrebleu does not know (BERTScore F1, finding counts) get the same procedures over segments, with
the same fixed seed, on the mean of the per-segment values.  Two differences: the bootstrap centres
resampled differences on the observed difference, and the p-value counts
resampled statistics *at least* as large as the observed one, (count(stat >= real) + 1) / (n + 1)
as in Noreen (1989), where sacrebleu counts strictly larger ones.  On continuous scores the two
agree; on sparse finding counts the strict form calls a single extra finding (or two identical
systems) significant, because every randomised trial ties with the observed difference.

Every p-value is two-sided (the statistic is the absolute difference) and tests the null hypothesis
"no difference", not "the difference is within some margin".

Seeds are integers from 0 to ``SEED_MAX`` (TOML's largest integer).  sacrebleu reads
``SACREBLEU_SEED=0`` as "no seed" (its ``PairedTest`` passes ``seed or None`` on), so seed 0 reaches
it as ``SEED_MAX + 1`` (``sacrebleu_seed``), a value no user seed takes: every seed, 0 included, gives
the same p-values run after run.
"""
from __future__ import annotations

import logging
import numbers
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_SEED = 12345  # sacrebleu's default (SACREBLEU_SEED)
SEED_MAX = 2**63 - 1  # the largest TOML integer
METHODS = ("bootstrap", "ar")
_SACRE_TYPE = {"bootstrap": "bs", "ar": "ar"}


@dataclass(frozen=True)
class PairedResult:
    """A paired test's answer: both scores, their difference and its two-sided p-value."""

    metric: str
    baseline: float
    system: float
    p_value: float
    method: str
    n_samples: int
    n_segments: int

    @property
    def difference(self) -> float:
        return self.system - self.baseline

    def to_dict(self) -> dict[str, Any]:
        return {"metric": self.metric, "baseline": round(self.baseline, 6), "system": round(self.system, 6),
                "p_value": round(self.p_value, 6), "method": self.method, "n_samples": self.n_samples,
                "n_segments": self.n_segments}


def sacrebleu_seed(seed: int) -> int:
    """The seed handed to sacrebleu for ``seed``: itself, but 0 (which sacrebleu would read as "no
    seed", drawing entropy from the OS) becomes ``SEED_MAX + 1``, outside the seeds a user can give."""
    return seed if seed != 0 else SEED_MAX + 1


def _check(method: str, n_base: int, n_sys: int, n_samples: int = 1, seed: int = DEFAULT_SEED) -> None:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed <= SEED_MAX:
        raise ValueError(f"seed must be an integer from 0 to {SEED_MAX}, not {seed!r}")
    if isinstance(n_samples, bool) or not isinstance(n_samples, int) or n_samples < 1:
        raise ValueError(f"n_samples must be a positive integer, not {n_samples!r}")
    if method not in METHODS:
        raise ValueError(f"unknown significance method {method!r} (use {' or '.join(METHODS)})")
    if n_base != n_sys:
        raise ValueError(f"paired test needs as many baseline as system segments ({n_base} != {n_sys})")
    if n_base == 0:
        raise ValueError("paired test needs at least one segment")


def lexical_paired_test(metric: str, baseline_hyps: Sequence[str], system_hyps: Sequence[str],
                        references: Sequence[Sequence[str]], *, method: str = "bootstrap",
                        n_samples: int = 1000, seed: int = DEFAULT_SEED) -> PairedResult:
    """sacrebleu's paired test of one metric (bleu, chrf, chrf++, ter); ``references`` are streams."""
    from sacrebleu.significance import PairedTest

    from .lexical import _metric

    _check(method, len(baseline_hyps), len(system_hyps), n_samples, seed)
    # PairedTest reads its seed from the environment; set it for the call and put it back after.
    old = os.environ.get("SACREBLEU_SEED")
    os.environ["SACREBLEU_SEED"] = str(sacrebleu_seed(int(seed)))
    try:
        test = PairedTest([("baseline", list(baseline_hyps)), ("system", list(system_hyps))],
                          {metric: _metric(metric)}, [list(r) for r in references],
                          test_type=_SACRE_TYPE[method], n_samples=n_samples)
        _, scores = test()
    finally:
        if old is None:
            os.environ.pop("SACREBLEU_SEED", None)
        else:
            os.environ["SACREBLEU_SEED"] = old
    key = next(k for k in scores if k != "System")
    base: Any = scores[key][0]
    sys_: Any = scores[key][1]
    return PairedResult(metric, float(base.score), float(sys_.score), float(sys_.p_value), method,
                        n_samples, len(system_hyps))


def lexical_corpus_scores(metric: str, baseline_hyps: Sequence[str], system_hyps: Sequence[str],
                          references: Sequence[Sequence[str]]) -> tuple[float, float]:
    """sacrebleu's corpus scores of both sides on the same lines (what ``lexical_paired_test``
    compares), without a test: (baseline, system)."""
    from .lexical import _metric

    refs = [list(r) for r in references]
    return (float(_metric(metric).corpus_score(list(baseline_hyps), refs).score),
            float(_metric(metric).corpus_score(list(system_hyps), refs).score))


def paired_segment_test(metric: str, baseline: Sequence[float], system: Sequence[float], *,
                        method: str = "bootstrap", n_samples: int = 1000,
                        seed: int = DEFAULT_SEED) -> PairedResult:
    """Paired test on the mean of per-segment values (BERTScore F1, finding counts ...)."""
    import numpy as np

    _check(method, len(baseline), len(system), n_samples, seed)
    b = np.asarray(baseline, dtype=np.float64)
    s = np.asarray(system, dtype=np.float64)
    n = len(b)
    real = abs(float(s.mean()) - float(b.mean()))
    rng = np.random.default_rng(int(seed))
    if method == "bootstrap":
        # Resample segments as sacrebleu does; centre the resampled |differences| on the observed one
        # (Berg-Kirkpatrick et al. 2012) rather than on their own mean, which on sparse counts drifts
        # by a rounding error and turns p = 0.26 into 0.09.
        idxs = rng.choice(n, size=(n_samples, n), replace=True)
        diffs = np.abs(s[idxs].mean(axis=1) - b[idxs].mean(axis=1))
        stats = diffs - real
    else:
        # Approximate randomisation: swap each pair's two values with probability 1/2.
        swap = rng.integers(2, size=(n_samples, n), dtype=bool)
        a = np.where(swap, s, b).mean(axis=1)
        c = np.where(swap, b, s).mean(axis=1)
        stats = np.abs(a - c)
    p = (float(np.sum(stats >= real - 1e-12)) + 1.0) / (len(stats) + 1.0)
    return PairedResult(metric, float(b.mean()), float(s.mean()), p, method, n_samples, n)
