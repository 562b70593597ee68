"""`soutenance rehearse`, `export` and `history`: sessions from the command line."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from soutenance import i18n
from soutenance.banks.model import format_duration
from soutenance.cli.common import (
    banks_option,
    echo_err,
    load_catalog,
    open_store_or_exit,
    resolve_project,
    root_options,
)
from soutenance.exports.markdown import session_to_markdown
from soutenance.exports.session_json import session_to_json_text
from soutenance.files import atomic_write
from soutenance.store import StoreError
from soutenance.store.rows import DamagedRow
from soutenance.store.sessions import SessionNotFound
from soutenance.text import visible


def _int_set(_context: click.Context, _param: click.Parameter, value: str | None) -> set[int]:
    if not value:
        return set()
    try:
        levels = {int(part) for part in value.split(",") if part.strip()}
    except ValueError:
        raise click.BadParameter(i18n.t("cli.rehearse.difficulty_format")) from None
    if not levels <= {1, 2, 3}:
        raise click.BadParameter(i18n.t("cli.rehearse.difficulty_range"))
    return levels


@click.command("rehearse")
@click.option(
    "--project", "project", required=True, help="PATH_ID/PROJECT_ID, a project id, or a bank file."
)
@click.option(
    "--count",
    type=click.IntRange(1, 200),
    default=None,
    help="How many questions (default: from settings).",
)
@click.option("--difficulty", callback=_int_set, help="Only these difficulties, e.g. 1,2.")
@click.option("--tag", "tags", multiple=True, help="Only questions with this tag (repeatable).")
@click.option("--seed", type=int, help="Make the draw reproducible.")
@click.option("--student", help="Your profile name (remembered).")
@click.option("--mock", is_flag=True, help="A full mock defense: presentation, questions, debrief.")
@click.option(
    "--prep",
    "prep_seconds",
    type=click.IntRange(0, 600),
    default=None,
    help="Preparation seconds before each answer.",
)
@click.option(
    "--focus",
    type=click.Choice(["mix", "weak", "new", "due", "all"]),
    default="mix",
    show_default=True,
    help="Which questions the draw favours: a balanced mix, the weak ones, never seen, due before the defense, or any.",
)
@click.option(
    "--defense-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Defense date YYYY-MM-DD (default: the student's, from the roster).",
)
@click.option(
    "--record/--no-record",
    default=None,
    help="Record your answers out loud (the choice is remembered; the audio stays on this computer).",
)
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
    from soutenance.ui.launch import run
    from soutenance.ui.start import RehearsalRequest

    catalog = load_catalog(banks)
    entry = resolve_project(catalog, project)
    app = make_app(banks=banks, lang=lang or root_options().lang)
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
    sys.exit(run(app))


@click.command("export")
@click.argument("session_id", required=False)
@click.option("--last", is_flag=True, help="The most recent session (of --student when given).")
@click.option("--student", help="With --last: that student's most recent session.")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to a file instead of the screen.",
)
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Language of the Markdown labels.")
@click.option(
    "--with-audio",
    is_flag=True,
    help="A zip with the JSON and the recordings of the answers (needs -o FILE.zip).",
)
@click.option(
    "--with-private",
    is_flag=True,
    help="Keep the mentor's private notes and marks (left out by default: exports go to students).",
)
def export_command(
    session_id: str | None,
    last: bool,
    student: str | None,
    fmt: str,
    output: Path | None,
    lang: str | None,
    with_audio: bool,
    with_private: bool,
) -> None:
    """Export a session as Markdown (for an email) or JSON (for your mentor to import).

    With --with-audio, a zip holding the JSON and the recorded answers, which `soutenance import`
    takes: the way to let your mentor listen to a rehearsal."""
    if bool(session_id) == last:
        raise click.UsageError(i18n.t("cli.export.which"))
    if with_audio:
        _check_bundle_options(fmt, output)
    store = open_store_or_exit()
    try:
        if last:
            latest = store.list_sessions(student, limit=1)
            session = _load(store, latest[0].id) if latest else None
        else:
            session = _find_session(store, session_id or "")
    finally:
        store.close()
    if session is None:
        raise click.ClickException(i18n.t("cli.history.none"))
    if with_audio:
        _write_bundle(session, output)  # type: ignore[arg-type]
        return
    language = lang or i18n.current_language()
    text = (
        session_to_markdown(session, lang=language, include_mentor_notes=with_private)
        if fmt == "md"
        else session_to_json_text(session, private=with_private)
    )
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as error:
        bad = visible(error.object[error.start : error.end])
        raise click.ClickException(
            i18n.t("cli.export.not_unicode", session=session.id, bad=bad)
        ) from None
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    try:
        # A temporary file renamed over the target: on any failure the old file stays whole.
        atomic_write(output, data)
    except OSError as error:
        reason = error.strerror or str(error)
        raise click.ClickException(
            i18n.t("cli.export.cannot_write", file=visible(str(output)), reason=reason)
        ) from None
    echo_err(i18n.t("cli.export.done", session=session.id, file=visible(str(output))))


def _load(store, session_id: str):
    """The session, or one line saying that its stored rows are damaged."""
    try:
        return store.load_session(session_id)
    except DamagedRow as error:
        raise click.ClickException(
            i18n.t("cli.session.damaged", session=visible(session_id), error=visible(str(error)))
        ) from None


def _check_bundle_options(fmt: str, output: Path | None) -> None:
    source = click.get_current_context().get_parameter_source("fmt")
    if fmt == "md" and source is click.core.ParameterSource.COMMANDLINE:
        raise click.UsageError(i18n.t("cli.export.audio_not_md"))
    if output is None:
        raise click.UsageError(i18n.t("cli.export.audio_needs_zip"))


def _write_bundle(session, output: Path) -> None:
    from soutenance.usecases.voice_sharing import write_session_bundle

    try:
        count = write_session_bundle(output, session)
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or error
        raise click.ClickException(
            i18n.t(
                "cli.export.audio_not_written",
                file=visible(str(output)),
                error=visible(str(reason)),
            )
        ) from None
    echo_err(
        i18n.t(
            "cli.export.audio_written", session=session.id, count=count, file=visible(str(output))
        )
    )


def _find_session(store, session_id: str):
    """A session by id or by a unique prefix of its id, as printed by `history`."""
    try:
        return _load(store, session_id)
    except SessionNotFound:
        return _load(store, _find_summary(store, session_id).id)


def _find_summary(store, session_id: str):
    """A session's line by id or unique prefix: found even when its rows are damaged."""
    found = [s for s in store.list_sessions(limit=None) if s.id.startswith(session_id)]
    matches = [s for s in found if s.id == session_id] or found
    if len(matches) == 1:
        return matches[0]
    shown = visible(session_id)
    if matches:
        raise click.ClickException(
            i18n.t("cli.session.ambiguous", prefix=repr(shown), count=len(matches))
        )
    raise click.ClickException(i18n.t("cli.session.unknown", prefix=repr(shown)))


@click.command("delete")
@click.argument("session_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete_command(session_id: str, yes: bool) -> None:
    """Delete a session (an id or a unique prefix, as `history` prints), with its notes."""
    store = open_store_or_exit(writing=True)
    try:
        session = _find_summary(store, session_id)
        what = i18n.t(
            "cli.delete.what",
            project=visible(session.project_title),
            when=i18n.format_date(session.started_at),
            student=visible(session.student),
            answered=session.answered,
        )
        if not yes:
            if not _can_ask():
                raise click.ClickException(i18n.t("cli.delete.needs_yes", what=what))
            click.confirm(i18n.t("cli.delete.confirm", what=what), abort=True)
        store.delete_session(session.id)
    except StoreError as error:
        raise click.ClickException(i18n.t("cli.delete.failed", error=visible(str(error)))) from None
    finally:
        store.close()
    echo_err(i18n.t("cli.delete.done", session=session.id[:12]))


def _can_ask() -> bool:
    return sys.stdin.isatty()


@click.command("history")
@click.option("--student", help="Only this student's sessions.")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True)
def history_command(student: str | None, limit: int) -> None:
    """Past sessions, newest first, with the ids that `export` takes."""
    store = open_store_or_exit()
    try:
        sessions = store.list_sessions(student, limit=limit)
    finally:
        store.close()
    if not sessions:
        echo_err(i18n.t("cli.history.none"))
        return
    for s in sessions:
        when = i18n.format_date(s.started_at)
        state = "" if s.ended_at else "  " + i18n.t("cli.history.unfinished")
        if s.damaged:
            state += "  " + i18n.t("cli.history.damaged", problem=visible(s.damaged))
        kind = i18n.t(f"sessions.kind.{s.kind}")
        answered = i18n.t("cli.history.answered", answered=s.answered, planned=s.planned)
        click.echo(
            f"{visible(s.id[:12])}  {when:<20} {visible(s.student):<16} {kind:<18} "
            f"{visible(s.path_id)}/{visible(s.project_id)}  "
            f"{answered}, {format_duration(s.total_time)}{state}"
        )
