"""Export bundles: a session's JSON and its recordings in one zip a mentor receives by email.

    session.json              the JSON export, as `soutenance export --format json` writes it
    audio/<answer id>.opus    one recording per answer or follow-up that has one

Reading one back trusts nothing: the archive must be a regular file of bounded size, every
member a regular file with one of the names above (no folder other than audio/, no link, no
path of its own), each of bounded size once inflated, and each recording an Ogg stream.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from soutenance.files import FileTooLarge, NotARegularFile, atomic_write, fsync_folder, read_regular
from soutenance.text import visible
from soutenance.voice import storage

JSON_NAME = "session.json"
AUDIO_FOLDER = "audio/"
_AUDIO_NAME = re.compile(r"^audio/([A-Za-z0-9_-]{1,80})\.opus$")
OGG_MAGIC = b"OggS"
MAX_JSON_BYTES = 16 << 20
MAX_AUDIO_BYTES = 64 << 20
MAX_TOTAL_BYTES = 256 << 20
MAX_ARCHIVE_BYTES = MAX_TOTAL_BYTES + (1 << 20)
MAX_MEMBERS = 1000


class InvalidBundle(ValueError):
    """A bundle that cannot be imported; str() is a one-line message. Nothing was written."""


@dataclass(frozen=True)
class Bundle:
    json_text: str
    audio: dict[str, bytes]
    """Answer id -> the Ogg/Opus bytes of its recording."""


def is_bundle(path: Path) -> bool:
    """True when `path` starts like a zip (an export bundle), False for JSON or anything else."""
    try:
        with path.open("rb") as handle:
            return handle.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def session_audio(session_id: str, answer_ids: list[str]) -> dict[str, Path]:
    """The recordings that exist for these answers (and follow-ups) of a session."""
    found = {}
    for answer_id in answer_ids:
        path = storage.recording_path(session_id, answer_id)
        if storage.id_part(answer_id) == answer_id and path.is_file() and not path.is_symlink():
            found[answer_id] = path
    return found


def write_bundle(target: Path, json_text: str, audio: Mapping[str, Path]) -> None:
    """Write the zip atomically (a crash leaves the old file or none). OSError when a recording
    cannot be read or the target written; ValueError for an answer id unfit for a name."""
    for answer_id in audio:
        if not _AUDIO_NAME.match(f"{AUDIO_FOLDER}{answer_id}.opus"):
            raise ValueError(f"{answer_id!r} cannot name a recording in a bundle")
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            with zipfile.ZipFile(stream, "w") as archive:
                archive.writestr(
                    JSON_NAME, json_text.encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED
                )
                for answer_id, path in sorted(audio.items()):
                    data = read_regular(path, MAX_AUDIO_BYTES)  # already compressed: stored as is
                    archive.writestr(
                        f"{AUDIO_FOLDER}{answer_id}.opus", data, compress_type=zipfile.ZIP_STORED
                    )
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    fsync_folder(target.parent)


def read_bundle(source: Path) -> Bundle:
    """The bundle's JSON text and recordings; InvalidBundle says what is wrong with it."""
    try:
        raw = read_regular(source, MAX_ARCHIVE_BYTES)
    except FileTooLarge:
        raise InvalidBundle(f"{source} is larger than {MAX_ARCHIVE_BYTES >> 20} MB.") from None
    except NotARegularFile:
        raise InvalidBundle(f"{source} is not a regular file.") from None
    except OSError as error:
        raise InvalidBundle(f"Cannot read {source}: {error.strerror or error}.") from None
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return _read_members(archive)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        ValueError,
        NotImplementedError,
    ) as error:
        if isinstance(error, InvalidBundle):
            raise
        raise InvalidBundle(f"{source} is not a readable zip: {error}.") from None


def _read_members(archive: zipfile.ZipFile) -> Bundle:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise InvalidBundle(
            f"The bundle holds {len(members)} files; at most {MAX_MEMBERS} are accepted."
        )
    json_text: str | None = None
    audio: dict[str, bytes] = {}
    total = 0
    for info in members:
        name = visible(info.filename)
        if info.filename == AUDIO_FOLDER and info.is_dir():
            continue
        audio_match = _AUDIO_NAME.match(info.filename)
        if info.filename != JSON_NAME and not audio_match:
            raise InvalidBundle(f"Unexpected file {name!r} in the bundle.")
        _check_member(info, name)
        limit = MAX_JSON_BYTES if audio_match is None else MAX_AUDIO_BYTES
        data = _bounded_read(archive, info, limit, name)
        total += len(data)
        if total > MAX_TOTAL_BYTES:
            raise InvalidBundle(
                f"The bundle holds more than {MAX_TOTAL_BYTES >> 20} MB once unpacked."
            )
        if audio_match is None:
            if json_text is not None:
                raise InvalidBundle(f"{JSON_NAME} appears twice in the bundle.")
            try:
                json_text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise InvalidBundle(f"{JSON_NAME} is not UTF-8 text.") from None
        else:
            answer_id = audio_match[1]
            if answer_id in audio:
                raise InvalidBundle(f"{name!r} appears twice in the bundle.")
            if not data.startswith(OGG_MAGIC):
                raise InvalidBundle(f"{name!r} is not an Ogg/Opus recording.")
            audio[answer_id] = data
    if json_text is None:
        raise InvalidBundle(f"The bundle has no {JSON_NAME}.")
    return Bundle(json_text, audio)


def _check_member(info: zipfile.ZipInfo, name: str) -> None:
    kind = stat.S_IFMT(info.external_attr >> 16)
    if info.is_dir() or kind not in (0, stat.S_IFREG):
        raise InvalidBundle(f"{name!r} in the bundle is not a regular file.")
    if info.flag_bits & 0x1:
        raise InvalidBundle(f"{name!r} in the bundle is encrypted.")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise InvalidBundle(f"{name!r} in the bundle uses an unsupported compression.")


def _bounded_read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, name: str) -> bytes:
    """Inflate at most `limit` + 1 bytes whatever the header claims (a zip bomb lies)."""
    if info.file_size > limit:
        raise InvalidBundle(f"{name!r} in the bundle is larger than {limit >> 20} MB.")
    with archive.open(info) as member:
        data = member.read(limit + 1)
    if len(data) > limit:
        raise InvalidBundle(f"{name!r} in the bundle is larger than {limit >> 20} MB.")
    return data


def install_audio(session_id: str, audio: Mapping[str, bytes]) -> dict[str, str]:
    """Write a bundle's recordings into the recordings folder (each atomically, replacing a local
    copy); answer id -> the reference the answer stores. OSError when the disk refuses."""
    references = {}
    for answer_id, data in audio.items():
        path = storage.recording_path(session_id, answer_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
        references[answer_id] = storage.relative_reference(path)
    return references
