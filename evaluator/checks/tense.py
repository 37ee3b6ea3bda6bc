"""Tense, aspect and modality of the same predicate across aligned sentences; statements turned into questions.

Each clause's verb group (main verb with its auxiliaries) is read from the parse: tense of the finite
element (past / present / future), perfect and progressive aspect, and modal category (necessity /
possibility).  Groups are compared only for a predicate (lemma) that occurs as often on each side, so
restructured sentences are left alone; for modality alone, also a verb and its one WordNet synonym ("may
remain" / "will stay") and the one main clause left on each side where its verbs govern a shared noun
("could damage crops" / "crops will be harmed") or is each side's only verb ("The strike could delay
flights" / "The walkout will hold up air travel").  Reported speech ("said he will" → "said he would"),
with the clauses inside the report ("if conditions continued"), however the parser hangs "it said" on
it, is the sequence of tenses, not a change.

A hedge said by a predicate ("is expected to begin", "is likely to begin", or as an impersonal main clause:
"it is believed that fewer survive" = "fewer are believed to survive") is read as a modality of
possibility on the verb it governs, as "may begin" is, so "is expected to begin" / "will kick off" is an
expectation stated as certain, and so is "said ... was expected to last" / "said ... would continue" (a
reported "would" is the future of the past).  A possibility stated as a plain fact ("may have been linked" / "were
caused", "could fall short" / "will miss") is major wherever the two verbs are paired by their nouns or as
each side's only clause: no translator's choice.  Two different verbs are also paired as the only clause
that a verb of saying paired on both sides reports ("argued that the plan could fall short" / "argued that
the plan will miss its goal"); and two different verbs with the same subject, paired that way or by a
shared object or as the main clauses, that move an event from the future to the past or the reverse
("will test" / "assessed", "said ... would open" / "said ... had completed") are a tense change.
Contractions are read as what they stand for: "'d" before
a past participle or "better" is "had", "'s been" is "has been" ("'s gone" may be "has" or "is").
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..types import Finding, Severity
from ._lex_util import Located, side_tokens, span_of
from .base import CheckContext, register

_MODAL_CLASS = {"must": "necessity", "should": "necessity", "ought": "necessity", "shall": "",
                "will": "", "would": "", "may": "possibility", "might": "possibility", "can": "possibility",
                "could": "possibility", "need": "necessity"}
# Contracted and split spellings of the modals, as spaCy tokenizes them: "won't" is "wo" + "n't", "can't"
# "ca" + "n't", "shan't" "sha" + "n't"; "'ll" and "'d" come with straight or curly apostrophes.
_MODAL_FORMS = {"wo": "will", "ca": "can", "sha": "shall", "'ll": "will", "ll": "will", "'d": "would",
                "d": "would"}
_MODAL_TENSE = {"will": "future", "shall": "future", "would": "conditional"}
_SPEECH = {"say", "tell", "report", "announce", "state", "claim", "add", "write", "explain", "note", "insist",
           "believe", "think", "expect", "warn", "argue", "suggest", "predict", "declare", "promise", "caution",
           "confirm", "acknowledge", "admit", "concede", "stress", "reveal", "assert", "allege", "contend",
           "testify", "conclude"}
# Predicates that hedge the verb they take as "may" does: "is expected to begin", "is likely to begin".  Not
# "is set to" / "is due to", which say what is planned, as "will" does.
_HEDGE_PASSIVES = frozenset({"expect", "project", "forecast", "predict", "anticipate", "believe", "think"})
_HEDGE_ADJECTIVES = frozenset({"likely", "probable"})
# The same hedge as an impersonal main clause: "it is believed / thought / expected / said that ...".
_HEDGE_FRAMES = _HEDGE_PASSIVES | {"say"}
_MODAL_CLASS_PHRASES = frozenset({"expected", "likely"})  # the modal spelling of a hedge predicate
_MODAL_CLASS.update(dict.fromkeys(_MODAL_CLASS_PHRASES, "possibility"))
# Modals that say an event may be so, not that it is: "may have been linked" is no "were caused" ("can",
# "could" often say what one is able to do, as a plain verb may).
_EPISTEMIC = frozenset({"may", "might", "expected", "likely"})
# Verbs whose past tense is spelled like their present: without an auxiliary the tagger can only guess.
_SAME_PAST = frozenset({"spread", "put", "set", "cut", "hit", "let", "cost", "shut", "hurt", "quit", "read", "cast",
                        "burst", "bet", "split", "thrust", "broadcast", "forecast", "upset", "shed", "bid", "rid",
                        "beat", "fit", "slit", "spit", "wed", "wet", "knit"})
_INVERTIBLE = {"do", "does", "did", "is", "are", "was", "were", "am", "have", "has", "had", "will", "would",
               "can", "could", "shall", "should", "may", "might", "must"}
_NO_INVERSION_BEFORE = {"so", "neither", "nor", "only", "not", "never", "rarely", "seldom", "hardly", "had",
                        "should", "were"}


@dataclass
class VerbGroup:
    """A clause's verb with its auxiliaries and the tense, aspect and modality they express."""

    head: Located
    first: Located
    lemma: str
    tense: str  # past | present | future | conditional | ""
    perfect: bool
    progressive: bool
    modal: str  # the modal word or ""
    reported: bool  # complement of a speech verb
    # "'s" + past participle: "has gone" or "is gone" ("is killed"); the perfect cannot be told
    maybe_perfect: bool = False
    # the clause's main predicate is the hedge that governs this verb ("is expected to begin")
    hedged_root: bool = False
    subject: Any = None  # the subject of the hedge, when the verb's own is left implicit

    @property
    def main(self) -> bool:
        return self.hedged_root or self.head[1].dep_ == "ROOT"

    @property
    def aspect(self) -> str:
        parts = [a for a, on in (("perfect", self.perfect), ("progressive", self.progressive)) if on]
        return " ".join(parts) or "simple"

    @property
    def modality(self) -> str:
        return _MODAL_CLASS.get(self.modal, "")


def _modal_word(t: Any) -> str:
    """The modal a token spells, contractions resolved ("wo" of "won't" → "will", "’d" → "would"), so that
    a contraction is the same modal as its full form."""
    low = str(t.lower_).replace("’", "'")
    return _MODAL_FORMS.get(low, low)


def _glued_subject(v: Any) -> tuple[Any, str]:
    """A "'ll" / "'d" that the tokenizer left on the subject ("company’ll pay"): the subject and the
    auxiliary it stands for ("will", "would", or "had" before a past form), or ``(None, "")``."""
    subj = next((c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or v.tag_ not in ("VB", "VBP", "VBN", "VBD"):
        return None, ""
    low = str(subj.lower_).replace("’", "'")
    if len(low) > 3 and low.endswith("'ll") and v.tag_ in ("VB", "VBP"):
        return subj, "will"
    if len(low) > 2 and low.endswith("'d"):
        return subj, "had" if v.tag_ in ("VBN", "VBD") else "would"
    return None, ""


def _contracted(chain: list[Any]) -> tuple[Any, str]:
    """A contracted auxiliary of the chain that the tagger read as another word, and the one it stands
    for: "'d" before a past participle (adverbs aside: "he'd never agreed") or before "better" is "had",
    not "would"; "'s been" is "has been"; "'s" before another participle is "has" or "is" ("'s gone" /
    "'s killed"), returned as "has or is".  ``(None, "")`` when there is none."""
    for k, t in enumerate(chain[:-1]):
        low = str(t.lower_).replace("’", "'")
        nxt = chain[k + 1]
        if low in ("'d", "d") and t.tag_ == "MD":
            after = t.doc[t.i + 1] if t.i + 1 < len(t.doc) else None
            if (after is not None and after.lower_ == "better") or (
                    nxt.tag_ in ("VBN", "VBD") and nxt.lemma_.lower() != "have"):
                return t, "had"
        if low in ("'s", "s") and t.lemma_.lower() == "be" and nxt.tag_ == "VBN":
            return t, "has" if nxt.lower_ == "been" else "has or is"
    return None, ""


def _chain(v: Any) -> list[Any]:
    """Auxiliaries (and copula) of ``v`` in sentence order, then ``v`` itself."""
    aux = [c for c in v.children if c.dep_ in ("aux", "auxpass", "cop") and c.i < v.i]
    return sorted(aux, key=lambda t: t.i) + [v]


def _hedge_of(v: Any) -> tuple[Any, Any, str] | None:
    """For a verb governed by a hedge ("is expected to begin", "is likely to begin", or the same hedge as a
    main clause of its own: "it is believed that fewer survive"): the hedge's finite verb (its own chain's
    head), the hedge word's token and its modal spelling ("expected" / "likely")."""
    h = v.head
    if v.dep_ == "ccomp" and h.pos_ == "VERB" and h.lemma_.lower() in _HEDGE_FRAMES and any(
            c.dep_ == "auxpass" for c in h.children) and any(
            c.dep_ in ("nsubjpass", "expl") and c.lower_ == "it" for c in h.children):
        return h, h, "expected"  # "it is believed that X survive" says what "X are believed to survive" says
    if v.dep_ != "xcomp" or not any(c.tag_ == "TO" or c.lower_ == "to" for c in v.children if c.i < v.i):
        return None
    if h.pos_ == "VERB" and h.lemma_.lower() in _HEDGE_PASSIVES and any(c.dep_ == "auxpass" for c in h.children):
        return h, h, "expected"
    if h.lemma_.lower() in _HEDGE_ADJECTIVES and h.dep_ == "acomp" and h.head.lemma_.lower() == "be":
        return h.head, h, "likely"
    return None


def _is_hedge(v: Any) -> bool:
    """``v`` is the verb of a hedge that another verb group carries (``_hedge_of``): not a clause of its own."""
    heads = [v] + [c for c in v.children if c.dep_ == "acomp"]  # "is likely [to begin]"
    for x in (c for h in heads for c in h.children if c.dep_ in ("xcomp", "ccomp")):
        hedge = _hedge_of(x)
        if hedge is not None and hedge[0].i == v.i:
            return True
    return False


def verb_groups(toks: list[Located]) -> list[VerbGroup]:
    """The finite verb groups of one side of a pair."""
    where = {(s, t.i): (s, t) for s, t in toks}
    out: list[VerbGroup] = []
    for s, v in toks:
        if v.dep_ in ("aux", "auxpass", "cop"):
            continue
        if not (v.pos_ in ("VERB", "AUX") or any(c.dep_ == "cop" for c in v.children)):
            continue
        if _is_hedge(v):
            continue  # "is expected [to begin]": read on the verb it hedges
        chain = _chain(v)
        hedge = _hedge_of(v)
        if hedge is not None:
            out.extend(_hedged_group(s, v, hedge, where))
            continue
        if any(t.lower_ == "to" or t.tag_ == "TO" for t in chain):
            continue
        fin = chain[0]
        words = [t.lower_ for t in chain]
        short, spelled = _contracted(chain)
        modal = next((_modal_word(t) for t in chain if t.tag_ == "MD" and t is not short), "")
        subj, glued = _glued_subject(v) if len(chain) == 1 else (None, "")
        if glued:
            fin = subj  # the evidence span starts at the contraction: "company’ll pay"
        if fin is short and spelled == "had":  # "she'd left", "you'd better"
            tense = "past"
        elif fin.tag_ == "MD":
            tense = _MODAL_TENSE.get(_modal_word(fin), "")
        elif glued == "had":  # "company'd paid"
            tense = "past"
        elif glued:
            modal, tense = glued, _MODAL_TENSE[glued]
        elif fin.tag_ in ("VBD", "VBP") and fin is v and fin.lower_ in _SAME_PAST and not _singular_subject(v):
            tense = "past or present"  # "floods that spread sediment"
        elif fin.tag_ == "VBD":
            tense = "past"
        elif fin.tag_ in ("VBZ", "VBP"):
            tense = "present"
        elif fin.tag_ == "VB" and fin is v and any(c.dep_ in ("nsubj", "nsubjpass") for c in v.children):
            tense = "present"
        else:
            continue  # participle, gerund, infinitive or imperative: not a finite clause
        lemmas = [t.lemma_.lower() for t in chain]
        perfect = (any(lem == "have" and t is not v for lem, t in zip(lemmas, chain, strict=False)) and (
            v.tag_ == "VBN" or any(t.lower_ == "been" for t in chain))) or glued == "had" or (
            spelled == "has" or (spelled == "had" and chain[chain.index(short) + 1].tag_ in ("VBN", "VBD")))
        progressive = (v.tag_ == "VBG" and any(lem == "be" and t is not v for lem, t in zip(lemmas, chain, strict=False))) or (
            "being" in words[:-1])
        lemma = v.lemma_.lower()
        if v.pos_ not in ("VERB", "AUX"):  # "is happy": compare on the predicate word
            lemma = f"be {lemma}"
        reported = _reported(v)
        out.append(VerbGroup(where.get((s, v.i), (s, v)), where.get((s, fin.i), (s, fin)), lemma, tense,
                             perfect, progressive, modal, reported, maybe_perfect=spelled == "has or is"))
    return out


def _hedged_group(s: int, v: Any, hedge: tuple[Any, Any, str],
                  where: dict[tuple[int, int], Located]) -> list[VerbGroup]:
    """The verb group of a verb a hedge governs: the hedge as its modal and, as a modal has, no tense of its
    own unless it is past ("is expected to begin": modal "expected"; "was expected to begin": past), and the
    perfect of either ("is expected to have begun", "has been expected to begin")."""
    verb, word, modal = hedge
    chain = _chain(verb)
    fin = chain[0]
    if fin.tag_ == "MD" or fin.tag_ not in ("VBD", "VBZ", "VBP"):
        return []  # "will be expected to", "may be likely to": a hedge on a hedge, left alone
    tense = "past" if fin.tag_ == "VBD" else ""  # "is expected to" is timeless as "may" is; "was expected" past
    # the verb's own perfect ("is expected to have begun") or the hedge's ("has been expected to begin")
    perfect = (any(c.dep_ == "aux" and c.lemma_.lower() == "have" for c in v.children) and v.tag_ == "VBN") or (
        any(t.lemma_.lower() == "have" for t in chain[:-1]) and any(t.lower_ == "been" for t in chain))
    if v.dep_ == "ccomp":  # "it is believed that ...": the clause's own tense says what the infinitive's does
        own = _chain(v)
        if any(t.tag_ == "MD" and _modal_word(t) not in ("will", "would", "shall") for t in own):
            return []  # "it is thought that X may": a hedge on a hedge, left alone
        # "it is believed that they survived" is "they are believed to have survived"
        perfect = perfect or (own[0].tag_ == "VBD" and tense != "past")
    progressive = v.tag_ == "VBG" and any(c.dep_ == "aux" and c.lemma_.lower() == "be" for c in v.children)
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None) \
        if v.dep_ != "ccomp" else None  # "it is believed that X ...": X, the clause's own subject
    return [VerbGroup(where.get((s, v.i), (s, v)), where.get((s, fin.i), (s, fin)), v.lemma_.lower(), tense,
                      perfect, progressive, modal, _reported(verb), hedged_root=verb.dep_ == "ROOT",
                      subject=subject)]


# Links from a clause to the clause it belongs to, followed up to the reporting clause: "said [losses
# might exceed ... [if conditions continued]]" reports the "if" clause too.
_CLAUSE_LINKS = frozenset({"advcl", "ccomp", "conj", "relcl", "xcomp", "acl", "parataxis"})


def _reported(v: Any) -> bool:
    """The verb's clause, or a clause it sits in, is what a speech verb reports, however the parser hangs
    the two together: the complement of "said" ("It said losses might exceed"), or the clause that a
    trailing or parenthetical "it said" hangs on ("Losses might exceed ..., it said").  Subordinate
    clauses inside the reported clause ("if dry conditions continued") are reported too, so the sequence
    of tenses applies; words in quotation marks are the speaker's own, tenses and all."""
    if _quoted(v):
        return False  # direct speech keeps the speaker's tenses: "'... if lockdowns have to be ordered,' he said"
    t = v
    for _ in range(12):  # a parse is a tree; the bound only guards against a malformed one
        if t.dep_ in ("ccomp", "parataxis") and t.head.lemma_.lower() in _SPEECH:
            return True
        if any(c.dep_ == "parataxis" and c.lemma_.lower() in _SPEECH
               and any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)
               and not any(g.dep_ == "ccomp" for g in c.children) for c in t.children):
            return True  # "..., it said", "The plan, officials said, would": hung on the clause it reports
        if t.dep_ not in _CLAUSE_LINKS or t.head is t:
            return False
        t = t.head
    return False


def _quoted(v: Any) -> bool:
    """The token stands inside quotation marks opened before it in its sentence."""
    inside = False
    for t in v.sent:
        if t.i >= v.i:
            return inside
        if t.text in ("“", "«", "„"):
            inside = True
        elif t.text in ("”", "»"):
            inside = False
        elif t.text == '"':
            inside = not inside
    return inside


def _singular_subject(v: Any) -> bool:
    """The verb's subject is third person singular (so a bare "spread" can only be past)."""
    subj = next((c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is not None and subj.lower_ in ("that", "which", "who") and v.dep_ == "relcl":
        subj = v.head
    if subj is None:
        return False
    return subj.tag_ in ("NN", "NNP") or subj.lower_ in ("he", "she", "it", "this", "that")


def _is_question(toks: list[Located]) -> Located | None:
    """The inverted auxiliary or the final question mark if the side reads as a question."""
    words = [(s, t) for s, t in toks if not t.is_space]
    if not words:
        return None
    last = next(((s, t) for s, t in reversed(words) if t.text not in ('"', "”", "’", "'", ")", "»")), None)
    if last is not None and last[1].text == "?":
        return last
    for k, (s, t) in enumerate(words):
        if _modal_word(t) not in _INVERTIBLE or t.pos_ != "AUX":
            continue
        prev = words[k - 1][1] if k else None
        if prev is not None and prev.text not in (",", "“", '"', "—", "-", ":"):
            continue  # only at the start of the sentence or after an introductory phrase
        if prev is not None and any(w[1].lower_ in _NO_INVERSION_BEFORE for w in words[max(0, k - 3): k]):
            continue
        head = t.head if t.dep_ in ("aux", "auxpass") else t
        subj = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass", "expl")]
        if subj and subj[0].i > t.i and head.i >= t.i and head.dep_ == "ROOT":
            return (s, t)
    return None


def _describe(g: VerbGroup) -> str:
    bits = [g.tense or "non-finite", g.aspect]
    if g.modal:
        bits.append(f"modal “{g.modal}”")
    return ", ".join(bits)


@register
class TenseCheck:
    """Tense, aspect, modality and sentence type (statement/question) of aligned predicates."""

    name = "tense"

    def run(self, ctx: CheckContext) -> Iterator[Finding]:
        for ai, pair in ctx.matched():
            yield from self._pair(ctx, ai, pair.original, pair.rewritten)

    def _pair(self, ctx: CheckContext, ai: int, o_idx: Sequence[int], r_idx: Sequence[int]) -> Iterator[Finding]:
        o_toks = side_tokens(ctx, "original", o_idx)
        r_toks = side_tokens(ctx, "rewritten", r_idx)
        rq = _is_question(r_toks)
        if rq is not None and _is_question(o_toks) is None:
            o_span = ctx.sentence_span("original", o_idx)
            yield Finding(check=self.name, code="statement-to-question", severity=Severity.MAJOR,
                          message=f"Statement turned into a question: “{rq[1].text}” in "
                                  f"“{ctx.sentence_span('rewritten', r_idx).text}”",  # type: ignore[union-attr]
                          original=o_span, rewritten=span_of(ctx, "rewritten", rq), alignment=ai,
                          data={"marker": rq[1].text})
            return  # a question also inverts the verb group; one finding says it
        og, rg = verb_groups(o_toks), verb_groups(r_toks)
        # Wording kept but tense changed is a clear change; in a reworded sentence a tense shift is
        # usually a translator's choice, so it is only a minor note.
        severity = Severity.MAJOR if _overlap(o_toks, r_toks) >= _CLOSE else Severity.MINOR
        sole = _sole(og, rg)
        for a, b, reworded in _paired(og, rg, ctx.wordnet()):
            yield from self._compare(ctx, ai, a, b, severity, modality_only=reworded, sole=sole,
                                     balanced=len(og) == len(rg))

    def _compare(self, ctx: CheckContext, ai: int, a: VerbGroup, b: VerbGroup,
                 severity: Severity, modality_only: bool = False, sole: bool = False,
                 balanced: bool = True) -> Iterator[Finding]:
        code = None
        modality_changed = a.modality != b.modality and bool(a.modality or b.modality)
        if modality_only and not modality_changed:
            if _time_flipped(a, b):
                yield self._finding(ctx, ai, a, b, "tense-changed", "Tense changed", Severity.MAJOR)
            return  # two different verbs (synonyms, or the main clauses): modality alone, see _paired
        if modality_changed:
            code, what = "modality-changed", "Modality changed"
            hedge, plain = (a, b) if a.modality else (b, a)
            # a modal word against "will", or (a hedge as a predicate, or a plain statement) only where the two
            # verbs are the same or each side has as many clauses: a clause merged away may have carried it
            # ("rain is expected to fall and is likely to last" / "rain will lead into a long spell")
            new_rule = hedge.modal in _MODAL_CLASS_PHRASES or plain.modal not in ("will", "shall")
            # a reported "would" is the future of the past, as "will" is the future: "said the heatwave was
            # expected to last" / "said the heatwave would continue"; so is "would" against a past expectation
            # ("was expected to last" / "would continue")
            future = plain.modal in ("will", "shall") or (plain.modal == "would" and hedge.modal in _EPISTEMIC and (
                (plain.reported and hedge.reported) or (hedge.tense == "past" and not plain.reported)))
            if {a.modality, b.modality} == {"possibility", ""} and (_arguments(a) & _arguments(b) or sole) and (
                    future or (not plain.modal and (
                        hedge.modal in _EPISTEMIC or (hedge.modal == "could" and hedge.perfect)))) and (
                    not new_rule or not modality_only or balanced):
                # "could damage crops" / "crops will be harmed": what may happen now will; "may have been linked"
                # / "were caused", "is expected to begin" / "begins": what may be so now is.  Unlike a tense
                # shift this is no translator's choice, however much the rest of the sentence is reworded.
                # Other shifts are left to the wording rule: "can speed up" / "if ..., it would speed up",
                # "are expected" / "can expect", "should" / "is supposed to" say the same in other words.
                severity = Severity.MAJOR
            if {a.modality, b.modality} == {"possibility", ""} and _hedged(a if not a.modality else b):
                severity = Severity.MINOR  # "perhaps ... will resume" / "may resume": the same hedge
        elif (a.perfect, a.progressive) != (b.perfect, b.progressive) and not (
                (a.maybe_perfect or b.maybe_perfect) and a.progressive == b.progressive):
            if (a.reported or b.reported) and a.tense == b.tense == "past" and not (a.progressive or b.progressive):
                return  # backshift in reported speech: "said the suspect stole" / "said he had stolen"
            code, what = "aspect-changed", "Aspect changed"
            if a.perfect == b.perfect and a.tense == b.tense and a.tense in ("future", "conditional"):
                severity = Severity.MINOR  # "will be fighting" / "will fight": the same event either way
            elif not (a.progressive or b.progressive) and {(a.tense, a.perfect), (b.tense, b.perfect)} == {
                    ("past", False), ("present", True)}:
                severity = Severity.MINOR  # "declared" / "has declared": a past event either way
        elif a.tense != b.tense:
            shift = {a.tense, b.tense}
            if (a.reported or b.reported) and shift in ({"past", "present"}, {"future", "conditional"}):
                return  # sequence of tenses in reported speech
            if "past or present" in shift:
                if shift & {"past", "present"}:
                    return  # the form cannot tell past from present
                if "conditional" in shift:
                    severity = Severity.MINOR  # a habitual "would" may well be past
            code, what = "tense-changed", "Tense changed"
        if code is None:
            return
        yield self._finding(ctx, ai, a, b, code, what, severity)

    def _finding(self, ctx: CheckContext, ai: int, a: VerbGroup, b: VerbGroup, code: str, what: str,
                 severity: Severity) -> Finding:
        o_span = span_of(ctx, "original", a.first, a.head) if a.first[0] == a.head[0] else span_of(
            ctx, "original", a.head)
        r_span = span_of(ctx, "rewritten", b.first, b.head) if b.first[0] == b.head[0] else span_of(
            ctx, "rewritten", b.head)
        return Finding(check=self.name, code=code, severity=severity,
                      message=f"{what}: “{o_span.text}” → “{r_span.text}” ({_describe(a)} → {_describe(b)})",
                      original=o_span, rewritten=r_span, alignment=ai,
                      data={"lemma": a.lemma, "original": {"tense": a.tense, "aspect": a.aspect, "modal": a.modal},
                            "rewritten": {"tense": b.tense, "aspect": b.aspect, "modal": b.modal}})


# Adverbs that weigh a claim as "may" does ("perhaps will resume", "would likely be"); the omission check reads
# the same list, so that each of them dropped is the same hedge dropped.
HEDGE_ADVERBS = frozenset({"perhaps", "possibly", "maybe", "probably", "likely", "presumably", "apparently",
                           "conceivably", "potentially"})
# Adverbs that make a claim someone else's (an allegation, a report): omission and quotes read the same list.
REPORT_ADVERBS = frozenset({"allegedly", "reportedly", "purportedly", "supposedly", "reputedly"})


def hedge_adverb(t: Any) -> bool:
    """``t`` is a hedging adverb: one of ``HEDGE_ADVERBS``, "likely" only as an adverb ("would likely be",
    not "is likely to")."""
    return t.lower_ in HEDGE_ADVERBS and (t.lower_ != "likely" or t.dep_ == "advmod")


def _hedged(g: VerbGroup) -> bool:
    """The verb carries a hedging adverb ("perhaps will resume"), which says what "may" says."""
    return any(hedge_adverb(c) for c in g.head[1].children)


_CLOSE = 0.7  # share of words kept (see _overlap) above which a rewrite counts as the same wording


def _overlap(a: list[Located], b: list[Located]) -> float:
    """Shared words (as a multiset, lower-cased, punctuation ignored) over the longer side."""
    ca = Counter(_unglued(t.lower_) for _, t in a if not t.is_punct)
    cb = Counter(_unglued(t.lower_) for _, t in b if not t.is_punct)
    n = max(sum(ca.values()), sum(cb.values()))
    return sum((ca & cb).values()) / n if n else 1.0


def _unglued(word: str) -> str:
    """A word without a contracted auxiliary the tokenizer left on it ("company’ll" → "company")."""
    for tail in ("'ll", "’ll", "'d", "’d"):
        if word.endswith(tail) and len(word) > len(tail) + 1:
            return word[: -len(tail)]
    return word


def _paired(og: list[VerbGroup], rg: list[VerbGroup], wn: Any = None) -> list[tuple[VerbGroup, VerbGroup, bool]]:
    """Verb groups of the same predicate, each with whether it is compared for modality only.

    First the same lemma, paired in order where it occurs as often on both sides; then, among the groups
    left, one verb and its one WordNet synonym ("remain" / "stay", "start" / "begin"); last, the one main
    clause left on each side when the two verbs govern a shared content word ("The heat could damage
    crops" / "Crops will be harmed by the heat").  Those two pairings are guesses about two different
    verbs: good enough to see "could" turn into "will", not to read a tense or aspect shift into a
    reworded clause ("watched" / "was viewing", "had been breached" / "was broken" are a translator's
    choice), so they are compared for modality only.
    """
    by_o: dict[str, list[VerbGroup]] = {}
    by_r: dict[str, list[VerbGroup]] = {}
    for g in og:
        by_o.setdefault(g.lemma, []).append(g)
    for g in rg:
        by_r.setdefault(g.lemma, []).append(g)
    out: list[tuple[VerbGroup, VerbGroup, bool]] = []
    for lemma, gs in by_o.items():
        other = by_r.get(lemma, [])
        if len(other) == len(gs):
            out.extend((a, b, False) for a, b in zip(gs, other, strict=False) if _catenative(a) == _catenative(b))
    done = {id(g) for pair in out for g in pair[:2]}
    left_o = [g for g in og if id(g) not in done and g.lemma not in by_r]
    left_r = [g for g in rg if id(g) not in done and g.lemma not in by_o]
    if wn is not None:
        def synonyms(a: VerbGroup, b: VerbGroup) -> bool:
            return " " not in a.lemma and " " not in b.lemma and wn.are_synonyms(a.lemma, b.lemma, "v")

        for a in list(left_o):
            cands = [b for b in left_r if synonyms(a, b)]
            if len(cands) != 1 or sum(synonyms(x, cands[0]) for x in left_o) != 1 \
                    or _catenative(a) != _catenative(cands[0]):
                continue
            out.append((a, cands[0], True))
            left_o.remove(a)
            left_r.remove(cands[0])
    # the one clause left that a verb of saying, paired on both sides, reports ("argued that the plan could
    # fall short" / "argued that the plan will miss its goal")
    for a, b, _ in list(out):
        if a.lemma in _SPEECH and a.lemma == b.lemma:
            ro, rr = _reported_by(a, left_o), _reported_by(b, left_r)
            if len(ro) == len(rr) == 1 and not (_catenative(ro[0]) or _catenative(rr[0])):
                out.append((ro[0], rr[0], True))
                left_o.remove(ro[0])
                left_r.remove(rr[0])
    mains_o = [g for g in left_o if g.main]
    mains_r = [g for g in left_r if g.main]
    # not a verb that takes another ("is supposed to provide", "has to pay"): it may carry a modality of
    # its own that the modal word of the other side says
    # nor a hedge verb itself ("rain is expected"): it says a possibility as "may" does
    if len(mains_o) == len(mains_r) == 1 and (_arguments(mains_o[0]) & _arguments(mains_r[0]) or _sole(og, rg)) \
            and not any(_catenative(g) or g.lemma in _HEDGE_PASSIVES for g in (mains_o[0], mains_r[0])):
        out.append((mains_o[0], mains_r[0], True))
    return out


def _sole(og: list[VerbGroup], rg: list[VerbGroup]) -> bool:
    """Each side is one clause, its main verb the only verb group: the two say the same event however
    every word of it is reworded ("The strike could delay flights" / "The walkout will hold up travel")."""
    return len(og) == len(rg) == 1 and og[0].main and rg[0].main


def _reported_by(speech: VerbGroup, groups: list[VerbGroup]) -> list[VerbGroup]:
    """The groups of ``groups`` that ``speech`` (a verb of saying) reports: its clausal complement, or the
    clause it hangs on as "..., it said"."""
    v = speech.head[1]

    def top(t: Any) -> Any:  # a clause coordinated with a reported one is reported too: "said that A and that B"
        while t.dep_ == "conj" and t.head.i != t.i:
            t = t.head
        return t

    def clause(t: Any) -> Any:  # a hedged verb's clause is its hedge's: "said [it was expected] to last"
        hedge = _hedge_of(t)
        return hedge[0] if hedge is not None else t

    return [g for g in groups if g.head[1].doc is v.doc and (
        (top(clause(g.head[1])).head.i == v.i and top(clause(g.head[1])).dep_ in ("ccomp", "parataxis"))
        or (v.head.i == clause(g.head[1]).i and v.dep_ in ("parataxis", "ccomp") and v.i > g.head[1].i))]


def _subject_key(g: VerbGroup) -> str | None:
    """The lemma of the group's subject (a passive one too), or of its hedge's ("Raye is expected to")."""
    subj = g.subject or next((c for c in g.head[1].children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return subj.lemma_.lower() if subj is not None and subj.pos_ in ("NOUN", "PROPN") else None


# Time an event is put in: the future ("will", "would" in a report: the future of the past) or the past (a
# past tense, or a present perfect).
def _when(g: VerbGroup) -> str:
    if g.tense == "future" or (g.tense == "conditional" and g.reported):
        return "future"
    if g.tense == "past" or (g.tense == "present" and g.perfect):
        return "past"
    return ""


def _time_flipped(a: VerbGroup, b: VerbGroup) -> bool:
    """Two different verbs, paired (``_paired``), with the same subject, that put the event in the future on
    one side and in the past on the other ("will test" / "assessed", "would open" / "had completed"): the
    same subject doing something of which one side says it is done and the other that it is to come.  A
    shift within the past or the present ("watched" / "was viewing") stays a translator's choice."""
    when = {_when(a), _when(b)}
    return when == {"future", "past"} and _subject_key(a) is not None and _subject_key(a) == _subject_key(b) \
        and not (a.modality or b.modality)


def _arguments(g: VerbGroup) -> set[str]:
    """Lemmas of the nouns a verb governs: subject, object, agent and prepositional objects (and the subject
    of the hedge it is governed by: "Raye is expected to begin")."""
    out: set[str] = set()
    if g.subject is not None and g.subject.pos_ in ("NOUN", "PROPN"):
        out.add(g.subject.lemma_.lower())
    for c in g.head[1].children:
        nouns = [c] if c.dep_ in ("nsubj", "nsubjpass", "dobj", "attr", "oprd", "dative") else [
            p for p in c.children if p.dep_ == "pobj"] if c.dep_ in ("agent", "prep") else []
        out.update(n.lemma_.lower() for n in nouns if n.pos_ in ("NOUN", "PROPN"))
    return out


# Verbs of phase: with another verb or a noun they say the same ("stopped production" / "stop producing").
_PHASE_VERBS = frozenset({"stop", "start", "begin", "continue", "keep", "cease", "finish", "resume", "end"})


def _catenative(g: VerbGroup) -> bool:
    """The verb takes another verb ("failed to show", "tried to leave", "are due to be certified"): a use of its
    own, not the same predicate as the plain verb ("had failed to show" / "would fail" are two different
    statements).  Verbs of phase are one predicate either way ("stopped production" / "will stop producing")."""
    v = g.head[1]
    heads = [v] + [c for c in v.children if c.dep_ == "acomp"]  # "are due to be certified", "is able to pay"
    return g.lemma not in _PHASE_VERBS and any(
        c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX") for h in heads for c in h.children)
