"""Export files: one naming scheme, written atomically where they can be written."""

from __future__ import annotations

import tempfile
from pathlib import Path

from soutenance import paths
from soutenance.files import atomic_write_text
from soutenance.session.model import Session
from soutenance.text import safe_filename


def export_name(session: Session, suffix: str) -> str:
    """2026-11-02-brief-creatif-camille-1a2b3c4d.json: sortable, says whose, safe on every disk.

    Every part comes from stored fields, so each goes through `safe_filename`: no separator, no
    "..", no control character, whatever an import brought in."""
    parts = (
        f"{session.started_at:%Y-%m-%d}",
        safe_filename(session.project_id, 40),
        safe_filename(session.student, 30).lower(),
        safe_filename(session.id, 8),
    )
    return "-".join(parts) + suffix


def export_folders() -> list[Path]:
    """Where exports go, in order of preference: the data dir, then the working, home and
    temporary folders when the data dir cannot be written."""
    return [paths.data_dir() / "exports", Path.cwd(), Path.home(), Path(tempfile.gettempdir())]


def write_export(name: str, content: str, folders: list[Path] | None = None) -> Path:
    """Write `content` to the first folder that takes it; raises the first OSError if none does."""
    failure: OSError | None = None
    for folder in folders or export_folders():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / name
            atomic_write_text(target, content)
            return target
        except (OSError, UnicodeEncodeError) as error:
            failure = failure or (error if isinstance(error, OSError) else OSError(str(error)))
    raise failure or OSError("no writable folder")
