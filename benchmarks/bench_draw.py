"""Drawing questions for a student holding 100,000 answers, and saving an answer, against the goals.

    .venv/bin/python benchmarks/bench_draw.py [--quick] [--repeat 9] [--strict] [--no-before]
        [--keep FOLDER] [--profile FOCUS]

``--keep FOLDER`` builds the stores in FOLDER and reuses them on the next run (each run's saves
add a few answers to them); ``--profile FOCUS`` prints where the hostile draw of that focus
spends its time (cProfile), after the figures.

The draw is what a user waits for between "start" and the first question (an in-app delay), so
it is timed in-process: the student's stored memory made current (``student_memory``) and
``plan_draw`` of 10 questions on a ``QuestionPool`` indexed once when the bank is loaded, for
every focus, with the process's FSRS memo emptied before each run. Goal: 20 ms each.

Data (benchmarks/history.py), 50,000 questions and 100,000 answers (--quick: 5,000 and 10,000):

- friendly: 100 students of about 1,000 answers each; the draw is for one of them;
- hostile: one student holding every answer (about 43,000 distinct questions answered).

Beside each draw, "before" is the same draw replaying the student's answers read from the store
(what the app did until now), for comparison. Then the cost of saving an answer with the derived
rows kept current in the same transaction (``Store.write_run``): a new answer, its rating, its
key points; and, hostile too, on a bank of 40 questions (2,500 answers to each). Their floor is
the same save of an answer the derived rows do not depend on (typed notes); goal: 50 ms, the
longest pause allowed on the event loop, as saves run on it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from history import (
    DEFENSE,
    NOW,
    PATH_ID,
    PROJECT_ID,
    History,
    build,
    cpu_and_wall,
    machine_speed,
    make_questions,
    report,
)

from soutenance.session.model import Answer, AnswerStatus, Session
from soutenance.session.scheduling import QuestionPool, clear_card_caches, plan_draw
from soutenance.store import open_store
from soutenance.store.derived import student_memory
from soutenance.store.records import student_records

DRAW_GOAL_MS = 20.0
SAVE_GOAL_MS = 50.0
FOCUSES = ("mix", "weak", "new", "due", "all")


def history_in(root: Path, questions: int, answers: int, students: int, days: int) -> History:
    """The store built in ``root``, or the one an earlier run with ``--keep`` left there."""
    if not (root / "soutenance.sqlite3").exists():
        root.mkdir(parents=True, exist_ok=True)
        return build(root, questions, answers, students, days=days)
    store = open_store(root / "soutenance.sqlite3")
    conn = store.db.conn
    names = [row[0] for row in conn.execute("SELECT DISTINCT student FROM sessions ORDER BY 1")]
    held = conn.execute("SELECT count(*) FROM answers").fetchone()[0]
    return History(store, make_questions(questions), names, held, 0.0, 0.0)


def draw_once(store, pool: QuestionPool, student: str, focus: str) -> object:
    """The timed draw: the student's stored memory made current, then 10 questions planned."""
    clear_card_caches()
    memory = student_memory(store, student, PATH_ID, PROJECT_ID)
    return plan_draw(pool, memory, now=NOW, defense_date=DEFENSE, count=10, focus=focus, seed=1)


def profile(history, focus: str) -> None:
    import cProfile
    import pstats

    pool = QuestionPool(history.questions)
    profiler = cProfile.Profile()
    profiler.runcall(lambda: [draw_once(history.store, pool, history.students[0], focus)
                              for _ in range(20)])  # fmt: skip
    print(f"profile of 20 hostile draws, focus={focus}:")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def draws(history, student: str, repeat: int, *, before: bool) -> bool:
    store = history.store
    pool = QuestionPool(history.questions)
    mine = student_records(store, student, path_id=PATH_ID, project_id=PROJECT_ID)
    print(f"  ({student}: {len(mine):,} answers; bank of {len(pool):,} questions)")
    within = True
    for focus in FOCUSES:

        def stored(focus: str = focus) -> object:
            return draw_once(store, pool, student, focus)

        within &= report(f"draw 10, focus={focus}", cpu_and_wall(stored, repeat), DRAW_GOAL_MS)
        if before:

            def replayed(focus: str = focus) -> object:
                clear_card_caches()
                history_now = student_records(
                    store, student, path_id=PATH_ID, project_id=PROJECT_ID
                )
                return plan_draw(
                    pool, history_now, now=NOW, defense_date=DEFENSE, count=10, focus=focus, seed=1
                )

            report(
                f"  before: replaying the answers, focus={focus}",
                cpu_and_wall(replayed, max(1, repeat // 3)),
                None,
            )
    return within


def saves(history, student: str, repeat: int) -> bool:
    """A rehearsal's saves of one answer, each with the derived rows refreshed."""
    store = history.store
    questions = history.questions
    session = Session(student=student, path_id=PATH_ID, project_id=PROJECT_ID, project_title="Grand projet",
                      language="fr", evaluator_role="Jury", started_at=NOW)  # fmt: skip
    session.answers = [
        Answer(
            question_id=questions[i % len(questions)].id,
            question_text="?",
            key_points=["a", "b", "c"],
            time_limit=90,
            position=i,
        )  # fmt: skip
        for i in range(repeat)
    ]
    store.start_session(session, holder="bench")
    steps = {"notes typed (floor: nothing derived changes)": [], "answered (a new last answer)": [],
             "rated (the last answer changed)": [], "key points ticked": []}  # fmt: skip
    for answer in session.answers:
        moment = NOW + timedelta(minutes=answer.position)

        def answered(answer: Answer = answer, moment=moment) -> None:
            answer.status, answer.elapsed, answer.answered_at = AnswerStatus.ANSWERED, 75.0, moment

        changes = [lambda a=answer: setattr(a, "notes", "typed"), answered,
                   lambda a=answer: setattr(a, "confidence", 2), lambda a=answer: setattr(a, "covered", [0, 2])]  # fmt: skip
        for change, times in zip(changes, steps.values(), strict=True):
            change()
            times.append(
                cpu_and_wall(lambda a=answer: store.write_run(session, "bench", answers=[a]), 1)
            )
    within = True
    floor = None
    for label, times in steps.items():
        cpu = sorted(c for c, _ in times)[len(times) // 2]
        wall = sorted(w for _, w in times)[len(times) // 2]
        if floor is None:
            floor = cpu
            report(f"save: {label}", (cpu, wall), None)
            continue
        within &= report(f"save: {label} ({cpu / floor:.1f}x the floor)", (cpu, wall), SAVE_GOAL_MS)
    return within


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 questions and 10,000 answers")
    parser.add_argument("--repeat", type=int, default=9, help="runs of each draw (median kept)")
    parser.add_argument(
        "--no-before", action="store_true", help="skip the replaying draws (slow on hostile data)"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    parser.add_argument("--keep", type=Path, help="build the stores in this folder and reuse them")
    parser.add_argument("--profile", choices=FOCUSES, help="profile the hostile draw of a focus")
    args = parser.parse_args()
    questions, answers = (5_000, 10_000) if args.quick else (50_000, 100_000)
    repeat = 3 if args.quick else args.repeat
    within = True
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        shapes = (("friendly", 100, 120), ("hostile", 1, 1000))
        for name, students, days in shapes:
            history = history_in(folder / f"{name}-{questions}", questions, answers, students, days)
            built = (f"written in {history.write_seconds:.1f} s, derived rows built in {history.build_seconds:.1f} s"
                     if history.write_seconds else "the store kept by an earlier run")  # fmt: skip
            print(f"{name}: {history.answers:,} answers of {students} student(s) on {questions:,} questions; {built}")  # fmt: skip
            within &= draws(history, history.students[0], repeat, before=not args.no_before)
            within &= saves(history, history.students[0], repeat)
            if name == "hostile" and args.profile:
                profile(history, args.profile)
            history.store.close()
        history = history_in(folder / f"small-bank-{answers}", 40, answers, 1, 1000)
        print(f"hostile, small bank: {history.answers:,} answers of one student on 40 questions "
              f"(derived rows built in {history.build_seconds:.1f} s, 0 when kept)")  # fmt: skip
        within &= draws(history, history.students[0], repeat, before=False)
        within &= saves(history, history.students[0], repeat)
        history.store.close()
    print(
        f"goals: draw {DRAW_GOAL_MS:g} ms, save {SAVE_GOAL_MS:g} ms (CPU time); {'all within' if within else 'SOME OVER'}"
    )
    print(
        f"machine: a 10M-step Python loop takes {machine_speed():.0f} ms here (about 400 ms on a recent laptop)"
    )
    return 0 if within or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
