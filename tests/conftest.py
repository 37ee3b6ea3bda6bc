"""Shared fixtures: the real models are loaded once per test session."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "reference_sets" / "examples" / "korea-diplomacy"

for _var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ[_var] = "1"
# Every finding code a check reports must be in evaluator/checks/codes.py (docs/findings.md lists them):
# run_checks raises otherwise (here and in the CLI subprocesses the tests start), and so does each check's
# own run, which the check tables call directly (_strict_codes below).
os.environ["EVALUATOR_STRICT_CODES"] = "1"


def _strict_codes() -> None:
    import functools

    from evaluator.checks import REGISTRY, load_all
    from evaluator.checks.codes import CODES

    load_all()
    for cls in REGISTRY.values():
        run = cls.run
        if getattr(run, "_strict_codes", False):
            continue

        @functools.wraps(run)
        def checked(self, ctx, _run=run):  # type: ignore[no-untyped-def]
            for f in _run(self, ctx):
                assert CODES.get(f.code, ("",))[0] == f.check, (
                    f"finding code {f.check}/{f.code} is missing from evaluator/checks/codes.py")
                yield f

        checked._strict_codes = True  # type: ignore[attr-defined]
        cls.run = checked


_strict_codes()


# The suite runs offline: any connection to another host (or name lookup of one) fails at once with
# an OSError and is recorded in tests.netguard.ATTEMPTS; loopback (Ray, Playwright's driver) and Unix
# sockets stay open.  tests/test_offline.py checks the guard itself.
from tests import netguard  # noqa: E402

netguard.install()


@pytest.fixture(scope="session")
def resources():
    from evaluator.options import Options
    from evaluator.pipeline import load_resources

    return load_resources(Options())


@pytest.fixture(scope="session")
def example_report(resources):
    from evaluator.pipeline import compare_files

    return compare_files(str(EXAMPLE / "original.txt"), str(EXAMPLE / "rewritten.txt"), resources=resources)


@pytest.fixture
def no_network_attempts():
    """Fails the test if anything in it tried to reach another host (even if the error was swallowed)."""
    before = len(netguard.ATTEMPTS)
    yield
    assert netguard.ATTEMPTS[before:] == [], f"network attempts: {netguard.ATTEMPTS[before:]}"


def bert_score_module():
    """bert_score, its ``get_idf_dict`` counting in a thread pool instead of a forked process pool.

    bert_score (0.3.13) counts idf in ``multiprocessing.Pool``, which forks this test process; once
    Ray, torch or the tokenizers have started threads, a forked child can block for ever on a lock
    one of them held (seen: a child of ``test_semantic`` waiting on the pool's queue lock after the
    Ray tests).  A thread pool runs the same function over the same references: the same counts.
    """
    from multiprocessing.dummy import Pool

    import bert_score
    import bert_score.utils

    bert_score.utils.Pool = Pool  # type: ignore[attr-defined]
    return bert_score


@pytest.fixture
def no_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading a model fails the test: input errors must be found before any model loads (test_bad_input*)."""
    import evaluator.encoder
    import evaluator.pipeline
    import evaluator.segment

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a model was loaded for an input that is unusable")

    monkeypatch.setattr(evaluator.encoder, "load_encoder", refuse)
    monkeypatch.setattr(evaluator.segment, "load_nlp", refuse)
    monkeypatch.setattr(evaluator.pipeline, "_RESOURCES", {})  # no models loaded earlier in the session either


@pytest.fixture(scope="module")
def options(resources: Any) -> Any:
    """The loaded resources' options (test_batch*)."""
    return resources.options
