"""[settings] in evaluator.toml / pyproject.toml: applied, overridden by flags, validated with a line."""
from __future__ import annotations

import textwrap

import pytest

from evaluator.cli import build_parser, main
from evaluator.cli.common import options_from_args
from evaluator.errors import ConfigError


def _options(argv):
    args = build_parser().parse_args(argv)
    args.argv = argv
    return options_from_args(args)


def _write(tmp_path, name, body):
    p = tmp_path / name
    p.write_text(textwrap.dedent(body), encoding="utf-8")
    return p


def test_settings_apply_and_paths_resolve_against_the_file(tmp_path):
    cfg = _write(tmp_path, "evaluator.toml", """
        [settings]
        layer = 5
        idf = true
        reference_sets = ["people.toml"]
        glossaries = ["terms.csv"]
        checks = ["titles", "quotes"]
        max_input_mb = 2
        """)
    o = _options(["compare", "a.txt", "b.txt", "--config", str(cfg), "--glossary", "cli.csv"])
    assert o.layer == 5 and o.idf is True
    assert o.reference_sets == (str(tmp_path / "people.toml"),)
    assert o.glossaries == (str(tmp_path / "terms.csv"), "cli.csv")  # lists add up
    assert o.checks == ("titles", "quotes")
    assert o.max_input_bytes == 2 * 1024 * 1024


def test_flags_win_over_the_file(tmp_path):
    cfg = _write(tmp_path, "evaluator.toml", "[settings]\nlayer = 5\nchecks = [\"titles\"]\n")
    o = _options(["compare", "a.txt", "b.txt", "--config", str(cfg), "--layer", "2", "--checks", "quotes"])
    assert o.layer == 2 and o.checks == ("quotes",)


def test_gate_file_settings_are_read_from_pyproject(tmp_path):
    cfg = _write(tmp_path, "pyproject.toml", """
        [tool.evaluator.settings]
        bertscore = false
        bundled_reference_set = false

        [tool.evaluator.gate.min]
        chrf = 10
        """)
    o = _options(["compare", "a.txt", "b.txt", "--gate", str(cfg)])
    assert o.bertscore is False and o.use_bundled_reference_set is False


@pytest.mark.parametrize("body, needle, line", [
    ("[settings]\nlayer = \"three\"\n", "settings.layer must be a positive integer", 2),
    ("[settings]\nidf = 1\n", "settings.idf must be true or false", 2),
    ("[settings]\n\nmodle = \"x\"\n", "unknown setting 'modle'; did you mean 'model'? (known: ", 3),
    ('[settings]\nchecks = ["roles", "negaton"]\n', "unknown check(s) negaton; did you mean 'negation'? (known: ", 2),
    ("[settings]\nlayer = 0\n", "settings.layer", 2),
    ("[settings\nlayer = 3\n", "invalid TOML", 1),
    ('{"metrics": {}}\n', "looks like a JSON report, not a config (TOML)", None),
    ("[settings]\nmax_input_mb = inf\n", "settings.max_input_mb must be a positive number", 2),
    ("[settings]\nmax_input_mb = nan\n", "settings.max_input_mb must be a positive number", 2),
    ("# a typo must not be ignored\n[setings]\nmodel = \"x\"\n", "unknown table setings; did you mean 'settings'?", 2),
])
def test_bad_settings_name_the_file_and_line(tmp_path, body, needle, line):
    cfg = _write(tmp_path, "evaluator.toml", body)
    with pytest.raises(ConfigError) as e:
        _options(["compare", "a.txt", "b.txt", "--config", str(cfg)])
    assert needle in str(e.value) and e.value.line == line


@pytest.mark.parametrize("body, needle", [
    ("tool = \"x\"\n", "'tool' must be a table"),
    ("[tool]\nevaluator = 1\n", "'tool.evaluator' must be a table"),
    ("[tool.evaluator.setings]\nlayer = 3\n", "unknown table tool.evaluator.setings"),
])
def test_bad_pyproject_tables_are_config_errors(tmp_path, body, needle):
    cfg = _write(tmp_path, "pyproject.toml", body)
    with pytest.raises(ConfigError) as e:
        _options(["compare", "a.txt", "b.txt", "--config", str(cfg)])
    assert needle in str(e.value)


def test_an_infinite_input_limit_on_the_command_line_is_exit_2(tmp_path, capsys):
    a = _write(tmp_path, "a.txt", "One sentence.\n")
    code = main(["compare", str(a), str(a), "--max-input-mb", "inf", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "--max-input-mb inf" in err
    assert not (tmp_path / "out").exists()


def test_bad_config_on_the_command_line_is_one_line_and_exit_2(tmp_path, capsys):
    cfg = _write(tmp_path, "evaluator.toml", "[settings]\nlayer = \"three\"\n")
    a = _write(tmp_path, "a.txt", "One sentence.\n")
    code = main(["compare", str(a), str(a), "--config", str(cfg), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1 and f"{cfg}:2" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_known_checks_is_the_registry_and_a_broken_check_module_is_tolerated_unless_strict(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """``config.known_checks``: the one list every check-name validator uses (--checks, settings.checks,
    gate keys, triage rows).  A check module that fails to import: None and a warning (configs accept
    any name), or the error itself with ``strict`` (the command line's --checks)."""
    import evaluator.checks
    from evaluator.config import known_checks

    known = known_checks()
    assert known is not None and "titles" in known and known == frozenset(evaluator.checks.REGISTRY)

    def broken() -> None:
        raise ImportError("a broken check")

    monkeypatch.setattr(evaluator.checks, "load_all", broken)
    assert known_checks() is None
    assert "cannot list checks to validate check names (a broken check); accepting any name" in caplog.text
    with pytest.raises(ImportError, match="a broken check"):
        known_checks(strict=True)


@pytest.mark.parametrize("name, choices, hint", [
    ("chrff", ["bleu", "chrf", "chrf++", "ter"], "; did you mean 'chrf'?"),
    ("role", ["roles", "negation"], "; did you mean 'roles'?"),
    ("CHRF", ["bleu", "chrf"], "; did you mean 'chrf'?"),  # case alone
    ("zzz", ["bleu", "chrf"], ""),  # nothing close: no guess
])
def test_did_you_mean(name, choices, hint):
    from evaluator.config import did_you_mean

    assert did_you_mean(name, choices) == hint
