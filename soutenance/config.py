"""User settings kept as JSON in the data dir, validated field by field.

A bad value (`{"amber_fraction": "beaucoup"}`) is reported once, with the file and the key, and
its default is used; the other settings keep their values. A file that is not JSON at all falls
back to every default, with one problem saying so.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from soutenance import paths
from soutenance.files import atomic_write_text
from soutenance.voice.settings import VoiceSettings


class Config(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=False, allow_inf_nan=False)

    language: Literal["fr", "en"] | None = None
    student: Annotated[str, Field(max_length=80)] | None = None
    theme: Annotated[str, Field(max_length=80)] | None = None
    amber_fraction: Annotated[float, Field(ge=0.0, le=1.0)] = 0.25
    amber_min_seconds: Annotated[int, Field(ge=0, le=3600)] = 15
    prep_seconds: Annotated[int, Field(ge=0, le=600)] = 0
    default_count: Annotated[int, Field(ge=1, le=200)] = 5
    last_project: Annotated[str, Field(max_length=200)] | None = None
    import_max_megabytes: Annotated[int, Field(ge=1, le=1024)] = 20
    """The largest session export `import` reads."""
    voice: VoiceSettings = Field(default_factory=VoiceSettings)
    """Recording and transcription (soutenance.voice.settings)."""

    _problems: list[str] = PrivateAttr(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """What was wrong in the file, one line each (`config.json: amber_fraction: …`)."""
        return self._problems

    @classmethod
    def load(cls, path: Path | None = None) -> Config:
        path = path or paths.config_path()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            return cls._with_problems([f"{path}: not readable as JSON ({exc}); defaults used"])
        if not isinstance(data, dict):
            return cls._with_problems([f"{path}: not a JSON object; defaults used"])
        legacy = data.pop("extra", None)  # soutenance 0.1 kept the last project there
        if isinstance(legacy, dict) and "last_project" not in data:
            data["last_project"] = legacy.get("last_project")
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            bad = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
            problems = [
                f"{path}: {e['loc'][0]}: {e['msg']} (got {e['input']!r}); the default is used"
                for e in exc.errors() if e["loc"]
            ]  # fmt: skip
            config = cls.model_validate({k: v for k, v in data.items() if k not in bad})
            config._problems = problems
            return config

    @classmethod
    def _with_problems(cls, problems: list[str]) -> Config:
        config = cls()
        config._problems = problems
        return config

    def save(self, path: Path | None = None) -> bool:
        """Write atomically; False when the data dir cannot be written (settings stay in memory)."""
        path = path or paths.config_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            text = json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
            atomic_write_text(path, text)
            return True
        except OSError:
            return False
