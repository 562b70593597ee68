"""Each student's memory of each question, kept in ``question_memory`` and read by the draw.

A row is exactly what ``soutenance.session.memory`` replays from the question's answers: the
FSRS card, the card before the last answer and the last answer. A new last answer, or a change
to the last one, costs one FSRS review from the stored cards; anything else replays the
question's answers. ``StoredMemory`` reads the rows for a draw, a few at a time.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, Literal

from fsrs import Card

from soutenance.session.answer_quality import DEFAULT_CRITERIA, AnswerRecord, answer_order
from soutenance.session.memory import (
    DAY_US,
    MemorySource,
    QuestionMemory,
    Recall,
    card_cache,
    group_reached,
    next_memory,
    question_memory,
    reviewed,
)
from soutenance.store.answer_facts import Fact, facts_of, latest_of
from soutenance.store.scope_ids import read_ids, update_ids

BULK = 64
"""More questions than this to refresh for one student: their facts are read in one query."""

_KEY = "student = ? AND path_id = ? AND project_id = ?"
_STATE_COLUMNS = (
    "student", "path_id", "project_id", "question_id", "answers", "last_answer_id",
    "last_session_id", "last_at", "last_us", "last_elapsed", "last_limit", "last_confidence",
    "last_skipped", "last_key_points", "last_covered", "weak", "quality", "stability", "card",
    "prior",
)  # fmt: skip
_UPSERT = (
    f"INSERT INTO question_memory ({', '.join(_STATE_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _STATE_COLUMNS)}) ON CONFLICT DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _STATE_COLUMNS[4:])
)
_READ = f"SELECT {', '.join(_STATE_COLUMNS[3:])} FROM question_memory WHERE {_KEY}"


def _plain(conn: sqlite3.Connection, query: str, params: tuple) -> list[tuple]:
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor.execute(query, params).fetchall()


def _card_json(card: Card | None) -> str | None:
    return None if card is None else json.dumps(card.to_dict(), separators=(",", ":"))


def state_row(student: str, path_id: str, project_id: str, state: QuestionMemory) -> tuple:
    last = state.last
    return (
        student, path_id, project_id, state.question_id, state.answers, last.answer_id,
        last.session_id, last.answered_at.isoformat(timespec="microseconds"), state.review_us,
        last.elapsed, last.time_limit, last.confidence, int(last.skipped),
        json.dumps(last.key_points, ensure_ascii=False), json.dumps(last.covered),
        int(state.weak), state.quality, state.stability, _card_json(state.card),
        _card_json(state.prior),
    )  # fmt: skip


def state_from_row(row: tuple, student: str, path_id: str, project_id: str) -> QuestionMemory:
    """A state from the columns of ``_READ`` (from ``question_id`` on)."""
    (
        question_id, answers, answer_id, session_id, last_at, _us, elapsed, limit, confidence,
        skipped, key_points, covered, weak, quality, _stability, card, prior,
    ) = row  # fmt: skip
    points, indices = tuple(json.loads(key_points)), tuple(json.loads(covered))
    last = AnswerRecord(
        question_id, datetime.fromisoformat(last_at),
        None if skipped or not points else len(indices) / len(points), elapsed, limit,
        confidence, bool(skipped), student, session_id, project_id, points, indices, answer_id,
    )  # fmt: skip
    return QuestionMemory(
        question_id, answers, last, Card.from_json(card),
        Card.from_json(prior) if prior is not None else None, bool(weak), quality,
    )  # fmt: skip


def read_states(
    conn: sqlite3.Connection,
    student: str,
    path_id: str,
    project_id: str,
    question_ids: Iterable[str],
) -> dict[str, QuestionMemory]:
    ids = list(question_ids)
    found: dict[str, QuestionMemory] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = f"{_READ} AND question_id IN ({', '.join('?' for _ in chunk)})"
        for row in _plain(conn, query, (student, path_id, project_id, *chunk)):
            found[row[0]] = state_from_row(row, student, path_id, project_id)
    return found


def refresh_memory(
    conn: sqlite3.Connection, path_id: str, project_id: str, changes: dict[tuple[str, str], set[str]],
    full: set[tuple[str, str]], moved: Mapping[tuple[str, str], tuple[list[Fact], list[Fact]]] = {},
) -> None:  # fmt: skip
    """Bring the states of the changed (student, question) keys up to date from their facts;
    ``changes`` gives the answers each key saw change, ``full`` the keys replayed whatever,
    ``moved`` each key's changed facts before and after (a new latest answer is reviewed from
    them with no read). Each student costs a few reads whatever the number of questions."""
    by_student: dict[str, dict[str, set[str]]] = {}
    for (student, question_id), answers in changes.items():
        by_student.setdefault(student, {})[question_id] = answers
    for student, questions in by_student.items():
        key = (student, path_id, project_id)
        stored = read_states(conn, *key, questions)
        states: dict[str, QuestionMemory | None] = {}
        stepped = {
            question_id: stored[question_id]
            for question_id, answers in questions.items()
            if (student, question_id) not in full and question_id in stored and "" not in answers
        }
        # a new or changed last answer (a session's usual save): one review from the stored card
        for question_id, previous in list(stepped.items()):
            added = _appended(moved.get((student, question_id)), previous)
            if added is not None:
                states[question_id] = _reviewed(previous, added)
                del stepped[question_id]
        stepped = {q: state for q, state in stepped.items() if len(questions[q]) == 1}
        latest = latest_of(conn, path_id, project_id, student, stepped, 2) if stepped else {}
        for question_id, previous in stepped.items():
            count, last_two = latest.get(question_id, (0, []))
            state = _next_state(questions[question_id], previous, count, last_two)
            if state is not False:
                states[question_id] = state
        replay = [question_id for question_id in questions if question_id not in states]
        if replay:
            wanted = None if len(replay) > BULK else replay  # then the student's facts in one read
            read = facts_of(conn, path_id, project_id, student=student, question_ids=wanted)
            grouped = group_reached(fact.record for fact in read)
            for question_id in replay:
                group = grouped.get(question_id)
                states[question_id] = question_memory(group) if group else None
        _write_states(conn, key, states, set(stored))


def _write_states(conn: sqlite3.Connection, key: tuple[str, str, str], states: dict[str, QuestionMemory | None],
                  existing: set[str]) -> None:  # fmt: skip
    gone = [qid for qid, state in states.items() if state is None and qid in existing]
    conn.executemany(f"DELETE FROM question_memory WHERE {_KEY} AND question_id = ?",
                     [(*key, qid) for qid in gone])  # fmt: skip
    conn.executemany(_UPSERT, [state_row(*key, s) for s in states.values() if s is not None])
    added = [qid for qid, state in states.items() if state is not None and qid not in existing]
    student, path_id, project_id = key
    update_ids(conn, path_id, project_id, student, added=added, removed=gone)


def _scheduler() -> Any:
    return card_cache(DEFAULT_CRITERIA).scheduler


def _appended(
    change: tuple[list[Fact], list[Fact]] | None, stored: QuestionMemory
) -> list[AnswerRecord] | None:
    """The answers a change added after the stored last one, in order (an import's and a new
    answer's usual case), or None when the change is anything else."""
    if change is None or change[0] or not change[1]:
        return None
    records = sorted((fact.record for fact in change[1]), key=answer_order)
    if answer_order(records[0]) <= answer_order(stored.last):
        return None
    if not all(r.skipped or r.elapsed is not None for r in records):
        return None  # not replayed (``group_reached``): the replay decides
    return records


def _reviewed(stored: QuestionMemory, added: list[AnswerRecord]) -> QuestionMemory:
    card, prior = stored.card, stored.prior
    for record in added:
        card, prior = reviewed(card, record, _scheduler(), DEFAULT_CRITERIA), card
    return next_memory(added[-1], stored.answers + len(added), card, prior, DEFAULT_CRITERIA)


def _next_state(
    changed: set[str], stored: QuestionMemory, count: int, latest: list[Fact]
) -> QuestionMemory | None | Literal[False]:
    """The key's state after one review from its stored card, when only its last answer moved
    on (``count`` facts, the ``latest`` two); False when its answers must be replayed."""
    if not latest:
        return None
    last = latest[0].record
    base: Card | None | bool = False  # False: replay every answer
    if last.answer_id in changed:
        if count == stored.answers and stored.last.answer_id == last.answer_id:
            base = stored.prior  # the last answer changed
        elif (
            count == stored.answers + 1
            and latest[1:]
            and latest[1].record.answer_id == stored.last.answer_id
        ):
            base = stored.card  # a new last answer
    if base is False:
        return False
    card = reviewed(base, last, _scheduler(), DEFAULT_CRITERIA)
    return next_memory(last, count, card, base, DEFAULT_CRITERIA)


class StoredMemory(MemorySource):
    """One student's states on one project, read from the store a few rows at a time.

    Call ``soutenance.store.derived.ensure_current`` first (``student_memory`` does)."""

    PAGES = (64, 1024, -1)
    """Rows read by each query of an ordered walk: most draws stop within the first."""

    def __init__(self, db: Any, student: str, path_id: str, project_id: str) -> None:
        self.db = db
        self.key = (student, path_id, project_id)
        self._seen: set[str] | None = None
        self._count: int | None = None

    def seen_ids(self) -> Collection[str]:
        if self._seen is None:
            student, path_id, project_id = self.key
            self._seen = set(
                self.db.read(lambda conn: read_ids(conn, path_id, project_id, student))
            )
        return self._seen

    def seen_count(self) -> int:
        if self._seen is not None:
            return len(self._seen)
        if self._count is None:
            student, path_id, project_id = self.key
            query = """SELECT json_array_length(question_ids) FROM derived_scopes
                WHERE path_id = ? AND project_id = ? AND student = ?"""
            rows = self.db.read(lambda conn: _plain(conn, query, (path_id, project_id, student)))
            self._count = rows[0][0] if rows else 0
        return self._count

    def seen_among(self, question_ids: Collection[str]) -> Collection[str]:
        if self._seen is not None:
            return super().seen_among(question_ids)
        query = f"""SELECT question_id FROM question_memory
            WHERE {_KEY} AND question_id IN (SELECT value FROM json_each(?))"""
        params = (*self.key, json.dumps(list(question_ids)))
        return {row[0] for row in self.db.read(lambda conn: _plain(conn, query, params))}

    def get(self, question_ids: Iterable[str]) -> dict[str, QuestionMemory]:
        ids = list(question_ids)
        if not ids:
            return {}
        return self.db.read(lambda conn: read_states(conn, *self.key, ids))

    def weakest(self) -> Iterator[str]:
        query = f"""SELECT question_id FROM question_memory WHERE {_KEY} AND weak = 1
            ORDER BY quality, last_us, question_id LIMIT ? OFFSET ?"""
        return (row[0] for row in self._walk(query, self.key))

    def least_recalled(self, target_us: int, *, weak: bool | None = None) -> Iterator[Recall]:
        # The same expression as ``memory.forgetting``: whole days (exact integers) over stability.
        query = f"""SELECT question_id, stability, last_us FROM question_memory
            WHERE {_KEY}{"" if weak is None else " AND weak = ?"}
            ORDER BY max(0, (? - last_us) / {DAY_US}) * 1.0 / stability DESC, question_id
            LIMIT ? OFFSET ?"""
        params = (*self.key, *(() if weak is None else (int(weak),)), target_us)
        return ((row[0], row[1], row[2]) for row in self._walk(query, params))

    def _walk(self, query: str, params: tuple) -> Iterator[tuple]:
        offset = 0
        for size in self.PAGES:
            page = (*params, size, offset)
            rows = self.db.read(lambda conn, page=page: _plain(conn, query, page))
            yield from rows
            if size < 0 or len(rows) < size:
                return
            offset += size
