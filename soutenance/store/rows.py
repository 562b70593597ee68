"""Sessions to rows and back, derived from the session model (soutenance.session.model).

Each table holds one model: its scalar fields are columns of the same name, its lists, mappings
and nested models are JSON text columns, and its child lists (a session's answers, an answer's
follow-ups…) are rows of their own table. The columns come from the model, so a field added to
the model needs only the migration that adds its column (tests/unit/test_store_schema.py checks
that the two agree).
"""

from __future__ import annotations

import json
import sqlite3
import types
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ValidationError

from soutenance.session.model import Answer, FollowUpAnswer, Objective, Session


class DamagedRow(ValueError):
    """A stored row that does not make a valid session any more (edited by hand, or damaged)."""


def _is_json(annotation: Any) -> bool:
    """Lists, mappings and models are stored as JSON text; scalars (and enums) as they are."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _is_json(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return any(_is_json(arg) for arg in typing.get_args(annotation) if arg is not type(None))
    if origin in (list, dict, tuple, set):
        return True
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


@dataclass(frozen=True)
class Table:
    name: str
    model: type[BaseModel]
    parent: str | None = None
    """The column naming the parent row (session_id, answer_id), for child tables."""
    children: dict[str, Table] = field(default_factory=dict)
    """Model fields kept in child tables, by field name."""
    position: bool = False
    """Whether rows carry their list position in a `position` column the model does not have."""

    @cached_property
    def fields(self) -> tuple[str, ...]:
        return tuple(name for name in self.model.model_fields if name not in self.children)

    @cached_property
    def json_fields(self) -> frozenset[str]:
        return frozenset(n for n in self.fields if _is_json(self.model.model_fields[n].annotation))

    @cached_property
    def columns(self) -> tuple[str, ...]:
        extra = ((self.parent,) if self.parent else ()) + (("position",) if self.position else ())
        return self.fields + extra

    @cached_property
    def upsert_sql(self) -> str:
        names = ", ".join(self.columns)
        marks = ", ".join("?" for _ in self.columns)
        updates = ", ".join(f"{c} = excluded.{c}" for c in self.columns if c != "id")
        return (
            f"INSERT INTO {self.name} ({names}) VALUES ({marks}) "
            f"ON CONFLICT (id) DO UPDATE SET {updates}"
        )

    def values(self, item: BaseModel, parent_id: str | None = None, position: int = 0) -> tuple:
        """The row of `item`, in `columns` order."""
        dumped = item.model_dump(mode="json", include=set(self.fields))
        row = []
        for name in self.fields:
            value = dumped[name]
            if name in self.json_fields and value is not None:
                value = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            elif isinstance(value, bool):
                value = int(value)
            elif isinstance(value, Enum):
                value = value.value
            row.append(value)
        if self.parent:
            row.append(parent_id)
        if self.position:
            row.append(position)
        return tuple(row)

    def data(self, row: sqlite3.Row) -> dict[str, Any]:
        """The model's fields from a row (JSON columns decoded), children not included."""
        data = {}
        for name in self.fields:
            value = row[name]
            if name in self.json_fields and value is not None:
                try:
                    value = json.loads(value)
                except ValueError as exc:
                    raise DamagedRow(f"{self.name}.{name} of {row['id']} is not JSON") from exc
            data[name] = value
        return data

    def write(self, conn: sqlite3.Connection, item: BaseModel, parent_id: str | None = None,
              position: int = 0) -> None:  # fmt: skip
        conn.execute(self.upsert_sql, self.values(item, parent_id, position))


FOLLOW_UPS = Table("follow_ups", FollowUpAnswer, parent="answer_id", position=True)
ANSWERS = Table("answers", Answer, parent="session_id", children={"follow_ups": FOLLOW_UPS})
OBJECTIVES = Table("objectives", Objective, parent="session_id", position=True)
SESSIONS = Table("sessions", Session, children={"answers": ANSWERS, "objectives": OBJECTIVES})
TABLES = (SESSIONS, ANSWERS, FOLLOW_UPS, OBJECTIVES)


def write_answer(conn: sqlite3.Connection, session_id: str, answer: Answer) -> None:
    """Upsert an answer and its follow-ups (follow-ups it no longer has are kept)."""
    ANSWERS.write(conn, answer, session_id)
    for position, follow_up in enumerate(answer.follow_ups):
        FOLLOW_UPS.write(conn, follow_up, answer.id, position)


def write_objectives(
    conn: sqlite3.Connection, session_id: str, objectives: Iterable[Objective]
) -> None:
    for position, objective in enumerate(objectives):
        OBJECTIVES.write(conn, objective, session_id, position)


def write_session_row(conn: sqlite3.Connection, session: Session) -> None:
    SESSIONS.write(conn, session)


def write_session_tree(conn: sqlite3.Connection, session: Session) -> None:
    """Upsert the session with its answers, follow-ups and objectives.

    Rows missing from `session` are kept: saving never deletes an answer or an objective.
    """
    write_session_row(conn, session)
    for answer in session.answers:
        write_answer(conn, session.id, answer)
    write_objectives(conn, session.id, session.objectives)


def _children(
    conn: sqlite3.Connection, table: Table, parent_ids: list[str]
) -> Iterator[sqlite3.Row]:
    order = "position, rowid"
    for start in range(0, len(parent_ids), 500):
        chunk = parent_ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        yield from conn.execute(
            f"SELECT * FROM {table.name} WHERE {table.parent} IN ({marks}) ORDER BY {order}", chunk
        )


def read_session(conn: sqlite3.Connection, session_id: str) -> Session | None:
    """The whole session, or None; raises DamagedRow when its rows no longer make a session."""
    row = conn.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
    if row is None:
        return None
    data = SESSIONS.data(row)
    answers = [
        ANSWERS.data(a)
        for a in conn.execute(
            "SELECT * FROM answers WHERE session_id = ? ORDER BY position, rowid", (session_id,)
        )
    ]
    follow_ups: dict[str, list[dict]] = {}
    for f in _children(conn, FOLLOW_UPS, [a["id"] for a in answers]):
        follow_ups.setdefault(f["answer_id"], []).append(FOLLOW_UPS.data(f))
    for answer in answers:
        answer["follow_ups"] = follow_ups.get(answer["id"], [])
    data["answers"] = answers
    data["objectives"] = [
        OBJECTIVES.data(o)
        for o in conn.execute(
            "SELECT * FROM objectives WHERE session_id = ? ORDER BY position, rowid", (session_id,)
        )
    ]
    try:
        return Session.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(step) for step in first["loc"])
        raise DamagedRow(f"session {session_id}: {where}: {first['msg']}") from exc


def answer_from_row(row: sqlite3.Row) -> Answer:
    """One answer from its row, without follow-ups."""
    return Answer.model_validate(ANSWERS.data(row))


def timestamp(moment: datetime | None) -> str | None:
    """ISO text that sorts in time order: aware datetimes are stored in UTC."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="microseconds")


def parse_timestamp(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
