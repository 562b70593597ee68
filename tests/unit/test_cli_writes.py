"""Issue 11, failure 1: a one-shot command confirms a write only when it is on disk.

Each case is made for real (a folder, a read-only file, a newer schema, a dangling link, a full
tmpfs) and the commands run in their own processes: a write exits 1 with one line saying why and
prints nothing like "added" or "imported"; a command that only reads still reads a read-only file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from soutenance.exports.session_json import session_to_json_text
from soutenance.paths import database_path
from soutenance.store import StoreUnavailable, open_store
from soutenance.store.migrations import LATEST_VERSION
from tests.faults.disks import fill, read_only, soutenance, tiny_disk
from tests.samples import sample_session


def stored_names() -> list[str]:
    """The roster as the file holds it, read with sqlite3 alone (even a newer schema's); no
    process is writing, so the file is read as it is (immutable), even on a full disk."""
    conn = sqlite3.connect(f"{database_path().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return [row[0] for row in conn.execute("SELECT name FROM students ORDER BY name")]
    finally:
        conn.close()


def a_store_with_ann() -> None:
    store = open_store(database_path())
    store.roster.add_student("Ann")
    store.save_session(sample_session("Ann"))
    store.close()


@contextmanager
def folder_in_place() -> Iterator[None]:
    database_path().mkdir(parents=True)
    yield


@contextmanager
def read_only_file() -> Iterator[None]:
    a_store_with_ann()
    with read_only(database_path()):
        yield


@contextmanager
def newer_schema() -> Iterator[None]:
    a_store_with_ann()
    conn = sqlite3.connect(database_path())
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    yield


@contextmanager
def dangling_link() -> Iterator[None]:
    database_path().parent.mkdir(parents=True, exist_ok=True)
    database_path().symlink_to(database_path().parent / "unplugged-drive" / "soutenance.sqlite3")
    yield


@contextmanager
def full_disk() -> Iterator[None]:
    with tiny_disk(database_path().parent):
        a_store_with_ann()
        filler = fill(database_path().parent)
        yield
        filler.unlink()


CASES: dict[str, tuple[Callable[[], AbstractContextManager[None]], str]] = {
    "folder": (folder_in_place, "it is a folder"),
    "read-only file": (read_only_file, "read-only"),
    "newer schema": (newer_schema, "newer soutenance"),
    "dangling symlink": (dangling_link, "unplugged-drive"),
    "full disk": (full_disk, "the disk is full"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_write_to_a_store_not_on_disk_exits_1_and_claims_nothing(
    tmp_path: Path, case: str
) -> None:
    make, reason = CASES[case]
    export = tmp_path / "zoe.json"
    export.write_text(session_to_json_text(sample_session("Zoe")), encoding="utf-8")
    with make():
        for command in (("student", "add", "Zoe"), ("import", export)):
            done = soutenance(*command)
            assert done.returncode == 1, (command, done.stdout, done.stderr)
            assert done.stdout == ""  # no "added Zoe", no "imported"
            lines = done.stderr.splitlines()
            assert len(lines) == 1 and reason in lines[0], lines
            assert "Traceback" not in done.stderr
        if case not in ("folder", "dangling symlink"):
            assert stored_names() == ["Ann"]  # what the file holds: Zoe was never claimed saved


def test_every_one_shot_write_refuses_a_read_only_file() -> None:
    with read_only_file():
        session_id = open_store(database_path(), mode="read").list_sessions()[0].id
        for command in (
            ("student", "add", "Zoe"),
            ("student", "edit", "Ann", "--language", "en"),
            ("student", "archive", "Ann"),
            ("delete", session_id, "--yes"),
        ):
            done = soutenance(*command)
            assert done.returncode == 1 and "read-only" in done.stderr, (command, done.stderr)
            assert done.stderr.strip().endswith("Nothing was changed."), done.stderr


@pytest.mark.parametrize("case", ["read-only file", "full disk"])
def test_commands_that_only_read_still_read(case: str) -> None:
    make, _reason = CASES[case]
    with make():
        listed = soutenance("student", "list")
        assert listed.returncode == 0 and listed.stdout.startswith("Ann "), listed.stderr
        history = soutenance("history")
        assert history.returncode == 0 and "Ann" in history.stdout, history.stderr
        session_id = history.stdout.split()[0]
        exported = soutenance("export", session_id, "--format", "json")
        assert exported.returncode == 0 and '"student": "Ann"' in exported.stdout


@pytest.mark.parametrize("case", ["folder", "newer schema", "dangling symlink"])
def test_commands_that_read_say_why_they_cannot(case: str) -> None:
    make, reason = CASES[case]
    with make():
        done = soutenance("history")
    assert done.returncode == 1 and reason in done.stderr and done.stdout == ""


def test_reading_never_writes_the_database(tmp_path: Path) -> None:
    a_store_with_ann()
    before = database_path().read_bytes()
    for command in (("history",), ("student", "list"), ("stats",), ("export", "--last")):
        assert soutenance(*command).returncode == 0, command
    assert database_path().read_bytes() == before
    # SQLite's read-only readers of a WAL database leave an empty log behind, nothing in it.
    wal = Path(f"{database_path()}-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_the_interface_keeps_its_memory_fallback_and_says_so() -> None:
    database_path().parent.mkdir(parents=True, exist_ok=True)
    database_path().mkdir()
    store = open_store(database_path())  # the app's mode
    assert not store.persistent and "memory" in (store.warning or "")
    with pytest.raises(StoreUnavailable, match="folder"):
        open_store(database_path(), mode="write")


def test_a_missing_database_reads_as_empty_without_creating_it() -> None:
    done = soutenance("history")
    assert done.returncode == 0 and "no session recorded yet" in done.stderr
    assert not database_path().exists()


async def test_the_interface_in_memory_never_says_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from soutenance.clock import FakeClock
    from soutenance.ui.app import make_app
    from tests.ui.test_rehearsal import bank_dir, start

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be", encoding="utf-8")
    monkeypatch.setenv("SOUTENANCE_HOME", str(blocker / "home"))
    app = make_app(banks=[bank_dir(tmp_path)], lang="en", clock=FakeClock())
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await start(app, pilot)
        assert app.store.persistent is False
        labels = [str(w.render()) for w in screen.query(".label")]
        assert "Reasoning notes (kept in memory only: the data folder cannot be written)" in labels
        assert not any("saved as you type" in label for label in labels)
        await pilot.press("ctrl+q")
        await pilot.pause()
        shown = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "in memory only and will be lost" in shown and "It is saved" not in shown
