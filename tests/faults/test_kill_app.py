"""Kill a real app process with SIGKILL while notes are being typed: what was typed 1 s before is on disk."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.faults.typing_app import TEXT

SCRIPT = Path(__file__).with_name("typing_app.py")
REPO = SCRIPT.parent.parent.parent
SAVE_GUARANTEE = 1.0


def notes_on_disk(home: Path, session_id: str) -> str:
    connection = sqlite3.connect(home / "soutenance.sqlite3")
    try:
        row = connection.execute(
            "SELECT notes FROM answers WHERE session_id = ?", (session_id,)
        ).fetchone()
    finally:
        connection.close()
    return row[0] if row else ""


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [3, 40, 150])
def test_sigkill_while_typing_keeps_what_was_typed(tmp_path: Path, kill_after: int) -> None:
    home = tmp_path / "data"
    env = os.environ | {"SOUTENANCE_HOME": str(home), "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )
    typed_at: list[tuple[int, float]] = []
    session_id = ""
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        parts = line.split()
        if parts[0] == "session":
            session_id = parts[1]
        elif parts[0] == "typed":
            typed_at.append((int(parts[1]), float(parts[2])))
            if len(typed_at) >= kill_after:
                break
    assert session_id, process.stderr.read() if process.stderr else ""
    process.send_signal(signal.SIGKILL)
    killed_at = time.monotonic()
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    on_disk = notes_on_disk(home, session_id)
    assert TEXT.startswith(on_disk)
    guaranteed = max(
        (count for count, at in typed_at if at <= killed_at - SAVE_GUARANTEE), default=0
    )
    assert len(on_disk) >= guaranteed, (len(on_disk), guaranteed, len(typed_at))
    if kill_after >= 150:
        assert guaranteed > 0 and on_disk, (
            "the process typed for over a second: something must be on disk"
        )
