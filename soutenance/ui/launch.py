"""Running the TUI from the command line."""

from __future__ import annotations

import contextlib
import gc
import importlib
from collections.abc import Sequence
from pathlib import Path

from soutenance.ui.app import SoutenanceApp, make_app

COLLECTOR_THRESHOLDS = (10_000, 50, 100)
"""gc.set_threshold for the app's process: allocations between young passes, then passes
between older ones (Python's defaults: 700, 10, 10)."""


def run_tui(*, banks: Sequence[Path] = (), lang: str | None = None) -> int:
    app = make_app(banks=banks, lang=lang, ask_language=True)
    return run(app)


WARM_MODULES = (
    "soutenance.ui.screens.rehearsal_setup", "soutenance.ui.screens.question",
    "soutenance.ui.screens.summary", "soutenance.ui.screens.mock", "soutenance.ui.screens.sessions",
    "soutenance.ui.screens.roster", "soutenance.ui.screens.student", "soutenance.ui.screens.live",
    "soutenance.ui.screens.review", "soutenance.ui.screens.stats", "soutenance.ui.screens.plan",
    "soutenance.ui.screens.question_picker", "soutenance.ui.screens.mentor_import",
    "soutenance.ui.screens.bank_browser",
)  # fmt: skip
"""The screens the home screen leads to, the likeliest first. Imported at its first opening, one
held the event loop 50 ms (the roster, the setup) to 150 ms (the review) and 260 ms (the live
challenge: ruamel.yaml and the bank editing code), with the settings and the store already read."""


def run(app: SoutenanceApp) -> int:
    """Run ``app`` in this process, which it then has to itself; its return code."""
    tune_collector()
    app.warm_up = import_screens
    app.run()
    return app.return_code or 0


def import_screens() -> None:
    """Import the other screens in the background once the home screen is drawn (a worker
    thread: the event loop goes on answering keys meanwhile), then freeze them with the rest of
    start-up. A screen opened before its turn is imported then, as it would have been."""
    for name in WARM_MODULES:
        with contextlib.suppress(Exception):  # the screen reports its own problem when opened
            importlib.import_module(name)
    gc.freeze()


def tune_collector() -> None:
    """Fewer pauses of the event loop for the cyclic garbage collector.

    What start-up allocated (modules, classes, the catalog) lives as long as the process: frozen
    out of the collector's passes. And fewer passes: a screen loading 100,000 answers allocated
    enough for several full passes over everything, 35-100 ms each (bench_stall.py); reference
    counting frees the rest as ever. Only for a process that runs the app (not tests').
    """
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
