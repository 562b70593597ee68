"""A process saving notes is killed with SIGKILL: whatever it reported saved is on disk."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from soutenance.store import open_store

HELPER = Path(__file__).with_name("notes_saver.py")
REPO = Path(__file__).resolve().parents[2]


def notes_text(count: int) -> str:
    """Same text as the helper writes after `count` saves."""
    return "".join(f"ligne {k} : é [bold]*x*[/bold]\n" for k in range(count))


def run_and_kill(db: Path, after: int) -> int:
    """Start the saver, SIGKILL it once it reported `after` saves; the last count it reported."""
    saver = subprocess.Popen(
        [sys.executable, str(HELPER), str(db)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    last = 0
    try:
        assert saver.stdout is not None
        for line in saver.stdout:
            last = int(line.split()[0])
            if last >= after:
                os.kill(saver.pid, signal.SIGKILL)
                break
    finally:
        if saver.poll() is None:
            saver.kill()
        # Not communicate(): with two pipes it reads the raw descriptors and drops what the line
        # iterator above had already buffered, so a line could be read from its middle.
        assert saver.stdout is not None and saver.stderr is not None
        rest, err = saver.stdout.read(), saver.stderr.read()
        saver.wait(timeout=30)
    assert last >= after, f"saver stopped early: {err}"
    for line in rest.splitlines():  # reported between our read and the kill
        if line.strip():
            last = int(line.split()[0])
    assert saver.returncode == -signal.SIGKILL
    return last


@pytest.mark.slow
def test_notes_reported_saved_survive_sigkill(tmp_path: Path) -> None:
    db = tmp_path / "soutenance.sqlite3"
    for after in (5, 50, 200):
        reported = run_and_kill(db, after)
        store = open_store(db)
        assert store.persistent and store.warning is None, store.warning
        notes = store.load_session("kill-session").answers[0].notes
        store.close()
        saved = notes.count("\n")
        assert saved >= reported
        assert notes == notes_text(saved)
