"""The command line and config.json: each bad value said once on stderr, in the command's
language, naming the file and the key; the configured language when neither --lang nor
SOUTENANCE_LANG says otherwise."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result

from soutenance import paths
from soutenance.cli import cli


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


NONE_EN = "no session recorded yet\n"


def write_config(data: object) -> str:
    path = paths.config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


@pytest.fixture(autouse=True)
def neutral_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine whose locale names neither language: only the options, variable and file do."""
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setattr("locale.getlocale", lambda *a: ("de_DE", "UTF-8"))


@pytest.mark.parametrize(
    ("lang", "words"),
    [("fr", "valeur refusée ('beaucoup') ; la valeur par défaut"),
     ("en", "value refused ('beaucoup'); the default is used")],
)  # fmt: skip
def test_a_bad_value_is_said_once_in_the_commands_language(lang: str, words: str) -> None:
    file = write_config({"amber_fraction": "beaucoup", "default_count": "dix", "language": lang})
    result = invoke("--lang", lang, "history")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()[:-1]  # then history's own "no session"
    assert len(lines) == 2, lines
    assert lines[0].startswith(file) and "amber_fraction" in lines[0] and words in lines[0]
    assert "default_count" in lines[1]
    assert ("aucune séance" if lang == "fr" else "no session") in result.stderr.splitlines()[-1]


def test_a_config_that_is_not_json_is_said_in_one_line() -> None:
    file = write_config('{"language": "fr",')
    result = invoke("--lang", "fr", "history")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[:-1] == [
        f"{file} : illisible comme réglages JSON (1:19) ; les réglages par défaut sont utilisés."
    ]


@pytest.mark.parametrize("args", [("--help",), ("history", "--help"), ("bank", "lint", "-h")])
def test_help_pages_say_nothing_of_the_config(args: tuple[str, ...]) -> None:
    write_config({"amber_fraction": "beaucoup"})
    result = invoke(*args)
    assert result.exit_code == 0 and result.stderr == ""


def test_a_good_config_prints_nothing() -> None:
    write_config({"amber_fraction": 0.3, "language": "en"})
    assert invoke("history").stderr == NONE_EN


def test_the_configured_language_speaks_unless_the_option_or_the_variable_says_otherwise() -> None:
    write_config({"language": "en"})
    assert invoke("history").stderr == NONE_EN
    assert "aucune séance" in invoke("history", env={"SOUTENANCE_LANG": "fr"}).stderr
    assert "aucune séance" in invoke("--lang", "fr", "history").stderr
    both = invoke("--lang", "en", "history", env={"SOUTENANCE_LANG": "fr"})
    assert both.stderr == NONE_EN
    write_config({"language": "fr"})
    assert "aucune séance" in invoke("history").stderr
    assert invoke("history", env={"SOUTENANCE_LANG": "en"}).stderr == NONE_EN


def test_a_bad_language_in_the_config_is_said_and_the_others_decide() -> None:
    write_config({"language": "de"})
    result = invoke("history", env={"SOUTENANCE_LANG": "en"})
    said, none = result.stderr.splitlines()
    assert "language" in said and "'de'" in said and none + "\n" == NONE_EN
