"""Rescuing a damaged database: what SQLite can still read goes into a fresh database of the
current schema, and the original is kept, copied aside byte for byte with its -wal and -shm.

`sqlite3 .recover` (the command-line tool) reads past damaged pages, even a damaged schema. It
needs a tool built with the sqlite_dbpage table, which some distributions leave out (their
`.recover` prints part of a script, then fails): a failed run is never trusted, and the rows are
then copied one by one through Python's sqlite3, stepping over those a damaged page hides.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from soutenance.files import fsync_folder
from soutenance.session.model import new_id
from soutenance.store.db import Database, quoted, read_text, table_columns
from soutenance.store.migrations import LATEST_VERSION, build_schema, migrate

RECOVER_TIMEOUT_SECONDS = 300
PROBE_LIMIT = 10_000
"""How many row ids past the last readable row are tried, one by one, when the table's last id
is unknown (a damaged interior page hides a few thousand rows at most)."""
_SKIPPED_TABLES = {"leases"}
"""A lease of the damaged file names a window that no longer holds anything."""


@dataclass(frozen=True)
class Salvage:
    original: Path | None
    """Where the damaged file was copied; None when it was read in place and left alone."""
    sessions: int
    """Sessions in the rescued database."""
    method: str
    """"recover" (sqlite3 .recover) or "rows" (row by row through Python)."""


def salvage_in_place(path: Path, now: datetime | None = None) -> Salvage:
    """Copy the damaged database aside, then replace it with a fresh one holding what was read.

    Raises OSError or sqlite3.Error when that cannot be done: `path` is then left as it was.
    """
    aside = copy_aside(path, now)
    handle, fresh_name = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".salvage"
    )
    os.close(handle)
    fresh = Path(fresh_name)
    try:
        conn = sqlite3.connect(fresh, isolation_level=None)
        try:
            # Read in place (read-only): the copy aside stays exactly as the file was.
            sessions, method = recover_into(path, conn, scratch=path.parent)
        finally:
            conn.close()
        _fsync(fresh)
        for suffix in ("-wal", "-shm"):  # they belong to the damaged file (kept aside)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{path}{suffix}")
        os.replace(fresh, path)
    except BaseException:
        for leftover in (fresh, Path(f"{fresh}-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink()
        raise
    fsync_folder(path.parent)
    return Salvage(aside, sessions, method)


def salvage_into_memory(path: Path) -> tuple[Database, Salvage]:
    """What can be read of a damaged database, in memory; the file itself is never written."""
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.text_factory = read_text
    with tempfile.TemporaryDirectory(prefix="soutenance-salvage-") as scratch:
        sessions, method = recover_into(path, conn, scratch=Path(scratch))
    conn.execute("PRAGMA foreign_keys = ON")
    return Database(conn, None), Salvage(None, sessions, method)


def copy_aside(path: Path, now: datetime | None = None) -> Path:
    """Copy the database and its -wal and -shm next to it, synced; return the copy's path."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while any(Path(f"{target}{s}").exists() for s in ("", "-wal", "-shm")):
        counter += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
    copied: list[Path] = []
    try:
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{path}{suffix}")
            if suffix and not source.exists():
                continue
            destination = Path(f"{target}{suffix}")
            copied.append(destination)
            shutil.copyfile(source, destination)
            _fsync(destination)
    except BaseException:
        for destination in copied:
            with contextlib.suppress(OSError):
                destination.unlink()
        raise
    fsync_folder(path.parent)
    return target


def recover_into(source: Path, target: sqlite3.Connection, *, scratch: Path) -> tuple[int, str]:
    """Fill the empty database `target` with what can be read of `source`, at the current schema.

    Returns how many sessions it holds and how they were read ("recover" or "rows").
    """
    version = _header_version(source)
    build_schema(target, version)
    target.execute(f"PRAGMA user_version = {version}")
    with tempfile.TemporaryDirectory(dir=scratch, prefix=".salvage-") as folder:
        recovered = _recover_with_tool(source, Path(folder))
        method = "recover" if recovered is not None else "rows"
        reader = recovered or _open_read_only(source)
        try:
            target.execute("BEGIN")
            copy_rows(reader, target)
            target.execute("COMMIT")
        finally:
            reader.close()
    _mend_links(target)
    migrate(target)
    _rebuild_derived(target)
    return target.execute("SELECT count(*) FROM sessions").fetchone()[0], method


def _rebuild_derived(conn: sqlite3.Connection) -> None:
    """What is derived from the answers may have been read in part: built again, from the
    answers that were saved, on first use."""
    from soutenance.store.derived import rebuild

    conn.execute("BEGIN")
    rebuild(conn)
    conn.execute("COMMIT")


def _header_version(path: Path) -> int:
    """The schema version written in the file's header, when it is one soutenance knows."""
    try:
        with path.open("rb") as file:
            header = file.read(100)
    except OSError:
        return LATEST_VERSION
    version = int.from_bytes(header[60:64], "big") if len(header) == 100 else 0
    return version if 1 <= version <= LATEST_VERSION else LATEST_VERSION


def _open_read_only(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, isolation_level=None)
    # SQLite refuses a file shorter than its header says unless the schema is "writable" (no
    # write happens through a read-only connection); checking cell sizes turns a damaged page's
    # garbage into an error rather than into rows.
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("PRAGMA cell_size_check = ON")
    return _lenient(conn)


def _lenient(conn: sqlite3.Connection) -> sqlite3.Connection:
    """Text that is not UTF-8 is read with replacement characters rather than lost."""
    conn.text_factory = lambda raw: raw.decode("utf-8", "replace")
    return conn


def _recover_with_tool(source: Path, folder: Path) -> sqlite3.Connection | None:
    """The rows `sqlite3 .recover` rebuilds, loaded into a scratch database; None if it failed."""
    tool = shutil.which("sqlite3")
    if tool is None:
        return None
    script, rebuilt = folder / "recovered.sql", folder / "recovered.sqlite3"
    try:
        with script.open("wb") as output:
            run = subprocess.run(
                [tool, "-readonly", str(source), ".recover"], stdin=subprocess.DEVNULL,
                stdout=output, stderr=subprocess.PIPE, timeout=RECOVER_TIMEOUT_SECONDS, check=False,
            )  # fmt: skip
        if run.returncode != 0 or b"error" in run.stderr.lower():
            return None
        with script.open("rb") as commands:
            subprocess.run(
                [tool, str(rebuilt)], stdin=commands, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, timeout=RECOVER_TIMEOUT_SECONDS, check=False,
            )  # fmt: skip
        return _lenient(sqlite3.connect(rebuilt, isolation_level=None))
    except (OSError, subprocess.SubprocessError, sqlite3.Error):
        return None


def copy_rows(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """Every readable row of the tables both have, through the columns both have."""
    try:
        found = table_columns(source)
    except sqlite3.DatabaseError:
        return  # even the list of tables is unreadable
    for table, columns in table_columns(target).items():
        if table in _SKIPPED_TABLES or table not in found:
            continue
        shared = sorted(columns & found[table])
        names = ", ".join(quoted(c) for c in shared)
        insert = f"INSERT OR IGNORE INTO {quoted(table)} ({names}) VALUES ({', '.join('?' * len(shared))})"
        for row in readable_rows(source, table, shared):
            with contextlib.suppress(sqlite3.Error):
                target.execute(insert, row)


def readable_rows(conn: sqlite3.Connection, table: str, columns: list[str]) -> Iterator[tuple]:
    """The rows of `table` in rowid order; rows on a damaged page are stepped over."""
    names = ", ".join(quoted(c) for c in columns)
    if not _has_rowid(conn, table):
        yield from _rows_without_rowid(conn, table, names)
        return
    scan = f"SELECT rowid, {names} FROM {quoted(table)} WHERE rowid > ? ORDER BY rowid"
    first = _edge(conn, table, "min")
    after = -1 if first is None else first - 1
    last = _edge(conn, table, "max")
    while True:
        try:
            for row in conn.execute(scan, (after,)):
                if row[0] <= after:  # a damaged page pointing back: scanning on would never end
                    raise sqlite3.DatabaseError("rows out of order")
                after = row[0]
                yield tuple(row[1:])
            return
        except sqlite3.DatabaseError:
            following = _next_readable(conn, table, names, after, last)
            if following is None:
                return
            after = following[0]
            yield tuple(following[1:])


def _has_rowid(conn: sqlite3.Connection, table: str) -> bool:
    try:
        conn.execute(f"SELECT rowid FROM {quoted(table)} LIMIT 0")
    except sqlite3.OperationalError:
        return False  # WITHOUT ROWID
    return True


def _edge(conn: sqlite3.Connection, table: str, which: str) -> int | None:
    try:
        return conn.execute(f"SELECT {which}(rowid) FROM {quoted(table)}").fetchone()[0]
    except sqlite3.Error:
        return None


def _next_readable(
    conn: sqlite3.Connection, table: str, names: str, after: int, last: int | None
) -> tuple | None:
    """The first row after row id `after` that can be read whole, tried one id at a time."""
    probe = f"SELECT rowid, {names} FROM {quoted(table)} WHERE rowid = ?"
    end = last if last is not None else after + PROBE_LIMIT
    for rowid in range(after + 1, end + 1):
        try:
            row = conn.execute(probe, (rowid,)).fetchone()
        except sqlite3.DatabaseError:
            continue
        if row is not None:
            return tuple(row)
    return None


def _rows_without_rowid(conn: sqlite3.Connection, table: str, names: str) -> Iterator[tuple]:
    """A WITHOUT ROWID table: read in key order until a damaged page stops it."""
    with contextlib.suppress(sqlite3.DatabaseError):
        for row in conn.execute(f"SELECT {names} FROM {quoted(table)}"):
            yield tuple(row)


def _mend_links(conn: sqlite3.Connection) -> None:
    """A session keeps its student (a lost student row is made again from its name); rows whose
    parent was lost (answers of a lost session…) are left out: they stay in the copy aside."""
    now = datetime.now(UTC).isoformat(timespec="microseconds")
    for _ in range(8):  # each pass may orphan the next level (answers, then their follow-ups)
        problems = conn.execute("PRAGMA foreign_key_check").fetchall()
        if not problems:
            return
        for table, rowid, parent, _fk in problems:
            if table == "sessions" and parent == "students":
                name = conn.execute(
                    "SELECT student FROM sessions WHERE rowid = ?", (rowid,)
                ).fetchone()[0]
                conn.execute(
                    "INSERT OR IGNORE INTO students (id, name, created_at) VALUES (?, ?, ?)",
                    (new_id(), name, now),
                )
            elif rowid is not None:
                conn.execute(f"DELETE FROM {quoted(table)} WHERE rowid = ?", (rowid,))
            else:
                _delete_orphans(conn, table)


def _delete_orphans(conn: sqlite3.Connection, table: str) -> None:
    for fk in conn.execute(f"PRAGMA foreign_key_list({quoted(table)})").fetchall():
        parent, child_column, parent_column = fk[2], fk[3], fk[4]
        conn.execute(
            f"DELETE FROM {quoted(table)} WHERE {quoted(child_column)} NOT IN "
            f"(SELECT {quoted(parent_column)} FROM {quoted(parent)})"
        )


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
