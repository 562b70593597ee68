"""Resuming a long session against starting a new one, to a question screen ready to answer.

Both in the same headless app and run, alternated: a new 50-question rehearsal (the draw, the
plan, the first save) against resuming a 50-question rehearsal left half-way with notes on every
answered question (the lease, the whole session read back, the clocks rebuilt). Goal: resume /
start <= 1.2.

    .venv/bin/python benchmarks/bench_resume.py [--runs 15] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

QUESTIONS = 50
GOAL = 1.2


def write_bank(folder: Path, questions: int) -> None:
    lines = [
        "project:", "  id: long", "  title: Long project", "  path: Community Manager",
        "  language: fr", "  evaluator_role: La directrice", "questions:",
    ]  # fmt: skip
    for n in range(questions):
        lines += [
            f"  - id: q{n:03d}",
            f'    text: "Question {n} : pourquoi ce choix, et quelle alternative ?"',
            "    key_points: [Un chiffre, Une source, Un arbitrage]",
            '    follow_ups: [{text: "Et sinon ?", key_points: [Plan B]}]',
            "    time_limit: 90",
        ]
    (folder / "long.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


async def measure(runs: int) -> tuple[list[float], list[float]]:
    from soutenance.clock import FakeClock
    from soutenance.store import open_store
    from soutenance.ui.app import make_app
    from soutenance.ui.resume import resume_in_app
    from soutenance.ui.screens.question import QuestionScreen
    from soutenance.ui.start import RehearsalRequest, build_screen

    banks = Path(os.environ["SOUTENANCE_HOME"]) / "banks-bench"
    banks.mkdir()
    write_bank(banks, QUESTIONS + 10)
    clock = FakeClock()
    store = open_store(Path(os.environ["SOUTENANCE_HOME"]) / "bench.sqlite3", clock=clock)
    app = make_app(banks=[banks], lang="fr", clock=clock, store=store)
    starts, resumes = [], []
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        entry = app.services.catalog.find("community-manager/long")[0]

        async def ready() -> QuestionScreen:
            while not (isinstance(app.screen, QuestionScreen) and app.screen.is_mounted):
                await asyncio.sleep(0)
            await pilot.pause()
            return app.screen

        for run in range(runs):
            request = RehearsalRequest(entry, student="Bench", count=QUESTIONS, seed=run)
            began = time.perf_counter()
            app.push_screen(build_screen(app, request))
            screen = await ready()
            starts.append(time.perf_counter() - began)
            run_ = screen.run
            for _ in range(QUESTIONS // 2):  # half-way: answered, rated, ticked, with notes
                clock.advance(30)
                run_.stop()
                run_.rate(3)
                run_.tick([0, 2])
                run_.set_notes("Ce que j'ai répondu : " + "du texte " * 40)
                run_.next()
            run_.checkpoint()
            run_.release()
            session_id = run_.session.id
            app.pop_screen()
            await pilot.pause()
            began = time.perf_counter()
            resume_in_app(app.screen, session_id)
            screen = await ready()
            resumes.append(time.perf_counter() - began)
            assert screen.run.index == QUESTIONS // 2 and screen.run.total == QUESTIONS
            screen.run.release()
            app.pop_screen()
            await pilot.pause()
    store.close()
    return starts, resumes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="3 runs")
    args = parser.parse_args()
    runs = 3 if args.quick else args.runs
    with tempfile.TemporaryDirectory() as home:
        os.environ["SOUTENANCE_HOME"] = home
        starts, resumes = asyncio.run(measure(runs))
    start, resume = statistics.median(starts), statistics.median(resumes)
    ratio = resume / start
    print(f"start a {QUESTIONS}-question rehearsal: median {start * 1000:.1f} ms over {runs} runs")
    print(f"resume it half-way:              median {resume * 1000:.1f} ms")
    print(f"resume / start: {ratio:.2f} (goal <= {GOAL}) {'ok' if ratio <= GOAL else 'OVER'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
