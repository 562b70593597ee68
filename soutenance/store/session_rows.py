"""Sessions to rows and back, on an open connection (the caller owns the transaction)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, date, datetime

from soutenance.session.model import (
    MARK_SCALES,
    Answer,
    FollowUpAnswer,
    Objective,
    Session,
    SessionKind,
)


def timestamp(moment: datetime | None) -> str | None:
    """ISO text that sorts in time order: aware datetimes are stored in UTC."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="microseconds")


def parse_timestamp(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def parse_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def check_marks(marks: dict[str, int]) -> None:
    for scale, value in marks.items():
        if scale not in MARK_SCALES:
            raise ValueError(f"unknown mark scale {scale!r}; expected one of {MARK_SCALES}")
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 4:
            raise ValueError(f"mark {scale} must be 1..4, got {value!r}")


def write_session_row(conn: sqlite3.Connection, session: Session) -> None:
    conn.execute(
        """INSERT INTO sessions (id, student, path_id, project_id, project_title, language,
            evaluator_role, kind, started_at, ended_at, seed, presentation_seconds,
            debrief_strengths, debrief_improvements, feedback)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET student = excluded.student, path_id = excluded.path_id,
            project_id = excluded.project_id, project_title = excluded.project_title,
            language = excluded.language, evaluator_role = excluded.evaluator_role,
            kind = excluded.kind, started_at = excluded.started_at, ended_at = excluded.ended_at,
            seed = excluded.seed, presentation_seconds = excluded.presentation_seconds,
            debrief_strengths = excluded.debrief_strengths,
            debrief_improvements = excluded.debrief_improvements, feedback = excluded.feedback""",
        (
            session.id, session.student, session.path_id, session.project_id,
            session.project_title, session.language, session.evaluator_role, str(session.kind),
            timestamp(session.started_at), timestamp(session.ended_at), session.seed,
            session.presentation_seconds, session.debrief_strengths,
            session.debrief_improvements, session.feedback,
        ),
    )  # fmt: skip


def write_answer(conn: sqlite3.Connection, session_id: str, answer: Answer) -> None:
    """Upsert the answer, its follow-ups and its marks (the marks given now replace the old)."""
    check_marks(answer.marks)
    conn.execute(
        """INSERT INTO answers (id, session_id, position, question_id, question_text, key_points,
            time_limit, elapsed, skipped, confidence, covered, notes, reason, mentor_notes,
            mentor_comment, answered_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET position = excluded.position,
            question_id = excluded.question_id, question_text = excluded.question_text,
            key_points = excluded.key_points, time_limit = excluded.time_limit,
            elapsed = excluded.elapsed, skipped = excluded.skipped,
            confidence = excluded.confidence, covered = excluded.covered, notes = excluded.notes,
            reason = excluded.reason, mentor_notes = excluded.mentor_notes,
            mentor_comment = excluded.mentor_comment, answered_at = excluded.answered_at""",
        (
            answer.id, session_id, answer.position, answer.question_id, answer.question_text,
            json.dumps(answer.key_points), answer.time_limit, answer.elapsed,
            int(answer.skipped), answer.confidence, json.dumps(answer.covered), answer.notes,
            answer.reason, answer.mentor_notes, answer.mentor_comment,
            timestamp(answer.answered_at),
        ),
    )  # fmt: skip
    for position, follow_up in enumerate(answer.follow_ups):
        write_follow_up(conn, answer.id, follow_up, position)
    conn.execute("DELETE FROM marks WHERE answer_id = ?", (answer.id,))
    conn.executemany(
        "INSERT INTO marks (answer_id, scale, value) VALUES (?, ?, ?)",
        [(answer.id, scale, value) for scale, value in answer.marks.items()],
    )


def write_follow_up(
    conn: sqlite3.Connection, answer_id: str, follow_up: FollowUpAnswer, position: int
) -> None:
    conn.execute(
        """INSERT INTO follow_ups (id, answer_id, position, text, key_points, time_limit, elapsed,
            covered, notes, ad_hoc)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET position = excluded.position, text = excluded.text,
            key_points = excluded.key_points, time_limit = excluded.time_limit,
            elapsed = excluded.elapsed, covered = excluded.covered, notes = excluded.notes,
            ad_hoc = excluded.ad_hoc""",
        (
            follow_up.id, answer_id, position, follow_up.text, json.dumps(follow_up.key_points),
            follow_up.time_limit, follow_up.elapsed, json.dumps(follow_up.covered),
            follow_up.notes, int(follow_up.ad_hoc),
        ),
    )  # fmt: skip


def write_objectives(conn: sqlite3.Connection, session_id: str, objectives: Iterable[Objective]):
    conn.executemany(
        """INSERT INTO objectives (id, session_id, position, text, done) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET position = excluded.position, text = excluded.text,
            done = excluded.done""",
        [(o.id, session_id, i, o.text, int(o.done)) for i, o in enumerate(objectives)],
    )


def write_session_tree(conn: sqlite3.Connection, session: Session) -> None:
    """Upsert the session with its answers, follow-ups, marks and objectives.

    Rows missing from `session` are kept: saving never deletes an answer or an objective.
    """
    write_session_row(conn, session)
    for answer in session.answers:
        write_answer(conn, session.id, answer)
    write_objectives(conn, session.id, session.objectives)


def read_session(conn: sqlite3.Connection, session_id: str) -> Session | None:
    row = conn.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
    if row is None:
        return None
    follow_ups: dict[str, list[FollowUpAnswer]] = {}
    for f in conn.execute(
        """SELECT f.* FROM follow_ups f JOIN answers a ON a.id = f.answer_id
        WHERE a.session_id = ? ORDER BY f.position""",
        (session_id,),
    ):
        follow_ups.setdefault(f["answer_id"], []).append(follow_up_from_row(f))
    marks: dict[str, dict[str, int]] = {}
    for m in conn.execute(
        """SELECT m.answer_id, m.scale, m.value FROM marks m JOIN answers a ON a.id = m.answer_id
        WHERE a.session_id = ?""",
        (session_id,),
    ):
        marks.setdefault(m["answer_id"], {})[m["scale"]] = m["value"]
    answers = [
        answer_from_row(a, follow_ups.get(a["id"], []), marks.get(a["id"], {}))
        for a in conn.execute(
            "SELECT * FROM answers WHERE session_id = ? ORDER BY position, rowid", (session_id,)
        )
    ]
    objectives = [
        Objective(text=o["text"], done=bool(o["done"]), id=o["id"])
        for o in conn.execute(
            "SELECT * FROM objectives WHERE session_id = ? ORDER BY position, rowid", (session_id,)
        )
    ]
    return Session(
        student=row["student"], path_id=row["path_id"], project_id=row["project_id"],
        project_title=row["project_title"], language=row["language"],
        evaluator_role=row["evaluator_role"], started_at=parse_timestamp(row["started_at"]),
        kind=SessionKind(row["kind"]), ended_at=parse_timestamp(row["ended_at"]),
        answers=answers, seed=row["seed"], presentation_seconds=row["presentation_seconds"],
        debrief_strengths=row["debrief_strengths"],
        debrief_improvements=row["debrief_improvements"], objectives=objectives,
        feedback=row["feedback"], id=row["id"],
    )  # fmt: skip


def answer_from_row(
    row: sqlite3.Row, follow_ups: list[FollowUpAnswer], marks: dict[str, int]
) -> Answer:
    return Answer(
        question_id=row["question_id"], question_text=row["question_text"],
        key_points=json.loads(row["key_points"]), time_limit=row["time_limit"],
        position=row["position"], elapsed=row["elapsed"], skipped=bool(row["skipped"]),
        confidence=row["confidence"], covered=json.loads(row["covered"]), notes=row["notes"],
        follow_ups=follow_ups, reason=row["reason"], mentor_notes=row["mentor_notes"],
        mentor_comment=row["mentor_comment"], marks=dict(sorted(marks.items(), key=_scale_order)),
        answered_at=parse_timestamp(row["answered_at"]), id=row["id"],
    )  # fmt: skip


def follow_up_from_row(row: sqlite3.Row) -> FollowUpAnswer:
    return FollowUpAnswer(
        text=row["text"], key_points=json.loads(row["key_points"]),
        time_limit=row["time_limit"], elapsed=row["elapsed"],
        covered=json.loads(row["covered"]), notes=row["notes"], ad_hoc=bool(row["ad_hoc"]),
        id=row["id"],
    )  # fmt: skip


def _scale_order(item: tuple[str, int]) -> int:
    return MARK_SCALES.index(item[0])
