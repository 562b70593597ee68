"""Long tables are filled a batch at a time: the event loop runs between batches, and a newer
fill of the same table stops the older one, so a reload never mixes two lists."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from soutenance.ui.batches import BATCH, fill_table


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable(id="table")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("n")


def rows(prefix: str, count: int):
    return (([f"{prefix}{n}"], f"{prefix}{n}") for n in range(count))


async def test_the_loop_runs_between_batches() -> None:
    app = TableApp()
    async with app.run_test() as pilot:
        table = app.query_one(DataTable)
        seen: list[int] = []

        async def watch() -> None:
            while len(seen) < 3:
                seen.append(table.row_count)
                await asyncio.sleep(0)

        watcher = asyncio.create_task(watch())
        assert await fill_table(table, rows("a", BATCH * 5))
        await watcher
        assert table.row_count == BATCH * 5
        assert any(0 < count < BATCH * 5 for count in seen), seen
        await pilot.pause()


async def test_a_newer_fill_stops_the_older() -> None:
    app = TableApp()
    async with app.run_test() as pilot:
        table = app.query_one(DataTable)
        older = asyncio.create_task(fill_table(table, rows("old", BATCH * 10)))
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        newer = await fill_table(table, rows("new", BATCH * 2))
        assert newer
        assert not await older
        keys = [key.value for key in table.rows]
        assert keys == [f"new{n}" for n in range(BATCH * 2)]
        await pilot.pause()
