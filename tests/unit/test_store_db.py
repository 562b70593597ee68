"""Opening the database: pragmas, migrations, modes, bad files salvaged, foreign files refused."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from soutenance import i18n
from soutenance.paths import database_path
from soutenance.store import CorruptDatabase, StoreUnavailable, open_store
from soutenance.store.db import ForeignDatabase, open_database, retry_busy
from soutenance.store.migrations import LATEST_VERSION
from tests.samples import sample_session


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The store's warnings are translated: these tests read the English ones."""
    previous = i18n.current_language()
    i18n.set_language("en")
    yield
    i18n.set_language(previous)


def filled_database(path: Path, sessions: int = 30) -> None:
    store = open_store(path)
    for seed in range(sessions):
        store.save_session(sample_session(seed=seed, reviewed=True, objectives=2))
    store.close()


def test_a_new_database_uses_wal_foreign_keys_and_the_latest_schema(tmp_path: Path) -> None:
    db = open_database(tmp_path / "data" / "s.sqlite3")
    conn = db.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"students", "sessions", "answers", "follow_ups", "objectives", "leases"} <= tables


def test_reopening_keeps_data_and_does_not_migrate_again(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    filled_database(path, sessions=2)
    store = open_store(path)
    assert store.warning is None
    assert len(store.list_sessions()) == 2


def test_open_store_defaults_to_the_data_dir(soutenance_home: Path) -> None:
    store = open_store()
    assert store.persistent
    assert database_path().exists()
    assert database_path().parent == soutenance_home


def test_the_tables_have_exactly_the_columns_the_model_gives(tmp_path: Path) -> None:
    """A field added to the session model needs its column in a migration: this says which."""
    from soutenance.store.rows import TABLES

    db = open_database(tmp_path / "s.sqlite3")
    for table in TABLES:
        columns = {row[1] for row in db.conn.execute(f"PRAGMA table_info({table.name})")}
        assert columns == set(table.columns), table.name


@pytest.mark.parametrize(
    "damage",
    ["random_bytes", "text_file", "tiny", "truncated_half", "truncated_to_first_page"],
)
def test_a_bad_database_is_copied_aside_and_salvaged(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "soutenance.sqlite3"
    filled_database(path)
    original = path.read_bytes()
    if damage == "random_bytes":
        bad = os.urandom(8192)
    elif damage == "text_file":
        bad = b"# my notes\nnot a database at all\n" * 20
    elif damage == "tiny":
        bad = original[:50]
    elif damage == "truncated_half":
        bad = original[: len(original) // 2]
    else:
        bad = original[:4096]
    path.write_bytes(bad)

    store = open_store(path)

    assert store.persistent
    moved = store.moved_aside
    assert moved is not None and moved.exists()
    assert moved.parent == path.parent and moved.name.startswith("soutenance.sqlite3.corrupt-")
    assert moved.read_bytes() == bad  # kept as it was, never emptied
    assert str(moved) in store.warning and str(path) in store.warning
    recovered = len(store.list_sessions(limit=None))
    assert f"{recovered} session(s) were recovered" in store.warning
    if damage == "truncated_half":
        assert recovered > 0  # the pages still there are read back
    store.save_session(sample_session(seed=999))
    assert len(store.list_sessions(limit=None)) == recovered + 1


def test_open_database_reports_a_damaged_file_and_leaves_it_alone(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    path.write_bytes(b"\x00garbage" * 100)
    with pytest.raises(CorruptDatabase, match="not a SQLite database"):
        open_database(path)
    assert path.read_bytes() == b"\x00garbage" * 100
    with pytest.raises(CorruptDatabase):
        open_database(path, read_only=True)
    assert path.read_bytes() == b"\x00garbage" * 100


def test_the_wal_and_shm_files_are_copied_with_the_bad_database(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    path.write_bytes(os.urandom(4096))
    Path(f"{path}-wal").write_bytes(b"wal bytes")
    Path(f"{path}-shm").write_bytes(b"shm bytes")
    store = open_store(path)
    moved = store.moved_aside
    assert moved is not None
    assert Path(f"{moved}-wal").read_bytes() == b"wal bytes"
    assert Path(f"{moved}-shm").read_bytes() == b"shm bytes"


def test_reading_a_damaged_database_salvages_into_memory_and_never_writes(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    filled_database(path, sessions=40)
    damaged = path.read_bytes()[: len(path.read_bytes()) * 3 // 4]
    path.write_bytes(damaged)
    store = open_store(path, mode="read")
    assert 0 < len(store.list_sessions(limit=None)) < 40
    assert "damaged" in store.warning and "not changed" in store.warning
    assert path.read_bytes() == damaged
    assert not any(".corrupt-" in p.name for p in tmp_path.iterdir())  # nothing copied or moved


def test_an_empty_file_is_a_fresh_database_not_a_corrupt_one(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    path.touch()
    store = open_store(path)
    assert store.persistent and store.warning is None and store.moved_aside is None


def test_a_file_where_the_data_folder_should_be_falls_back_to_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "blocked"
    blocker.write_text("I am a file, not a folder")
    monkeypatch.setenv("SOUTENANCE_HOME", str(blocker / "nested"))
    store = open_store()
    assert not store.persistent
    assert "memory" in store.warning and str(blocker) in store.warning
    store.save_session(sample_session())
    assert len(store.list_sessions()) == 1
    assert blocker.read_text() == "I am a file, not a folder"


def test_a_folder_where_the_database_file_should_be_falls_back_to_memory(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    path.mkdir()
    store = open_store(path)
    assert not store.persistent and "memory" in store.warning
    assert path.is_dir()


def test_a_read_only_data_folder_falls_back_to_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests run as root, for whom chmod 555 changes nothing: make the access check say no.
    folder = tmp_path / "readonly"
    folder.mkdir()
    real_access = os.access
    monkeypatch.setattr(
        "soutenance.store.db.os.access",
        lambda p, mode: False if Path(p) == folder and mode & os.W_OK else real_access(p, mode),
    )
    with pytest.raises(StoreUnavailable, match="not writable"):
        open_database(folder / "s.sqlite3")
    store = open_store(folder / "s.sqlite3")
    assert not store.persistent and "not writable" in store.warning
    assert list(folder.iterdir()) == []


def test_a_database_from_a_newer_version_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    filled_database(path, sessions=1)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    store = open_store(path)
    assert not store.persistent and "newer" in store.warning
    assert store.moved_aside is None
    for mode in ("write", "read"):
        with pytest.raises(StoreUnavailable, match="newer soutenance"):
            open_store(path, mode=mode)
    assert path.read_bytes() == before


def test_a_foreign_database_is_never_migrated_nor_touched(tmp_path: Path) -> None:
    """Issue 11, failure 11: version 0 with tables of its own is another program's file."""
    path = tmp_path / "s.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, caption TEXT)")
    conn.execute("INSERT INTO photos (caption) VALUES ('holidays')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    for mode in ("write", "read"):
        with pytest.raises(ForeignDatabase, match="not a soutenance database .*photos"):
            open_store(path, mode=mode)
    store = open_store(path)  # the app: in memory, saying why
    assert not store.persistent and "photos" in store.warning
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["s.sqlite3"]


@pytest.mark.parametrize("change", ["DROP TABLE sessions", "ALTER TABLE answers DROP COLUMN notes"])
def test_wrong_tables_at_the_right_version_are_salvaged_at_open(
    tmp_path: Path, change: str
) -> None:
    """Issue 11, failure 11: detected when opening (not `no such table` later), then salvaged."""
    path = tmp_path / "s.sqlite3"
    filled_database(path, sessions=3)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute(change)
    conn.commit()
    conn.close()
    with pytest.raises(CorruptDatabase, match="sessions is missing|answers does not have"):
        open_database(path)
    store = open_store(path)
    assert store.moved_aside is not None and "damaged" in store.warning
    assert len(store.roster.list_students()) == 1  # what the other tables held is back
    expected = 0 if "sessions" in change else 3
    assert len(store.list_sessions()) == expected
    store.save_session(sample_session(seed=77))  # and it works as a store again


def test_an_older_database_is_read_in_memory_without_migrating_the_file(
    fixtures: Path, tmp_path: Path
) -> None:
    path = tmp_path / "old.sqlite3"
    path.write_bytes((fixtures / "store" / "v1-unfinished.sqlite3").read_bytes())
    before = path.read_bytes()
    store = open_store(path, mode="read")
    assert store.list_sessions() and store.warning is None
    store.close()
    assert path.read_bytes() == before


def test_a_failed_write_transaction_leaves_nothing_behind(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.sqlite3")
    session = sample_session()

    def half_then_fail(conn: sqlite3.Connection) -> None:
        conn.execute(
            "INSERT INTO students (id, name, created_at) VALUES ('x', 'Half', '2026-01-01')"
        )
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store.db.write(half_then_fail)
    assert store.roster.get_student("Half") is None
    store.save_session(session)  # the connection is usable afterwards
    assert store.load_session(session.id) == session


def test_writes_wait_for_another_connection_holding_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    store = open_store(path)
    blocker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    store.db.conn.execute("PRAGMA busy_timeout = 0")  # so the retry loop, not SQLite, waits
    release = threading.Timer(0.3, blocker.rollback)
    release.start()
    try:
        store.remember_student("Alice")  # would raise "database is locked" without the retry
    finally:
        release.join()
        blocker.close()
    assert store.last_student() == "Alice"


def test_retry_busy_gives_up_with_a_clear_error() -> None:
    from soutenance.store import StoreBusy

    def always_locked() -> None:
        raise sqlite3.OperationalError("database is locked")

    with pytest.raises(StoreBusy, match="locked by another"):
        retry_busy(always_locked, window=0.05)


def test_retry_busy_does_not_hide_other_errors() -> None:
    def broken() -> None:
        raise sqlite3.OperationalError("no such table: nope")

    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        retry_busy(broken)
