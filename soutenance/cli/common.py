"""Options and helpers shared by every subcommand."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from soutenance.i18n import current_language, t, translate

if TYPE_CHECKING:
    from soutenance.banks.catalog import Catalog, ProjectEntry
    from soutenance.cli.app import RootOptions
    from soutenance.store import Store


def banks_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """Adds a repeatable --banks DIR; values given before the subcommand are merged in."""

    @click.option(
        "--banks",
        "banks",
        multiple=True,
        type=click.Path(path_type=Path, file_okay=False),
        help="A folder of question banks (repeatable); it shadows the bundled banks.",
    )
    @functools.wraps(command)
    def wrapper(*args: Any, banks: tuple[Path, ...], **kwargs: Any) -> Any:
        context = click.get_current_context()
        return context.invoke(command, *args, banks=(*banks, *group_banks(context)), **kwargs)

    return wrapper


def root_options(context: click.Context | None = None) -> RootOptions:
    """The root's options, or the defaults when a command runs without the root (tests)."""
    from soutenance.cli.app import RootOptions

    found = (context or click.get_current_context()).find_root().obj
    return found if isinstance(found, RootOptions) else RootOptions()


def group_banks(context: click.Context) -> tuple[Path, ...]:
    return root_options(context).banks


def load_catalog(banks: tuple[Path, ...]) -> Catalog:
    # Imported here: every command module imports this one, and not every command reads banks.
    from soutenance.banks.catalog import build_catalog

    return build_catalog(banks)


def resolve_project(catalog: Catalog, reference: str) -> ProjectEntry:
    """The one project a user named, or a usage error that lists what exists."""
    matches = catalog.find(reference)
    if len(matches) == 1:
        return matches[0]
    if not matches:
        known = ", ".join(e.ref for e in catalog.projects) or t("cli.project.none")
        raise click.BadParameter(
            t("cli.project.unknown", project=repr(reference), known=known), param_hint="--project"
        )
    refs = ", ".join(e.ref for e in matches)
    raise click.BadParameter(
        t("cli.project.ambiguous", project=repr(reference), matches=refs), param_hint="--project"
    )


def echo_err(message: str) -> None:
    click.echo(message, err=True)


def counted(key: str, count: int, **values: object) -> str:
    """The text of `key.one` or `key.other`, by the interface language's plural rule."""
    from soutenance.i18n.formats import plural

    language = current_language()
    return translate(language, f"{key}.{plural(count, language)}", count=count, **values)


def megabytes(size: int) -> str:
    """12.3 MB / 12,3 Mo."""
    from soutenance.i18n.formats import decimal

    return t("cli.megabytes", size=decimal(size / 1e6, current_language()))


def open_store_or_exit(*, writing: bool = False) -> Store:
    """The store of a one-shot command: read-only unless `writing`.

    A store that cannot be used ends the command (exit 1, one line) rather than falling back to
    memory: a command never says "saved" of something lost when it exits.
    """
    from soutenance import paths
    from soutenance.store import StoreError, open_store
    from soutenance.text import visible

    try:
        store = open_store(paths.database_path(), mode="write" if writing else "read")
    except StoreError as error:
        message = t("cli.not_changed", error=error) if writing else str(error)
        raise click.ClickException(visible(message)) from None
    if store.warning:
        echo_err(visible(store.warning))
    return store
