"""Glossary loading from CSV, TOML and TBX, with clear errors for malformed files."""
from __future__ import annotations

import logging
import unicodedata
from pathlib import Path

import pytest

from evaluator.errors import ConfigError
from evaluator.glossary import GlossaryTerm, load_glossary, parse_csv, parse_tbx, parse_toml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [ROOT / "reference_sets" / f"glossary.example.{ext}" for ext in ("csv", "toml", "tbx")]


def _core(g):
    return [(t.source, t.required, t.forbidden, t.case_sensitive) for t in g]


def test_three_example_formats_agree() -> None:
    csv_g, toml_g, tbx_g = (load_glossary(p) for p in EXAMPLES)
    assert _core(csv_g) == _core(toml_g) == _core(tbx_g)
    assert len(csv_g) == 4
    biden = csv_g.terms[0]
    assert (biden.source, biden.required, biden.forbidden) == (
        "Biden administration", ("Biden administration",), ("Biden government",))
    assert biden.note and "administration" in biden.note


def test_merge_keeps_every_source() -> None:
    g = load_glossary([str(p) for p in EXAMPLES[:2]])
    assert len(g) == 8 and len(g.sources) == 2


def test_tbx_same_language_mapping() -> None:
    g = load_glossary(EXAMPLES[2])
    usip = g.terms[3]
    assert usip.source == "United States Institute of Peace"
    assert usip.required == ("United States Institute of Peace", "U.S. Institute of Peace")  # preferred+admitted
    assert usip.forbidden == ("US Peace Institute", "U.S. Peace Institute")  # deprecated+superseded
    assert usip.aliases == ("U.S. Institute of Peace",)


TBX_BILINGUAL = """<?xml version="1.0"?>
<tbx type="TBX-Basic" style="dca" xmlns="urn:iso:std:iso:30042:ed-2" xml:lang="en"><text><body>
<conceptEntry id="c1">
 <langSec xml:lang="en"><termSec><term>Secretary of State</term>
   <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec></langSec>
 <langSec xml:lang="de"><termSec><term>Außenminister</term>
   <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec>
   <termSec><term>Staatssekretär</term>
   <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec></langSec>
</conceptEntry></body></text></tbx>"""


def test_tbx_v3_translation_mapping() -> None:
    (term,) = parse_tbx(TBX_BILINGUAL, "t.tbx", source_lang="en", target_lang="de").terms
    assert (term.source, term.required, term.forbidden) == ("Secretary of State", ("Außenminister",),
                                                            ("Staatssekretär",))


@pytest.mark.parametrize("parser,text,problem,line", [
    (parse_csv, "term,required\nx,y\n", "source_term column", 1),
    (parse_csv, "source_term,required,case_sensitive\nBiden,Biden,maybe\n", "case_sensitive", 2),
    (parse_csv, "source_term,required\nok,ok\n,missing\n", "source_term is missing", 3),
    (parse_csv, "source_term,required\nA,B,C\n", "fields but the header", 2),
    (parse_csv, "source_term,required,forbidden\nA,,\n", "neither required nor forbidden", 2),
    (parse_csv, "source_term,required,forbidden\nA,B,b\n", "both requires and forbids", 2),
    (parse_csv, "source_term,colour\nA,B\n", "unknown column", 1),
    (parse_toml, '[[term]]\nsource_term = "A"\nrequired = ["B"\n', "invalid TOML", None),
    (parse_toml, '[[term]]\nsource_term = "A"\nrequired = "B"\n\n[[term]]\nsource = "C"\nrequird = "D"\n',
     "unknown key 'requird'", 5),
    (parse_toml, '[[term]]\nsource_term = "A"\nrequired = 3\n', "required must be", 1),
    (parse_tbx, '<?xml version="1.0"?>\n<!DOCTYPE martif [<!ENTITY x "boom">]>\n<martif/>', "DOCTYPE", 2),
    (parse_tbx, '<!ENTITY x SYSTEM "file:///etc/passwd">', "ENTITY", 1),
    (parse_tbx, "<martif><text><body>\n<termEntry>\n</martif>", "invalid XML", 3),
    (parse_tbx, "<glossary/>", "not a TBX file", 1),
])
def test_malformed_glossaries(parser, text: str, problem: str, line: int | None) -> None:
    with pytest.raises(ConfigError) as err:
        parser(text, "g.file")
    assert problem in err.value.problem
    if line is not None:
        assert err.value.line == line
    assert str(err.value).startswith("g.file")


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_glossary(tmp_path / "missing.csv")
    bad = tmp_path / "g.json"
    bad.write_text("{}", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown glossary format"):
        load_glossary(bad)
    latin = tmp_path / "g.csv"
    latin.write_bytes(b"source_term,required\nna\xefve,x\n")
    with pytest.raises(ConfigError, match="not UTF-8") as err:
        load_glossary(latin)
    assert err.value.line == 2


@pytest.mark.parametrize("phrase,text,case_sensitive,hits", [
    ("Biden administration", "the Biden  administration said", False, ["Biden  administration"]),
    ("Biden administration", "the biden administration said", False, ["biden administration"]),
    ("Biden administration", "the biden administration said", True, []),
    ("Secretary of State", "Secretary of Statehood", False, []),
    ("well-known", "a well known fact", False, ["well known"]),
    ("U.S. Peace Institute", "at the U.S. Peace Institute, said", False, ["U.S. Peace Institute"]),
    ("Xi's", "Xi’s speech", False, ["Xi’s"]),
])
def test_phrase_matching(phrase: str, text: str, case_sensitive: bool, hits: list[str]) -> None:
    term = GlossaryTerm(source=phrase, required=(phrase,), case_sensitive=case_sensitive)
    assert [text[a:b] for a, b in term.find(phrase, text)] == hits


# -- matching: Unicode normalisation, dashes, inflections -------------------------------------------

NFD_CAFE = unicodedata.normalize("NFD", "café")


@pytest.mark.parametrize("phrase,text,case_sensitive,hits", [
    # NFC/NFD: either form finds the other, and the span cuts the text as given
    ("café", f"the {NFD_CAFE} reopened", False, [NFD_CAFE]),
    ("cafe", f"the {NFD_CAFE} reopened", False, []),  # the accent is part of the word, not a boundary
    (NFD_CAFE, "the café reopened", False, ["café"]),
    ("sanction", "Franco\u00adGerman sanc\u00adtions", False, ["sanc\u00adtions"]),  # soft hyphen ignored
    # dashes and hyphens
    ("Franco-German", "the Franco\u2013German plan", False, ["Franco\u2013German"]),
    ("Franco-German", "the Franco\u2014German plan", False, ["Franco\u2014German"]),
    ("Franco-German", "the Franco\u2010German plan", False, ["Franco\u2010German"]),
    ("follow-up", "a followup and a follow up", False, ["followup", "follow up"]),
    ("Biden administration", "Bidenadministration", False, []),  # a space is not optional
    # inflections of the last word
    ("sanction", "imposed new sanctions", False, ["sanctions"]),
    ("penalty", "new penalties and the penalty's size", False, ["penalties", "penalty's"]),
    ("tax", "new taxes", False, ["taxes"]),
    ("Biden administration", "the Biden administration\u2019s plan", False, ["Biden administration\u2019s"]),
    ("ally", "the allies' plan", False, ["allies"]),
    ("sanction", "sanctioned", False, []),  # no verb forms
    # acronyms inflect only in their exact capitals
    ("UN", "two UNs and the UN's plan", False, ["UNs", "UN's"]),
    ("IT", "its IT budget", False, ["IT"]),
    ("US", "he uses US aid", False, ["US"]),
    ("AIDS", "AIDS's and Aids", True, ["AIDS's"]),
    ("#MeToo", "the #MeToo movement", False, ["#MeToo"]),
    ("C++", "C++ code, not C code", False, ["C++"]),
])
def test_phrase_matching_normalisation_and_inflection(phrase: str, text: str, case_sensitive: bool,
                                                      hits: list[str]) -> None:
    term = GlossaryTerm(source=phrase, required=(phrase,), case_sensitive=case_sensitive)
    assert [text[a:b] for a, b in term.find(phrase, text)] == hits


def test_forbidden_inside_a_required_match_is_ignored() -> None:
    term = GlossaryTerm(source="Democratic Republic of the Congo", aliases=("DRC",),
                        required=("Democratic Republic of the Congo", "DRC"),
                        forbidden=("Republic of the Congo", "Zaire"))
    assert term.find_forbidden("fighting in the Democratic Republic of the Congo") == []
    assert [p for _, _, p in term.find_forbidden("fighting in the Republic of the Congo")] == [
        "Republic of the Congo"]
    # a forbidden phrase that contains a whole required one still counts
    wider = GlossaryTerm(source="Congo", required=("Congo",), forbidden=("Republic of the Congo",))
    assert [p for _, _, p in wider.find_forbidden("the Republic of the Congo")] == ["Republic of the Congo"]


# -- loading ----------------------------------------------------------------------------------------

def test_case_sensitive_entry_may_require_and_forbid_other_casings() -> None:
    (term,) = parse_csv("source_term,required,forbidden,case_sensitive\nAIDS,AIDS,Aids,true\n", "g.csv").terms
    assert term.required == ("AIDS",) and term.forbidden == ("Aids",)
    with pytest.raises(ConfigError, match="both requires and forbids 'Aids'"):
        parse_csv("source_term,required,forbidden,case_sensitive\nAIDS,AIDS,Aids,false\n", "g.csv")


def test_clash_uses_the_matcher() -> None:
    with pytest.raises(ConfigError, match="both requires and forbids"):
        parse_csv("source_term,required,forbidden\nfollow-up,follow-up,follow up\n", "g.csv")


def test_hashtag_terms_are_not_comments() -> None:
    g = parse_csv("# house glossary, 2024\nsource_term,required,forbidden\n#MeToo,#MeToo,#TimesUp\n"
                  "# a comment, with cells\n#,x\n## section\n#---,\n", "g.csv")
    assert [(t.source, t.required, t.forbidden, t.origin) for t in g] == [
        ("#MeToo", ("#MeToo",), ("#TimesUp",), "g.csv:3")]


def test_csv_source_column_aliases_and_trailing_cells() -> None:
    g = parse_csv("source,required,aliases\nUN,UN|United Nations,U.N.,,\n", "g.csv")
    assert [(t.source, t.required, t.aliases) for t in g] == [("UN", ("UN", "United Nations"), ("U.N.",))]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_csv_semicolon_or_tab_delimited(delimiter: str) -> None:
    text = f"source_term{delimiter}required{delimiter}forbidden\nUN{delimiter}UN{delimiter}United Nations, UNO\n"
    (term,) = parse_csv(text, "g.csv").terms
    assert (term.source, term.required, term.forbidden) == ("UN", ("UN",), ("United Nations, UNO",))


@pytest.mark.parametrize("parser,text,problem,line", [
    (parse_csv, "source_term,required,forbidden\n", "no glossary terms (only a header row)", 1),
    (parse_csv, "source_term,required\n# only a comment\n\n", "no glossary terms", 1),
    (parse_csv, "source_term,colour\nA,B\n", "expected source_term or source, required, forbidden, aliases", 1),
    (parse_csv, "source_term,source,required\nA,A,B\n", "both source_term and source", 1),
    (parse_csv, "term;required\nx;y\n", "the header row must name a source_term column", 1),
    (parse_csv, "source_term,required\nx;y,z\n\"a,b\",\"c;d\"\n", "", None),
    (parse_csv, "term,required\nx,y\n", "source_term column", 1),
    (parse_toml, "", "no glossary terms", None),
    (parse_tbx, '<martif xml:lang="fr"><text><body><termEntry><langSet xml:lang="fr"><tig><term>ONU</term>'
                "</tig></langSet></termEntry></body></text></martif>", "languages found: fr", None),
])
def test_unusable_glossaries(parser, text: str, problem: str, line: int | None) -> None:
    if not problem:  # a comma file with semicolons inside cells stays a comma file
        assert [t.source for t in parser(text, "g.file")] == ["x;y", "a,b"]
        return
    with pytest.raises(ConfigError) as err:
        parser(text, "g.file")
    assert problem in err.value.problem
    assert err.value.line == line


def test_semicolon_header_in_a_comma_file_gets_a_hint() -> None:
    with pytest.raises(ConfigError, match="delimited by ';'"):
        parse_csv("term;required,forbidden\nx;y,z\n", "g.csv")


TBX_INHERITED_LANG = """<?xml version="1.0"?>
<martif type="TBX" xml:lang="en-US"><text><body>
<termEntry id="un"><langSet>
<tig><term>UN</term><termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
<tig><term>United Nations</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
</langSet></termEntry></body></text></martif>"""


def test_tbx_langset_inherits_xml_lang() -> None:
    (term,) = parse_tbx(TBX_INHERITED_LANG, "t.tbx").terms
    assert (term.source, term.required, term.forbidden) == ("UN", ("UN",), ("United Nations",))


def test_contradictory_entries_across_files(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("source_term,required,forbidden\nUN,UN,United Nations\n", encoding="utf-8")
    b.write_text("source_term,required,forbidden\nun,United Nations,UN\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_glossary([a, b])
    assert err.value.line == 2 and str(a) in str(err.value) and f"{b}:2" in str(err.value)
    # the same rendering from two files, or different renderings neither forbids, is fine
    b.write_text("source_term,required,forbidden\nUN,UN,U.N.\n", encoding="utf-8")
    assert len(load_glossary([a, b])) == 2


def test_loaded_term_count_is_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="evaluator.glossary")
    load_glossary(EXAMPLES[0])
    assert any("4 terms" in r.getMessage() and "glossary.example.csv" in r.getMessage() for r in caplog.records)
