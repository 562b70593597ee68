"""Fault-test helper: one window on a session, typing notes until told to stop or refused.

    python session_window.py DB start|open|take-over SESSION_ID STOP_FILE

Prints "open", then "typed <n> <text length>" after each save (what it printed is on disk),
and at the end "read-only <reason>" if another window took the session over, or "ended" after
ending it when STOP_FILE appears. "elsewhere <pid>" and exit 2 when it may not open the session.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from soutenance.clock import SystemClock
from soutenance.session.model import QuestionSnapshot, RunSettings, Session
from soutenance.session.run import SessionRun
from soutenance.store import SessionOpenElsewhere, open_store


def main() -> int:
    db, mode, session_id, stop = sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4])
    clock = SystemClock()
    store = open_store(db, clock=clock)
    holder = f"{mode}-{time.monotonic_ns()}"
    if mode == "start":
        session = Session(
            student="Camille", path_id="p", project_id="q", project_title="T", language="fr",
            evaluator_role="jury", started_at=datetime.now(UTC), id=session_id,
            settings=RunSettings(count=1),
            plan=[QuestionSnapshot(id="q1", text="Pourquoi ?", key_points=["a"], time_limit=600)],
        )  # fmt: skip
        run = SessionRun.start(session, clock, store)
    else:
        try:
            session = store.open_session(session_id, holder, take_over=mode == "take-over")
        except SessionOpenElsewhere as elsewhere:
            print("elsewhere", elsewhere.lease.pid, flush=True)
            return 2
        run = SessionRun.resumed(session, clock, store, holder=holder)
    print("open", flush=True)
    count = 0
    while not stop.exists():
        count += 1
        run.set_notes(f"{mode}:{count};" + "x" * count)
        if run.read_only:
            print("read-only", run.read_only, flush=True)
            print("kept", len(run.answer.notes), flush=True)  # still on screen, not on disk
            return 0
        print("typed", count, len(run.answer.notes), flush=True)
        time.sleep(0.02)
    run.toggle_pause() if run.paused else None
    run.stop()
    run.rate(3)
    run.finish()
    print("ended", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
