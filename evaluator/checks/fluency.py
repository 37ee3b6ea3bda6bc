"""Fragments left by a broken sentence split ("... a diplomatic mission. Contact with Pyongyang.").

A rewrite sentence is a fragment when it has no finite verb, starts in lower case, or is a bare
subordinate clause ("Which was never signed.").  A regular past tense the tagger read as a participle or as a
noun ("The 17-year-old finished with nine points") is a finite verb.  It is reported only where the original said the
same thing in full sentences (a heading or a short "Not yet." that the original also has is fine).
A verbless piece that a split cut off an aligned sentence is major; other fragments are minor.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

from ..types import Finding, Severity
from ._struct_util import quote
from .base import CheckContext, register

log = logging.getLogger(__name__)

_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
_RELATIVE_STARTS = frozenset({"which", "who", "whom", "whose", "whereby", "wherein"})
# Sentence openers that make a verbless sentence a deliberate short answer or aside, not a fragment.
_SHORT_OK_POS = frozenset({"INTJ", "ADV", "PART", "PRON", "AUX", "VERB", "NUM", "SYM", "X"})


def _words(sent: Any) -> list[Any]:
    return [t for t in sent if not (t.is_punct or t.is_space)]


def fragment_reason(sent: Any) -> str | None:
    """Why a parsed sentence reads as a fragment, or None for a full sentence."""
    words = _words(sent)
    if not words:
        return None
    first = words[0]
    if first.text[:1].isalpha() and first.text[:1].islower() and not any(c.isupper() for c in first.text[1:]):
        return "starts in lower case"
    if first.lower_ in _RELATIVE_STARTS and not sent.text.rstrip().endswith("?"):
        return "is a bare relative clause"
    if first.dep_ == "mark" and first.head.dep_ == "ROOT" and first.head.i > first.i:
        return "is a bare subordinate clause"
    finite = any(t.tag_ in _FINITE_TAGS or "Fin" in t.morph.get("VerbForm") for t in words)
    if not finite and any(_past_read_as_participle(t) or _past_read_as_noun(t) for t in words):
        finite = True  # "A crowd of 60,125 attended.": a past tense read as a participle (spelled alike)
    if not finite:
        if len(words) <= 3 and first.pos_ in _SHORT_OK_POS:
            return None  # "Not yet.", "Exactly so."
        return "has no finite verb"
    return None


def _past_read_as_participle(t: Any) -> bool:
    """A regular past tense ("-ed") the tagger read as a participle (VBN) where only a finite verb fits: the
    sentence's root with a subject ("About 60,125 fans attended."), or a participle closing the sentence
    after a subject noun that has its own "of" phrase ("A crowd of 60,125 attended.").  Not "A statement
    released." (a headline: the noun has nothing but its article)."""
    if t.tag_ != "VBN" or not t.lower_.endswith("ed") or any(c.dep_ in ("auxpass", "aux") for c in t.children):
        return False
    if t.dep_ == "ROOT":  # "About 60,125 fans attended."; not "Ten people killed in the blast." (a headline)
        return any(c.dep_ in ("nsubj", "nsubjpass") and c.i < t.i for c in t.children) and not any(
            c.dep_ in ("prep", "agent", "dobj") for c in t.children)
    return (t.dep_ == "acl" and t.head.dep_ == "ROOT" and t.i == t.sent.end - 1 - (t.sent[-1].is_punct)
            and not any(c.dep_ in ("dobj", "agent", "prep") for c in t.children)
            and any(c.dep_ == "prep" for c in t.head.children))


# Nouns spelled like a regular past tense ("-ed"), which _past_read_as_noun must leave nouns.
_ED_NOUNS = frozenset({"hatred", "kindred", "hundred", "sacred", "wicked", "naked", "thousand"})


def _past_read_as_noun(t: Any) -> bool:
    """A regular past tense the tagger read as the sentence's head noun after a subject it took for its
    modifiers ("The 17-year-old finished with nine points ...": "finished" a noun qualified by "17-year-old"):
    the root, an "-ed" word (no "-eed" noun: "speed", "seed"), with words before it and a preposition or
    object after it."""
    low = t.lower_
    if t.dep_ != "ROOT" or t.tag_ != "NN" or not low.endswith("ed") or len(low) < 6 or low.endswith("eed") \
            or low in _ED_NOUNS:
        return False
    return any(c.i < t.i and c.dep_ in ("amod", "compound", "nmod", "det") for c in t.children) and any(
        c.i > t.i and c.dep_ in ("prep", "dobj") for c in t.children)


@register
class FluencyCheck:
    """Sentence fragments in the rewrite where the original has full sentences."""

    name = "fluency"

    def run(self, ctx: CheckContext) -> Iterator[Finding]:
        for index, pair in enumerate(ctx.alignment):
            if not pair.rewritten:
                continue
            if pair.original:
                originals = [ctx.parses["original"][i] for i in pair.original]
                if any(fragment_reason(s) for s in originals):
                    continue  # the original has the same shape: a heading, a list item, a short reply
            for si in pair.rewritten:
                finding = self._check_sentence(ctx, index, si, pair.original, len(pair.rewritten))
                if finding is not None:
                    yield finding

    def _check_sentence(self, ctx: CheckContext, index: int, si: int, original: Sequence[int],
                        n_rewritten: int) -> Finding | None:
        sent = ctx.parses["rewritten"][si]
        reason = fragment_reason(sent)
        if reason is None or self._is_heading(ctx, si):
            return None
        if not original and not self._inside_paragraph(ctx, si):
            return None  # a stand-alone unaligned line: most likely a heading or caption
        split = bool(original) and n_rewritten > len(original)
        severity = Severity.MAJOR if split and reason == "has no finite verb" else Severity.MINOR
        words = _words(sent)
        span = ctx.token_span("rewritten", si, words[0], words[-1])
        o_span = ctx.sentence_span("original", original) if original else None
        msg = f'Sentence fragment in the rewrite ({reason}): "{quote(span.text)}"'
        if o_span is not None:
            msg += f'; the original has a full sentence: "{quote(o_span.text, 70)}"'
        return Finding(check=self.name, code="fragment", severity=severity, message=msg, original=o_span,
                       rewritten=span, alignment=index, data={"reason": reason, "split": split})

    @staticmethod
    def _is_heading(ctx: CheckContext, si: int) -> bool:
        doc = ctx.rewritten
        s = doc.sentences[si]
        if doc.paragraphs and 0 <= s.paragraph < len(doc.paragraphs):
            para = doc.paragraphs[s.paragraph]
            if para.kind == "heading":
                return True
            alone = sum(1 for x in doc.sentences if x.paragraph == s.paragraph) == 1
            if alone and not s.text.rstrip().endswith((".", "!", "?", "\u201d", '"')):
                return True  # a one-line paragraph without closing punctuation: a title
        return False

    @staticmethod
    def _inside_paragraph(ctx: CheckContext, si: int) -> bool:
        """Whether the sentence follows another sentence of the same paragraph."""
        sents = ctx.rewritten.sentences
        return si > 0 and sents[si - 1].paragraph == sents[si].paragraph
