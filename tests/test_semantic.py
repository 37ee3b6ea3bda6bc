"""BERTScore through the shared encoder must equal bert_score.score, pair by pair."""
from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

from evaluator.encoder import Encoder
from evaluator.errors import ConfigError
from evaluator.metrics import semantic as S
from tests.test_encoder import shared_encoder

pytestmark = pytest.mark.slow

# (candidate = rewritten, reference = original): paraphrases, perturbations, lengths, scripts, edge cases
PAIRS = [
    ("The cat sat on the mat.", "The cat sat on the mat."),
    ("A cat was sitting on the mat.", "The cat sat on the mat."),
    ("The meeting is on Friday.", "The meeting is on Monday."),
    ("Xinjiang does not have more than 330 power plants.", "Xinjiang has more than 330 power plants."),
    ("The doctor encouraged the bankers.", "The doctor was encouraged by the bankers."),
    ("Revenue rose 12% to $4.1bn in 2023.", "Revenue rose 21% to $4.1bn in 2023."),
    ("President Macron met Chancellor Scholz in Berlin.", "President Macron met Chancellor Scholz in Paris."),
    ("He is happy.", "He is sad."),
    ("Short.", "A much longer reference sentence with many more words than the candidate has in it."),
    ("A much longer candidate sentence with many more words than the reference has in it.", "Short."),
    ("naïve café in São Paulo", "Naive cafe in Sao Paulo"),
    ("東京は日本の首都です。", "Tokyo is the capital of Japan."),
    ("Emoji 🙂 test!!!", "Emoji test"),
    ("Will the minister resign?", "The minister will resign."),
    ("The committee, after a long debate, approved the budget.", "After a long debate the committee approved the budget."),
    ("she said she would come tomorrow", "She said she would come tomorrow."),
    ("The the the the", "The"),
    ("Prices fell sharply in March, analysts said, citing weak demand and high inventories in Asia.",
     "Analysts said prices dropped steeply in March because demand was weak and Asian inventories high."),
    ("Zürich and Kraków signed a twin-city agreement.", "Zurich and Krakow signed a partnership deal."),
    (".", "Rangers monitor shooters in pest control trials."),
    ("The vaccine was 95% effective in trials.", "The vaccine was 59% effective in trials."),
    ("Nobody was injured in the fire.", "Several people were injured in the fire."),
]


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    return shared_encoder()


def _bert_score(encoder: Encoder, cands, refs, **kw):
    from tests.conftest import bert_score_module

    bert_score = bert_score_module()  # idf counted without forking this process

    P, R, F = bert_score.score(list(cands), list(refs), model_type=encoder.path, num_layers=encoder.layer,
                               lang="en", device="cpu", **kw)
    return P.numpy(), R.numpy(), F.numpy()


def _ours(encoder: Encoder, cands, refs, *, idf: bool, rescale: bool = False):
    texts = list(dict.fromkeys([*cands, *refs]))
    encs = dict(zip(texts, encoder.encode(texts), strict=True))
    weights = S.idf_dict(encoder, refs) if idf else None
    base = S.load_baseline(encoder) if rescale else None
    out = S.score_pairs(encoder, [encs[c] for c in cands], [encs[r] for r in refs], idf=weights, baseline=base)
    return (np.array([o.precision for o in out]), np.array([o.recall for o in out]),
            np.array([o.f1 for o in out]), out)


@pytest.mark.parametrize("idf", [False, True])
def test_equals_bert_score_per_pair(encoder: Encoder, idf: bool) -> None:
    cands, refs = zip(*PAIRS, strict=True)
    P, R, F = _bert_score(encoder, cands, refs, idf=idf)
    p, r, f, _ = _ours(encoder, cands, refs, idf=idf)
    # bert_score gives NaN where every idf weight of a side is 0 (a "." candidate); we give 0
    nan = np.isnan(P) | np.isnan(R)
    assert np.all(p[np.isnan(P)] == 0.0) and np.all(r[np.isnan(R)] == 0.0)
    ok = ~nan
    for mine, theirs in ((p, P), (r, R), (f, F)):
        assert np.abs(mine[ok] - theirs[ok]).max() < 1e-5
    assert np.abs(f - np.nan_to_num(F)).max() < 1e-5
    assert f[0] > 0.999 and f[1] > f[7]  # identical > paraphrase-ish sanity on real numbers


def test_all_zero_idf_side_scores_zero_where_bert_score_gives_nan(encoder: Encoder) -> None:
    cands, refs = [".", "The cat."], ["A dog ran.", "The cat sat."]  # "." is in every ref: idf 0
    P, R, F = _bert_score(encoder, cands, refs, idf=True)
    p, r, f, _ = _ours(encoder, cands, refs, idf=True)
    assert np.isnan(P[0]) and p[0] == 0.0 and f[0] == 0.0 == F[0]
    assert abs(p[1] - P[1]) < 1e-5 and abs(r[1] - R[1]) < 1e-5 and abs(f[1] - F[1]) < 1e-5


def test_batch_of_equal_length_candidates_matches_bert_score(encoder: Encoder) -> None:
    # 66 "." candidates sort into one batch of ours where nothing needs padding; in bert_score's
    # batches of 64 (input order) a longer candidate pads them. All-negative cosines must score 0
    # as they do there. (bert_score itself gives another number when a batch pads nothing.)
    refs = [f"Report number {i} says that {i * 7} people attended the meeting in the city." for i in range(66)]
    cands = ["."] * 66
    for k in (0, 30, 64, 69):
        cands.insert(k, "A longer candidate sentence that forces padding in bert_score's batch.")
        refs.insert(k, "Something else entirely.")
    P, R, F = _bert_score(encoder, cands, refs, idf=False)
    p, r, f, _ = _ours(encoder, cands, refs, idf=False)
    assert np.abs(f - F).max() < 1e-5 and np.abs(r - R).max() < 1e-5 and np.abs(p - P).max() < 1e-5


def test_layer_only_path_gives_the_same_scores(encoder: Encoder) -> None:
    cands, refs = zip(*PAIRS[:8], strict=True)
    fresh = Encoder(encoder.model, encoder.tokenizer, name=encoder.name, path=encoder.path, layer=encoder.layer)
    quick = S.score_texts(fresh, cands, refs)
    _, _, f, _ = _ours(encoder, cands, refs, idf=False)
    assert np.abs(np.array([q.f1 for q in quick]) - f).max() < 1e-5


def test_rescaled_equals_bert_score_with_our_baseline(encoder: Encoder) -> None:
    cands, refs = zip(*PAIRS[:10], strict=True)
    path = S.baseline_path_for(encoder)
    assert path is not None and path.name == "baseline_all-MiniLM-L6-v2.tsv"
    P, R, F = _bert_score(encoder, cands, refs, rescale_with_baseline=True, baseline_path=str(path))
    p, r, f, _ = _ours(encoder, cands, refs, idf=False, rescale=True)
    assert np.abs(f - F).max() < 1e-5 and np.abs(p - P).max() < 1e-5 and np.abs(r - R).max() < 1e-5
    assert f[0] > 0.99 and min(f) < 0.5  # rescaling spreads the scores


def test_shipped_baseline_row_for_layer(encoder: Encoder) -> None:
    base = S.load_baseline(encoder)
    assert base is not None
    rows = Path(S.DATA_DIR / "baseline_all-MiniLM-L6-v2.tsv").read_text().splitlines()
    assert rows[0] == "LAYER,P,R,F" and len(rows) == 1 + encoder.num_layers + 1
    assert base == tuple(float(x) for x in rows[1 + encoder.layer].split(",")[1:])
    assert all(0.1 < x < 0.7 for x in base)


@pytest.mark.parametrize(
    ("content", "expect"),
    [
        ("LAYER,P,R,F\n0,0.1,0.2,0.3\n3,0.4,0.5,0.6\n", (0.4, 0.5, 0.6)),
        ("LAYER,P,R,F\n0,0.1,0.2,0.3\n", None),  # no row for layer 3
        ("layer,p,r,f\n3,0.7,0.7,0.7\n", (0.7, 0.7, 0.7)),
        ("A,B\n3,0.1\n", ConfigError),
        ("LAYER,P,R,F\n3,zero,0.1,0.1\n", ConfigError),
    ],
)
def test_load_baseline_table(encoder: Encoder, tmp_path: Path, content: str, expect) -> None:
    f = tmp_path / "b.tsv"
    f.write_text(content)
    if expect is ConfigError:
        with pytest.raises(ConfigError):
            S.load_baseline(encoder, f)
    else:
        assert S.load_baseline(encoder, f) == expect


def test_missing_baseline_file_is_config_error(encoder: Encoder, tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        S.load_baseline(encoder, tmp_path / "nope.tsv")


def test_idf_dict_matches_bert_score_conventions(encoder: Encoder) -> None:
    refs = ["The cat sat.", "The dog ran.", "A bird flew."]
    idf = S.idf_dict(encoder, refs)
    tok = encoder.tokenizer
    assert idf[tok.cls_token_id] == 0.0 and idf[tok.sep_token_id] == 0.0  # in every reference
    the = tok.convert_tokens_to_ids("the")
    assert math.isclose(idf[the], math.log(4 / 3))
    assert math.isclose(idf[tok.convert_tokens_to_ids("zebra")], math.log(4))  # unseen


@pytest.mark.parametrize(
    ("cand", "ref", "cand_words", "ref_words"),
    [
        ("The cat sat on the mat.", "The cat sat on the mat.", set(), set()),
        ("Revenue rose 12% to $4.1bn in 2023, the company said.",
         "Revenue rose 12% to $4.1bn in 2023, the company said.", set(), set()),
        ("The minister resigned on Friday after a scandal about quantum cryptography.",
         "The minister resigned on Friday after a scandal.", {"quantum"}, set()),
        ("The minister resigned on Friday.",
         "The minister resigned on Friday after a scandal about quantum cryptography.", set(), {"quantum"}),
    ],
)
def test_unmatched_tokens(encoder: Encoder, cand: str, ref: str, cand_words: set[str], ref_words: set[str]) -> None:
    c, r = encoder.encode([cand, ref])
    (s,) = S.score_pairs(encoder, [c], [r])
    got_c = {c.text[a:b].lower() for a, b in (c.offsets[i] for i in s.cand_unmatched)}
    got_r = {r.text[a:b].lower() for a, b in (r.offsets[i] for i in s.ref_unmatched)}
    assert cand_words <= got_c and ref_words <= got_r
    if not cand_words:
        assert got_c == set()
    if not ref_words:
        assert got_r == set()
    # specials and punctuation are never reported
    for enc, idx in ((c, s.cand_unmatched), (r, s.ref_unmatched)):
        for i in idx:
            a, b = enc.offsets[i]
            assert b > a and any(ch.isalnum() for ch in enc.text[a:b])


def test_threshold_controls_unmatched(encoder: Encoder) -> None:
    c, r = encoder.encode(["He is happy about the new policy.", "She is furious about the old rule."])
    low = S.score_pairs(encoder, [c], [r], threshold=-1.0)[0]
    high = S.score_pairs(encoder, [c], [r], threshold=1.01)[0]
    assert low.cand_unmatched == [] and low.ref_unmatched == []
    # everything that is a word is unmatched at threshold > 1; punctuation and specials never are
    words = [i for i, (a, b) in enumerate(c.offsets.tolist()) if b > a and c.text[a:b].isalnum()]
    assert high.cand_unmatched == words


@pytest.mark.parametrize("threshold", [S.DEFAULT_UNMATCHED_THRESHOLD, 1.01])
def test_a_pair_matched_in_a_batch_equals_the_pair_alone(encoder: Encoder, threshold: float) -> None:
    """Scores and evidence do not depend on the batch: no padded position of a shorter text is ever
    reported, and each row gets its own tokens (threshold 1.01: every word of every text)."""
    cands = ["Short one.", "A much longer candidate sentence about the quarterly revenue of the firm in 2023.",
             "The minister resigned on Friday after a scandal about quantum cryptography.", "Yes."]
    refs = ["A rather longer reference sentence than the candidate it is paired with here.", "Revenue rose.",
            "The minister resigned on Friday after a scandal.", "No, it did not happen that way at all."]
    c_enc, r_enc = encoder.encode(cands), encoder.encode(refs)
    together = S.score_pairs(encoder, c_enc, r_enc, threshold=threshold)
    alone = [S.score_pairs(encoder, [c], [r], threshold=threshold)[0] for c, r in zip(c_enc, r_enc, strict=True)]
    assert together == alone
    for s, c, r in zip(together, c_enc, r_enc, strict=True):
        assert all(i < len(c.input_ids) for i in s.cand_unmatched) and all(i < len(r.input_ids) for i in s.ref_unmatched)
    if threshold > 1:
        assert all(s.cand_unmatched and s.ref_unmatched for s in together)


def test_mismatched_lengths_raise(encoder: Encoder) -> None:
    (c,) = encoder.encode(["One."])
    with pytest.raises(ValueError):
        S.score_pairs(encoder, [c], [])


def test_empty_text_warning_can_be_turned_off(encoder: Encoder, caplog: pytest.LogCaptureFixture) -> None:
    """bert_score's warning for a batch with an empty text by default; ``warn_empty=False`` (a caller
    that names the empty lines itself) drops it, and the scores are the same either way."""
    c, r = encoder.encode_layer_only(["", "The council met on Tuesday."])
    with caplog.at_level("WARNING", logger="evaluator.metrics.semantic"):
        loud = S.score_pairs(encoder, [c], [r])
    assert [m for m in caplog.messages if "Empty candidate sentence detected" in m]
    caplog.clear()
    with caplog.at_level("WARNING", logger="evaluator.metrics.semantic"):
        quiet = S.score_pairs(encoder, [c], [r], warn_empty=False)
    assert not caplog.messages
    assert quiet == loud and quiet[0].f1 == 0.0


def test_signature(encoder: Encoder) -> None:
    import bert_score
    import torch
    import transformers

    sig = S.signature(encoder, idf=True, rescaled=False)
    assert sig == (
        f"bertscore|model:all-MiniLM-L6-v2|rev:53aa51172d14|layer:{encoder.layer}|idf:yes|rescale:no|tok:fast"
        f"|bert_score:{bert_score.__version__}|transformers:{transformers.__version__}"
        f"|torch:{torch.__version__.split('+')[0]}"
    )
    assert re.search(r"\|rescale:yes\|", S.signature(encoder, idf=False, rescaled=True))


def test_mean_scores() -> None:
    scores = [S.PairBertScore(0.5, 0.7, 0.6), S.PairBertScore(0.7, 0.9, 0.8)]
    assert S.mean_scores(scores) == pytest.approx((0.6, 0.8, 0.7))
    assert all(math.isnan(x) for x in S.mean_scores([]))


def test_vendored_greedy_matching_equals_bert_score_greedy_cos_idf() -> None:
    """The hot path runs a copy of ``bert_score.utils.greedy_cos_idf`` (importing bert_score costs
    seconds): on random padded batches, with idf weights and an empty candidate, both agree exactly,
    so an upgrade of bert-score that changes the matching fails here."""
    import torch
    from bert_score.utils import greedy_cos_idf

    from evaluator.metrics.semantic import _greedy

    g = torch.Generator().manual_seed(7)
    n, lc, lr, dim = 5, 9, 12, 16
    c_emb, r_emb = torch.randn(n, lc, dim, generator=g), torch.randn(n, lr, dim, generator=g)
    c_mask, r_mask = torch.zeros(n, lc, dtype=torch.long), torch.zeros(n, lr, dtype=torch.long)
    for i, (a, b) in enumerate([(9, 12), (4, 7), (2, 5), (6, 3), (9, 2)]):  # row 2: [CLS][SEP] only
        c_mask[i, :a], r_mask[i, :b] = 1, 1
    c_idf = torch.rand(n, lc, generator=g) * c_mask
    r_idf = torch.rand(n, lr, generator=g) * r_mask
    theirs = greedy_cos_idf(r_emb.clone(), r_mask, r_idf.clone(), c_emb.clone(), c_mask, c_idf.clone())
    ours = _greedy(r_emb.clone(), r_mask, r_idf.clone(), c_emb.clone(), c_mask, c_idf.clone())
    for a, b in zip(ours, theirs, strict=True):
        assert torch.equal(a, b), (a, b)


def test_matching_threads_give_the_same_results(encoder: Encoder, monkeypatch: pytest.MonkeyPatch) -> None:
    """The matching batches shared among Python threads give exactly the one-thread results, in order."""
    import torch

    pairs = [(f"{c} Item {i}.", f"{r} Item {i % 7}.") for i, (c, r) in enumerate(PAIRS * 12)]
    cands, refs = [c for c, _ in pairs], [r for _, r in pairs]
    assert len(pairs) > 2 * S.SCORE_BATCH and torch.get_num_threads() >= 2
    texts = list(dict.fromkeys([*cands, *refs]))
    encs = dict(zip(texts, encoder.encode(texts), strict=True))
    c_enc, r_enc = [encs[c] for c in cands], [encs[r] for r in refs]
    import threading

    seen: set[str] = set()
    real = S._match_batch

    def spy(*args, **kwargs):
        seen.add(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(S, "_match_batch", spy)
    threaded = S.score_pairs(encoder, c_enc, r_enc)
    assert len(seen) == 2 and all(n.startswith("bertscore-match") for n in seen)
    monkeypatch.setattr(S, "MATCH_THREADS", 1)
    single = S.score_pairs(encoder, c_enc, r_enc)
    assert threaded == single
    assert torch.get_num_threads() >= 2  # restored after the one-thread matching
