"""`soutenance student add|list|edit|archive` and `soutenance import`: the mentor's roster and inbox."""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path

import click

from soutenance import i18n
from soutenance.banks.catalog import Catalog
from soutenance.cli.common import banks_option, echo_err, load_catalog, open_store_or_exit
from soutenance.config import Config
from soutenance.exports.importing import ImportResult, import_session
from soutenance.exports.reading import InvalidExport
from soutenance.store import Store, StoreError, StudentExists
from soutenance.store.roster import LANGUAGES
from soutenance.text import visible

_PROJECT_REF = re.compile(r"^[a-z0-9][a-z0-9_-]*/[a-z0-9][a-z0-9_-]*$")


def _not_saved(error: StoreError) -> click.ClickException:
    return click.ClickException(i18n.t("cli.not_changed", error=visible(str(error))))


def _defense_date(_context: click.Context, _param: click.Parameter, value: str | None) -> date | None | str:
    """YYYY-MM-DD; "none" (for edit) clears the date."""
    if value is None:
        return None
    if value.strip().lower() in ("", "none"):
        return "none"
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(i18n.t("cli.student.bad_date", value=repr(value))) from None


def _project(_context: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().strip("/")
    if value.lower() == "none":
        return "none"
    if not _PROJECT_REF.match(value):
        raise click.BadParameter(i18n.t("cli.student.bad_project", value=repr(value)))
    return value


def _warn_unknown_project(project_ref: str | None, banks: tuple[Path, ...]) -> None:
    if project_ref and not load_catalog(banks).find(project_ref):
        echo_err(i18n.t("cli.student.project_not_in_banks", project=project_ref))


def _with_project_path(path_ids: list[str], project_ref: str | None) -> list[str]:
    """The project's path is one of the student's paths."""
    if project_ref and project_ref.split("/")[0] not in path_ids:
        return [project_ref.split("/")[0], *path_ids]
    return path_ids


def _describe(entry) -> dict:
    student = entry.student
    return {
        "name": student.name,
        "paths": student.paths,
        "project": student.project_ref,
        "language": student.language,
        "defense_date": student.defense_date.isoformat() if student.defense_date else None,
        "archived": student.archived,
        "last_session": entry.last_session_at.isoformat() if entry.last_session_at else None,
        "sessions": entry.session_count,
        "open_objectives": entry.open_objectives,
    }


@click.group("student")
def student_group() -> None:
    """The mentor's roster: add, list, edit and archive students."""


@student_group.command("add")
@click.argument("name")
@click.option("--path", "path_ids", multiple=True, help="A path (parcours) id of the student (repeatable).")
@click.option("--project", callback=_project, help="The project in progress, PATH_ID/PROJECT_ID.")
@click.option("--language", type=click.Choice(LANGUAGES), default="fr", show_default=True)
@click.option("--defense-date", callback=_defense_date, help="Planned defense date, YYYY-MM-DD.")
@banks_option
def add_command(
    name: str, path_ids: tuple[str, ...], project: str | None, language: str, defense_date, banks: tuple[Path, ...]
) -> None:
    """Add a student to the roster."""
    project = None if project == "none" else project
    day = None if defense_date == "none" else defense_date
    store = open_store_or_exit(writing=True)
    try:
        student = store.roster.add_student(
            name, paths=_with_project_path(list(path_ids), project), project_ref=project,
            language=language, defense_date=day,
        )  # fmt: skip
    except StudentExists as error:
        raise click.ClickException(str(error)) from None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="NAME") from None
    except StoreError as error:
        raise _not_saved(error) from None
    finally:
        store.close()
    _warn_unknown_project(project, banks)
    click.echo(i18n.t("cli.student.added", name=student.name))


@student_group.command("list")
@click.option("--all", "include_archived", is_flag=True, help="Include archived students.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_command(include_archived: bool, fmt: str) -> None:
    """The roster: last session, defense date and open objectives of each student."""
    store = open_store_or_exit()
    try:
        entries = store.roster.summary(include_archived=include_archived)
    finally:
        store.close()
    if fmt == "json":
        click.echo(json.dumps([_describe(e) for e in entries], ensure_ascii=False, indent=2))
        return
    if not entries:
        echo_err(i18n.t("cli.student.none"))
        return
    for entry in entries:
        student = entry.student
        last = i18n.format_date(entry.last_session_at.date()) if entry.last_session_at else i18n.t("cli.student.never")
        defense = i18n.format_date(student.defense_date) if student.defense_date else i18n.t("cli.student.no_date")
        archived = "  " + i18n.t("cli.student.archived_mark") if student.archived else ""
        line = i18n.t("cli.student.line", last=f"{last:<13}", defense=f"{defense:<13}", objectives=entry.open_objectives)
        click.echo(
            f"{visible(student.name):<20} {visible(student.project_ref or '-'):<36} {student.language}  "
            f"{line}{archived}"
        )


@student_group.command("edit")
@click.argument("name")
@click.option("--name", "new_name", help="A new name (the sessions follow).")
@click.option("--path", "path_ids", multiple=True, help="Replace the paths (repeatable).")
@click.option("--project", callback=_project, help="PATH_ID/PROJECT_ID, or none.")
@click.option("--language", type=click.Choice(LANGUAGES))
@click.option("--defense-date", callback=_defense_date, help="YYYY-MM-DD, or none.")
@banks_option
def edit_command(
    name: str, new_name: str | None, path_ids: tuple[str, ...], project: str | None,
    language: str | None, defense_date, banks: tuple[Path, ...],
) -> None:  # fmt: skip
    """Change a student's name, paths, project, language or defense date."""
    store = open_store_or_exit(writing=True)
    try:
        student = store.roster.get_student(name)
        if student is None:
            raise click.ClickException(i18n.t("cli.student.unknown", name=repr(name)))
        if new_name is not None:
            student.name = new_name.strip()
        if project is not None:
            student.project_ref = None if project == "none" else project
        if path_ids:
            student.paths = list(dict.fromkeys(path_ids))
        student.paths = _with_project_path(student.paths, student.project_ref)
        if language is not None:
            student.language = language
        if defense_date is not None:
            student.defense_date = None if defense_date == "none" else defense_date
        try:
            store.roster.update_student(student)
        except StudentExists as error:
            raise click.ClickException(str(error)) from None
        except ValueError as error:
            raise click.ClickException(str(error)) from None
    except StoreError as error:
        raise _not_saved(error) from None
    finally:
        store.close()
    if project not in (None, "none"):
        _warn_unknown_project(project, banks)
    click.echo(i18n.t("cli.student.saved", name=student.name))


@student_group.command("archive")
@click.argument("name")
@click.option("--undo", is_flag=True, help="Bring an archived student back into the roster.")
def archive_command(name: str, undo: bool) -> None:
    """Archive a student (kept with their sessions, hidden from the roster)."""
    store = open_store_or_exit(writing=True)
    try:
        found = store.roster.archive_student(name, not undo)
    except StoreError as error:
        raise _not_saved(error) from None
    finally:
        store.close()
    if not found:
        raise click.ClickException(i18n.t("cli.student.unknown", name=repr(name)))
    click.echo(i18n.t("cli.student.restored" if undo else "cli.student.archived", name=name))


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@banks_option
def import_command(files: tuple[Path, ...], banks: tuple[Path, ...]) -> None:
    """Import session exports (JSON) sent by a student, or sent back reviewed by the mentor.

    Each file is imported in one transaction: a bad file imports nothing, and importing the same
    file again changes nothing. The exit status is 0 only when every file was imported.
    """
    limit = Config.load().import_max_megabytes * 1024 * 1024
    store = open_store_or_exit(writing=True)
    imported = 0
    catalog: list[Catalog] = []
    try:
        for file in files:
            shown = visible(str(file))
            try:
                result = import_session(store, file, max_bytes=limit)
            except InvalidExport as error:
                echo_err(i18n.t("cli.import.invalid", file=shown, error=visible(str(error))))
                continue
            except StoreError as error:
                echo_err(i18n.t("cli.import.not_saved", file=shown, error=visible(str(error))))
                continue
            except Exception as error:  # noqa: BLE001 - one bad file never stops the next ones
                echo_err(i18n.t("cli.import.unexpected", file=shown, error=f"{type(error).__name__}: {visible(str(error))}"))
                continue
            imported += 1
            try:
                _report(store, file, result, banks, catalog)
            except Exception as error:  # noqa: BLE001 - the import itself is done and saved
                echo_err(i18n.t("cli.import.not_shown", file=shown, error=visible(str(error))))
    finally:
        store.close()
    if imported < len(files):
        if len(files) > 1:
            echo_err(i18n.t("cli.import.partly", imported=imported, files=len(files)))
        sys.exit(1)


def _report(store: Store, file: Path, result: ImportResult, banks: tuple[Path, ...], catalog: list[Catalog]) -> None:
    session = store.load_session(result.session_id)
    state = i18n.t("cli.import.created" if result.created else "cli.import.merged" if result.changed else "cli.import.unchanged")
    click.echo(
        i18n.t(
            "cli.import.report", file=visible(str(file)), state=state,
            kind=i18n.t(f"sessions.kind.{session.kind}"), student=visible(session.student),
            project=visible(session.project_title), when=i18n.format_date(session.started_at),
            answered=len(session.answered), total=len(session.answers), session=session.id[:12],
        )
    )  # fmt: skip
    if result.student_created:
        click.echo("  " + i18n.t("cli.import.new_student", student=visible(session.student)))
    if not catalog:
        catalog.append(load_catalog(banks))  # read once, and only when a file was imported
    if missing := catalog[0].missing_questions(session.path_id, session.project_id, {a.question_id for a in session.answers}):
        count = sum(1 for a in session.answers if a.question_id in missing)
        click.echo("  " + i18n.t("cli.import.gone_questions", count=count))
