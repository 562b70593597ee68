"""Where soutenance keeps its data: one data dir, overridable with SOUTENANCE_HOME."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "soutenance"
HOME_ENV = "SOUTENANCE_HOME"
BANKS_ENV = "SOUTENANCE_BANKS"


def data_dir() -> Path:
    """The data dir: $SOUTENANCE_HOME when set, else the platform's user data dir."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_banks_dir() -> Path:
    """The mentor's own bank folder, which shadows bundled projects of the same path and id."""
    return data_dir() / "banks"


def database_path() -> Path:
    return data_dir() / "soutenance.sqlite3"


def config_path() -> Path:
    return data_dir() / "config.json"


def cache_dir() -> Path:
    return data_dir() / "cache"


def bundled_banks_dir() -> Path:
    """The banks shipped with the package (inside the wheel), or the repo's folder in a checkout."""
    packaged = Path(__file__).resolve().parent / "question_banks"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "question_banks"


def env_bank_dirs() -> list[Path]:
    raw = os.environ.get(BANKS_ENV, "")
    return [Path(p).expanduser() for p in raw.split(os.pathsep) if p.strip()]
