"""Running the TUI from the command line."""

from __future__ import annotations

import gc
from collections.abc import Sequence
from pathlib import Path

from soutenance.ui.app import SoutenanceApp, make_app

COLLECTOR_THRESHOLDS = (10_000, 50, 100)
"""gc.set_threshold for the app's process: allocations between young passes, then passes
between older ones (Python's defaults: 700, 10, 10)."""


def run_tui(*, banks: Sequence[Path] = (), lang: str | None = None) -> int:
    app = make_app(banks=banks, lang=lang, ask_language=True)
    return run(app)


def run(app: SoutenanceApp) -> int:
    """Run ``app`` in this process, which it then has to itself; its return code."""
    tune_collector()
    app.run()
    return app.return_code or 0


def tune_collector() -> None:
    """Fewer pauses of the event loop for the cyclic garbage collector.

    What start-up allocated (modules, classes, the catalog) lives as long as the process: frozen
    out of the collector's passes. And fewer passes: a screen loading 100,000 answers allocated
    enough for several full passes over everything, 35-100 ms each (bench_stall.py); reference
    counting frees the rest as ever. Only for a process that runs the app (not tests').
    """
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
