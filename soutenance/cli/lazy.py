"""Click groups whose commands are imported when they run, so startup doesn't grow with features.

A command is named by "module:attribute" with the first paragraph of its help: `--help` lists
every command from that alone, and only the command that runs is imported (with what it uses).
tests/unit/test_cli_lazy.py checks each entry against the command it names.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from gettext import gettext
from typing import TYPE_CHECKING

import click

from soutenance.cli.translation import TranslatedContext, adopt, short_help

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem


@dataclass(frozen=True)
class Lazy:
    """A command known by where it lives and the first paragraph of its help."""

    target: str
    """"module:attribute" of the click command (or group)."""
    help: str
    """Its help: the first paragraph for a command, all of it for a group (`GROUP --help`)."""
    commands: Mapping[str, Lazy] | None = None
    """For a group: its commands, each imported on its own; the group's module is then only
    imported for a command missing here."""

    def build(self, name: str) -> click.Command:
        if self.commands is None:
            return load(self.target)
        return LazyGroup(name, help=self.help, commands=self.commands, source=self.target)


def load(target: str) -> click.Command:
    module, _, attribute = target.partition(":")
    command = getattr(importlib.import_module(module), attribute)
    if not isinstance(command, click.Command):
        raise TypeError(f"{target} is not a click command")
    return adopt(command)


class LazyGroup(click.Group):
    """A group listing its commands from `Lazy` entries, each imported on first use."""

    context_class = TranslatedContext

    def __init__(
        self,
        *args: object,
        commands: Mapping[str, Lazy] | None = None,
        source: str | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy = dict(commands or {})
        self.source = source
        """"module:attribute" of the real group, which has any command missing from `lazy`."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands:
            if name in self.lazy:
                self.add_command(self.lazy[name].build(name), name)
            elif self.source is not None:
                group = load(self.source)
                found = group.get_command(ctx, name) if isinstance(group, click.Group) else None
                return found and adopt(found)
        return super().get_command(ctx, name)

    def listed(self, ctx: click.Context) -> list[tuple[str, click.Command]]:
        """The visible commands, those not imported yet as stand-ins that hold only their help."""
        found = []
        for name in self.list_commands(ctx):
            command = self.commands.get(name) or click.Command(name, help=self.lazy[name].help)
            if not command.hidden:
                found.append((name, command))
        return found

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's listing, from `listed`, in the interface language."""
        listed = self.listed(ctx)
        if listed:
            limit = formatter.width - 6 - max(len(name) for name, _ in listed)
            with formatter.section(gettext("Commands")):
                formatter.write_dl(
                    [(name, short_help(ctx, name, cmd, limit)) for name, cmd in listed]
                )

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[CompletionItem]:
        """click's completion of command names, from `listed`, then of options."""
        from click.shell_completion import CompletionItem

        names = [
            CompletionItem(name, help=short_help(ctx, name, command))
            for name, command in self.listed(ctx)
            if name.startswith(incomplete)
        ]
        return names + click.Command.shell_complete(self, ctx, incomplete)
