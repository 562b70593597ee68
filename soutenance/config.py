"""User settings kept as JSON in the data dir, validated field by field.

A bad value (`{"amber_fraction": "beaucoup"}`) is reported once, with the file and the key, and
its default is used; the other settings keep their values. A file that is not JSON at all falls
back to every default, with one problem saying so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from soutenance import paths
from soutenance.config_file import Unreadable, read_settings
from soutenance.files import atomic_write_text
from soutenance.voice.settings import VoiceSettings


@dataclass(frozen=True)
class ConfigProblem:
    """One bad value of the settings file (`key` empty: the file as a whole)."""

    file: Path
    key: str
    detail: str

    def __str__(self) -> str:
        from soutenance.i18n import t

        if not self.key:
            return t("config.unreadable", file=self.file, detail=self.detail)
        return t("config.bad_value", file=self.file, key=self.key, value=self.detail)


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

    _problems: list[ConfigProblem] = PrivateAttr(default_factory=list)

    @property
    def problems(self) -> list[ConfigProblem]:
        """What was wrong in the file; `str()` of each is one line in the interface language."""
        return self._problems

    @classmethod
    def load(cls, path: Path | None = None) -> Config:
        path = path or paths.config_path()
        try:
            data = read_settings(path)
        except Unreadable as exc:
            return cls._with_problems([ConfigProblem(path, "", exc.detail)])
        if not data:
            return cls()
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            errors = [e for e in exc.errors() if e["loc"]]
            bad = {str(e["loc"][0]) for e in errors}
            config = cls.model_validate({k: v for k, v in data.items() if k not in bad})
            config._problems = [
                ConfigProblem(path, ".".join(str(part) for part in e["loc"]), repr(e["input"]))
                for e in errors
            ]
            return config

    @classmethod
    def _with_problems(cls, problems: list[ConfigProblem]) -> Config:
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
