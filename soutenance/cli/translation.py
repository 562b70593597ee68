"""The command line in the user's language: our help texts from the catalog, click's words through
gettext.

Our words. The English help stays in the code (docstrings, `help=`, the COMMANDS table); the
French is in `soutenance/i18n/catalogs/fr/cli.json`, under keys derived from the command path:
`cli.help` (the root), `cli.history.help`, `cli.history.opt.student`, `cli.bank.add.opt.copy`.
An option without a key of its own uses the root's key `cli.opt.NAME` (--banks, --lang), provided
its English help is the same everywhere (tests/unit/test_cli_language.py checks both). Every
command gets `TranslatedContext` as its context class (click's public `Command.context_class`,
set by the lazy loader): its `get_help()` formats a translated view of the command, a shallow copy
whose help and options' help come from the catalog, so click's layout (wrapping, defaults, ranges)
is untouched and no command module has to change.

click's words ("Usage:", "Error: …", "Missing argument …", "[default: 50]") go through
`gettext.gettext`, whose default domain is "messages". Their French is the text source
`soutenance/i18n/locale/fr/LC_MESSAGES/messages.po`, compiled to the `messages.mo` beside it by
`pybabel compile -d soutenance/i18n/locale -D messages` (a test checks that the two agree and that
every message of the installed click is translated). `speaking(language)` binds that domain to
our folder and names the language in LANGUAGE, the variable gettext reads first at each look-up,
for one command only: it is put back afterwards, so one process (CliRunner tests) can run both
languages. English needs no file: gettext then returns click's own text.
"""

from __future__ import annotations

import copy
import gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from soutenance import i18n

LOCALE_DIR = Path(i18n.__file__).parent / "locale"
CLICK_DOMAIN = "messages"
"""gettext's default domain, the one `gettext.gettext` (click's `_`) reads."""
HELP_OPTION_HELP = "Show this message and exit."
"""click's text for --help, as a gettext message: looked up again at each rendering, because click
creates the option once and keeps it."""


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """The interface and click's messages in `language` while the block runs."""
    i18n.set_language(language)
    gettext.bindtextdomain(CLICK_DOMAIN, str(LOCALE_DIR))
    previous = os.environ.get("LANGUAGE")
    os.environ["LANGUAGE"] = language
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = previous


def configured_language() -> str | None:
    """`language` from config.json, read without the settings model (pydantic would slow --help)."""
    import json

    from soutenance import paths
    from soutenance.files import read_regular

    try:
        data = json.loads(read_regular(paths.config_path(), 1 << 20))
    except (OSError, ValueError):
        return None
    value = data.get("language") if isinstance(data, dict) else None
    return value if value in i18n.LANGUAGES else None


def command_key(ctx: click.Context, name: str | None = None) -> str:
    """ "cli" for the root, "cli.bank.add" for `soutenance bank add` (and its `name` subcommand)."""
    names = [name] if name else []
    while ctx.parent is not None:
        names.append(ctx.command.name or ctx.info_name or "")
        ctx = ctx.parent
    return ".".join(["cli", *reversed(names)])


def param_keys(key: str, param: click.Parameter) -> tuple[str, ...]:
    """The catalog keys of a parameter's help, its own first, then the shared one."""
    kind = "arg" if isinstance(param, click.Argument) else "opt"
    return (f"{key}.{kind}.{param.name}", f"cli.{kind}.{param.name}")


def catalog() -> dict[str, str]:
    """The current language's words; none for English, whose help is the code's."""
    language = i18n.current_language()
    return {} if language == "en" else i18n.catalog(language)


def short_help(ctx: click.Context, name: str, command: click.Command, limit: int = 45) -> str:
    """A subcommand's line in its group's listing, shortened by click's own rule."""
    text = catalog().get(f"{command_key(ctx, name)}.help")
    if text is None:
        return command.get_short_help_str(limit)
    return click.Command(name, help=text).get_short_help_str(limit)


def translated_view(command: click.Command, ctx: click.Context) -> click.Command:
    """A copy of `command` for its help page, every text in the current language."""
    words = catalog()
    key = command_key(ctx)
    view = copy.copy(command)
    view.help = words.get(f"{key}.help", command.help)
    view.params = [_relabelled(p, words, param_keys(key, p)) for p in command.params]
    help_option = command.get_help_option(ctx)
    if help_option is not None:
        # click keeps the --help option it made first, with the text of that moment's language.
        view.add_help_option = False
        view.params.append(_with_help(help_option, gettext.gettext(HELP_OPTION_HELP)))
    return view


def _relabelled(
    param: click.Parameter, words: dict[str, str], keys: tuple[str, ...]
) -> click.Parameter:
    if not getattr(param, "help", None):
        return param
    found = next((words[k] for k in keys if k in words), None)
    return param if found is None else _with_help(param, found)


def _with_help(param: click.Parameter, text: str) -> click.Parameter:
    clone = copy.copy(param)
    clone.help = text  # type: ignore[attr-defined]
    return clone


class Formatter(click.HelpFormatter):
    """click's help layout, with headings punctuated as the language wants ("Options :")."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{i18n.t('cli.heading', heading=heading)}\n")


class TranslatedContext(click.Context):
    """A context whose help page is in the interface language."""

    formatter_class = Formatter

    def get_help(self) -> str:
        return translated_view(self.command, self).get_help(self)


def adopt(command: click.Command) -> click.Command:
    """`command`, its help pages now translated (unless it brings its own context class)."""
    if command.context_class is click.Context:
        command.context_class = TranslatedContext
    return command
