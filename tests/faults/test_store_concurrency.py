"""Two real app processes writing to the same database file at once: nobody fails, nothing is lost."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from soutenance.store import open_store

HELPER = Path(__file__).with_name("store_writer.py")
REPO = Path(__file__).resolve().parents[2]
SESSIONS = 150  # x 8 writes (session, 3 answers, 3 notes, end) = 1,200 writes per process


@pytest.mark.slow
def test_two_processes_write_the_same_database_without_losing_anything(tmp_path: Path) -> None:
    db = tmp_path / "shared" / "soutenance.sqlite3"
    go = tmp_path / "go"
    tags = ["A", "B"]
    writers = [
        subprocess.Popen(
            [sys.executable, str(HELPER), str(db), tag, str(SESSIONS), str(go)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in tags
    ]
    try:
        deadline = time.monotonic() + 30
        while not all(Path(f"{go}.ready-{tag}").exists() for tag in tags):
            assert time.monotonic() < deadline, "writers never got ready"
            time.sleep(0.01)
        go.touch()  # both open the fresh database and start writing at the same moment
        outcomes = [writer.communicate(timeout=60) for writer in writers]
    finally:
        for writer in writers:
            if writer.poll() is None:
                writer.kill()
    for writer, (out, err) in zip(writers, outcomes, strict=True):
        assert writer.returncode == 0, err
        assert err == ""
        assert out.strip() == f"ok {SESSIONS}"

    store = open_store(db)
    assert store.persistent and store.warning is None
    for tag in tags:
        summaries = store.list_sessions(f"Writer {tag}", limit=None)
        assert len(summaries) == SESSIONS
        assert all(s.ended_at is not None and s.answered == 3 for s in summaries)
        for n in range(SESSIONS):
            session = store.load_session(f"{tag}-session-{n}")
            assert [a.notes for a in session.answers] == [
                f"notes {tag} {n} {position}" for position in range(3)
            ]
            assert [a.elapsed for a in session.answers] == [10.0 + n] * 3
