"""Project cards: a student's own figures for one project, put into the questions drawn for them.

A card belongs to a student of the roster (found by name however spelt, see `name_key`) and to a
project (`path-id/project-id`); it holds one value per fact the project's bank declares. The store
checks only the shape of names and values: which facts a project declares is the bank's business.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from soutenance.i18n import t
from soutenance.store.roster import Student, ensure_student, find_student_row
from soutenance.store.rows import parse_timestamp, timestamp
from soutenance.text import visible

MAX_VALUE_LENGTH = 200
"""A figure, a name or one sentence: what fits in a question without taking it over."""
_FACT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
_PROJECT_REF = re.compile(r"^[a-z0-9][a-z0-9_-]*/[a-z0-9][a-z0-9_-]*$")


class CardError(ValueError):
    """A fact name, value or project that a card cannot hold; str() is a message for the user."""


@dataclass(frozen=True)
class ProjectCard:
    student: str
    """The roster's spelling of the name (as given when the student is not in the roster)."""
    project_ref: str
    facts: dict[str, str] = field(default_factory=dict)
    updated_at: datetime | None = None
    """When a fact was last set; None for an empty card."""

    def filled(self, names: Mapping[str, Any] | list[str]) -> list[str]:
        """Which of `names` have a value on the card."""
        return [name for name in names if self.facts.get(name)]


def check_value(value: str) -> str:
    """The value as stored (spaces trimmed), or CardError saying why it cannot be."""
    cleaned = value.strip()
    if visible(cleaned) != cleaned:
        raise CardError(t("card.error.control"))
    if len(cleaned) > MAX_VALUE_LENGTH:
        raise CardError(t("card.error.too_long", length=len(cleaned), limit=MAX_VALUE_LENGTH))
    return cleaned


def _check_ref(project_ref: str) -> None:
    if not _PROJECT_REF.match(project_ref):
        raise CardError(t("card.error.project_ref", ref=visible(project_ref)))


def _check_fact(fact: str) -> None:
    if not _FACT.match(fact):
        raise CardError(t("card.error.fact_name", fact=visible(fact)))


def _card(student: str, project_ref: str, rows: list[sqlite3.Row]) -> ProjectCard:
    moments = [moment for row in rows if (moment := parse_timestamp(row["updated_at"]))]
    return ProjectCard(
        student,
        project_ref,
        {row["fact"]: row["value"] for row in rows},
        max(moments, default=None),
    )


def _rows(conn: sqlite3.Connection, student_id: str, project_ref: str) -> list[sqlite3.Row]:
    return conn.execute(
        """SELECT fact, value, updated_at FROM project_cards
        WHERE student_id = ? AND project_ref = ? ORDER BY fact""",
        (student_id, project_ref),
    ).fetchall()


def get_card(store: Any, student: str, project_ref: str) -> ProjectCard:
    """The student's card for the project; an empty one when there is none (or no such student)."""

    def work(conn: sqlite3.Connection) -> ProjectCard:
        known = find_student_row(conn, student)
        if known is None:
            return ProjectCard(" ".join(student.split()), project_ref)
        return _card(known["name"], project_ref, _rows(conn, known["id"], project_ref))

    return store.db.read(work)


def update_card(
    store: Any, student: str, project_ref: str, changes: Mapping[str, str | None]
) -> ProjectCard:
    """Set (a value) or clear (None or an empty value) facts of the card, all in one transaction:
    nothing is written when one of them is refused. A student not in the roster yet is added."""
    _check_ref(project_ref)
    checked: dict[str, str | None] = {}
    for fact, value in changes.items():
        _check_fact(fact)
        checked[fact] = None if value is None else (check_value(value) or None)
    now = timestamp(store.clock.now())

    def work(conn: sqlite3.Connection) -> ProjectCard:
        owner = Student(name=student)
        ensure_student(conn, owner, store.clock.now())
        student_id = find_student_row(conn, owner.name)["id"]
        for fact, value in checked.items():
            if value is None:
                conn.execute(
                    "DELETE FROM project_cards WHERE student_id = ? AND project_ref = ? AND fact = ?",
                    (student_id, project_ref, fact),
                )
            else:
                conn.execute(
                    """INSERT INTO project_cards (student_id, project_ref, fact, value, updated_at)
                    VALUES (?, ?, ?, ?, ?) ON CONFLICT (student_id, project_ref, fact)
                    DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at""",
                    (student_id, project_ref, fact, value, now),
                )
        return _card(owner.name, project_ref, _rows(conn, student_id, project_ref))

    try:
        return store.db.write(work)
    except ValueError as error:  # a name the roster refuses (empty)
        raise CardError(str(error)) from None


def set_fact(store: Any, student: str, project_ref: str, fact: str, value: str) -> ProjectCard:
    return update_card(store, student, project_ref, {fact: value})


def clear_fact(store: Any, student: str, project_ref: str, fact: str) -> ProjectCard:
    return update_card(store, student, project_ref, {fact: None})


def cards_for_student(store: Any, student: str) -> list[ProjectCard]:
    """Every non-empty card of the student, by project."""

    def work(conn: sqlite3.Connection) -> list[ProjectCard]:
        known = find_student_row(conn, student)
        if known is None:
            return []
        rows = conn.execute(
            """SELECT project_ref, fact, value, updated_at FROM project_cards
            WHERE student_id = ? ORDER BY project_ref, fact""",
            (known["id"],),
        ).fetchall()
        refs = list(dict.fromkeys(row["project_ref"] for row in rows))
        return [
            _card(known["name"], ref, [row for row in rows if row["project_ref"] == ref])
            for ref in refs
        ]

    return store.db.read(work)


def card_values(store: Any, student: str, project_ref: str) -> dict[str, str]:
    """The card's facts for a draw, or none when the store cannot say: the questions then use
    their generic wording, which is never wrong."""
    if store is None or not student.strip():
        return {}
    try:
        return get_card(store, student, project_ref).facts
    except Exception:  # noqa: BLE001 - a draw never fails for want of a card
        return {}
