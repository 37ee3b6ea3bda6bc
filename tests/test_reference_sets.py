"""Reference sets: the bundled file, lookups, user files (TOML and CSV) and errors with line numbers."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from evaluator.errors import ConfigError
from evaluator.reference_sets import (
    bundled_reference_set_path,
    load_reference_sets,
    normalize_name,
    normalize_title,
)

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def rs():
    return load_reference_sets([])


def test_bundled_copy_in_package_data_matches_repository_copy():
    repo = REPO / "reference_sets" / "international_news.toml"
    pkg = REPO / "evaluator" / "data" / "international_news.toml"
    assert bundled_reference_set_path() == repo
    assert repo.read_bytes() == pkg.read_bytes()


@pytest.mark.parametrize("name, ref", [
    ("Antony J. Blinken", "international_news.toml:people/antony-blinken"),
    ("Mr. Blinken", "international_news.toml:people/antony-blinken"),
    ("Antony Blinken", "international_news.toml:people/antony-blinken"),
    ("Lloyd Austin", "international_news.toml:people/lloyd-austin"),
    ("Jake Sullivan", "international_news.toml:people/jake-sullivan"),
    ("Kim Jong Un", "international_news.toml:people/kim-jong-un"),
    ("Moon Jae-in", "international_news.toml:people/moon-jae-in"),
    ("Antonio Guterres", "international_news.toml:people/antonio-guterres"),
])
def test_person_by_name_alias_honorific_and_initials(rs, name, ref):
    assert rs.person(name).ref == ref


def test_person_role_on_a_date(rs):
    assert rs.person("Joe Biden", on=dt.date(2015, 6, 1)).title == "Vice President"
    assert rs.person("Joe Biden", on=dt.date(2021, 3, 18)).title == "President"
    assert rs.person("Nobody Atall") is None


@pytest.mark.parametrize("title, country, office, wrong", [
    ("Foreign Secretary", "US", "us-secretary-of-state", True),
    ("Foreign Minister", "US", "us-secretary-of-state", True),
    ("Secretary of State", None, "us-secretary-of-state", False),
    ("secretary of state", "US", "us-secretary-of-state", False),
    ("Defense Secretary", "US", "us-secretary-of-defense", False),
    ("Defence Minister", "US", "us-secretary-of-defense", True),
    ("the White House national security adviser", None, "us-national-security-adviser", False),
    ("National Security Advisor", "US", "us-national-security-adviser", False),
    ("South Korean Foreign Minister", None, "kr-foreign-minister", False),
    ("Foreign Minister", "CN", "cn-foreign-minister", False),
    ("Prime Minister", "DE", "de-chancellor", True),
    ("UN chief", None, "un-secretary-general", False),
    ("EU Foreign Minister", None, "eu-high-representative", True),
])
def test_office_for_title(rs, title, country, office, wrong):
    found = rs.office_for_title(title, country)
    assert found is not None
    assert (found[0].id, found[1]) == (office, wrong)
    assert found[0].ref == f"international_news.toml:offices/{office}"


def test_unknown_title(rs):
    assert rs.office_for_title("Grand Wizard of Oz") is None


@pytest.mark.parametrize("name, org, wrong", [
    ("United States Institute of Peace", "usip", False),
    ("U.S. Institute of Peace", "usip", False),
    ("USIP", "usip", False),
    ("US Peace Institute", "usip", True),
    ("the White House", "white-house", False),
])
def test_organisation(rs, name, org, wrong):
    found = rs.organisation(name)
    assert found is not None and (found[0].id, found[1]) == (org, wrong)


def test_g20_members_have_their_main_offices(rs):
    kinds = {(o.country, o.kind) for o in rs.offices}
    for country in ("US", "UK", "CN", "JP", "KR", "DE", "FR", "IT", "CA", "AU", "IN", "RU", "BR", "AR", "MX",
                    "ID", "SA", "ZA", "TR"):
        for kind in ("foreign-minister", "defence-minister", "finance-minister"):
            assert (country, kind) in kinds, (country, kind)


def test_places_and_normalization(rs):
    assert rs.place("American").id == "us"
    assert rs.place("U.S.").id == "us"
    assert rs.place("Pyongyang").id == "kp"
    assert normalize_name("the U.S.") == "us"
    # letters without a decomposition are folded like accents
    assert normalize_name("Lech Wałęsa") == normalize_name("Lech Walesa") == "lech walesa"
    assert normalize_name("Søren Kierkegaard") == "soren kierkegaard"
    assert normalize_name("Johann Strauß") == "johann strauss"
    assert normalize_name("Đukanović") == "dukanovic"
    assert normalize_title("National Security Advisor") == normalize_title("national security adviser")


def test_user_toml_wins_over_bundled(tmp_path):
    f = tmp_path / "mine.toml"
    f.write_text('[[people]]\nid = "blinken-x"\nname = "Antony J. Blinken"\ntitle = "Envoy"\ncountry = "US"\n'
                 'valid_from = 2030-01-01\n', encoding="utf-8")
    rs = load_reference_sets([str(f)])
    assert rs.person("Antony Blinken", on=dt.date(2031, 1, 1)).ref == "mine.toml:people/blinken-x"
    assert len(rs.people_named("Antony J. Blinken")) == 2
    assert load_reference_sets([str(f)], include_bundled=False).sources == (str(f),)


def test_people_csv(tmp_path):
    f = tmp_path / "people.csv"
    f.write_text("name,aliases,title,organisation,country,valid_from,valid_to\n"
                 "Jane Roe,Roe|J. Roe,Mayor,City Hall,US,2020-01-01,\n", encoding="utf-8")
    rs = load_reference_sets([str(f)], include_bundled=False)
    p = rs.person("Ms. Roe")
    assert p is not None and p.title == "Mayor" and p.valid_from == dt.date(2020, 1, 1) and p.valid_to is None
    assert p.ref == "people.csv:people/jane-roe"


@pytest.mark.parametrize("text, line, problem", [
    ('[[people]]\nname = "A"\ntitle = \n', 3, "invalid TOML"),
    ('[[people]]\nname = "A"\n\n[[offices]]\nid = "x"\ntitle = "T"\n', None, "missing or empty 'country'"),
    ('[[people]]\nid = "ab"\nname = "A"\nvalid_from = "2020-13-01"\n', 4, "not an ISO date"),
    ('[people]\nname = "A"\n', None, "array of tables"),
    ('[[persons]]\nname = "A"\n', 1, "unknown section"),
    # wrong types and misspelt keys are errors, not stringified or dropped values
    ('[[places]]\nname = "Freedonia"\ncapital = 5\n', 3, "'capital' must be a string, not 5"),
    ('[[people]]\nname = "A"\ntitle = ["Minister"]\n', 3, "'title' must be a string"),
    ('[[people]]\nname = "A"\ncountry = 5\n', 3, "'country' must be a string"),
    ('[[organisations]]\nname = "O"\ncountry = ["US"]\n', 3, "'country' must be a string"),
    ('[[offices]]\ncountry = "US"\ntitle = "T"\nkind = 7\n', 4, "'kind' must be a string"),
    ('[[people]]\nname = "A"\nnme = "B"\n', 3, "unknown key 'nme'"),
    ('[[people]]\nid = 5\nname = "A"\n', 2, "'id' must be a string"),
    ('[[people]]\nid = "p"\nname = "A"\n\n[[people]]\nid = "p"\nname = "B"\n', 6, "two people entries have the id 'p'"),
])
def test_malformed_files_raise_config_error_with_line(tmp_path, text, line, problem):
    f = tmp_path / "bad.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_reference_sets([str(f)], include_bundled=False)
    assert problem in err.value.problem
    if line is not None:
        assert err.value.line == line
        assert str(err.value).startswith(f"{f}:{line}: ")


def test_a_person_with_two_roles_may_share_the_default_id(tmp_path):
    f = tmp_path / "roles.toml"
    f.write_text('[[people]]\nname = "Jane Roe"\ntitle = "Mayor"\n\n[[people]]\nname = "Jane Roe"\ntitle = "Senator"\n',
                 encoding="utf-8")
    assert len(load_reference_sets([str(f)], include_bundled=False).people_named("Jane Roe")) == 2


def test_people_csv_row_with_more_fields_than_the_header(tmp_path):
    f = tmp_path / "people.csv"
    f.write_text("name,title\nJane Doe,Minister,x,y\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_reference_sets([str(f)], include_bundled=False)
    assert err.value.line == 2 and "4 fields where the header names 2" in err.value.problem


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_reference_sets([str(tmp_path / "nope.toml")])
