"""Reading the settings file (config.json), before and apart from its validation.

`soutenance.config.Config` validates what this reads, field by field (pydantic). The app's first
frame needs only the language, the theme and the last project, each checked where it is used
(against French and English, the registered themes, the projects' references): `first_look`
gives them without importing pydantic, which the app then pays after the home screen is drawn.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from soutenance.files import read_regular

MAX_BYTES = 1 << 20
"""Far more than any settings file; a bigger one (or a FIFO) is reported, never read."""


class Unreadable(Exception):
    """The file exists but holds no settings; `detail` says why (a position, an error name)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def read_settings(path: Path) -> dict[str, Any]:
    """The file's settings as written, the legacy layout moved to today's keys; {} when there is
    no file. Raises Unreadable for a file that is not a JSON object."""
    try:
        data = json.loads(read_regular(path, MAX_BYTES).decode("utf-8"))
    except FileNotFoundError:
        return {}
    except json.JSONDecodeError as exc:
        raise Unreadable(f"{exc.lineno}:{exc.colno}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise Unreadable(type(exc).__name__) from exc
    if not isinstance(data, dict):
        raise Unreadable(json.dumps(data)[:40])
    legacy = data.pop("extra", None)  # soutenance 0.1 kept the last project there
    if isinstance(legacy, dict) and "last_project" not in data:
        data["last_project"] = legacy.get("last_project")
    return data


@dataclass(frozen=True)
class FirstLook:
    """The settings the first frame uses, as written in the file (not validated: each is only
    ever compared with known good values, so a bad one matches nothing and is ignored)."""

    language: str | None = None
    theme: str | None = None
    last_project: str | None = None

    @classmethod
    def read(cls, path: Path) -> FirstLook:
        try:
            data = read_settings(path)
        except Unreadable:
            return cls()
        values = (data.get(key) for key in ("language", "theme", "last_project"))
        return cls(*(value if isinstance(value, str) else None for value in values))
