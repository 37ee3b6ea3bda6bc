"""Paragraphs and sentences with exact offsets, parsed once by the real spaCy model."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluator import segment as segment_module
from evaluator.errors import DocumentError, ModelError
from evaluator.io import read_document, read_text
from evaluator.segment import GUARD_NAME, guard_sentence_starts, load_nlp, segment, segment_lines
from evaluator.types import Document

EXAMPLES = Path(__file__).resolve().parents[1] / "reference_sets" / "examples" / "korea-diplomacy"
DATA = Path(__file__).parent / "data" / "io"
MARKUP = set("#-*+>=_`~.0123456789)")


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_nlp()


def check_invariants(doc: Document, spans: list[Any], *, markdown: bool = False) -> None:
    """Offsets match the text, sentences are trimmed and ordered, every character is covered once."""
    text = doc.text
    assert len(spans) == len(doc.sentences)
    covered = [False] * len(text)
    prev_end = 0
    for i, (s, span) in enumerate(zip(doc.sentences, spans, strict=True)):
        assert s.index == i
        assert text[s.start:s.end] == s.text
        assert s.text and s.text == s.text.strip()
        assert s.start >= prev_end
        prev_end = s.end
        # The parse covers exactly the sentence (newlines of wrapped lines are parsed as spaces).
        assert span.text == s.text.replace("\n", " ")
        para = doc.paragraphs[s.paragraph]
        assert para.start <= s.start and s.end <= para.end
        for k in range(s.start, s.end):
            covered[k] = True
    if markdown:  # fenced code blocks (from a ``` / ~~~ line to the closing fence) are not prose
        pos, fenced = 0, False
        for line in text.splitlines(keepends=True):
            is_fence = line.lstrip(" ").startswith(("```", "~~~")) and len(line) - len(line.lstrip(" ")) <= 3
            if fenced or is_fence:
                for k in range(pos, pos + len(line)):
                    covered[k] = True
            if is_fence:
                fenced = not fenced
            pos += len(line)
    uncovered = "".join(ch for ch, c in zip(text, covered, strict=True) if not c and not ch.isspace())
    if markdown:
        assert set(uncovered) <= MARKUP, uncovered
    else:
        assert uncovered == ""


SENTENCES = [
    ("Mr. Blinken met Ms. Park.", ["Mr. Blinken met Ms. Park."]),
    ("Dr. Smith arrived.", ["Dr. Smith arrived."]),
    ("The U.S. and China met on Monday. They talked.", ["The U.S. and China met on Monday.", "They talked."]),
    ("Antony J. Blinken is the secretary.", ["Antony J. Blinken is the secretary."]),
    ("It was No. 2 on the list.", ["It was No. 2 on the list."]),
    ("She left at 5 p.m. on Friday.", ["She left at 5 p.m. on Friday."]),
    ("He said, “We will go.” Then they left.", ["He said, “We will go.”", "Then they left."]),
    ("“We will go. We will win,” he said.", ["“We will go. We will win,” he said."]),
    ("“We will go. We will win.” Then they left.", ["“We will go.", "We will win.”", "Then they left."]),
    ('"We will go. We will win," he said. Then they left.',
     ['"We will go. We will win," he said.', "Then they left."]),
    ("“It is over. We lost. Nobody cares,” said Mr. Kim, who left. Then Dr. Lee spoke.",
     ["“It is over. We lost. Nobody cares,” said Mr. Kim, who left.", "Then Dr. Lee spoke."]),
    ("They said “we will not talk. Never.” and left.", ["They said “we will not talk. Never.” and left."]),
    ("They called it “a war. A real war” in the report.", ["They called it “a war. A real war” in the report."]),
    ("“Yes.” He left.", ["“Yes.”", "He left."]),
    ("Gen. Milley met Sen. Warren and Gov. Cuomo at St. Mark. Lt. Col. Smith came.",
     ["Gen. Milley met Sen. Warren and Gov. Cuomo at St. Mark.", "Lt. Col. Smith came."]),
    ("He left the U.S. He came back.", ["He left the U.S.", "He came back."]),
    ("He moved to the U.K. in 2010. He moved to the U.K. Then he left.",
     ["He moved to the U.K. in 2010.", "He moved to the U.K.", "Then he left."]),
    ("The E.U. and U.N. agreed. The U.S. Senate voted.", ["The E.U. and U.N. agreed.", "The U.S. Senate voted."]),
    ("They met at 10 a.m. The talks failed.", ["They met at 10 a.m.", "The talks failed."]),
    ("The talks ended at 11 p.m. Friday, officials said.", ["The talks ended at 11 p.m. Friday, officials said."]),
    ("It was the No. 1 priority. No. The No. 2 was Gen. Milley.",
     ["It was the No. 1 priority.", "No.", "The No. 2 was Gen. Milley."]),
    ("J. Robert Oppenheimer led it. George W. Bush spoke.", ["J. Robert Oppenheimer led it.", "George W. Bush spoke."]),
    ("He lives on Elm St. in Boston. He studied at St. Andrews.",
     ["He lives on Elm St. in Boston.", "He studied at St. Andrews."]),
    ("  Leading and trailing space.   ", ["Leading and trailing space."]),
    # a dateline stays with the sentence it opens (the parser made "WELLINGTON —" a sentence)
    ("WELLINGTON — At least 11 people have died. Thousands fled.",
     ["WELLINGTON — At least 11 people have died.", "Thousands fled."]),
    ("NEW YORK, March 3 -- Stocks fell sharply. Bonds rose.", ["NEW YORK, March 3 -- Stocks fell sharply.", "Bonds rose."]),
    ("BEIJING (Reuters) — China said no. Talks ended.", ["BEIJING (Reuters) — China said no.", "Talks ended."]),
    ("LOS ANGELES, Jan. 5, 2024 – A fire burned.", ["LOS ANGELES, Jan. 5, 2024 – A fire burned."]),
    ("The plan — a big one — failed. Then it passed.", ["The plan — a big one — failed.", "Then it passed."]),
]


@pytest.mark.parametrize("text, expected", SENTENCES, ids=[t[:40] for t, _ in SENTENCES])
def test_sentences(nlp: Any, text: str, expected: list[str]) -> None:
    doc, spans = segment(text, nlp)
    assert [s.text for s in doc.sentences] == expected
    check_invariants(doc, spans)


# (text, words after which a split is blocked, words whose sentence start is left to the parser)
GUARD = [
    ("Mr. Blinken met Ms. Park.", ["Blinken", "Park"], []),
    ("Lt. Col. Vindman testified.", ["Col", "Vindman"], []),
    ("It was No. 2 and then No. The end.", ["2"], ["The"]),
    ("He left the U.S. He came back.", [], ["He"]),
    ("The U.S. Peace Institute said so.", ["Peace"], []),
    ("Antony J. Blinken spoke.", ["Blinken"], []),
    ("Plan B. The end.", [], ["The"]),
    ("She left at 5 p.m. on Friday. At 6 p.m. Officials left.", ["on"], ["Officials"]),
    ("“We will go. We will win,” he said.", ["We", "will", "he"], []),
    ("“We will go. We will win.” Then they left.", ["We"], ["Then"]),
    ("WELLINGTON — At least 11 died. Many fled.", ["—", "At"], ["Many"]),
    ("NATO — the alliance — met. It agreed.", ["—", "the"], ["It"]),
    ("Officials — and aides — met. It agreed.", [], ["It", "and"]),
]


@pytest.mark.parametrize("text, blocked, free", GUARD, ids=[g[0][:30] for g in GUARD])
def test_guard_marks_tokens(nlp: Any, text: str, blocked: list[str], free: list[str]) -> None:
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name == GUARD_NAME:
            break
        doc = proc(doc)
    doc = guard_sentence_starts(doc)
    starts: dict[str, bool | None] = {}
    for t in doc[1:]:
        starts.setdefault(t.text, t.is_sent_start)  # the first occurrence of each word
    for word in blocked:
        assert starts[word] is False, word
    for word in free:
        assert starts[word] is None, word


def test_load_nlp_is_cached_and_keeps_components(nlp: Any) -> None:
    assert load_nlp() is nlp
    names = nlp.pipe_names
    for needed in ("tagger", "parser", "ner", "lemmatizer", "attribute_ruler"):
        assert needed in names
    assert names.index(GUARD_NAME) == names.index("parser") - 1


def test_load_nlp_missing_model() -> None:
    with pytest.raises(ModelError, match="cannot load spaCy model 'no_such_model_xyz'") as info:
        load_nlp("no_such_model_xyz")
    assert "\n" not in str(info.value)


def test_empty_text_is_rejected(nlp: Any) -> None:
    with pytest.raises(DocumentError, match="empty"):
        segment("", nlp)
    with pytest.raises(DocumentError, match="whitespace"):
        segment(" \n ", nlp)


PARAGRAPHS = [
    # (text, paragraph texts, sentence -> paragraph)
    ("One. Two.\nThree.\n\n\nFour.", ["One. Two.", "Three.", "Four."], [0, 0, 1, 2]),
    ("  Indented line.\n\tTabbed line.  \n", ["Indented line.", "Tabbed line."], [0, 1]),
    # Hard-wrapped lines in one blank-line block are one paragraph; a sentence may cross the wrap.
    ("The administration is banking on international alliances in the region\n"
     "to help stem the growing threat posed by North Korea. But the country that\n"
     "is perhaps in the best position to influence Pyongyang is one that the\n"
     "president sees as an adversary.\n\nShort line.\nAnother short line.",
     ["The administration is banking on international alliances in the region\n"
      "to help stem the growing threat posed by North Korea. But the country that\n"
      "is perhaps in the best position to influence Pyongyang is one that the\n"
      "president sees as an adversary.", "Short line.", "Another short line."], [0, 0, 1, 2]),
    # A title line above a paragraph is not merged into it.
    ("Talks Stall in Seoul\nSEOUL — Officials met on Thursday. They talked.",
     ["Talks Stall in Seoul", "SEOUL — Officials met on Thursday. They talked."], [0, 1, 1]),
]


@pytest.mark.parametrize("text, paras, owners", PARAGRAPHS, ids=[p[0][:20] for p in PARAGRAPHS])
def test_paragraphs(nlp: Any, text: str, paras: list[str], owners: list[int]) -> None:
    doc, spans = segment(text, nlp)
    assert [doc.text[p.start:p.end] for p in doc.paragraphs] == paras
    assert [s.paragraph for s in doc.sentences] == owners
    assert all(p.kind == "paragraph" for p in doc.paragraphs)
    assert doc.title is None
    check_invariants(doc, spans)


FLAGS = [
    ("chief financial and political benefactor.", True, False),
    (", and then they left.", True, False),
    ("— and then they left.", True, False),
    ("…and then they left.", True, False),
    ("Talks Stall in Seoul", False, True),
    ("He said he would go to", False, True),
    ("He said “we will go.”", False, False),
    ("The list follows:", False, False),
    ("Is it over?", False, False),
    ("(It is over.)", False, False),
    ("the players’", True, True),
    ("2021 was a long year.", False, False),
]


@pytest.mark.parametrize("text, starts_mid, ends_mid", FLAGS)
def test_partial_paragraph_flags(nlp: Any, text: str, starts_mid: bool, ends_mid: bool) -> None:
    doc, _ = segment(text, nlp)
    (para,) = doc.paragraphs
    assert (para.starts_mid, para.ends_mid) == (starts_mid, ends_mid)


@pytest.fixture(scope="module")
def example_pair(nlp: Any) -> dict[str, tuple[Document, list[Any]]]:
    return {
        side: segment(read_document(EXAMPLES / f"{side}.txt"), nlp, doc_id=side)
        for side in ("original", "rewritten")
    }


def test_example_original(example_pair: dict[str, tuple[Document, list[Any]]]) -> None:
    doc, spans = example_pair["original"]
    assert doc.id == "original" and doc.encoding == "utf-8" and doc.path.endswith("original.txt")
    assert len(doc.paragraphs) == 9 and len(doc.sentences) == 13
    # Paragraphs 5 and 8 (1-based) were cut mid-sentence in the excerpt.
    assert [p.index for p in doc.paragraphs if p.starts_mid] == [4, 7]
    assert doc.text[doc.paragraphs[4].start:].startswith("chief financial and political benefactor")
    assert doc.text[doc.paragraphs[7].start:].startswith("economic coercion in the Indo-Pacific")
    assert not any(p.ends_mid for p in doc.paragraphs)
    texts = [s.text for s in doc.sentences]
    assert "“China has a real interest in helping to deal with this,” Mr. Blinken said." in texts
    assert texts[-1].startswith("Mr. Blinken has previously described China")
    check_invariants(doc, spans)


def test_example_rewritten(example_pair: dict[str, tuple[Document, list[Any]]]) -> None:
    doc, spans = example_pair["rewritten"]
    assert len(doc.paragraphs) == 31
    assert not any(p.starts_mid or p.ends_mid for p in doc.paragraphs)
    texts = [s.text for s in doc.sentences]
    # The rewrite's broken split is real text: it stays its own sentence.
    assert "Contact with Pyongyang." in texts
    assert any(t.startswith("Mr Aum, the North Korea expert at the U.S. Peace Institute, said") for t in texts)
    check_invariants(doc, spans)
    # The spans are the parse the checks reuse: full annotation, one per sentence.
    assert all(len(sp) > 0 and sp.doc.has_annotation("DEP") and sp.doc.has_annotation("ENT_IOB") for sp in spans)


MARKDOWN = """Setext Title
============

Intro paragraph with **bold** text. It has two sentences.

### Closing hashes ###

* star item one.
+ plus item
2) numbered item

---

> A quoted line. Another one.

```
code line here
```
"""


def test_markdown_fixture(nlp: Any) -> None:
    doc, spans = segment(read_document(DATA / "utf16-crlf.md"), nlp)
    assert doc.title == "Talks in Seoul"
    assert [p.kind for p in doc.paragraphs] == [
        "heading", "paragraph", "heading", "list-item", "list-item", "list-item", "paragraph"
    ]
    assert [s.text for s in doc.sentences] == [
        "Talks in Seoul",
        "SEOUL — Mr. Blinken met Ms. Park on Thursday.",
        "They talked about the U.S. alliance.",
        "What was agreed",
        "A new line of communication with Pyongyang.",
        "Joint exercises, scaled down.",
        "Sanctions stay.",
        "“We will go. We will win,” he said.",
    ]
    uncovered = "".join(
        ch for i, ch in enumerate(doc.text)
        if not ch.isspace() and not any(s.start <= i < s.end for s in doc.sentences)
    )
    assert uncovered == "###--1.>"
    check_invariants(doc, spans, markdown=True)


def test_markdown_blocks(nlp: Any) -> None:
    doc, spans = segment(read_text(MARKDOWN, markdown=True), nlp)
    assert doc.title == "Setext Title"
    got = [(p.kind, doc.text[p.start:p.end]) for p in doc.paragraphs]
    assert got == [
        ("heading", "Setext Title"),
        ("paragraph", "Intro paragraph with **bold** text. It has two sentences."),
        ("heading", "Closing hashes"),
        ("list-item", "star item one."),
        ("list-item", "plus item"),
        ("list-item", "numbered item"),
        ("paragraph", "A quoted line. Another one."),
        ("paragraph", "code line here"),
    ]
    # List items and headings never count as cut-off prose.
    assert not any(p.starts_mid or p.ends_mid for p in doc.paragraphs)
    check_invariants(doc, spans, markdown=True)


def test_plain_text_keeps_markup_characters(nlp: Any) -> None:
    doc, spans = segment(read_text("# Not a heading in .txt\n- nor a list."), nlp)
    assert doc.title is None
    assert [p.kind for p in doc.paragraphs] == ["paragraph", "paragraph"]
    assert doc.sentences[0].text == "# Not a heading in .txt"
    check_invariants(doc, spans)


def test_long_paragraph_is_chunked(nlp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    sentence = "Mr. Blinken met Ms. Park on Thursday and they talked about the U.S. alliance. "
    text = sentence * 60  # ~4,700 characters in one paragraph
    monkeypatch.setattr(nlp, "max_length", 1500)  # nlp.pipe would raise E088 on the whole paragraph
    doc, spans = segment(text, nlp)
    assert len(doc.paragraphs) == 1
    assert [s.text for s in doc.sentences] == [sentence.strip()] * 60
    check_invariants(doc, spans)


def test_chunks_are_linear_and_cover_text() -> None:
    text = ("word " * 50_000) + "x" * 3000
    pieces = segment_module._chunks(text, 1000)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:], strict=False))
    assert all(0 < e - s <= 1000 for s, e in pieces)
    assert all(text[e - 1] == " " for _, e in pieces[:-4])  # cut at whitespace while there is some


LINES = [
    (["Mr. Smith left. He came back.", "", "  padded  ", "Last"],
     "Mr. Smith left. He came back.\n\n  padded  \nLast",
     ["Mr. Smith left. He came back.", "", "padded", "Last"]),
    (["“We will go.", "We will win,” he said."], "“We will go.\nWe will win,” he said.",
     ["“We will go.", "We will win,” he said."]),
]


@pytest.mark.parametrize("lines, text, sentences", LINES)
def test_segment_lines(nlp: Any, lines: list[str], text: str, sentences: list[str]) -> None:
    doc, spans = segment_lines(lines, nlp, doc_id="hyp")
    assert doc.id == "hyp" and doc.text == text
    assert [s.text for s in doc.sentences] == sentences
    assert [(s.index, s.paragraph) for s in doc.sentences] == [(i, i) for i in range(len(lines))]
    assert [sp.text for sp in spans] == sentences
    for s in doc.sentences:
        assert doc.text[s.start:s.end] == s.text
        p = doc.paragraphs[s.index]
        assert (p.start, p.end) == (s.start, s.end)


def test_segment_lines_overlong_line_stays_one_unit(nlp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    line = "Mr. Blinken met Ms. Park on Thursday and they talked about the U.S. alliance. " * 30
    monkeypatch.setattr(nlp, "max_length", 1200)
    doc, spans = segment_lines([line, "short"], nlp, doc_id="x")
    assert len(doc.sentences) == 2 and doc.sentences[0].text == line.strip()
    assert spans[0].text == line.strip() and spans[0].doc.has_annotation("DEP")


PIECES = ["Mr.", "Blinken", "said", "the", "U.S.", "J.", "No.", "2", "p.m.", "“", "”", '"', ".", ",", "!", "?",
          "we", "Will", "go", "—", "…", "'", "(", ")", "# ", "- ", "1. ", "> ", "---", "```", "é", "\u00a0"]
SEPARATORS = [" ", " ", " ", "\n", "\n\n", "\t", "  \n ", ""]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    words=st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)), min_size=1, max_size=60),
    markdown=st.booleans(),
)
def test_invariants_hold_for_any_text(nlp: Any, words: list[tuple[str, str]], markdown: bool) -> None:
    text = "".join(w + sep for w, sep in words)
    if not text.strip():
        return
    doc, spans = segment(read_text(text, markdown=markdown), nlp)
    check_invariants(doc, spans, markdown=markdown)
    assert [p.index for p in doc.paragraphs] == list(range(len(doc.paragraphs)))


def test_segment_lines_with_a_parse_memo_is_segment_lines_without(nlp: Any) -> None:
    """`score` parses a chunk's lines once (``parse_lines``) and segments each document from the memo:
    the same documents and parses as parsing them there, a line not in the memo is parsed, and a line
    that comes twice in one document gets a Doc of its own the second time."""
    from evaluator.segment import parse_lines

    chunk = ["  The minister resigned on Monday.  ", "Reuters", "Prices rose 3% in May.", "Reuters"]
    memo = parse_lines(chunk, nlp)
    assert set(memo) == {"The minister resigned on Monday.", "Reuters", "Prices rose 3% in May."}
    part = [*chunk, "A line the memo has not seen."]
    plain_doc, plain_spans = segment_lines(part, nlp, doc_id="original")
    memo_doc, memo_spans = segment_lines(part, nlp, doc_id="original", memo=memo)
    assert memo_doc == plain_doc
    for a, b in zip(plain_spans, memo_spans, strict=True):
        assert [(t.text, t.tag_, t.dep_, t.head.i, t.ent_type_) for t in a] == \
            [(t.text, t.tag_, t.dep_, t.head.i, t.ent_type_) for t in b]
    assert memo_spans[0].doc is memo["The minister resigned on Monday."][0][1]  # from the memo
    assert memo_spans[1].doc is not memo_spans[3].doc  # "Reuters" twice: two Docs
