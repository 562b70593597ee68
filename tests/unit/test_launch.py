"""The app's launcher tunes the garbage collector of its own process, and only there."""

from __future__ import annotations

import gc
import subprocess
import sys

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
