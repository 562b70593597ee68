"""Issue 11, failures 2, 3, 4, 7 and 8: hostile exports, through the real `soutenance import`.

Each test makes the file the campaign made, runs the command in its own process, and checks the
new behaviour: one line naming the JSON path and the id, nothing written (the database's dump is
the same), the other files of the command line still imported, bounded time and memory.
"""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from soutenance.cli import cli
from soutenance.exports.session_json import session_to_json_text
from soutenance.paths import database_path
from soutenance.session.model import Session
from soutenance.store import open_store
from tests.faults.disks import REPO, soutenance
from tests.samples import sample_session


def save(*sessions: Session) -> None:
    store = open_store(database_path())
    for session in sessions:
        store.save_session(session)
    store.close()


def dump() -> list[str]:
    store = open_store(database_path(), mode="read")
    try:
        return list(store.db.conn.iterdump())
    finally:
        store.close()


def nothing_stored() -> bool:
    if not database_path().exists():
        return True
    store = open_store(database_path(), mode="read")
    try:
        return not store.list_sessions() and not store.roster.list_students(include_archived=True)
    finally:
        store.close()


def load(session_id: str) -> Session:
    store = open_store(database_path(), mode="read")
    try:
        return store.load_session(session_id)
    finally:
        store.close()


def export_data(session: Session) -> dict[str, Any]:
    return json.loads(session_to_json_text(session))


def write(folder: Path, name: str, data: Any) -> Path:
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def refused(done: subprocess.CompletedProcess, *expected: str) -> str:
    """The one line of a refused import, checked to hold every `expected` piece."""
    assert done.returncode == 1, done.stdout
    assert done.stdout == "" and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, lines
    for piece in expected:
        assert piece in lines[0], (piece, lines[0])
    assert lines[0].endswith("Nothing was imported.")
    return lines[0]


# -- failure 2: an id of another student's row -------------------------------------------------


@pytest.mark.parametrize(
    ("where", "path"),
    [
        ("answer", "session.answers[1].id"),
        ("follow-up", "session.answers[0].follow_ups[0].id"),
        ("objective", "session.objectives[0].id"),
    ],
)
def test_an_id_of_another_students_row_is_refused(tmp_path: Path, where: str, path: str) -> None:
    bob = sample_session("Bob", seed=2, objectives=1)
    save(bob)
    before = dump()
    alice = export_data(sample_session("Alice", seed=3, objectives=1))
    answers = alice["session"]["answers"]
    if where == "answer":
        answers[1]["id"] = bob.answers[1].id
        answers[1]["notes"] = "the file's text"
        stolen = bob.answers[1].id
    elif where == "follow-up":
        answers[0]["follow_ups"][0]["id"] = stolen = bob.answers[0].follow_ups[0].id
    else:
        alice["session"]["objectives"][0]["id"] = stolen = bob.objectives[0].id

    done = soutenance("import", write(tmp_path, "alice.json", alice))

    refused(done, path, stolen, "belongs to another session")
    assert dump() == before
    assert load(bob.id) == bob  # Bob's notes are his


# -- failure 3: duplicate ids within one file --------------------------------------------------


def test_duplicate_ids_in_one_file_are_refused_not_dropped(tmp_path: Path) -> None:
    data = export_data(sample_session("Alice", questions=3))
    answers = data["session"]["answers"]
    answers[2]["id"] = answers[0]["id"]

    done = soutenance("import", write(tmp_path, "dup.json", data))

    refused(
        done, "session.answers[2].id", answers[0]["id"], "already used at session.answers[0].id"
    )
    assert nothing_stored()  # not 2 of 3 answers, "imported"


# -- failure 4: Bob's session carried with another student's name -----------------------------


def test_a_session_of_another_student_is_never_merged(tmp_path: Path) -> None:
    bob = sample_session("Bob", seed=4)
    bob.feedback = "Bob's own feedback"
    save(bob)
    before = dump()
    forged = export_data(bob)
    forged["session"]["student"] = "Alice"
    forged["session"]["feedback"] = "replaced"

    done = soutenance("import", write(tmp_path, "forged.json", forged))

    refused(done, "session.id", bob.id, "belongs to Bob", "not to Alice")
    assert dump() == before
    assert load(bob.id).feedback == "Bob's own feedback"


# -- failure 7: values that crashed the import, and what came after -----------------------------


def hostile_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """File, and the JSON path (or reason) its one line must name."""
    base = session_to_json_text(sample_session("Alice", seed=7))
    text = {
        "nan": (base.replace('"elapsed": ', '"elapsed": NaN, "x": ', 1), "NaN"),
        "infinity": (base.replace('"elapsed": ', '"elapsed": Infinity, "x": ', 1), "Infinity"),
        "huge float": (
            base.replace('"elapsed": ', '"elapsed": 1e309, "x": ', 1),
            "session.answers[0].elapsed",
        ),
        "10**30": (
            base.replace('"confidence": ', f'"confidence": {10**30}, "x": ', 1),
            "session.answers[0].confidence",
        ),
        "surrogate id": (base.replace('"id": "', '"id": "\\udfff', 1), "session"),
        "surrogate name": (
            base.replace('"student": "Alice"', '"student": "Al\\ud800ice"'),
            "session.student",
        ),
        "escape in name": (
            base.replace('"student": "Alice"', '"student": "Al\\u001b[2Jice"'),
            "session.student",
        ),
        "version 1.0": (base.replace('"version": 2', '"version": 1.0'), "version 1.0"),
        "nested": ("[" * 100_000 + "]" * 100_000, "nests deeper"),
    }
    return {
        name: (write(folder, f"{name}.json", body), where) for name, (body, where) in text.items()
    }


def test_hostile_values_get_one_line_each_and_the_next_file_is_still_imported(
    tmp_path: Path,
) -> None:
    files = hostile_files(tmp_path)
    good = sample_session("Zoe", seed=8)
    last = write(tmp_path, "good.json", session_to_json_text(good))

    done = soutenance("import", *(path for path, _where in files.values()), last)

    assert done.returncode == 1  # not every file was imported
    assert "Traceback" not in done.stderr and "unexpected error" not in done.stderr
    lines = done.stderr.splitlines()
    assert lines[-1] == f"soutenance import: 1 of {len(files) + 1} files imported"
    for (path, where), line in zip(files.values(), lines, strict=False):
        assert line.startswith(f"soutenance import: {path}: ") and where in line, line
        assert "\x1b" not in line
    assert done.stdout.startswith(f"{last}: imported: rehearsal of Zoe")
    assert load(good.id) == good
    assert [s.id for s in open_store(database_path(), mode="read").list_sessions()] == [good.id]


def test_any_exception_on_one_file_never_stops_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from soutenance.cli import mentor

    first, second = sample_session("Ann", seed=1), sample_session("Zoe", seed=2)
    paths = [write(tmp_path, f"{s.student}.json", session_to_json_text(s)) for s in (first, second)]
    real = mentor.import_session

    def flaky(store, source, **options):
        if Path(source).name == "Ann.json":
            raise RecursionError("maximum recursion depth exceeded")
        return real(store, source, **options)

    monkeypatch.setattr(mentor, "import_session", flaky)
    result = CliRunner().invoke(cli, ["import", *map(str, paths)], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].endswith(
        "unexpected error (RecursionError: maximum recursion depth exceeded). Nothing was imported."
    )
    assert "Zoe.json: imported" in result.stdout
    assert load(second.id) == second


def damage_rows(good: Session, *damaged: Session) -> None:
    """Rows that became invalid after they were saved: an infinite time (as an older import
    wrote), a JSON column that is not JSON, an unknown kind (hand edits)."""
    save(good, *damaged)
    conn = sqlite3.connect(database_path())
    conn.execute("UPDATE answers SET elapsed = 9e999 WHERE session_id = ?", (damaged[0].id,))
    conn.execute("UPDATE answers SET covered = '{not json' WHERE session_id = ?", (damaged[1].id,))
    conn.execute("UPDATE sessions SET kind = 'bogus' WHERE id = ?", (damaged[2].id,))
    conn.commit()
    conn.close()


def test_history_and_export_never_crash_on_a_row_that_became_invalid() -> None:
    good = sample_session("Ann", seed=1)
    damaged = [sample_session("Ann", seed=s) for s in (2, 3, 4)]
    damage_rows(good, *damaged)

    history = soutenance("history")
    assert history.returncode == 0 and "Traceback" not in history.stderr
    rows = history.stdout.splitlines()
    assert len(rows) == 4  # every session listed, the damaged ones too
    flagged = [row for row in rows if "(damaged: " in row]
    assert {row[:12] for row in flagged} == {s.id[:12] for s in (damaged[0], damaged[2])}

    for session in damaged:
        for fmt in ("md", "json"):
            done = soutenance("export", session.id, "--format", fmt)
            assert done.returncode == 1 and done.stdout == "", done.stderr
            line = done.stderr.strip()
            assert "\n" not in line and session.id in line and "damaged" in line, line
    assert soutenance("export", good.id, "--format", "md").returncode == 0
    assert soutenance("stats").returncode == 0


# -- failure 8: no size limit, devices, FIFOs -------------------------------------------------


MEASURE = """
import resource, subprocess, sys, time
start = time.monotonic()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=120)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(done.returncode, peak, round(time.monotonic() - start, 1), done.stderr.strip(), sep="\\t")
"""


def import_measured(target: Path, home: Path) -> tuple[int, int, str]:
    """Exit status, peak memory (MB) and error line of `soutenance import target` into home, in a child."""
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, sys.executable, "-m", "soutenance", "import", str(target)],
        cwd=REPO, capture_output=True, text=True, timeout=180, check=True,
        env={**os.environ, "SOUTENANCE_LANG": "en", "SOUTENANCE_HOME": str(home)},
    ).stdout  # fmt: skip
    status, peak, _seconds, line = out.rstrip("\n").split("\t", 3)
    return int(status), int(peak), line


@pytest.fixture(scope="module")
def baseline_mb(tmp_path_factory: pytest.TempPathFactory) -> int:
    """The peak memory of importing a small, good export: what the command needs anyway."""
    folder = tmp_path_factory.mktemp("baseline")
    good = write(folder, "good.json", session_to_json_text(sample_session("Ann")))
    status, peak, _line = import_measured(good, folder / "home")
    assert status == 0
    return peak


def fifo(folder: Path) -> Path:
    path = folder / "export.json"
    os.mkfifo(path)
    return path


def big_file(folder: Path) -> Path:
    """177 MB, as the campaign's: a real export whose notes were blown up."""
    data = export_data(sample_session("Ann"))
    data["session"]["answers"][0]["notes"] = "x" * (177 * 1024 * 1024)
    path = folder / "big.json"
    with path.open("w", encoding="utf-8") as out:
        json.dump(data, out)
    return path


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda folder: Path("/dev/zero"), "is not a regular file"),
        (fifo, "is not a regular file"),
        (big_file, "larger than 20 MB"),
    ],
    ids=["dev-zero", "fifo", "177MB"],
)
def test_devices_fifos_and_huge_files_are_refused_with_bounded_memory(
    tmp_path: Path, baseline_mb: int, make, reason: str
) -> None:
    target = make(tmp_path)
    writer_started = threading.Event()
    if target.is_fifo():  # a writer that never writes: the import must not wait for it
        threading.Thread(
            target=lambda: (writer_started.set(), _hold_fifo(target)), daemon=True
        ).start()
        writer_started.wait(5)
    status, peak, line = import_measured(target, Path(os.environ["SOUTENANCE_HOME"]))
    assert status == 1 and reason in line and line.endswith("Nothing was imported."), line
    # Refused before reading (at most the 20 MB cap would be): far from 938 MB or 2.7 GB.
    assert peak < baseline_mb + 16, (peak, baseline_mb)
    assert nothing_stored()


def _hold_fifo(path: Path) -> None:
    try:
        descriptor = os.open(path, os.O_WRONLY)
    except OSError:
        return
    resource.getrusage(resource.RUSAGE_SELF)  # keep the writer open until the test ends
    threading.Event().wait(60)
    os.close(descriptor)


async def test_the_student_page_lists_damaged_sessions_and_will_not_open_them(
    tmp_path: Path,
) -> None:
    from soutenance.ui.app import make_app
    from soutenance.ui.screens.review import ReviewScreen
    from soutenance.ui.screens.student import StudentScreen

    good = sample_session("Ann", seed=1)
    damaged = [sample_session("Ann", seed=s) for s in (2, 3, 4)]
    damage_rows(good, *damaged)
    store = open_store(database_path())
    app = make_app(lang="en", store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        page = StudentScreen("Ann")
        app.push_screen(page)
        await pilot.pause()
        assert page.page is not None and len(page.page.sessions) == 4
        for session in damaged:
            page.open_session(session.id)
            await pilot.pause()
            assert app.screen is page  # said in a notification, the page stays
        page.open_session(good.id)
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
    store.close()
