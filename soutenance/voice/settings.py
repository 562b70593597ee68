"""The voice settings, kept in the config file under "voice" (a typed field of Config).

{"voice": {"record": true, "pause_seconds": 2,
           "fillers": {"fr": ["euh", "du coup"]},
           "transcription": {"engine": "faster-whisper", "model": "small",
                             "model_dir": null, "compute_type": "int8"}}}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from soutenance.config import Config


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
        """The settings in `config` (loaded from the data dir when None; a bad value there was
        reported by Config.load and its default used)."""
        if config is None:
            from soutenance.config import Config

            config = Config.load()
        return config.voice

    def store_in(self, config: Config) -> None:
        """Put these settings in `config`; the caller saves it (Config.save)."""
        config.voice = self


def remember_recording(config: Config, record: bool) -> None:
    """The choice of recording, remembered for the next sessions (saved when it changed)."""
    settings = VoiceSettings.from_config(config)
    if settings.record != record:
        settings.model_copy(update={"record": record}).store_in(config)
        config.save()
