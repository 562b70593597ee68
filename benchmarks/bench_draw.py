"""Time plan_draw and a student's statistics on a large generated bank and history.

    .venv/bin/python benchmarks/bench_draw.py [--questions 50000] [--answers 100000] [--students 100]

50,000 questions and 100,000 recorded answers are generated in memory. Two histories are timed:
"one student" (the answers spread over ``--students`` students, the store handing over one
student's records) and "worst case" (all 100,000 answers belong to the same student).
Budgets: plan_draw of 10 questions 20 ms, one student's statistics 100 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from soutenance.banks.model import Question
from soutenance.session.scheduling import AnswerRecord, plan_draw
from soutenance.session.stats import student_stats

DRAW_BUDGET_MS = 20.0
STATS_BUDGET_MS = 100.0
NOW = datetime(2026, 11, 2, 18, tzinfo=UTC)
KEY_POINTS = ("Budget", "Planning", "Risques", "Indicateurs")


def make_questions(n: int, rng: random.Random) -> list[Question]:
    tags = ["budget", "kpi", "crise", "seo", "equipe", "brief"]
    return [
        Question(
            id=f"q{i:05d}",
            text=f"Question {i} ?",
            key_points=list(KEY_POINTS),
            follow_ups=[],
            difficulty=1 + i % 3,
            time_limit=60 + 30 * (i % 4),
            tags=rng.sample(tags, 2),
        )
        for i in range(n)
    ]


def make_records(
    questions: list[Question], n: int, students: int, rng: random.Random
) -> list[AnswerRecord]:
    records = []
    for i in range(n):
        question = rng.choice(questions)
        skipped = rng.random() < 0.05
        covered = tuple(sorted(rng.sample(range(4), rng.randint(0, 4))))
        records.append(
            AnswerRecord(
                question_id=question.id if rng.random() > 0.01 else f"gone{i}",
                answered_at=NOW - timedelta(days=rng.uniform(0, 120)),
                coverage=None if skipped else len(covered) / 4,
                elapsed=None if skipped else rng.uniform(20, 200),
                time_limit=question.time_limit,
                confidence=rng.randint(1, 4),
                skipped=skipped,
                student=f"student{i % students}",
                session_id=f"s{i % students}-{i // (students * 10)}",
                key_points=KEY_POINTS,
                covered=covered,
            )
        )
    return records


def timings(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(median CPU time, median wall time) in ms over ``repeat`` runs.

    CPU time is the figure compared with the budget: on a shared machine, wall time also counts
    the time other processes held the CPU."""
    cpu, wall = [], []
    for _ in range(repeat):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        run()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start_wall) * 1000)
    return statistics.median(cpu), statistics.median(wall)


def report(label: str, figures: tuple[float, float], budget: float) -> None:
    cpu, wall = figures
    print(f"  {label:<46} cpu {cpu:8.2f} ms  wall {wall:8.2f} ms  ratio {cpu / budget:6.2f}")


def machine_speed() -> float:
    """ms for ten million additions in a Python loop: about 400 ms on a recent laptop."""
    start = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return (time.process_time() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=50_000)
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()

    rng = random.Random(2026)
    start = time.perf_counter()
    questions = make_questions(args.questions, rng)
    records = make_records(questions, args.answers, args.students, rng)
    print(
        f"generated {len(questions):,} questions and {len(records):,} answers "
        f"in {time.perf_counter() - start:.1f} s"
    )
    defense = NOW + timedelta(days=14)
    alone = [r for r in records if r.student == "student0"]
    everything = [replace(r, student="student0") for r in records]

    for label, history in (
        (f"one student ({len(alone):,} answers)", alone),
        (f"worst case ({len(everything):,} answers, one student)", everything),
    ):
        print(label)
        for focus in ("mix", "weak", "due", "all"):
            figures = timings(
                lambda f=focus, h=history: plan_draw(
                    questions, h, now=NOW, defense_date=defense, count=10, focus=f, seed=1
                ),
                args.repeat,
            )
            report(f"plan_draw count=10 focus={focus}", figures, DRAW_BUDGET_MS)
    print("statistics")
    report(
        f"student_stats from all {len(records):,} answers",
        timings(lambda: student_stats(records, "student0", questions), args.repeat),
        STATS_BUDGET_MS,
    )
    report(
        f"student_stats, one student with {len(everything):,}",
        timings(lambda: student_stats(everything, "student0", questions), args.repeat),
        STATS_BUDGET_MS,
    )
    print(f"budgets: plan_draw {DRAW_BUDGET_MS:.0f} ms, statistics {STATS_BUDGET_MS:.0f} ms")
    print(f"machine: a 10M-step Python loop takes {machine_speed():.0f} ms here")


if __name__ == "__main__":
    main()
