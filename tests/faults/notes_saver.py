"""Fault-test helper: saves ever longer notes in a loop until killed.

    python notes_saver.py DB

After each save of the notes it prints "<count> <length>" and flushes: what it printed is on disk.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

from soutenance.session.model import Answer, Session
from soutenance.store import SessionNotFound, open_store

SESSION_ID = "kill-session"
ANSWER_ID = "kill-answer"


def notes_text(count: int) -> str:
    return "".join(f"ligne {k} : é [bold]*x*[/bold]\n" for k in range(count))


def main() -> int:
    store = open_store(sys.argv[1])
    if not store.persistent or store.warning:
        print(f"store not usable: {store.warning}", file=sys.stderr)
        return 3
    try:
        session = store.load_session(SESSION_ID)
    except SessionNotFound:
        session = Session(
            student="Killed", path_id="p", project_id="q", project_title="T", language="fr",
            evaluator_role="jury", started_at=datetime(2026, 11, 2, tzinfo=UTC), id=SESSION_ID,
            answers=[Answer(question_id="q", question_text="Question", key_points=[], time_limit=60, id=ANSWER_ID)],
        )  # fmt: skip
        store.save_session(session)
    answer = session.answers[0]
    count = 0
    while True:
        count += 1
        answer.notes = notes_text(count)
        store.write_run(session, None, answers=[answer], session_row=False)
        print(count, len(answer.notes), flush=True)


if __name__ == "__main__":
    sys.exit(main())
