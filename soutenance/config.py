"""User settings kept as JSON in the data dir; a broken file falls back to defaults."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from soutenance import paths


@dataclass
class Config:
    language: str | None = None
    student: str | None = None
    theme: str | None = None
    amber_fraction: float = 0.25
    amber_min_seconds: int = 15
    prep_seconds: int = 0
    default_count: int = 5
    extra: dict = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> Config:
        path = path or paths.config_path()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict):
            return cls()
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def save(self, path: Path | None = None) -> bool:
        """Write atomically; False when the data dir cannot be written (settings stay in memory)."""
        path = path or paths.config_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2), encoding="utf-8")
            os.replace(temporary, path)
            return True
        except OSError:
            return False
