"""A mentor's real roster: statistics for one project and an import, against their goals.

    .venv/bin/python benchmarks/bench_mentor_roster.py [--quick] [--repeat 5] [--strict]

Data (benchmarks/history.py): 13 students with 40 weeks of weekly sessions each, plus 10,000
imported sessions (--quick: 1,000) of 10 answers, spread over the same 40 weeks, on a project of
300 questions: about 100,000 answers. The sessions are stored as an import leaves them and the
derived rows built once, as the first use after an upgrade does.

What a user waits for, each figure the median of ``--repeat`` runs:

- mentor statistics for one project: the stats screen's worker read (``project_summary``, CPU
  time in-process; goal 100 ms), and ``soutenance stats --project`` as a whole process, against
  the same command on an empty store (its floor: start-up and the bank);
- an import of a 200-answer file: ``import_session`` in-process (CPU time; goal 200 ms), and
  ``soutenance import FILE`` as a whole process against the same import into an empty store.
  Each run imports a new session of one of the 13 students (the derived rows of a student with
  a long history move with it).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from history import (
    NOW,
    PATH_ID,
    PROJECT_ID,
    bank_yaml,
    cpu_and_wall,
    machine_speed,
    make_questions,
    make_sessions,
    report,
    versus_floor,
)

from soutenance.exports.importing import import_session
from soutenance.exports.session_json import session_to_json_text
from soutenance.session.model import Answer, Session
from soutenance.store import open_store
from soutenance.store.derived import project_summary, refresh
from soutenance.store.roster import Student, ensure_student
from soutenance.store.rows import write_session_tree

STATS_GOAL_MS, IMPORT_GOAL_MS = 100.0, 200.0
STUDENTS, WEEKS, QUESTIONS = 13, 40, 300


def build(folder: Path, imported: int) -> tuple[object, list]:
    bank = make_questions(QUESTIONS)
    weekly = make_sessions(bank, STUDENTS * WEEKS * 10, STUDENTS, days=7 * WEEKS)
    imports = make_sessions(bank, imported * 10, STUDENTS, days=7 * WEEKS, seed=7)
    store = open_store(folder / "soutenance.sqlite3")
    start = time.perf_counter()

    def write(conn) -> None:
        for name in sorted({s.student for s in weekly}):
            ensure_student(conn, Student(name=name), weekly[0].started_at)
        for session in (*weekly, *imports):
            write_session_tree(conn, session)
        refresh(conn, PATH_ID, PROJECT_ID)

    store.db.write(write)
    store.db.conn.execute("ANALYZE")
    answers = sum(len(s.answers) for s in (*weekly, *imports))
    print(f"{STUDENTS} students × {WEEKS} weeks ({len(weekly):,} sessions) + {len(imports):,} "
          f"imported sessions: {answers:,} answers on {QUESTIONS} questions; "
          f"stored in {time.perf_counter() - start:.1f} s")  # fmt: skip
    return store, bank


def big_session(bank: list, student: str, seed: int) -> Session:
    """A 200-answer session of ``student`` held after their history, new each time (its own ids)."""
    model = make_sessions(bank, 200, 1, seed=seed)  # 20 sessions of 10 answers
    started = NOW + timedelta(hours=seed)
    answers = [
        Answer(**{**a.model_dump(exclude={"id"}), "position": i,
                  "answered_at": started + timedelta(seconds=40 * i)})
        for i, a in enumerate(a for s in model for a in s.answers)
    ]  # fmt: skip
    return Session(**{**model[0].model_dump(exclude={"id", "answers"}), "student": student,
                      "started_at": started, "ended_at": None, "answers": answers})  # fmt: skip


def whole(command: list[str], home: Path) -> float:
    """Seconds of one command as a process, in the home ``home``."""
    env = {**os.environ, "SOUTENANCE_HOME": str(home)}
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command[1:3])} failed: {done.stderr.strip()}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 imported sessions")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each figure (median kept)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args()
    exe = str(Path(sys.executable).parent / "soutenance")
    within = True
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        home, empty, banks = folder / "home", folder / "empty", folder / "banks"
        for path in (home, empty, banks):
            path.mkdir()
        store, bank = build(home, 1_000 if args.quick else 10_000)
        (banks / "grand-projet.yaml").write_text(bank_yaml(bank), encoding="utf-8")
        students = sorted(s.name for s in store.roster.list_students())

        print("mentor statistics for one project:")
        read = lambda: project_summary(store, PATH_ID, PROJECT_ID, bank, limit=200)  # noqa: E731
        within &= report("the stats screen's read (200 questions, 13 students)",
                         cpu_and_wall(read, args.repeat), STATS_GOAL_MS)  # fmt: skip
        stats = [exe, "stats", "--project", f"{PATH_ID}/{PROJECT_ID}", "--banks", str(banks)]
        versus_floor(
            "`soutenance stats --project`",
            lambda full: whole(stats, home if full else empty),
            args.repeat,
        )

        print("an import of a 200-answer file:")
        seeds = iter(range(1000, 10_000))
        texts = (session_to_json_text(big_session(bank, students[n % STUDENTS], next(seeds)))
                 for n in range(10_000))  # fmt: skip
        prepared = [next(texts).encode() for _ in range(args.repeat)]  # bytes: the file read
        within &= report("import_session into the roster's store",
                         cpu_and_wall(lambda: import_session(store, prepared.pop()), args.repeat),
                         IMPORT_GOAL_MS)  # fmt: skip
        store.close()

        def import_file(full: bool) -> float:
            path = folder / "export.json"
            path.write_text(next(texts), encoding="utf-8")
            return whole([exe, "import", str(path), "--banks", str(banks)], home if full else empty)

        versus_floor("`soutenance import FILE`", import_file, args.repeat)
    print(f"goals: statistics {STATS_GOAL_MS:g} ms, import {IMPORT_GOAL_MS:g} ms (CPU time); "
          f"{'within' if within else 'OVER'}")  # fmt: skip
    print(
        f"machine: a 10M-step Python loop takes {machine_speed():.0f} ms here (about 400 ms on a recent laptop)"
    )
    return 0 if within or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
