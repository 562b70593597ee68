"""Where recordings live: data_dir()/recordings/<session id>/<answer id>.opus, and their removal.

An answer stores the path relative to the data dir (`relative_reference`), so moving the data
dir keeps its recordings. Only regular files directly in a session's folder are ever deleted,
and symbolic links are removed as links, never followed.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from soutenance import paths
from soutenance.text import safe_filename

EXTENSION = ".opus"
FOLDER = "recordings"
_AGE = re.compile(r"^\s*(\d+)\s*([dhw]|days?|hours?|weeks?)\s*$", re.IGNORECASE)


def recordings_dir() -> Path:
    return paths.data_dir() / FOLDER


def id_part(identifier: str) -> str:
    """An id as a file-name part: the store's ids are hex already; anything else is made safe."""
    return safe_filename(identifier, max_length=80)


def recording_path(session_id: str, answer_id: str) -> Path:
    return recordings_dir() / id_part(session_id) / f"{id_part(answer_id)}{EXTENSION}"


def part_paths(session_id: str, answer_id: str) -> list[Path]:
    """The continuations of an answer's recording not joined to it yet, in the order recorded:
    "<answer id>.part<n>.opus" (the answer went on after a resume, or after being passed)."""
    folder = recordings_dir() / id_part(session_id)
    stem = f"{id_part(answer_id)}.part"
    numbered = []
    for path, _ in _files_of(folder):
        number = path.name.removeprefix(stem).removesuffix(EXTENSION)
        if path.name.startswith(stem) and number.isdigit():
            numbered.append((int(number), path))
    return [path for _, path in sorted(numbered)]


def next_part_path(session_id: str, answer_id: str) -> Path:
    parts = part_paths(session_id, answer_id)
    number = int(parts[-1].name.rsplit(".part", 1)[1].removesuffix(EXTENSION)) + 1 if parts else 1
    folder = recordings_dir() / id_part(session_id)
    return folder / f"{id_part(answer_id)}.part{number}{EXTENSION}"


def reference_for(session_id: str, answer_id: str) -> str:
    """The reference an answer's own recording has (its path under the data dir)."""
    return f"{FOLDER}/{id_part(session_id)}/{id_part(answer_id)}{EXTENSION}"


def relative_reference(path: Path) -> str:
    """What an answer stores: the path under the data dir, with forward slashes."""
    return path.relative_to(paths.data_dir()).as_posix()


def resolve_reference(reference: str) -> Path | None:
    """The file an answer's stored reference names, or None when it is not a recording's name."""
    parts = reference.split("/")
    if len(parts) != 3 or parts[0] != FOLDER or not parts[2].endswith(EXTENSION):
        return None
    session, answer = parts[1], parts[2].removesuffix(EXTENSION)
    if id_part(session) != session or id_part(answer) != answer:
        return None
    return recordings_dir() / session / parts[2]


@dataclass(frozen=True)
class SessionRecordings:
    session_id: str
    files: tuple[Path, ...]
    size: int
    newest: datetime | None

    @property
    def answer_ids(self) -> list[str]:
        return [f.name.removesuffix(EXTENSION) for f in self.files]


def _files_of(folder: Path) -> list[tuple[Path, os.stat_result]]:
    found = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode) and entry.name.endswith(EXTENSION):
            found.append((Path(entry.path), info))
    return sorted(found)


def _session_folders() -> list[Path]:
    try:
        entries = list(os.scandir(recordings_dir()))
    except OSError:
        return []
    return sorted(Path(e.path) for e in entries if e.is_dir(follow_symlinks=False))


def session_recordings(session_id: str) -> SessionRecordings:
    folder = recordings_dir() / id_part(session_id)
    files = [] if folder.is_symlink() else _files_of(folder)
    newest = max((info.st_mtime for _, info in files), default=None)
    return SessionRecordings(
        session_id=id_part(session_id),
        files=tuple(path for path, _ in files),
        size=sum(info.st_size for _, info in files),
        newest=datetime.fromtimestamp(newest, UTC) if newest is not None else None,
    )


def list_recordings() -> list[SessionRecordings]:
    """Every session that has recordings, the most recently recorded first."""
    found = [session_recordings(folder.name) for folder in _session_folders()]
    found = [s for s in found if s.files]
    return sorted(found, key=lambda s: s.newest or datetime.min.replace(tzinfo=UTC), reverse=True)


def match_sessions(prefix: str) -> list[str]:
    """Session ids with recordings that start with `prefix` (history prints the first 12 characters)."""
    wanted = id_part(prefix)
    return [s.session_id for s in list_recordings() if s.session_id.startswith(wanted)]


def _remove(path: Path) -> bool:
    try:
        path.unlink()
        return True
    except FileNotFoundError:
        return False


def _remove_folder_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not empty (a file we do not own stays), or already gone
        folder.rmdir()


def delete_session_recordings(session_id: str) -> list[Path]:
    """Delete one session's recordings; the paths deleted."""
    folder = recordings_dir() / id_part(session_id)
    if folder.is_symlink():
        _remove(folder)
        return []
    deleted = [path for path, _ in _files_of(folder) if _remove(path)]
    _remove_folder_if_empty(folder)
    return deleted


def delete_older_than(age: timedelta, *, now: datetime | None = None) -> list[Path]:
    """Delete every recording made more than `age` ago (by its file's modification time)."""
    cutoff = (now or datetime.now(UTC)).timestamp() - age.total_seconds()
    deleted: list[Path] = []
    for folder in _session_folders():
        deleted += [
            path for path, info in _files_of(folder) if info.st_mtime < cutoff and _remove(path)
        ]
        _remove_folder_if_empty(folder)
    return deleted


def parse_age(text: str) -> timedelta:
    """ "30d", "2w", "12h", "30 days" -> a timedelta; ValueError with a readable reason."""
    match = _AGE.match(text)
    if not match:
        raise ValueError(
            f"{text!r} is not an age: write a number of days (30d), weeks (2w) or hours (12h)"
        )
    number, unit = int(match[1]), match[2][0].lower()
    return {
        "d": timedelta(days=number),
        "w": timedelta(weeks=number),
        "h": timedelta(hours=number),
    }[unit]
