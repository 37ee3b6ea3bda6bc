"""Monotonic sentence alignment of an original and its rewrite (1-1, 1-2, 2-1, 1-3, 3-1, 1-0, 0-1; 2-2, 2-3, 3-2).

How it works (Vecalign-like, in the "gain" form of the same dynamic programme):

* A match of ``k`` original and ``l`` rewritten sentences earns ``(k + l) * (s - MIN_SIMILARITY)``
  minus ``MERGE_PENALTY`` per extra sentence, where ``s`` is the cosine of the two units (a unit's
  embedding is the normalised mean of its sentences').  A skip (omission / addition) earns 0, i.e.
  it costs ``1 - MIN_SIMILARITY`` per sentence relative to a perfect match; so leading and trailing
  gaps (excerpts) are free and a pair below ``MIN_SIMILARITY`` is never made.
* A merge is only allowed when the merged unit is more similar than each of its parts
  (``MERGE_MARGIN``): adding a sentence that is not part of the translation dilutes the mean and
  lowers the cosine, so a dropped sentence next to a good 1-1 stays an omission.  Nor when the merge's
  single sentence has a better match of its own (``_Sims.best_matches``: the whole other document for the
  full matrix, the band otherwise): the gain counts sentences, so two dropped sentences that merely
  resemble a kept one (templated text: 0.88 as a unit) outbid the kept one's exact copy (1.0), which
  the DP then left as an omission.
* Memory is linear: documents up to ``FULL_MATRIX_CELLS`` cells use the full similarity matrix;
  longer ones are aligned coarse-to-fine (as Vecalign does): sentences are averaged in chunks of
  ``COARSEN_FACTOR``, the chunks are aligned (recursively), and the sentence-level DP runs only in a
  band of ``window`` columns around the coarse path.  DP tables are stored per row, band wide.
* Swaps: a monotonic path cannot represent two swapped sentences; the DP aligns one of them and
  leaves the other as an omission plus an addition.  A post-pass pairs an omission with a nearby
  addition (within ``SWAP_RADIUS`` entries of the output) whose similarity reaches
  ``SWAP_MIN_SIMILARITY``; the pair is placed at the original's position, so such pairs are the
  only ones whose rewritten index can go backwards.  Two swapped sentences similar enough to match
  each other (near-duplicates that differ in a number or a day) are aligned in order by the DP, not
  left over: a second post-pass uncrosses two adjacent 1-1 pairs whose crossed pairing is more
  similar in sum by ``UNCROSS_MARGIN`` (and two adjacent runs of 2 or 3 such pairs, passages that
  traded places, by ``UNCROSS_MARGIN`` per sentence pair).
* Moves: a sentence (or a whole paragraph) moved further than that is left as an omission here and
  an addition there. A third post-pass pairs what is still alone at any distance when the two are
  each other's best match among the leftovers and reach ``MOVE_MIN_SIMILARITY`` (paraphrase level);
  like a swap, the pair stands at the original's position. The omission check reports a move
  across paragraphs.
* Dominant splits: when one part of a split (or merged) sentence carries most of its meaning, the
  merged unit scores under that part alone and the merge rule refuses it; a post-pass joins a
  sentence left alone to the neighbouring match whose other side holds most of its content words
  (``FRAGMENT_CONTAINED``; words are stemmed, numbers whole) while its own side lacks them, or, for a
  paraphrased part, whose other side is its best match at ``FRAGMENT_MIN_SIMILARITY`` or more, holds
  words its neighbour lacks, and loses at most ``FRAGMENT_TOLERANCE`` of cosine by the join (or, at
  ``FRAGMENT_STRONG_SIMILARITY``, wins on DP gain) (``_absorb_fragments``, ``_fragment_of``).
* Moved boundaries: "A. B+C." -> "A+B. C." is two 1-1 pairs that each miss a part; the last post-pass
  joins two adjacent matches into one (2-2, 2-3, 3-2) when the joined unit beats both by
  ``SHIFT_MARGIN`` and a sentence of one pair is closer to the other pair's counterpart than the
  pairs' sentences are to each other (``SHIFT_CROSS_MARGIN``; ``_join_shifted``).  The DP itself only
  builds 1-k and k-1 shapes, so its cost is unchanged.  Neither post-pass makes a unit of more than
  ``JOIN_MAX_SENTENCES`` sentences (both sides together), so no 3-3 or larger shape is built.
* ``lexical(a, b)`` (e.g. chrF/100) only breaks near-ties: it is evaluated for the few rewrite
  candidates within ``LEXICAL_TIE_MARGIN`` of an original sentence's best match and lowers the 1-1
  gain of each by ``LEXICAL_WEIGHT`` times its lexical score's distance to the best of them, so the
  lexically closest candidate keeps its gain and no cell gains over those of other original sentences
  (a row with a near-tie must not outbid the exact copy of its neighbour, which has no tie).

Deterministic: ties go to the first transition in ``_kinds`` order and to the lower index.
"""
from __future__ import annotations

import bisect
import functools
import itertools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .types import AlignedPair, Document

log = logging.getLogger(__name__)

MIN_SIMILARITY = 0.40  # MiniLM: paraphrases >= 0.75, cut fragments ~0.42-0.9, same-article noise ~0.35
MERGE_PENALTY = 0.10
MERGE_MARGIN = 0.02
SWAP_MIN_SIMILARITY = 0.60
SWAP_RADIUS = 4
MOVE_MIN_SIMILARITY = 0.75  # a sentence moved across the article: paraphrase level, and mutual best
# Two adjacent 1-1 pairs are uncrossed when the crossed pairing is this much more similar in sum.
UNCROSS_MARGIN = 0.05
# A sentence left alone next to a match joins it (a split the merge rule refused) when at least this
# share of its content words is in the match's other side and most of them are not on its own side.
FRAGMENT_CONTAINED = 0.7
# ... or, for a paraphrased part, when it brings words of the other side that the match's own side lacks (more
# than it repeats of that side), that side is its best match in the whole document, its own cosine to it reaches
# FRAGMENT_MIN_SIMILARITY (clearly above the ~0.35 of unrelated sentences of the same article), and the joined
# unit scores within FRAGMENT_TOLERANCE of the match alone (a sentence that is not part of the match dilutes the
# unit far more: it has no component of its own on the other side) ...
FRAGMENT_MIN_SIMILARITY = 0.42
FRAGMENT_TOLERANCE = 0.03
# ... or its cosine reaches FRAGMENT_STRONG_SIMILARITY and the joined unit earns more DP gain than the match and a
# skip (the merge rule alone refused it).
FRAGMENT_STRONG_SIMILARITY = 0.50
# Two adjacent matches whose boundary moved ("A. B+C." -> "A+B. C.") are joined into one when the joined unit
# beats both by SHIFT_MARGIN and a sentence of one is closer to the other's counterpart than the sentences of
# either side are to each other by SHIFT_CROSS_MARGIN (at most max_merge sentences a side).
SHIFT_MARGIN = 0.05
SHIFT_CROSS_MARGIN = 0.05
# Neither join post-pass makes a unit of more sentences than this (both sides together): 2-2, 2-3, 3-2 at most.
JOIN_MAX_SENTENCES = 5
_SHIFT_CHUNK = 512
_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]{3,}")
_SUFFIXES = (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""), ("ily", "y"), ("ly", ""))
_STOP = frozenset("the and was were for that with from this which have has had are not but its his her their they "
                  "them she him you our been will would could should also than then into over after before about "
                  "said says there here when while who whom what where why how all any more most such only".split())
FULL_MATRIX_CELLS = 4_000_000
COARSE_FULL_CELLS = 250_000
COARSEN_FACTOR = 4
DEFAULT_WINDOW = 32
LEXICAL_WEIGHT = 0.10
LEXICAL_TIE_MARGIN = 0.05
LEXICAL_MAX_CANDIDATES = 3

_START, _OMIT, _ADD = 0, 1, 2  # move codes; a match of kind _kinds[c] has code c + 3


@dataclass(frozen=True)
class _Params:
    """Scoring of one DP level."""

    offset: float  # the similarity at which a match is worth exactly as much as skipping
    min_sim: float
    kinds: tuple[tuple[int, int], ...]
    merge_penalty: float = MERGE_PENALTY
    merge_margin: float = MERGE_MARGIN


def _kinds(max_merge: int) -> tuple[tuple[int, int], ...]:
    """Match shapes (ko original, kr rewritten sentences) allowed for ``max_merge``."""
    out = [(1, 1)]
    for size in range(2, max(1, max_merge) + 1):
        out += [(1, size), (size, 1)]
    return tuple(out)


def _normalise(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


def _run_norms(e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Norms of the sums of 2 and 3 consecutive unit vectors, indexed by the run's first sentence."""
    n = len(e)
    d1 = np.einsum("ij,ij->i", e[:-1], e[1:]) if n > 1 else np.zeros(0, np.float32)
    d2 = np.einsum("ij,ij->i", e[:-2], e[2:]) if n > 2 else np.zeros(0, np.float32)
    norm2 = np.sqrt(np.maximum(2.0 + 2.0 * d1, 1e-12))
    norm3 = np.sqrt(np.maximum(3.0 + 2.0 * (d1[:-1] + d1[1:] + d2), 1e-12)) if n > 2 else d2
    return norm2, norm3


_PAD = 3  # columns of NaN kept left of every similarity row, so j-1 .. j-3 are plain slices


def _padded(arr: np.ndarray, left: int = _PAD, right: int = _PAD) -> np.ndarray:
    return np.concatenate([np.full(left, np.nan, np.float32), arr.astype(np.float32), np.full(right, np.nan,
                                                                                                np.float32)])


class _Sims:
    """Similarity rows of each original sentence, over the columns its DP rows can touch."""

    def __init__(self, o: np.ndarray, r: np.ndarray, lo: np.ndarray, hi: np.ndarray, full: bool) -> None:
        n, m = len(o), len(r)
        self.rows: list[tuple[int, np.ndarray]] = []
        if full:
            s = np.full((n, m + _PAD), np.nan, np.float32)
            s[:, _PAD:] = o @ r.T
            self.rows = [(0, s[i]) for i in range(n)]
            return
        for i in range(n):
            # Original sentence i is used by DP rows i+1 .. i+3, at columns j-1 .. j-3.
            c0 = max(0, int(lo[i + 1]) - _PAD)
            c1 = min(m, int(hi[min(n, i + 3)]))
            self.rows.append((c0, _padded(r[c0:c1] @ o[i], right=0)))

    def best_matches(self, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
        """The highest similarity of each original sentence to any one rewritten sentence within its reach
        (the whole rewrite for the full matrix, its band otherwise), and of each rewritten sentence to any
        one original sentence; -inf where a sentence has none."""
        row_best = np.full(n, -np.inf, np.float32)
        col_best = np.full(m, -np.inf, np.float32)
        for i in range(n):
            c0, vals = self.values(i)
            vals = vals[: m - c0]
            if len(vals):
                row_best[i] = vals.max()
                np.fmax(col_best[c0:c0 + len(vals)], vals, out=col_best[c0:c0 + len(vals)])
        return row_best, col_best

    def values(self, i: int) -> tuple[int, np.ndarray]:
        """The first column and the similarities of original sentence ``i`` (without padding)."""
        c0, vec = self.rows[i]
        return c0, vec[_PAD:]

    def at(self, i: int, start: int, width: int) -> np.ndarray:
        """Similarities of original sentence ``i`` with rewrite columns ``start .. start+width-1``."""
        c0, vec = self.rows[i]
        return vec[start - c0 + _PAD: start - c0 + _PAD + width]


def _take(row: np.ndarray, lo: int, start: int, width: int) -> np.ndarray:
    """DP scores of columns ``start ..`` in a band-wide row beginning at ``lo``; -inf outside the band."""
    out = np.full(width, -np.inf)
    a, b = max(start, lo), min(start + width, lo + len(row))
    if a < b:
        out[a - start: b - start] = row[a - lo: b - lo]
    return out


def _dp(o: np.ndarray, r: np.ndarray, lo: np.ndarray, hi: np.ndarray, sims: _Sims, p: _Params,
        bonus: dict[int, tuple[np.ndarray, np.ndarray]] | None = None) -> list[tuple[int, int]]:
    """Best monotonic path through the band; returns the moves (ko, kr) from the start to the end."""
    n, m = len(o), len(r)
    no2, no3 = _run_norms(o)
    nr2, nr3 = (_padded(x) for x in _run_norms(r))
    max_l = max(kr for _, kr in p.kinds)
    max_k = max(ko for ko, _ in p.kinds)
    # A merged unit must score at least what its single sentence scores with its best match alone (module docstring).
    row_best, col_best = sims.best_matches(n, m) if max(max_k, max_l) > 1 else (np.zeros(n), np.zeros(m))
    col_best = _padded(col_best)
    scores: dict[int, np.ndarray] = {}
    moves: list[np.ndarray] = []
    for i in range(n + 1):
        start, width = int(lo[i]), int(hi[i] - lo[i] + 1)
        best = np.full(width, -np.inf)
        mv = np.zeros(width, np.int8)
        if i == 0:
            best[0] = 0.0  # lo[0] == 0: the start cell
        else:
            prev = _take(scores[i - 1], int(lo[i - 1]), start, width)
            upd = prev > best
            best[upd], mv[upd] = prev[upd], _OMIT
            s_o = {kr: sims.at(i - 1, start - kr, width) for kr in range(1, max_l + 1)}  # S[i-1, j-kr]
            s_r = {ko: sims.at(i - ko, start - 1, width) for ko in range(2, max_k + 1) if i - ko >= 0}
            for code, (ko, kr) in enumerate(p.kinds, start=3):
                if i - ko < 0:
                    continue
                comp: np.ndarray | None = None
                if ko == 1 and kr == 1:
                    s = s_o[1]
                elif ko == 1 and kr == 2:
                    s = (s_o[1] + s_o[2]) / nr2[start - 2 + _PAD: start - 2 + _PAD + width]
                    comp = np.maximum(s_o[1], s_o[2])
                elif ko == 1 and kr == 3:
                    s = (s_o[1] + s_o[2] + s_o[3]) / nr3[start - 3 + _PAD: start - 3 + _PAD + width]
                    comp = np.maximum.reduce([s_o[1], s_o[2], s_o[3], (s_o[2] + s_o[3]) / nr2[start - 3 + _PAD: start - 3 + _PAD + width],
                                              (s_o[1] + s_o[2]) / nr2[start - 2 + _PAD: start - 2 + _PAD + width]])
                elif ko == 2 and kr == 1:
                    s = (s_r[2] + s_o[1]) / no2[i - 2]
                    comp = np.maximum(s_r[2], s_o[1])
                elif ko == 3 and kr == 1:
                    s = (s_r[3] + s_r[2] + s_o[1]) / no3[i - 3]
                    comp = np.maximum.reduce([s_r[3], s_r[2], s_o[1], (s_r[3] + s_r[2]) / no2[i - 3],
                                              (s_r[2] + s_o[1]) / no2[i - 2]])
                else:  # pragma: no cover - _kinds only builds the shapes above
                    raise ValueError(f"unsupported alignment kind {ko}-{kr}")
                gain = (ko + kr) * (s - p.offset) - p.merge_penalty * (ko + kr - 2)
                ok = s >= p.min_sim
                if comp is not None:
                    ok &= s >= comp + p.merge_margin
                    # ... and its single sentence has no better match of its own: counting sentences, a merge of
                    # two sentences that merely resemble it (a template, a repeated phrase) earns more gain than
                    # the 1-1 with its exact copy next to them, which the DP would leave an omission.
                    ok &= s >= (row_best[i - 1] if kr > 1 else col_best[start - 1 + _PAD: start - 1 + _PAD + width])
                elif bonus and (i - 1) in bonus:
                    cols, extra = bonus[i - 1]
                    add = np.zeros(width)
                    inside = (cols + 1 >= start) & (cols + 1 < start + width)
                    add[cols[inside] + 1 - start] = extra[inside]
                    gain = gain + add
                cand = np.where(ok, _take(scores[i - ko], int(lo[i - ko]), start - kr, width) + gain, -np.inf)
                upd = cand > best
                best[upd], mv[upd] = cand[upd], code
        # Additions move along the row: D[j] = max(best[j], D[j-1]) is a running maximum.  On a tie
        # the addition wins, so the backtrace reaches the lower rewrite index for the match.
        run = np.maximum.accumulate(best)
        before = np.concatenate([[-np.inf], run[:-1]])
        mv[(before >= best) & (before > -np.inf)] = _ADD
        scores[i] = run
        scores.pop(i - max_k - 1, None)
        moves.append(mv)
    path: list[tuple[int, int]] = []
    i, j = n, m
    while i or j:
        code = int(moves[i][j - lo[i]])
        if code == _OMIT:
            step = (1, 0)
        elif code == _ADD:
            step = (0, 1)
        elif code >= 3:
            step = p.kinds[code - 3]
        else:  # pragma: no cover - the band always connects (0, 0) to (n, m)
            raise RuntimeError(f"alignment backtrace stuck at ({i}, {j})")
        path.append(step)
        i, j = i - step[0], j - step[1]
    path.reverse()
    return path


def _band_from_points(points: list[tuple[int, int]], n: int, m: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-row column range [lo, hi] around a monotone path of DP points, ``w`` columns each side."""
    gmin = np.full(n + 1, np.inf)
    gmax = np.full(n + 1, -np.inf)
    for (xa, ya), (xb, yb) in zip(points, points[1:], strict=False):
        if xb == xa:
            gmin[xa] = min(gmin[xa], ya, yb)
            gmax[xa] = max(gmax[xa], ya, yb)
            continue
        rows = np.arange(xa, xb + 1)
        g = ya + (rows - xa) * ((yb - ya) / (xb - xa))
        gmin[rows] = np.minimum(gmin[rows], g)
        gmax[rows] = np.maximum(gmax[rows], g)
    nxt = np.append(gmax[1:], gmax[-1])
    lo = np.clip(np.floor(gmin) - w, 0, m).astype(np.int64)
    hi = np.clip(np.ceil(np.maximum(gmax, nxt)) + w, 0, m).astype(np.int64)
    lo = np.minimum.accumulate(lo[::-1])[::-1].copy()
    hi = np.maximum.accumulate(hi)
    lo[0], hi[n] = 0, m
    return lo, hi


def _coarsen(e: np.ndarray, f: int) -> np.ndarray:
    """Normalised means of consecutive chunks of ``f`` sentences."""
    return _normalise(np.add.reduceat(e, np.arange(0, len(e), f), axis=0).astype(np.float32))


def _background(o: np.ndarray, r: np.ndarray, samples: int = 4096) -> float:
    """Median similarity of random pairs: what unrelated chunks of these documents score."""
    rng = np.random.default_rng(0)
    ii = rng.integers(0, len(o), samples)
    jj = rng.integers(0, len(r), samples)
    return float(np.median(np.einsum("ij,ij->i", o[ii], r[jj])))


def _band(o: np.ndarray, r: np.ndarray, window: int, full_cells: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """The DP band: full below ``full_cells``, else around the path of the coarsened documents."""
    n, m = len(o), len(r)
    if n * m <= full_cells or min(n, m) <= COARSEN_FACTOR:
        return np.zeros(n + 1, np.int64), np.full(n + 1, m, np.int64), True
    f = COARSEN_FACTOR
    oc, rc = _coarsen(o, f), _coarsen(r, f)
    clo, chi, cfull = _band(oc, rc, window, COARSE_FULL_CELLS)
    params = _Params(offset=_background(oc, rc), min_sim=-1.0, kinds=((1, 1),), merge_penalty=0.0)
    path = _dp(oc, rc, clo, chi, _Sims(oc, rc, clo, chi, cfull), params)
    points, ci, cj = [(0, 0)], 0, 0
    for ko, kr in path:
        ci, cj = ci + ko, cj + kr
        points.append((min(ci * f, n), min(cj * f, m)))
    lo, hi = _band_from_points(points, n, m, max(window, 2 * f))
    return lo, hi, False


def _unit_similarity(o: np.ndarray, r: np.ndarray, oi: tuple[int, ...], rj: tuple[int, ...]) -> float:
    if not oi or not rj:
        return 0.0
    a = o[list(oi)].sum(axis=0)
    b = r[list(rj)].sum(axis=0)
    return float(a @ b / max(float(np.linalg.norm(a) * np.linalg.norm(b)), 1e-12))


def _lexical_bonus(sims: _Sims, original: Document, rewritten: Document,
                   lexical: Callable[[str, str], float], min_sim: float) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Lexical scores for the near-tied best candidates of each original sentence (a handful of cells)."""
    out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    calls = 0
    for i in range(len(sims.rows)):
        c0, vec = sims.values(i)
        if len(vec) < 2:
            continue
        order = np.argsort(-vec, kind="stable")[:LEXICAL_MAX_CANDIDATES]
        top = float(vec[order[0]])
        keep = order[(vec[order] >= top - LEXICAL_TIE_MARGIN) & (vec[order] >= min_sim)]
        if len(keep) < 2:
            continue
        cols = keep + c0
        text = original.sentences[i].text
        vals = np.array([float(lexical(text, rewritten.sentences[int(j)].text)) for j in cols])
        calls += len(cols)
        # Relative to the row's best candidate: the tie is broken inside the row, and no cell gains over the cells
        # of other rows.  An absolute bonus went only to rows that have a near-tie: a sentence near-tied between
        # two neighbours took the exact copy of the sentence before it, which has no tie and so no bonus.
        vals = np.clip(vals, 0.0, 1.0)
        out[i] = (cols.astype(np.int64), LEXICAL_WEIGHT * (vals - vals.max()))
    log.debug("lexical tie-breaker evaluated on %d cells", calls)
    return out


def _pair_swaps(pairs: list[AlignedPair], o: np.ndarray, r: np.ndarray, min_sim: float) -> list[AlignedPair]:
    """Pair omissions with nearby additions that match them well (swapped sentences)."""
    omissions = [(p, q.original[0]) for p, q in enumerate(pairs) if not q.rewritten]
    additions = [(p, q.rewritten[0]) for p, q in enumerate(pairs) if not q.original]
    cands: list[tuple[float, int, int, int, int]] = []
    for po, i in omissions:
        for pa, j in additions:
            if abs(po - pa) <= SWAP_RADIUS:
                s = float(o[i] @ r[j])
                if s >= min_sim:
                    cands.append((-s, i, j, po, pa))
    cands.sort()
    used_o: set[int] = set()
    used_a: set[int] = set()
    replace: dict[int, AlignedPair] = {}
    drop: set[int] = set()
    for neg, i, j, po, pa in cands:
        if po in used_o or pa in used_a:
            continue
        used_o.add(po)
        used_a.add(pa)
        replace[po] = AlignedPair((i,), (j,), -neg)
        drop.add(pa)
    if replace:
        log.debug("paired %d swapped sentence(s)", len(replace))
    return [replace.get(p, q) for p, q in enumerate(pairs) if p not in drop]


def _pair_moves(pairs: list[AlignedPair], o: np.ndarray, r: np.ndarray, min_sim: float) -> list[AlignedPair]:
    """Pair an omission with an addition anywhere in the document when each is the other's most
    similar leftover and they reach ``min_sim``: a sentence moved beyond the swap radius."""
    omissions = [(p, q.original[0]) for p, q in enumerate(pairs) if not q.rewritten]
    additions = [(p, q.rewritten[0]) for p, q in enumerate(pairs) if not q.original]
    if not omissions or not additions:
        return pairs
    sim = o[[i for _, i in omissions]] @ r[[j for _, j in additions]].T
    best_a = sim.argmax(axis=1)  # ties: the lower index, as everywhere in the alignment
    best_o = sim.argmax(axis=0)
    replace: dict[int, AlignedPair] = {}
    drop: set[int] = set()
    for a, b in enumerate(best_a):
        if best_o[b] == a and float(sim[a, b]) >= min_sim:
            (po, i), (pa, j) = omissions[a], additions[b]
            replace[po] = AlignedPair((i,), (j,), float(o[i] @ r[j]))
            drop.add(pa)
    if replace:
        log.debug("paired %d moved sentence(s)", len(replace))
    return [replace.get(p, q) for p, q in enumerate(pairs) if p not in drop]


def _uncross(pairs: list[AlignedPair], o: np.ndarray, r: np.ndarray, min_sim: float) -> list[AlignedPair]:
    """Swap two adjacent 1-1 pairs ``i->j, i+1->j+1`` into ``i->j+1, i+1->j`` when the crossed
    pairing is more similar in sum by ``UNCROSS_MARGIN`` and each crossed pair reaches ``min_sim``;
    then the same for two adjacent runs of 2 and of 3 such pairs (``_uncross_blocks``).

    Two near-duplicate sentences that trade places ("120 cases on Monday" / "140 on Tuesday") are
    similar enough to match each other, so the DP pairs them in order and the swap repair, which
    looks only at omissions and additions, never sees them: the report said both numbers changed.
    """
    for width in (1, 2, 3):
        pairs = _uncross_blocks(pairs, o, r, min_sim, width)
    return pairs


def _uncross_blocks(pairs: list[AlignedPair], o: np.ndarray, r: np.ndarray, min_sim: float,
                    width: int) -> list[AlignedPair]:
    """Uncross two adjacent runs of ``width`` 1-1 pairs (width 1: two swapped sentences; 2 or 3: passages that traded
    places ("spoke on Tuesday. She said it would pass." / "... on Wednesday. ... fail.") are each
    similar enough to the other to be aligned in order, and each of their sentences reported changed."""
    out = list(pairs)
    k = 0
    while k + 2 * width <= len(out):
        block = out[k:k + 2 * width]
        if not all(p.kind == "1-1" for p in block):
            k += 1
            continue
        i0, j0 = block[0].original[0], block[0].rewritten[0]
        if not all(p.original[0] == i0 + n and p.rewritten[0] == j0 + n for n, p in enumerate(block)):
            k += 1
            continue
        straight = sum(float(o[i0 + n] @ r[j0 + n]) for n in range(2 * width))
        crossed = [float(o[i0 + n] @ r[j0 + (n + width) % (2 * width)]) for n in range(2 * width)]
        if min(crossed) >= min_sim and sum(crossed) >= straight + width * UNCROSS_MARGIN:
            out[k:k + 2 * width] = [AlignedPair((i0 + n,), (j0 + (n + width) % (2 * width),), crossed[n])
                                    for n in range(2 * width)]
            log.debug("uncrossed two runs of %d sentence(s) at %d", width, i0)
            k += 2 * width
            continue
        k += 1
    return out


def _stem(word: str) -> str:
    """A cheap suffix stemmer: the inflected forms of one word meet.

    "flooded", "floods", "flooding" -> "flood"; "buildings" -> "build"; "homes", "home" -> "hom";
    "cutting" -> "cut"; "families", "family" -> "famy"; "replied", "reply" -> "rep"; "added", "add" -> "add";
    "agreed", "agree" -> "agr".  A second suffix is stripped only after a plural or a y-ending ("ies",
    "ied"): "houses" -> "hous" like "house", not "hou".
    """
    if word[0].isdigit():
        return word.replace(",", "")  # "62,000" and "62000" are one number; "1.5" stays whole
    for _ in range(2):
        for suffix, repl in _SUFFIXES:
            if (word.endswith(suffix) and len(word) - len(suffix) >= 3
                    and not (suffix == "s" and word.endswith(("ss", "us")))):  # "press", "status"
                word = word[: len(word) - len(suffix)] + repl
                if (suffix in ("ing", "ed") and word[-1] == word[-2] and word[-1] not in "aeioulsz"
                        and len(word) > 3):
                    word = word[:-1]  # "cutting" -> "cut", "stopped" -> "stop"; "added" -> "add"
                break
        else:
            break
        if suffix not in ("s", "ies", "ied"):
            break  # "houses" -> "hous" ("house"), not "hou"
    while word.endswith("e") and len(word) > 3:
        word = word[:-1]  # "agree", "agreed" -> "agr"
    return word


@functools.lru_cache(maxsize=4096)
def _content(text: str) -> frozenset[str]:
    """Content words of a sentence, stemmed; numbers as whole tokens (cached: a lone sentence is read
    again for each neighbouring match it may belong to)."""
    return frozenset(_stem(w) for w in _WORD.findall(text.casefold()) if w not in _STOP)


def _absorb_fragments(pairs: list[AlignedPair], o: np.ndarray, r: np.ndarray, original: Document,
                      rewritten: Document, max_merge: int, min_sim: float, offset: float) -> list[AlignedPair]:
    """Join a sentence left alone to the neighbouring match it was split from (or merged into).

    The merge rule asks a merged unit to beat each of its parts, which fails when one part carries
    most of the meaning: "... approved a budget on Thursday after a long debate that lasted until
    midnight." -> "... approved a budget on Thursday." + "The debate was long and lasted until
    midnight." (0.920 for the first part alone, 0.877 for both), and the second part was reported as
    an addition and its words as a dropped clause. A lone sentence next to a match (adjacent on its
    side, ``max_merge`` sentences a side and ``JOIN_MAX_SENTENCES`` in all) joins it when the joined
    unit stays at ``min_sim`` or above and (``_fragment_of``):

    * words: at least ``FRAGMENT_CONTAINED`` of its content words (two or more) are in the match's
      other side and fewer than half are on the match's own side (it adds what that side lacked); or
    * embeddings (paraphrased merges, whose words differ): see ``_fragment_of``.

    Joins repeat (after a join the entry before the grown match is looked at again), so a
    three-sentence merge whose two minor parts were both left alone is rebuilt, on either side of
    the match and in either order.
    """
    out = list(pairs)
    k = 0
    while k < len(out):
        lone = out[k]
        if lone.is_match:
            k += 1
            continue
        side = "rewritten" if lone.rewritten else "original"
        idx = (lone.rewritten or lone.original)[0]
        joined = False
        for nb in (k - 1, k + 1):
            if not 0 <= nb < len(out) or not out[nb].is_match:
                continue
            m = out[nb]
            mine = m.rewritten if side == "rewritten" else m.original
            theirs = m.original if side == "rewritten" else m.rewritten
            if (len(mine) >= max_merge or len(mine) + len(theirs) >= JOIN_MAX_SENTENCES
                    or idx not in (mine[0] - 1, mine[-1] + 1)):
                continue
            unit = tuple(sorted((*mine, idx)))
            oi, rj = (theirs, unit) if side == "rewritten" else (unit, theirs)
            sim = _unit_similarity(o, r, oi, rj)
            if sim < min_sim or not _fragment_of(m, side, idx, sim, o, r, original, rewritten, offset):
                continue
            out[nb] = AlignedPair(oi, rj, sim)
            del out[k]
            log.debug("joined %s sentence %d to its neighbouring match", side, idx)
            # Step back to the entry before the grown match: a lone sentence there was looked at before
            # the match reached it ([lone R0, lone R1, O0-R2]: R1 joins, then R0 is next to O0-R1R2).
            k = max(min(k, nb) - 1, 0)
            joined = True
            break
        if not joined:
            k += 1
    return out


def _fragment_of(m: AlignedPair, side: str, idx: int, joined: float, o: np.ndarray, r: np.ndarray,
                 original: Document, rewritten: Document, offset: float) -> bool:
    """Whether lone sentence ``idx`` of ``side`` is a part of match ``m`` (whose unit plus it scores ``joined``).

    By words (``FRAGMENT_CONTAINED``), or by embeddings: a paraphrased part ("Rivers burst their banks
    before dawn." in "... rain fell on Napier, causing rivers to overflow before dawn ...") shares few
    surface words, but some words of the other side that the match's own side lacks, its own cosine to
    the other side is well above that of an unrelated sentence, that side is its best match in the whole
    other document, and it barely lowers the unit's cosine (``FRAGMENT_MIN_SIMILARITY``,
    ``FRAGMENT_TOLERANCE``) or is clearly related and wins on DP gain (``FRAGMENT_STRONG_SIMILARITY``).
    A dropped sentence next to a match has no component of its own on the other side: it scores near
    same-article noise and dilutes the unit; a related added one ("Insurers have received thousands of
    claims.") brings no word of the other side that its neighbour lacks.  A sentence that mostly repeats
    the match's own side's words (a duplicate) is never a part.
    """
    doc, other = (rewritten, original) if side == "rewritten" else (original, rewritten)
    mine = m.rewritten if side == "rewritten" else m.original
    theirs = m.original if side == "rewritten" else m.rewritten
    words = _content(doc.sentences[idx].text)
    there = set().union(*(_content(other.sentences[t].text) for t in theirs))
    here = set().union(*(_content(doc.sentences[t].text) for t in mine))
    shared, repeated = words & there, words & here
    if words and 2 * len(repeated) >= len(words):
        return False  # it repeats the match's own side (a duplicate): nothing of the other side is missing there
    if len(words) >= 2 and len(shared) >= FRAGMENT_CONTAINED * len(words):
        return True
    if words and words <= shared and not words & here and any(w[:1].isdigit() for w in words):
        return True  # "She was 91." -> "..., aged 91": all it says, a figure among it, is in the other side
    if len(shared - here) <= len(repeated):
        return False  # it brings no word of the other side that the match's own side lacks
    vec, against = (r[idx], o) if side == "rewritten" else (o[idx], r)
    lone = max(float(against[t] @ vec) for t in theirs)
    if lone < FRAGMENT_MIN_SIMILARITY:
        return False
    if joined < m.similarity - FRAGMENT_TOLERANCE:
        size = len(m.original) + len(m.rewritten)
        gain_joined = (size + 1) * (joined - offset) - MERGE_PENALTY * (size - 1)
        gain_apart = size * (m.similarity - offset) - MERGE_PENALTY * (size - 2)
        if lone < FRAGMENT_STRONG_SIMILARITY or gain_joined <= gain_apart:
            return False
    return int(np.argmax(against @ vec)) in theirs  # one row, only for the few candidates that got here


def _join_shifted(pairs: list[AlignedPair], o: np.ndarray, r: np.ndarray, max_merge: int) -> list[AlignedPair]:
    """Join two adjacent matches whose shared sentence boundary moved in the rewrite.

    "A said X. B added Y and Z." -> "A said X and Y. Z, B said." is two 1-1 pairs that each miss a
    part the other pair's counterpart holds, so the checks report the part as dropped from one pair
    and added to the other.  The joined unit then scores clearly above both pairs (``SHIFT_MARGIN``),
    and a sentence of one pair is closer to the other pair's counterpart than neighbouring sentences
    are to each other (``SHIFT_CROSS_MARGIN``); two independent 1-1 pairs gain a little from averaging
    at most, and their cross cosines are at the level of their neighbours'.  The joined unit holds at
    most ``JOIN_MAX_SENTENCES`` sentences (2-2, 2-3, 3-2), and ``max_merge`` a side.
    """
    def joinable(a: AlignedPair, b: AlignedPair) -> bool:
        return (a.is_match and b.is_match and len(a.original) + len(b.original) <= max_merge
                and len(a.rewritten) + len(b.rewritten) <= max_merge
                and len(a.original) + len(b.original) + len(a.rewritten) + len(b.rewritten) <= JOIN_MAX_SENTENCES
                and a.original[-1] + 1 == b.original[0] and a.rewritten[-1] + 1 == b.rewritten[0])

    # The joined units of all adjacent matches at once (a Python call each would dominate long documents);
    # only the pairs whose joined unit clears SHIFT_MARGIN, and the matches a join makes, are looked at again.
    cand = [(a, b) for a, b in zip(pairs, pairs[1:], strict=False) if joinable(a, b)]
    promising: set[tuple[int, int]] = set()
    for c0 in range(0, len(cand), _SHIFT_CHUNK):  # in chunks: memory stays flat
        chunk = cand[c0:c0 + _SHIFT_CHUNK]
        oidx = [a.original + b.original for a, b in chunk]
        ridx = [a.rewritten + b.rewritten for a, b in chunk]
        ou = np.add.reduceat(o[np.concatenate(oidx)], np.cumsum([0] + [len(x) for x in oidx[:-1]]), axis=0)
        ru = np.add.reduceat(r[np.concatenate(ridx)], np.cumsum([0] + [len(x) for x in ridx[:-1]]), axis=0)
        sims = np.einsum("ij,ij->i", ou, ru) / np.maximum(np.linalg.norm(ou, axis=1) * np.linalg.norm(ru, axis=1), 1e-12)
        best = np.array([max(a.similarity, b.similarity) for a, b in chunk])
        promising.update((id(chunk[c][0]), id(chunk[c][1])) for c in np.flatnonzero(sims >= best + SHIFT_MARGIN - 1e-6))
    if not promising:
        return list(pairs)
    given = {id(p) for p in pairs}
    out = list(pairs)
    k = 0
    while k + 1 < len(out):
        a, b = out[k], out[k + 1]
        fresh = id(a) not in given or id(b) not in given
        if not joinable(a, b) or not (fresh or (id(a), id(b)) in promising):
            k += 1
            continue
        oi, rj = a.original + b.original, a.rewritten + b.rewritten
        sim = _unit_similarity(o, r, oi, rj)
        if sim < max(a.similarity, b.similarity) + SHIFT_MARGIN:
            k += 1
            continue
        cross = max(_unit_similarity(o, r, a.original, b.rewritten), _unit_similarity(o, r, b.original, a.rewritten))
        near = max(_unit_similarity(o, o, a.original, b.original), _unit_similarity(r, r, a.rewritten, b.rewritten))
        if cross >= near + SHIFT_CROSS_MARGIN:
            out[k:k + 2] = [AlignedPair(oi, rj, sim)]
            log.debug("joined two matches with a moved boundary at original %d", oi[0])
            continue
        k += 1
    return out


def align(orig_emb: np.ndarray, rew_emb: np.ndarray, original: Document, rewritten: Document, *,
          lexical: Callable[[str, str], float] | None = None, max_merge: int = 3, window: int | None = None,
          min_similarity: float = MIN_SIMILARITY) -> list[AlignedPair]:
    """Align the sentences of ``original`` and ``rewritten``; every sentence appears exactly once.

    ``orig_emb`` / ``rew_emb`` are the L2-normalised sentence embeddings in sentence order.
    ``window`` forces the banded DP with that many columns each side of the coarse path (default:
    full matrix below ``FULL_MATRIX_CELLS`` cells, else ``DEFAULT_WINDOW``).
    """
    o = np.ascontiguousarray(orig_emb, dtype=np.float32)
    r = np.ascontiguousarray(rew_emb, dtype=np.float32)
    n, m = len(original.sentences), len(rewritten.sentences)
    if o.shape[0] != n or r.shape[0] != m:
        raise ValueError(f"embeddings {o.shape[0]}x / {r.shape[0]}x do not match {n} / {m} sentences")
    if n == 0 or m == 0:
        return [AlignedPair((i,), (), 0.0) for i in range(n)] + [AlignedPair((), (j,), 0.0) for j in range(m)]
    if o.ndim != 2 or r.ndim != 2 or o.shape[1] != r.shape[1]:
        raise ValueError(f"embedding shapes {o.shape} and {r.shape} are not [n, d] / [m, d]")
    full_cells = 0 if window is not None else FULL_MATRIX_CELLS
    lo, hi, full = _band(o, r, window if window is not None else DEFAULT_WINDOW, full_cells)
    sims = _Sims(o, r, lo, hi, full)
    bonus = _lexical_bonus(sims, original, rewritten, lexical, min_similarity) if lexical else None
    params = _Params(offset=min_similarity, min_sim=min_similarity, kinds=_kinds(max_merge))
    path = _dp(o, r, lo, hi, sims, params, bonus)
    log.debug("aligned %d x %d sentences, %s band of %d cells", n, m, "full" if full else "coarse-to-fine",
              int((hi - lo + 1).sum()))
    pairs: list[AlignedPair] = []
    i = j = 0
    for ko, kr in path:
        oi, rj = tuple(range(i, i + ko)), tuple(range(j, j + kr))
        pairs.append(AlignedPair(oi, rj, _unit_similarity(o, r, oi, rj)))
        i, j = i + ko, j + kr
    swap_min = max(SWAP_MIN_SIMILARITY, min_similarity)
    pairs = _pair_moves(_pair_swaps(pairs, o, r, swap_min), o, r, max(MOVE_MIN_SIMILARITY, min_similarity))
    pairs = _uncross(pairs, o, r, swap_min)
    if max_merge > 1:
        pairs = _absorb_fragments(pairs, o, r, original, rewritten, max_merge, swap_min, min_similarity)
        pairs = _join_shifted(pairs, o, r, max_merge)
    return _place_insertions(pairs, swap_min)


def _place_insertions(pairs: list[AlignedPair], min_sim: float) -> list[AlignedPair]:
    """Each rewrite-only sentence back in the rewrite's order.  The DP's path has them there; a swap or a
    move of the pairs around one can leave it behind (an added sentence listed after later ones).  Only a
    close one-to-one match may stand out of the rewrite's order (a moved sentence): an added sentence goes
    after every other pair of earlier rewrite sentences and before every one of later ones, and among the
    moved matches between those, after the last that holds an earlier sentence."""
    added = sorted((p for p in pairs if not p.original), key=lambda p: p.rewritten[0])
    if not added:
        return pairs
    rest = [p for p in pairs if p.original]

    def movable(p: AlignedPair) -> bool:
        return len(p.original) == 1 and len(p.rewritten) == 1 and p.similarity >= min_sim - 1e-6

    # Pairs that may not stand out of order, by their last and by their first rewrite sentence, with the
    # furthest row among those ending before j and the nearest among those starting after it (bisection:
    # a long document has thousands of rows).
    rigid = [(k, p) for k, p in enumerate(rest) if p.rewritten and not movable(p)]
    by_last = sorted((max(p.rewritten), k + 1) for k, p in rigid)
    last_keys = [x for x, _ in by_last]
    after_row = list(itertools.accumulate((k for _, k in by_last), max))
    by_first = sorted(((min(p.rewritten), k) for k, p in rigid), reverse=True)
    first_keys = [-x for x, _ in by_first]  # ascending for bisect
    before_row = list(itertools.accumulate((k for _, k in by_first), min))
    slots: dict[int, list[AlignedPair]] = {}
    for ins in added:
        j = ins.rewritten[0]
        n_below = bisect.bisect_left(last_keys, j)
        lo = after_row[n_below - 1] if n_below else 0
        n_above = bisect.bisect_left(first_keys, -j)  # rigid pairs whose first sentence is after j
        hi = before_row[n_above - 1] if n_above else len(rest)
        at = lo
        for k in range(min(hi, len(rest)) - 1, lo - 1, -1):  # the moved matches between: after the last earlier one
            if rest[k].rewritten and max(rest[k].rewritten) < j:
                at = k + 1
                break
        slots.setdefault(at, []).append(ins)
    out: list[AlignedPair] = []
    for k in range(len(rest) + 1):
        out.extend(slots.get(k, []))
        if k < len(rest):
            out.append(rest[k])
    return out


__all__ = ["align", "MIN_SIMILARITY", "DEFAULT_WINDOW", "FULL_MATRIX_CELLS"]
