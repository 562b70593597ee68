"""A date edited by hand into something else never stops the roster from opening."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from soutenance.clock import FakeClock
from soutenance.store import open_store
from tests.samples import sample_session


def test_damaged_dates_read_as_unknown_and_the_real_last_session_still_shows(
    tmp_path: Path, clock: FakeClock
) -> None:
    store = open_store(tmp_path / "soutenance.sqlite3", clock=clock)
    good = sample_session("Alice", seed=1, started_at=datetime(2026, 11, 2, 18, 0, tzinfo=UTC))
    damaged = sample_session("Alice", seed=2, started_at=datetime(2026, 11, 9, 18, 0, tzinfo=UTC))
    store.save_session(good)
    store.save_session(damaged)
    store.remember_student("Alice")
    store.roster.add_student("Bob")

    def damage(conn) -> None:
        conn.execute("UPDATE sessions SET started_at = 'last tuesday' WHERE id = ?", (damaged.id,))
        conn.execute(
            "UPDATE students SET defense_date = 'soon', created_at = 42 WHERE name = 'Bob'"
        )

    store.db.write(damage)

    entries = {entry.student.name: entry for entry in store.roster.summary()}
    assert entries["Alice"].session_count == 2
    assert entries["Alice"].last_session_at == good.started_at
    assert entries["Bob"].defense_date is None and entries["Bob"].student.created_at is None
    assert store.roster.get_student("Bob").defense_date is None
    assert [s.name for s in store.roster.list_students()] == ["Alice", "Bob"]


def test_a_lone_damaged_session_date_leaves_the_last_session_unknown(tmp_path: Path) -> None:
    store = open_store(tmp_path / "soutenance.sqlite3")
    session = sample_session("Alice")
    store.save_session(session)
    store.remember_student("Alice")
    store.db.write(
        lambda conn: conn.execute(
            "UPDATE sessions SET started_at = '2026-13-45x' WHERE id = ?", (session.id,)
        )
    )
    (entry,) = store.roster.summary()
    assert entry.last_session_at is None and entry.session_count == 1
