"""Issue 11, failure 6: a database with damaged pages is salvaged, not hidden.

A real database of many sessions gets whole pages overwritten with random bytes, at page
boundaries, in the middle of the file (leaves of the sessions and answers tables, and an index):
the original is kept byte for byte beside it, and every session none of whose rows sat on a
damaged page comes back whole. Before, the file was moved aside and every session vanished.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from soutenance import i18n
from soutenance.paths import database_path
from soutenance.session.model import Session
from soutenance.store import open_store
from soutenance.store.salvage import salvage_in_place
from tests.faults.disks import soutenance
from tests.samples import sample_session

PAGE = 4096


def filled(path: Path, count: int = 150) -> dict[str, Session]:
    store = open_store(path)
    sessions = {}
    for seed in range(count):
        session = sample_session(f"Student {seed % 9}", seed=seed, reviewed=True, objectives=2)
        store.save_session(session)
        sessions[session.id] = store.load_session(session.id)
    store.close()
    return sessions


def leaves(path: Path, table: str) -> list[tuple[int, int]]:
    """(page number, rows on it) of the leaf pages of `table`, in the middle of the file."""
    conn = sqlite3.connect(path)
    try:
        found = conn.execute(
            "SELECT pageno, ncell FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno",
            (table,),
        ).fetchall()
    finally:
        conn.close()
    return found[len(found) // 4 : 3 * len(found) // 4]


def damage(path: Path, pages: list[int]) -> None:
    data = bytearray(path.read_bytes())
    noise = random.Random(11)
    for page in pages:
        start = (page - 1) * PAGE  # page 1 starts at byte 0
        data[start : start + PAGE] = noise.randbytes(PAGE)
    path.write_bytes(bytes(data))


@pytest.fixture
def english():
    previous = i18n.current_language()
    i18n.set_language("en")
    yield
    i18n.set_language(previous)


def test_damaged_pages_lose_only_the_rows_they_held(tmp_path: Path, english: None) -> None:
    path = tmp_path / "soutenance.sqlite3"
    originals = filled(path)
    session_pages = leaves(path, "sessions")[::4][:3]
    answer_pages = leaves(path, "answers")[::5][:3]
    index_pages = leaves(path, "answers_by_session")[:1]
    lost_sessions = sum(rows for _page, rows in session_pages)
    touched = lost_sessions + sum(rows for _page, rows in answer_pages)
    assert lost_sessions > 0 and touched < len(originals) // 2
    damage(path, [page for page, _rows in session_pages + answer_pages + index_pages])
    damaged = path.read_bytes()

    store = open_store(path)

    moved = store.moved_aside
    assert moved is not None and moved.read_bytes() == damaged  # the original, byte for byte
    back = store.list_sessions(limit=None)
    assert len(back) >= len(originals) - lost_sessions
    whole = [s for s in back if store.load_session(s.id) == originals[s.id]]
    assert len(whole) >= len(originals) - touched
    assert f"{len(back)} session(s) were recovered" in store.warning
    assert str(moved) in store.warning
    # a sound database again: checked, and writable
    assert store.db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.save_session(sample_session("Nouvelle", seed=999))
    store.close()
    assert len(open_store(path, mode="read").list_sessions(limit=None)) == len(back) + 1


def test_the_commands_show_what_could_be_read_and_the_next_write_repairs(tmp_path: Path) -> None:
    originals = filled(database_path(), count=60)
    damage(database_path(), [page for page, _rows in leaves(database_path(), "sessions")[:2]])
    damaged = database_path().read_bytes()

    history = soutenance("history", "--limit", "500")
    assert history.returncode == 0
    assert "is damaged" in history.stderr and "It was not changed" in history.stderr
    listed = len(history.stdout.splitlines())
    assert 0 < listed < len(originals)
    assert database_path().read_bytes() == damaged  # reading never repairs behind your back

    added = soutenance("student", "add", "Zoe")
    assert added.returncode == 0 and added.stdout == "added Zoe\n"
    assert f"{listed} session(s) were recovered" in added.stderr
    again = soutenance("history", "--limit", "500")
    assert again.stderr == "" and len(again.stdout.splitlines()) == listed


def fake_tool(folder: Path, body: str) -> None:
    folder.mkdir()
    tool = folder / "sqlite3"
    tool.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    tool.chmod(tool.stat().st_mode | stat.S_IEXEC)


def test_a_failed_recover_is_never_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Some sqlite3 tools lack sqlite_dbpage: `.recover` prints part of a script, then fails."""
    path = tmp_path / "soutenance.sqlite3"
    originals = filled(path, count=40)
    damage(path, [leaves(path, "sessions")[0][0]])
    partial = (
        "CREATE TABLE sessions(id, student); INSERT INTO sessions VALUES('forged', 'Mallory');"
    )
    fake_tool(
        tmp_path / "bin", f"echo \"{partial}\"; echo 'sql error: SQL logic error' >&2; exit 1"
    )
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")

    rescued = salvage_in_place(path)

    assert rescued.method == "rows"
    store = open_store(path)
    ids = {s.id for s in store.list_sessions(limit=None)}
    assert "forged" not in ids and 0 < len(ids) < len(originals) and ids <= set(originals)


def _recover_works() -> bool:
    tool = shutil.which("sqlite3")
    if tool is None:
        return False
    import subprocess

    probe = subprocess.run([tool, ":memory:", ".recover"], capture_output=True, check=False)
    return probe.returncode == 0 and b"error" not in probe.stderr.lower()


@pytest.mark.skipif(
    not _recover_works(),
    reason="this sqlite3 tool has no working .recover (built without sqlite_dbpage)",
)
def test_sqlite_recover_is_used_when_it_works(tmp_path: Path) -> None:
    path = tmp_path / "soutenance.sqlite3"
    originals = filled(path, count=60)
    lost = leaves(path, "sessions")[:2]
    damage(path, [page for page, _rows in lost])
    rescued = salvage_in_place(path)
    assert rescued.method == "recover"
    assert rescued.sessions >= len(originals) - sum(rows for _page, rows in lost)
