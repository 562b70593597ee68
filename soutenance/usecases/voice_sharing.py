"""A session sent with its recordings: the zip bundle (soutenance.voice.bundle) written from a
session, and imported into the store with the recordings of that session's answers only."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from soutenance.session.model import Session
from soutenance.voice import storage
from soutenance.voice.bundle import install_audio, read_bundle, session_audio, write_bundle


def item_ids(session: Session) -> list[str]:
    """Every answer's and follow-up's id: what can have a recording."""
    return [item.id for answer in session.answers for item in (answer, *answer.follow_ups)]


def write_session_bundle(target: Path, session: Session) -> int:
    """Write the session's JSON export and its recordings to the zip `target` (atomically); how
    many recordings went in. OSError when a recording cannot be read or the zip written."""
    from soutenance.exports.session_json import session_to_json_text

    audio = session_audio(session.id, item_ids(session))
    write_bundle(target, session_to_json_text(session), audio)
    return len(audio)


@dataclass(frozen=True)
class BundleImport:
    result: Any
    """The ImportResult of the session's JSON."""
    installed: int
    """Recordings written here (those already here are kept: the student's own stay theirs)."""
    ignored: int
    """Recordings of ids the session does not have: never written."""


def import_session_bundle(
    store: Any, path: Path, *, max_bytes: int, student: str | None = None
) -> BundleImport:
    """Import a bundle: its JSON as any export (validated whole, merged), then the recordings
    of that session's answers and follow-ups that are not here yet. `student`: as for
    import_session (the mentor's `--as`).

    Raises InvalidBundle (a ValueError: nothing written) for a hostile or damaged zip,
    InvalidExport for a bad JSON, OSError when a recording cannot be written."""
    from soutenance.exports.importing import import_session
    from soutenance.exports.reading import InvalidExport

    bundle = read_bundle(path)
    json_bytes = bundle.json_text.encode("utf-8")
    if len(json_bytes) > max_bytes:
        raise InvalidExport("too_large", f"session.json is larger than {max_bytes >> 20} MB.")
    result = import_session(store, json_bytes, max_bytes=max_bytes, student=student)
    session = store.load_session(result.session_id)
    known = set(item_ids(session))
    wanted = {
        answer_id: data
        for answer_id, data in bundle.audio.items()
        if answer_id in known and not storage.recording_path(session.id, answer_id).exists()
    }
    install_audio(session.id, wanted)
    ignored = sum(1 for answer_id in bundle.audio if answer_id not in known)
    return BundleImport(result, len(wanted), ignored)
