"""Each reached answer as the derived rows counted it, kept in ``answer_facts``.

When an answer changes, what it added to its question's figures is read here, so that the
figures move by the difference (a few rows) instead of being summed again over every answer to
the question; the table's index also gives a question's latest answers and its medians without
reading the others. A fact is an ``AnswerRecord`` with the mentor's marks.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable, Sequence
from typing import Any, NamedTuple

from soutenance.session.answer_quality import AnswerRecord
from soutenance.store.records import REACHED, RECORD_COLUMNS, to_records

Key = tuple[str, str, str, str]
"""(path id, project id, student, question id)."""

FACT_COLUMNS = """question_id, answered_at, elapsed, time_limit, confidence, skipped, key_points,
    covered, session_id, student, project_id, answer_id, marks, path_id"""
"""In ``to_records`` order, then the marks and the path."""
_WRITE = (
    "INSERT INTO answer_facts (question_id, answered_at, elapsed, time_limit, confidence, skipped, "
    "key_points, covered, session_id, student, project_id, answer_id, marks, path_id, coverage) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
    + ", ".join(
        f"{c} = excluded.{c}"
        for c in (
            "question_id",
            "answered_at",
            "elapsed",
            "time_limit",
            "confidence",
            "skipped",
            "key_points",
            "covered",
            "session_id",
            "student",
            "project_id",
            "marks",
            "path_id",
            "coverage",
        )  # fmt: skip
    )
)
_FROM_ANSWERS = f"""SELECT {RECORD_COLUMNS}, a.marks, s.path_id
    FROM answers a CROSS JOIN sessions s ON s.id = a.session_id"""
KEY_CLAUSE = "path_id = ? AND project_id = ? AND question_id = ? AND student = ?"
_BULK = 64


class Fact(NamedTuple):
    record: AnswerRecord
    marks: dict[str, int]
    path_id: str

    @property
    def key(self) -> Key:
        record = self.record
        return self.path_id, record.project_id, record.student, record.question_id


def plain(conn: sqlite3.Connection, query: str, params: Sequence[Any] = ()) -> list[tuple]:
    """Rows as plain tuples (no ``sqlite3.Row`` per row)."""
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor.execute(query, tuple(params)).fetchall()


def to_facts(rows: list[tuple]) -> list[Fact]:
    """Facts from rows in ``FACT_COLUMNS`` order (the answers' ``RECORD_COLUMNS``, marks, path)."""
    marks_of: dict[str, dict[str, int]] = {"{}": {}}
    facts = []
    for record, row in zip(to_records(rows), rows, strict=True):
        marks = marks_of.get(row[12])
        if marks is None:
            marks = marks_of[row[12]] = json.loads(row[12])
        facts.append(Fact(record, marks, row[13]))
    return facts


def _row(fact: Fact) -> tuple:
    r = fact.record
    return (
        r.question_id, r.answered_at.isoformat(timespec="microseconds"), r.elapsed, r.time_limit,
        r.confidence, int(r.skipped), json.dumps(r.key_points, ensure_ascii=False),
        json.dumps(r.covered), r.session_id, r.student, r.project_id, r.answer_id,
        json.dumps(fact.marks, separators=(",", ":")), fact.path_id, r.coverage,
    )  # fmt: skip


def _chunks(ids: Sequence[str]) -> Iterable[tuple[list[str], str]]:
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        yield chunk, ", ".join("?" for _ in chunk)


def apply_changes(
    conn: sqlite3.Connection, answer_ids: Sequence[str]
) -> tuple[dict[str, Fact], dict[str, Fact]]:
    """Bring the facts of these answers up to date; returns (what they were, what they are now)
    by answer id, for the reached answers only."""
    old: dict[str, Fact] = {}
    new: dict[str, Fact] = {}
    for chunk, marks in _chunks(answer_ids):
        rows = plain(
            conn, f"SELECT {FACT_COLUMNS} FROM answer_facts WHERE answer_id IN ({marks})", chunk
        )
        old.update((f.record.answer_id, f) for f in to_facts(rows))
        rows = plain(conn, f"{_FROM_ANSWERS} WHERE a.id IN ({marks}) AND {REACHED}", chunk)
        new.update((f.record.answer_id, f) for f in to_facts(rows))
    gone = [(answer_id,) for answer_id in old if answer_id not in new]
    conn.executemany("DELETE FROM answer_facts WHERE answer_id = ?", gone)
    conn.executemany(_WRITE, [_row(fact) for fact in new.values()])
    return old, new


def rebuild_facts(
    conn: sqlite3.Connection, path_id: str, project_id: str, keys: Collection[tuple[str, str]]
) -> None:
    """The facts of these (student, question) keys read again from the answers."""
    if not keys:
        return
    if len(keys) > _BULK:  # one read of the project's answers rather than one per key
        rows = plain(conn, f"{_FROM_ANSWERS} WHERE s.path_id = ? AND s.project_id = ? AND {REACHED}",
                     (path_id, project_id))  # fmt: skip
        facts = [f for f in to_facts(rows) if (f.record.student, f.record.question_id) in keys]
    else:
        facts = []
        for student, question_id in keys:
            rows = plain(
                conn,
                f"""{_FROM_ANSWERS} WHERE a.question_id = ? AND s.student = ? AND s.path_id = ?
                AND s.project_id = ? AND {REACHED}""",
                (question_id, student, path_id, project_id),
            )
            facts += to_facts(rows)
    conn.executemany(f"DELETE FROM answer_facts WHERE {KEY_CLAUSE}",
                     [(path_id, project_id, question_id, student) for student, question_id in keys])  # fmt: skip
    conn.executemany(_WRITE, [_row(fact) for fact in facts])


def facts_of(
    conn: sqlite3.Connection, path_id: str, project_id: str, *, question_id: str | None = None,
    student: str | None = None, latest: int | None = None,
    question_ids: Collection[str] | None = None,
) -> list[Fact]:  # fmt: skip
    """The facts of a project, of one question or some, of one student's question (``latest``:
    only that many, the latest first)."""
    clause, params = "path_id = ? AND project_id = ?", [path_id, project_id]
    if question_id is not None:
        clause += " AND question_id = ?"
        params.append(question_id)
    if question_ids is not None:
        clause += " AND question_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(sorted(question_ids)))
    if student is not None:
        clause += " AND student = ?"
        params.append(student)
    order = (
        "" if latest is None else f" ORDER BY answered_at DESC, answer_id DESC LIMIT {int(latest)}"
    )
    return to_facts(
        plain(conn, f"SELECT {FACT_COLUMNS} FROM answer_facts WHERE {clause}{order}", params)
    )


def latest_of(
    conn: sqlite3.Connection, path_id: str, project_id: str, student: str,
    question_ids: Collection[str], latest: int,
) -> dict[str, tuple[int, list[Fact]]]:  # fmt: skip
    """For each of a student's questions: its count of facts and its ``latest`` facts, the
    latest first; in one read through the key index."""
    rows = plain(
        conn,
        f"""SELECT {FACT_COLUMNS}, n FROM (SELECT {FACT_COLUMNS},
            row_number() OVER (PARTITION BY question_id ORDER BY answered_at DESC, answer_id DESC) r,
            count(*) OVER (PARTITION BY question_id) n FROM answer_facts
            WHERE path_id = ? AND project_id = ? AND student = ?
            AND question_id IN (SELECT value FROM json_each(?))) WHERE r <= ?
        ORDER BY question_id, r""",
        (path_id, project_id, student, json.dumps(sorted(question_ids)), latest),
    )
    found: dict[str, tuple[int, list[Fact]]] = {}
    for fact, row in zip(to_facts([row[:14] for row in rows]), rows, strict=True):
        found.setdefault(fact.record.question_id, (row[14], []))[1].append(fact)
    return found


def middle(conn: sqlite3.Connection, column: str, count: int, path_id: str, project_id: str,
           question_id: str, student: str | None) -> float | None:  # fmt: skip
    """The median of ``column`` (elapsed or coverage) over the ``count`` answered facts that have
    one, as ``statistics.median`` gives it."""
    if count <= 0:
        return None
    clause, params = (
        "path_id = ? AND project_id = ? AND question_id = ?",
        [path_id, project_id, question_id],
    )
    if student is not None:
        clause += " AND student = ?"
        params.append(student)
    rows = plain(
        conn,
        f"""SELECT {column} FROM answer_facts WHERE {clause} AND skipped = 0 AND {column} IS NOT NULL
        ORDER BY {column} LIMIT ? OFFSET ?""",
        (*params, 2 - count % 2, (count - 1) // 2),
    )
    values = [row[0] for row in rows]
    return values[0] if len(values) == 1 else (values[0] + values[1]) / 2
