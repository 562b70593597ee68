"""faster-whisper, the optional `transcription` extra: multilingual models run on the CPU.

Models live in the user cache (platformdirs; under the data dir when SOUTENANCE_HOME is set),
one folder per model, or in a folder the config names (`model_dir`) on offline machines. A
download goes to a hidden sibling folder renamed into place once complete, so an interrupted
download never passes for a model.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from soutenance import paths
from soutenance.text import safe_filename
from soutenance.voice.audio import read_samples, resample
from soutenance.voice.problems import VoiceProblem, VoiceUnavailable
from soutenance.voice.settings import TranscriptionSettings
from soutenance.voice.transcription import (
    LANGUAGE_UNSUPPORTED,
    DownloadProgress,
    Progress,
    Transcript,
    failure,
    unreadable,
)

EXTRA_MISSING = "voice.transcription.extra_missing"
MODEL_MISSING = "voice.transcription.model_missing"
NO_NETWORK = "voice.transcription.no_network"
MODEL_CORRUPT = "voice.transcription.model_corrupt"
MODEL_DIR_MISSING = "voice.transcription.model_dir_missing"
UNKNOWN_MODEL = "voice.transcription.unknown_model"
INSTALL_COMMAND = 'pip install "soutenance[transcription]"'
DOWNLOAD_COMMAND = "soutenance transcription download"

MODELS = {
    "tiny": "Systran/faster-whisper-tiny",
    "base": "Systran/faster-whisper-base",
    "small": "Systran/faster-whisper-small",
    "medium": "Systran/faster-whisper-medium",
    "large-v3": "Systran/faster-whisper-large-v3",
    "turbo": "mobiuslabsgmbh/faster-whisper-large-v3-turbo",
}
"""Multilingual models by name; a hub id ("owner/name") of a converted model works too."""
MODEL_FILES = ("config.json", "model.bin", "tokenizer.json")
DOWNLOAD_PATTERNS = [*MODEL_FILES, "preprocessor_config.json", "vocabulary.*"]


def models_dir() -> Path:
    if os.environ.get(paths.HOME_ENV):
        return paths.cache_dir() / "models"
    return Path(platformdirs.user_cache_dir(paths.APP_NAME, appauthor=False)) / "models"


def repo_id(model: str) -> str:
    if model in MODELS:
        return MODELS[model]
    if model.count("/") == 1 and all(model.split("/")):
        return model
    known = ", ".join(MODELS)
    raise VoiceUnavailable(VoiceProblem(UNKNOWN_MODEL, {"model": model, "known": known}))


def extra_installed() -> bool:
    from importlib.util import find_spec

    try:
        return find_spec("faster_whisper") is not None
    except (ImportError, ValueError):
        return False


@dataclass(frozen=True)
class ModelStatus:
    model: str
    folder: Path
    configured_folder: bool
    """True when the config names the folder (nothing is ever downloaded then)."""
    present: bool
    size: int


def model_folder(settings: TranscriptionSettings) -> tuple[Path, bool]:
    if settings.model_dir:
        return Path(settings.model_dir).expanduser(), True
    return models_dir() / f"faster-whisper-{safe_filename(settings.model, 80)}", False


def is_complete(folder: Path) -> bool:
    return all((folder / name).is_file() for name in MODEL_FILES) and any(
        folder.glob("vocabulary.*")
    )


def _size(folder: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue
    return total


def model_status(settings: TranscriptionSettings) -> ModelStatus:
    folder, configured = model_folder(settings)
    present = is_complete(folder)
    return ModelStatus(settings.model, folder, configured, present, _size(folder) if present else 0)


def download(settings: TranscriptionSettings, on_download: DownloadProgress | None = None) -> Path:
    """Fetch the configured model into the cache; its folder. VoiceUnavailable when the hub
    cannot be reached, the model does not exist, or the extra is missing."""
    _require_extra()
    folder, configured = model_folder(settings)
    if configured:
        return _checked_folder(folder)
    repo = repo_id(settings.model)
    from huggingface_hub import HfApi, snapshot_download
    from huggingface_hub.errors import RepositoryNotFoundError, RevisionNotFoundError

    partial = folder.with_name(f".{folder.name}.partial")
    try:
        info = HfApi().model_info(repo, files_metadata=True)
        wanted = [s for s in info.siblings or [] if _wanted(s.rfilename)]
        total = sum(s.size or 0 for s in wanted) or None
        with _reporting(partial, total, on_download):
            snapshot_download(
                repo, local_dir=str(partial), allow_patterns=DOWNLOAD_PATTERNS, revision=info.sha
            )
    except (RepositoryNotFoundError, RevisionNotFoundError) as error:
        known = ", ".join(MODELS)
        problem = VoiceProblem(UNKNOWN_MODEL, {"model": settings.model, "known": known}, str(error))
        raise VoiceUnavailable(problem) from error
    except Exception as error:  # noqa: BLE001 - no network, a proxy, DNS, offline mode: all alike
        values = {"model": settings.model, "folder": str(folder)}
        raise VoiceUnavailable(
            VoiceProblem(NO_NETWORK, values, f"{type(error).__name__}: {error}")
        ) from error
    if not is_complete(partial):
        raise VoiceUnavailable(VoiceProblem(MODEL_CORRUPT, {"folder": str(partial)}))
    if folder.exists():
        shutil.rmtree(folder)
    os.replace(partial, folder)
    return folder


def _wanted(name: str) -> bool:
    from fnmatch import fnmatch

    return any(fnmatch(name, pattern) for pattern in DOWNLOAD_PATTERNS)


@contextmanager
def _reporting(
    folder: Path, total: int | None, on_download: DownloadProgress | None
) -> Iterator[None]:
    """Report the bytes that reached `folder` four times a second while the hub downloads."""
    if on_download is None:
        yield
        return
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.25):
            on_download(_size(folder), total)

    watcher = threading.Thread(target=watch, name="model-download-progress", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()
    on_download(_size(folder), total)


def _require_extra() -> None:
    if not extra_installed():
        raise VoiceUnavailable(VoiceProblem(EXTRA_MISSING, {"command": INSTALL_COMMAND}))


def _checked_folder(folder: Path) -> Path:
    if not folder.is_dir():
        raise VoiceUnavailable(VoiceProblem(MODEL_DIR_MISSING, {"folder": str(folder)}))
    if not is_complete(folder):
        raise VoiceUnavailable(VoiceProblem(MODEL_CORRUPT, {"folder": str(folder)}))
    return folder


def local_model(
    settings: TranscriptionSettings, on_download: DownloadProgress | None = None
) -> Path:
    """The model's folder, fetched now if missing and the settings allow it."""
    folder, configured = model_folder(settings)
    if configured:
        return _checked_folder(folder)
    repo_id(settings.model)  # an unknown name is said before a missing model
    if is_complete(folder):
        return folder
    if not settings.download:
        values = {"model": settings.model, "command": DOWNLOAD_COMMAND}
        raise VoiceUnavailable(VoiceProblem(MODEL_MISSING, values))
    return download(settings, on_download)


class FasterWhisperRecogniser:
    def __init__(self, model, name: str) -> None:
        self._model = model
        self.name = name

    @classmethod
    def load(
        cls, settings: TranscriptionSettings, *, on_download: DownloadProgress | None = None
    ) -> FasterWhisperRecogniser:
        _require_extra()
        folder = local_model(settings, on_download)
        try:
            from faster_whisper import WhisperModel
        except ImportError as error:  # installed, but one of its libraries is not
            values = {"command": INSTALL_COMMAND}
            raise VoiceUnavailable(VoiceProblem(EXTRA_MISSING, values, str(error))) from error
        try:
            model = WhisperModel(str(folder), device="cpu", compute_type=settings.compute_type)
        except Exception as error:  # noqa: BLE001 - ctranslate2, tokenizers and json fail differently
            detail = f"{type(error).__name__}: {error}"
            raise VoiceUnavailable(
                VoiceProblem(MODEL_CORRUPT, {"folder": str(folder)}, detail)
            ) from error
        return cls(model, f"faster-whisper {settings.model}")

    def transcribe(
        self, audio: Path, language: str, progress: Progress | None = None
    ) -> Transcript:
        if language not in self._model.supported_languages:
            raise VoiceUnavailable(
                VoiceProblem(LANGUAGE_UNSUPPORTED, {"engine": self.name, "language": language})
            )
        try:
            samples, rate = read_samples(audio)
        except Exception as error:  # noqa: BLE001 - an unreadable recording, whatever the reason
            raise unreadable(audio, error) from error
        samples = resample(samples, rate)
        duration = samples.size / 16000
        texts = []
        try:
            segments, _info = self._model.transcribe(
                samples, language=language, condition_on_previous_text=False
            )
            for segment in segments:
                texts.append(segment.text.strip())
                if progress and duration:
                    progress(min(1.0, segment.end / duration))
        except (RuntimeError, ValueError) as error:
            raise failure(error) from error
        if progress:
            progress(1.0)
        return Transcript(
            text=" ".join(t for t in texts if t),
            language=language,
            engine=self.name,
            duration=duration,
        )
