"""How fast the mentor's screens get their data from a big store.

Builds 13 students x 40 weeks of mentor sessions (with answers, marks, objectives) plus 10,000
imported rehearsals in a temporary SOUTENANCE_HOME, then times the roster summary and the data
behind one student's page against the 100 ms budget.

    .venv/bin/python benchmarks/bench_store.py [--rehearsals 10000] [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

BUDGET_MS = 100.0
STUDENTS = 13
WEEKS = 40


def populate(store, rehearsals: int) -> list[str]:
    from soutenance.exports.importing import import_session
    from soutenance.exports.session_json import session_to_json
    from soutenance.session.model import SessionKind
    from tests.samples import sample_session

    names = [f"Student {n:02d}" for n in range(STUDENTS)]
    first_week = datetime(2026, 1, 5, 17, 0, tzinfo=UTC)
    for n, name in enumerate(names):
        store.roster.add_student(
            name,
            paths=["digital-marketer"],
            project_ref="digital-marketer/seo-audit",
            language="fr" if n % 2 else "en",
            defense_date=date(2026, 11, 1) + timedelta(days=n),
        )
        for week in range(WEEKS):
            session = sample_session(
                name,
                seed=week,
                started_at=first_week + timedelta(weeks=week, hours=n),
                kind=SessionKind.MOCK if week % 2 else SessionKind.LIVE,
                questions=5,
                objectives=3,
                reviewed=True,
            )
            for objective in session.objectives[: week % 3]:
                objective.done = True
            store.save_session(session)
    for r in range(rehearsals):
        name = names[r % STUDENTS]
        started = first_week + timedelta(minutes=r * 37 % (WEEKS * 7 * 24 * 60))
        rehearsal = sample_session(name, seed=100_000 + r, started_at=started, questions=4)
        import_session(store, session_to_json(rehearsal))
    return names


def timed(work: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and worst wall time in ms over `runs` calls (after one warm-up call)."""
    work()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def report(label: str, median: float, worst: float) -> None:
    print(
        f"{label}: {median:.1f} ms median, {worst:.1f} ms worst "
        f"({median / BUDGET_MS:.3f} / {worst / BUDGET_MS:.3f} of the {BUDGET_MS:.0f} ms budget)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rehearsals", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        os.environ["SOUTENANCE_HOME"] = home
        from soutenance.paths import database_path
        from soutenance.store import open_store

        store = open_store()
        assert store.persistent, store.warning
        start = time.perf_counter()
        names = populate(store, args.rehearsals)
        built = time.perf_counter() - start
        sessions = STUDENTS * WEEKS + args.rehearsals
        size = Path(database_path()).stat().st_size / 1e6
        print(f"built {sessions} sessions in {built:.1f} s ({size:.1f} MB + WAL)")
        store.close()

        start = time.perf_counter()
        store = open_store()
        print(f"open (with integrity quick check): {(time.perf_counter() - start) * 1000:.1f} ms")
        student = names[5]

        def student_page() -> None:
            store.list_sessions(student, limit=50)
            store.roster.open_objectives(student)
            latest = store.latest_session(student)
            assert latest is not None and latest.answers

        def student_page_all_sessions() -> None:
            store.list_sessions(student, limit=None)
            store.roster.open_objectives(student)
            store.latest_session(student)

        summary = store.roster.summary()
        assert len(summary) == STUDENTS and all(e.open_objectives for e in summary[:2])
        report("roster", *timed(store.roster.summary, args.runs))
        report("student page (50 latest sessions)", *timed(student_page, args.runs))
        report("student page (all sessions)", *timed(student_page_all_sessions, args.runs))
        history = timed(lambda: store.question_history("risk", student), args.runs)
        report("question history (one question, one student)", *history)
        store.close()


if __name__ == "__main__":
    main()
