"""sacrebleu parity: document scores are sacrebleu's corpus scores over the aligned pairs' texts."""
from __future__ import annotations

import pytest
import sacrebleu

from evaluator.metrics.lexical import corpus_scores, sentence_scores

HYPS = ["The cat sat on the mat.", "He did not go to the market today.", "Prices rose by 5 per cent.", ""]
REFS = ["A cat was sitting on the mat.", "He didn't go to market today.", "Prices rose 5%.", "Nothing here."]
REFS2 = ["The cat sat on a mat.", "Today he did not go to the market.", "Prices went up 5%.", "Nothing."]


@pytest.mark.parametrize("refs", [[REFS], [REFS, REFS2]])
def test_corpus_scores_equal_sacrebleu(refs):
    ours = corpus_scores(HYPS, refs)
    assert ours["bleu"].score == pytest.approx(sacrebleu.corpus_bleu(HYPS, refs).score, abs=1e-9)
    assert ours["chrf"].score == pytest.approx(sacrebleu.corpus_chrf(HYPS, refs).score, abs=1e-9)
    assert ours["chrf++"].score == pytest.approx(sacrebleu.corpus_chrf(HYPS, refs, word_order=2).score, abs=1e-9)
    assert ours["ter"].score == pytest.approx(sacrebleu.corpus_ter(HYPS, refs).score, abs=1e-9)
    assert ours["bleu"].signature.startswith(f"nrefs:{len(refs)}|case:mixed|eff:no|tok:13a")
    assert "nw:2" in ours["chrf++"].signature and "nw:0" in ours["chrf"].signature


def test_sentence_scores_equal_sacrebleu():
    for s, h, r in zip(sentence_scores(HYPS, REFS), HYPS, REFS, strict=True):
        assert s.bleu == pytest.approx(sacrebleu.sentence_bleu(h, [r]).score)
        assert s.chrf == pytest.approx(sacrebleu.sentence_chrf(h, [r]).score)
        assert s.ter == pytest.approx(sacrebleu.sentence_ter(h, [r]).score)


def test_identical_text_scores_perfectly():
    s = sentence_scores(["Same words here."], ["Same words here."])[0]
    assert (s.bleu, s.chrf, s.ter) == (pytest.approx(100.0), pytest.approx(100.0), 0.0)


def test_empty_corpus_has_no_score_not_crash():
    """Nothing to compare: no score (None, JSON null), flagged empty; 0.0 would be a perfect TER."""
    scores = corpus_scores([], [[]])
    for name in ("bleu", "chrf", "chrf++", "ter"):
        assert scores[name].score is None and scores[name].extra["empty"] is True
        assert scores[name].to_dict()["score"] is None


@pytest.mark.parametrize("refs", [[REFS], [REFS, REFS2]])
def test_shared_statistics_equal_separate_sacrebleu_calls(refs):
    """document_and_pair_scores computes each pair's statistics once; both results must not change."""
    from evaluator.metrics.lexical import document_and_pair_scores

    doc, pairs = document_and_pair_scores(HYPS, refs)
    alone = corpus_scores(HYPS, refs)
    for name in ("bleu", "chrf", "chrf++", "ter"):
        assert doc[name].score == alone[name].score
        assert doc[name].signature == alone[name].signature
        assert doc[name].extra == alone[name].extra
    assert doc["bleu"].score == pytest.approx(sacrebleu.corpus_bleu(HYPS, refs).score, abs=1e-9)
    # each pair against every reference stream, as sacrebleu's sentence_score(hyp, [ref1, ref2])
    for s, h, *r in zip(pairs, HYPS, *refs, strict=True):
        assert s.bleu == sacrebleu.sentence_bleu(h, r).score
        assert s.chrf == sacrebleu.sentence_chrf(h, r).score
        assert s.chrf_pp == sacrebleu.sentence_chrf(h, r, word_order=2).score
        assert s.ter == sacrebleu.sentence_ter(h, r).score
    assert f"nrefs:{len(refs)}" in doc["bleu"].extra["pair_signature"]
