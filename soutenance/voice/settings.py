"""The voice settings, kept in the config file under "voice" (Config.extra); bad values fall back.

{"voice": {"record": true, "pause_seconds": 2,
           "fillers": {"fr": ["euh", "du coup"]},
           "transcription": {"engine": "faster-whisper", "model": "small",
                             "model_dir": null, "compute_type": "int8"}}}
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from soutenance.config import Config

CONFIG_KEY = "voice"


class TranscriptionSettings(BaseModel):
    model_config = ConfigDict(extra="ignore")

    engine: Literal["faster-whisper", "pocketsphinx", "off"] = "faster-whisper"
    model: str = Field("small", min_length=1, max_length=100)
    """A faster-whisper model name (multilingual ones: tiny, base, small, medium, large-v3, turbo)."""
    model_dir: str | None = None
    """A folder holding the model already (offline machines): nothing is downloaded then."""
    compute_type: str = "int8"
    download: bool = True
    """Fetch the model at first use when it is not in the cache."""


class VoiceSettings(BaseModel):
    model_config = ConfigDict(extra="ignore")

    record: bool = False
    """Recording is opt-in; the setup screen and `--record` set it and it is remembered."""
    pause_seconds: float = Field(2.0, gt=0, le=60)
    """A silence between two words at least this long counts as a long pause."""
    fillers: dict[str, list[str]] = Field(default_factory=dict)
    """Per language, a list that replaces the default filler words."""
    match_threshold: int = Field(85, ge=50, le=100)
    """How close (0-100) a heard word must be to a key point's word to suggest it."""
    transcription: TranscriptionSettings = Field(default_factory=TranscriptionSettings)

    @classmethod
    def from_config(cls, config: Config | None = None) -> VoiceSettings:
        """The settings in `config` (loaded from the data dir when None); defaults if unreadable."""
        config = config if config is not None else Config.load()
        raw = config.extra.get(CONFIG_KEY) if isinstance(config.extra, dict) else None
        try:
            return cls.model_validate(raw if isinstance(raw, dict) else {})
        except ValidationError:
            return cls()

    def store_in(self, config: Config) -> None:
        """Put these settings in `config`; the caller saves it (Config.save)."""
        config.extra = {**(config.extra or {}), CONFIG_KEY: self.model_dump(mode="json")}
