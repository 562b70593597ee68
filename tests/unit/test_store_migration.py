"""A database written by soutenance 0.1 (schema 1) opens, migrates and resumes its session."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from soutenance.banks.catalog import build_catalog
from soutenance.clock import FakeClock
from soutenance.session.model import AnswerStatus, Stage
from soutenance.store import open_store
from soutenance.store.migrations import LATEST_VERSION
from soutenance.usecases.resume import resume_session

FIXTURE = Path(__file__).parents[1] / "fixtures" / "store" / "v1-unfinished.sqlite3"
UNFINISHED = "162e89e598234b96a891cb945835f17d"


def test_a_version_1_database_resumes_its_unfinished_session(
    tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "soutenance.sqlite3"
    shutil.copy(FIXTURE, path)
    with open_store(path, clock=clock) as store:
        assert store.persistent and store.warning is None
        assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        finished, unfinished = sorted(store.list_sessions(), key=lambda s: s.started_at)
        assert (finished.answered, finished.total_time) == (2, 115.25)
        assert [s.id for s in store.unfinished_sessions("Camille")] == [UNFINISHED]

        old = store.load_session(finished.id)
        assert old.stage is Stage.ENDED
        assert (old.answers[0].confidence, old.answers[0].covered) == (4, [0, 2])
        assert old.answers[0].notes == "Premier essai.\nDeux lignes."

        resumed = resume_session(store, UNFINISHED, clock=clock, catalog=build_catalog(()))
        run = resumed.run
        # Version 1 kept only the two questions shown; the second is where the student stopped.
        assert [q.id for q in run.session.plan] == ["retroplanning-jalons", "livrables-attendus"]
        assert (run.index, run.stage) == (1, Stage.ANSWERING) and run.paused
        assert run.answer.notes == "J'ai commencé à répondre"
        assert run.session.answers[0].status is AnswerStatus.ANSWERED
        assert run.session.answers[0].elapsed == 95.5
        clock.advance(30)
        run.toggle_pause()
        clock.advance(40)
        run.stop()
        run.rate(2)
        session = run.finish()
        assert [a.status for a in session.answers] == [AnswerStatus.ANSWERED, AnswerStatus.ANSWERED]
        assert store.load_session(UNFINISHED).answers[1].elapsed == 40


def test_migrating_keeps_every_row_and_breaks_no_foreign_key(tmp_path: Path) -> None:
    path = tmp_path / "soutenance.sqlite3"
    shutil.copy(FIXTURE, path)
    before = sqlite3.connect(path)
    counts = [
        before.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("sessions", "answers", "students")
    ]
    before.close()
    open_store(path).close()
    after = sqlite3.connect(path)
    assert [
        after.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("sessions", "answers", "students")
    ] == counts
    assert after.execute("PRAGMA foreign_key_check").fetchall() == []
    assert after.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
