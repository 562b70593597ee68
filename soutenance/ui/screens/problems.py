"""The banks that could not be loaded, each with its diagnostics."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from soutenance.i18n import t
from soutenance.ui.translated import Translated


class ProblemsScreen(Translated, Screen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "app.back", id="back")]

    def compose(self) -> ComposeResult:
        yield Header()
        catalog = self.app.services.catalog
        with VerticalScroll(id="problems"):
            yield Static(t("problems.title"), classes="title")
            if not catalog.problems:
                yield Static(t("problems.none"), id="no-problems")
            for summary in catalog.problems:
                lines = Text(summary.file + "\n", style="bold")
                for diagnostic in summary.diagnostics:
                    lines.append(
                        str(diagnostic) + "\n", style="red" if diagnostic.is_error else "yellow"
                    )
                yield Static(lines, classes="problem")
            yield Static(t("problems.hint"), classes="hint")
        yield Footer()
