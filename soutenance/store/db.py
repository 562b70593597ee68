"""The SQLite connection: WAL, foreign keys, busy retries, migrations, and recovery from bad files.

Two app processes may share one database file: every write runs in a short BEGIN IMMEDIATE
transaction and is retried while another process holds the lock.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from soutenance.store.migrations import SchemaTooNew, migrate

T = TypeVar("T")

BUSY_TIMEOUT_SECONDS = 10.0
RETRY_WINDOW_SECONDS = 60.0
SQLITE_HEADER = b"SQLite format 3\x00"
_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
_CORRUPT_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}


class StoreError(Exception):
    """Base of the store's errors; str() is a message fit for the user."""


class StoreUnavailable(StoreError):
    """The database cannot be opened for writing (folder not writable, disk full, newer schema…)."""

    def __init__(self, path: Path | None, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"Cannot use the database at {path}: {reason}.")


class NewerSchema(StoreUnavailable):
    """The database was written by a newer soutenance: left untouched, never downgraded."""


class CorruptDatabase(StoreError):
    """The file is not a readable database; it has been moved aside to `moved_to`."""

    def __init__(self, path: Path, reason: str, moved_to: Path | None = None) -> None:
        self.path = path
        self.reason = reason
        self.moved_to = moved_to
        if moved_to:
            outcome = f"it was moved to {moved_to} and a fresh database was started."
        else:
            outcome = "it could not be moved aside, so it was left as it is."
        super().__init__(f"The database at {path} could not be read ({reason}); {outcome}")


class StoreBusy(StoreError):
    """Another process kept the database locked for longer than the retry window."""


def is_busy(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _BUSY_CODES
    message = str(exc).lower()
    return "locked" in message or "busy" in message


def is_corrupt(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _CORRUPT_CODES
    message = str(exc).lower()
    return "malformed" in message or "not a database" in message


def retry_busy(work: Callable[[], T], window: float = RETRY_WINDOW_SECONDS) -> T:
    """Run `work`, again and again while SQLite reports the database busy or locked."""
    deadline = time.monotonic() + window
    pause = 0.01
    while True:
        try:
            return work()
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
                raise
            if time.monotonic() >= deadline:
                raise StoreBusy(
                    "The database stayed locked by another soutenance window; try again."
                ) from exc
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


class Database:
    """One connection, shared by the app's threads under a lock; `path` None means in memory."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self.conn = conn
        self.path = path
        self._lock = threading.RLock()

    @property
    def persistent(self) -> bool:
        return self.path is not None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: BEGIN IMMEDIATE (retried while busy), COMMIT, or ROLLBACK on error."""
        with self._lock:
            retry_busy(lambda: self.conn.execute("BEGIN IMMEDIATE"))
            try:
                yield self.conn
                retry_busy(lambda: self.conn.execute("COMMIT"))
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.rollback()
                raise

    def write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` in one write transaction, re-running all of it if the database was busy."""

        def attempt() -> T:
            with self.transaction() as conn:
                return work(conn)

        return retry_busy(attempt)

    def read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` in one read transaction, so several SELECTs see the same snapshot."""

        def attempt() -> T:
            with self._lock:
                self.conn.execute("BEGIN")
                try:
                    return work(self.conn)
                finally:
                    self.conn.rollback()

        return retry_busy(attempt)

    def close(self) -> None:
        with self._lock:
            self.conn.close()


def open_database(path: Path | str) -> Database:
    """Open (creating if needed) and migrate the database at `path`.

    Raises StoreUnavailable when it cannot be written, and CorruptDatabase after moving a bad
    file aside: opening again then starts a fresh database.
    """
    path = Path(path)
    _prepare_folder(path)
    if reason := _header_problem(path):
        raise CorruptDatabase(path, reason, _move_aside_or_none(path))
    try:
        conn = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as exc:
        raise StoreUnavailable(path, str(exc)) from exc
    conn.row_factory = sqlite3.Row
    try:
        _configure(conn)
        _check_integrity(conn)
        retry_busy(lambda: migrate(conn))
    except SchemaTooNew as exc:
        conn.close()
        raise NewerSchema(path, str(exc)) from exc
    except sqlite3.DatabaseError as exc:
        conn.close()
        if is_corrupt(exc):
            raise CorruptDatabase(path, str(exc), _move_aside_or_none(path)) from exc
        raise StoreUnavailable(path, str(exc)) from exc
    except BaseException:
        conn.close()
        raise
    return Database(conn, path)


def open_memory_database() -> Database:
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    migrate(conn)
    return Database(conn, None)


def move_aside(path: Path, now: datetime | None = None) -> Path:
    """Rename a bad database (and its -wal/-shm) with a timestamp suffix; return the new path."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
    os.rename(path, target)
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.rename(companion, target.with_name(target.name + suffix))
    return target


def _move_aside_or_none(path: Path) -> Path | None:
    try:
        return move_aside(path)
    except OSError:
        return None


def _prepare_folder(path: Path) -> None:
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreUnavailable(path, f"the folder {folder} cannot be created ({exc})") from exc
    if not folder.is_dir():
        raise StoreUnavailable(path, f"{folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreUnavailable(path, f"the folder {folder} is not writable")
    if path.exists() and (path.is_dir() or not os.access(path, os.R_OK | os.W_OK)):
        raise StoreUnavailable(path, "the database file cannot be read and written")


def _header_problem(path: Path) -> str | None:
    """Why the file is plainly not a SQLite database, or None (a missing or empty file is fine)."""
    try:
        with path.open("rb") as file:
            header = file.read(100)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreUnavailable(path, str(exc)) from exc
    if not header:
        return None
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        return "not a SQLite database"
    return None


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    mode = retry_busy(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
    if mode.lower() != "wal":
        raise sqlite3.OperationalError(f"cannot switch to WAL journal (got {mode})")
    # NORMAL is durable against a crashed or killed process in WAL mode, and keeps commits fast.
    conn.execute("PRAGMA synchronous = NORMAL")


def _check_integrity(conn: sqlite3.Connection) -> None:
    rows = retry_busy(lambda: conn.execute("PRAGMA quick_check(3)").fetchall())
    problems = [str(row[0]) for row in rows]
    if problems != ["ok"]:
        detail = "; ".join(problems)
        raise sqlite3.DatabaseError(f"database disk image is malformed: {detail}")
