"""Export bundles: a session's JSON with its recordings, and hostile zips refused whole."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

import pytest

from soutenance.voice import bundle, storage
from soutenance.voice.bundle import (
    InvalidBundle,
    install_audio,
    is_bundle,
    read_bundle,
    session_audio,
    write_bundle,
)

JSON = '{"format": "soutenance-session", "session": {"id": "s1", "student": "Léa"}}\n'
OGG = b"OggS" + bytes(range(256)) * 8


def recordings(*answers: str) -> dict[str, Path]:
    for answer in answers:
        path = storage.recording_path("s1", answer)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(OGG + answer.encode())
    return session_audio("s1", [*answers, "never-recorded"])


def zip_of(*members: tuple[zipfile.ZipInfo | str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info, data in members:
            archive.writestr(info, data)
    return buffer.getvalue()


def hostile(tmp_path: Path, *members: tuple[zipfile.ZipInfo | str, bytes]) -> str:
    path = tmp_path / "bundle.zip"
    path.write_bytes(zip_of(("session.json", JSON.encode()), *members))
    with pytest.raises(InvalidBundle) as caught:
        read_bundle(path)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_round_trip(tmp_path: Path) -> None:
    audio = recordings("q1", "q1-follow")
    assert set(audio) == {"q1", "q1-follow"}
    target = tmp_path / "session.zip"
    write_bundle(target, JSON, audio)
    assert is_bundle(target) and not is_bundle(tmp_path / "missing.zip")
    with zipfile.ZipFile(target) as archive:
        assert sorted(archive.namelist()) == [
            "audio/q1-follow.opus",
            "audio/q1.opus",
            "session.json",
        ]
        assert archive.getinfo("audio/q1.opus").compress_type == zipfile.ZIP_STORED

    loaded = read_bundle(target)
    assert loaded.json_text == JSON
    assert loaded.audio == {"q1": OGG + b"q1", "q1-follow": OGG + b"q1-follow"}

    for path in audio.values():
        path.unlink()
    references = install_audio("s1", loaded.audio)
    assert references == {
        "q1": "recordings/s1/q1.opus",
        "q1-follow": "recordings/s1/q1-follow.opus",
    }
    assert storage.recording_path("s1", "q1").read_bytes() == OGG + b"q1"


def test_a_failed_write_leaves_no_file(tmp_path: Path) -> None:
    audio = recordings("q1")
    audio["q2"] = tmp_path / "vanished.opus"
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(OSError):
        write_bundle(out / "session.zip", JSON, audio)
    assert list(out.iterdir()) == []
    with pytest.raises(ValueError):
        write_bundle(out / "session.zip", JSON, {"../evil": audio["q1"]})


@pytest.mark.parametrize(
    "name",
    [
        "../session.json",
        "/etc/passwd",
        "audio/../../x.opus",
        "audio/sub/q1.opus",
        "audio\\q1.opus",
        "notes.txt",
        "audio/q 1.opus",
        "AUDIO/q1.opus",
    ],
)
def test_names_outside_the_layout_are_refused(tmp_path: Path, name: str) -> None:
    assert "Unexpected file" in hostile(tmp_path, (name, OGG))


def test_links_and_special_files_are_refused(tmp_path: Path) -> None:
    link = zipfile.ZipInfo("audio/q1.opus")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    assert "not a regular file" in hostile(tmp_path, (link, b"/etc/passwd"))
    fifo = zipfile.ZipInfo("audio/q2.opus")
    fifo.external_attr = (stat.S_IFIFO | 0o644) << 16
    assert "not a regular file" in hostile(tmp_path, (fifo, OGG))


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_duplicates_and_missing_json_are_refused(tmp_path: Path) -> None:
    assert "appears twice" in hostile(tmp_path, ("audio/q1.opus", OGG), ("audio/q1.opus", OGG))
    assert "appears twice" in hostile(tmp_path, ("session.json", JSON.encode()))
    path = tmp_path / "nojson.zip"
    path.write_bytes(zip_of(("audio/q1.opus", OGG)))
    with pytest.raises(InvalidBundle, match="no session.json"):
        read_bundle(path)


def test_audio_that_is_not_ogg_is_refused(tmp_path: Path) -> None:
    assert "not an Ogg/Opus" in hostile(tmp_path, ("audio/q1.opus", b"#!/bin/sh\nrm -rf ~\n"))


def test_sizes_are_capped_whatever_the_headers_say(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bundle, "MAX_AUDIO_BYTES", 1 << 20)
    bomb = b"OggS" + b"\0" * (4 << 20)  # 4 MB of zeros inflate from a few kilobytes
    info = zipfile.ZipInfo("audio/q1.opus")
    info.compress_type = zipfile.ZIP_DEFLATED
    assert "larger than 1 MB" in hostile(tmp_path, (info, bomb))
    # A header that lies about the size: the inflated bytes are counted, not the header.
    data = bytearray(zip_of(("session.json", JSON.encode()), (info, bomb)))
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (100).to_bytes(4, "little")  # uncompressed size: 100
    lying = tmp_path / "lying.zip"
    lying.write_bytes(bytes(data))
    with pytest.raises(InvalidBundle):
        read_bundle(lying)
    monkeypatch.setattr(bundle, "MAX_MEMBERS", 3)
    many = [(f"audio/q{k}.opus", OGG) for k in range(4)]
    assert "at most 3" in hostile(tmp_path, *many)


def test_what_is_not_a_zip(tmp_path: Path) -> None:
    text = tmp_path / "session.json"
    text.write_text(JSON)
    with pytest.raises(InvalidBundle, match="not a readable zip"):
        read_bundle(text)
    truncated = tmp_path / "cut.zip"
    truncated.write_bytes(zip_of(("session.json", JSON.encode()))[:-30])
    with pytest.raises(InvalidBundle):
        read_bundle(truncated)
    with pytest.raises(InvalidBundle, match="Cannot read"):
        read_bundle(tmp_path / "absent.zip")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "bundle.zip"
    os.mkfifo(fifo)
    with pytest.raises(InvalidBundle, match="not a regular file"):
        read_bundle(fifo)
