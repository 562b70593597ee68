"""The app's launcher tunes the garbage collector of its own process, and only there."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

from soutenance.ui.launch import COLLECTOR_THRESHOLDS


def test_the_launcher_freezes_start_up_and_spaces_the_collector_passes() -> None:
    code = (
        "import gc; from soutenance.ui.launch import tune_collector; "
        "before = gc.get_freeze_count(); tune_collector(); "
        "print(before, gc.get_freeze_count(), *gc.get_threshold())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    before, frozen, *thresholds = (int(word) for word in out.stdout.split())
    assert before == 0
    assert frozen > 10_000  # the modules and classes imported so far
    assert tuple(thresholds) == COLLECTOR_THRESHOLDS


def test_importing_the_launcher_leaves_this_process_collector_alone() -> None:
    assert gc.get_threshold() != COLLECTOR_THRESHOLDS


WARMED = """
import asyncio, sys
from soutenance.ui.app import make_app
from soutenance.ui.launch import WARM_MODULES, import_screens

async def main():
    app = make_app(lang="en")
    app.warm_up = import_screens
    async with app.run_test() as pilot:
        for _ in range(200):
            await pilot.pause(0.05)
            warming = any(w.group == "warm-up" and not w.is_finished for w in app.workers)
            if app.first_frame_drawn and not warming:
                break
        print(sum(name in sys.modules for name in WARM_MODULES), len(WARM_MODULES))

asyncio.run(main())
"""


def test_once_drawn_the_app_imports_the_other_screens_in_a_worker(tmp_path: Path) -> None:
    env = os.environ | {"SOUTENANCE_HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", WARMED], capture_output=True, text=True, check=True, env=env
    )
    imported, wanted = out.stdout.split()
    assert imported == wanted


def test_the_launcher_runs_the_app_with_the_warm_up() -> None:
    code = (
        "from soutenance.ui import launch; from soutenance.ui.app import SoutenanceApp, make_app; "
        "SoutenanceApp.run = lambda self: print(self.warm_up is launch.import_screens); "
        "launch.run(make_app(lang='en'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True"]
