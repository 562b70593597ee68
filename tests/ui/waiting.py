"""Waiting for screens that read the store in worker threads."""

from __future__ import annotations


async def settled(pilot) -> None:
    """Until the app's worker threads are done and what they read is on screen."""
    await pilot.pause()
    while any(not worker.is_finished for worker in pilot.app.workers):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
