"""Commands are imported when they run: `soutenance --version` and `--help` import no Textual,
pydantic or ruamel, and the table that lists commands stays true to the commands themselves."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

import soutenance.cli
from soutenance import i18n
from soutenance.cli import cli
from soutenance.cli.app import COMMANDS
from soutenance.cli.lazy import Lazy, LazyGroup, load

HEAVY = {"textual", "textual_serve", "pydantic", "pydantic_core", "ruamel", "rich", "yaml"}
ALWAYS = {
    "soutenance.cli",
    "soutenance.cli.app",
    "soutenance.cli.lazy",
    "soutenance.cli.translation",
}


# Runs the command as the `soutenance` script does, then lists sys.modules (-X importtime would
# miss modules loaded through importlib, as the lazy groups load commands).
RUN_AND_LIST_MODULES = """
import json, sys
from soutenance.cli import main
code = main(sys.argv[1:])
sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)))
sys.exit(code)
"""


def imported_by(*args: str, env: dict[str, str] | None = None) -> set[str]:
    """Every module a fresh interpreter has imported after running `soutenance ARGS`."""
    run = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST_MODULES, *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, **(env or {})},
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return set(json.loads(run.stderr.rsplit("MODULES ", 1)[1]))


def test_importing_the_cli_imports_no_heavy_library() -> None:
    run = subprocess.run(
        [sys.executable, "-c", "import sys, soutenance.cli; print(*sys.modules)"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    modules = set(run.stdout.split())
    assert "soutenance.cli.app" in modules
    assert not {name.split(".")[0] for name in modules} & HEAVY


@pytest.mark.parametrize(
    "args",
    [("--version",), ("--help",), ("bank", "--help"), ("student", "--help"), ("-h",)],
    ids=" ".join,
)
def test_version_and_help_import_no_heavy_library_and_no_command(args: tuple[str, ...]) -> None:
    modules = imported_by(*args)
    assert "soutenance.cli.app" in modules  # the measure works: it sees what was imported
    assert not {name.split(".")[0] for name in modules} & HEAVY
    assert {name for name in modules if name.startswith("soutenance.cli")} <= ALWAYS
    assert not {name for name in modules if name.startswith(("soutenance.banks", "soutenance.ui"))}


@pytest.mark.parametrize("words", ["soutenance ", "soutenance bank "])
def test_completing_a_command_name_imports_no_command(words: str) -> None:
    word = str(words.count(" "))  # the index of the word being completed: the last, empty one
    completion = {"_SOUTENANCE_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": word}
    modules = imported_by(env=completion)
    assert not {name for name in modules if name.startswith("soutenance.cli")} - ALWAYS
    assert not {name.split(".")[0] for name in modules} & HEAVY


def test_a_command_imports_its_own_module_only() -> None:
    modules = imported_by("student", "list", "--help")
    assert "soutenance.cli.mentor" in modules
    assert not {"soutenance.cli.bank", "soutenance.cli.progress", "soutenance.cli.serve"} & modules


def entries(
    table: dict[str, Lazy], prefix: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], Lazy]]:
    found = []
    for name, entry in table.items():
        found.append(((*prefix, name), entry))
        found += entries(dict(entry.commands or {}), (*prefix, name))
    return found


@pytest.mark.parametrize(
    "path, entry", entries(COMMANDS), ids=lambda v: " ".join(v) if isinstance(v, tuple) else ""
)
def test_each_entry_names_a_command_with_its_help(path: tuple[str, ...], entry: Lazy) -> None:
    command = load(entry.target)
    assert command.name == path[-1], f"{entry.target} is the command {command.name!r}"
    stand_in = click.Command(path[-1], help=entry.help)
    wanted = command.get_short_help_str(limit=1000)
    assert stand_in.get_short_help_str(limit=1000) == wanted, (
        f"soutenance/cli/app.py: the help of {' '.join(path)!r} should read {wanted!r}"
    )
    if isinstance(command, click.Group):
        assert entry.commands is not None, f"{' '.join(path)} is a group: list its commands"
        missing = set(command.commands) - set(entry.commands)
        assert not missing, f"soutenance/cli/app.py: add {sorted(missing)} to {' '.join(path)!r}"
        assert set(entry.commands) <= set(command.commands)
        # The group as listed shows the same help, options and commands as the group itself.
        parent = click.Context(cli, info_name="soutenance")
        listed = cli.get_command(parent, path[0])
        for name in path[1:]:
            listed = listed.get_command(parent, name)
        assert isinstance(listed, LazyGroup)
        assert described(listed, parent) == described(command, parent)
        assert [p.name for p in listed.params] == [p.name for p in command.params]
        assert listed.invoke_without_command == command.invoke_without_command


def described(group: click.Group, parent: click.Context) -> str:
    """A group's help text and list of commands, as `GROUP --help` shows them, in English (the
    commands' own words; other languages come from the catalog)."""
    i18n.set_language("en")
    context = click.Context(group, info_name=group.name, parent=parent)
    formatter = context.make_formatter()
    group.format_help_text(context, formatter)
    group.format_commands(context, formatter)
    return formatter.getvalue()


def test_every_command_of_the_cli_modules_is_listed() -> None:
    targets = {entry.target for _, entry in entries(COMMANDS)}
    for module_info in pkgutil.iter_modules(soutenance.cli.__path__, "soutenance.cli."):
        module = importlib.import_module(module_info.name)
        for attribute, value in vars(module).items():
            defined_here = getattr(getattr(value, "callback", None), "__module__", None)
            if (
                isinstance(value, click.Command)
                and value is not cli
                and defined_here == module.__name__
            ):
                assert f"{module.__name__}:{attribute}" in targets, (
                    f"soutenance/cli/app.py: {module.__name__}:{attribute} is not in COMMANDS"
                )


def test_a_command_missing_from_the_table_is_found_in_its_group() -> None:
    group = LazyGroup(
        "student",
        commands={"add": COMMANDS["student"].commands["add"]},  # type: ignore[index]
        source=COMMANDS["student"].target,
    )
    context = click.Context(group)
    assert group.list_commands(context) == ["add"]
    archive = group.get_command(context, "archive")
    assert archive is not None and archive.name == "archive"
    assert group.get_command(context, "no-such-command") is None


def test_an_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["rehears"])
    assert result.exit_code == 2
    assert "No such command 'rehears'" in result.stderr
