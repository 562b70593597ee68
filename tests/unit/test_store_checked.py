"""The damage check reads every page only when the file may have changed since last found whole."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from soutenance.store import checked
from soutenance.store.db import CorruptDatabase, open_database


def closed_cleanly(path: Path) -> None:
    database = open_database(path)
    database.write(lambda conn: conn.execute("CREATE TABLE IF NOT EXISTS scratch(x)"))
    database.close()


def test_a_clean_close_leaves_a_memo_and_the_next_opening_trusts_it(tmp_path: Path) -> None:
    path = tmp_path / "soutenance.sqlite3"
    closed_cleanly(path)
    assert checked.memo_path(path).exists()
    assert checked.unchanged_since_checked(path)
    open_database(path).close()  # still whole, and still remembered after this close
    assert checked.unchanged_since_checked(path)


def test_a_file_changed_by_anything_else_is_checked_page_by_page(tmp_path: Path) -> None:
    path = tmp_path / "soutenance.sqlite3"
    closed_cleanly(path)
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 2 * page
    data[page : 2 * page] = random.Random(3).randbytes(page)  # page 2: a table's root, torn
    path.write_bytes(bytes(data))
    assert not checked.unchanged_since_checked(path)
    with pytest.raises(CorruptDatabase):
        open_database(path)


def test_a_pending_log_of_another_connection_is_never_trusted(tmp_path: Path) -> None:
    path = tmp_path / "soutenance.sqlite3"
    closed_cleanly(path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA journal_mode = WAL")
    other.execute("INSERT INTO scratch VALUES (1)")
    try:
        assert Path(f"{path}-wal").stat().st_size > 0
        assert checked.identity(path) is None
        assert not checked.unchanged_since_checked(path)
        open_database(path).close()  # checked in full; the other connection keeps its log
        assert not checked.unchanged_since_checked(path)
    finally:
        other.close()


def test_a_memo_that_is_not_json_means_check(tmp_path: Path) -> None:
    path = tmp_path / "soutenance.sqlite3"
    closed_cleanly(path)
    checked.memo_path(path).write_text("{not json", encoding="utf-8")
    assert not checked.unchanged_since_checked(path)
    open_database(path).close()
    assert checked.unchanged_since_checked(path)  # checked, then remembered again
