"""The figures the mentor's views read, kept in ``question_summary`` and ``student_summary``.

``question_summary`` has a row per question of a project for every student together (student
'') and one per (student, question); a student's ``student_summary`` row is the sum of their
question rows' ``Figures``. A change to some answers moves the rows by the difference between
their facts before and after (``soutenance.store.answer_facts``), so a save costs the same
whatever the history; ``project_view`` then reads as many rows as it shows: the questions
listed, the students, and the project's id list.

A new figure: a field of ``Figures`` (soutenance.session.figures), its column in both tables (a
migration appended to soutenance.store.migrations) and a new ``DERIVED_VERSION``. A new order of
the questions: an entry of ``QUESTION_ORDERS``.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import fields
from datetime import datetime
from statistics import median
from typing import Any

from soutenance.banks.model import Question
from soutenance.session.figures import (
    QUESTION_SORTS,
    Figures,
    MissedKeyPoint,
    QuestionSummary,
    counts_of,
    figures,
    key_point_counts,
    ranked_key_points,
    summarize_question,
)
from soutenance.session.stats import BankCoverage, ProjectView, StudentRow, hardness
from soutenance.store.answer_facts import Fact, facts_of, middle, plain
from soutenance.store.scope_ids import EVERYONE, read_ids, update_ids

BULK = 64
"""More questions than this to sum again: the project's facts are read in one query."""

FIGURE_COLUMNS = tuple(item.name for item in fields(Figures))
_LISTS = frozenset(item.name for item in fields(Figures) if item.name.startswith("mark_"))
_SUMMARY_COLUMNS = ("students", "median_time", "median_coverage", "key_points", "last_at")
_HARDNESS = ("hard_coverage", "hard_overtime", "hard_skipped")
"""``stats.hardness`` of the row: the hardest questions are read from an index."""
_KEY = ("path_id", "project_id", "student", "question_id")

_WRITTEN = (*_SUMMARY_COLUMNS, *FIGURE_COLUMNS, *_HARDNESS)
_UPSERT_QUESTION = (
    f"INSERT INTO question_summary ({', '.join((*_KEY, *_WRITTEN))}) "
    f"VALUES ({', '.join('?' for _ in (*_KEY, *_WRITTEN))}) "
    "ON CONFLICT DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in _WRITTEN)
)
_UPSERT_STUDENT = (
    f"INSERT INTO student_summary (path_id, project_id, student, questions, {', '.join(FIGURE_COLUMNS)}) "
    f"VALUES (?, ?, ?, ?, {', '.join('?' for _ in FIGURE_COLUMNS)}) ON CONFLICT DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in ("questions", *FIGURE_COLUMNS))
)

QUESTION_ORDERS: Mapping[str, str] = {
    "hardest": ", ".join(_HARDNESS),
    "times": "asked DESC",
    "median_time": "median_time IS NULL, median_time DESC",
    "overtime": "answered = 0, overtime * 1.0 / answered DESC",
    "coverage": "median_coverage IS NULL, median_coverage",
    "confidence": "confidence_count = 0, confidence_sum / confidence_count",
}
assert tuple(QUESTION_ORDERS) == QUESTION_SORTS, "one SQL order per order the mentor can pick"
"""SQL orders of ``project_view``'s questions (ties by id; questions gone from the bank last).
"hardest" walks an index; the others sort the project's rows (a few tens of ms at 40,000)."""


def figure_values(numbers: Figures) -> tuple:
    return tuple(
        json.dumps(value) if name in _LISTS else value
        for name, value in ((c, getattr(numbers, c)) for c in FIGURE_COLUMNS)
    )


_LIST_OF: dict[str, tuple[int, ...]] = {}
"""Mark lists parsed once: there are few distinct ones, mostly "[0,0,0]"."""


def figures_from(values: Sequence[Any]) -> Figures:
    data = dict(zip(FIGURE_COLUMNS, values, strict=True))
    for name in _LISTS:
        text = data[name]
        found = _LIST_OF.get(text)
        if found is None:
            found = tuple(json.loads(text))
            if len(_LIST_OF) < 10_000:
                _LIST_OF[text] = found
        data[name] = found
    return Figures(**data)


def _summary_values(summary: QuestionSummary) -> tuple:
    points = [[p.text, p.missed, p.asked] for p in summary.key_points]
    last_at = _text(summary.last_at)
    return (summary.students, summary.median_time, summary.median_coverage,
            json.dumps(points, ensure_ascii=False), last_at, *figure_values(summary.figures),
            *hardness(summary.stats()))  # fmt: skip


def summary_from(question_id: str, row: Sequence[Any]) -> QuestionSummary:
    """A summary from the ``_SUMMARY_COLUMNS`` then the ``FIGURE_COLUMNS`` of a row."""
    students, median_time, median_coverage, points, last_at = row[:5]
    return QuestionSummary(
        question_id, figures_from(row[5:]), students, median_time, median_coverage,
        tuple(MissedKeyPoint(*point) for point in json.loads(points)),
        datetime.fromisoformat(last_at) if last_at else None,
    )  # fmt: skip


Change = tuple[list[Fact], list[Fact]]
"""The facts of some answers before a change and after it."""


def _delta(change: Change) -> tuple[Figures, Counter[tuple[str, bool]]]:
    old, new = change
    after = figures([f.record for f in new], [f.marks for f in new])
    before = figures([f.record for f in old], [f.marks for f in old])
    points = key_point_counts(f.record for f in new)
    points.update(key_point_counts((f.record for f in old), -1))
    return after - before, points


Placed = tuple[int, str | None, float | None, float | None]
"""What does not add up: students, the last answer, the median time and coverage."""


def _moved(question_id: str, before: QuestionSummary | None, change: Change,
           place: Callable[[Figures], Placed]) -> QuestionSummary | None:  # fmt: skip
    """A summary moved by what a change made; ``place`` gives what does not add up."""
    numbers, points = _delta(change)
    total = (before.figures if before else Figures()) + numbers
    if total.asked <= 0:
        return None
    counts = counts_of(before.key_points if before else ())
    counts.update(points)
    students, last_at, median_time, median_coverage = place(total)
    return QuestionSummary(
        question_id, total, students, median_time, median_coverage, ranked_key_points(counts),
        datetime.fromisoformat(last_at) if last_at else None,
    )  # fmt: skip


def _student_places(conn: sqlite3.Connection, path_id: str, project_id: str,
                    keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], Placed]:  # fmt: skip
    """What does not add up for these (student, question) keys: one read per student of their
    answers to the questions (a few per question), through the facts' key index."""
    by_student: dict[str, list[str]] = defaultdict(list)
    for student, qid in keys:
        by_student[student].append(qid)
    values: dict[tuple[str, str], tuple[list[float], list[float], list[str]]] = {}
    for student, qids in by_student.items():
        query = """SELECT question_id, skipped, elapsed, coverage, answered_at FROM answer_facts
            WHERE path_id = ? AND project_id = ? AND student = ?
            AND question_id IN (SELECT value FROM json_each(?))"""
        for qid, skipped, elapsed, coverage, answered_at in plain(
            conn, query, (path_id, project_id, student, json.dumps(sorted(qids)))
        ):
            times, coverages, dates = values.setdefault((student, qid), ([], [], []))
            dates.append(answered_at)
            if not skipped and elapsed is not None:
                times.append(elapsed)
            if not skipped and coverage is not None:
                coverages.append(coverage)
    return {
        key: (1, max(dates), median(times) if times else None,
              median(coverages) if coverages else None)
        for key, (times, coverages, dates) in values.items()
    }  # fmt: skip


def _summed(question_id: str, facts: list[Fact]) -> QuestionSummary | None:
    if not facts:
        return None
    return summarize_question(question_id, [f.record for f in facts], [f.marks for f in facts])


def refresh_summaries(
    conn: sqlite3.Connection, path_id: str, project_id: str, changes: dict[tuple[str, str], Change],
    full: set[tuple[str, str]],
) -> None:  # fmt: skip
    """Bring the summaries of the changed (student, question) keys up to date, with the
    question's row for everyone and the students' sums: moved by the ``changes`` (facts before
    and after), or summed again from the facts for the ``full`` keys and their questions."""
    keys = set(changes) | full
    questions = {qid for _, qid in keys}
    again = {qid for _, qid in full}
    facts: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for fact in _facts(conn, path_id, project_id, again):
        facts[EVERYONE, fact.record.question_id].append(fact)
        facts[fact.record.student, fact.record.question_id].append(fact)
    before, last_of = _stored(conn, path_id, project_id, questions,
                              keys | {(EVERYONE, q) for q in questions})  # fmt: skip
    after: dict[tuple[str, str], QuestionSummary | None] = {}
    everyone: dict[str, Change] = {qid: ([], []) for qid in questions - again}
    places = _student_places(conn, path_id, project_id, [k for k in keys if k not in full])
    for key in keys:
        student, qid = key
        if key in full:
            after[key] = _summed(qid, facts.get(key, []))
        else:
            place = places.get(key, (0, None, None, None))
            after[key] = _moved(qid, before.get(key), changes[key], lambda _, p=place: p)
            if qid not in again:
                everyone[qid][0].extend(changes[key][0])
                everyone[qid][1].extend(changes[key][1])
        if after[key] is None:
            last_of.pop(key, None)
        else:
            last_of[key] = _text(after[key].last_at)
    latest: dict[str, list[str | None]] = defaultdict(list)
    for (student, qid), last_at in last_of.items():
        if student != EVERYONE:
            latest[qid].append(last_at)
    for qid in questions:
        key = (EVERYONE, qid)
        if qid in again:
            after[key] = _summed(qid, facts.get(key, []))
            continue

        def place(total: Figures, qid: str = qid) -> Placed:
            # A question's students and last answer are those of its students' rows.
            dates = [d for d in latest[qid] if d is not None]
            return (len(latest[qid]), max(dates) if dates else None,
                    middle(conn, "elapsed", total.answered, path_id, project_id, qid, None),
                    middle(conn, "coverage", total.coverage_count, path_id, project_id, qid, None))  # fmt: skip

        after[key] = _moved(qid, before.get(key), everyone[qid], place)
    _write(conn, path_id, project_id, before, after)


def _text(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="microseconds") if moment else None


def _facts(
    conn: sqlite3.Connection, path_id: str, project_id: str, questions: set[str]
) -> list[Fact]:
    if len(questions) > BULK:  # one read of the project's facts rather than one per question
        return [f for f in facts_of(conn, path_id, project_id) if f.record.question_id in questions]
    return [
        fact
        for qid in sorted(questions)
        for fact in facts_of(conn, path_id, project_id, question_id=qid)
    ]


def _stored(conn: sqlite3.Connection, path_id: str, project_id: str, questions: Collection[str],
            keys: Collection[tuple[str, str]]) -> tuple[dict[tuple[str, str], QuestionSummary],
                                                        dict[tuple[str, str], str | None]]:  # fmt: skip
    """The stored summaries of these keys, and the last answer of every row of the questions."""
    ids = sorted(questions)
    wanted = set(keys)
    found: dict[tuple[str, str], QuestionSummary] = {}
    last_of: dict[tuple[str, str], str | None] = {}
    columns = ", ".join(("student", "question_id", *_SUMMARY_COLUMNS, *FIGURE_COLUMNS))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = f"""SELECT {columns} FROM question_summary WHERE path_id = ? AND project_id = ?
            AND question_id IN ({", ".join("?" for _ in chunk)})"""
        for row in plain(conn, query, (path_id, project_id, *chunk)):
            last_of[row[0], row[1]] = row[6]
            if (row[0], row[1]) in wanted:
                found[row[0], row[1]] = summary_from(row[1], row[2:])
    return found, last_of


def _write(
    conn: sqlite3.Connection, path_id: str, project_id: str,
    before: dict[tuple[str, str], QuestionSummary], after: dict[tuple[str, str], QuestionSummary | None],
) -> None:  # fmt: skip
    """Write the new rows, add their differences to the students' sums, keep the id list."""
    added, removed = [], []
    sums: dict[str, tuple[Figures, int]] = {}
    for (student, qid), summary in after.items():
        previous = before.get((student, qid))
        if summary is not None:
            conn.execute(
                _UPSERT_QUESTION, (path_id, project_id, student, qid, *_summary_values(summary))
            )
        elif previous is not None:
            conn.execute("DELETE FROM question_summary WHERE path_id = ? AND project_id = ? "
                         "AND student = ? AND question_id = ?", (path_id, project_id, student, qid))  # fmt: skip
        if student == EVERYONE:
            if (previous is None) != (summary is None):
                (added if previous is None else removed).append(qid)
            continue
        delta = (summary.figures if summary else Figures()) - (
            previous.figures if previous else Figures()
        )
        total, count = sums.get(student, (Figures(), 0))
        sums[student] = (total + delta, count + (summary is not None) - (previous is not None))
    for student, (delta, count) in sums.items():
        _add_to_student(conn, path_id, project_id, student, delta, count)
    update_ids(conn, path_id, project_id, EVERYONE, added=added, removed=removed)


def _add_to_student(conn: sqlite3.Connection, path_id: str, project_id: str, student: str,
                    delta: Figures, count: int) -> None:  # fmt: skip
    key = (path_id, project_id, student)
    row = plain(conn, f"SELECT questions, {', '.join(FIGURE_COLUMNS)} FROM student_summary "
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
    rows = plain(conn, f"""SELECT student, count(*), {sums} FROM question_summary
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
    rows: list[tuple] = []
    # The questions still in the bank, then those gone: each part read in order from an index.
    for part in ("NOT IN", "IN"):
        wanted = -1 if limit is None else limit - len(rows)
        if wanted == 0 or (part == "IN" and gone == "[]"):
            break
        query = f"""SELECT {columns} FROM question_summary
            WHERE path_id = ? AND project_id = ? AND student = ?
            AND question_id {part} (SELECT value FROM json_each(?))
            ORDER BY {QUESTION_ORDERS[order]}, question_id LIMIT ?"""
        rows += plain(conn, query, (path_id, project_id, scope, gone, wanted))
    listed = tuple(summary_from(row[0], row[1:]).stats() for row in rows)
    students = _students(conn, path_id, project_id, student, asked - bank_ids, len(bank_ids))
    return ProjectView(coverage, listed, len(asked), students)


def _students(conn: sqlite3.Connection, path_id: str, project_id: str, student: str | None,
              gone: set[str], bank_size: int) -> tuple[StudentRow, ...]:  # fmt: skip
    clause, params = ("", ()) if student is None else (" AND student = ?", (student,))
    rows = plain(conn, f"""SELECT student, questions, {", ".join(FIGURE_COLUMNS)} FROM student_summary
        WHERE path_id = ? AND project_id = ?{clause}""", (path_id, project_id, *params))  # fmt: skip
    outside: dict[str, int] = {}
    if gone:
        outside = dict(plain(conn, f"""SELECT student, count(*) FROM question_summary
            WHERE path_id = ? AND project_id = ? AND student != ''{clause}
            AND question_id IN (SELECT value FROM json_each(?)) GROUP BY student""",
            (path_id, project_id, *params, json.dumps(sorted(gone)))))  # fmt: skip
    students = [
        StudentRow(name, figures_from(values), questions - outside.get(name, 0), bank_size)
        for name, questions, *values in rows
    ]
    return tuple(sorted(students, key=lambda row: row.student.casefold()))
