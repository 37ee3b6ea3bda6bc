"""Text -> paragraphs -> sentences with character offsets, parsed once by spaCy.

Paragraphs are lines (blank lines also separate).  A blank-line block whose lines look hard-wrapped
(most lines end without terminal punctuation and have similar, moderate lengths) is one paragraph.
For markdown, headings, list items and paragraphs become paragraphs and the markup characters
(``#``, list markers, ``>``, rules, fences, setext underlines) are left out of every span.  Each
paragraph is parsed once (``nlp.pipe``); its sentences keep the spaCy ``Span`` the checks reuse.
"""
from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import ModelError
from .io import LoadedText, read_text
from .options import DEFAULT_SPACY
from .types import Document, Paragraph, Sentence

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token

log = logging.getLogger(__name__)

GUARD_NAME = "evaluator_sentence_guard"
PIPE_BATCH_SIZE = 64
# Parser memory grows with document length; a paragraph this long is already pathological, so it is
# parsed in pieces cut at sentence-like boundaries rather than at spaCy's (much larger) max_length.
MAX_CHUNK_CHARS = 100_000

# Honorifics and titles that (practically) never end a sentence.
_HONORIFICS = frozenset(
    "Mr Mrs Ms Mx Dr Prof Gen Sen Rep Gov Lt Col Sgt Capt Cmdr Adm Maj Rev Hon Pres Messrs".split()
)
# Abbreviations that may end a sentence: a split after them is kept only before a sentence opener.
_AMBIGUOUS = frozenset({"St.", "U.S.", "U.K.", "U.N.", "E.U.", "U.S.A.", "U.A.E."})
_CLOCK = frozenset({"a.m.", "p.m.", "A.M.", "P.M."})
_NUMBER_ABBREV = frozenset({"No.", "Nos.", "no.", "nos."})
_DAYS_MONTHS = frozenset(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June "
    "July August September October November December".split()
)
# Tags of words that typically open a sentence (pronouns, determiners, conjunctions, wh-words ...).
_OPENER_TAGS = frozenset({"PRP", "PRP$", "DT", "PDT", "CC", "IN", "WDT", "WP", "WP$", "WRB", "EX", "RB", "MD"})
_INITIAL_RE = re.compile(r"^[A-Z]\.$")
_OPEN_QUOTES = frozenset({"“", "«", "„"})
_CLOSE_QUOTES = frozenset({"”", "»"})
_CONTINUATION_AFTER_QUOTE = frozenset({",", ";", ":", ")", "—", "–", "-"})
_MAX_QUOTE_TOKENS = 200  # a longer "quotation" is more likely an unbalanced quote mark
# A dateline ("WELLINGTON —", "NEW YORK, March 3 --", "BEIJING (Reuters) —") opens its paragraph's first
# sentence: upper-case place words, an optional date or agency after a comma or in brackets, then a dash.
_DATELINE_DASHES = frozenset({"—", "–", "--", "-"})
_DATELINE_MAX_TOKENS = 12

# A likely sentence end for cutting overlong text: terminal mark, closers, space, capital/opener.
_BOUNDARY_RE = re.compile(r"(?P<word>[^\s.!?]*)[.!?]+[”\"’')\]]*\s+(?=[“\"‘(\[A-Z0-9])")

_TERMINAL = frozenset(".!?…:")
_CLOSERS = "”\"’')]}»"
_CONTINUATION_START = frozenset(",;:)]}—–…")

_NLP_CACHE: dict[str, Language] = {}
_NLP_LOCK = threading.Lock()


# ---------------------------------------------------------------------------------------------------
# Pipeline


def load_nlp(name: str = DEFAULT_SPACY) -> Language:
    """Load a spaCy pipeline offline (once per name) with the sentence guard before the parser."""
    with _NLP_LOCK:
        cached = _NLP_CACHE.get(name)
        if cached is not None:
            return cached
        import spacy

        _register_guard()
        try:
            nlp = spacy.load(name)
        except (OSError, ImportError, ValueError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelError(f"cannot load spaCy model {name!r}: {first}") from None
        if "parser" in nlp.pipe_names:
            nlp.add_pipe(GUARD_NAME, before="parser")
        elif "senter" in nlp.pipe_names:
            nlp.add_pipe(GUARD_NAME, before="senter")
        else:
            # No statistical sentence splitter: rule-based one, with the guard in front of it.
            nlp.add_pipe("sentencizer")
            nlp.add_pipe(GUARD_NAME, before="sentencizer")
        log.info("loaded spaCy model %s (%s)", name, ", ".join(nlp.pipe_names))
        _NLP_CACHE[name] = nlp
        return nlp


@contextmanager
def memory_zone(nlp: Language | object) -> Iterator[None]:
    """spaCy's memory zone around a block: the strings and lexemes its parses add are freed at its end.

    Without it the pipeline's StringStore and Vocab keep every new word, number and name for the life
    of the process (a 100,000-line set adds a few hundred thousand).  No Doc, Span or Token of the block
    may be used after it (spaCy's rule), so the block must finish with its parses: `evaluator score`
    wraps each chunk, whose rows are plain data.  Zones do not nest: inside one this does nothing.
    The lemmatizer's memo of the words it lemmatised is emptied with it.
    """
    inner = getattr(nlp, "wrapped", nlp)  # a CachingNlp passes its pipeline
    zone = getattr(inner, "memory_zone", None)
    vocab = getattr(inner, "vocab", None)
    if zone is None or vocab is None or getattr(vocab, "in_memory_zone", True):
        yield
        return
    try:
        with zone():
            yield
    finally:
        # The lemmatizer memoises every (word, tag, morphology) it saw in a plain dict that no zone empties.
        from spacy.pipeline import Lemmatizer

        for _, pipe in getattr(inner, "pipeline", ()):
            if isinstance(pipe, Lemmatizer) and isinstance(getattr(pipe, "cache", None), dict):
                pipe.cache.clear()


def _register_guard() -> None:
    from spacy.language import Language

    if not Language.has_factory(GUARD_NAME):
        Language.component(GUARD_NAME, func=guard_sentence_starts)


def guard_sentence_starts(doc: Doc) -> Doc:
    """Mark tokens where a sentence split would be wrong (``is_sent_start = False``)."""
    for tok in doc:
        nxt = _next_word(doc, tok.i)
        if nxt is None:
            continue
        if _blocks_split_after(doc, tok, doc[nxt]):
            _no_start(doc, tok.i + 1, nxt)
    _guard_quotes(doc)
    _guard_dateline(doc)
    return doc


def _guard_dateline(doc: Doc) -> None:
    """Keep a dateline at the start of a paragraph with the sentence it introduces.

    The parser tends to make "WELLINGTON —" a sentence of its own, which then has no counterpart.
    """
    place = 0
    tail = False  # past the place name: a date ("March 3, 2024") or an agency ("(Reuters)")
    for tok in doc[:_DATELINE_MAX_TOKENS]:
        t = tok.text
        if tok.is_space:
            continue
        if t in _DATELINE_DASHES:
            if place and tok.i + 1 < len(doc):
                nxt = _next_word(doc, tok.i)
                _no_start(doc, 1, nxt if nxt is not None else tok.i)
            return
        if not tail and any(c.isalpha() for c in t) and t == t.upper():
            place += 1
        elif place and t in {",", "(", ")", "/"}:
            tail = True
        elif not (tail and (t[:1].isupper() or t[:1].isdigit() or t == ".")):
            return


def _blocks_split_after(doc: Doc, tok: Token, nxt: Token) -> bool:
    text = tok.text
    # "Lt." and "No." are tokenised as word + "." in the English tokenizer.
    split_stem = text == "." and tok.i > 0 and not doc[tok.i - 1].whitespace_
    stem = doc[tok.i - 1].text if split_stem else text.rstrip(".") if text.endswith(".") else None
    if stem is None:
        return False
    if stem in _HONORIFICS:
        return True
    if stem + "." in _NUMBER_ABBREV:
        return nxt.like_num or nxt.text[:1].isdigit()
    if split_stem:
        return False
    if text in _CLOCK:
        return nxt.text[:1].islower() or nxt.text[:1].isdigit() or nxt.text in _DAYS_MONTHS
    if text in _AMBIGUOUS or _INITIAL_RE.match(text):
        if _INITIAL_RE.match(text) and not _in_name(doc, tok, nxt):
            return False
        return not _opens_sentence(nxt)
    return False


def _in_name(doc: Doc, tok: Token, nxt: Token) -> bool:
    """An initial between capitalised words ("Antony J. Blinken", "J. Blinken")."""
    prev_ok = tok.i == 0 or doc[tok.i - 1].text[:1].isupper()
    return prev_ok and nxt.text[:1].isupper()


def _opens_sentence(tok: Token) -> bool:
    """Whether a word after an ambiguous abbreviation looks like the start of a new sentence."""
    first = tok.text[:1]
    if not first.isupper() and not first.isdigit() and not tok.is_punct:
        return False
    if first.isdigit():
        return False
    if tok.is_punct:
        return tok.text in _OPEN_QUOTES or tok.text == '"'
    if tok.text.rstrip(".") in _HONORIFICS:
        return True
    return tok.is_stop or tok.tag_ in _OPENER_TAGS


def _guard_quotes(doc: Doc) -> None:
    """No split just inside a quotation, before its close, or inside one the sentence runs on from."""
    open_at: int | None = None
    straight_open: int | None = None
    for tok in doc:
        t = tok.text
        if t in _OPEN_QUOTES:
            open_at = tok.i
        elif t in _CLOSE_QUOTES and open_at is not None:
            _guard_quote_pair(doc, open_at, tok.i)
            open_at = None
        elif t == '"':
            if straight_open is None:
                straight_open = tok.i
            else:
                _guard_quote_pair(doc, straight_open, tok.i)
                straight_open = None


def _guard_quote_pair(doc: Doc, o: int, c: int) -> None:
    if c - o < 2:
        return
    _no_start(doc, o + 1, o + 1)  # the quoted words belong with their opening mark
    _no_start(doc, c, c)  # a closing mark never opens a sentence
    if c - o > _MAX_QUOTE_TOKENS:
        return
    nxt = _next_word(doc, c)
    before_close = doc[c - 1].text
    runs_on = before_close in {",", ";", "—", "–"} or (
        nxt is not None
        and (doc[nxt].text[:1].islower() or doc[nxt].text in _CONTINUATION_AFTER_QUOTE)
    )
    if runs_on:
        _no_start(doc, o + 1, c)
        if nxt is not None:
            _no_start(doc, c + 1, nxt)


def _next_word(doc: Doc, i: int) -> int | None:
    """Index of the first non-space token after ``i``."""
    j = i + 1
    while j < len(doc) and doc[j].is_space:
        j += 1
    return j if j < len(doc) else None


def _no_start(doc: Doc, first: int, last: int) -> None:
    for j in range(max(first, 1), last + 1):
        doc[j].is_sent_start = False


# ---------------------------------------------------------------------------------------------------
# Paragraphs


@dataclass(frozen=True)
class _Block:
    start: int
    end: int
    kind: str  # paragraph | heading | list-item
    prose: bool = True  # False for fenced code: never flagged as cut mid-sentence


_ATX_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)")
_ATX_CLOSE_RE = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
_SETEXT_RE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_RULE_RE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_FENCE_RE = re.compile(r"^ {0,3}(?:```|~~~)")
_LIST_RE = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?=\S)")
_QUOTE_RE = re.compile(r"^[ \t]*(?:>[ \t]?)+")


def _lines(text: str) -> Iterator[tuple[int, int]]:
    pos = 0
    for line in text.split("\n"):
        yield pos, pos + len(line)
        pos += len(line) + 1


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _split_blocks(text: str, markdown: bool) -> list[_Block]:
    """Paragraph candidates: one per content line, with wrapped runs of plain lines merged."""
    # Runs of plain lines (no markup, no blank line between) that may be one hard-wrapped paragraph.
    runs: list[list[tuple[int, int, str]]] = []
    current: list[tuple[int, int, str]] = []
    in_fence = False

    def flush() -> None:
        nonlocal current
        if current:
            runs.append(current)
        current = []

    for ls, le in _lines(text):
        line = text[ls:le]
        if not line.strip():
            flush()
            continue
        if not markdown:
            s, e = _trim(text, ls, le)
            current.append((s, e, "paragraph"))
            continue
        if _FENCE_RE.match(line):
            in_fence = not in_fence
            flush()
            continue
        if in_fence:
            s, e = _trim(text, ls, le)
            flush()
            runs.append([(s, e, "code")])
            continue
        if current and _SETEXT_RE.match(line):
            # Setext underline: the line above is a heading (the underline itself is markup).
            s, e, _ = current.pop()
            flush()
            runs.append([(s, e, "heading")])
            continue
        if _RULE_RE.match(line):
            flush()
            continue
        m = _ATX_RE.match(line)
        if m:
            body_end = le
            close = _ATX_CLOSE_RE.search(line, m.end())
            if close:
                body_end = ls + close.start()
            s, e = _trim(text, ls + m.end(), body_end)
            flush()
            if e > s:
                runs.append([(s, e, "heading")])
            continue
        m = _LIST_RE.match(line)
        if m:
            s, e = _trim(text, ls + m.end(), le)
            flush()
            runs.append([(s, e, "list-item")])
            continue
        m = _QUOTE_RE.match(line)
        if m:
            s, e = _trim(text, ls + m.end(), le)
            flush()
            if e > s:
                runs.append([(s, e, "paragraph")])
            continue
        s, e = _trim(text, ls, le)
        current.append((s, e, "paragraph"))
    flush()

    blocks: list[_Block] = []
    for run in runs:
        if len(run) > 1 and run[0][2] == "paragraph" and _looks_wrapped(text, run):
            blocks.append(_Block(run[0][0], run[-1][1], "paragraph"))
        else:
            blocks.extend(
                _Block(s, e, "paragraph", prose=False) if k == "code" else _Block(s, e, k) for s, e, k in run
            )
    return blocks


def _looks_wrapped(text: str, run: Sequence[tuple[int, int, str]]) -> bool:
    """Hard-wrapped lines: most end mid-sentence and all but the last have a similar, moderate width."""
    body = run[:-1]
    widths = [e - s for s, e, _ in body]
    widest = max(max(widths), run[-1][1] - run[-1][0])
    if widest > 120 or max(widths) < 40 or min(widths) < 0.5 * max(widths):
        return False
    open_ended = sum(1 for s, e, _ in body if not _ends_complete(text[s:e]))
    return open_ended * 3 >= len(body) * 2


def _ends_complete(s: str) -> bool:
    stripped = s.rstrip().rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _TERMINAL


def _starts_mid(s: str) -> bool:
    first = s[:1]
    if first.islower():
        # "iPhone", "eBay": a lowercase brand name still opens a sentence.
        word = s.split(maxsplit=1)[0]
        return not any(ch.isupper() for ch in word[1:])
    return first in _CONTINUATION_START or s.startswith("...")


# ---------------------------------------------------------------------------------------------------
# Parsing


def _chunks(text: str, limit: int) -> list[tuple[int, int]]:
    """Cut text longer than ``limit`` at sentence-like boundaries, else whitespace (linear time)."""
    if len(text) <= limit:
        return [(0, len(text))]
    out: list[tuple[int, int]] = []
    pos = 0
    while len(text) - pos > limit:
        hi = pos + limit
        floor = pos + limit // 2
        cut = -1
        # Each window's second half is scanned once, so the whole text is scanned about once.
        for m in _BOUNDARY_RE.finditer(text, floor, hi):
            word = m.group("word")
            if len(word) > 1 and "." not in word and word not in _HONORIFICS and word not in {"No", "St"}:
                cut = m.end()
        if cut < 0:
            j = text.rfind(" ", floor, hi)
            cut = j + 1 if j >= 0 else hi
        out.append((pos, cut))
        pos = cut
    out.append((pos, len(text)))
    return out


def _parse(nlp: Language, texts: Sequence[str]) -> list[list[tuple[int, Doc]]]:
    """Parse every text once via ``nlp.pipe``; texts too long for one parse come back in pieces."""
    limit = max(1, min(int(nlp.max_length), MAX_CHUNK_CHARS))
    owners: list[int] = []
    pieces: list[str] = []
    offsets: list[int] = []
    for i, t in enumerate(texts):
        for s, e in _chunks(t, limit):
            owners.append(i)
            offsets.append(s)
            pieces.append(t[s:e])
    out: list[list[tuple[int, Doc]]] = [[] for _ in texts]
    for owner, off, doc in zip(owners, offsets, nlp.pipe(pieces, batch_size=PIPE_BATCH_SIZE), strict=True):
        out[owner].append((off, doc))
    return out


def _trimmed(sent: Span) -> Span | None:
    """The sentence without leading/trailing whitespace tokens (None when it is only whitespace)."""
    a, b = sent.start, sent.end
    doc = sent.doc
    while a < b and doc[a].is_space:
        a += 1
    while b > a and doc[b - 1].is_space:
        b -= 1
    return doc[a:b] if b > a else None


def segment(loaded: LoadedText | str, nlp: Language, *, doc_id: str = "original") -> tuple[Document, list[Span]]:
    """Split a document into paragraphs and sentences; return it with each sentence's spaCy span."""
    if isinstance(loaded, str):
        loaded = read_text(loaded)
    text = loaded.text
    blocks = _split_blocks(text, loaded.markdown)
    # Same length as the original slice, so parse offsets are text offsets (newlines of a wrapped
    # paragraph would otherwise become SPACE tokens that confuse the parser).
    parsed = _parse(nlp, [text[b.start:b.end].replace("\n", " ") for b in blocks])

    sentences: list[Sentence] = []
    spans: list[Span] = []
    paragraphs: list[Paragraph] = []
    title: str | None = None
    for p_idx, (block, docs) in enumerate(zip(blocks, parsed, strict=True)):
        ptext = text[block.start:block.end]
        if block.kind == "heading" and title is None and loaded.markdown:
            title = ptext
        prose = block.kind == "paragraph" and block.prose
        paragraphs.append(
            Paragraph(
                index=p_idx,
                start=block.start,
                end=block.end,
                starts_mid=prose and _starts_mid(ptext),
                ends_mid=prose and not _ends_complete(ptext),
                kind=block.kind,
            )
        )
        for off, doc in docs:
            for sent in doc.sents:
                span = _trimmed(sent)
                if span is None:
                    continue
                s = block.start + off + span.start_char
                e = block.start + off + span.end_char
                sentences.append(Sentence(len(sentences), s, e, p_idx, text[s:e]))
                spans.append(span)
    document = Document(
        id=doc_id,
        text=text,
        sentences=tuple(sentences),
        paragraphs=tuple(paragraphs),
        path=loaded.path,
        title=title,
        encoding=loaded.encoding,
    )
    log.debug("segmented %s: %d paragraphs, %d sentences", doc_id, len(paragraphs), len(sentences))
    return document, spans


ParseMemo = dict[str, list[tuple[int, "Doc"]]]  # a line's parse text -> its parse (see ``parse_lines``)


def _line_unit(line: str) -> str:
    """What ``segment_lines`` parses of a line: without surrounding whitespace."""
    s, e = _trim(line, 0, len(line))
    return line[s:e].replace("\n", " ")


def parse_lines(lines: Iterable[str], nlp: Language, known: ParseMemo | None = None) -> ParseMemo:
    """Each distinct line parsed once, in batches, for ``segment_lines(..., memo=)`` calls on parts of
    them (``evaluator score`` parses a chunk's lines together and segments each document of it alone);
    the lines of ``known`` are not parsed again, and the memo returned holds them too."""
    known = known or {}
    texts = [u for u in dict.fromkeys(_line_unit(line) for line in lines) if u not in known]
    return {**known, **dict(zip(texts, _parse(nlp, texts), strict=True))}


def segment_lines(
    lines: Sequence[str], nlp: Language, *, doc_id: str, path: str | None = None, encoding: str | None = None,
    memo: ParseMemo | None = None,
) -> tuple[Document, list[Span]]:
    """One sentence (and paragraph) per line of a line-aligned test set, parsed in batches (a line
    found in ``memo``, from ``parse_lines``, is not parsed again)."""
    from spacy.tokens import Doc as SpacyDoc

    text = "\n".join(lines)
    bounds: list[tuple[int, int]] = []
    pos = 0
    for line in lines:
        bounds.append(_trim(text, pos, pos + len(line)))
        pos += len(line) + 1
    units = [text[s:e].replace("\n", " ") for s, e in bounds]
    if memo is None:
        parsed = _parse(nlp, units)
    else:
        missing = [u for u in dict.fromkeys(units) if u not in memo]
        fresh = dict(zip(missing, _parse(nlp, missing), strict=True)) if missing else {}
        # A line that comes twice here gets a copy of its parse the second time: within a document
        # each sentence has a Doc of its own, as without the memo (checks find a token's sentence by its Doc).
        seen: set[str] = set()
        parsed = []
        for u in units:
            docs = memo[u] if u in memo else fresh[u]
            parsed.append([(off, d.copy()) for off, d in docs] if u in seen else docs)
            seen.add(u)

    sentences: list[Sentence] = []
    paragraphs: list[Paragraph] = []
    spans: list[Span] = []
    for i, ((s, e), docs) in enumerate(zip(bounds, parsed, strict=True)):
        # A line is one unit however the parser splits it, so an overlong line is rejoined.
        doc = docs[0][1] if len(docs) == 1 else SpacyDoc.from_docs([d for _, d in docs], ensure_whitespace=False)
        sentences.append(Sentence(i, s, e, i, text[s:e]))
        paragraphs.append(Paragraph(i, s, e))
        spans.append(doc[:])
    document = Document(
        id=doc_id, text=text, sentences=tuple(sentences), paragraphs=tuple(paragraphs), path=path, encoding=encoding
    )
    return document, spans
