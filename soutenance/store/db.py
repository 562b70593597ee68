"""The SQLite connection: WAL, foreign keys, busy retries, migrations, and checks of what it opens.

Two app processes may share one database file: every write runs in a short BEGIN IMMEDIATE
transaction and is retried while another process holds the lock.

Opening never changes a file it should not: a database from a newer soutenance or from another
program (version 0 with tables of its own) is refused before anything is written to it, and a
damaged one (unreadable pages, or tables that are not the ones its version has) is reported as
CorruptDatabase, for `soutenance.store.salvage` to rescue what it can.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TypeVar

from soutenance.store import checked
from soutenance.store.migrations import (
    LATEST_VERSION,
    SchemaTooNew,
    build_schema,
    migrate,
)

T = TypeVar("T")

BUSY_TIMEOUT_SECONDS = 10.0
RETRY_WINDOW_SECONDS = 60.0
SQLITE_HEADER = b"SQLite format 3\x00"
_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
_CORRUPT_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_UNWRITABLE_CODES = {
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_PERM,
}


class StoreError(Exception):
    """Base of the store's errors; str() is a message fit for the user."""


class StoreUnavailable(StoreError):
    """The database cannot be used (folder not writable, disk full, newer schema…)."""

    def __init__(self, path: Path | None, reason: str) -> None:
        self.path = path
        self.reason = reason
        where = f"the database at {path}" if path is not None else "the database in memory"
        super().__init__(f"Cannot use {where}: {reason}.")


class NewerSchema(StoreUnavailable):
    """The database was written by a newer soutenance: left untouched, never downgraded."""


class ForeignDatabase(StoreUnavailable):
    """A SQLite file of another program where soutenance keeps its database: never touched."""


class CorruptDatabase(StoreError):
    """The file is not a database soutenance can read as it is; it was left where it is."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"The database at {path} is damaged ({reason}).")


class StoreBusy(StoreError):
    """Another process kept the database locked for longer than the retry window."""


def _code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def is_busy(exc: sqlite3.Error) -> bool:
    code = _code(exc)
    if code is not None:
        return code in _BUSY_CODES
    message = str(exc).lower()
    return "locked" in message or "busy" in message


def is_corrupt(exc: sqlite3.Error) -> bool:
    code = _code(exc)
    if code is not None:
        return code in _CORRUPT_CODES
    message = str(exc).lower()
    return "malformed" in message or "not a database" in message


def unwritable_reason(exc: sqlite3.Error, path: Path | None = None) -> str | None:
    """Why a write could not reach the disk (full, read-only, I/O error), or None."""
    code = _code(exc)
    if code not in _UNWRITABLE_CODES:
        return None
    # SQLite says "disk I/O error" when a full disk refuses its shared-memory file.
    if code == sqlite3.SQLITE_FULL or (path is not None and _disk_full(path.parent)):
        return f"the disk is full ({exc})"
    return str(exc)


def _disk_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < 64 * 1024
    except OSError:
        return False


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
    """One connection, shared by the app's threads under a lock; `path` None means in memory.

    `read_only` connections (opened with mode=ro) can read a file nobody may write; any write
    through them fails.
    """

    def __init__(
        self, conn: sqlite3.Connection, path: Path | None, *, read_only: bool = False
    ) -> None:
        self.conn = conn
        self.path = path
        self.read_only = read_only
        self._lock = threading.RLock()
        self._private_copy = False

    @property
    def persistent(self) -> bool:
        """Whether a write reaches a file (False in memory and for a read-only opening)."""
        return self.path is not None and not self.read_only

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
        """Run `work` in one write transaction, re-running all of it if the database was busy.

        Raises StoreUnavailable, nothing written, when the disk refuses the write (full,
        read-only, I/O error).
        """

        def attempt() -> T:
            with self.transaction() as conn:
                return work(conn)

        try:
            return retry_busy(attempt)
        except sqlite3.OperationalError as exc:
            if reason := unwritable_reason(exc, self.path):
                raise StoreUnavailable(self.path, reason) from exc
            raise

    def write_derived(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """`write` for rows derived from the others (the draw's memory, the summaries): a
        read-only opening brings them up to date in a private in-memory copy of the file, taken
        at the first such write, so that reading never needs the right to write."""
        if self.read_only and not self._private_copy:
            with self._lock:
                self.conn = _migrated_copy(self.conn)
                self._private_copy = True
        return self.write(work)

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
            if self.path is not None and not self.read_only:
                # Our own transactions kept it whole; the last connection out applies the log.
                checked.remember_whole(self.path)


def open_database(path: Path | str, *, read_only: bool = False, durable: bool = False) -> Database:
    """Open the database at `path`: created and migrated, or with `read_only` never written.

    `durable` syncs every commit to the disk (for one-shot commands that say "saved").
    Raises StoreUnavailable (NewerSchema, ForeignDatabase) when it cannot be used, and
    CorruptDatabase when it is damaged; the file is left as it was either way. A read-only
    opening of a missing file gives an empty database in memory.
    """
    path = Path(path)
    _refuse_dangling_link(path)
    if read_only:
        return _open_read_only(path)
    _prepare_folder(path)
    if reason := _header_problem(path):
        raise CorruptDatabase(path, reason)

    def prepare(conn: sqlite3.Connection) -> sqlite3.Connection:
        version, tables = _check_version(conn, path)
        _configure(conn, durable)
        _check_damage(conn, path, version, tables)
        retry_busy(lambda: migrate(conn))
        return conn

    return Database(_prepared(path, _connect(path, str(path), uri=False), prepare), path)


def _open_read_only(path: Path) -> Database:
    if path.is_dir():
        raise StoreUnavailable(path, "it is a folder, not a database file")
    if not path.exists() or path.stat().st_size == 0:
        return open_memory_database()
    if reason := _header_problem(path):
        raise CorruptDatabase(path, reason)
    try:
        return _read_only(path, "mode=ro")
    except StoreUnavailable:
        # Reading a WAL database needs its shared-memory file, which a read-only folder or a
        # full disk refuses; with nothing in the WAL the file alone holds every commit.
        wal = Path(f"{path}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise
        return _read_only(path, "mode=ro&immutable=1")


def _read_only(path: Path, options: str) -> Database:

    def prepare(conn: sqlite3.Connection) -> sqlite3.Connection:
        version, tables = _check_version(conn, path)
        _check_damage(conn, path, version, tables)
        return _migrated_copy(conn) if version < LATEST_VERSION else conn

    conn = _connect(path, f"{path.absolute().as_uri()}?{options}", uri=True)
    return Database(_prepared(path, conn, prepare), path, read_only=True)


def _prepared(
    path: Path,
    conn: sqlite3.Connection,
    prepare: Callable[[sqlite3.Connection], sqlite3.Connection],
) -> sqlite3.Connection:
    """`prepare(conn)`; if it fails, the connection is closed and the error said as the store's."""
    try:
        return prepare(conn)
    except SchemaTooNew as exc:
        conn.close()
        raise NewerSchema(path, str(exc)) from exc
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise _open_error(path, exc) from exc
    except BaseException:
        conn.close()
        raise


def _connect(path: Path, target: str, *, uri: bool) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(
            target, uri=uri, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None,
            check_same_thread=False,
        )  # fmt: skip
    except sqlite3.Error as exc:
        raise StoreUnavailable(path, str(exc)) from exc
    conn.row_factory = sqlite3.Row
    conn.text_factory = read_text
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
    return conn


def read_text(raw: bytes) -> str:
    """Stored text as str; bytes that are not UTF-8 (written by another tool) become lone
    surrogates, which the session model refuses as a damaged row instead of a crash."""
    return raw.decode("utf-8", "surrogateescape")


def _open_error(path: Path, exc: sqlite3.DatabaseError) -> StoreError:
    if is_corrupt(exc):
        return CorruptDatabase(path, str(exc))
    return StoreUnavailable(path, unwritable_reason(exc, path) or str(exc))


def _migrated_copy(conn: sqlite3.Connection) -> sqlite3.Connection:
    """An older database brought to the current schema in memory, the file left as it is."""
    copy = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    copy.row_factory = sqlite3.Row
    copy.text_factory = read_text
    conn.backup(copy)
    conn.close()
    migrate(copy)
    copy.execute("PRAGMA foreign_keys = ON")
    return copy


def open_memory_database() -> Database:
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.text_factory = read_text
    conn.execute("PRAGMA foreign_keys = ON")
    migrate(conn)
    return Database(conn, None)


def _refuse_dangling_link(path: Path) -> None:
    """A link to a file on a drive not mounted must not become a new, empty database there."""
    if path.is_symlink() and not path.exists():
        raise StoreUnavailable(path, f"it is a link to {os.readlink(path)}, which does not exist")


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
    if path.is_dir():
        raise StoreUnavailable(path, "it is a folder, not a database file")
    if path.exists() and not os.access(path, os.R_OK):
        raise StoreUnavailable(path, "the database file cannot be read")
    if path.exists() and not os.access(path, os.W_OK):
        raise StoreUnavailable(path, "the database file is read-only")


def _header_problem(path: Path) -> str | None:
    """Why the file is plainly not a SQLite database, or None (a missing or empty file is fine)."""
    try:
        with path.open("rb") as file:
            header = file.read(100)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreUnavailable(path, exc.strerror or str(exc)) from exc
    if not header:
        return None
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        return "not a SQLite database"
    return None


def _check_version(conn: sqlite3.Connection, path: Path) -> tuple[int, dict[str, frozenset[str]]]:
    """The schema version and the tables, read in one snapshot (another window may be migrating
    the file meanwhile) and before anything is written; refuses newer and foreign files."""

    def read() -> tuple[int, dict[str, frozenset[str]]]:
        conn.execute("BEGIN")
        try:
            return conn.execute("PRAGMA user_version").fetchone()[0], table_columns(conn)
        finally:
            if conn.in_transaction:  # SQLite ends it by itself on an I/O error
                conn.execute("ROLLBACK")

    version, tables = retry_busy(read)
    if version > LATEST_VERSION:
        raise SchemaTooNew(version)
    if version == 0 and tables:
        names = sorted(tables)
        shown = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
        raise ForeignDatabase(
            path,
            f"it is not a soutenance database (it holds the tables {shown} of another "
            "program); it was left untouched: move it away or choose another data folder",
        )
    return version, tables


def _configure(conn: sqlite3.Connection, durable: bool) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    mode = retry_busy(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
    if mode.lower() != "wal":
        raise sqlite3.OperationalError(f"cannot switch to WAL journal (got {mode})")
    # NORMAL is durable against a crashed or killed process in WAL mode, and keeps the app's
    # frequent commits fast; a one-shot command that says "saved" syncs each commit (FULL).
    conn.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")


def _check_damage(
    conn: sqlite3.Connection, path: Path, version: int, tables: dict[str, frozenset[str]]
) -> None:
    """Unreadable pages, or tables that are not those of the database's version. Every page is
    read unless the file is exactly as it was when last found whole (store/checked.py)."""
    read_every_page = not checked.unchanged_since_checked(path)
    if read_every_page:
        rows = retry_busy(lambda: conn.execute("PRAGMA quick_check(3)").fetchall())
        problems = [str(row[0]) for row in rows]
        if problems != ["ok"]:
            detail = " ".join(problems).replace("*** in database main ***", "")
            raise CorruptDatabase(path, " ".join(detail.split()))  # one line
    if problem := schema_problem(tables, version):
        raise CorruptDatabase(path, problem)
    if read_every_page:
        checked.remember_whole(path)


def table_columns(conn: sqlite3.Connection) -> dict[str, frozenset[str]]:
    """The columns of every table of the database, SQLite's own tables left out."""
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        )
    ]
    return {name: frozenset(row[1] for row in conn.execute(
        f"PRAGMA table_info({quoted(name)})")) for name in names}  # fmt: skip


def quoted(name: str) -> str:
    """An identifier as SQL text, whatever characters it holds."""
    return '"' + name.replace('"', '""') + '"'


@cache
def expected_columns(version: int) -> dict[str, frozenset[str]]:
    """The tables and columns a database at `version` has: the migrations up to it, in memory."""
    conn = sqlite3.connect(":memory:")
    try:
        build_schema(conn, version)
        return table_columns(conn)
    finally:
        conn.close()


def schema_problem(found: dict[str, frozenset[str]], version: int) -> str | None:
    """What is wrong with the tables `found` at `version`, or None (extra tables are fine)."""
    if version == 0:
        return None
    for table, columns in sorted(expected_columns(version).items()):
        if table not in found:
            return f"the table {table} is missing"
        if found[table] != columns:
            return f"the table {table} does not have the columns of schema {version}"
    return None
