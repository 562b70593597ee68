"""A key pressed as soon as the home screen shows acts on the project it shows selected: the
real app in a pseudo-terminal, the key sent the moment the first frame arrives."""

from __future__ import annotations

from pathlib import Path

from tests.faults.pty_app import PtyApp


def test_rehearse_pressed_on_the_first_frame_opens_the_setup(tmp_path: Path) -> None:
    app = PtyApp(home=tmp_path / "home", size=(80, 24))
    try:
        app.wait_for("Community Manager", timeout=60)
        app.press("r", pause=0)
        app.wait_for("Préparer la séance", timeout=30)
    finally:
        app.close()
