"""The audio stack (numpy and the rest) is imported when something is recorded or played, not
when a question screen opens: importing it took 150-250 ms of the event loop here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

QUESTION_WITHOUT_RECORDING = """
import asyncio, sys
from soutenance.ui.app import make_app
from soutenance.ui.start import RehearsalRequest, build_screen

async def main():
    app = make_app(lang="en")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        entry = app.services.catalog.find("digital-marketer/seo-audit")[0]
        request = RehearsalRequest(entry, student="Sam", count=2, seed=1)
        app.push_screen(build_screen(app, request))
        for _ in range(50):
            await pilot.pause(0.05)
            if type(app.screen).__name__ == "QuestionScreen":
                break
        await pilot.pause(0.3)
        print(type(app.screen).__name__, "numpy" in sys.modules)

asyncio.run(main())
"""


def run_question_screen(tmp_path: Path) -> list[str]:
    code = QUESTION_WITHOUT_RECORDING
    env = os.environ | {"SOUTENANCE_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split()[-2:]


def test_a_question_screen_without_recording_imports_no_audio_module(tmp_path: Path) -> None:
    assert run_question_screen(tmp_path) == ["QuestionScreen", "False"]
