"""faster-whisper's loading path: each way it fails gives one clear problem, never a traceback.

The Hugging Face hub is made unreachable for real: a local port nothing listens on.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from soutenance.voice.problems import VoiceUnavailable
from soutenance.voice.settings import TranscriptionSettings
from soutenance.voice.transcription import recogniser_for, whisper

REPO = Path(__file__).resolve().parents[2]
needs_extra = pytest.mark.skipif(
    not whisper.extra_installed(), reason="faster-whisper is in the test extra"
)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # free once closed: nothing listens there


def run_python(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "SOUTENANCE_HOME": str(home), "SOUTENANCE_LANG": "en", **env}
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def problem_of(settings: TranscriptionSettings) -> str:
    with pytest.raises(VoiceUnavailable) as caught:
        recogniser_for(settings)
    return caught.value.problem.key


@needs_extra
def test_no_model_and_no_network(soutenance_home: Path) -> None:
    hub = f"http://127.0.0.1:{closed_port()}"
    result = run_python(
        soutenance_home, "-m", "soutenance", "transcription", "download", HF_ENDPOINT=hub
    )
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines[-1].startswith("Error: The speech model small could not be downloaded"), (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    # Nothing that could pass for a model is left behind.
    models = soutenance_home / "cache" / "models"
    assert not (models / "faster-whisper-small").exists()


@needs_extra
def test_no_network_at_first_use_in_the_app(soutenance_home: Path) -> None:
    code = (
        "from soutenance.voice.settings import TranscriptionSettings\n"
        "from soutenance.voice.transcription import recogniser_for\n"
        "from soutenance.voice.problems import VoiceUnavailable\n"
        "seen = []\n"
        "try:\n"
        "    recogniser_for(TranscriptionSettings(model='tiny'), on_download=lambda *a: seen.append(a))\n"
        "except VoiceUnavailable as e:\n"
        "    print(e.problem.key)\n"
    )
    hub = f"http://127.0.0.1:{closed_port()}"
    result = run_python(soutenance_home, "-c", code, HF_ENDPOINT=hub)
    assert result.stdout.strip() == "voice.transcription.no_network", result.stderr


@needs_extra
def test_a_corrupt_model_folder(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text('{"alignment_heads": [[1, 0]], "lang_ids": [1]}')
    (folder / "model.bin").write_bytes(os.urandom(4096))
    (folder / "tokenizer.json").write_text("{")
    (folder / "vocabulary.json").write_text("[]")
    settings = TranscriptionSettings(model_dir=str(folder))
    with pytest.raises(VoiceUnavailable) as caught:
        recogniser_for(settings)
    problem = caught.value.problem
    assert problem.key == "voice.transcription.model_corrupt"
    assert str(folder) in problem.message() and problem.detail


@needs_extra
def test_an_incomplete_model_folder_is_not_loaded(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "model.bin").write_bytes(b"\0" * 64)  # no tokenizer: loading would go online
    assert (
        problem_of(TranscriptionSettings(model_dir=str(folder)))
        == "voice.transcription.model_corrupt"
    )


@needs_extra
def test_a_configured_folder_that_is_not_there(tmp_path: Path) -> None:
    settings = TranscriptionSettings(model_dir=str(tmp_path / "nowhere"))
    assert problem_of(settings) == "voice.transcription.model_dir_missing"


@needs_extra
def test_no_model_and_downloads_turned_off() -> None:
    settings = TranscriptionSettings(model="base", download=False)
    with pytest.raises(VoiceUnavailable) as caught:
        recogniser_for(settings)
    assert caught.value.problem.key == "voice.transcription.model_missing"
    assert "soutenance transcription download" in caught.value.problem.message()


@needs_extra
def test_an_unknown_model_name() -> None:
    assert (
        problem_of(TranscriptionSettings(model="enormous", download=False))
        == "voice.transcription.unknown_model"
    )
    with pytest.raises(VoiceUnavailable) as caught:
        whisper.repo_id("enormous")
    assert "small" in caught.value.problem.message()


def test_the_extra_missing_says_how_to_enable_it(soutenance_home: Path) -> None:
    # A fresh interpreter where the import system does not find faster_whisper, as when the
    # extra is not installed.
    hide = (
        "import importlib.abc, sys\n"
        "class Hide(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'faster_whisper':\n"
        "            raise ModuleNotFoundError(name)\n"
        "sys.meta_path.insert(0, Hide())\n"
        "from soutenance.cli import main\n"
        "sys.exit(main(['transcription', 'download']))\n"
    )
    result = run_python(soutenance_home, "-c", hide)
    assert result.returncode == 1
    assert 'pip install "soutenance[transcription]"' in result.stderr
    assert "Everything else works" in result.stderr and "Traceback" not in result.stderr
    status = run_python(soutenance_home, "-c", hide.replace("'download'", "'status'"))
    assert status.returncode == 0 and "faster-whisper installed: no" in status.stdout
