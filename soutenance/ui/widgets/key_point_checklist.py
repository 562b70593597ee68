"""A key-point checklist that wraps long lines: the mentor ticks what the student said."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.message import Message
from textual.widgets import Static


class KeyPointChecklist(Static):
    """Key points with a box each, wrapped to the panel's width: click a line to tick it.

    (A SelectionList cuts long lines in a narrow panel, and the mentor must read them whole.)
    """

    class Changed(Message):
        def __init__(self, checklist: KeyPointChecklist) -> None:
            super().__init__()
            self.checklist = checklist

        @property
        def control(self) -> KeyPointChecklist:
            return self.checklist

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.points: list[str] = []
        self.covered: set[int] = set()

    def load(self, points: list[str], covered: list[int]) -> None:
        self.points, self.covered = list(points), set(covered)
        self._show()

    @property
    def selected(self) -> list[int]:
        return sorted(self.covered)

    def toggle(self, index: int) -> None:
        if not 0 <= index < len(self.points):
            return
        self.covered ^= {index}
        self._show()
        self.post_message(self.Changed(self))

    def action_toggle(self, index: int) -> None:
        self.toggle(index)

    def _show(self) -> None:
        text = Text()
        for index, point in enumerate(self.points):
            heard = index in self.covered
            click = Style(meta={"@click": f"toggle({index})"})
            text.append(
                "☑ " if heard else "☐ ", style=Style(color="green" if heard else None) + click
            )
            text.append(f"{index + 1}. ", style=Style(dim=True) + click)
            text.append(point, style=click)
            text.append("\n")
        text.rstrip()
        self.update(text)
