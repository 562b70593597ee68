"""Issue 11, failure 5: `export … -o existing-file` never destroys the file it replaces.

The export goes to a temporary file in the same folder, synced, then renamed over the target:
whatever fails (text that is not Unicode, a full disk, a file-size limit), the old export is
still there byte for byte, no temporary file is left, and the command says why in one line.
"""

from __future__ import annotations

import resource
import sqlite3
from pathlib import Path

import pytest

from soutenance.paths import database_path
from soutenance.session.model import Session
from soutenance.store import open_store
from tests.faults.disks import fill, soutenance, tiny_disk
from tests.samples import sample_session

OLD = "# The export sent last week\n\nkept whole, whatever happens.\n"


def saved(notes_length: int = 0) -> Session:
    session = sample_session("Ann")
    if notes_length:
        for answer in session.answers:
            answer.notes = "n" * notes_length
    store = open_store(database_path())
    store.save_session(session)
    store.close()
    return session


def old_export(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    target = folder / "ann.md"
    target.write_text(OLD, encoding="utf-8")
    return target


def left_alone(target: Path) -> bool:
    return target.read_text(encoding="utf-8") == OLD and sorted(target.parent.iterdir()) == [target]


def test_the_export_replaces_the_old_file_when_all_goes_well(tmp_path: Path) -> None:
    session = saved()
    target = old_export(tmp_path / "exports")
    done = soutenance("export", session.id, "-o", target)
    assert done.returncode == 0 and "Ann" in target.read_text(encoding="utf-8")
    assert sorted(target.parent.iterdir()) == [target]


@pytest.mark.parametrize("where", ["notes", "key_points"])
def test_text_that_is_not_unicode_leaves_the_old_file_whole(tmp_path: Path, where: str) -> None:
    """A lone surrogate: raw bytes in a text column, or escaped in a JSON one ("kp\\udfff")."""
    session = saved()
    conn = sqlite3.connect(database_path())
    if where == "notes":
        conn.execute(
            "UPDATE answers SET notes = 'kp' || CAST(X'EDBFBF' AS TEXT) WHERE session_id = ?",
            (session.id,),
        )
    else:
        conn.execute(
            """UPDATE answers SET key_points = '["kp\\udfff"]' WHERE session_id = ?""",
            (session.id,),
        )
    conn.commit()
    conn.close()
    target = old_export(tmp_path / "exports")
    for fmt in ("md", "json"):
        done = soutenance("export", session.id, "--format", fmt, "-o", target)
        assert done.returncode == 1 and "Traceback" not in done.stderr
        lines = done.stderr.splitlines()
        assert len(lines) == 1 and session.id in lines[0], lines
        assert left_alone(target)


def test_a_full_disk_leaves_the_old_file_whole(tmp_path: Path) -> None:
    session = saved(notes_length=50_000)
    with tiny_disk(tmp_path / "usb", kilobytes=256) as disk:
        target = old_export(disk)
        filler = fill(disk)
        done = soutenance("export", session.id, "-o", target)
        filler.unlink()
        assert done.returncode == 1
        assert "No space left on device" in done.stderr and "left as it was" in done.stderr
        assert left_alone(target)


def test_a_file_size_limit_leaves_the_old_file_whole(tmp_path: Path) -> None:
    """RLIMIT_FSIZE (ulimit -f) in the exporting process: its writes stop at 256 KB."""
    session = saved(notes_length=150_000)
    target = old_export(tmp_path / "exports")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))

    done = soutenance("export", session.id, "--format", "json", "-o", target, preexec_fn=limit)
    assert done.returncode == 1 and "File too large" in done.stderr, done.stderr
    assert left_alone(target)
