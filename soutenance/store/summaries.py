"""The figures the mentor's views read, kept in ``question_summary`` and ``student_summary``.

``question_summary`` has a row per question of a project for every student together (student
'') and one per (student, question); a student's ``student_summary`` row is the sum of their
question rows' ``Figures``, kept by adding what each refresh changed. ``project_view`` then reads
as many rows as it shows: the questions listed, the students, and the project's id list.

A new figure: a field of ``Figures`` (soutenance.session.figures), its column in both tables (a
migration appended to soutenance.store.migrations) and a new ``DERIVED_VERSION``. A new order of
the questions: an entry of ``QUESTION_ORDERS``.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from soutenance.banks.model import Question
from soutenance.session.answer_quality import AnswerRecord
from soutenance.session.figures import Figures, MissedKeyPoint, QuestionSummary, summarize_question
from soutenance.session.stats import BankCoverage, ProjectView, StudentRow
from soutenance.store.records import REACHED, RECORD_COLUMNS, to_records
from soutenance.store.scope_ids import EVERYONE, read_ids, update_ids

BULK = 64
"""More questions than this to refresh: the project's answers are read in one query."""

FIGURE_COLUMNS = tuple(item.name for item in fields(Figures))
_LISTS = frozenset(item.name for item in fields(Figures) if item.name.startswith("mark_"))
_SUMMARY_COLUMNS = ("students", "median_time", "median_coverage", "key_points", "last_at")
_KEY = ("path_id", "project_id", "student", "question_id")

_UPSERT_QUESTION = (
    f"INSERT INTO question_summary ({', '.join((*_KEY, *_SUMMARY_COLUMNS, *FIGURE_COLUMNS))}) "
    f"VALUES ({', '.join('?' for _ in (*_KEY, *_SUMMARY_COLUMNS, *FIGURE_COLUMNS))}) "
    "ON CONFLICT DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in (*_SUMMARY_COLUMNS, *FIGURE_COLUMNS))
)
_UPSERT_STUDENT = (
    f"INSERT INTO student_summary (path_id, project_id, student, questions, {', '.join(FIGURE_COLUMNS)}) "
    f"VALUES (?, ?, ?, ?, {', '.join('?' for _ in FIGURE_COLUMNS)}) ON CONFLICT DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in ("questions", *FIGURE_COLUMNS))
)
_ANSWERS = f"SELECT {RECORD_COLUMNS}, a.marks"
_ANSWERS_OF_QUESTION = f"""{_ANSWERS} FROM answers a CROSS JOIN sessions s ON s.id = a.session_id
    WHERE a.question_id = ? AND s.path_id = ? AND s.project_id = ? AND {REACHED}"""
_ANSWERS_OF_PROJECT = f"""{_ANSWERS} FROM sessions s CROSS JOIN answers a ON a.session_id = s.id
    WHERE s.path_id = ? AND s.project_id = ? AND {REACHED}"""

_HARDEST = """CASE WHEN median_coverage IS NOT NULL THEN median_coverage
        WHEN skipped > 0 THEN 0.0 ELSE 2.0 END,
    -(CASE WHEN answered > 0 THEN overtime * 1.0 / answered ELSE 0.0 END),
    -(CASE WHEN asked > 0 THEN skipped * 1.0 / asked ELSE 0.0 END)"""
QUESTION_ORDERS: Mapping[str, str] = {
    "hardest": _HARDEST,
    "times": "asked DESC",
    "median_time": "median_time IS NULL, median_time DESC",
    "overtime": "answered = 0, overtime * 1.0 / answered DESC",
    "coverage": "median_coverage IS NULL, median_coverage",
    "confidence": "confidence_count = 0, confidence_sum / confidence_count",
}
"""SQL orders of ``project_view``'s questions (ties by id; questions gone from the bank last)."""


def _plain(conn: sqlite3.Connection, query: str, params: Sequence[Any]) -> list[tuple]:
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor.execute(query, tuple(params)).fetchall()


def figure_values(numbers: Figures) -> tuple:
    return tuple(
        json.dumps(value) if name in _LISTS else value
        for name, value in ((c, getattr(numbers, c)) for c in FIGURE_COLUMNS)
    )


def figures_from(values: Sequence[Any]) -> Figures:
    data = dict(zip(FIGURE_COLUMNS, values, strict=True))
    for name in _LISTS:
        data[name] = tuple(json.loads(data[name]))
    return Figures(**data)


def _summary_values(summary: QuestionSummary) -> tuple:
    points = [[p.text, p.missed, p.asked] for p in summary.key_points]
    last_at = summary.last_at.isoformat(timespec="microseconds") if summary.last_at else None
    return (summary.students, summary.median_time, summary.median_coverage,
            json.dumps(points, ensure_ascii=False), last_at, *figure_values(summary.figures))  # fmt: skip


def summary_from(question_id: str, row: Sequence[Any]) -> QuestionSummary:
    """A summary from the ``_SUMMARY_COLUMNS`` then the ``FIGURE_COLUMNS`` of a row."""
    students, median_time, median_coverage, points, last_at = row[:5]
    return QuestionSummary(
        question_id, figures_from(row[5:]), students, median_time, median_coverage,
        tuple(MissedKeyPoint(*point) for point in json.loads(points)),
        datetime.fromisoformat(last_at) if last_at else None,
    )  # fmt: skip


Answers = list[tuple[AnswerRecord, dict[str, int]]]


def _answers(rows: list[tuple]) -> dict[str, Answers]:
    """Records with their marks, per question id."""
    marks_of: dict[str, dict[str, int]] = {"{}": {}}
    grouped: dict[str, Answers] = defaultdict(list)
    for record, row in zip(to_records(rows), rows, strict=True):
        marks = marks_of.get(row[-1])
        if marks is None:
            marks = marks_of[row[-1]] = json.loads(row[-1])
        grouped[record.question_id].append((record, marks))
    return grouped


def _summarize(question_id: str, answers: Answers) -> QuestionSummary | None:
    if not answers:
        return None
    return summarize_question(question_id, [r for r, _ in answers], [m for _, m in answers])


def refresh_summaries(
    conn: sqlite3.Connection, path_id: str, project_id: str, keys: Collection[tuple[str, str]]
) -> None:
    """Bring the summaries of the changed (student, question) keys up to date, the question's
    row for everyone and the students' sums with them."""
    questions = {qid for _, qid in keys}
    if len(questions) > BULK:
        grouped = _answers(_plain(conn, _ANSWERS_OF_PROJECT, (path_id, project_id)))
    else:
        grouped = {}
        for qid in questions:
            grouped.update(_answers(_plain(conn, _ANSWERS_OF_QUESTION, (qid, path_id, project_id))))
    previous = _stored_figures(conn, path_id, project_id, keys)
    everyone = _refresh_rows(
        conn, path_id, project_id, [(EVERYONE, q) for q in questions], grouped, {}
    )
    update_ids(conn, path_id, project_id, EVERYONE, added=everyone[0], removed=everyone[1])
    _refresh_rows(conn, path_id, project_id, keys, grouped, previous)


def _refresh_rows(
    conn: sqlite3.Connection, path_id: str, project_id: str, keys: Collection[tuple[str, str]],
    grouped: dict[str, Answers], previous: dict[tuple[str, str], Figures],
) -> tuple[list[str], list[str]]:  # fmt: skip
    """Write the rows of ``keys``; for students, add the change to their sums. Returns the
    question ids whose row was created and deleted."""
    existing = _existing(conn, path_id, project_id, keys)
    added, removed = [], []
    changes: dict[str, tuple[Figures, int]] = {}
    for student, qid in keys:
        answers = grouped.get(qid, [])
        if student != EVERYONE:
            answers = [item for item in answers if item[0].student == student]
        summary = _summarize(qid, answers)
        if summary is None:
            if (student, qid) in existing:
                conn.execute("DELETE FROM question_summary WHERE path_id = ? AND project_id = ? "
                             "AND student = ? AND question_id = ?", (path_id, project_id, student, qid))  # fmt: skip
                removed.append(qid)
        else:
            if (student, qid) not in existing:
                added.append(qid)
            conn.execute(
                _UPSERT_QUESTION, (path_id, project_id, student, qid, *_summary_values(summary))
            )
        if student != EVERYONE:
            before = previous.get((student, qid))
            delta = (summary.figures if summary else Figures()) - (before or Figures())
            count = (summary is not None) - (before is not None)
            total, questions = changes.get(student, (Figures(), 0))
            changes[student] = (total + delta, questions + count)
    for student, (delta, count) in changes.items():
        _add_to_student(conn, path_id, project_id, student, delta, count)
    return added, removed


def _existing(conn: sqlite3.Connection, path_id: str, project_id: str,
              keys: Collection[tuple[str, str]]) -> set[tuple[str, str]]:  # fmt: skip
    ids = sorted({qid for _, qid in keys})
    found: set[tuple[str, str]] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = f"""SELECT student, question_id FROM question_summary WHERE path_id = ?
            AND project_id = ? AND question_id IN ({", ".join("?" for _ in chunk)})"""
        found.update((s, q) for s, q in _plain(conn, query, (path_id, project_id, *chunk)))
    return found & set(keys)


def _stored_figures(conn: sqlite3.Connection, path_id: str, project_id: str,
                    keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], Figures]:  # fmt: skip
    ids = sorted({qid for student, qid in keys if student != EVERYONE})
    wanted = set(keys)
    found: dict[tuple[str, str], Figures] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = f"""SELECT student, question_id, {", ".join(FIGURE_COLUMNS)} FROM question_summary
            WHERE path_id = ? AND project_id = ? AND student != ''
            AND question_id IN ({", ".join("?" for _ in chunk)})"""
        for row in _plain(conn, query, (path_id, project_id, *chunk)):
            if (row[0], row[1]) in wanted:
                found[row[0], row[1]] = figures_from(row[2:])
    return found


def _add_to_student(conn: sqlite3.Connection, path_id: str, project_id: str, student: str,
                    delta: Figures, count: int) -> None:  # fmt: skip
    key = (path_id, project_id, student)
    row = _plain(conn, f"SELECT questions, {', '.join(FIGURE_COLUMNS)} FROM student_summary "
                 "WHERE path_id = ? AND project_id = ? AND student = ?", key)  # fmt: skip
    questions, total = (row[0][0], figures_from(row[0][1:])) if row else (0, Figures())
    questions += count
    if questions <= 0:
        conn.execute(
            "DELETE FROM student_summary WHERE path_id = ? AND project_id = ? AND student = ?", key
        )
        return
    conn.execute(_UPSERT_STUDENT, (*key, questions, *figure_values(total + delta)))


def rebuild_students(conn: sqlite3.Connection, path_id: str, project_id: str) -> None:
    """Every student's sums computed again from their question rows (exact: no drift)."""
    sums = ", ".join(
        f"sum({c})" if c not in _LISTS else f"json_group_array(json({c}))" for c in FIGURE_COLUMNS
    )
    rows = _plain(conn, f"""SELECT student, count(*), {sums} FROM question_summary
        WHERE path_id = ? AND project_id = ? AND student != '' GROUP BY student""", (path_id, project_id))  # fmt: skip
    conn.execute(
        "DELETE FROM student_summary WHERE path_id = ? AND project_id = ?", (path_id, project_id)
    )
    for student, questions, *values in rows:
        data = dict(zip(FIGURE_COLUMNS, values, strict=True))
        for name in _LISTS:
            data[name] = json.dumps(
                [sum(column) for column in zip(*json.loads(data[name]), strict=True)]
            )
        conn.execute(_UPSERT_STUDENT, (path_id, project_id, student, questions, *data.values()))


def project_view(
    conn: sqlite3.Connection,
    path_id: str,
    project_id: str,
    questions: Sequence[Question] | None,
    *,
    student: str | None = None,
    limit: int | None = 200,
    order: str = "hardest",
) -> ProjectView:
    """The mentor's view of a project (of one student's answers when ``student`` is given) from
    the summaries; ``questions`` is the bank (None: no longer in the banks). Call
    ``soutenance.store.derived.refresh`` for the project first (``records.project_summary``)."""
    scope = EVERYONE if student is None else student
    asked = set(read_ids(conn, path_id, project_id, scope))
    bank = list(questions or ())
    bank_ids = {q.id for q in bank}
    coverage = BankCoverage(
        total=len(bank_ids),
        drawn=len(bank_ids & asked),
        never_drawn=tuple(q for q in bank if q.id not in asked),
        no_longer_in_bank=tuple(sorted(asked - bank_ids)),
    )
    gone = json.dumps(sorted(asked - bank_ids) if questions is not None else [])
    columns = ", ".join(("question_id", *_SUMMARY_COLUMNS, *FIGURE_COLUMNS))
    query = f"""SELECT {columns} FROM question_summary
        WHERE path_id = ? AND project_id = ? AND student = ?
        ORDER BY question_id IN (SELECT value FROM json_each(?)), {QUESTION_ORDERS[order]}, question_id
        LIMIT ?"""
    rows = _plain(conn, query, (path_id, project_id, scope, gone, -1 if limit is None else limit))
    listed = tuple(summary_from(row[0], row[1:]).stats() for row in rows)
    return ProjectView(
        coverage,
        listed,
        len(asked),
        _students(conn, path_id, project_id, student, asked - bank_ids, len(bank_ids)),
    )


def _students(conn: sqlite3.Connection, path_id: str, project_id: str, student: str | None,
              gone: set[str], bank_size: int) -> tuple[StudentRow, ...]:  # fmt: skip
    clause, params = ("", ()) if student is None else (" AND student = ?", (student,))
    rows = _plain(conn, f"""SELECT student, questions, {", ".join(FIGURE_COLUMNS)} FROM student_summary
        WHERE path_id = ? AND project_id = ?{clause}""", (path_id, project_id, *params))  # fmt: skip
    outside: dict[str, int] = {}
    if gone:
        outside = dict(_plain(conn, f"""SELECT student, count(*) FROM question_summary
            WHERE path_id = ? AND project_id = ? AND student != ''{clause}
            AND question_id IN (SELECT value FROM json_each(?)) GROUP BY student""",
            (path_id, project_id, *params, json.dumps(sorted(gone)))))  # fmt: skip
    students = [
        StudentRow(name, figures_from(values), questions - outside.get(name, 0), bank_size)
        for name, questions, *values in rows
    ]
    return tuple(sorted(students, key=lambda row: row.student.casefold()))
