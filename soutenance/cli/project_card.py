"""`soutenance project-card`: show or fill a student's project card (their own figures for the
facts a project's bank declares), as the setup screen and the student's page do."""

from __future__ import annotations

import json
from pathlib import Path

import click

from soutenance.cli.common import banks_option, load_catalog, open_store_or_exit, resolve_project
from soutenance.i18n import format_date, t
from soutenance.text import visible


def _pair(_context: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> dict:
    pairs = {}
    for value in values:
        fact, equals, text = value.partition("=")
        if not equals or not fact.strip():
            raise click.BadParameter(t("cli.card.bad_set", value=repr(value)))
        pairs[fact.strip()] = text
    return pairs


@click.command("project-card")
@click.option("--student", help="The student (default: the profile name, else the last one).")
@click.option("--project", help="PATH_ID/PROJECT_ID or a project id (default: the student's).")
@click.option(
    "--set", "values", multiple=True, callback=_pair, metavar="FACT=VALUE",
    help="Fill in a fact (repeatable); an empty VALUE clears it.",
)  # fmt: skip
@click.option(
    "--clear", "cleared", multiple=True, metavar="FACT", help="Clear a fact (repeatable)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the card as JSON.")
@banks_option
def project_card_command(
    student: str | None,
    project: str | None,
    values: dict[str, str],
    cleared: tuple[str, ...],
    as_json: bool,
    banks: tuple[Path, ...],
) -> None:
    """Show or fill in a student's project card: their own figures, put into the questions.

    A question whose fact is not filled in is asked in its generic wording. The card stays on
    this computer: an exported session carries only the questions as they were asked."""
    from soutenance.banks.catalog import BankUnavailable
    from soutenance.config import Config
    from soutenance.store.cards import CardError, get_card, update_card

    changes: dict[str, str | None] = {**values, **dict.fromkeys(cleared)}
    store = open_store_or_exit(writing=bool(changes))
    try:
        name = (student or Config.load().student or store.last_student() or "").strip()
        if not name:
            raise click.UsageError(t("cli.card.need_student"))
        catalog = load_catalog(banks)
        if project is None:
            known = store.roster.get_student(name)
            if known is None or not known.project_ref:
                raise click.UsageError(t("cli.card.need_project", student=visible(name)))
            project = known.project_ref
        entry = resolve_project(catalog, project)
        try:
            facts = catalog.load(entry).project.facts
        except BankUnavailable as error:
            first = error.diagnostics[0] if error.diagnostics else "?"
            raise click.ClickException(visible(str(first))) from None
        if unknown := [fact for fact in changes if fact not in facts]:
            declared = ", ".join(f"`{fact}`" for fact in facts) or "-"
            raise click.BadParameter(
                t("cli.card.unknown_fact", fact=f"`{visible(unknown[0])}`", project=entry.ref,
                  declared=declared),
                param_hint="--set/--clear",
            )  # fmt: skip
        try:
            card = update_card(store, name, entry.ref, changes) if changes else None
        except CardError as error:
            raise click.ClickException(t("cli.not_changed", error=error)) from None
        card = card or get_card(store, name, entry.ref)
    finally:
        store.close()
    if as_json:
        shown = {
            "student": card.student,
            "project": entry.ref,
            "facts": {fact: card.facts.get(fact) for fact in facts},
            "updated_at": card.updated_at.isoformat() if card.updated_at else None,
        }
        click.echo(json.dumps(shown, ensure_ascii=False, indent=2))
        return
    if changes:
        click.echo(t("cli.card.saved", student=visible(card.student), ref=entry.ref))
    click.echo(t("cli.card.heading", student=visible(card.student), ref=entry.ref))
    if not facts:
        click.echo(t("cli.card.no_facts", ref=entry.ref))
    for fact, label in facts.items():
        value = card.facts.get(fact)
        click.echo(f"  {fact}  {visible(label)}")
        click.echo(f"    {visible(value) if value else t('cli.card.empty')}")
    if card.updated_at is not None:
        click.echo(t("cli.card.updated", date=format_date(card.updated_at.date())))
