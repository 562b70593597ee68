"""Large answer histories for the draw, mentor and stall benchmarks (not a benchmark itself).

One project's bank and sessions of ten answers, written to a store through the store's own row
writers in one transaction, then the derived rows (the students' memory, the summaries) built as
the app builds them on first use. Two shapes of data:

- friendly: the answers spread over ``students`` students (about 1,000 each by default);
- hostile: every answer belongs to one student (100 answers a day for three years).

On both, 5 % of the answers are skipped, 1 % are about questions since removed from the bank and
each student's sessions are spread over the last 120 days (friendly) or 1,000 days (hostile).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from soutenance.banks.model import Question
from soutenance.session.model import Answer, AnswerStatus, Marks, Session
from soutenance.store import Store, open_store
from soutenance.store.derived import refresh
from soutenance.store.roster import Student, ensure_student
from soutenance.store.rows import write_session_tree

NOW = datetime(2026, 11, 2, 18, tzinfo=UTC)
DEFENSE = NOW + timedelta(days=14)
KEY_POINTS = ["Budget", "Planning", "Risques", "Indicateurs"]
PATH_ID, PROJECT_ID = "bench", "grand-projet"
PER_SESSION = 10


def make_questions(n: int, seed: int = 2026) -> list[Question]:
    rng = random.Random(seed)
    tags = ["budget", "kpi", "crise", "seo", "equipe", "brief"]
    return [
        Question(
            id=f"q{i:05d}",
            text=f"Question {i} : comment défendez-vous ce choix ?",
            key_points=list(KEY_POINTS),
            difficulty=1 + i % 3,
            time_limit=60 + 30 * (i % 4),
            tags=rng.sample(tags, 2),
        )
        for i in range(n)
    ]


def make_sessions(
    questions: list[Question], answers: int, students: int, *, days: int = 120, seed: int = 2026
) -> list[Session]:
    """Sessions of PER_SESSION answers, each student's spread over the last ``days`` days."""
    rng = random.Random(seed)
    sessions = []
    per_student = max(1, answers // students // PER_SESSION)
    for s in range(students):
        for k in range(per_student):
            started = NOW - timedelta(days=days * (1 - k / per_student), hours=rng.uniform(1, 8))
            session = Session(
                student=f"student{s}", path_id=PATH_ID, project_id=PROJECT_ID, project_title="Grand projet",
                language="fr", evaluator_role="Jury", started_at=started, ended_at=started + timedelta(hours=1),
            )  # fmt: skip
            for position in range(PER_SESSION):
                question = rng.choice(questions)
                skipped = rng.random() < 0.05
                gone = rng.random() < 0.01
                session.answers.append(
                    Answer(
                        question_id=f"gone{rng.randrange(10**6)}" if gone else question.id,
                        question_text=question.text,
                        key_points=list(KEY_POINTS),
                        time_limit=question.time_limit,
                        position=position,
                        status=AnswerStatus.SKIPPED if skipped else AnswerStatus.ANSWERED,
                        elapsed=None if skipped else rng.uniform(20, 200),
                        confidence=rng.randint(1, 5),
                        covered=[] if skipped else sorted(rng.sample(range(4), rng.randint(0, 4))),
                        answered_at=started + timedelta(minutes=3 * position),
                        marks=Marks(clarity=rng.randint(1, 4)) if rng.random() < 0.2 else Marks(),
                    )
                )
            sessions.append(session)
    return sessions


@dataclass
class History:
    store: Store
    questions: list[Question]
    students: list[str]
    answers: int
    write_seconds: float
    build_seconds: float
    """Building every derived row at once, as the first use after an upgrade does."""


def build(folder: Path, questions: int, answers: int, students: int, *, days: int = 120) -> History:
    """A store in ``folder`` (a data dir) holding ``answers`` answers of ``students`` students."""
    bank = make_questions(questions)
    sessions = make_sessions(bank, answers, students, days=days)
    store = open_store(folder / "soutenance.sqlite3")  # the data dir of SOUTENANCE_HOME=folder
    start = time.perf_counter()

    def write(conn) -> None:
        for name in sorted({s.student for s in sessions}):
            ensure_student(conn, Student(name=name), NOW)
        for session in sessions:
            write_session_tree(conn, session)

    store.db.write(write)
    written = time.perf_counter() - start
    start = time.perf_counter()
    store.db.write(lambda conn: refresh(conn, PATH_ID, PROJECT_ID))
    built = time.perf_counter() - start
    store.db.conn.execute("ANALYZE")
    names = sorted({s.student for s in sessions})
    return History(store, bank, names, sum(len(s.answers) for s in sessions), written, built)


def bank_yaml(questions: list[Question]) -> str:
    """The bank as a YAML file the catalog can load (for the screens)."""
    lines = [
        "project:",
        f"  id: {PROJECT_ID}",
        "  title: Grand projet",
        "  path: Bench",
        "  language: fr",
        "  evaluator_role: Le jury",
        "questions:",
    ]
    for q in questions:
        lines += [
            f"  - id: {q.id}",
            f'    text: "{q.text}"',
            f"    key_points: [{', '.join(q.key_points)}]",
            f"    difficulty: {q.difficulty}",
            f"    time_limit: {q.time_limit}",
            f"    tags: [{', '.join(q.tags)}]",
        ]
    return "\n".join(lines) + "\n"


def cpu_and_wall(run, repeat: int) -> tuple[float, float]:
    """(median CPU ms, median wall ms) over ``repeat`` runs: CPU time is what the goals are held
    to, as other processes on a shared machine add to the wall time."""
    import statistics

    cpu, wall = [], []
    for _ in range(repeat):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        run()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start_wall) * 1000)
    return statistics.median(cpu), statistics.median(wall)


def report(label: str, figures: tuple[float, float], goal: float | None, width: int = 58) -> bool:
    """One line; True when within the goal (or without one)."""
    cpu, wall = figures
    ratio = f"ratio {cpu / goal:6.2f} of {goal:g} ms" if goal else "(no goal)"
    print(f"  {label:<{width}} cpu {cpu:9.2f} ms  wall {wall:9.2f} ms  {ratio}")
    return goal is None or cpu <= goal


def machine_speed() -> float:
    """ms for ten million additions in a Python loop: about 400 ms on a recent laptop."""
    start = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return (time.process_time() - start) * 1000


def versus_floor(label: str, run, repeat: int) -> None:
    """``run(full: bool) -> seconds``: the median on the roster's store and on an empty one."""
    import statistics

    run(False), run(True)  # the bank index and the file cache warm
    full, floor = [], []
    for _ in range(repeat):
        floor.append(run(False))
        full.append(run(True))
    full_s, floor_s = statistics.median(full), statistics.median(floor)
    print(f"  {label}, whole process: {full_s * 1000:.0f} ms; on an empty store "
          f"{floor_s * 1000:.0f} ms: ratio {full_s / floor_s:.2f} to its floor, "
          f"{(full_s - floor_s) * 1000:+.0f} ms")  # fmt: skip
