"""Glossary loading from CSV, TOML and TBX, with clear errors for malformed files."""
from __future__ import annotations

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
