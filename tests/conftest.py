"""Every test gets its own data dir, and no user bank folder from the environment leaks in."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from soutenance.clock import FakeClock

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def soutenance_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("SOUTENANCE_HOME", str(home))
    monkeypatch.delenv("SOUTENANCE_BANKS", raising=False)
    monkeypatch.delenv("SOUTENANCE_LANG", raising=False)
    monkeypatch.setenv("TZ", "UTC")  # dates shown in local time must not depend on the machine
    time.tzset()
    return home


def use_time_zone(monkeypatch: pytest.MonkeyPatch, zone: str) -> None:
    monkeypatch.setenv("TZ", zone)
    time.tzset()


@pytest.fixture(params=["UTC", "Europe/Paris", "America/Los_Angeles"])
def time_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a date test in three time zones: what is shown is the local day and hour, both."""
    use_time_zone(monkeypatch, request.param)
    yield request.param
    use_time_zone(monkeypatch, "UTC")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
