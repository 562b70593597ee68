"""Listing and deleting recordings, from Python and from `soutenance recordings`."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from soutenance.cli.app import cli
from soutenance.voice import storage

DAY = 86400


def make(session: str, answer: str, *, days_old: float = 0, size: int = 100) -> Path:
    path = storage.recording_path(session, answer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"OggS" + b"\0" * (size - 4))
    moment = time.time() - days_old * DAY
    os.utime(path, (moment, moment))
    return path


def test_paths_and_references(soutenance_home: Path) -> None:
    path = storage.recording_path("abc123", "q1")
    assert path == soutenance_home / "recordings" / "abc123" / "q1.opus"
    assert storage.relative_reference(path) == "recordings/abc123/q1.opus"
    assert storage.resolve_reference("recordings/abc123/q1.opus") == path
    for hostile in (
        "recordings/../x/q1.opus",
        "/etc/passwd",
        "recordings/a/b/c.opus",
        "recordings/abc/q1.wav",
        "recordings/a b/q.opus",
    ):
        assert storage.resolve_reference(hostile) is None, hostile
    # Ids that are not plain are made into safe names, never into paths.
    assert (
        storage.recording_path("../../etc", "x/y").parent.parent == soutenance_home / "recordings"
    )


def test_list_newest_first_with_sizes() -> None:
    make("old-session", "a", days_old=40, size=1000)
    make("old-session", "b", days_old=39, size=500)
    make("new-session", "a", days_old=1, size=200)
    found = storage.list_recordings()
    assert [s.session_id for s in found] == ["new-session", "old-session"]
    assert found[1].size == 1500 and found[1].answer_ids == ["a", "b"]
    assert found[0].newest is not None and datetime.now(UTC) - found[0].newest < timedelta(
        days=1, minutes=1
    )


def test_delete_one_session_and_older_than() -> None:
    keep = make("keep", "a", days_old=2)
    old = [make("mixed", "a", days_old=45), make("mixed", "b", days_old=31)]
    recent = make("mixed", "c", days_old=29)
    gone = [make("drop", "a"), make("drop", "b")]

    assert sorted(storage.delete_session_recordings("drop")) == sorted(gone)
    assert not (storage.recordings_dir() / "drop").exists()
    assert sorted(storage.delete_older_than(timedelta(days=30))) == sorted(old)
    assert keep.exists() and recent.exists()
    assert storage.delete_session_recordings("nothing-here") == []


def test_deleting_never_follows_a_link(tmp_path: Path) -> None:
    outside = tmp_path / "precious"
    outside.mkdir()
    (outside / "a.opus").write_bytes(b"mine")
    storage.recordings_dir().mkdir(parents=True)
    (storage.recordings_dir() / "linked").symlink_to(outside, target_is_directory=True)
    make("real", "x", days_old=100)
    (storage.recordings_dir() / "real" / "y.opus").symlink_to(outside / "a.opus")

    storage.delete_session_recordings("linked")
    storage.delete_older_than(timedelta(days=1))
    storage.delete_session_recordings("real")
    assert (outside / "a.opus").read_bytes() == b"mine"


@pytest.mark.parametrize(
    "text, age",
    [
        ("30d", timedelta(days=30)),
        ("2w", timedelta(weeks=2)),
        ("12h", timedelta(hours=12)),
        ("30 days", timedelta(days=30)),
    ],
)
def test_ages(text: str, age: timedelta) -> None:
    assert storage.parse_age(text) == age


def test_cli_list_and_rm() -> None:
    make("3f2a9c0e1b7d4a11", "a", days_old=40)
    make("3f2a9c0e1b7d4a11", "b", days_old=40)
    make("9b8c7d6e5f4a3b2c", "a", days_old=1)
    runner = CliRunner()

    listed = runner.invoke(cli, ["recordings", "list"])
    assert listed.exit_code == 0
    assert str(storage.recordings_dir()) in listed.output
    assert "3f2a9c0e1b7d  " in listed.output and "2 recordings" in listed.output

    ambiguous = runner.invoke(cli, ["recordings", "rm", "zzz"])
    assert ambiguous.exit_code == 1 and "no recordings for session" in ambiguous.output
    both = runner.invoke(cli, ["recordings", "rm", "3f2a", "--older-than", "30d"])
    assert both.exit_code == 2
    bad_age = runner.invoke(cli, ["recordings", "rm", "--older-than", "soon"])
    assert bad_age.exit_code == 2 and "30d" in bad_age.output

    removed = runner.invoke(cli, ["recordings", "rm", "3f2a"])
    assert removed.exit_code == 0 and "Deleted 2 recordings of session" in removed.output
    old = runner.invoke(cli, ["recordings", "rm", "--older-than", "30d"])
    assert "Deleted 0 recordings older than 30d." in old.output
    assert [s.session_id for s in storage.list_recordings()] == ["9b8c7d6e5f4a3b2c"]

    import json

    data = json.loads(runner.invoke(cli, ["recordings", "list", "--format", "json"]).output)
    assert [row["session"] for row in data["sessions"]] == ["9b8c7d6e5f4a3b2c"]
