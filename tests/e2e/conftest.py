"""Fixtures that start `soutenance serve` as a real subprocess and always stop it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.serving import Served, start_serve, stop_process_group


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """Start `soutenance serve ARGS…` (as many as a test needs); all are stopped at the end."""
    started: list[Served] = []

    def start(*args: str) -> Served:
        served = start_serve(tmp_path, *args)
        started.append(served)
        return served

    try:
        yield start
    finally:
        for served in started:
            stop_process_group(served.process)
