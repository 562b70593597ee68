"""Filling long tables a batch at a time, so that the event loop draws and answers keys between."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from weakref import WeakKeyDictionary

from textual.widgets import DataTable

BATCH = 40
"""Rows added between two turns of the event loop: a few milliseconds of work."""

_FILLING: WeakKeyDictionary[DataTable, object] = WeakKeyDictionary()
"""The fill under way of each table: a newer one (a reload) stops the older."""


async def fill_table(
    table: DataTable, rows: Iterable[tuple[Sequence[object], str | None]], batch: int = BATCH
) -> bool:
    """Add ``(cells, key)`` rows to ``table`` (cleared first), yielding to the event loop after
    each batch. False when the table was closed or filled anew meanwhile."""
    token = _FILLING[table] = object()
    table.clear()
    for count, (cells, key) in enumerate(rows, start=1):
        table.add_row(*cells, key=key)
        if count % batch == 0:
            await asyncio.sleep(0)
            if not table.is_attached or _FILLING.get(table) is not token:
                return False
    return True
