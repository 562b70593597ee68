"""Fault-test helper: one process writing sessions, answers and notes into a shared database.

    python store_writer.py DB TAG SESSIONS GO_FILE

Waits for GO_FILE so that several writers start (and open the database) at the same moment.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from soutenance.session.model import Answer, Session
from soutenance.store import open_store


def main() -> int:
    db, tag, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    Path(f"{go}.ready-{tag}").touch()
    while not go.exists():
        time.sleep(0.005)
    store = open_store(db)
    if not store.persistent or store.warning:
        print(f"store not usable: {store.warning}", file=sys.stderr)
        return 3
    start = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)
    for n in range(count):
        session = Session(
            student=f"Writer {tag}", path_id="p", project_id="q", project_title="T",
            language="fr", evaluator_role="jury", started_at=start + timedelta(minutes=n),
            id=f"{tag}-session-{n}",
        )  # fmt: skip
        store.start_session(session, holder=f"writer-{tag}")
        for position in range(3):
            answer = Answer(
                question_id=f"q{position}", question_text=f"Question {position}",
                key_points=["a", "b"], time_limit=60, position=position, elapsed=10.0 + n,
                id=f"{tag}-answer-{n}-{position}",
            )  # fmt: skip
            session.answers.append(answer)
            store.write_run(session, f"writer-{tag}", answers=[answer])
        for answer in session.answers:
            answer.notes = f"notes {tag} {n} {answer.position}"
            store.write_run(session, f"writer-{tag}", answers=[answer], session_row=False)
        session.ended_at = start + timedelta(minutes=n, seconds=30)
        store.write_run(session, f"writer-{tag}")
    store.close()
    print(f"ok {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
