"""`soutenance rehearse`, `export` and `history`: sessions from the command line."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from soutenance import i18n, paths
from soutenance.banks.model import format_duration
from soutenance.cli.common import banks_option, echo_err, load_catalog, resolve_project
from soutenance.exports.markdown import session_to_markdown
from soutenance.exports.session_json import session_to_json_text
from soutenance.store import open_store
from soutenance.store.sessions import SessionNotFound
from soutenance.text import visible


def _int_set(_context: click.Context, _param: click.Parameter, value: str | None) -> set[int]:
    if not value:
        return set()
    try:
        levels = {int(part) for part in value.split(",") if part.strip()}
    except ValueError:
        raise click.BadParameter("write difficulties as 1,2 or 3") from None
    if not levels <= {1, 2, 3}:
        raise click.BadParameter("difficulties are 1, 2 and 3")
    return levels


@click.command("rehearse")
@click.option("--project", "project", required=True, help="PATH_ID/PROJECT_ID, a project id, or a bank file.")
@click.option("--count", type=click.IntRange(1, 200), default=None, help="How many questions (default: from settings).")
@click.option("--difficulty", callback=_int_set, help="Only these difficulties, e.g. 1,2.")
@click.option("--tag", "tags", multiple=True, help="Only questions with this tag (repeatable).")
@click.option("--seed", type=int, help="Make the draw reproducible.")
@click.option("--student", help="Your profile name (remembered).")
@click.option("--mock", is_flag=True, help="A full mock defense: presentation, questions, debrief.")
@click.option("--prep", "prep_seconds", type=click.IntRange(0, 600), default=None, help="Preparation seconds before each answer.")
@click.option("--focus", type=click.Choice(["mix", "weak", "new", "due", "all"]), default="mix", show_default=True, help="Which questions the draw favours: a balanced mix, the weak ones, never seen, due before the defense, or any.")
@click.option("--defense-date", type=click.DateTime(formats=["%Y-%m-%d"]), help="Defense date YYYY-MM-DD (default: the student's, from the roster).")
@click.option("--record/--no-record", default=None, help="Record your answers out loud (the choice is remembered; the audio stays on this computer).")
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Language of the interface.")
@banks_option
def rehearse_command(
    project: str,
    count: int | None,
    difficulty: set[int],
    tags: tuple[str, ...],
    seed: int | None,
    student: str | None,
    mock: bool,
    prep_seconds: int | None,
    focus: str,
    defense_date: datetime | None,
    record: bool | None,
    lang: str | None,
    banks: tuple[Path, ...],
) -> None:
    """Rehearse a project's questions now, or run a mock defense with --mock.

    The draw uses your history: never-seen questions first, weak ones brought back, and with a
    defense date enough new questions each session to see the whole bank in time."""
    from soutenance.ui.app import make_app
    from soutenance.ui.start import RehearsalRequest

    catalog = load_catalog(banks)
    entry = resolve_project(catalog, project)
    root = click.get_current_context().find_root().obj or {}
    app = make_app(banks=banks, lang=lang or root.get("lang"))
    config = app.services.config
    if record is not None:
        from soutenance.voice.settings import remember_recording

        remember_recording(config, record)
    request = RehearsalRequest(
        entry,
        student=student or config.student or "",
        count=count or config.default_count,
        difficulties=difficulty,
        tags=set(tags),
        seed=seed,
        prep_seconds=config.prep_seconds if prep_seconds is None else prep_seconds,
        mock=mock,
        focus=focus,
        defense_date=defense_date.date() if defense_date else None,
    )
    app.first_request = request
    app.run()
    sys.exit(app.return_code or 0)


@click.command("export")
@click.argument("session_id", required=False)
@click.option("--last", is_flag=True, help="The most recent session (of --student when given).")
@click.option("--student", help="With --last: that student's most recent session.")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to a file instead of the screen.")
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Language of the Markdown labels.")
@click.option("--with-audio", is_flag=True, help="A zip with the JSON and the recordings of the answers (needs -o FILE.zip).")
def export_command(session_id: str | None, last: bool, student: str | None, fmt: str, output: Path | None, lang: str | None, with_audio: bool) -> None:
    """Export a session as Markdown (for an email) or JSON (for your mentor to import).

    With --with-audio, a zip holding the JSON and the recorded answers, which `soutenance import`
    takes: the way to let your mentor listen to a rehearsal."""
    if bool(session_id) == last:
        raise click.UsageError("give a SESSION_ID or --last (see `soutenance history`)")
    if with_audio:
        _check_bundle_options(fmt, output)
    store = _open_store_or_exit()
    try:
        session = store.latest_session(student) if last else _find_session(store, session_id or "")
    finally:
        store.close()
    if session is None:
        raise click.ClickException("no session recorded yet")
    if with_audio:
        _write_bundle(session, output)  # type: ignore[arg-type]
        return
    language = lang or i18n.detect_language(None, None)
    text = session_to_markdown(session, lang=language) if fmt == "md" else session_to_json_text(session)
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror or error}") from None
    echo_err(f"exported session {session.id} to {output}")


def _check_bundle_options(fmt: str, output: Path | None) -> None:
    source = click.get_current_context().get_parameter_source("fmt")
    if fmt == "md" and source is click.core.ParameterSource.COMMANDLINE:
        raise click.UsageError("--with-audio writes the JSON with the recordings: no --format md")
    if output is None:
        raise click.UsageError("--with-audio writes a zip: give -o FILE.zip")


def _write_bundle(session, output: Path) -> None:
    from soutenance.voice.sharing import write_session_bundle

    try:
        count = write_session_bundle(output, session)
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or error
        raise click.ClickException(f"cannot write {output}: {reason}") from None
    echo_err(f"exported session {session.id} with {count} recording(s) to {output}")


def _find_session(store, session_id: str):
    """A session by id or by a unique prefix of its id, as printed by `history`."""
    try:
        return store.load_session(session_id)
    except SessionNotFound:
        matches = [s for s in store.list_sessions(limit=None) if s.id.startswith(session_id)]
        if len(matches) == 1:
            return store.load_session(matches[0].id)
        if matches:
            raise click.ClickException(f"{session_id!r} matches {len(matches)} sessions; give more characters") from None
        raise click.ClickException(f"no session {session_id!r} (see `soutenance history`)") from None


@click.command("delete")
@click.argument("session_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete_command(session_id: str, yes: bool) -> None:
    """Delete a session (an id or a unique prefix, as `history` prints), with its notes."""
    store = _open_store_or_exit(writing=True)
    try:
        session = _find_session(store, session_id)
        what = f"{session.project_title} of {i18n.format_date(session.started_at)} ({visible(session.student)}, {len(session.answered)} answered)"
        if not yes:
            if not _can_ask():
                raise click.ClickException(f"not deleting {what} without --yes (no terminal to ask)")
            click.confirm(f"Delete the session {what}? This cannot be undone", abort=True)
        store.delete_session(session.id)
    finally:
        store.close()
    echo_err(f"deleted session {session.id[:12]}")


def _can_ask() -> bool:
    return sys.stdin.isatty()


@click.command("history")
@click.option("--student", help="Only this student's sessions.")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True)
def history_command(student: str | None, limit: int) -> None:
    """Past sessions, newest first, with the ids that `export` takes."""
    store = _open_store_or_exit()
    try:
        sessions = store.list_sessions(student, limit=limit)
    finally:
        store.close()
    if not sessions:
        echo_err("no session recorded yet")
        return
    for s in sessions:
        when = i18n.format_date(s.started_at)
        state = "" if s.ended_at else "  (unfinished)"
        click.echo(
            f"{s.id[:12]}  {when:<20} {visible(s.student):<16} {s.kind:<9} "
            f"{visible(s.path_id)}/{visible(s.project_id)}  "
            f"{s.answered}/{s.planned} answered, {format_duration(s.total_time)}{state}"
        )


def _open_store_or_exit(*, writing: bool = False):
    store = open_store(paths.database_path())
    if writing and not store.persistent:
        store.close()
        raise click.ClickException(f"{store.warning} Nothing was changed.")
    if store.warning:
        echo_err(store.warning)
    return store
