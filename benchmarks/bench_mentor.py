"""The mentor's view of a project with 100,000 answers, against its goal.

    .venv/bin/python benchmarks/bench_mentor.py [--quick] [--repeat 9] [--strict]

The stats screen's mentor page is an in-app delay, so it is timed in-process: what its worker
reads (``project_summary``: the summaries made current, the bank's coverage, the 200 hardest
questions, every student), the median CPU time of ``--repeat`` fresh reads. Goal: 100 ms.
"before" is the same view computed from every answer (what the app did until now), for
comparison. ``soutenance stats --project`` waits as a whole process: it is timed as one, listing
every question, against the same command on an empty store (its floor: start-up and the bank).

Data (benchmarks/history.py), 100,000 answers (--quick: 10,000):

- friendly: 100 students of 1,000 answers each on a project of 500 questions;
- hostile: the same answers on a project of 50,000 questions (43,000 of them answered, as many
  rows to rank), and the same with every answer held by one student.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from history import (
    PATH_ID,
    PROJECT_ID,
    bank_yaml,
    build,
    cpu_and_wall,
    machine_speed,
    report,
    versus_floor,
)

from soutenance.session.stats import project_view
from soutenance.store.derived import project_summary
from soutenance.store.records import project_records

GOAL_MS = 100.0


def in_process(history, repeat: int, before: bool) -> bool:
    store, questions = history.store, history.questions

    def view(limit: int | None = 200):
        return lambda: project_summary(store, PATH_ID, PROJECT_ID, questions, limit=limit)

    shown = view()()
    print(f"  ({shown.question_count:,} questions answered, {len(shown.students)} student(s), "
          f"{shown.answers:,} answers; {len(shown.coverage.never_drawn):,} never drawn)")  # fmt: skip
    within = report(
        "mentor's project view (200 hardest questions)", cpu_and_wall(view(), repeat), GOAL_MS
    )
    report(
        "  every question (what `stats --project` reads)",
        cpu_and_wall(view(None), max(1, repeat // 3)),
        None,
    )
    if before:
        report(
            "  before: computed from every answer",
            cpu_and_wall(
                lambda: project_view(
                    project_records(store, PATH_ID, PROJECT_ID), questions, PROJECT_ID
                ),
                1,
            ),
            None,
        )
    return within


def whole_process(folder: Path, history, repeat: int) -> None:
    """`soutenance stats --project` as a user runs it, against the same on an empty store."""
    banks = folder / "banks"
    banks.mkdir(exist_ok=True)
    (banks / "grand-projet.yaml").write_text(bank_yaml(history.questions), encoding="utf-8")
    empty = folder / "empty-home"
    empty.mkdir(exist_ok=True)
    command = [str(Path(sys.executable).parent / "soutenance"), "stats", "--project",
               f"{PATH_ID}/{PROJECT_ID}", "--format", "json", "--banks", str(banks)]  # fmt: skip

    def run(home: Path) -> float:
        env = {**os.environ, "SOUTENANCE_HOME": str(home)}
        start = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"stats failed: {done.stderr.strip()}")
        if home == folder:
            assert len(json.loads(done.stdout)["questions"]) > 0
        return elapsed

    versus_floor(
        "`soutenance stats --project --format json`",
        lambda full: run(folder if full else empty),
        repeat,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 answers")
    parser.add_argument(
        "--repeat", type=int, default=9, help="fresh reads of each view (median kept)"
    )
    parser.add_argument(
        "--no-before", action="store_true", help="skip the views computed from every answer"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when the goal is missed")
    args = parser.parse_args()
    answers = 10_000 if args.quick else 100_000
    repeat = 3 if args.quick else args.repeat
    within = True
    shapes = (
        ("friendly", 500, 100),
        ("hostile, many questions", 50_000, 100),
        ("hostile, one student", 50_000, 1),
    )
    with tempfile.TemporaryDirectory() as folder:
        for index, (name, questions, students) in enumerate(shapes):
            root = Path(folder) / f"data{index}"
            root.mkdir()
            history = build(root, questions // (10 if args.quick else 1), answers, students,
                            days=120 if students > 1 else 1000)  # fmt: skip
            print(f"{name}: {history.answers:,} answers of {students} student(s) on {len(history.questions):,} "
                  f"questions; derived rows built in {history.build_seconds:.1f} s")  # fmt: skip
            within &= in_process(history, repeat, not args.no_before)
            if index == 1:
                whole_process(root, history, max(1, repeat // 3))
            history.store.close()
    print(f"goal: {GOAL_MS:g} ms (CPU time); {'within' if within else 'OVER'}")
    print(
        f"machine: a 10M-step Python loop takes {machine_speed():.0f} ms here (about 400 ms on a recent laptop)"
    )
    return 0 if within or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
