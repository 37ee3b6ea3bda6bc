"""The pytest plugin: a tiny test file using assert_quality and the evaluator_resources fixture, run by pytester."""
from __future__ import annotations

from typing import Any

import pytest

from evaluator.errors import GateFailure, InputError
from evaluator.testing import assert_quality, failure_message

pytest_plugins = ["pytester"]

REF = ["The council approved 300 new homes on Tuesday.", "The bridge reopened after two years of repairs."]
GOOD = ["The council approved 300 new homes on Tuesday.", "The bridge re-opened after two years of repairs."]
BAD = ["The council rejected 500 new homes on Tuesday.", "The bridge reopened after two years of repairs."]

USER_TESTS = f'''
import pytest
from evaluator.errors import GateFailure
from evaluator.testing import assert_quality

REF = {REF!r}
GOOD = {GOOD!r}
BAD = {BAD!r}

def test_good_translation_passes(evaluator_resources):
    data = assert_quality(GOOD, REF, min_chrf=80, min_bleu=50, min_bertscore_f1=0.9,
                          max_findings={{"critical": 0}}, resources=evaluator_resources)
    assert data["gate"]["status"] == "pass"

def test_single_strings(evaluator_resources):
    assert_quality(GOOD[0], REF[0], min_chrf=99, resources=evaluator_resources)

def test_bad_translation_fails(evaluator_resources):
    assert_quality(BAD, REF, min_chrf=90, max_findings={{"critical": 0}}, resources=evaluator_resources)
'''


def test_plugin_in_a_users_suite(pytester: Any, resources: Any) -> None:
    # The same process: the fixture's load_resources() returns the models this session already loaded.
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    out = result.stdout.str()
    assert "GateFailure" in out
    assert "quality gate fail: 2 of 2 thresholds not met" in out
    assert "FAIL min.chrf" in out and "FAIL max_findings.critical" in out
    assert "numbers/number-changed" in out and "'300'" in out and "'500'" in out
    assert "scores: BLEU" in out


def test_failure_is_an_assertion_error_with_scores(resources: Any) -> None:
    with pytest.raises(AssertionError) as info:
        assert_quality(BAD, REF, min_bertscore_f1=0.999, resources=resources)
    assert isinstance(info.value, GateFailure)
    text = str(info.value)
    assert text.splitlines()[0] == "quality gate fail: 1 of 1 thresholds not met"
    assert "BERTScore F1 0.9" in text and "worst findings" in text


def test_bad_arguments() -> None:
    with pytest.raises(InputError, match="2 hypotheses but 1 references"):
        assert_quality(GOOD, REF[0])
    with pytest.raises(InputError, match="list of strings"):
        assert_quality([1, 2], REF)  # type: ignore[list-item]
    from evaluator.errors import ConfigError

    with pytest.raises(ConfigError, match="neither a severity"):
        assert_quality(GOOD, REF, max_findings={"criticall": 0})


def test_failure_message_without_findings() -> None:
    data = {"gate": {"status": "fail", "results": [
        {"status": "fail", "name": "min.chrf", "message": "chrf 10 is not >= 50"}]},
        "systems": {"hyp": {"bleu": {"score": 1}, "chrf": {"score": 10}, "chrf++": {"score": 9},
                            "ter": {"score": 90}}},
        "segments": [{"index": 0, "systems": {"hyp": {"findings": []}}}]}
    assert failure_message(data).splitlines() == [
        "quality gate fail: 1 of 1 thresholds not met", "  FAIL min.chrf: chrf 10 is not >= 50",
        "scores: BLEU 1.00  chrF 10.00  chrF++ 9.00  TER 90.00  (1 segments)", "no findings"]
