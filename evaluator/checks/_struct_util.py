"""Shared helpers for the structural checks (roles, omission, terminology, fluency).

The core is a cheap content-word alignment between the two sides of an aligned pair: content tokens
are matched by lemma, surface form, spelling variant (British/American), shared stem and, when the
run has a WordNet database (``CheckContext.wordnet()``), WordNet synonyms.  Checks use the alignment to
tell a pure deletion/insertion (a hole with nothing in its place) from a paraphrase substitution.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..lexicon import UPOS_TO_WN, WordNet
from ..types import Span
from .base import CheckContext

CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "ADV", "NUM"})
# Negators belong to the negation check; reporting them here would double-count.
NEGATORS = frozenset({"not", "n't", "never", "no", "nor", "neither", "none", "nobody", "nothing"})
LIGHT_VERBS = frozenset({"be", "have", "do", "get"})
# Adverbs that add emphasis or discourse colour rather than content.
LIGHT_ADVERBS = frozenset({
    "also", "just", "very", "really", "still", "even", "then", "now", "so", "too", "quite", "already",
    "only", "much", "well", "here", "there", "as", "again", "yet", "however", "therefore", "thus",
    "rather", "pretty", "fairly", "almost", "nearly", "about", "around", "up", "out", "down", "off",
    "on", "in", "over", "back", "away", "all", "both", "either", "ever", "once", "more", "most", "less",
    "least", "further", "furthermore", "moreover", "indeed", "actually", "simply", "certainly",
    "perhaps", "maybe", "probably", "currently", "recently", "previously", "later", "soon", "first",
    "finally", "especially", "particularly", "generally", "usually", "often", "sometimes", "always",
    "together", "instead", "otherwise", "anyway", "et", "al", "etc", "respectively", "approximately",
})
# Verbs and nouns that paraphrases add or drop to carry structure ("took part", "cases", "people").
SUPPORT_VERBS = frozenset({
    "make", "take", "go", "come", "give", "need", "keep", "put", "become", "seem", "let", "want", "try",
    "use", "hold", "bring", "begin", "start", "continue", "remain", "stay", "appear", "happen", "occur",
    "lie", "stand", "show", "find", "set", "see", "say", "tell",
})
GENERIC_NOUNS = frozenset({
    "fact", "case", "thing", "way", "part", "people", "person", "kind", "type", "sort", "number", "lot",
    "area", "region", "place", "time", "addition", "matter", "question", "instance", "example", "issue",
    "situation", "point", "amount", "level", "side", "form", "manner", "aspect", "total", "order",
})
HONORIFICS = frozenset({
    "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame", "president", "sen", "senator",
    "rep", "gov", "governor", "gen", "general", "secretary", "minister", "prime", "vice", "king",
    "queen", "prince", "princess", "lord", "lady", "judge", "justice", "chancellor", "premier", "st",
    "former", "mayor", "pope", "rev", "reverend", "chairman", "chief",
})
RELATIVE_PRONOUNS = frozenset({"that", "which", "who", "whom", "whose"})
_ALNUM = re.compile(r"[^\W_]")
_TITLES_OF_ADDRESS = frozenset({"mr", "mrs", "ms", "mx", "dr", "messrs", "mme", "mlle"})
_CLOSED_CLASS = frozenset({
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as", "and", "or",
    "but", "is", "are", "was", "were", "be", "been", "being", "am", "has", "have", "had", "do", "does",
    "did", "it", "its", "he", "she", "they", "we", "i", "you", "his", "her", "their", "our", "my",
    "your", "this", "that", "these", "those", "which", "who", "whom", "whose", "what", "there", "than",
    "into", "onto", "over", "under", "about", "after", "before", "will", "would", "can", "could",
    "should", "may", "might", "must", "shall", "not", "no", "so", "if", "then", "also", "during",
    "like", "through", "between", "against", "without", "within", "among", "upon", "via", "per", "since",
    "until", "while", "because", "although", "though", "whether", "when", "where", "how", "why",
})


@functools.lru_cache(maxsize=262144)
def norm_text(s: str) -> str:
    """Lower-case, strip punctuation and fold common British/American spelling differences."""
    s = re.sub(r"[^\w]", "", s.lower())
    s = s.replace("oe", "e").replace("ae", "e")
    s = re.sub(r"our(s?)$", r"or\1", s)
    s = re.sub(r"is(e|ed|es|ing|ation|ations)$", r"iz\1", s)
    s = re.sub(r"yse(d|s)?$", r"yze\1", s)
    s = re.sub(r"tre(s?)$", r"ter\1", s)
    return s


def lemma_key(tok: Any) -> str:
    """The matching key of a token: its normalised lemma (surface for numbers and proper nouns)."""
    if tok.pos_ in ("NUM", "PROPN"):
        return norm_text(tok.text)
    return norm_text(tok.lemma_ or tok.text)


def is_content(tok: Any) -> bool:
    """A token that carries content: noun, proper noun, verb (not auxiliary/light), adj, adv, number."""
    if tok.pos_ not in CONTENT_POS or not _ALNUM.search(tok.text):
        return False
    low = tok.lower_
    bare = norm_text(tok.text)
    if bare != low and bare in _CLOSED_CLASS:  # a function word with junk glued on ("the^", "of~")
        return False
    if low in NEGATORS:
        return False
    if tok.pos_ == "VERB" and tok.lemma_.lower() in LIGHT_VERBS:
        return False
    if bare in _TITLES_OF_ADDRESS:  # "Mr." vs "Mr" vs nothing is house style, not content
        return False
    return True


def is_light(tok: Any, added: bool = False) -> bool:
    """A content token whose loss (or, with ``added``, addition) rarely changes what a sentence claims."""
    lemma = tok.lemma_.lower()
    if added and tok.pos_ == "VERB" and lemma in SUPPORT_VERBS:
        return True  # "took part", "goes to": a rewrite adds support verbs; dropping "said" is a loss
    if tok.pos_ == "NOUN" and lemma in GENERIC_NOUNS:
        return True
    if tok.pos_ == "ADV" and (tok.lower_ in LIGHT_ADVERBS or tok.lemma_.lower() in LIGHT_ADVERBS):
        return True
    if tok.pos_ == "ADJ" and tok.lower_ in {"such", "same", "other", "own", "many", "several", "certain",
                                            "more", "most", "less", "least", "much", "few", "various"}:
        return True
    if tok.pos_ == "NUM" and tok.lower_ in {"one"}:
        return True
    return False


@functools.lru_cache(maxsize=8)
def _synonym_fn(wn: WordNet | None) -> Callable[[str, str], frozenset[str]] | None:
    """Synonym lookup (normalised words) in ``wn``, the run's WordNet (``CheckContext.wordnet()``); None without."""
    if wn is None:
        return None

    @functools.lru_cache(maxsize=50000)
    def lookup(lemma: str, pos: str) -> frozenset[str]:
        return frozenset(norm_text(s) for s in wn.synonyms(lemma, UPOS_TO_WN.get(pos, pos)))

    return lookup


def stem_match(a: str, b: str) -> bool:
    """Morphological variants: a shared stem of at least five letters covering most of both words."""
    if len(a) < 5 or len(b) < 5:
        return False
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n >= 5 and n >= 0.7 * min(len(a), len(b))


def tokens_match(a: Any, b: Any, syn: Callable[[str, str], frozenset[str]] | None, fuzzy: bool = True) -> bool:
    """Whether two content tokens say the same thing (lemma, surface, stem or, with ``syn``, synonym)."""
    ka, kb = lemma_key(a), lemma_key(b)
    if ka == kb or a.lower_ == b.lower_ or norm_text(a.text) == norm_text(b.text):
        return True
    if not fuzzy:
        return False
    if stem_match(norm_text(a.text), norm_text(b.text)) or stem_match(ka, kb):
        return True
    if syn is not None and a.pos_ not in ("NUM", "PROPN") and b.pos_ not in ("NUM", "PROPN"):
        return kb in syn(ka, a.pos_) or ka in syn(kb, b.pos_)
    return False


@dataclass
class SideTokens:
    """The content tokens of one side of an aligned pair, in reading order, with sentence indices."""

    tokens: list[Any] = field(default_factory=list)
    sents: list[int] = field(default_factory=list)
    surface: Counter[str] = field(default_factory=Counter)  # every word of the side, normalised

    @classmethod
    def of(cls, ctx: CheckContext, side: str, indices: Sequence[int]) -> SideTokens:
        out = cls()
        for si in indices:
            for t in ctx.parses[side][si]:
                if is_content(t):
                    out.tokens.append(t)
                    out.sents.append(si)
                if not (t.is_punct or t.is_space):
                    out.surface[norm_text(t.text)] += 1
        return out


@dataclass
class ContentAlignment:
    """A many-to-one-free matching between the content tokens of the two sides of a pair."""

    o: SideTokens
    r: SideTokens
    o2r: dict[int, int]
    r2o: dict[int, int]
    # unmatched content tokens whose word still appears on the other side, tagged as something else
    # (a case or tokenisation change moves "HTC" from PROPN to X): present, just not placed
    o_present: set[int] = field(default_factory=set)
    r_present: set[int] = field(default_factory=set)
    fuzzy: int = 0  # matches made by stem or synonym rather than lemma: evidence of paraphrasing

    def unmatched_o(self) -> list[int]:
        return [i for i in range(len(self.o.tokens)) if i not in self.o2r and i not in self.o_present]

    def unmatched_r(self) -> list[int]:
        return [j for j in range(len(self.r.tokens)) if j not in self.r2o and j not in self.r_present]


def align_content(o: SideTokens, r: SideTokens, wn: WordNet | None) -> ContentAlignment:
    """Match content tokens: exact keys first (nearest relative position wins), then fuzzy keys
    (stem, and synonyms in ``wn`` when given)."""
    o2r: dict[int, int] = {}
    r2o: dict[int, int] = {}
    no, nr = max(len(o.tokens), 1), max(len(r.tokens), 1)
    r_keys: dict[str, list[int]] = {}
    for j, t in enumerate(r.tokens):
        r_keys.setdefault(lemma_key(t), []).append(j)
        low = norm_text(t.text)
        if low != lemma_key(t):
            r_keys.setdefault(low, []).append(j)
    # identical surface forms first, so "pets ... pet food" -> "pet food" leaves "pets" unmatched
    r_surface: dict[str, list[int]] = {}
    for j, t in enumerate(r.tokens):
        r_surface.setdefault(t.lower_, []).append(j)
    for i, t in enumerate(o.tokens):
        cands = [j for j in r_surface.get(t.lower_, ()) if j not in r2o]
        if cands:
            j = min(cands, key=lambda j: abs(j / nr - i / no))
            o2r[i], r2o[j] = j, i
    for i, t in enumerate(o.tokens):
        if i in o2r:
            continue
        cands = []
        for k in {lemma_key(t), norm_text(t.text)}:
            cands.extend(j for j in r_keys.get(k, ()) if j not in r2o)
        if cands:
            j = min(cands, key=lambda j: abs(j / nr - i / no))
            o2r[i], r2o[j] = j, i
    exact = len(o2r)
    rest_r = [j for j in range(len(r.tokens)) if j not in r2o]
    if rest_r:
        syn = _synonym_fn(wn)
        for i, t in enumerate(o.tokens):
            if i in o2r:
                continue
            cands = [j for j in rest_r if j not in r2o and tokens_match(t, r.tokens[j], syn)]
            if cands:
                j = min(cands, key=lambda j: abs(j / nr - i / no))
                o2r[i], r2o[j] = j, i
    return ContentAlignment(o, r, o2r, r2o, _present(o, r, o2r, r2o), _present(r, o, r2o, o2r),
                            fuzzy=len(o2r) - exact)


def _present(here: SideTokens, there: SideTokens, h2t: dict[int, int], t2h: dict[int, int]) -> set[int]:
    """Unmatched tokens of ``here`` whose normalised word the other side still has, unused."""
    avail = Counter(there.surface)
    for j in t2h:
        avail[norm_text(there.tokens[j].text)] -= 1
    out = set()
    for i, t in enumerate(here.tokens):
        if i in h2t:
            continue
        key = norm_text(t.text)
        if key and avail[key] > 0:
            avail[key] -= 1
            out.add(i)
    return out


def pair_alignment(ctx: CheckContext, index: int) -> ContentAlignment:
    """The content alignment of aligned pair ``index``, computed once per context and shared by checks."""
    cache = ctx.__dict__.setdefault("_struct_alignments", {})
    al = cache.get(index)
    if al is None:
        pair = ctx.alignment[index]
        al = cache[index] = align_content(SideTokens.of(ctx, "original", pair.original),
                                          SideTokens.of(ctx, "rewritten", pair.rewritten), ctx.wordnet())
    return al


def runs(indices: Sequence[int]) -> list[list[int]]:
    """Group sorted integers into maximal runs of consecutive values."""
    out: list[list[int]] = []
    for i in indices:
        if out and out[-1][-1] == i - 1:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def gap_counterpart(run: Sequence[int], here2there: dict[int, int], n_here: int,
                    unmatched_there: Sequence[int]) -> tuple[list[int], int | None, int | None]:
    """Unmatched tokens on the other side lying where ``run`` would sit, plus the two anchors there.

    The anchors are the counterparts of the matched tokens just before and after the run; when the
    anchors cross (reordering) the whole span between them is searched.
    """
    left = here2there.get(run[0] - 1) if run[0] > 0 else None
    right = here2there.get(run[-1] + 1) if run[-1] + 1 < n_here else None
    if left is not None and right is not None:
        lo, hi = min(left, right), max(left, right)
        gap = [j for j in unmatched_there if lo < j < hi]
    elif left is not None:
        gap = [j for j in unmatched_there if j > left]
    elif right is not None:
        gap = [j for j in unmatched_there if j < right]
    else:
        gap = list(unmatched_there)
    return gap, left, right


def entity_key(tok: Any) -> str:
    """A comparable key for an argument head: last name for people, lemma for common nouns."""
    if tok.pos_ == "PROPN":
        parts = [c for c in tok.children if c.dep_ == "compound" and c.pos_ == "PROPN"] + [tok]
        parts.sort(key=lambda t: t.i)
        names = [norm_text(p.text) for p in parts if norm_text(p.text) not in HONORIFICS]
        return names[-1] if names else norm_text(tok.text)
    if tok.pos_ == "PRON":
        return tok.lower_
    return norm_text(tok.lemma_ or tok.text)


def token_span_of(ctx: CheckContext, side: str, sent_index: int, toks: Sequence[Any]) -> Span:
    """Span from the first to the last of ``toks`` (all from sentence ``sent_index``)."""
    first = min(toks, key=lambda t: t.i)
    last = max(toks, key=lambda t: t.i + 0)
    return ctx.token_span(side, sent_index, first, last)


def trim_tokens(toks: Sequence[Any]) -> list[Any]:
    """Drop leading/trailing punctuation, conjunctions and spaces from a token sequence."""
    toks = list(toks)
    while toks and (toks[0].is_punct or toks[0].is_space or toks[0].pos_ == "CCONJ"):
        toks.pop(0)
    while toks and (toks[-1].is_punct or toks[-1].is_space or toks[-1].pos_ == "CCONJ"):
        toks.pop()
    return toks


def spans_overlap(a_start: int, a_end: int, spans: Sequence[Span]) -> bool:
    return any(s.start < a_end and a_start < s.end for s in spans)


def quote(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
