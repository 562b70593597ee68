"""Exporting a session with its recordings from a screen: the zip a mentor imports and listens to
(`soutenance export --with-audio` from the command line)."""

from __future__ import annotations

from textual.screen import Screen

from soutenance.i18n import t
from soutenance.session.model import Session
from soutenance.usecases.export_files import export_folders, export_name
from soutenance.usecases.voice_sharing import write_session_bundle


def deliver_bundle(screen: Screen, session: Session) -> None:
    """Write the bundle where exports go (the first folder that takes it) and say where; in the
    browser, hand it over as a download."""
    name = export_name(session, "-audio.zip")
    failure: Exception | None = None
    for folder in export_folders():
        target = folder / name
        try:
            folder.mkdir(parents=True, exist_ok=True)
            count = write_session_bundle(target, session)
            break
        except (OSError, ValueError) as error:
            failure = failure or error
    else:
        error = getattr(failure, "strerror", None) or failure
        screen.notify(t("voice.export.failed", error=error), severity="error", markup=False)
        return
    if screen.app.is_web:
        screen.app.deliver_binary(target, save_filename=name)
        return
    screen.notify(t("voice.export.done", count=count, file=str(target)), markup=False, timeout=10)
