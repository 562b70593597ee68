"""Files written so that a crash leaves the old bytes or the new ones, and files read without surprises."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What a file looked like when it was read: enough to notice that someone changed it since."""

    size: int
    sha256: str

    @classmethod
    def of_bytes(cls, data: bytes) -> Fingerprint:
        return cls(len(data), hashlib.sha256(data).hexdigest())

    @classmethod
    def of_file(cls, path: Path) -> Fingerprint | None:
        """The file's fingerprint, or None when it does not exist."""
        try:
            return cls.of_bytes(path.read_bytes())
        except FileNotFoundError:
            return None


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data`: temporary file in the same folder, fsync, rename, fsync the folder.

    Raises OSError (the original file untouched, no temporary file left) when any step fails.
    An existing file keeps its permission bits; a new one is readable by all (0644).
    """
    folder = path.parent
    mode = _mode_of(path)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644 if mode is None else mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    fsync_folder(folder)


def _mode_of(path: Path) -> int | None:
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return None


def fsync_folder(folder: Path) -> None:
    """Make a rename durable where the platform allows opening a folder (not on Windows)."""
    flags = getattr(os, "O_DIRECTORY", None)
    if flags is None:
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY | flags)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some file systems refuse fsync on folders; the rename itself is done
    finally:
        os.close(descriptor)


def atomic_write_text(path: Path, text: str) -> None:
    """`atomic_write` of UTF-8 text; a lone surrogate fails before anything is touched."""
    atomic_write(path, text.encode("utf-8"))


class NotARegularFile(OSError):
    """A FIFO, a device, a folder or a socket where a file was expected."""


class FileTooLarge(OSError):
    def __init__(self, path: Path, limit: int) -> None:
        self.limit = limit
        super().__init__(f"{path} is larger than {limit} bytes")


def read_regular(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most `max_bytes`, without ever blocking or over-reading.

    A FIFO is opened without waiting for a writer and refused, as are devices (whose reported
    size is 0 however much they would give): reading stops at `max_bytes` + 1 whatever the
    file says of its size.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    try:
        import stat

        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise NotARegularFile(f"{path} is not a regular file")
        chunks: list[bytes] = []
        left = max_bytes + 1
        while left > 0:
            chunk = os.read(descriptor, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(descriptor)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        raise FileTooLarge(path, max_bytes)
    return data
