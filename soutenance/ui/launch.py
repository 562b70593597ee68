"""Running the TUI from the command line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from soutenance.ui.app import make_app


def run_tui(*, banks: Sequence[Path] = (), lang: str | None = None) -> int:
    app = make_app(banks=banks, lang=lang, ask_language=True)
    app.run()
    return app.return_code or 0
