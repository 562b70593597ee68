"""Reading a JSON session export into a Session, with one-line messages for whatever is wrong."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from soutenance.session.model import Answer, FollowUpAnswer, Objective, Session, SessionKind
from soutenance.store.export import EXPORT_FORMAT, EXPORT_VERSION
from soutenance.store.session_rows import check_marks


class InvalidExport(ValueError):
    """An export that cannot be imported; `reason` is a stable code, str() a one-line message."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)


def parse_json(raw: bytes | str) -> Any:
    """Decode and parse, telling a truncated file from one that is not JSON at all."""
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise InvalidExport("not_json", "This file is not JSON text (it is not UTF-8).") from exc
    if not text.strip():
        raise InvalidExport("not_json", "This file is empty.")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        stripped = text.rstrip()
        if exc.pos >= len(stripped) or exc.msg.startswith("Unterminated string"):
            raise InvalidExport(
                "truncated", "This export is truncated: the file ends in the middle of the JSON."
            ) from exc
        raise InvalidExport(
            "not_json", f"This file is not valid JSON (line {exc.lineno}, column {exc.colno})."
        ) from exc


def session_from_export(data: Any) -> Session:
    """Check the envelope and every field of a version 1 export, and build the Session."""
    if not isinstance(data, Mapping) or data.get("format") != EXPORT_FORMAT:
        raise InvalidExport("wrong_format", "This file is not a soutenance session export.")
    version = data.get("version")
    if version != EXPORT_VERSION or isinstance(version, bool):
        raise InvalidExport(
            "unknown_version",
            f"This export has format version {version!r}; this soutenance reads version "
            f"{EXPORT_VERSION}. Update soutenance to import it.",
        )
    raw = _Fields(data, "").mapping("session")
    s = _Fields(raw, "session")
    kind = s.text("kind")
    if kind not in {k.value for k in SessionKind}:
        raise InvalidExport("bad_field", f"session.kind {kind!r} is not a known kind of session.")
    return Session(
        id=s.ident("id"),
        student=s.ident("student"),
        path_id=s.text("path_id"),
        project_id=s.text("project_id"),
        project_title=s.text("project_title"),
        language=s.text("language"),
        evaluator_role=s.text("evaluator_role"),
        kind=SessionKind(kind),
        started_at=s.moment("started_at"),
        ended_at=s.moment("ended_at", required=False),
        seed=s.number("seed", int, required=False),
        presentation_seconds=s.number("presentation_seconds", float, required=False),
        answers=[_answer(a, f"session.answers[{i}]") for i, a in s.items("answers", True)],
        objectives=[_objective(o, f"session.objectives[{i}]") for i, o in s.items("objectives")],
        debrief_strengths=s.text("debrief_strengths", ""),
        debrief_improvements=s.text("debrief_improvements", ""),
        feedback=s.text("feedback", ""),
    )


def _answer(raw: Any, where: str) -> Answer:
    a = _Fields(raw, where)
    marks = a.mapping("marks", required=False) or {}
    try:
        check_marks(dict(marks))
    except ValueError as exc:
        raise InvalidExport("bad_field", f"{where}.marks: {exc}.") from exc
    return Answer(
        id=a.ident("id"),
        question_id=a.text("question_id"),
        question_text=a.text("question_text"),
        key_points=a.texts("key_points"),
        time_limit=a.number("time_limit", int),
        position=a.number("position", int, required=False) or 0,
        elapsed=a.number("elapsed", float, required=False),
        skipped=a.flag("skipped"),
        confidence=a.number("confidence", int, required=False),
        covered=a.indexes("covered"),
        notes=a.text("notes", ""),
        reason=a.text("reason", ""),
        follow_ups=[_follow_up(f, f"{where}.follow_ups[{i}]") for i, f in a.items("follow_ups")],
        mentor_notes=a.text("mentor_notes", ""),
        mentor_comment=a.text("mentor_comment", ""),
        marks=dict(marks),
        answered_at=a.moment("answered_at", required=False),
    )


def _follow_up(raw: Any, where: str) -> FollowUpAnswer:
    f = _Fields(raw, where)
    return FollowUpAnswer(
        id=f.ident("id"),
        text=f.text("text"),
        key_points=f.texts("key_points", required=False),
        time_limit=f.number("time_limit", int),
        elapsed=f.number("elapsed", float, required=False),
        covered=f.indexes("covered"),
        notes=f.text("notes", ""),
        ad_hoc=f.flag("ad_hoc"),
    )


def _objective(raw: Any, where: str) -> Objective:
    o = _Fields(raw, where)
    return Objective(id=o.ident("id"), text=o.text("text"), done=o.flag("done"))


_MISSING = object()


class _Fields:
    """Typed access to one JSON object's fields; errors name the field's path."""

    def __init__(self, raw: Any, where: str) -> None:
        if not isinstance(raw, Mapping):
            raise InvalidExport("bad_field", f"{where or 'the export'} should be a JSON object.")
        self.raw = raw
        self.where = where

    def _get(self, key: str, required: bool) -> Any:
        value = self.raw.get(key, _MISSING)
        if value is _MISSING or (value is None and required):
            if required:
                path = f"{self.where}.{key}" if self.where else key
                raise InvalidExport("missing_field", f"The export is missing {path}.")
            return None
        return value

    def _bad(self, key: str, expected: str) -> InvalidExport:
        path = f"{self.where}.{key}" if self.where else key
        return InvalidExport("bad_field", f"{path} should be {expected}.")

    def ident(self, key: str) -> str:
        value = self.text(key)
        if not value.strip():
            raise self._bad(key, "a non-empty text")
        return value

    def text(self, key: str, default: str | None = None) -> str:
        value = self._get(key, required=default is None)
        if value is None:
            return default or ""
        if not isinstance(value, str):
            raise self._bad(key, "a text")
        return value

    def number(self, key: str, kind: type, required: bool = True) -> Any:
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._bad(key, "a number")
        if kind is int and value != int(value):
            raise self._bad(key, "a whole number")
        return kind(value)

    def flag(self, key: str) -> bool:
        value = self._get(key, required=False)
        if value is not None and not isinstance(value, bool):
            raise self._bad(key, "true or false")
        return bool(value)

    def moment(self, key: str, required: bool = True) -> datetime | None:
        value = self._get(key, required)
        if value is None:
            return None
        try:
            return datetime.fromisoformat(value)
        except (TypeError, ValueError) as exc:
            raise self._bad(key, "an ISO 8601 date and time") from exc

    def mapping(self, key: str, required: bool = True) -> Mapping | None:
        value = self._get(key, required)
        if value is not None and not isinstance(value, Mapping):
            raise self._bad(key, "a JSON object")
        return value

    def items(self, key: str, required: bool = False) -> list[tuple[int, Any]]:
        value = self._get(key, required)
        value = [] if value is None else value
        if not isinstance(value, list):
            raise self._bad(key, "a list")
        return list(enumerate(value))

    def texts(self, key: str, required: bool = True) -> list[str]:
        value = self._get(key, required) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._bad(key, "a list of texts")
        return list(value)

    def indexes(self, key: str) -> list[int]:
        value = self._get(key, required=False) or []
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            raise self._bad(key, "a list of whole numbers")
        return list(value)
