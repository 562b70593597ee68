"""`soutenance recordings` and `soutenance transcription`: recorded answers and the speech model.

Nothing heavy is imported here: the voice modules load when a command runs.
"""

from __future__ import annotations

import json
import time

import click

from soutenance import i18n
from soutenance.cli.common import counted, megabytes, root_options
from soutenance.config import Config


def _use_language(context: click.Context) -> None:
    """Problems are shown in the user's language, as in the app."""
    i18n.set_language(i18n.detect_language(root_options(context).lang, Config.load().language))


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
    click.echo(i18n.t("cli.recordings.folder", folder=storage.recordings_dir()))
    if not found:
        click.echo(i18n.t("cli.recordings.none"))
        return
    for s in found:
        when = i18n.format_date(s.newest)
        count = counted("cli.recordings.count", len(s.files))
        click.echo(f"{s.session_id[:12]}  {when}  {count}  {megabytes(s.size)}")
    total = sum(s.size for s in found)
    sessions = counted("cli.recordings.sessions", len(found))
    click.echo(i18n.t("cli.recordings.total", sessions=sessions, size=megabytes(total)))


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
        raise click.UsageError(i18n.t("cli.recordings.rm.which"))
    if older_than is not None:
        written, age = older_than
        deleted = storage.delete_older_than(age)
        click.echo(
            i18n.t(
                "cli.recordings.rm.older",
                count=counted("cli.recordings.count", len(deleted)),
                age=written,
            )
        )
        return
    matches = storage.match_sessions(session or "")
    if not matches:
        raise click.ClickException(i18n.t("cli.recordings.rm.unknown", session=repr(session)))
    if len(matches) > 1:
        raise click.ClickException(
            i18n.t("cli.session.ambiguous", prefix=repr(session), count=len(matches))
        )
    deleted = storage.delete_session_recordings(matches[0])
    click.echo(
        i18n.t(
            "cli.recordings.rm.done",
            count=counted("cli.recordings.count", len(deleted)),
            session=matches[0][:12],
        )
    )


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
    click.echo(i18n.t("cli.transcription.engine", engine=settings.engine))
    if settings.engine == "faster-whisper":
        status = whisper.model_status(settings)
        installed = whisper.extra_installed()
        installed_text = (
            i18n.t("cli.yes")
            if installed
            else i18n.t("cli.transcription.install", command=whisper.INSTALL_COMMAND)
        )
        click.echo(
            i18n.t("cli.transcription.installed", engine="faster-whisper", installed=installed_text)
        )
        where = i18n.t(
            "cli.transcription.configured_folder"
            if status.configured_folder
            else "cli.transcription.cache"
        )
        click.echo(i18n.t("cli.transcription.model", model=status.model, where=where))
        click.echo(i18n.t("cli.transcription.folder", folder=status.folder))
        if status.present:
            click.echo(i18n.t("cli.transcription.present", size=megabytes(status.size)))
        else:
            click.echo(i18n.t("cli.transcription.absent", command=whisper.DOWNLOAD_COMMAND))
    elif settings.engine == "pocketsphinx":
        from importlib.util import find_spec

        installed_text = i18n.t("cli.yes" if find_spec("pocketsphinx") else "cli.no")
        installed_line = i18n.t(
            "cli.transcription.installed", engine="pocketsphinx", installed=installed_text
        )
        click.echo(f"{installed_line} {i18n.t('cli.transcription.english_only')}")


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
        progress = i18n.t(
            "cli.transcription.downloading", model=settings.model, share=share, size=megabytes(done)
        )
        click.echo(f"\r{progress}", nl=False, err=True)

    try:
        folder = whisper.download(settings, report)
    except VoiceUnavailable as unavailable:
        raise click.ClickException(unavailable.problem.message()) from None
    finally:
        if shown[0]:
            click.echo("", err=True)  # end the progress line
    click.echo(i18n.t("cli.transcription.ready", model=settings.model, folder=folder))
