"""Direct quotations must survive verbatim, attributed to the same speaker.

Quotations are found in each document's text (“ ” " ‘ ’ ' « » „ “), compared word by word after
normalising quote characters, case, whitespace and punctuation, and matched per aligned pair, with
the neighbouring pairs allowed (a quotation can straddle a sentence split).  A quotation split around
its attribution ("“The economy is strong,” Smith said, “and jobs are growing.”") is also compared as
one, its fragments joined in order, so splitting or joining a quotation is no misquote.

The speaker is the head of the speech verb's subject: "Smith's spokesman" is the spokesman, not Smith.  A
changed speaker is evidenced by the attribution whole ("Roly Keating, the library's chief executive, said" ->
"said Brett Callow of Emsisoft"), critical where two people are named with no name in common.  Names the text
declares one source's, in either document and any sentence ("The International Chess Federation, known as
FIDE", "FIDE, the International Chess Federation", "... Federation (FIDE)"), are one speaker and one source
(``declared_aliases``).

Reported (indirect) speech is compared too (``attributions``, code attribution-changed): the source of a
claim (the subject of a verb of saying with a clause, "according to X", or a hedge adverb that leaves it
unnamed) must stay the same source ("police said" -> "the suspect said" is another claim), and a claim of
others must not become its subject's own word ("allegedly stole" -> "admitted he stole" / "says he stole"),
nor a plain statement when the verb is reworded too ("He allegedly stole the funds" -> "He took the funds":
the claim's verb paired by lemma, or by the same subject (its appositive too) with a shared object, or as each
side's only main verb with the same subject), unless the other side hedges or attributes in some other way.
A hedged verb of saying is such a claim too ("X reportedly told ministers that ..." -> "X warned ministers
that ...": that X said it is what others report).
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..reference_sets import LETTER_FOLD, _strip_accents
from ..types import Document, Finding, Severity, Span
from ._lex_util import CHANNEL_NOUNS, neighbour_indices, subject_of
from ._names_util import fuzzy_equal, name_variant
from ._struct_util import _synonym_fn, tokens_match
from .base import CheckContext, register
from .tense import REPORT_ADVERBS

_WORD = re.compile(r"\w+(?:['’\-]\w+)*")
_SPEECH = {"say", "tell", "add", "ask", "write", "state", "declare", "explain", "insist", "note", "acknowledge",
           "remark", "reply", "respond", "warn", "argue", "claim", "announce", "comment", "conclude", "stress",
           "emphasize", "emphasise", "continue", "recall", "tweet", "describe", "call"}
_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "prof", "professor", "president", "secretary", "minister",
               "sir", "lady", "lord", "gen", "general", "senator", "sen", "rep", "gov", "governor", "mayor",
               "chancellor", "premier", "judge", "justice", "rev", "st", "saint", "prime", "vice", "state",
               "foreign", "the", "former", "chief", "adviser", "advisor", "national", "security", "spokesman",
               "spokeswoman", "spokesperson"}
_MIN_WORDS_MAJOR = 3  # shorter quotations (scare quotes) that vanish are a minor note
# Fragments of one quotation split around its attribution: at most this many, with at most this many
# words between two of them ("," Smith said, "" / ," said Smith's spokesman on Tuesday. ").
_MAX_FRAGMENTS = 3
_MAX_GAP_WORDS = 12
# Dependents of the subject's head that name someone else ("Smith's spokesman", "the spokesman for
# Smith", "Smith, whose lawyer ...") or describe the speaker ("Smith, the minister"): not the speaker's name.
_NOT_THE_SPEAKER = frozenset({"poss", "prep", "appos", "relcl", "acl", "advcl", "case", "npadvmod"})
# Impersonal channels through which someone speaks: "a statement from Smith's office" is Smith's office
# speaking, as "Smith's office" is.  A spokesman is a person, another speaker than the one he speaks for.
_CHANNEL_NOUNS = CHANNEL_NOUNS | {"office", "website", "account", "post", "letter", "email", "press"}

# Differences of form that leave a quotation's words and meaning alone: contractions, the case of a
# pronoun ("I" / "me" / "my": same person and number), British and American spellings.
_CONTRACTIONS = {"n't": ("not",), "'re": ("are",), "'ve": ("have",), "'ll": ("will",), "'m": ("am",),
                 "'d": ("would",), "'s": ("is",)}
_IRREGULAR = {"can't": ("can", "not"), "cannot": ("can", "not"), "won't": ("will", "not"),
              "shan't": ("shall", "not"), "ain't": ("is", "not"), "let's": ("let", "us")}
_S_IS = frozenset({"it", "that", "there", "here", "what", "who", "he", "she", "where", "how", "when", "why",
                   "this", "everything", "everyone", "nobody", "nothing", "someone", "something"})
_PRONOUN_PERSON = {w: key for key, words in (
    ("1s", "i me my mine myself"), ("1p", "we us our ours ourselves ourself"),
    ("2", "you your yours yourself yourselves"), ("3m", "he him his himself"),
    ("3f", "she her hers herself"), ("3n", "it its itself"), ("3p", "they them their theirs themselves"))
    for w in words.split()}
# Unlike the looser _struct_util.norm_text ("hour"->"hor"): stem-length guards, more suffixes (-ogue, -ence).
_SPELLING_RULES = tuple((re.compile(a), b) for a, b in (
    (r"(?<=\w{3})is(e|ed|es|ing|ation|ations|er|ers)$", r"iz\1"), (r"(?<=\w{2})ys(e|ed|es|ing)$", r"yz\1"),
    (r"(?<=\w{2})our(s|ed|ing|ite|ites|able|er)?$", r"or\1"), (r"(?<=\w{3})tre(s)?$", r"ter\1"),
    (r"(?<=\w{2})ogue(s)?$", r"og\1"), (r"(?<=[aeiou])ll(ed|ing|er|ers)$", r"l\1"), (r"ae", "e"), (r"oe", "e"),
    (r"(?<=\w{3})ence$", "ense")))


# Differences a reader of the quotation would not call a change of its words (``_light_reason``): an
# article added, dropped or swapped, a preposition, article or possessive said once for two conjuncts
# ("for drugs and for Japan" / "for drugs and Japan"), interchangeable subordinators, a compound written
# open, hyphenated or closed.  A word swapped for another, a synonym included, is a change of the
# quotation's words (the example's "biggest" -> "greatest" is a misquote); negators, modals, auxiliaries,
# pronouns and numbers are never light.
_ARTICLES = frozenset({"a", "an", "the"})
_SHARED_IN_COORDINATION = _ARTICLES | frozenset({
    "of", "to", "in", "on", "at", "by", "for", "with", "from", "into", "onto", "about", "against", "between",
    "through", "over", "under", "after", "before", "during", "without", "within", "among", "upon", "toward",
    "towards", "across", "my", "our", "your", "his", "her", "its", "their"})
_CONJUNCTIONS = frozenset({"and", "or", "nor"})
_INTERCHANGEABLE = (frozenset({"if", "whether"}),)


def _spelling(word: str) -> str:
    for pat, rep in _SPELLING_RULES:
        word = pat.sub(rep, word)
    return word


def form_key(words: Sequence[str]) -> tuple[str, ...]:
    """Words with contractions expanded, pronouns reduced to person and number, spellings folded."""
    out: list[str] = []
    for w in words:
        w = w.replace("’", "'")
        parts: tuple[str, ...] = (w,)
        if w in _IRREGULAR:
            parts = _IRREGULAR[w]
        else:
            for tail, full in _CONTRACTIONS.items():
                if w.endswith(tail) and len(w) > len(tail) and (tail != "'s" or w[:-2] in _S_IS):
                    parts = (w[: -len(tail)], *full)
                    break
        for p in parts:
            out.append(_PRONOUN_PERSON.get(p) or _spelling(p))
    return tuple(out)


@dataclass(frozen=True)
class Quote:
    """A quotation's content (without the marks) as a span of its document, and its words."""

    start: int
    end: int
    text: str
    words: tuple[str, ...]
    raw_words: tuple[str, ...]
    sentence: int
    parts: tuple[Quote, ...] = ()  # the fragments, when this is a quotation split around its attribution


def joined(parts: Sequence[Quote]) -> Quote:
    """Fragments of one quotation (in document order) as one quotation; its span covers the words between."""
    if len(parts) == 1:
        return parts[0]
    return Quote(parts[0].start, parts[-1].end, " … ".join(p.text for p in parts),
                 tuple(w for p in parts for w in p.words), tuple(w for p in parts for w in p.raw_words),
                 parts[0].sentence, tuple(parts))


def _words(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    raw = tuple(m.group(0).replace("’", "'") for m in _WORD.finditer(text))
    return tuple(w.lower() for w in raw), raw


def _squash(text: str) -> str:
    """Letters and digits only, lower-cased: what survives any change of spacing or punctuation."""
    return re.sub(r"[\W_]+", "", text.lower())


def _fold(text: str) -> str:
    """``_squash`` without accents: "Błaszczak" = "blaszczak" (a speaker's name lower-cased or unaccented)."""
    return _squash(_strip_accents(text.translate(LETTER_FOLD)))


def _sentence_at(doc: Document, pos: int) -> int:
    for s in doc.sentences:
        if s.start <= pos < s.end:
            return s.index
    # between sentences: the next one
    for s in doc.sentences:
        if pos < s.start:
            return s.index
    return doc.sentences[-1].index if doc.sentences else 0


def find_quotes(doc: Document) -> list[Quote]:
    """Every quotation in ``doc`` (content spans, quote marks excluded)."""
    text = doc.text
    spans: list[tuple[int, int]] = []
    taken = bytearray(len(text))

    def add(a: int, b: int) -> None:
        if b > a and not any(taken[a:b]):
            spans.append((a, b))
            for k in range(a - 1 if a else 0, min(len(text), b + 1)):
                taken[k] = 1

    for pat in (r"„([^„“”\n]{1,3000})[“”]", r"«\s?([^«»]{1,3000}?)\s?»", r"“([^“”]{1,3000})”"):
        for m in re.finditer(pat, text):
            add(m.start(1), m.end(1))
    for a, b in _straight_pairs(text):
        add(a, b)
    # Single quotes: an opener not after a letter, a closer not before one (so "Korea’s" is no quote).
    for m in re.finditer(r"(?<![\w])[‘']((?:[^‘’'\n]|['’](?=\w))+?)[’'](?!\w)", text):
        content = m.group(1)
        if len(_WORD.findall(content)) >= 2 or m.group(0)[0] == "‘":
            add(m.start(1), m.end(1))
    out = []
    for a, b in sorted(spans):
        while b > a and text[b - 1] in " \t\n":
            b -= 1
        while a < b and text[a] in " \t\n":
            a += 1
        words, raw = _words(text[a:b])
        if words:
            out.append(Quote(a, b, text[a:b], words, raw, _sentence_at(doc, a)))
    return out


def _straight_pairs(text: str) -> list[tuple[int, int]]:
    """Content spans between straight double quotes, each mark read as opening or closing from its
    neighbours, so a quotation whose opening mark lies outside the text does not shift the pairing."""
    out = []
    open_at = -1
    for m in re.finditer('"', text):
        k = m.start()
        prev = text[k - 1] if k else " "
        nxt = text[k + 1] if k + 1 < len(text) else " "
        if open_at < 0:
            if prev.isspace() or prev in "([{—–-/" or k == 0:
                open_at = k + 1  # a mark after a letter with no quotation open closes one we cannot see
        elif not nxt.isalnum() or not prev.isspace():
            if "\n" not in text[open_at:k]:
                out.append((open_at, k))
            open_at = -1
        else:
            open_at = k + 1  # two openers in a row: the first was a stray mark
    return out


def _groups(links: Sequence[bool], n: int) -> list[tuple[int, ...]]:
    """Runs of up to ``_MAX_FRAGMENTS`` consecutive quotations, each neighbour linked (see ``QuotesCheck._links``)."""
    out: list[tuple[int, ...]] = []
    for i in range(n):
        out.append((i,))
        j = i
        while j + 1 < n and j - i + 2 <= _MAX_FRAGMENTS and links[j]:
            j += 1
            out.append(tuple(range(i, j + 1)))
    return out


def _contiguous(small: Sequence[str], big: Sequence[str]) -> int:
    """Start of ``small`` as a contiguous run inside ``big``, or -1."""
    n = len(small)
    for k in range(len(big) - n + 1):
        if tuple(big[k:k + n]) == tuple(small):
            return k
    return -1


def _touched(group: tuple[int, ...], quotes: Sequence[Quote], b: Quote) -> tuple[int, ...]:
    """``group`` without the fragments at its ends of which ``b`` has less than half the words: the joined
    quotation's evidence would otherwise span the words between the fragments as quoted words."""
    def kept(i: int) -> bool:
        f = quotes[i]
        sm = difflib.SequenceMatcher(None, f.words, b.words, autojunk=False)
        return sum(blk.size for blk in sm.get_matching_blocks()) * 2 >= len(f.words)

    lo, hi = 0, len(group)
    while lo < hi and not kept(group[lo]):
        lo += 1
    while hi > lo and not kept(group[hi - 1]):
        hi -= 1
    return group[lo:hi]


def _similarity(a: Quote, b: Quote) -> float:
    sm = difflib.SequenceMatcher(None, a.words, b.words, autojunk=False)
    matched = sum(blk.size for blk in sm.get_matching_blocks())
    return matched / max(1, min(len(a.words), len(b.words))) * (
        0.5 + 0.5 * min(len(a.words), len(b.words)) / max(len(a.words), len(b.words)))


def _ops(a: Quote, b: Quote) -> list[dict[str, Any]]:
    sm = difflib.SequenceMatcher(None, a.words, b.words, autojunk=False)
    return [{"op": tag, "original": " ".join(a.raw_words[i1:i2]), "rewritten": " ".join(b.raw_words[j1:j2])}
            for tag, i1, i2, j1, j2 in sm.get_opcodes() if tag != "equal"]


def _shared_in_coordination(words: Sequence[str], at: int, w: str) -> bool:
    """``w``, added or dropped at ``at`` of ``words``, follows a conjunction and stands before the first
    conjunct too: said once or twice for both ("for drugs and for Japan" / "for drugs and Japan")."""
    return w in _SHARED_IN_COORDINATION and at > 0 and words[at - 1] in _CONJUNCTIONS and w in words[:at - 1]


def _light_reason(a: Quote, b: Quote) -> str | None:
    """Why the words of ``a`` and ``b`` differ only lightly (see ``_ARTICLES``), or None when some difference
    is a change of content.  The words are compared in form (``form_key``): contractions, pronoun case and
    spelling are no difference."""
    fa, fb = form_key(a.words), form_key(b.words)
    # A clause moved from one end of the quotation to the other ("... since I was a child" / "Since I was a
    # child ..."): the same two runs of words, in the other order.  Other reorderings can swap roles ("the
    # police did not ..., the army did" / "the army did not ..., the police did") and stay a change.
    if len(fa) == len(fb) and any(fb == fa[k:] + fa[:k] for k in range(3, len(fa) - 2)):
        return "a clause moved to the other end"
    reasons: list[str] = []
    sm = difflib.SequenceMatcher(None, fa, fb, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        da = [w for w in fa[i1:i2] if w not in _ARTICLES]
        ib = [w for w in fb[j1:j2] if w not in _ARTICLES]
        if len(da) < i2 - i1 or len(ib) < j2 - j1:
            reasons.append("article")
        if da == ib:
            continue
        if da and ib and _squash("".join(da)) == _squash("".join(ib)):
            reasons.append("compound spelling")  # "air conditioning" / "air-conditioning"
        elif not ib and len(da) == 1 and i2 - i1 == 1 and _shared_in_coordination(fa, i1, da[0]):
            reasons.append("word shared by conjuncts")
        elif not da and len(ib) == 1 and j2 - j1 == 1 and _shared_in_coordination(fb, j1, ib[0]):
            reasons.append("word shared by conjuncts")
        elif len(da) == 1 and len(ib) == 1 and any({da[0], ib[0]} <= s for s in _INTERCHANGEABLE):
            reasons.append("interchangeable conjunction")
        else:
            return None
    return ", ".join(dict.fromkeys(reasons)) or None


def _tokens_in(ctx: CheckContext, side: str, start: int, end: int) -> list[Any]:
    """Parsed tokens whose characters fall in [start, end) of the side's document."""
    doc = ctx.doc(side)
    out = []
    for s in doc.sentences:
        if s.end <= start or s.start >= end:
            continue
        sent = ctx.parses[side][s.index]
        for t in sent:
            pos = s.start + t.idx - sent.start_char
            if start <= pos < end:
                out.append(t)
    return out


def _name_tokens(head: Any, inside: set[int]) -> list[Any]:
    """Proper nouns of the noun phrase headed by ``head``, leaving out dependents that name someone else
    or only describe the speaker (see ``_NOT_THE_SPEAKER``)."""
    out: list[Any] = []
    stack = [head]
    while stack:
        t = stack.pop()
        if t.i in inside:
            continue
        if t.pos_ == "PROPN":
            out.append(t)
        stack.extend(c for c in t.children if c.dep_ not in _NOT_THE_SPEAKER)
    return sorted(out, key=lambda t: t.i)


def _speaker_of(head: Any, inside: set[int]) -> tuple[set[str], list[Any]]:
    """Speaker key words of the subject headed by ``head``.

    A name heads the phrase: its words ("Mr. Smith" -> {"smith"}).  A common noun heads it: an
    appositive names the same person ("the minister, John Smith"); a name among its other dependents
    names someone else ("Smith's spokesman", "a Smith spokesman", "the spokesman for Smith"), so the
    key pairs the noun with that name ({"spokesman:smith"}): the spokesman is not Smith, but is the
    same spokesman however the phrase is built.  A bare noun or a pronoun gives no key (unknown).
    A name the tagger split at a hyphen and read as a noun ("Lee Jae-myung": "myung") is a name."""
    as_name = head.pos_ == "PROPN" or _hyphenated_name(head)
    if not as_name:
        for c in head.children:
            if c.dep_ == "appos" and c.i not in inside:
                words, toks = _speaker_of(c, inside)
                if words:
                    return words, toks
    names = _name_tokens(head, inside) if as_name else []  # proper nouns, in order
    if as_name and head.pos_ != "PROPN":  # the hyphenated name's last part, read as a noun
        names = sorted([*names, head], key=lambda t: t.i)
    words = {_fold(w.text) for w in names} - _HONORIFICS - {""}
    if words:
        return words, names
    if head.pos_ == "NOUN":
        others = [t for t in head.subtree if t.pos_ == "PROPN" and t.i not in inside and t.i != head.i
                  and not any(a.dep_ in ("appos", "relcl", "acl") for a in _path(t, head))]
        owners = {_fold(w.text) for w in others} - _HONORIFICS - {""}
        if owners:
            noun = head.lemma_.lower()
            return {f"{noun}:{w}" for w in owners}, sorted([head, *others], key=lambda t: t.i)
    return set(), [head]


def _hyphenated_name(t: Any) -> bool:
    """The last part of a hyphenated name read as a common noun: "myung" of "Lee Jae-myung"."""
    doc = t.doc
    return (t.pos_ == "NOUN" and t.i >= 2 and doc[t.i - 1].text in ("-", "‐") and not doc[t.i - 1].whitespace_
            and not doc[t.i - 2].whitespace_ and doc[t.i - 2].pos_ == "PROPN"
            and any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in t.children))


def _same_speaker(sa: set[str], ta: Sequence[Any], sb: set[str], tb: Sequence[Any]) -> bool:
    """Speaker keys that differ but name one speaker: the same words up to case and accents ("Mariusz
    Błaszczak" / "mariusz blaszczak", which the tagger may parse as a common noun), or one owner's impersonal
    channel ("Smith's office" / "a statement from Smith's office").  "Smith" / "Smith's spokesman" differ."""
    def words(toks: Sequence[Any]) -> set[str]:
        folded = {(_fold(t.text), t.pos_) for t in toks if not t.is_punct and t.tag_ != "POS"}
        return {w for w, pos in folded if w and not (pos == "PROPN" and w in _HONORIFICS)}  # "Mr", not "spokesman"

    if ta and tb and words(ta) == words(tb):
        return True

    def channels(keys: set[str]) -> tuple[set[str], bool] | None:
        if not all(":" in k for k in keys):
            return None
        nouns = {k.split(":", 1)[0] for k in keys}
        return {k.split(":", 1)[1] for k in keys}, nouns <= _CHANNEL_NOUNS

    ca, cb = channels(sa), channels(sb)
    return bool(ca and cb and ca[1] and cb[1] and ca[0] == cb[0])


def _path(tok: Any, head: Any) -> list[Any]:
    """Tokens from ``tok`` up to (not including) ``head``."""
    out = []
    while tok.i != head.i and tok.head.i != tok.i:
        out.append(tok)
        tok = tok.head
    return out


def speaker(ctx: CheckContext, side: str, q: Quote) -> tuple[set[str], list[Any]]:
    """Key words of the speaker a quotation is attributed to (its proper names), and their tokens.

    A quotation split around its attribution: the first fragment whose sentence names a speaker."""
    if q.parts:
        found: tuple[set[str], list[Any]] = (set(), [])
        for p in q.parts:
            got = speaker(ctx, side, p)
            if got[0]:
                return got
            if got[1] and not found[1]:
                found = got
        return found
    said = _speech_subject(ctx, side, q)
    if said is None:
        return set(), []
    _verb, subject, first, inside = said
    if subject.lower_ in _PERSON_PRONOUNS:
        named = _antecedent(ctx, side, first, q.start)
        if named is not None:
            words, toks = _speaker_of(named, set())
            # his title in apposition names him too ("Arthur Mensch, Mistral's chief executive" is also
            # {"executive:mistral"}, as "Mistral's chief executive said" is)
            for c in named.children:
                if c.dep_ == "appos" and c.pos_ == "NOUN":
                    words = words | _speaker_of(c, set())[0]
            return words, toks
    return _speaker_of(subject, inside)


def _speech_subject(ctx: CheckContext, side: str, q: Quote) -> tuple[Any, Any, int, set[int]] | None:
    """The verb of saying a quotation (no split one) is attributed with and its subject ("said" and
    "Smith"; "according" and the object of "to"), the index of the quotation's first sentence and the
    token ids inside the quotation; None if no verb of saying has a subject there."""
    doc = ctx.doc(side)
    first = _sentence_at(doc, q.start)
    last = _sentence_at(doc, max(q.start, q.end - 1))
    lo = doc.sentences[first].start
    hi = doc.sentences[min(last + 1, len(doc.sentences) - 1)].end if last + 1 < len(doc.sentences) and \
        doc.sentences[last].end <= q.end + 3 else doc.sentences[last].end
    toks = _tokens_in(ctx, side, lo, hi)
    inside = {t.i for t in _tokens_in(ctx, side, q.start, q.end)}
    for t in toks:
        if t.i in inside:
            continue
        who: list[Any] = []
        if t.lemma_.lower() in _SPEECH and t.pos_ == "VERB":
            who = [c for c in t.children if c.dep_ in ("nsubj", "nsubjpass") and c.i not in inside]
        elif t.lower_ == "according" and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "to":
            who = [c for c in t.doc[t.i + 1].children if c.dep_ == "pobj"]
        if not who:
            continue
        # Two subjects for one verb are a misparse of an attribution after the quotation ('Dwyer had
        # "betrayed" people, Judge Carter told the court': both "Dwyer" and "Carter" nsubj of "told"):
        # the one next to the verb says it.
        return t, min(who, key=lambda c: abs(c.i - t.i)), first, inside
    return None


def attribution_tokens(ctx: CheckContext, side: str, q: Quote) -> list[Any]:
    """The tokens of a quotation's attribution, its named subject and verb of saying ("Roly Keating, the
    library's chief executive, said", "said Brett Callow of Emsisoft", "according to the police"): the
    evidence of a changed speaker, which names the attribution whole.  Empty for a pronoun (whose name
    stands elsewhere) or no attribution."""
    for p in q.parts or (q,):
        said = _speech_subject(ctx, side, p)
        if said is None:
            continue
        verb, subject, _first, inside = said
        if subject.lower_ in _PERSON_PRONOUNS or subject.pos_ == "PRON":
            return []
        toks = [t for t in (*subject.subtree, verb) if t.i not in inside]
        lo, hi = min(t.i for t in toks), max(t.i for t in toks)
        if any(i in inside for i in range(lo, hi + 1)):
            return []  # the quotation stands between them: no one span
        return toks
    return []


_PERSON_PRONOUNS = frozenset({"he", "she"})
_NOT_PEOPLE = frozenset({"GPE", "LOC", "NORP", "FAC", "DATE", "TIME", "EVENT", "PRODUCT", "LAW", "LANGUAGE",
                         "MONEY", "PERCENT", "QUANTITY", "ORDINAL", "CARDINAL", "WORK_OF_ART"})


def _antecedent(ctx: CheckContext, side: str, si: int, before: int) -> Any | None:
    """The one person a "he"/"she" attributing a quotation in sentence ``si`` can refer to: the only person
    named in the two sentences before it or in that sentence before the quotation ("Laura Chen said prices
    would not rise. 'We want ...,' she told analysts." -> Chen).  None when none or several are named, or
    when an organisation is named there too (NER may call a person an organisation, and a quotation may be a
    company's spokesperson's), but for one named in a person's title ("Arthur Mensch, Mistral's chief
    executive"): a wrong speaker is worse than an unknown one."""
    doc = ctx.doc(side)
    lo = doc.sentences[max(si - 2, 0)].start
    people: dict[str, Any] = {}
    for t in _tokens_in(ctx, side, lo, before):
        if t.pos_ != "PROPN" or t.dep_ in ("compound", "flat") or _fold(t.text) in _HONORIFICS:
            continue
        if t.ent_type_ in ("ORG", "NORP"):
            if t.dep_ == "poss" and t.head.dep_ == "appos":
                continue  # "Arthur Mensch, Mistral's chief executive": the body a person's title names
            return None
        if t.ent_type_ not in _NOT_PEOPLE:
            people.setdefault(_fold(t.text), t)  # the head of each name
    return next(iter(people.values())) if len(people) == 1 else None


# Reported (indirect) speech: who says a claim is true.  A verb of saying with a clause for its complement
# ("Police said the suspect stole the car"), "according to X", or a hedge adverb that leaves the source
# unnamed ("The suspect allegedly stole the car").  Changing the source of a claim changes the claim.
_REPORTING = frozenset({"say", "tell", "claim", "announce", "admit", "deny", "insist", "warn", "confirm", "add",
                        "state", "report", "allege", "acknowledge", "confess", "concede", "declare", "explain",
                        "note", "argue", "assert", "maintain", "reveal", "disclose", "testify", "write", "tweet",
                        "stress", "reply", "respond", "comment", "contend"})
# Verbs of admitting: the speaker owns what the complement says ("admitted stealing", "confessed to stealing").
_ADMISSIONS = frozenset({"admit", "confess", "acknowledge", "concede"})
_HEDGE_ADVERBS = REPORT_ADVERBS | {"apparently"}
# Nouns for a body of people: "police said he ..." is not the police speaking of itself, "they" may be.
_COLLECTIVE = frozenset({"police", "government", "ministry", "department", "office", "agency", "court", "company",
                         "firm", "army", "military", "team", "party", "authority", "administration", "council",
                         "committee", "group", "union", "board", "prosecution", "family", "media", "newspaper"})
# People who speak for someone: "Smith's lawyer said" is not Smith speaking.
_AGENTS = frozenset({"spokesman", "spokeswoman", "spokesperson", "lawyer", "attorney", "aide", "adviser", "advisor",
                     "representative", "agent", "son", "daughter", "wife", "husband", "brother", "sister", "father",
                     "mother", "friend", "colleague"})
# Common nouns a report uses for one source: the company it is about is "the firm", "the carmaker", "the
# lender"; the police are "the authorities".  A generic noun of a class (company, firm; authorities) names
# the same source as any noun of its class; two specific nouns ("the bank" / "the airline", "police" /
# "officials") are two sources.
_SOURCE_CLASSES: dict[str, tuple[str, bool]] = {}  # lemma -> (class, generic)
for _cls, _generic, _specific in (
    ("company", ("company", "firm", "business", "corporation"),
     ("maker", "manufacturer", "carmaker", "automaker", "chipmaker", "retailer", "lender", "bank", "insurer",
      "airline", "operator", "developer", "producer", "supplier", "conglomerate", "giant")),
    ("authorities", ("authority", "authorities"), ("police", "officer", "officers", "official", "officials")),
):
    for _w in _generic:
        _SOURCE_CLASSES[_w] = (_cls, True)
    for _w in _specific:
        _SOURCE_CLASSES[_w] = (_cls, False)


def _one_source_class(a: str, b: str) -> bool:
    """Nouns ``a`` and ``b`` (lemmas) name one source by ``_SOURCE_CLASSES``: the same class, one of them generic."""
    ca, cb = _SOURCE_CLASSES.get(a), _SOURCE_CLASSES.get(b)
    return a == b or (ca is not None and cb is not None and ca[0] == cb[0] and (ca[1] or cb[1]))


_OWNER_PREPS = frozenset({"for", "of", "at"})  # "a spokesman for the police", "an official at the ministry"
_SELF_PRONOUNS = {"he": "s", "she": "s", "they": "p", "we": "p", "i": "1"}
_EXPLETIVES = frozenset({"it", "there"})
_SET_OFF = frozenset({",", ";", ":", "—", "–", "-", "(", ")", "“", "”", '"'})


@dataclass(frozen=True)
class Attribution:
    """One claim's source in a sentence: who says it (``source``: the subject of a verb of saying, the object
    of "according to"; None for a hedge adverb or an impersonal "it was reported"), the words that mark
    it (``marker``: the verb or adverb), the subject of the claim (``subject``), and whether the source
    speaks of itself (``own``: "the suspect admitted he stole", "he said he would resign")."""

    marker: Any
    source: Any | None
    subject: Any | None
    own: bool


def _noun_words(head: Any) -> set[str]:
    """Lemmas of a common-noun source: the head, its compounds ("police officers": officer, police) and the
    object of a preposition that says whose it is ("a spokesman for the police", "officers of the army"),
    as ``_speaker_of`` takes a name there ("the spokesman for Smith")."""
    words = {head.lemma_.lower(), *(c.lemma_.lower() for c in head.children if c.dep_ == "compound")}
    for p in head.children:
        if p.dep_ == "prep" and p.lower_ in _OWNER_PREPS:
            words.update(o.lemma_.lower() for o in p.children if o.dep_ == "pobj")
    return words


def _names_match(a: set[str], b: set[str]) -> bool:
    """Some name word of ``a`` and of ``b`` are one word, spelled alike or as a variant ("Catri"/"Catry")."""
    return any(x == y or fuzzy_equal(x, y) or name_variant(x, y) for x in a for y in b)


def _source_words(head: Any) -> set[str]:
    """The words that name a source: its name's words, or a common noun's head and compounds."""
    keys, _toks = _speaker_of(head, set())
    if keys and not any(":" in k for k in keys):
        return keys
    return _noun_words(head) | {_fold(head.text)}


def _appositive_names(head: Any) -> set[str]:
    """Name words in an appositive of the phrase headed by ``head`` (at any depth: the parser may hang it on
    a noun inside the phrase): the source's own name, however its role is put."""
    return {_fold(t.text) for t in head.subtree if t.pos_ == "PROPN" and any(
        x.dep_ == "appos" for x in _path(t, head))} - _HONORIFICS - {""}


_ALIAS_VERBS = frozenset({"know", "call", "name", "dub", "nickname", "abbreviate", "style", "brand", "refer"})
Aliases = frozenset[tuple[frozenset[str], frozenset[str]]]


def _head_names(head: Any) -> frozenset[str]:
    """The name words of the phrase headed by ``head``, its appositives and the like left out."""
    return frozenset({_fold(t.text) for t in _name_tokens(head, set())} - _HONORIFICS - {""})


def _declared(head: Any) -> list[frozenset[str]]:
    """Other names the text gives the name headed by ``head`` where it names it: an appositive name ("FIDE,
    the International Chess Federation", "the International Chess Federation (FIDE)") or "known as" / "called"
    ("The International Chess Federation, known as FIDE")."""
    out = []
    for c in head.children:
        if c.dep_ == "appos" and c.pos_ == "PROPN":
            out.append(_head_names(c))
        elif c.dep_ == "acl" and c.lemma_.lower() in _ALIAS_VERBS:
            for d in c.children:
                if d.dep_ == "oprd" and d.pos_ == "PROPN":
                    out.append(_head_names(d))
                elif d.dep_ == "prep" and d.lower_ == "as":
                    out.extend(_head_names(o) for o in d.children if o.dep_ == "pobj" and o.pos_ == "PROPN")
    return [n for n in out if n]


def declared_aliases(ctx: CheckContext) -> Aliases:
    """The names each text declares one body's or person's (see ``_declared``), from both sides: a pair
    of name-word sets per declaration.  One side may declare what the other uses ("known as FIDE" in the
    original, "FIDE" alone in the rewrite)."""
    out: set[tuple[frozenset[str], frozenset[str]]] = set()
    for side in ("original", "rewritten"):
        for sent in ctx.parses[side]:
            for t in sent:
                if t.pos_ != "PROPN" or t.dep_ in ("compound", "flat"):
                    continue
                own = _head_names(t)
                out.update((own, other) for other in _declared(t) if own and not own & other)
    return frozenset(out)


def _aliased(a: set[str] | frozenset[str], b: set[str] | frozenset[str], aliases: Aliases) -> bool:
    """Name words ``a`` and ``b`` are two names the text declares one entity's."""
    return any((x <= a and y <= b) or (y <= a and x <= b) for x, y in aliases)


def _names_with_declared(head: Any) -> frozenset[str]:
    return _head_names(head).union(*_declared(head))


def same_entity(a: Any, b: Any, syn: Any = None, aliases: Aliases = frozenset()) -> bool | None:
    """Whether noun-phrase heads ``a`` and ``b`` name the same source: True, False, or None (unknown).

    The same words up to case and accents are one source.  Names (``_speaker_of``) are compared word by word,
    spelling variants allowed; a name against "X's spokesman" differs, as in ``_same_speaker``.  A name
    against a common noun is unknown (the minister may be Smith), and so is a pronoun.  Two common nouns are
    one source when their heads or compounds match ("police" / "police officers"), by lemma, stem or synonym."""
    if a.pos_ == "PRON" or b.pos_ == "PRON":
        return None
    if _fold(a.doc[a.left_edge.i: a.i + 1].text) == _fold(b.doc[b.left_edge.i: b.i + 1].text):
        return True  # "The Emergency Office" / "the emergency office"
    apa, apb = _appositive_names(a), _appositive_names(b)
    if apa and apb and _names_match(apa, apb):
        return True  # "the president of the Chamber, Roman Šmucler" / "the leader of the Chamber, Roman Šmucler"
    if aliases and _aliased(_names_with_declared(a), _names_with_declared(b), aliases):
        return True  # "The International Chess Federation, known as FIDE" / "FIDE"
    ka, ta = _speaker_of(a, set())
    kb, tb = _speaker_of(b, set())
    owned_a, owned_b = any(":" in k for k in ka), any(":" in k for k in kb)
    if ka and kb and not owned_a and not owned_b:
        return _names_match(ka, kb)
    if owned_a and owned_b:
        if _same_speaker(ka, ta, kb, tb):
            return True
        nouns = ({k.split(":", 1)[0] for k in ka}, {k.split(":", 1)[0] for k in kb})
        owners = ({k.split(":", 1)[1] for k in ka}, {k.split(":", 1)[1] for k in kb})
        return any(_one_source_class(x, y) for x in nouns[0] for y in nouns[1]) and _names_match(*owners)
    if ka and kb:  # a name against "X's spokesman": X's spokesman is not X
        name, owned = (ka, kb) if owned_b else (kb, ka)
        roles = {k.split(":", 1)[0] for k in owned}
        if roles & _AGENTS and _names_match(name, {k.split(":", 1)[1] for k in owned}):
            return False
        return None
    if ka or kb:
        return None
    if a.pos_ not in ("NOUN", "PROPN") or b.pos_ not in ("NOUN", "PROPN"):
        return None
    wa, wb = _noun_words(a), _noun_words(b)
    if a.lemma_.lower() in wb or b.lemma_.lower() in wa:
        return True
    if _one_source_class(a.lemma_.lower(), b.lemma_.lower()):
        return True  # "the company said" / "the firm said", "police said" / "the authorities said"
    return tokens_match(a, b, syn)


def _own(source: Any | None, subject: Any | None) -> bool:
    """Whether the claim's subject is its source: the same noun, the same pronoun, or a pronoun that agrees
    with a noun for one person ("the suspect said he", not "police said he")."""
    if source is None or subject is None:
        return False
    s_pron, c_pron = source.lower_ if source.pos_ == "PRON" else None, subject.lower_ if subject.pos_ == "PRON" else None
    if s_pron or not c_pron:
        return bool(s_pron and s_pron == c_pron) or (not s_pron and not c_pron and same_entity(source, subject) is True)
    number = _SELF_PRONOUNS.get(c_pron)
    collective = source.lemma_.lower() in _COLLECTIVE or source.ent_type_ in ("ORG", "GPE", "NORP")
    if number == "s":
        return source.tag_ in ("NN", "NNP") and not collective
    if number == "p":
        return source.tag_ in ("NNS", "NNPS") or collective
    return False


def attributions(sent: Any, quoted: Any = None) -> list[Attribution]:
    """The sources of the claims of one parsed sentence; ``quoted(tok)``: whether a token stands inside a
    quotation (a source named inside quoted words, or a verb of saying whose complement is a direct quotation,
    is the quotation's business: ``speaker`` and quote-speaker-changed)."""
    out: list[Attribution] = []
    doc = sent.doc
    for t in sent:
        if quoted is not None and quoted(t):
            continue
        low, lemma = t.lower_, t.lemma_.lower()
        if t.pos_ == "VERB" and lemma in _REPORTING:
            comps = [c for c in t.children if c.dep_ == "ccomp"]
            gerund = False
            if not comps and lemma in _ADMISSIONS:  # "admitted stealing", "confessed to stealing"
                comps = [c for c in t.children if c.dep_ == "xcomp" and c.tag_ == "VBG"]
                comps += [g for c in t.children if c.dep_ == "prep" and c.lower_ == "to"
                          for g in c.children if g.dep_ == "pcomp" and g.tag_ == "VBG"]
                gerund = bool(comps)
            source = subject_of(t)
            if not comps or source is None or (quoted is not None and (quoted(source) or any(map(quoted, comps)))):
                continue
            if source.dep_ == "nsubjpass" or source.lower_ in _EXPLETIVES:  # "it was reported that ..."
                out.append(Attribution(t, None, subject_of(comps[0]), False))
                continue
            subject = source if gerund else subject_of(comps[0])
            out.append(Attribution(t, source, subject, gerund or _own(source, subject)))
        elif low == "according" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "to":
            source = next((c for c in doc[t.i + 1].children if c.dep_ == "pobj"), None)
            # set off from its clause ("According to police, ...", "..., according to police"), unlike
            # "varies according to the vowel"
            after = source.right_edge.i + 1 if source is not None else sent.end
            set_off = t.i == sent.start or doc[t.i - 1].text in _SET_OFF or (
                after < sent.end and doc[after].text in _SET_OFF)
            if source is not None and set_off and not (quoted is not None and quoted(source)):
                out.append(Attribution(t, source, subject_of(t.head) if t.head.i != t.i else None, False))
        elif low in _HEDGE_ADVERBS and t.head.i != t.i:
            out.append(Attribution(t, None, subject_of(t.head), False))
    return out


# What else hedges or attributes a claim: a modal, a verb of saying, seeming or suspecting, a likelihood word,
# a noun of accusing, "alleged"/"suspected" before a noun ("the alleged theft"); "the suspects" hedges nothing.
_HEDGING_MODALS = frozenset({"may", "might", "could", "must"})
_HEDGING_VERBS = frozenset({"seem", "appear", "accuse", "allege", "suspect", "believe", "claim", "charge"})
_HEDGING_OTHER = frozenset({"likely", "possibly", "probably", "perhaps", "presumably", "according",
                            "alleged", "suspected", "purported", "supposed", "accusation", "allegation",
                            "suspicion"})


def _hedging(t: Any) -> bool:
    low, lemma = t.lower_, t.lemma_.lower()
    if t.pos_ == "VERB":
        return lemma in _HEDGING_VERBS or lemma in _REPORTING
    return low in _HEDGE_ADVERBS or low in _HEDGING_OTHER or lemma in _HEDGING_OTHER or (
        t.tag_ == "MD" and low in _HEDGING_MODALS)


def _arg_words(verb: Any) -> set[str]:
    """Lemmas of a verb's objects (direct, prepositional, passive subject)."""
    out = {c.lemma_.lower() for c in verb.children if c.dep_ in ("dobj", "nsubjpass", "attr")}
    out |= {g.lemma_.lower() for c in verb.children if c.dep_ in ("prep", "agent") for g in c.children
            if g.dep_ == "pobj"}
    return out


def _names(subject: Any) -> set[str]:
    """What a subject is called: its own word and lemma, and its appositive's ("Its chief executive, Leora
    Cruddas" / "Leora Cruddas, its chief executive" are one subject)."""
    return {w for t in [subject] + [c for c in subject.children if c.dep_ == "appos"]
            for w in (t.lower_, t.lemma_.lower())}


def _same_claim(a: Any, b: Any) -> bool:
    """Verbs ``a`` and ``b`` of two sides say one claim: the same lemma; or the same subject with a shared
    object ("stole the funds" / "took the funds"); or, with the same subject, each the main verb of its
    sentence and the only verb there ("He allegedly stole it" / "He pocketed it")."""
    if a.lemma_.lower() == b.lemma_.lower():
        return True
    sa, sb = subject_of(a), subject_of(b)
    if sa is None or sb is None or not (_names(sa) & _names(sb)):
        return False
    if _arg_words(a) & _arg_words(b) - {"-PRON-"}:
        return True
    return a.dep_ == b.dep_ == "ROOT" and all(sum(t.pos_ == "VERB" for t in v.sent) == 1 for v in (a, b))


@register
class QuotesCheck:
    """Words inside quotation marks must survive verbatim, with the same speaker."""

    name = "quotes"
    _aliases: Aliases = frozenset()  # the names the two texts declare one source's (``declared_aliases``)

    def run(self, ctx: CheckContext) -> Iterator[Finding]:
        oq, rq = find_quotes(ctx.original), find_quotes(ctx.rewritten)
        self._aliases = declared_aliases(ctx)
        speaker_changed: set[int] = set()  # alignment entries with a quote-speaker-changed finding
        for f in self._quotations(ctx, oq, rq):
            if f.code == "quote-speaker-changed" and f.alignment is not None:
                speaker_changed.add(f.alignment)
            yield f
        yield from self._attributions(ctx, oq, rq, speaker_changed)

    def _quotations(self, ctx: CheckContext, oq: Sequence[Quote], rq: Sequence[Quote]) -> Iterator[Finding]:
        """Each original quotation matched to the rewrite's: words and speaker compared.

        The candidates of all pairs are ranked together, best first, a pair's own quotations before those
        of its neighbours on a tie: a pair that lost a quotation (a 2-1 of a dropped sentence) must not take
        the next pair's quotation, which that pair's own original matches better, and start a chain of
        misquotes each pairing an identical sentence with the next one's quotation."""
        if not oq:
            return
        r_all = {q.words for q in rq}
        o_links = self._links(ctx, "original", oq)
        r_links = self._links(ctx, "rewritten", rq)
        o_all_groups, r_all_groups = _groups(o_links, len(oq)), _groups(r_links, len(rq))
        used: set[int] = set()
        done: set[int] = set()  # original quotations compared (indices into ``oq``)
        pairs: list[tuple[int, Any, list[int], list[int]]] = []  # (ai, pair, its quotations, candidates)
        scored: list[tuple[float, int, int, int, tuple[int, ...], tuple[int, ...]]] = []
        o_join: dict[tuple[int, ...], Quote] = {}
        r_join: dict[tuple[int, ...], Quote] = {}
        for ai, pair in ctx.matched():
            mine = [i for i, q in enumerate(oq) if q.sentence in pair.original]
            if not mine:
                continue
            near = set(neighbour_indices(ctx, ai, "rewritten"))
            cands = [k for k, q in enumerate(rq) if q.sentence in near]
            pairs.append((ai, pair, mine, cands))
            # Whole quotations and quotations split around their attribution, on both sides: an original
            # group may reach a fragment in the next sentence ("“We will win,” Smith said. “We always do.”").
            o_groups = [g for g in o_all_groups if set(g) & set(mine)]
            r_groups = [g for g in r_all_groups if set(g) <= set(cands)]
            for g in o_groups:
                o_join.setdefault(g, joined([oq[i] for i in g]))
            for g in r_groups:
                r_join.setdefault(g, joined([rq[k] for k in g]))
            own = set(pair.rewritten)
            for og in o_groups:
                a = o_join[og]
                for rg in r_groups:
                    b = r_join[rg]
                    sim = 1.0 if a.words == b.words else _similarity(a, b)
                    if sim >= 0.5:
                        # best first; on a tie the pair's own quotations, then the fewest fragments (whole
                        # quotations before joined ones), then the earlier pair
                        away = int(not all(rq[k].sentence in own for k in rg))
                        scored.append((-sim, away, len(og) + len(rg), ai, og, rg))
        scored.sort()
        out: dict[int, list[Finding]] = {}
        for _s, _away, _n, ai, og, rg in scored:
            if set(og) & done or set(rg) & used:
                continue
            a = o_join[og]
            if len(og) > 1:  # a fragment the rewrite took out of quotation marks is no part of the match
                og = _touched(og, oq, r_join[rg])
                if not og or set(og) & done:
                    continue
                a = joined([oq[i] for i in og])
            done.update(og)
            used.update(rg)
            out.setdefault(ai, []).extend(self._compare(ctx, ai, a, r_join[rg]))
        for ai, pair, mine, cands in pairs:
            yield from out.get(ai, ())
            # Still unmatched: a reworded quotation in the pair itself ("has a critical role to play" ->
            # "plays a crucial role") when it shares words with exactly one free quotation there.
            own = set(pair.rewritten)
            for i in mine:
                if i in done:
                    continue
                a = oq[i]
                free = [k for k in cands if k not in used and rq[k].sentence in own and _similarity(a, rq[k]) >= 0.25]
                if len(free) == 1:
                    done.add(i)
                    used.add(free[0])
                    yield from self._compare(ctx, ai, a, rq[free[0]])
            for i in mine:
                if i not in done and oq[i].words not in r_all:
                    done.add(i)
                    finding = self._missing(ctx, ai, oq[i], pair.rewritten, rq)
                    if finding is not None:
                        yield finding

    def _attributions(self, ctx: CheckContext, oq: Sequence[Quote], rq: Sequence[Quote],
                      skip: set[int]) -> Iterator[Finding]:
        """attribution-changed: a claim of an aligned pair reported from another source.

        Two rules, one finding per pair at most.  Another speaker: a source named on each side (not a
        pronoun; a name against a common noun is left alone, it may be that person's role) that names no
        source of the other side (``same_entity``).  Another kind of source: a claim one side attributes to
        others (a hedge adverb, "it was reported", someone else's word) that the other side has its subject
        say of itself ("allegedly stole" -> "admitted he stole" / "says he stole"), or the reverse."""
        wn = ctx.wordnet()
        syn = _synonym_fn(wn) if wn is not None else None

        by_sentence = {"original": self._quotes_by_sentence(ctx, "original", oq),
                       "rewritten": self._quotes_by_sentence(ctx, "rewritten", rq)}

        def claims(side: str, si: int) -> list[Attribution]:
            """The attributions of sentence ``si``, leaving out tokens inside the quotations that overlap it."""
            s, sent = ctx.doc(side).sentences[si], ctx.parses[side][si]
            spans = [(q.start, q.end) for q in by_sentence[side].get(si, ())]
            inside = {t.i for t in sent if any(a <= s.start + t.idx - sent.start_char < b for a, b in spans)}

            def quoted(t: Any) -> bool:
                return t.doc is sent.doc and t.i in inside
            return attributions(sent, quoted if inside else None)

        for ai, pair in ctx.matched():
            if ai in skip:
                continue
            oa = [a for si in pair.original for a in claims("original", si)]
            ra = [a for si in pair.rewritten for a in claims("rewritten", si)]
            lost = self._hedge_lost(ctx, ai, pair, oa, ra)
            if lost is not None:
                yield lost
                continue
            if not oa or not ra:
                continue
            found = self._other_speaker(oa, ra, syn, self._aliases) or self._other_kind(oa, ra, syn, self._aliases)
            if found is not None:
                yield self._attribution_finding(ctx, ai, *found)

    def _hedge_lost(self, ctx: CheckContext, ai: int, pair: Any, oa: Sequence[Attribution],
                    ra: Sequence[Attribution]) -> Finding | None:
        """attribution-changed for a hedged claim ("He allegedly stole the funds") that the other side, with
        no attribution or hedge of any kind, states as a plain fact ("He took the funds"), or the reverse;
        the claim's verb paired with a verb of the other side by ``_same_claim``.  A hedged verb of saying is
        such a claim too ("Its chief executive reportedly told ministers that ..." / "... warned ministers
        that ..."): that it was said is what others report; its own verb of saying on the other side is no
        hedge of it."""
        for here, kind, side, other, idx in ((oa, "hedge-lost", "original", "rewritten", pair.rewritten),
                                             (ra, "hedge-added", "rewritten", "original", pair.original)):
            hedges = [x for x in here if x.source is None and x.marker.lower_ in _HEDGE_ADVERBS]
            hedged = {x.marker.head.i for x in hedges}
            if not hedges or any(x not in hedges and x.marker.i not in hedged for x in here):
                continue
            sents = [ctx.parses[other][si] for si in idx]
            if any(difflib.SequenceMatcher(None, x.marker.lower_, t.lower_).ratio() >= 0.8
                   for x in hedges for sent in sents for t in sent):
                continue  # the hedge is still there, misspelt ("apparantly")
            for x in hedges:
                verb = x.marker.head
                paired = [t for sent in sents for t in sent if t.pos_ in ("VERB", "AUX") and _same_claim(verb, t)]
                if len(paired) != 1:
                    continue
                there = ra if kind == "hedge-lost" else oa
                if any(y.marker.i != paired[0].i for y in there) or any(
                        _hedging(t) for sent in sents for t in sent if t.i != paired[0].i):
                    return None  # hedged or attributed in another way ("may have stolen", "is accused of")
                a = self._token_span(ctx, side, sorted([x.marker, verb], key=lambda t: t.i))
                b = self._token_span(ctx, other, [paired[0]])
                o, r = (a, b) if side == "original" else (b, a)
                claim = f"“{x.marker.text} {verb.text}”" if x.marker.i < verb.i else f"“{verb.text} {x.marker.text}”"
                msg = (f"An allegation became a plain statement: {claim} → “{paired[0].text}”" if kind == "hedge-lost"
                       else f"A plain statement became an allegation: “{paired[0].text}” → {claim}")
                return Finding(check=self.name, code="attribution-changed", severity=Severity.MAJOR, message=msg,
                               original=o, rewritten=r, alignment=ai,
                               data={"kind": kind, "original_source": o.text if o else "",
                                     "rewritten_source": r.text if r else ""})
        return None

    @staticmethod
    def _quotes_by_sentence(ctx: CheckContext, side: str, quotes: Sequence[Quote]) -> dict[int, list[Quote]]:
        """The quotations overlapping each sentence (by index): a quotation starts in ``q.sentence`` and may
        run on into the next ones."""
        sentences = ctx.doc(side).sentences
        out: dict[int, list[Quote]] = {}
        for q in quotes:
            si = q.sentence
            while si < len(sentences) and sentences[si].start < q.end:
                if sentences[si].end > q.start:
                    out.setdefault(si, []).append(q)
                si += 1
        return out

    @staticmethod
    def _other_speaker(oa: Sequence[Attribution], ra: Sequence[Attribution],
                       syn: Any, aliases: Aliases = frozenset()) -> tuple[Attribution, Attribution, str] | None:
        def named(xs: Sequence[Attribution]) -> list[Attribution]:
            return [x for x in xs if x.source is not None and x.source.pos_ != "PRON"]

        on, rn = named(oa), named(ra)
        if not on or not rn:
            return None
        same = {(i, j): same_entity(a.source, b.source, syn, aliases) for i, a in enumerate(on)
                for j, b in enumerate(rn)}
        sents = {id(x.marker.sent): x.marker.sent for x in ra}.values()

        def still_there(i: int) -> bool:
            """The original source's words stand in the rewrite's sentences outside the sources found to
            differ ("Smith" in "Smith's lawyer" does not count): it may be named elsewhere in the sentence,
            or the parse picked the wrong subject."""
            other = {(id(t.doc), t.i) for j, b in enumerate(rn) if same[i, j] is False and b.source is not None
                     for t in b.source.subtree}
            words = {w for sent in sents for t in sent if (id(t.doc), t.i) not in other
                     for w in (t.lemma_.lower(), _fold(t.text))}
            return _source_words(on[i].source) <= words

        o_alone = [i for i in range(len(on)) if all(same[i, j] is False for j in range(len(rn))) and not still_there(i)]
        r_alone = [j for j in range(len(rn)) if all(same[i, j] is False for i in range(len(on)))]
        if o_alone and r_alone:
            return on[o_alone[0]], rn[r_alone[0]], "speaker"
        return None

    @staticmethod
    def _other_kind(oa: Sequence[Attribution], ra: Sequence[Attribution],
                    syn: Any, aliases: Aliases = frozenset()) -> tuple[Attribution, Attribution, str] | None:
        """A claim of others on one side (a hedge, "it was reported", another speaker's word) that the other
        side has its subject make about itself ("allegedly stole" -> "admitted he stole"), where that side
        has no attribution to the same source.  Kinds: "own-claim", or "denial" where the subject denies it
        ("allegedly stole" -> "denied he stole"); "-lost" appended for the reverse."""
        def about(x: Attribution, y: Attribution) -> bool:
            """Whether ``y``'s source is the subject of ``x``'s claim."""
            if x.subject is None or y.source is None:
                return False
            if x.subject.pos_ == "PRON" and y.source.pos_ == "PRON":
                return bool(x.subject.lower_ == y.source.lower_)
            return same_entity(x.subject, y.source, syn, aliases) is True

        for here, there, flip in ((oa, ra, False), (ra, oa, True)):
            for y in there:
                if not y.own or y.source is None:
                    continue
                if any(x.source is not None and (same_entity(x.source, y.source, syn, aliases) is not False
                                                 or x.source.lower_ == y.source.lower_) for x in here):
                    continue  # the same source speaks on the other side too
                # a denial is the subject's own word against the claim, not for it
                kind = "denial" if y.marker.lemma_.lower() == "deny" else "own-claim"
                for x in here:
                    if not x.own and about(x, y):
                        return (y, x, f"{kind}-lost") if flip else (x, y, kind)
        return None

    def _attribution_finding(self, ctx: CheckContext, ai: int, a: Attribution, b: Attribution,
                             kind: str) -> Finding:
        def words(side: str, x: Attribution) -> Span | None:
            toks = [x.marker] if x.source is None else list(x.source.doc[x.source.left_edge.i: x.source.i + 1])
            if x.source is not None and x.source.i < x.marker.i and x.marker.i - x.source.i <= 3:
                toks.append(x.marker)  # "The suspect admitted"
            return self._token_span(ctx, side, toks)

        o, r = words("original", a), words("rewritten", b)
        ot, rt = (o.text if o else a.marker.text), (r.text if r else b.marker.text)
        if kind == "speaker":
            msg = f"Reported claim attributed to another source: “{ot}” → “{rt}”"
        elif kind == "own-claim":
            msg = f"A claim of others became the subject's own word: “{ot}” → “{rt}”"
        elif kind == "own-claim-lost":
            msg = f"The subject's own word became a claim of others: “{ot}” → “{rt}”"
        elif kind == "denial":
            msg = f"A claim of others became the subject's denial: “{ot}” → “{rt}”"
        else:
            msg = f"The subject's denial became a claim of others: “{ot}” → “{rt}”"
        return Finding(check=self.name, code="attribution-changed", severity=Severity.MAJOR, message=msg,
                       original=o, rewritten=r, alignment=ai,
                       data={"kind": kind, "original_source": ot, "rewritten_source": rt})

    def _links(self, ctx: CheckContext, side: str, quotes: Sequence[Quote]) -> list[bool]:
        """``out[i]``: quotations ``i`` and ``i + 1`` may be fragments of one quotation split around its
        attribution: in the same or the next sentence, only a few words between them (none, or with a
        verb of speech: "," Smith said, "), and no two different speakers named."""
        doc = ctx.doc(side)
        out = []
        for a, b in zip(quotes, quotes[1:], strict=False):
            ok = 0 <= b.sentence - a.sentence <= 1 and len(_WORD.findall(doc.text[a.end:b.start])) <= _MAX_GAP_WORDS
            if ok:
                between = [t for t in _tokens_in(ctx, side, a.end, b.start) if t.is_alpha]
                ok = not between or any(t.lemma_.lower() in _SPEECH for t in between)
            if ok:
                sa, sb = speaker(ctx, side, a)[0], speaker(ctx, side, b)[0]
                ok = not (sa and sb and not sa & sb)
            out.append(ok)
        return out

    def _span(self, ctx: CheckContext, side: str, q: Quote) -> Span:
        return Span.of(ctx.doc(side).text, q.start, q.end)

    def _compare(self, ctx: CheckContext, ai: int, a: Quote, b: Quote) -> Iterator[Finding]:
        o, r = self._span(ctx, "original", a), self._span(ctx, "rewritten", b)
        if a.words != b.words and _squash(a.text) != _squash(b.text):  # "didn't" = "did n't"
            base = {"original_quote": a.text, "rewritten_quote": b.text, "ops": _ops(a, b)}
            k = _contiguous(b.words, a.words)
            same_form = form_key(a.words) == form_key(b.words)
            light = None if same_form else _light_reason(a, b)  # a minor note, not a misquote
            sev = Severity.MINOR if light else Severity.MAJOR
            if light:
                base["light"] = light
            if same_form:
                yield Finding(check=self.name, code="quote-form-changed", severity=Severity.MINOR,
                              message=f"Quotation changed in form only (contraction, pronoun case or spelling): "
                                      f"“{a.text}” → “{b.text}”",
                              original=o, rewritten=r, alignment=ai, data=base)
            elif k >= 0:
                dropped = [w for w in (" ".join(a.raw_words[:k]), " ".join(a.raw_words[k + len(b.words):])) if w]
                yield Finding(check=self.name, code="quote-truncated", severity=sev,
                              message=f"Quotation truncated: “{a.text}” → “{b.text}” (dropped: "
                                      + "; ".join(f"“{w}”" for w in dropped) + ")",
                              original=o, rewritten=r, alignment=ai, data={**base, "dropped": dropped})
            elif _contiguous(a.words, b.words) >= 0:
                k = _contiguous(a.words, b.words)
                added = [w for w in (" ".join(b.raw_words[:k]), " ".join(b.raw_words[k + len(a.words):])) if w]
                yield Finding(check=self.name, code="quote-extended", severity=sev,
                              message=f"Quotation extended: “{a.text}” → “{b.text}” (added: "
                                      + "; ".join(f"“{w}”" for w in added) + ")",
                              original=o, rewritten=r, alignment=ai, data={**base, "added": added})
            else:
                yield Finding(check=self.name, code="quote-altered", severity=sev,
                              message=f"Quotation altered: “{a.text}” → “{b.text}”"
                                      + (f" (only lightly: {light})" if light else ""),
                              original=o, rewritten=r, alignment=ai, data=base)
        sa, ta = speaker(ctx, "original", a)
        sb, tb = speaker(ctx, "rewritten", b)
        if sa and sb and not (sa & sb) and not _same_speaker(sa, ta, sb, tb) and not _aliased(sa, sb, self._aliases):
            so = self._token_span(ctx, "original", ta) or o
            sr = self._token_span(ctx, "rewritten", tb) or r
            # The evidence is the attribution whole ("Smith said" -> "Jones said"), so a name swap the
            # entities check reports inside it is read as part of this edit.  Two people named, with no
            # name in common, are critical, as another person put in a person's place is.
            eo = self._token_span(ctx, "original", attribution_tokens(ctx, "original", a) or ta) or so
            er = self._token_span(ctx, "rewritten", attribution_tokens(ctx, "rewritten", b) or tb) or sr
            people = all(any(t.ent_type_ == "PERSON" for t in toks) for toks in (ta, tb))
            yield Finding(check=self.name, code="quote-speaker-changed",
                          severity=Severity.CRITICAL if people else Severity.MAJOR,
                          message=f"Quotation attributed to another speaker: “{so.text}” → “{sr.text}”",
                          original=eo, rewritten=er, alignment=ai,
                          data={"original_speaker": so.text, "rewritten_speaker": sr.text, "quote": a.text})

    def _token_span(self, ctx: CheckContext, side: str, toks: list[Any]) -> Span | None:
        if not toks:
            return None
        doc = ctx.doc(side)
        for s in doc.sentences:
            sent = ctx.parses[side][s.index]
            if sent.doc is toks[0].doc and sent.start <= toks[0].i < sent.end:
                first, last = min(toks, key=lambda t: t.i), max(toks, key=lambda t: t.i)
                return ctx.token_span(side, s.index, first, last)
        return None

    def _missing(self, ctx: CheckContext, ai: int, a: Quote, r_idx: Sequence[int],
                 rq: Sequence[Quote]) -> Finding | None:
        """quote-missing for ``a``, or None when its words stand inside a quotation of the rewrite (part of
        a longer or joined quotation: the words survive, in quotation marks)."""
        if any(_contiguous(a.words, q.words) >= 0 for q in rq):
            return None
        r_text = ctx.rewritten.sentence_text(r_idx)
        r_words, _ = _words(r_text)
        unquoted = _contiguous(a.words, r_words) >= 0
        how = "appears without quotation marks" if unquoted else "is paraphrased or missing"
        sev = Severity.MAJOR if len(a.words) >= _MIN_WORDS_MAJOR else Severity.MINOR
        return Finding(check=self.name, code="quote-missing", severity=sev,
                       message=f"Quotation “{a.text}” {how} in the rewrite",
                       original=self._span(ctx, "original", a), rewritten=ctx.sentence_span("rewritten", r_idx),
                       alignment=ai, data={"original_quote": a.text, "unquoted": unquoted})
