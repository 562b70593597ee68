"""`soutenance student add|list|edit|archive|merge|reassign` and `soutenance import`: the mentor's
roster and inbox."""

from __future__ import annotations

import json
import re
import shlex
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
from soutenance.exports.report import import_report
from soutenance.i18n import current_language, format_date, t
from soutenance.store import Store, StoreError, StudentExists
from soutenance.store.roster import LANGUAGES, RosterEntry, Student
from soutenance.text import visible
from soutenance.usecases.voice_sharing import import_session_bundle
from soutenance.voice.bundle import InvalidBundle, is_bundle

_PROJECT_REF = re.compile(r"^[a-z0-9][a-z0-9_-]*/[a-z0-9][a-z0-9_-]*$")


def _not_saved(error: StoreError) -> click.ClickException:
    return click.ClickException(i18n.t("cli.not_changed", error=visible(str(error))))


def _defense_date(
    _context: click.Context, _param: click.Parameter, value: str | None
) -> date | None | str:
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


def _already_there(error: StudentExists) -> click.ClickException:
    """Names the student already there, however spelt, and says when they are archived."""
    key = "cli.student.exists_archived" if error.archived else "cli.student.exists"
    return click.ClickException(t(key, name=_name(error.existing), quoted=_quoted(error.existing)))


def _name(name: str, archived: bool = False) -> str:
    """A student's name quoted, and whether they are archived (hidden from the roster)."""
    return t("cli.student.name_archived" if archived else "cli.student.name", name=visible(name))


def _quoted(name: str) -> str:
    """A name as it would be typed in a shell command."""
    return visible(shlex.quote(name))


def _warn(
    student: Student,
    banks: tuple[Path, ...],
    *,
    similar: list[Student],
    project: str | None,
    paths: bool,
    defense: bool,
) -> None:
    """Saved, but maybe not what was meant: a near-duplicate name, an unknown project or path,
    a defense date already past."""
    for other in similar:
        merge = f"soutenance student merge {_quoted(student.name)} {_quoted(other.name)}"
        other_name = _name(other.name, other.archived)
        echo_err(
            t("cli.student.similar", name=_name(student.name), other=other_name, command=merge)
        )
    if paths:
        catalog = load_catalog(banks)
        if project and not catalog.find(project):
            echo_err(t("cli.student.project_not_in_banks", project=visible(project)))
        known = sorted({entry.summary.path_id for entry in catalog.projects})
        if unknown := [path for path in student.paths if path not in known]:
            listed = ", ".join(map(visible, unknown))
            echo_err(t("cli.student.unknown_paths", paths=listed, known=", ".join(known) or "-"))
    if defense and student.defense_date is not None and student.defense_date < date.today():
        echo_err(t("cli.student.past_defense", date=format_date(student.defense_date)))


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
    """The mentor's roster: add, list, edit, archive and merge students; reassign a session."""


@student_group.command("add")
@click.argument("name")
@click.option(
    "--path", "path_ids", multiple=True, help="A path (parcours) id of the student (repeatable)."
)
@click.option("--project", callback=_project, help="The project in progress, PATH_ID/PROJECT_ID.")
@click.option("--language", type=click.Choice(LANGUAGES), default="fr", show_default=True)
@click.option("--defense-date", callback=_defense_date, help="Planned defense date, YYYY-MM-DD.")
@banks_option
def add_command(
    name: str,
    path_ids: tuple[str, ...],
    project: str | None,
    language: str,
    defense_date,
    banks: tuple[Path, ...],
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
        similar = store.roster.similar_students(student.name)
    except StudentExists as error:
        raise _already_there(error) from None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="NAME") from None
    except StoreError as error:
        raise _not_saved(error) from None
    finally:
        store.close()
    click.echo(t("cli.student.added", name=visible(student.name)))
    _warn(student, banks, similar=similar, project=project, paths=True, defense=True)


@student_group.command("list")
@click.option("--all", "include_archived", is_flag=True, help="Include archived students.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
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
        last = (
            i18n.format_date(entry.last_session_at.date())
            if entry.last_session_at
            else i18n.t("cli.student.never")
        )
        defense = (
            i18n.format_date(student.defense_date)
            if student.defense_date
            else i18n.t("cli.student.no_date")
        )
        archived = "  " + i18n.t("cli.student.archived_mark") if student.archived else ""
        line = i18n.t(
            "cli.student.line",
            last=f"{last:<13}",
            defense=f"{defense:<13}",
            objectives=entry.open_objectives,
        )
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
            raise _already_there(error) from None
        except ValueError as error:
            raise click.ClickException(str(error)) from None
        similar = store.roster.similar_students(student.name) if new_name is not None else []
    except StoreError as error:
        raise _not_saved(error) from None
    finally:
        store.close()
    click.echo(t("cli.student.saved", name=visible(student.name)))
    project = None if project == "none" else project
    _warn(
        student,
        banks,
        similar=similar,
        project=project,
        paths=bool(path_ids) or project is not None,
        defense=isinstance(defense_date, date),
    )


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


@student_group.command("merge")
@click.argument("source", metavar="A")
@click.argument("target", metavar="B")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def merge_command(source: str, target: str, yes: bool) -> None:
    """File A's sessions (with their objectives) under B and take A out of the roster."""
    from soutenance.cli import sessions as session_commands  # asks as `delete` does

    store = open_store_or_exit(writing=True)
    try:
        moving, staying = _entry(store, source), _entry(store, target)
        if moving.student.id == staying.student.id:
            same = t("cli.merge.same", source=_name(source), target=_name(target))
            raise click.ClickException(same)
        names = {
            "source": _name(moving.student.name, moving.student.archived),
            "target": _name(staying.student.name, staying.student.archived),
        }
        if not yes:
            question = t(
                "cli.merge.confirm",
                **names,
                leaving=_name(moving.student.name),
                sessions=moving.session_count,
                objectives=moving.open_objectives,
                target_sessions=staying.session_count,
            )
            if not session_commands._can_ask():
                raise click.ClickException(f"{question} {t('cli.merge.no_terminal')}")
            click.confirm(question, abort=True)
        moved = store.roster.merge_students(moving.student.name, staying.student.name)
    except (LookupError, ValueError) as error:
        raise click.ClickException(visible(str(error))) from None
    except StoreError as error:
        raise _not_saved(error) from None
    finally:
        store.close()
    total = staying.session_count + moved
    click.echo(t("cli.merge.done", **names, moved=moved, total=total))


@student_group.command("reassign")
@click.argument("session_id")
@click.argument("name")
def reassign_command(session_id: str, name: str) -> None:
    """File one session (an id or a unique prefix, as `history` prints) under another student."""
    from soutenance.cli.sessions import _find_summary

    store = open_store_or_exit(writing=True)
    try:
        session = _find_summary(store, session_id)
        target = _roster_name(store, name)
        if session.student == target:
            click.echo(t("cli.reassign.already", id=session.id[:12], name=_name(target)))
            return
        store.roster.reassign_session(session.id, target)
        left = store.list_sessions(session.student, limit=1)
    except StoreError as error:
        raise _not_saved(error) from None
    finally:
        store.close()
    shown = {"id": session.id[:12], "name": _name(target), "previous": _name(session.student)}
    click.echo(t("cli.reassign.done", **shown))
    if not left:
        echo_err(t("cli.reassign.left_empty", **shown, quoted=_quoted(session.student)))


def _entry(store: Store, name: str) -> RosterEntry:
    """A student of the roster (archived ones too) with their counts, or a one-line error."""
    student = store.roster.get_student(name)
    entries = store.roster.summary(include_archived=True) if student else []
    entry = next((e for e in entries if student and e.student.id == student.id), None)
    if entry is None:
        raise click.ClickException(t("cli.student.unknown", name=_name(name)))
    return entry


def _import_file(store: Store, file: Path, limit: int, student: str | None) -> ImportResult:
    """A JSON export, or a bundle with recordings (whose count is said)."""
    if not is_bundle(file):
        return import_session(store, file, max_bytes=limit, student=student)
    imported = import_session_bundle(store, file, max_bytes=limit, student=student)
    if imported.installed or imported.ignored:
        line = t("cli.import.recordings", file=visible(str(file)), count=imported.installed)
        if imported.ignored:
            line += t("cli.import.recordings_ignored", count=imported.ignored)
        click.echo(line)
    return imported.result


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--as",
    "as_name",
    metavar="NAME",
    help="File the sessions under this student of the roster (however spelt), not the file's name.",
)
@banks_option
def import_command(files: tuple[Path, ...], as_name: str | None, banks: tuple[Path, ...]) -> None:
    """Import session exports (JSON) sent by a student, or sent back reviewed by the mentor.

    Each file is imported in one transaction: a bad file imports nothing, and importing the same
    file again changes nothing. Each file's lines say what the merge did: the session added, the
    fields updated, the fields kept because they are newer here, and every conflict (both
    versions). A zip from `export --with-audio` brings the recordings too. The exit status is 0
    only when every file was imported.
    """
    limit = Config.load().import_max_megabytes * 1024 * 1024
    store = open_store_or_exit(writing=True)
    imported = 0
    catalog: list[Catalog] = []
    try:
        student = _roster_name(store, as_name) if as_name is not None else None
        for file in files:
            shown = visible(str(file))
            try:
                result = _import_file(store, file, limit, student)
            except (InvalidExport, InvalidBundle) as error:
                foreign = error.reason == "foreign_session" and not student
                hint = f" {t('cli.import.use_as')}" if foreign else ""
                said = visible(error.message(current_language()))
                echo_err(i18n.t("cli.import.invalid", file=shown, error=said + hint))
                continue
            except (StoreError, OSError) as error:
                echo_err(i18n.t("cli.import.not_saved", file=shown, error=visible(str(error))))
                continue
            except Exception as error:  # noqa: BLE001 - one bad file never stops the next ones
                echo_err(
                    i18n.t(
                        "cli.import.unexpected",
                        file=shown,
                        error=f"{type(error).__name__}: {visible(str(error))}",
                    )
                )
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


def _roster_name(store: Store, name: str) -> str:
    """The roster's spelling of a student who must be in it, or a one-line error."""
    student = store.roster.get_student(name)
    if student is None:
        raise click.ClickException(t("cli.student.unknown", name=_name(name)))
    return student.name


def _report(
    store: Store, file: Path, result: ImportResult, banks: tuple[Path, ...], catalog: list[Catalog]
) -> None:
    session = store.load_session(result.session_id)
    if not catalog:
        catalog.append(load_catalog(banks))  # read once, and only when a file was imported
    asked = {a.question_id for a in session.answers}
    gone = catalog[0].missing_questions(session.path_id, session.project_id, asked)
    missing = sum(1 for a in session.answers if a.question_id in gone)
    first, *details = import_report(result, session, current_language(), missing=missing)
    click.echo(f"{visible(str(file))}: {first}")
    for line in details:
        click.echo(f"  {line}")
