"""Handing an export to the user: a download in the browser, else a file (and where it went)."""

from __future__ import annotations

import io

from textual.screen import Screen

from soutenance.i18n import t
from soutenance.session.model import Session
from soutenance.usecases.export_files import export_name, write_export


def deliver_export(
    screen: Screen,
    session: Session,
    content: str,
    suffix: str,
    *,
    done_key: str = "summary.exported",
) -> None:
    name = export_name(session, suffix)
    if screen.app.is_web:
        screen.app.deliver_text(io.StringIO(content), save_filename=name)
        return
    try:
        target = write_export(name, content)
    except OSError as error:
        screen.notify(
            t("summary.export_failed", error=error.strerror or error),
            severity="error",
            markup=False,
        )
        return
    screen.notify(t(done_key, file=str(target)), markup=False, timeout=10)
