"""Negation added or removed, and words swapped for their antonyms, across aligned sentences.

Each negation cue (not, n't, never, no, nothing, without, fail to, refuse to, avoid/refrain from/prevent
or block ... from + a verb, hardly, and "unless" = "if not" ...) is attached to the predicate it negates (from the
dependency parse); "unless" / "if" is thus a flip and "unless" / "if ... not" the same condition.
Predicates found on both sides are compared for polarity; cues on predicates without a counterpart count
only when the number of cues differs (a negation that merely moved is a paraphrase), and only as a minor note when the other side says the
negation with a word of its own instead ("did not attend" / "was absent", "ineffective" / "does not
work") -- unless the negated word is negative itself ("did not miss" / "was absent": a flip).  Idioms
are read as what they mean: "yet to" is a cue, "not without" and "did not fail to" cancel (and flip
against the negative half alone: "not without" / "without", "did not deny" / "denied"), "no fewer
than 50" and "not ... until Monday" are a bound and a time unless the other side has the same
construction without the negation (or, for "until", says "before"); "no change" ("voted for no change" =
"voted to hold") counts only against "change" on the other side.  A word typed twice is one cue;
a cue misspelt on the other side ("unlikey") is a minor note.  Antonyms come from WordNet
(evaluator.lexicon) and a closed list WordNet lacks (function words, comparisons said in other words:
"higher than" / "below", rulings, directions, policies: "suspended" / "introduced"); without WordNet only
the closed list is read, with one warning.  Scope quantifiers of opposed classes on the same noun
("some of the jewellery" / "most of the jewellery", "one of its two engines" / "both of its engines") are
antonym swaps too, compared by position so that a swapped pair is found (one standing alone as a subject,
"and most supported it" / "and few supported it", too); so is a restricting quantifier
(some, many, several, a few, most) dropped from a plural subject (or a passive's agent: "by analysts") that
stands bare on the other side ("Some reviewers criticised the film" / "Reviewers criticised the film": a
claim about some made general), or added to one.  ("All" dropped is left to the omission check's minor note: a bare plural subject already
reads as "all, in general"; a bare plural object reads as "some": "arrested protesters".)  So is a restricting
quantifier taking a definite noun through "of", in any role, against that noun definite and whole on the
other side ("moved some of its services" / "moved its services": a part made the whole).  Verbs opposed
only in another sense are no swap with the object that makes them one act ("breaking the record" /
"setting the record").  The outcomes of a contest exclude each other: "drew" / "tied" against "won" / "lost"
is a swap where "drew" is said of a contest (a game, match, bout ... as its object, or no object: "drew 1-1
with Chelsea"), not "drew a crowd", "drew praise", "drew on his experience".  A negation plus an
antonym ("not aware" → "unaware", "never stopped" → "always") cancel out.  "Only" as a focus restriction
("Only three engines fired", "opens only on Sundays") says "and no other": a negation of the rest, so
dropping or adding it is negation-removed / negation-added, major, where the word it restricts stands on
the other side and that side says no restriction in other words ("just", "merely", "alone", "not
until", "except" ...).  Before "the" and a rank outside the subject ("only the second woman to win", "for
only the fifth time") "only" is emphasis, no restriction (the omission check notes the word).
"""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..lexicon import UPOS_TO_WN, WordNet
from ..types import Finding, Severity
from ._lex_util import Located, side_tokens, span_of, subject_of
from .base import CheckContext, register

log = logging.getLogger(__name__)

_NEG_WORDS = {"not", "n't", "never", "no", "none", "nobody", "nothing", "neither", "nowhere", "noone",
              "cannot", "nor", "hardly", "barely", "scarcely", "seldom", "without", "no-one"}
# Verbs that negate only a verb after "from": "blocked the administration from including" = "it did not include".
_FROM_NEGATORS = {"block", "bar", "ban", "prohibit", "forbid", "deter"}
_NEG_VERBS = {"fail", "refuse", "deny", "lack", "cease", "decline", "stop", "avoid", "refrain", "abstain",
              "prevent"} | _FROM_NEGATORS
# "declined to comment", not "prices declined"; "stopped working", not "stopped the car"
_NEG_VERBS_NEED_XCOMP = {"decline", "cease", "stop", "avoid", "refrain", "abstain", "prevent"} | _FROM_NEGATORS
# Verbs that negate a verb they govern ("avoid swimming" = "not swim", "refrained from voting", "prevented
# the match from going ahead"); with a noun instead ("avoid travel", "abstained from the vote") the negation
# is weak: it balances a negation on the other side but is no finding alone.
_NEG_VERBS_WEAK_NOUN = {"avoid", "refrain", "abstain", "prevent"}
# "no change" says "unchanged" (kept as it was), no denial of the predicate: a negation only against
# "change" on the other side ("voted for a change" / "voted for no change").
_NO_IDIOMS = {"change", "changes"}
# Adjectives that negate their complement: "unable to attend", "unlikely to pass" (= "will probably not pass").
_NEG_ADJ = {"unable", "unlikely", "unwilling"}
# "no fewer than 50", "not more than 50", "no later than Friday": a bound on a quantity, not a negation.
_COMPARATIVE_BOUND = {"fewer", "more", "less", "greater", "later", "earlier", "sooner", "longer", "higher",
                      "lower"}
_NOT_NEGATING_NEXT = {"only", "just", "merely", "least", "even", "necessarily"}  # "not only ... but"
_PREFIXES = ("un", "in", "im", "il", "ir", "dis", "non", "non-", "a")
_CLAUSE_POS = {"VERB", "AUX"}
_CONTENT = {"NOUN", "VERB", "ADJ", "ADV"}


@dataclass
class Cue:
    """One negation cue and the predicate it negates."""

    tok: Located
    pred: Located
    word: str
    weak: bool = False  # "without" + noun: counts against a negation elsewhere, is no finding alone
    # An idiom that is no negation unless the other side has the same construction unnegated: "not more
    # than 50" against "at most 50" is a bound, against "more than 50" a flip; "not published until
    # Monday" against "published on Monday" is a time, against "published until Monday" a flip.
    needs: str = ""

    @property
    def pred_lemma(self) -> str:
        return _pred_lemma(self.pred[1])


def _pred_lemma(tok: Any) -> str:
    return str(tok.lemma_).lower()


def _clause_head(tok: Any) -> Any:
    """The nearest verbal or root ancestor of ``tok`` (the predicate its clause asserts)."""
    cur = tok
    for _ in range(12):
        if cur.pos_ in _CLAUSE_POS or cur.dep_ == "ROOT" or cur.head.i == cur.i:
            return cur
        if cur.dep_ in ("relcl", "acl", "ccomp", "advcl", "xcomp", "conj") and cur.pos_ in ("ADJ", "NOUN"):
            return cur
        cur = cur.head
    return cur


# Verbs that let a negation sit on them or on their complement with one meaning.
_NEG_RAISING = frozenset({"think", "believe", "expect", "suppose", "seem", "appear", "want", "imagine",
                          "anticipate", "reckon", "feel", "guess", "intend", "plan", "mean", "advise", "suggest",
                          "likely", "wish", "would", "be"})
_EXCEPTIONS = frozenset({"except", "but", "besides", "save", "excepting", "bar"})
_ABLE = frozenset({"able", "unable", "possible", "impossible", "likely", "unlikely", "allowed", "willing"})


def _exclusive(toks: list[Located], k: int) -> bool:
    """A negative quantifier with an exception after it ("nothing except X", "no one but Y") says "only"."""
    for _s, t in toks[k + 1: k + 5]:
        if t.lower_ in _EXCEPTIONS and t.pos_ in ("ADP", "SCONJ", "CCONJ"):
            return True
        if t.lower_ in ("other", "apart"):
            return True
        if t.pos_ in ("VERB", "AUX") or t.text in (";", ":", "."):
            break
    return False


def _predicate(tok: Any) -> Any:
    """The word a cue's head stands for: an auxiliary's verb, a copula's complement, "able to X"'s X."""
    if tok.dep_ in ("aux", "auxpass") and tok.head.i != tok.i:
        tok = tok.head
    if tok.pos_ == "AUX":
        comp = [c for c in tok.children if c.dep_ in ("acomp", "attr")]
        if comp:
            tok = comp[0]
    if tok.lower_ in _ABLE:
        xcomp = [c for c in tok.children if c.dep_ == "xcomp" and c.pos_ in _CLAUSE_POS]
        if xcomp:
            tok = xcomp[0]
    return tok


def _repeat(t: Any) -> bool:
    """The word just after ``t`` repeats it ("failed failed"): a slip, one word; the cue is read on the
    last of the two, which the parser takes for the word (the first is often tagged an auxiliary)."""
    return bool(t.is_alpha and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == t.lower_)


def find_cues(toks: list[Located], doubles: list[tuple[Cue, Cue]]) -> list[Cue]:
    """Negation cues of one side of a pair, each with the predicate it attaches to.  Double negations
    that cancel ("did not fail to", "not without") are no cues; each is added to ``doubles`` as (outer
    cue, the negative it negates)."""
    cues: list[Cue] = []
    where = {(s, t.i): (s, t) for s, t in toks}
    seen_neither = False
    cancelled: set[int] = set()  # positions in ``toks`` of cues a preceding negation cancels
    for k, (s, t) in enumerate(toks):
        low = t.lower_
        nxt = toks[k + 1][1].lower_ if k + 1 < len(toks) else ""
        after = toks[k + 2][1].lower_ if k + 2 < len(toks) else ""
        pred = None
        prev = toks[k - 1][1].lower_ if k else ""
        if k in cancelled or _repeat(t):
            continue
        needs = ""
        if low in ("no", "not") and nxt in _COMPARATIVE_BOUND and after == "than":
            needs = nxt  # "no fewer than 50" = "at least 50"
        if low in ("not", "n't", "n’t", "never") and nxt == "without":
            cancelled.add(k + 1)  # "not without risks": two negations that cancel ("has risks")
            w = toks[k + 1]
            obj = next((c for c in w[1].children if c.dep_ in ("pcomp", "pobj")), None)
            if obj is not None:
                o = where.get((s, obj.i), (s, obj))
                doubles.append((Cue((s, t), o, low), Cue(w, o, "without", weak=True)))
            continue
        if low in ("not", "n't", "n’t") or (t.dep_ == "neg" and not (low == "no" and nxt in ("longer", "more"))):
            if nxt in _NOT_NEGATING_NEXT or prev == "or":  # "not only", "whether or not"
                continue
            pred = _predicate(t.head)
            needs = needs or _until(t, pred)  # "not published until Monday": a time
        elif low == "ill" and nxt in ("-", "‑"):  # "ill-prepared": not (well) prepared
            pred = t.head
        elif low == "no":
            if nxt == "." or t.dep_ == "intj" or (t.pos_ == "PROPN"):
                continue  # "No. 4", "No, ..."
            if nxt in ("longer", "more"):
                pred = _clause_head(t.head.head if t.head.lower_ in ("longer", "more") else t.head)
            elif t.dep_ in ("advmod", "neg"):
                pred = t.head
            elif _exclusive(toks, k):
                continue  # "no one but him"
            else:
                pred = _clause_head(t.head if t.dep_ == "det" else t)
                if t.dep_ == "det" and t.head.lower_ in _NO_IDIOMS:
                    needs = "change"  # "voted for no change" = "voted to hold"
        elif low in ("never", "hardly", "barely", "scarcely", "seldom"):
            pred = t.head
        elif low in ("none", "nobody", "nothing", "nowhere", "noone", "no-one", "neither"):
            if low == "neither":
                seen_neither = True
            if _exclusive(toks, k):
                continue
            pred = _clause_head(t)
        elif low == "nor":
            if seen_neither or any(c.tok[0] == s for c in cues):
                continue  # "neither ... nor", "did not have X nor Y": one negation
            pred = t.head if t.head.pos_ in _CLAUSE_POS else _clause_head(t.head)
        elif low == "cannot":
            pred = t.head
        elif low == "without":
            # "without saying": a negated verb; "without due care" is a noun phrase, not a negated clause
            # (a with/without swap is an antonym)
            objs = [c for c in t.children if c.dep_ in ("pcomp", "pobj")]
            verbs = [c for c in objs if c.pos_ in _CLAUSE_POS]
            if not verbs:
                if objs:
                    cues.append(Cue((s, t), where.get((s, objs[0].i), (s, objs[0])), low, weak=True))
                continue
            pred = verbs[0]
        elif low == "yet" and nxt == "to":  # "has yet to decide" = "has not decided yet"
            xcomp = [c for c in t.head.children if c.dep_ == "xcomp" and c.i > t.i]
            if not xcomp:
                continue
            pred = _predicate(xcomp[0])
        elif low in _NEG_ADJ:
            xcomp = [c for c in t.children if c.dep_ == "xcomp"]
            pred = xcomp[0] if xcomp else _clause_head(t)
        elif low == "unless" or (low == "except" and nxt in ("if", "when")):
            # "unless X" = "if not X": a negation of the clause it introduces (so "unless" / "if" is a flip,
            # "unless" / "if ... not" the same condition); "except if X" says the same
            clause = toks[k + 1][1].head if low == "except" else t.head
            if clause.i == t.i:
                clause = next((c for c in t.children if c.dep_ in ("pcomp", "pobj")), t)
            if clause.i == t.i:
                continue
            pred = _predicate(clause)
        elif t.pos_ == "VERB" and t.lemma_.lower() in _NEG_VERBS:
            lemma = t.lemma_.lower()
            xcomp = [c for c in t.children if c.dep_ == "xcomp" and c.pos_ in _CLAUSE_POS and not _repeat(c)
                     and lemma not in _FROM_NEGATORS]
            if not xcomp and lemma in _NEG_VERBS_WEAK_NOUN | _FROM_NEGATORS | {"stop"}:  # "refrained from voting"
                objs = [o for c in t.children if c.dep_ == "prep" and c.lower_ == "from"
                        for o in c.children if o.dep_ in ("pcomp", "pobj")]
                xcomp = [o for o in objs if o.pos_ in _CLAUSE_POS]
                nouns = [c for c in t.children if c.dep_ == "dobj"] if lemma == "avoid" else objs
                xcomp = xcomp or [o for o in nouns if o.lower_.endswith("ing")]  # "avoided swimming" (tagged a noun)
                if not xcomp and nouns and lemma in _NEG_VERBS_WEAK_NOUN:  # "avoid travel"
                    cues.append(Cue((s, t), where.get((s, nouns[0].i), (s, nouns[0])), low, weak=True))
                    continue
            if lemma in _NEG_VERBS_NEED_XCOMP and not xcomp:
                continue
            if lemma == "stop" and xcomp[0].tag_ != "VBG":
                continue  # "stopped working" is a negation; "stopped to talk" (in order to) is not
            pred = xcomp[0] if xcomp else t
        if pred is None:
            continue
        cues.append(Cue((s, t), where.get((s, pred.i), (s, pred)), low, needs=needs))
    return _double_negatives(cues, doubles)


def _until(cue: Any, pred: Any) -> str:
    """"until" when the negation is "not ... until X" (or "Not until X ..."), which says when something
    happened, not that it did not; otherwise ""."""
    if cue.head.lower_ in ("until", "till"):
        return str(cue.head.lower_)
    return next((str(c.lower_) for c in (*pred.children, *(pred.head.children if pred.dep_ in ("acomp", "attr")
                                                            else ()))
                 if c.lower_ in ("until", "till") and c.dep_ in ("prep", "mark") and c.i > cue.i), "")


def _governed_kept(double: tuple[Cue, Cue], other: list[Located]) -> bool:
    """The verb a double negation's inner cue governs ("believing" in "never stopped believing") is on
    the other side too, by lemma; a negative verb that governs nothing ("did not fail the exam") counts."""
    inner = double[1]
    if _key(inner.pred) == _key(inner.tok):
        return True
    lemma = inner.pred[1].lemma_.lower()
    return any(t.lemma_.lower() == lemma for _, t in other)


def _double_negatives(cues: list[Cue], doubles: list[tuple[Cue, Cue]]) -> list[Cue]:
    """Drop negative verbs that are themselves negated: "did not fail to pay" (= "paid") drops both cues;
    "neither confirm nor deny" keeps only the negation of "confirm", since "nor deny" is "not deny"."""
    by_pred: dict[tuple[int, int], Cue] = {}
    for c in cues:
        if _key(c.pred) != _key(c.tok):  # "refused the offer" negates itself, not a verb it governs
            by_pred.setdefault(_key(c.pred), c)
    drop: set[int] = set()
    for c in cues:
        verb = c.tok[1]
        if verb.pos_ != "VERB" or verb.lemma_.lower() not in _NEG_VERBS:
            continue
        outer = by_pred.get(_key(c.tok))
        if outer is not None and outer is not c:  # "did not fail to", "never refused to"
            drop.update((id(c), id(outer)))
            doubles.append((outer, c))
        elif verb.dep_ == "conj" and (c.tok[0], verb.head.i) in by_pred and any(
                x.dep_ == "cc" and x.lower_ in ("nor", "or") for x in verb.head.children):
            drop.add(id(c))  # "neither confirm nor deny", "did not confirm or deny"
    return [c for c in cues if id(c) not in drop]


def _stem_matches(word: str, other: set[str]) -> str | None:
    """``word`` is a prefixed negative of a word in ``other`` ("unlikely" ~ "likely"), or the reverse."""
    for p in _PREFIXES:
        if word.startswith(p) and word[len(p):] in other and len(word) - len(p) > 3:
            return word[len(p):]
        for o in other:
            if o.startswith(p) and o[len(p):] == word and len(word) > 3:
                return o
    return None


@dataclass
class Swap:
    """A word of the original replaced by an antonym in the rewrite."""

    orig: Located
    rew: Located
    orig_lemma: str
    rew_lemma: str


# Opposites among function words and common adverbs, which WordNet does not cover.
_CLOSED_OPPOSITES = [
    ("before", "after"), ("above", "below"), ("over", "under"), ("up", "down"), ("inside", "outside"),
    ("in", "out"), ("into", "out"), ("for", "against"), ("more", "less"),
    ("more", "fewer"), ("most", "least"), ("always", "never"), ("all", "none"), ("everything", "nothing"),
    ("everyone", "nobody"), ("many", "few"), ("much", "little"), ("plus", "minus"), ("top", "bottom"),
    ("early", "late"), ("earlier", "later"), ("first", "last"), ("maximum", "minimum"), ("min", "max"),
    ("increase", "decrease"), ("rise", "fall"), ("higher", "lower"), ("ahead", "behind"),
    ("before", "since"), ("from", "to"), ("forward", "backward"), ("forward", "back"),
    ("immediately", "eventually"), ("initially", "eventually"), ("initially", "finally"), ("ago", "later"),
    ("past", "future"), ("past", "current"), ("present", "absent"), ("win", "lose"), ("won", "lost"),
    ("yes", "no"), ("enemy", "ally"), ("enemy", "friend"), ("opponent", "ally"), ("friend", "foe"),
    # rulings and decisions: "upheld the ruling" -> "overturned the ruling"
    ("uphold", "overturn"), ("uphold", "reverse"), ("uphold", "quash"), ("uphold", "overrule"),
    ("uphold", "vacate"), ("uphold", "dismiss"), ("uphold", "reject"), ("affirm", "overturn"),
    ("affirm", "reverse"), ("affirm", "vacate"), ("sustain", "overrule"), ("dismiss", "allow"),
    ("grant", "reject"), ("grant", "deny"), ("grant", "refuse"), ("grant", "dismiss"), ("approve", "reject"),
    ("approve", "veto"), ("ratify", "reject"), ("pass", "reject"), ("accept", "reject"), ("accept", "decline"),
    ("acquit", "convict"), ("acquittal", "conviction"), ("guilty", "innocent"),
    # compass directions and their opposites: "80 km southeast of" -> "80 km northwest of"
    ("northeast", "southwest"), ("northwest", "southeast"), ("northeastern", "southwestern"),
    ("northwestern", "southeastern"), ("north-east", "south-west"), ("north-west", "south-east"),
    ("northern", "southern"), ("eastern", "western"), ("north", "south"), ("east", "west"),
    ("northward", "southward"), ("eastward", "westward"), ("northbound", "southbound"),
    ("eastbound", "westbound"), ("upstream", "downstream"), ("uphill", "downhill"),
    # policies and rates turned round: "the payments were suspended" -> "the payments were introduced"
    ("introduce", "abolish"), ("introduce", "scrap"), ("introduce", "suspend"), ("suspend", "resume"),
    ("suspend", "restore"), ("suspend", "reinstate"), ("impose", "lift"), ("tighten", "ease"),
    ("tighten", "relax"), ("tighten", "loosen"), ("raise", "cut"), ("hike", "cut"), ("increase", "cut"),
]
# A comparison turned round in other words: "15 degrees higher than normal" -> "15 degrees below normal",
# "$300 more than" -> "$300 below" (each word of one side against each of the other, in the same slot).
_UPWARD = ("more", "higher", "greater", "above", "over")
_DOWNWARD = ("less", "fewer", "lower", "below", "under")
_CLOSED_OPPOSITES += [(a, b) for a in _UPWARD for b in _DOWNWARD]
# The outcomes of a contest exclude each other: "drew his final game" -> "lost his final game".  "Draw" and
# "tie" are outcomes only when said of a contest (``_contest_outcome``): "drew a crowd", "tied the knot" are not.
_OUTCOME_DRAWS = frozenset({"draw", "tie"})
_CLOSED_OPPOSITES += [(d, o) for d in ("draw", "drew", "drawn", "tie", "tied") for o in ("win", "won", "lose", "lost")]
_OPPOSITE = {(a, b) for a, b in _CLOSED_OPPOSITES} | {(b, a) for a, b in _CLOSED_OPPOSITES}
# What a contest is called, as the object of "drew"/"tied" ("drew his final game", "tied the match 1-1").
_CONTEST_NOUNS = frozenset({"game", "match", "bout", "tie", "fixture", "contest", "final", "semifinal", "clash",
                            "encounter", "round", "leg", "series", "race", "battle", "derby", "opener", "decider"})
_SWAP_POS = _CONTENT | {"ADP", "SCONJ", "DET", "PRON", "INTJ"}  # INTJ: an answer, "No." -> "Yes."


def _content(toks: list[Located]) -> list[tuple[str, str, Located]]:
    """(lemma, WordNet POS, token) for candidate words, plus 'be_<participle>' and verb+particle forms."""
    out = []
    for s, t in toks:
        if t.pos_ not in _SWAP_POS or t.is_punct:
            continue
        low = t.lower_
        if t.pos_ not in _CONTENT and not any(low in pair for pair in _CLOSED_OPPOSITES):
            continue
        lemma = t.lemma_.lower()
        pos = UPOS_TO_WN.get(t.pos_, "")
        out.append((lemma, pos, (s, t)))
        if low != lemma:
            out.append((low, pos, (s, t)))
        if t.pos_ == "ADV" and low.endswith("ly") and len(low) > 5:  # "closely" -> "close", "heavily" -> "heavy"
            base = low[:-2]
            out.append((base[:-1] + "y" if base.endswith("i") else base, "a", (s, t)))
        if t.pos_ == "VERB":
            if t.tag_ in ("VBN", "VBG"):
                out.append((low, "a", (s, t)))  # participles read as adjectives ("injured")
            if any(c.dep_ == "auxpass" for c in t.children):
                out.append((f"be_{low}", "v", (s, t)))  # "were born" -> be_born
            prt = [c for c in t.children if c.dep_ == "prt"]
            if prt:
                out.append((f"{lemma}_{prt[0].lower_}", "v", (s, t)))
    return out


def _squash(toks: list[Located]) -> Counter[str]:
    """Whitespace-delimited words with hyphens and punctuation dropped ("non-violently" -> "nonviolently")."""
    out: Counter[str] = Counter()
    cur = ""
    for _, t in toks:
        cur += "".join(ch for ch in t.lower_ if ch.isalnum())
        if t.whitespace_:
            out[cur] += 1
            cur = ""
    out[cur] += 1
    return out


_TRIVIAL = {"", "the", "a", ",", "of"}


_Slot = tuple[str, frozenset[tuple[int, str]], frozenset[str], str]


def _slot(t: Any) -> _Slot:
    """Where a token sits: its head's lemma, the words two to either side, and, for a verb, the content
    lemmas of what it governs and its subject."""
    doc = t.doc
    head = t.head.lemma_.lower() if t.head.i != t.i else ""
    near = frozenset((k, doc[t.i + k].lower_) for k in (-2, -1, 1, 2)
                     if 0 <= t.i + k < len(doc) and doc[t.i + k].lower_ not in _TRIVIAL)
    verb = t.pos_ == "VERB"
    governed = frozenset(d.lemma_.lower() for d in t.subtree
                         if d.i != t.i and not (d.is_punct or d.is_stop or d.lower_ in _TRIVIAL)) if verb \
        else frozenset()
    subject = subject_of(t) if verb else None
    return head, near, governed, str(subject.lemma_.lower()) if subject is not None else ""


def _outcomes(a: Any, b: Any) -> bool:
    """``a`` and ``b`` are a draw and a win or loss ("drew" / "lost")."""
    lemmas = {a.lemma_.lower(), b.lemma_.lower()}
    return bool(lemmas & _OUTCOME_DRAWS) and bool(lemmas & {"win", "lose"})


def _contest_outcome(t: Any) -> bool:
    """``t`` ("drew", "tied") says a contest's outcome: it takes a contest as its object ("drew his final game"),
    or no object, particle or phrase of another sense ("Arsenal drew 1-1", "drew with Chelsea"), not "drew a
    crowd", "drew on his experience", "drew to a close", "tied to the economy"."""
    if t.pos_ != "VERB" or any(c.dep_ in ("auxpass", "nsubjpass") for c in t.children):
        return False
    objects = [c for c in t.children if c.dep_ == "dobj"]
    if objects:
        return all(c.lemma_.lower() in _CONTEST_NOUNS for c in objects)
    def other_sense(c: Any) -> bool:  # "drew on his experience", "drew to a close"; not "drew on Saturday"
        if c.dep_ != "prep" or c.lower_ in ("with", "against", "at", "in", "for"):
            return c.dep_ == "prt"
        return not any(g.dep_ == "pobj" and g.ent_type_ in ("DATE", "TIME") for g in c.children)

    return not any(other_sense(c) for c in t.children)


def _in_place(a: _Slot, b: _Slot) -> bool:
    """The two tokens fill the same slot: same head word, the same word next to them, or two verbs with one
    subject that govern mostly the same words ("the judge ... but rejected the claim that he had shown
    remorse" / "the judge ... and accepted the argument that he had shown remorse").  Not two subjects: "A
    bought X from B" / "B sold X to A" tells the same deal from the other side."""
    if bool(a[0] and a[0] == b[0]) or bool(a[1] & b[1]):
        return True
    if not a[3] or a[3] != b[3]:
        return False
    shared = a[2] & b[2]
    return len(shared) >= 2 and 3 * len(shared) >= len(a[2] | b[2])


def find_swaps(wn: WordNet | None, o_toks: list[Located], r_toks: list[Located]) -> list[Swap]:
    """Words of the original replaced in place by an antonym (WordNet, un-/in-/dis- forms, opposites)."""
    oc, rc = _content(o_toks), _content(r_toks)
    o_text = Counter(t.lower_ for _, t in o_toks)
    r_text = Counter(t.lower_ for _, t in r_toks)
    o_sq, r_sq = _squash(o_toks), _squash(r_toks)
    o_count = Counter(lem for lem, _, _ in oc)
    r_count = Counter(lem for lem, _, _ in rc)
    # a word still there as often, only spelled as one token with hyphens or spaces, was not removed
    removed = [(lem, p, t) for lem, p, t in oc if o_count[lem] > r_count.get(lem, 0)
               and o_text[t[1].lower_] > r_text[t[1].lower_]
               and not (len(t[1].text) > 5 and r_sq[t[1].lower_] >= o_sq[t[1].lower_] > 0)]
    added = [(lem, p, t) for lem, p, t in rc if r_count[lem] > o_count.get(lem, 0)
             and r_text[t[1].lower_] > o_text[t[1].lower_]
             and not (len(t[1].text) > 5 and o_sq[t[1].lower_] >= r_sq[t[1].lower_] > 0)]
    if not removed or not added:
        return []
    used_o: set[int] = set()
    used_r: set[int] = set()
    # A removed word with a synonym among the added words was paraphrased, not reversed.
    if wn is not None:
        for lo, _po, to in removed:
            for lr, _pr, tr in added:
                if tr[1].i not in used_r and wn.are_synonyms(lo, lr):
                    used_o.add(to[1].i)
                    used_r.add(tr[1].i)
                    break
    swaps: list[Swap] = []
    slots = {id(t[1]): _slot(t[1]) for _, _, t in removed + added}
    # A converse verb with the parties traded ("A won against B" / "B lost to A", "the bank lent the city" /
    # "the city borrowed from the bank"): one event from the other side, its "to"/"from" traded with it.
    for _, _, to in removed:
        for _, _, tr in added:
            if to[1].i not in used_o and tr[1].i not in used_r and _converse_told(to[1], tr[1]):
                used_o.update({to[1].i, *(c.i for c in to[1].children if c.dep_ in ("prep", "dative"))})
                used_r.update({tr[1].i, *(c.i for c in tr[1].children if c.dep_ in ("prep", "dative"))})
    for lo, po, to in removed:
        if to[1].i in used_o:
            continue
        for lr, pr, tr in added:
            if tr[1].i in used_r or lo == lr or not _in_place(slots[id(to[1])], slots[id(tr[1])]):
                continue
            hit = (lo, lr) in _OPPOSITE or (to[1].lower_, tr[1].lower_) in _OPPOSITE or _prefixed_antonym(lo, lr)
            if hit and _outcomes(to[1], tr[1]) and not all(
                    _contest_outcome(x[1]) for x in (to, tr) if x[1].lemma_.lower() in _OUTCOME_DRAWS):
                hit = False  # "drew a crowd" / "won a crowd": not the outcome of a contest
            if not hit and wn is not None and po and pr:
                hit = wn.are_antonyms(lo, lr, indirect=False) or (po == pr and wn.are_opposed(lo, lr, po))
            if hit and _RULING_VERBS & {to[1].lemma_.lower(), tr[1].lemma_.lower()} and _objects(to[1]) != _objects(tr[1]):
                continue  # "upheld his conviction" / "dismissed his appeal against it": a ruling on another thing
            if hit and _same_act_on(to[1], tr[1]):
                continue  # "breaking the record" / "setting the record": one act, however WordNet opposes the verbs
            if hit:
                swaps.append(Swap(to, tr, lo, lr))
                used_o.add(to[1].i)
                used_r.add(tr[1].i)
                break
    return swaps


# Scope quantifiers by the share they claim.  A quantifier of one class on a noun for one of an opposed
# class on the same noun says another share ("some of the jewellery" -> "most of the jewellery", "one of
# its two engines" -> "both of its engines"); within a class it is a paraphrase ("all" / "every", "most" /
# "the majority of", "some" / "several", "many" / "a lot of").  "no"/"none" are negation cues.
_QUANT_CLASS = {"all": "all", "every": "all", "each": "all", "both": "all", "entire": "all", "whole": "all",
                "most": "most", "majority": "most", "many": "many", "numerous": "many", "lot": "many",
                "lots": "many", "some": "some", "several": "some", "one": "some", "few": "few", "minority": "few"}
_QUANT_OPPOSED = frozenset(frozenset(p) for p in (("all", "most"), ("all", "some"), ("all", "few"), ("all", "many"),
                                                  ("most", "some"), ("most", "few"), ("many", "few")))
_ALMOST = frozenset({"almost", "nearly", "virtually", "practically"})


def _lone_subject(t: Any) -> bool:
    """``t`` ("most" in "and most supported it") is a quantifier standing alone as its verb's subject, which the
    parser read as an adverb: before a finite verb that has no subject of its own."""
    v = t.head
    return (t.dep_ == "advmod" and v.pos_ in ("VERB", "AUX") and t.i < v.i and v.tag_ in ("VBD", "VBZ", "VBP", "MD")
            and not any(c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj", "csubjpass") for c in v.children)
            and all(x.pos_ in ("ADV", "AUX", "PART") for x in t.doc[t.i + 1: v.i]))


def _role(t: Any) -> str:
    """The quantifier's dependency, a lone subject the parser read as an adverb read as the subject it is."""
    return "nsubj" if _lone_subject(t) else str(t.dep_)


def _quantifiers(toks: list[Located]) -> list[tuple[str, str, Located]]:
    """(class, lemma of the noun it quantifies or "", token) for each scope quantifier of one side: the
    noun it determines ("most people") or the object of its "of" ("most of the country"); "" for one
    standing alone ("and most supported it")."""
    out = []
    for k, (s, t) in enumerate(toks):
        low = t.lower_
        cls = _QUANT_CLASS.get(low)
        if cls is None or (t.dep_ in ("quantmod", "preconj", "advmod", "npadvmod") and not _lone_subject(t)):
            continue  # "some 9,400 homes" (about), "both A and B", "most important"
        prev = toks[k - 1][1].lower_ if k else ""
        of = next((c for c in t.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        if low in ("one", "lot", "lots", "majority", "minority") and obj is None:
            continue  # "one" alone is a number; "a lot", "the majority" need their "of"
        if prev in ("not", "n't", "n’t"):
            continue  # "not all": a negation
        if low == "few" and prev == "a":
            cls = "some"  # "a few" is some, "few" is hardly any
        elif cls == "all" and (prev in _ALMOST or any(c.lower_ in _ALMOST for c in t.children)):
            cls = "most"  # "almost all"
        if obj is not None:
            noun = obj.lemma_.lower()
        elif t.dep_ in ("det", "amod", "nummod", "predet") and t.head.pos_ in ("NOUN", "PROPN"):
            noun = t.head.lemma_.lower()
        else:
            noun = ""
        out.append((cls, noun, (s, t)))
    return out


def _quantifier_words(toks: list[Located]) -> Counter[str]:
    """The quantifier words of one side by class, however parsed ("most" in "and most backed it" is
    read as an adverb)."""
    words = [t.lower_ for _, t in toks]
    return Counter(_QUANT_CLASS[w] for k, w in enumerate(words) if w in _QUANT_CLASS
                   and (w != "one" or words[k + 1: k + 2] == ["of"]))


def find_quantifier_swaps(o_toks: list[Located], r_toks: list[Located]) -> list[Swap]:
    """Scope quantifiers of opposed classes on the same noun ("some of the jewellery" / "most of the
    jewellery"), compared by position: a pair swapped round leaves the same words on each side."""
    oq, rq = _quantifiers(o_toks), _quantifiers(r_toks)
    if not oq or not rq:
        return []
    r_by_noun: dict[str, list[tuple[str, str, Located]]] = {}
    for q in rq:
        if q[1]:
            r_by_noun.setdefault(q[1], []).append(q)
    swaps: list[Swap] = []
    seen: Counter[str] = Counter()
    matched: set[tuple[int, int]] = set()  # the rewrite's quantifiers given to one of the original
    unmatched = []
    for cls, noun, tok in oq:
        theirs = r_by_noun.get(noun, []) if noun else []
        k = seen[noun]
        seen[noun] += 1
        if k >= len(theirs):
            unmatched.append((cls, tok))
            continue
        matched.add(_key(theirs[k][2]))
        if frozenset((cls, theirs[k][0])) in _QUANT_OPPOSED:
            swaps.append(Swap(tok, theirs[k][2], tok[1].lower_, theirs[k][2][1].lower_))
    # The noun reworded ("in most of the country" -> "in all of Spain"): the same relation to the same word.
    rest = [q for q in rq if _key(q[2]) not in matched]
    for cls, tok in unmatched:
        t = tok[1]
        for q in rest:
            u = q[2][1]
            if (_role(u) == _role(t) and u.head.lemma_.lower() == t.head.lemma_.lower() and u.head.i != u.i
                    and frozenset((cls, q[0])) in _QUANT_OPPOSED):
                swaps.append(Swap(tok, q[2], t.lower_, u.lower_))
                rest.remove(q)
                break
    # The same classes on both sides: a swap only where it goes both ways ("some ... most" -> "most ...
    # some"), not one quantifier moved to another noun ("All were rescued, some injured" / "Some passengers
    # were injured; all were rescued").
    if swaps and _quantifier_words(o_toks) == _quantifier_words(r_toks):
        o_cls = {_key(t): c for c, _, t in oq}
        r_cls = {_key(t): c for c, _, t in rq}
        pairs = {(o_cls[_key(sw.orig)], r_cls[_key(sw.rew)]) for sw in swaps}
        swaps = [sw for sw in swaps if (r_cls[_key(sw.rew)], o_cls[_key(sw.orig)]) in pairs]
    return swaps


# A restricting quantifier on a plural subject against the same subject bare ("Some reviewers" /
# "Reviewers"): the bare plural subject reads as a generic, so a claim about a part became one about all.
_RESTRICTING = frozenset({"some", "many", "several", "few", "most", "numerous"})
_MAJORITY = frozenset({"many", "most", "numerous"})
# What else makes a plural noun specific or quantified: "the reviewers", "their reviewers", "12 reviewers",
# "various reviewers", "a number of reviewers".
_SPECIFIERS = frozenset({"det", "poss", "nummod", "quantmod", "predet"})
_OTHER_QUANTIFIERS = frozenset({"various", "certain", "countless", "multiple", "dozens", "hundreds", "thousands",
                                "millions", "other", "more", "fewer", "less", "enough", "plenty"})


_ALL_WORDS = frozenset({"all", "every", "each", "both", "whole", "entire"})


def _subject(t: Any) -> bool:
    """``t`` is its verb's subject, or the agent of a passive ("was questioned by analysts"): the same role."""
    return t.dep_ in ("nsubj", "nsubjpass") or (t.dep_ == "pobj" and t.head.dep_ == "agent")


def _bare_plural_subject(t: Any) -> bool:
    """``t`` is a plural common noun standing bare as a subject or agent ("Reviewers criticised the film",
    "The film was criticised by reviewers")."""
    return (t.pos_ == "NOUN" and t.tag_ == "NNS" and _subject(t)
            and not any(c.dep_ in _SPECIFIERS or c.lower_ in _RESTRICTING | _OTHER_QUANTIFIERS
                        or c.dep_ in ("amod", "advmod") and c.lower_ in _ALL_WORDS for c in t.children))



def _restricted_subjects(toks: list[Located]) -> list[tuple[Located, Located]]:
    """(quantifier, noun) for each plural subject a restricting quantifier determines ("Some reviewers",
    "Many residents", "A few residents") or whose "of" object it takes ("Some of the reviewers" as subject)."""
    out = []
    for s, t in toks:
        if t.lower_ not in _RESTRICTING or t.dep_ in ("quantmod", "advmod", "npadvmod"):
            continue
        if t.dep_ in ("det", "amod") and t.head.tag_ == "NNS" and _subject(t.head):
            out.append(((s, t), (s, t.head)))
        elif t.dep_ in ("nsubj", "nsubjpass"):
            of = next((c for c in t.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            obj = next((c for c in of.children if c.dep_ == "pobj" and c.tag_ == "NNS"), None) if of is not None else None
            if obj is not None:
                out.append(((s, t), (s, obj)))
    return out


def _partitives(toks: list[Located]) -> list[tuple[Located, Located]]:
    """(quantifier, noun) for each restricting quantifier that takes a definite noun through "of", in any role:
    "moved some of its services", "many of the paintings were sold"."""
    out = []
    for s, t in toks:
        if t.lower_ not in _RESTRICTING or t.dep_ in ("quantmod", "advmod", "npadvmod", "det", "amod"):
            continue
        of = next((c for c in t.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        obj = next((c for c in of.children if c.dep_ == "pobj" and c.pos_ == "NOUN"), None) if of is not None else None
        if obj is not None and _definite(obj):
            out.append(((s, t), (s, obj)))
    return out


# Words that say a part in other ways ("part of its services", "half of the paintings", "partly").
_PART_WORDS = frozenset({"part", "parts", "partly", "partially", "half", "portion", "share", "proportion", "fraction",
                         "majority", "minority", "number", "some", "any", "few", "most", "many", "several"})


def _definite(t: Any) -> bool:
    """The noun has a definite determiner or a possessor ("the paintings", "its services", "these cars")."""
    return any(c.dep_ == "poss" or c.dep_ == "det" and c.lower_ in ("the", "these", "those", "this", "that")
               for c in t.children)


def _whole(t: Any) -> bool:
    """The noun stands definite and whole: no "of" of a quantifier, number or part word above it ("all of its
    services", "three of the services", "part of the services"), no number on it."""
    if not _definite(t) or any(c.dep_ == "nummod" or c.lower_ in _PART_WORDS for c in t.children):
        return False
    return not (t.dep_ == "pobj" and t.head.lower_ == "of")


def find_generalised(o_toks: list[Located], r_toks: list[Located]
                     ) -> list[tuple[str, Located, Located, Located]]:
    """("dropped"|"added", quantifier, its noun, the noun on the other side) for a restricting quantifier on a
    plural subject whose noun is a bare plural subject on the other side, or for a restricting quantifier
    taking a definite noun through "of" ("some of its services", in any role) whose noun the other side
    states definite and whole ("its services": a part made the whole); the noun once on each side, and no
    other word of a part or a quantity on the other side."""
    out: list[tuple[str, Located, Located, Located]] = []
    for kind, mine, theirs in (("dropped", o_toks, r_toks), ("added", r_toks, o_toks)):
        found = {_key(q): (q, noun) for q, noun in _restricted_subjects(mine) + _partitives(mine)}
        for q, noun in found.values():
            lemma = noun[1].lemma_.lower()
            same = [x for x in theirs if x[1].lemma_.lower() == lemma and x[1].pos_ == "NOUN"]
            if len(same) != 1 or sum(x[1].lemma_.lower() == lemma for x in mine) != 1:
                continue
            if any(x[1].lower_ in _RESTRICTING | _OTHER_QUANTIFIERS | _PART_WORDS for x in theirs):
                continue
            if _bare_plural_subject(same[0][1]) or (_definite(noun[1]) and _whole(same[0][1])):
                out.append((kind, q, noun, same[0]))
    return out


# "Only" as a focus restriction: "only three engines fired" = "three fired, no more"; "opens only on Sundays"
# = "on no other day".  What says the same in other words on the other side.
_RESTRICTION_WORDS = frozenset({"only", "just", "merely", "solely", "exclusively", "alone", "sole", "mere",
                                "simply", "purely", "but", "except", "until", "barely", "scarcely", "hardly",
                                "limited", "restricted", "exclusive", "lone", "single"})
_FOCUS_POS = frozenset({"NOUN", "PROPN", "NUM", "ADJ", "VERB", "ADV", "PRON"})


def _restrictions(toks: list[Located]) -> list[tuple[Located, Located]]:
    """("only", the first content word it restricts) for each focus "only" of one side; not "not only ...
    but", "if only", "only to find", "only just", nor the adjective of "the only person" (= "the sole")."""
    out = []
    for k, (s, t) in enumerate(toks):
        if t.lower_ != "only" or t.dep_ not in ("advmod", "amod") or t.pos_ != "ADV":
            continue
        prev = toks[k - 1][1].lower_ if k else ""
        nxt = toks[k + 1][1].lower_ if k + 1 < len(toks) else ""
        if prev in ("not", "if", "the", "an", "a") or nxt in ("to", "just", "if", "because", "then", "when"):
            continue
        focus = next((x for x in toks[k + 1: k + 5] if x[0] == s and x[1].pos_ in _FOCUS_POS and not x[1].is_stop
                      or x[1].like_num), None)
        if focus is not None and not _emphatic_only(t, nxt, focus[1]):
            out.append(((s, t), focus))
    return out


_ORDINALS = frozenset({"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
                       "eleventh", "twelfth", "twentieth", "hundredth", "latest", "last"})


def _emphatic_only(only: Any, nxt: str, focus: Any) -> bool:
    """"only the second woman to win", "for only the fifth time", "only the best player": before "the" and a rank
    (an ordinal or a superlative) outside the subject, "only" stresses how rare the rank is (no other is
    excluded: "the second woman" already says one came before).  "Only the best players were selected" (the
    subject) does restrict."""
    low = focus.lower_
    rank = (low in _ORDINALS or focus.tag_ in ("JJS", "RBS")
            or (low[:-2].isdigit() and low[-2:] in ("st", "nd", "rd", "th")))
    if nxt != "the" or not rank:
        return False
    head = only.head
    while head.dep_ in ("amod", "advmod", "compound", "nummod") and head.head.i != head.i:
        head = head.head  # "only the third-youngest player": "only" may hang on a word of the noun phrase
    return head.dep_ not in ("nsubj", "nsubjpass", "csubj")


def find_restriction_changes(o_toks: list[Located], r_toks: list[Located]) -> list[tuple[str, Located, Located]]:
    """("removed"|"added", the "only", the restricted word's counterpart on the other side) for a focus
    "only" one side has and the other does not say in any way, the restricted word standing there."""
    out: list[tuple[str, Located, Located]] = []
    for kind, mine, theirs in (("removed", o_toks, r_toks), ("added", r_toks, o_toks)):
        found = _restrictions(mine)
        have = sum(1 for _, t in mine if t.lower_ in _RESTRICTION_WORDS)
        there = sum(1 for _, t in theirs if t.lower_ in _RESTRICTION_WORDS or t.lemma_.lower() in _RESTRICTION_WORDS)
        if not found or there >= have:
            continue
        if sum(t.lower_ in _NEG_WORDS for _, t in theirs) > sum(t.lower_ in _NEG_WORDS for _, t in mine):
            continue  # said as a negation of the rest: "three fired; the others did not"
        for only, focus in found:
            words = {focus[1].lower_, focus[1].lemma_.lower()}
            same = [x for x in theirs if x[1].lower_ in words or x[1].lemma_.lower() in words]
            if len(same) == 1:
                out.append((kind, only, same[0]))
    return out


# Verbs that tell one event from either party's side: "Labour won against the Tories" = "the Tories lost
# to Labour", "A bought X from B" = "B sold X to A".  Said with another subject, the opposite verb is the
# same event (whether the parties traded places is the roles check's question).
_CONVERSES = frozenset({frozenset(p) for p in (("win", "lose"), ("buy", "sell"), ("lend", "borrow"),
                                               ("give", "receive"), ("teach", "learn"), ("beat", "lose"),
                                               ("defeat", "lose"))})


# A court's verbs of ruling on a decision: opposites only about the same thing (the object), as "upholding a
# conviction" is "dismissing the appeal" against it.
_RULING_VERBS = frozenset({"uphold", "overturn", "reverse", "quash", "overrule", "vacate", "affirm", "sustain"})


# Verbs opposed in WordNet (or elsewhere) that say one act with a given object: "break a record" = "set a
# record" (a new one set, the old one broken); "break" / "set" for a law, a bone or a trend stay opposites.
_SAME_ACT_OBJECTS = {frozenset({"break", "set"}): frozenset({"record", "mark", "best"})}


def _same_act_on(a: Any, b: Any) -> bool:
    """Verbs ``a`` and ``b`` (one each side) are one of ``_SAME_ACT_OBJECTS``'s pairs and both take one of
    the pair's objects ("breaking the record" / "setting the record for the most wins")."""
    objects = _SAME_ACT_OBJECTS.get(frozenset((a.lemma_.lower(), b.lemma_.lower())))
    return objects is not None and bool(_objects(a) & objects) and bool(_objects(b) & objects)


def _objects(v: Any) -> frozenset[str]:
    """Lemmas of a verb's direct object(s), or of a passive verb's subject."""
    return frozenset(c.lemma_.lower() for c in v.children if c.dep_ in ("dobj", "nsubjpass"))


def _converse_told(a: Any, b: Any) -> bool:
    """Verbs ``a`` -> ``b`` are converses with the parties traded: each one's subject is among the other's
    arguments (object, "to"/"from"/"against"/"over" object, indirect object).  "Smith won the seat" / "He
    lost the seat" trades nothing: the opposite."""
    if frozenset((a.lemma_.lower(), b.lemma_.lower())) not in _CONVERSES:
        return False
    sa, sb = subject_of(a), subject_of(b)
    if sa is None or sb is None:
        return False

    def args(v: Any) -> set[str]:
        out = {c.lemma_.lower() for c in v.children if c.dep_ in ("dobj", "dative")}
        for c in v.children:
            if c.dep_ in ("prep", "dative") and c.lower_ in ("to", "from", "against", "over", "with"):
                out |= {g.lemma_.lower() for g in c.children if g.dep_ == "pobj"}
            if c.dep_ == "dobj":  # "won the election against X": the phrase may hang on the object
                out |= {g.lemma_.lower() for p in c.children if p.dep_ == "prep" and p.lower_ in ("against", "over")
                        for g in p.children if g.dep_ == "pobj"}
        return out

    return sb.lemma_.lower() in args(a) and sa.lemma_.lower() in args(b)


def _prefixed_antonym(a: str, b: str) -> bool:
    for p in ("un", "in", "im", "il", "ir", "dis", "non", "non-"):
        if (b == p + a or a == p + b) and min(len(a), len(b)) > 3:
            return True
    return False


@register
class NegationCheck:
    """Polarity of aligned predicates: negation added/removed and antonym swaps."""

    name = "negation"

    def run(self, ctx: CheckContext) -> Iterator[Finding]:
        wn = ctx.wordnet()
        for ai, pair in ctx.matched():
            yield from self._pair(ctx, ai, pair.original, pair.rewritten, wn)

    def _pair(self, ctx: CheckContext, ai: int, o_idx: Sequence[int], r_idx: Sequence[int],
              wn: WordNet | None) -> Iterator[Finding]:
        o_toks = side_tokens(ctx, "original", o_idx)
        r_toks = side_tokens(ctx, "rewritten", r_idx)
        od: list[tuple[Cue, Cue]] = []
        rd: list[tuple[Cue, Cue]] = []
        oc, rc = find_cues(o_toks, od), find_cues(r_toks, rd)
        oc, rc = [c for c in oc if _idiom_counts(c, r_toks, rc)], [c for c in rc if _idiom_counts(c, o_toks, oc)]
        # A word of a double negation swapped for its opposite says the same: "never stopped believing" /
        # "always believed", "did not fail the exam" / "passed the exam".
        # Only where the verb the double negation governs is still there: "never stopped criticising" /
        # "always supported" says the opposite.
        in_double = ({_key(c.tok) for d in od if _governed_kept(d, r_toks) for c in d},
                     {_key(c.tok) for d in rd if _governed_kept(d, o_toks) for c in d})
        swaps = find_swaps(wn, o_toks, r_toks)
        taken = {_key(sw.orig) for sw in swaps} | {_key(sw.rew) for sw in swaps}
        swaps += [sw for sw in find_quantifier_swaps(o_toks, r_toks)
                  if _key(sw.orig) not in taken and _key(sw.rew) not in taken]
        swaps = [sw for sw in swaps if _key(sw.orig) not in in_double[0] and _key(sw.rew) not in in_double[1]]
        # Taken whole, in this order, before the cue lists are read below: each consumes the other side's cues.
        doubles = [*self._double_flips(ctx, ai, od, rc, o_toks, r_toks, "removed", wn),
                   *self._double_flips(ctx, ai, rd, oc, r_toks, o_toks, "added", wn)]
        yield from doubles
        yield from self._restriction_findings(ctx, ai, o_toks, r_toks)
        if not oc and not rc and not swaps:
            return
        # A negated word replaced by its antonym says the same ("not possible" -> "impossible").
        # A swapped word that is itself a cue ("unable" -> "able") is the negation change: report it once.
        for sw in list(swaps):
            if any(c.tok[0] == tok[0] and c.tok[1].i == tok[1].i for cues, tok in ((oc, sw.orig), (rc, sw.rew))
                   for c in cues):
                swaps.remove(sw)
                continue
            hits = [(cues, next((c for c in cues if c.pred[0] == tok[0] and c.pred[1].i == tok[1].i), None))
                    for cues, tok in ((oc, sw.orig), (rc, sw.rew))]
            negated = [(cues, hit) for cues, hit in hits if hit is not None]
            for cues, hit in negated:
                cues.remove(hit)
            if len(negated) == 1:  # negated on both sides ("prevent ships from entering" / "... from exiting"):
                swaps.remove(sw)   # still a swap
        found, reworded = self._flips(oc, rc, o_toks, r_toks, wn)
        flips = [f for f in found if not _contrast_kept(f[1], r_toks if f[0] == "removed" else o_toks)]
        # A negation and an antonym swap on the same clause cancel ("not aware" -> "unaware").
        while flips and swaps:
            flips.pop()
            swaps.pop()
        for kind, cue, counterpart in flips:
            side_cue = "rewritten" if kind == "added" else "original"
            other = "original" if kind == "added" else "rewritten"
            cue_span = span_of(ctx, side_cue, cue.tok)
            pred_span = span_of(ctx, other, counterpart) if counterpart else ctx.sentence_span(
                other, o_idx if other == "original" else r_idx)
            o_span, r_span = (pred_span, cue_span) if kind == "added" else (cue_span, pred_span)
            verb = cue.pred[1].text
            what = (f"“{verb}” (a negative verb)" if _key(cue.pred) == _key(cue.tok)
                    else f"“{verb}” is negated by “{cue.tok[1].text}”")
            msg = (f"Negation {kind}: {what} in the {'rewrite' if kind == 'added' else 'original'} but not in "
                   f"the {'original' if kind == 'added' else 'rewrite'}")
            severity = Severity.CRITICAL
            typo = _misspelt(cue.tok[1], r_toks if kind == "removed" else o_toks, wn)
            if typo is not None:  # "unlikely" / "unlikey": a slip of the keyboard, not a flip
                severity = Severity.MINOR
                msg += f"; the {other if other == 'original' else 'rewrite'} has “{typo}”, probably a misspelling"
            yield Finding(check=self.name, code=f"negation-{kind}", severity=severity, message=msg,
                          original=o_span, rewritten=r_span, alignment=ai,
                          data={"cue": cue.tok[1].text, "predicate": cue.pred_lemma})
        # A negation on a reworded predicate with a negative word in its stead on the other side ("did not
        # attend" / "was absent", "is ineffective" / "does not work") most likely keeps the polarity.
        for kind, cue, instead in reworded:
            side_cue = "rewritten" if kind == "added" else "original"
            other = "original" if kind == "added" else "rewritten"
            cue_span, other_span = span_of(ctx, side_cue, cue.tok), span_of(ctx, other, instead)
            o_span, r_span = (other_span, cue_span) if kind == "added" else (cue_span, other_span)
            msg = (f"Negation reworded: “{cue.pred[1].text}” is negated by “{cue.tok[1].text}” in the "
                   f"{'rewrite' if kind == 'added' else 'original'}; the "
                   f"{'original' if kind == 'added' else 'rewrite'} says “{instead[1].text}” instead "
                   f"(probably the same polarity; worth a look)")
            yield Finding(check=self.name, code=f"negation-{kind}", severity=Severity.MINOR, message=msg,
                          original=o_span, rewritten=r_span, alignment=ai,
                          data={"cue": cue.tok[1].text, "predicate": cue.pred_lemma, "negative": instead[1].text})
        for sw in swaps:
            yield Finding(check=self.name, code="antonym-swap", severity=Severity.MAJOR,
                          message=f"Antonym swapped in: “{sw.orig[1].text}” → “{sw.rew[1].text}”",
                          original=span_of(ctx, "original", sw.orig), rewritten=span_of(ctx, "rewritten", sw.rew),
                          alignment=ai, data={"original_lemma": sw.orig_lemma, "rewritten_lemma": sw.rew_lemma})

    def _restriction_findings(self, ctx: CheckContext, ai: int, o_toks: list[Located], r_toks: list[Located]
                              ) -> Iterator[Finding]:
        """A focus "only" dropped or added; a restricting quantifier dropped from, or added to, a plural
        subject.  Major: the claim's reach changes ("only three fired" / "three fired"), not its polarity."""
        for kind, only, there in find_restriction_changes(o_toks, r_toks):
            here_side, there_side = ("original", "rewritten") if kind == "removed" else ("rewritten", "original")
            cue_span, other_span = span_of(ctx, here_side, only), span_of(ctx, there_side, there)
            o_span, r_span = (cue_span, other_span) if kind == "removed" else (other_span, cue_span)
            msg = (f"Negation {kind}: “only” restricts “{there[1].text}” in the "
                   f"{'original' if kind == 'removed' else 'rewrite'} (and no other), not in the "
                   f"{'rewrite' if kind == 'removed' else 'original'}")
            yield Finding(check=self.name, code=f"negation-{kind}", severity=Severity.MAJOR, message=msg,
                          original=o_span, rewritten=r_span, alignment=ai,
                          data={"cue": only[1].text, "predicate": there[1].lemma_.lower(), "restriction": True})
        for kind, q, noun, bare_noun in find_generalised(o_toks, r_toks):
            here_side, there_side = ("original", "rewritten") if kind == "dropped" else ("rewritten", "original")
            # "Some reviewers", "A few critics", "Some of the reviewers"
            first = (q[0], noun[1].left_edge) if q[1].head.i == noun[1].i else q
            q_span = span_of(ctx, here_side, first, noun)
            bare = span_of(ctx, there_side, (bare_noun[0], bare_noun[1].left_edge), bare_noun)  # "its Asia services"
            o_span, r_span = (q_span, bare) if kind == "dropped" else (bare, q_span)
            what = ("a claim about part of them made general" if kind == "dropped"
                    else "a general claim limited to part of them")
            # "Many/most residents" against the generic "residents": a majority's claim said of the kind in
            # general, a weaker shift than "some" -> all or a known whole ("many of the paintings" -> "the
            # paintings"): minor.
            generic_majority = q[1].lower_ in _MAJORITY and _bare_plural_subject(bare_noun[1])
            if generic_majority:
                what += "; a majority said of the kind in general"
            msg = f"Quantifier {kind}: “{o_span.text}” → “{r_span.text}” ({what})"
            yield Finding(check=self.name, code="antonym-swap",
                          severity=Severity.MINOR if generic_majority else Severity.MAJOR, message=msg,
                          original=o_span, rewritten=r_span, alignment=ai,
                          data={"original_lemma": q[1].lower_ if kind == "dropped" else "",
                                "rewritten_lemma": q[1].lower_ if kind == "added" else "",
                                "quantifier": kind})

    def _double_flips(self, ctx: CheckContext, ai: int, doubles: list[tuple[Cue, Cue]], their_cues: list[Cue],
                      mine: list[Located], theirs: list[Located], kind: str, wn: WordNet | None
                      ) -> Iterator[Finding]:
        """A double negation on one side ("did not deny", "not without risks": positive) against the
        negative alone on the other ("denied", "without risks"), or against another negative word for a
        negative verb without a complement ("did not fail the exam" / "was unsuccessful"): a flip.  The
        other side's cue is consumed (removed from ``their_cues``)."""
        side, other = ("original", "rewritten") if kind == "removed" else ("rewritten", "original")
        for outer, inner in doubles:
            neg = inner.tok[1]
            hit = next((c for c in their_cues if c.tok[1].lemma_.lower() == neg.lemma_.lower()
                        and c.pred_lemma == inner.pred_lemma), None)
            if hit is not None:
                their_cues.remove(hit)
                instead = hit.tok
            elif not inner.weak and _key(inner.pred) == _key(inner.tok):
                found = next((x for x in _negative_words(mine, theirs, their_cues, wn)
                              if not _opposed(inner.pred_lemma, x, wn)), None)
                if found is None:
                    continue
                instead = found
            else:
                continue
            said = outer.tok[1].text + (" " if neg.i == outer.tok[1].i + 1 else " … ") + neg.text
            here, there = ("original", "rewrite") if kind == "removed" else ("rewrite", "original")
            msg = (f"Negation {kind}: the {here} says “{said}” (a negated negative: the positive), the {there} "
                   f"says “{instead[1].text}” (the negative)")
            cue_span, other_span = span_of(ctx, side, outer.tok), span_of(ctx, other, instead)
            o_span, r_span = (cue_span, other_span) if kind == "removed" else (other_span, cue_span)
            yield Finding(check=self.name, code=f"negation-{kind}", severity=Severity.CRITICAL, message=msg,
                          original=o_span, rewritten=r_span, alignment=ai,
                          data={"cue": outer.tok[1].text, "predicate": inner.pred_lemma, "negative": instead[1].text,
                                "double_negative": neg.text})

    def _flips(self, oc: list[Cue], rc: list[Cue], o_toks: list[Located], r_toks: list[Located],
               wn: WordNet | None = None
               ) -> tuple[list[tuple[str, Cue, Located | None]], list[tuple[str, Cue, Located]]]:
        """(added|removed, cue, predicate on the other side) for each polarity change; and, apart,
        (added|removed, cue, negative word on the other side) for negations whose predicate was
        reworded into an inherently negative word ("did not attend" / "was absent")."""
        o_preds = _predicates(o_toks)
        r_preds = _predicates(r_toks)
        o_neg = Counter(c.pred_lemma for c in oc if not c.weak)
        r_neg = Counter(c.pred_lemma for c in rc if not c.weak)
        out: list[tuple[str, Cue, Located | None]] = []
        rest_o: list[Cue] = []
        rest_r: list[Cue] = []
        # Same predicate on both sides, negated on one side more often than on the other.
        for cues, mine, theirs, their_preds, kind, rest, mine_toks, their_toks in (
                (rc, r_neg, o_neg, o_preds, "added", rest_r, r_toks, o_toks),
                (oc, o_neg, r_neg, r_preds, "removed", rest_o, o_toks, r_toks)):
            used: set[tuple[int, int]] = set()  # the other side's tokens already given to a cue
            budget = {lem: n - theirs.get(lem, 0) for lem, n in mine.items()}
            for c in cues:
                lem = c.pred_lemma
                if c.weak:
                    rest.append(c)
                    continue
                if budget.get(lem, 0) <= 0:
                    continue
                budget[lem] -= 1
                if lem in their_preds:
                    there = _counterpart(c, their_preds[lem], mine_toks, their_toks, used)
                    mine_gov = _negative_governor(c.pred[1])
                    if _negative_governor(there[1]) is not None and (mine_gov is None or mine_gov.i == c.tok[1].i):
                        continue  # "blocked it from including" / "stopped its attempts to include": negated too
                    out.append((kind, c, there))
                else:
                    rest.append(c)
        # Cues on predicates without a counterpart: only a change in the number of negations counts.
        o_words = {t.lower_ for _, t in o_toks}
        r_words = {t.lower_ for _, t in r_toks}
        n_added = sum(1 for k, _, _ in out if k == "added")
        n_removed = len(out) - n_added
        extra = (len(rest_r) + n_added) - (len(rest_o) + n_removed)
        if extra > 0 and _morph_negatives(o_toks, r_words):
            extra -= 1  # "not possible" <- "impossible"
        elif extra < 0 and _morph_negatives(r_toks, o_words):
            extra += 1
        reworded: list[tuple[str, Cue, Located]] = []
        if extra:
            kind, rest, cue_toks, other_toks, their_cues = (
                ("added", rest_r, r_toks, o_toks, oc) if extra > 0 else ("removed", rest_o, o_toks, r_toks, rc))
            their_words = o_words if extra > 0 else r_words
            for c in [c for c in rest if not c.weak or _with_counterpart(c, other_toks)][:abs(extra)]:
                if _stem_matches(c.pred[1].lower_, their_words):
                    continue
                instead = _negative_instead(c, cue_toks, other_toks, their_cues, wn)
                if instead is not None:
                    reworded.append((kind, c, instead))
                else:
                    out.append((kind, c, None))
        # As many negations on both sides, some on predicates without a counterpart: the sentence was
        # restructured and the negation moved with it ("not many" -> "few" aside), not added.  A negation
        # that moved between two predicates both sides share ("was not present but was represented" ->
        # "was present but was not represented") changes what is denied, unless one of them is a verb
        # that raises negation ("I don't think he will" = "I think he won't").
        if extra == 0:
            moved = [f for f in out if f[2] is not None]
            kinds = {k for k, _, _ in moved}
            if kinds == {"added", "removed"} and not any(c.pred_lemma in _NEG_RAISING for _, c, _ in moved):
                return moved, []
            return [], []
        return out, reworded


# Negative verbs that negate what they govern, however far down ("stopped the administration's attempts
# to include": "include" is not done).
_NEGATIVE_GOVERNORS = frozenset(_NEG_VERBS | {"halt", "reject", "omit", "neglect", "forgo"})


def _negative_governor(tok: Any) -> Any:
    """A negative verb among the nearest heads of ``tok`` (up to four steps), or None."""
    cur = tok
    for _ in range(4):
        if cur.head.i == cur.i:
            return None
        cur = cur.head
        if cur.pos_ == "VERB" and cur.lemma_.lower() in _NEGATIVE_GOVERNORS:
            return cur
    return None


def _key(loc: Located) -> tuple[int, int]:
    return loc[0], loc[1].i


def _idiom_counts(cue: Cue, other: list[Located], other_cues: list[Cue]) -> bool:
    """An idiom cue ("no fewer than", "not ... until") counts only against the same construction on the
    other side; "not ... until X" also against "before X" ("did not leave until 5pm" / "left before
    5pm"), which puts the event on the other side of X.  "no change" also counts against a negation of
    the same predicate ("no damage was reported" / "no change was reported")."""
    if not cue.needs:
        return True
    words = [t.lower_ for _, t in other]
    if cue.needs in words or any(t.lemma_.lower() == cue.needs for _, t in other):
        return True
    if cue.needs == "change" and any(c.pred_lemma == cue.pred_lemma and not c.weak for c in other_cues):
        return True
    return cue.needs in ("until", "till") and "before" in words  # "not ... before": its own cue, no flip


def _misspelt(cue: Any, other: list[Located], wn: WordNet | None) -> str | None:
    """A word of the other side one or two letters off the cue word and no word itself ("unlikey" for
    "unlikely"): the cue misspelt, not dropped."""
    low = str(cue.lower_)
    if len(low) < 5 or not cue.is_alpha or wn is None:  # without a dictionary a slip cannot be told
        return None
    for _, t in other:
        w = t.lower_
        if w == low or not t.is_alpha or abs(len(w) - len(low)) > 2 or w[0] != low[0]:
            continue
        if _edit_distance(w, low) <= 2 and not wn.is_common_word(w):
            return str(t.text)
    return None


def _edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


_CONTRAST = frozenset({"than", "instead", "rather", "unlike", "opposed"})


def _contrast_kept(cue: Cue, other: list[Located]) -> bool:
    """A negated conjunct ("Arabic, and not African") whose word the other side sets off with a
    comparison instead ("more Arabic than African", "Arabic rather than African"): the contrast stays."""
    pred = cue.pred[1]
    if pred.pos_ in _CLAUSE_POS or pred.dep_ not in ("conj", "appos"):
        return False
    words = [t.lower_ for _, t in other]
    return any(w == pred.lower_ and any(x in _CONTRAST for x in words[max(0, k - 3): k])
               for k, w in enumerate(words))


def _with_counterpart(cue: Cue, other: list[Located]) -> bool:
    """The other side says "with" the same thing a weak "without" cue is about ("with sugar" / "without sugar")."""
    return any(t.lower_ == "with" and any(c.dep_ == "pobj" and c.lemma_.lower() == cue.pred_lemma for c in t.children)
               for _, t in other)


# Words that carry a negation in their meaning: "failed"/"did not", "absent"/"did not attend",
# "skipped"/"did not go", "stayed"/"did not leave", "lack"/"have no".
_LEXICAL_NEGATIVES = frozenset({"fail", "refuse", "decline", "deny", "reject", "stop", "cease", "quit", "lack",
                                "absent", "absence", "skip", "miss", "avoid", "neglect", "omit", "abstain", "forgo",
                                "refrain", "block", "bar", "prohibit", "forbid", "deter",
                                "stay", "prevent", "ban", "halt"})
_NEG_PREFIXES = ("un", "in", "im", "il", "ir", "dis", "non")
# Verbs whose meaning is a negation too: "lie" (not tell the truth), "leave" (not stay), "forget".
_NEGATIVE_MEANING = _LEXICAL_NEGATIVES | frozenset({  # (_LEXICAL_NEGATIVES holds every _NEG_VERBS word)
    "lie", "leave", "depart", "exit", "abandon", "forget", "ignore", "lose", "withhold", "resign"})
# Negative words that are each other's negation: "did not leave" is "stayed".
_NEGATIVE_OPPOSITES = frozenset({("leave", "stay"), ("leave", "remain"), ("depart", "stay"), ("depart", "remain"),
                                 ("quit", "stay"), ("quit", "remain"), ("exit", "stay"), ("abandon", "keep")})


def _negative_instead(cue: Cue, mine: list[Located], theirs: list[Located], their_cues: list[Cue],
                      wn: WordNet | None) -> Located | None:
    """A word of the other side, absent from the cue's side, that carries a negation of its own: one of
    ``_LEXICAL_NEGATIVES``, an adjective with a negative prefix ("ineffective"), "at large", or a
    WordNet antonym of the negated predicate ("attend" / "absent").  Then the negation was reworded,
    not added or removed.  Words that are cues themselves are already counted, and a negated word is no
    negative, so neither qualifies.  A cue that negates itself ("refused a job", "denied that ...") is a
    negative word already: its antonym ("accepted", "admitted") is the opposite, not the same polarity."""
    self_negating = _key(cue.pred) == _key(cue.tok)
    opposites = wn.antonyms(cue.pred_lemma) if wn is not None and not self_negating else frozenset()
    # A negated negative is positive ("did not miss" = attended): a negative word on the other side is
    # then the opposite, unless it is the negated word's own opposite ("did not leave" = "stayed").
    negative = _is_negative(cue.pred[1], wn)
    candidates = list(_new_words(mine, theirs, their_cues))
    for _, s, t in candidates:
        if t.lemma_.lower() in opposites or t.lower_ in opposites:
            return (s, t)
    for s, t in _negative_words(mine, theirs, their_cues, wn, candidates):
        if not negative or _opposed(cue.pred_lemma, (s, t), wn):
            return (s, t)
    return None


def _new_words(mine: list[Located], theirs: list[Located], their_cues: list[Cue]) -> Iterator[tuple[int, int, Any]]:
    """``(position in theirs, sentence, token)`` of the content words of ``theirs`` absent from ``mine``
    (form or lemma), not counted as cues and not negated themselves."""
    my_words = {t.lower_ for _, t in mine} | {t.lemma_.lower() for _, t in mine}
    counted = {_key(c.tok) for c in their_cues}
    for k, (s, t) in enumerate(theirs):
        if (s, t.i) in counted or t.pos_ not in _CONTENT or t.lower_ in my_words or t.lemma_.lower() in my_words:
            continue
        if not _negated(t):
            yield k, s, t


def _negative_words(mine: list[Located], theirs: list[Located], their_cues: list[Cue], wn: WordNet | None,
                    candidates: Sequence[tuple[int, int, Any]] | None = None) -> Iterator[Located]:
    """Words of ``theirs``, absent from ``mine``, not cues and not negated (``_new_words``, or the
    ``candidates`` it already gave), that carry a negation of their own: ``_LEXICAL_NEGATIVES``,
    "at large", adjectives with a negative prefix ("ineffective")."""
    for k, s, t in (_new_words(mine, theirs, their_cues) if candidates is None else candidates):
        low, lemma = t.lower_, t.lemma_.lower()
        if lemma in _LEXICAL_NEGATIVES or low in _LEXICAL_NEGATIVES:
            yield s, t
        elif low == "large" and k and theirs[k - 1][1].lower_ == "at":  # "remains at large": not caught
            yield s, t
        elif t.pos_ == "ADJ" and _prefixed_negative(low, wn):
            yield s, t  # "ineffective", "unclear", "illegal"


def _prefixed_negative(low: str, wn: WordNet | None) -> bool:
    return wn is not None and any(low.startswith(p) and len(low) - len(p) > 3
                                  and wn.is_common_word(low[len(p):].lstrip("-")) for p in _NEG_PREFIXES)


def _is_negative(t: Any, wn: WordNet | None) -> bool:
    """``t`` means a negation by itself: a negative verb ("miss", "reject", "leave") or a prefixed
    negative adjective ("dishonest")."""
    return t.lemma_.lower() in _NEGATIVE_MEANING or (t.pos_ == "ADJ" and _prefixed_negative(t.lower_, wn))


def _opposed(lemma: str, other: Located, wn: WordNet | None) -> bool:
    """``other`` is the opposite of the word ``lemma`` (so that "not <lemma>" says ``other``)."""
    o_low, o_lemma = other[1].lower_, other[1].lemma_.lower()
    if (lemma, o_lemma) in _NEGATIVE_OPPOSITES or (lemma, o_low) in _NEGATIVE_OPPOSITES:
        return True
    return wn is not None and (bool({o_low, o_lemma} & wn.antonyms(lemma))
                               or lemma in wn.antonyms(o_lemma))


def _negated(t: Any) -> bool:
    """``t`` has a negation of its own ("not absent", "was not absent")."""
    return any(c.dep_ == "neg" for c in t.children) or (
        t.dep_ in ("acomp", "attr", "xcomp") and any(c.dep_ == "neg" for c in t.head.children))


def _morph_negatives(toks: list[Located], other_words: set[str]) -> bool:
    """``toks`` has a split prefixed negative ("non - diabetic") of a word of the other side."""
    # Single prefixed words ("impossible") are antonym swaps and cancel there; this catches the split form.
    words = [t.lower_ for _, t in toks]
    return any(w == "non" and k + 2 < len(words) and words[k + 1] == "-" and words[k + 2] in other_words
               for k, w in enumerate(words))


def _counterpart(c: Cue, candidates: list[Located], mine: list[Located], theirs: list[Located],
                 used: set[tuple[int, int]]) -> Located:
    """The other side's occurrence of ``c``'s predicate that stands where ``c.pred`` stands on its side (by
    relative position), not already given to another cue: "monitor ... monitored", both negated, each get
    their own evidence."""
    def where(tok: Located, toks: list[Located]) -> float:
        first, last = toks[0][1].i, toks[-1][1].i
        return (tok[1].i - first) / max(last - first, 1)

    at = where(c.pred, mine)
    free = [t for t in candidates if _key(t) not in used] or candidates
    best = min(free, key=lambda t: abs(where(t, theirs) - at))
    used.add(_key(best))
    return best


def _predicates(toks: list[Located]) -> dict[str, list[Located]]:
    """Lemma -> the tokens of each verbal/copular predicate on one side, in order."""
    out: dict[str, list[Located]] = {}
    for s, t in toks:
        if t.pos_ == "AUX" and t.dep_ in ("aux", "auxpass"):
            continue  # "was" in "was reported" is not a predicate of its own
        if t.pos_ in _CLAUSE_POS or (t.pos_ in ("ADJ", "NOUN") and (
                any(c.dep_ == "cop" for c in t.children) or (t.dep_ in ("acomp", "attr") and t.head.pos_ == "AUX"))):
            out.setdefault(_pred_lemma(t), []).append((s, t))
    return out
