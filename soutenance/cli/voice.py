"""`soutenance recordings` and `soutenance transcription`: recorded answers and the speech model.

Nothing heavy is imported here: the voice modules load when a command runs.
"""

from __future__ import annotations

import json
import time

import click

from soutenance import i18n
from soutenance.config import Config


def _use_language(context: click.Context) -> None:
    """Problems are shown in the user's language, as in the app."""
    root = context.find_root().obj or {}
    i18n.set_language(i18n.detect_language(root.get("lang"), Config.load().language))


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


@click.group("recordings")
@click.pass_context
def recordings_group(context: click.Context) -> None:
    """Your recorded answers: where they are, what they take, and deleting them.

    Recordings never leave this computer unless you export a session with its audio.
    """
    _use_language(context)


@recordings_group.command("list")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def list_command(fmt: str) -> None:
    """Sessions that have recordings, the most recent first."""
    from soutenance.voice import storage

    found = storage.list_recordings()
    if fmt == "json":
        rows = [
            {
                "session": s.session_id,
                "files": len(s.files),
                "bytes": s.size,
                "newest": s.newest.isoformat() if s.newest else None,
                "folder": str(storage.recordings_dir() / s.session_id),
            }
            for s in found
        ]
        click.echo(
            json.dumps({"folder": str(storage.recordings_dir()), "sessions": rows}, indent=2)
        )
        return
    click.echo(f"Recordings are kept in {storage.recordings_dir()}")
    if not found:
        click.echo("No recording.")
        return
    for s in found:
        when = i18n.format_date(s.newest, "en")
        count = f"{len(s.files)} recording{'s' if len(s.files) > 1 else ''}"
        click.echo(f"{s.session_id[:12]}  {when}  {count}  {_megabytes(s.size)}")
    total = sum(s.size for s in found)
    click.echo(
        f"{len(found)} session(s), {_megabytes(total)} in all. Delete: soutenance recordings rm SESSION"
    )


def _age(_context: click.Context, _param: click.Parameter, value: str | None):
    """(what the user wrote, the timedelta), or None."""
    if value is None:
        return None
    from soutenance.voice.storage import parse_age

    try:
        return value.strip(), parse_age(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@recordings_group.command("rm")
@click.argument("session", required=False)
@click.option(
    "--older-than",
    "older_than",
    callback=_age,
    metavar="AGE",
    help="Delete every recording older than AGE: 30d, 2w, 12h.",
)
def rm_command(session: str | None, older_than) -> None:
    """Delete a session's recordings (SESSION: its id, or the first characters `history` shows),
    or every recording older than --older-than. The sessions themselves stay."""
    from soutenance.voice import storage

    if (session is None) == (older_than is None):
        raise click.UsageError("give a SESSION or --older-than AGE (e.g. 30d)")
    if older_than is not None:
        written, age = older_than
        deleted = storage.delete_older_than(age)
        click.echo(f"Deleted {len(deleted)} recording(s) older than {written}.")
        return
    matches = storage.match_sessions(session or "")
    if not matches:
        raise click.ClickException(
            f"no recordings for session {session!r} (see `soutenance recordings list`)"
        )
    if len(matches) > 1:
        raise click.ClickException(
            f"{session!r} matches {len(matches)} sessions; give more characters"
        )
    deleted = storage.delete_session_recordings(matches[0])
    click.echo(f"Deleted {len(deleted)} recording(s) of session {matches[0][:12]}.")


@click.group("transcription")
@click.pass_context
def transcription_group(context: click.Context) -> None:
    """The speech-to-text model: whether it is here, and fetching it ahead of time.

    Transcripts are made on this computer; only the model is downloaded, once.
    """
    _use_language(context)


@transcription_group.command("status")
def status_command() -> None:
    """Which recogniser and model the settings choose, and whether it is ready."""
    from soutenance.voice.settings import VoiceSettings
    from soutenance.voice.transcription import whisper

    settings = VoiceSettings.from_config().transcription
    click.echo(f"engine: {settings.engine}")
    if settings.engine == "faster-whisper":
        status = whisper.model_status(settings)
        installed = whisper.extra_installed()
        click.echo(
            f"faster-whisper installed: {'yes' if installed else 'no (' + whisper.INSTALL_COMMAND + ')'}"
        )
        click.echo(
            f"model: {status.model} ({'configured folder' if status.configured_folder else 'cache'})"
        )
        click.echo(f"folder: {status.folder}")
        if status.present:
            click.echo(f"model present: yes, {_megabytes(status.size)}")
        else:
            click.echo(f"model present: no ({whisper.DOWNLOAD_COMMAND}, or fetched at first use)")
    elif settings.engine == "pocketsphinx":
        from importlib.util import find_spec

        click.echo(
            f"pocketsphinx installed: {'yes' if find_spec('pocketsphinx') else 'no'} (English only)"
        )


@transcription_group.command("download")
@click.option(
    "--model",
    help="A model name (tiny, base, small, medium, large-v3, turbo); default: the settings'.",
)
def download_command(model: str | None) -> None:
    """Fetch the faster-whisper model now (for an offline machine later: copy its folder and set
    `model_dir` in the settings)."""
    from soutenance.voice.problems import VoiceUnavailable
    from soutenance.voice.settings import VoiceSettings
    from soutenance.voice.transcription import whisper

    settings = VoiceSettings.from_config().transcription
    if model:
        settings = settings.model_copy(update={"model": model})
    shown = [0.0]

    def report(done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - shown[0] < 0.5:
            return
        shown[0] = now
        share = f" {100 * done // total}%" if total else ""
        click.echo(f"\rdownloading {settings.model}:{share} {_megabytes(done)}", nl=False, err=True)

    try:
        folder = whisper.download(settings, report)
    except VoiceUnavailable as unavailable:
        raise click.ClickException(unavailable.problem.message()) from None
    finally:
        if shown[0]:
            click.echo("", err=True)  # end the progress line
    click.echo(f"model {settings.model} ready in {folder}")
