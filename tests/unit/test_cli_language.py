"""The command line speaks one language at a time: every help page, click's own messages, our
errors and tables. A word found only in the other language's catalog fails the test, naming the
command and the word, so a command added later shows what is left to translate."""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path

import click
import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner, Result

from soutenance import i18n
from soutenance.cli import cli
from soutenance.cli.app import COMMANDS
from soutenance.cli.lazy import Lazy
from soutenance.cli.translation import LOCALE_DIR, command_key, param_keys

PO = LOCALE_DIR / "fr" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
FR_CLI = Path(i18n.__file__).parent / "catalogs" / "fr" / "cli.json"
EN_CLI = FR_CLI.parent.parent / "en" / "cli.json"
WORD = re.compile(r"[^\W\d_]{4,}")


def command_paths(table: dict[str, Lazy], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, entry in table.items():
        found.append((*prefix, name))
        found += command_paths(dict(entry.commands or {}), (*prefix, name))
    return found


PATHS = [(), *command_paths(COMMANDS)]


def tree() -> list[tuple[click.Context, click.Command]]:
    """Every command with a context as `soutenance PATH` makes it (the root first)."""
    found = []

    def walk(command: click.Command, context: click.Context) -> None:
        found.append((context, command))
        if isinstance(command, click.Group):
            for name in command.list_commands(context):
                sub = command.get_command(context, name)
                assert sub is not None
                walk(sub, click.Context(sub, info_name=name, parent=context))

    walk(cli, click.Context(cli, info_name="soutenance"))
    return found


def english_help() -> dict[str, str]:
    """The English of the command line, from the code: key -> help."""
    texts = {}
    for context, command in tree():
        key = command_key(context)
        if command.help:
            texts[f"{key}.help"] = command.help
        for param in command.params:
            if getattr(param, "help", None):
                texts[param_keys(key, param)[0]] = param.help  # type: ignore[attr-defined]
    return texts


def click_messages() -> dict[str, str]:
    """click's messages in the installed version -> their French (or "" when missing)."""
    with PO.open("rb") as handle:
        french = {key(m.id): m.string for m in read_po(handle) if m.id}
    found = {}
    for source in sorted(Path(click.__file__).parent.glob("*.py")):
        for _line, message, _comments, _context in extract_from_file("python", str(source)):
            found[key(message)] = french.get(key(message)) or ""
    found["required"] = french.get("required") or ""  # click passes it through `_` as a variable
    return found


def key(message: str | tuple[str, ...] | list[str]) -> str | tuple[str, ...]:
    """A message id as a dict key: plural ones are (singular, plural)."""
    return message if isinstance(message, str) else tuple(message)


def words(texts: object) -> set[str]:
    if isinstance(texts, dict):
        return set().union(*(words(v) for v in texts.values())) if texts else set()
    if isinstance(texts, (list, tuple)):
        return set().union(*(words(v) for v in texts)) if texts else set()
    return {w.lower() for w in WORD.findall(str(texts))}


@cache
def vocabulary(language: str) -> frozenset[str]:
    """Every word the interface uses in `language`: catalogs, click's messages, (English) help."""
    own = words(i18n.catalog(language))
    with PO.open("rb") as handle:
        messages = [m for m in read_po(handle) if m.id]
    if language == "fr":
        own |= words([m.string for m in messages])
    else:
        own |= words([m.id for m in messages]) | words(english_help())
    return frozenset(own)


@cache
def ignored() -> frozenset[str]:
    """Command names, option names and choices are the same words in both languages."""
    names: set[str] = set()
    for context, command in tree():
        names |= words(context.info_name or "")
        for param in command.params:
            names |= words([param.name or "", *param.opts, *param.secondary_opts])
            names |= words(list(getattr(param.type, "choices", ())))
    return frozenset(names)


def foreign_words(output: str, language: str, args: tuple[str, ...] = ()) -> list[str]:
    """Words of the other language in `output`, leaving out what the user typed (`args`), code,
    options, choices, paths and metavars."""
    other = "en" if language == "fr" else "fr"
    distinctive = vocabulary(other) - vocabulary(language) - ignored()
    for typed in args:
        output = output.replace(typed, " ")
    text = re.sub(r"`[^`]*`|--?[\w-]+|\[[^\]]*\|[^\]]*\]|\S*/\S*", " ", output)
    found = {w.lower() for w in WORD.findall(text) if not w.isupper()}
    return sorted(found & distinctive)


def run(language: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--lang", language, *args], prog_name="soutenance")


def assert_in(language: str, args: tuple[str, ...], output: str, hint: str = "") -> None:
    foreign = foreign_words(output, language, args)
    command = " ".join(["soutenance --lang", language, *args])
    assert not foreign, f"`{command}` shows {foreign}{hint}:\n{output}"


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "root")
def test_every_help_page_is_in_one_language(path: tuple[str, ...], language: str) -> None:
    result = run(language, *path, "--help")
    assert result.exit_code == 0, result.output
    where = ".".join(["cli", *path])
    hint = f" (add its French to {FR_CLI.name} under {where}.help / {where}.opt.NAME)"
    assert_in(language, (*path, "--help"), result.output, hint if language == "fr" else "")
    heading = {"fr": "Utilisation\u00a0:", "en": "Usage:"}[language]
    assert result.stdout.startswith(heading)


ERRORS = {
    "unknown option": ("history", "--bogus"),
    "unknown command": ("rehears",),
    "missing argument": ("import",),
    "unknown subcommand": ("bank", "nothing-here"),
    "bad choice": ("export", "--last", "--format", "xml"),
    "bad int range": ("history", "--limit", "0"),
    "not a number": ("rehearse", "--count", "many"),
    "missing value": ("history", "--student"),
    "extra argument": ("history", "surplus"),
}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("args", ERRORS.values(), ids=ERRORS.keys())
def test_usage_errors_are_in_one_language(args: tuple[str, ...], language: str) -> None:
    result = run(language, *args)
    assert result.exit_code == 2, result.output
    assert_in(language, args, result.output)
    error = {"fr": "Erreur\u00a0: ", "en": "Error: "}[language]
    assert error in result.stderr


OUTPUTS = [
    ("history",),
    ("stats",),
    ("student", "list"),
    ("bank", "list"),
    ("recordings", "list"),
    ("export", "--last"),
    ("delete", "abc"),
]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("args", OUTPUTS, ids=" ".join)
def test_outputs_on_an_empty_home_are_in_one_language(
    args: tuple[str, ...], language: str, soutenance_home: Path
) -> None:
    result = run(language, *args)
    assert result.exit_code in (0, 1), result.output
    output = result.output
    if args == ("bank", "list"):  # bank content is data, in its own language
        output = without_bank_content(output)
    assert_in(language, args, output)


def without_bank_content(output: str) -> str:
    from soutenance.banks.catalog import build_catalog

    data = set()
    for entry in build_catalog(()).projects:
        data |= {entry.summary.title, entry.summary.path_name}
    for text in sorted(data, key=len, reverse=True):
        output = output.replace(text, " ")
    return output


def test_both_languages_alternate_in_one_process() -> None:
    before = os.environ.get("LANGUAGE")
    for language, usage in [("fr", "Utilisation"), ("en", "Usage:"), ("fr", "Utilisation")]:
        result = run(language, "history", "--bogus")
        assert result.stderr.startswith(usage), result.stderr
        assert os.environ.get("LANGUAGE") == before  # click's language is only set for a command


def test_lang_then_environment_then_config(soutenance_home: Path) -> None:
    def usage(*args: str, env: dict[str, str] | None = None) -> str:
        result = CliRunner().invoke(cli, [*args, "history", "--bogus"], env=env)
        return result.stderr.split()[0]

    assert usage(env={"SOUTENANCE_LANG": "en"}) == "Usage:"
    (soutenance_home / "config.json").write_text(json.dumps({"language": "fr"}))
    assert usage(env={"SOUTENANCE_LANG": "en"}) == "Usage:"  # set for one shell: it wins
    assert usage(env={"SOUTENANCE_LANG": ""}) == "Utilisation"
    assert usage("--lang", "en", env={"SOUTENANCE_LANG": "fr"}) == "Usage:"
    assert usage("--lang=en") == "Usage:"
    # A --lang after the command's name is that command's own option, not the interface's.
    assert usage("--banks", str(soutenance_home), "--lang", "en") == "Usage:"


def test_every_command_and_option_has_its_french_and_no_key_is_stale() -> None:
    french = json.loads(FR_CLI.read_text(encoding="utf-8"))
    used: dict[str, str] = {}
    missing = []
    for context, command in tree():
        key = command_key(context)
        if command.help:
            used[f"{key}.help"] = command.help
            if f"{key}.help" not in french:
                missing.append(f"{key}.help")
        for param in command.params:
            english = getattr(param, "help", None)
            if not english:
                continue
            own, shared = param_keys(key, param)
            chosen = own if own in french or shared not in french else shared
            if chosen not in french:
                missing.append(own)
            elif chosen in used and used[chosen] != english:
                pytest.fail(
                    f"{shared} is shared by options whose English differs: {used[chosen]!r} and"
                    f" {english!r}; give `{' '.join(context.command_path.split()[1:])}"
                    f" {param.opts[-1]}` a key of its own, {own}"
                )
            used[chosen] = english
    assert not missing, f"{FR_CLI}: add the French of {missing}"
    help_keys = {k for k in french if k.endswith(".help") or ".opt." in k or ".arg." in k}
    assert not help_keys - set(used), f"{FR_CLI}: stale keys {sorted(help_keys - set(used))}"
    english = json.loads(EN_CLI.read_text(encoding="utf-8"))
    assert set(french) - help_keys == set(english), "fr/cli.json and en/cli.json differ in keys"


def test_click_messages_all_have_their_french() -> None:
    missing = [message for message, french in click_messages().items() if not french]
    assert not missing, f"{PO}: translate {missing}, then run `pybabel compile`"


def test_the_compiled_catalog_matches_its_source() -> None:
    with PO.open("rb") as source, MO.open("rb") as compiled:
        wanted = {key(m.id): key(m.string) for m in read_po(source) if m.id}
        built = {key(m.id): key(m.string) for m in read_mo(compiled) if m.id}
    assert built == wanted, (
        f"{MO.name} is not {PO.name} compiled: pybabel compile -d {LOCALE_DIR} -D messages"
    )
