"""Two real windows (processes) on one session: a lease keeps it in one, a take-over moves it,
the stale window's writes are refused, and nothing typed in the live window is lost."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from soutenance.session.model import Stage
from soutenance.store import open_store

HELPER = Path(__file__).with_name("session_window.py")
REPO = Path(__file__).resolve().parents[2]
SESSION = "two-windows"


def window(db: Path, mode: str, stop: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(HELPER), str(db), mode, SESSION, str(stop)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def lines_until(process: subprocess.Popen, wanted: str, timeout: float = 30) -> list[str]:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line.strip())
        if line.startswith(wanted):
            return seen
    raise AssertionError(f"{wanted!r} never came; saw {seen[-5:]}; {process.stderr.read()}")


@pytest.mark.slow
def test_a_session_is_held_by_one_window_and_a_take_over_loses_nothing(tmp_path: Path) -> None:
    db, stop_a, stop_b = tmp_path / "db.sqlite3", tmp_path / "stop-a", tmp_path / "stop-b"
    first = window(db, "start", stop_a)
    try:
        lines_until(first, "typed")
        # A second window may not open it while the first is alive…
        refused = window(db, "open", stop_b)
        out, err = refused.communicate(timeout=30)
        assert refused.returncode == 2, err
        assert out.startswith(f"elsewhere {first.pid}")
        # …unless it takes it over: the first window's next save is refused and it turns read-only.
        second = window(db, "take-over", stop_b)
        lines_until(second, "typed")
        told = lines_until(first, "read-only")
        assert "taken over" in told[-1]
        typed = lines_until(second, "typed")
        stop_b.touch()
        rest = second.stdout.read()
        assert second.wait(timeout=30) == 0, second.stderr.read()
        last_typed = [line for line in typed + rest.splitlines() if line.startswith("typed")][-1]
        assert rest.strip().endswith("ended")
        first_rest = first.stdout.read()  # through the same buffered pipe the lines came from
        first.wait(timeout=30)
    finally:
        for process in (first,):
            if process.poll() is None:
                process.kill()
    with open_store(db) as store:
        session = store.load_session(SESSION)
    count, length = map(int, last_typed.split()[1:])
    assert (
        session.answers[0].notes == f"take-over:{count};" + "x" * count
    )  # the live window's last text
    assert len(session.answers[0].notes) == length
    assert session.stage is Stage.ENDED and session.answers[0].confidence == 3
    assert first_rest.startswith("kept")  # the stale window kept its text on screen
