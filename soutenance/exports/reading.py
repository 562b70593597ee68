"""Reading a session export: bounded, parsed without surprises, upgraded, validated whole.

Every problem is an `InvalidExport` whose message is one line naming where in the file it is
(`session.answers[2].elapsed: …`), in the reader's language (catalog keys `import.*`, in
exports.json). Nothing here touches the store.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from soutenance.exports.session_json import EXPORT_FORMAT, READABLE_VERSIONS, SessionExport
from soutenance.files import FileTooLarge, NotARegularFile, read_regular
from soutenance.i18n import translate
from soutenance.session.model import Session

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 64
"""A session export nests about eight levels deep; anything far deeper is not one."""

ExportSource = Mapping[str, Any] | bytes | str | os.PathLike[str]


class InvalidExport(ValueError):
    """An export that cannot be imported. `reason` is a stable code; `message(language)` says why
    in one line in that language (catalog key `import.KEY`); str() is the English line, for logs.

    A parameter that is itself a `Phrase` is rendered in the same language."""

    def __init__(self, reason: str, key: str, /, **params: object) -> None:
        self.reason = reason
        self.key = f"import.{key}"
        self.params = params
        super().__init__(self.message("en"))

    def message(self, language: str) -> str:
        return _render(language, self.key, self.params)


class Phrase:
    """A catalog text inside a message (a pydantic error's detail), rendered in its language."""

    def __init__(self, key: str, /, **params: object) -> None:
        self.key = f"import.{key}"
        self.params = params

    def render(self, language: str) -> str:
        return _render(language, self.key, self.params)


def _render(language: str, key: str, params: dict[str, object]) -> str:
    values = {k: v.render(language) if isinstance(v, Phrase) else v for k, v in params.items()}
    return translate(language, key, **values)


def read_export(source: ExportSource, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Session:
    """The session in an export given as parsed JSON, raw bytes, or a file path."""
    return read_export_parts(source, max_bytes=max_bytes)[0]


def read_export_parts(
    source: ExportSource, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[Session, list[str]]:
    """The session in an export, and what parts it carries (see SessionExport.carries)."""
    if isinstance(source, Mapping):
        return session_from_export(source)
    if isinstance(source, bytes):
        if len(source) > max_bytes:
            raise InvalidExport("too_large", "too_large", megabytes=max_bytes // (1024 * 1024))
        return session_from_export(parse_json(source))
    path = Path(source)
    try:
        if path.is_file() and path.stat().st_size > max_bytes:
            raise FileTooLarge(path, max_bytes)  # refused before reading a byte of it
        raw = read_regular(path, max_bytes)
    except FileTooLarge:
        raise InvalidExport(
            "too_large", "too_large", megabytes=max_bytes // (1024 * 1024)
        ) from None
    except NotARegularFile:
        raise InvalidExport("unreadable", "not_a_file", path=str(path)) from None
    except OSError as exc:
        raise InvalidExport(
            "unreadable", "unreadable", path=str(path), error=exc.strerror or str(exc)
        ) from None
    return session_from_export(parse_json(raw))


class _NotJsonNumber(str):
    """NaN, Infinity or -Infinity where the file has it: refused, naming where, once parsed."""


def _refuse_constants(data: Any, where: tuple[Any, ...] = ()) -> None:
    if isinstance(data, _NotJsonNumber):
        raise InvalidExport(
            "bad_field", "not_a_json_number", path=json_path(where), value=str(data)
        )
    if isinstance(data, Mapping):
        for key, value in data.items():
            _refuse_constants(value, (*where, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            _refuse_constants(value, (*where, index))


def _depth(text: str) -> int:
    """The deepest nesting of arrays and objects, strings left out: checked before parsing."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    return deepest
        elif char in "]}":
            depth -= 1
    return deepest


def parse_json(raw: bytes | str) -> Any:
    """Decode and parse, telling a truncated file from one that is not JSON at all."""
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise InvalidExport("not_json", "not_utf8") from exc
    if not text.strip():
        raise InvalidExport("not_json", "empty")
    if _depth(text) > MAX_DEPTH:
        raise InvalidExport("not_json", "too_deep", levels=MAX_DEPTH)
    try:
        data = json.loads(text, parse_constant=_NotJsonNumber)
    except json.JSONDecodeError as exc:
        stripped = text.rstrip()
        if exc.pos >= len(stripped) or exc.msg.startswith("Unterminated string"):
            raise InvalidExport("truncated", "truncated") from exc
        raise InvalidExport("not_json", "not_json", line=exc.lineno, column=exc.colno) from exc
    except ValueError:  # an integer of thousands of digits
        raise InvalidExport("bad_field", "number_too_long") from None
    _refuse_constants(data)
    return data


def session_from_export(data: Any) -> tuple[Session, list[str]]:
    """Check the envelope, upgrade an older version, and validate every field of the session."""
    if not isinstance(data, Mapping) or data.get("format") != EXPORT_FORMAT:
        raise InvalidExport("wrong_format", "wrong_format")
    version = data.get("version")
    if type(version) is not int or version not in READABLE_VERSIONS:
        raise InvalidExport(
            "unknown_version",
            "unknown_version",
            version=repr(version)[:40],
            readable=", ".join(map(str, READABLE_VERSIONS)),
        )
    if version == 1:
        data = upgrade_v1(data)
    try:
        envelope = SessionExport.model_validate(data)
    except ValidationError as exc:
        raise _first_error(exc) from None
    session = envelope.session
    _refuse_duplicate_ids(session)
    return session, list(envelope.carries)


def json_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for step in loc:
        path += f"[{step}]" if isinstance(step, int) else (f".{step}" if path else str(step))
    return path or "$"


FIELD_ERRORS = {
    "string_type": "text",
    "int_type": "integer",
    "int_parsing": "integer",
    "int_from_float": "integer",
    "float_type": "number",
    "float_parsing": "number",
    "finite_number": "number",
    "bool_type": "boolean",
    "bool_parsing": "boolean",
    "list_type": "list",
    "dict_type": "object",
    "model_type": "object",
    "model_attributes_type": "object",
    "datetime_type": "moment",
    "datetime_parsing": "moment",
    "datetime_from_date_parsing": "moment",
    "timezone_aware": "moment",
}
"""pydantic's error types (`field.KEY` when named here) -> what the value should be."""

BOUNDS = {
    "greater_than_equal": "ge",
    "greater_than": "gt",
    "less_than_equal": "le",
    "less_than": "lt",
    "string_too_long": "max_length",
    "string_too_short": "min_length",
    "too_long": "max_length",
    "too_short": "min_length",
}
"""pydantic's error types with a limit (`field.TYPE`) -> the name of that limit in its ctx."""


def _first_error(exc: ValidationError) -> InvalidExport:
    """The first error of a validation, in words of the catalog (pydantic's are English)."""
    error = exc.errors(include_url=False)[0]
    loc = tuple(step for step in error["loc"] if not (isinstance(step, str) and "[" in step))
    path, kind, ctx = json_path(loc), error["type"], error.get("ctx") or {}
    if kind == "missing":
        return InvalidExport("missing_field", "missing", path=path)
    if kind in FIELD_ERRORS:
        detail = Phrase(f"field.{FIELD_ERRORS[kind]}")
    elif kind in BOUNDS:
        detail = Phrase(f"field.{kind}", limit=f"{ctx.get(BOUNDS[kind])}".removesuffix(".0"))
    elif kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", "")).split(" or ")
        detail = Phrase("field.one_of", expected=", ".join(expected))
    elif kind == "string_pattern_mismatch":
        detail = Phrase("field.pattern")
    elif kind == "foreign_recording":
        detail = Phrase("field.foreign_recording", answer=ctx["answer"], recording=ctx["recording"])
    elif kind == "value_error" and (
        code := re.search(r"U\+([0-9A-F]{4,6})", str(ctx.get("error")))
    ):
        detail = Phrase("field.control_character", code=code.group(1))
    elif kind == "string_unicode" or "surrogate" in str(ctx.get("error")):
        detail = Phrase("field.surrogate")
    else:
        detail = Phrase("field.other")
    return InvalidExport("bad_field", "bad_field", path=path, detail=detail)


def _refuse_duplicate_ids(session: Session) -> None:
    seen: dict[str, str] = {}
    items: list[tuple[str, str]] = []
    for i, answer in enumerate(session.answers):
        items.append((answer.id, f"session.answers[{i}].id"))
        items.extend(
            (f.id, f"session.answers[{i}].follow_ups[{j}].id")
            for j, f in enumerate(answer.follow_ups)
        )
    items.extend((o.id, f"session.objectives[{i}].id") for i, o in enumerate(session.objectives))
    for item_id, where in [(session.id, "session.id"), *items]:
        if item_id in seen:
            raise InvalidExport(
                "duplicate_id", "duplicate_id", path=where, id=item_id, first=seen[item_id]
            )
        seen[item_id] = where


def upgrade_v1(data: Mapping[str, Any]) -> dict[str, Any]:
    """A version 1 export as version 2: statuses from the old flags, the marks, the reasons
    (kept as their old text), the plan from the answers and the mock's presentation time."""
    upgraded = dict(data)
    upgraded["version"] = 2
    session = data.get("session")
    if not isinstance(session, Mapping):
        return upgraded
    session = dict(session)
    ended = session.get("ended_at") is not None
    answers = session.get("answers")
    if isinstance(answers, list):
        session["answers"] = [_upgrade_answer(a, ended) for a in answers]
        session["plan"] = [_planned(a) for a in answers if isinstance(a, Mapping)]
    if session.get("kind") == "mock":
        seconds = session.get("presentation_seconds")
        session["mock"] = {"phase": "done" if ended else "discussion"}
        if seconds is not None:
            session["mock"]["presentation_seconds"] = seconds
    session.pop("presentation_seconds", None)
    session["stage"] = "ended" if ended else "key_points"
    upgraded["session"] = session
    return upgraded


def _planned(answer: Mapping[str, Any]) -> dict[str, Any]:
    question = {k: answer.get(a) for k, a in (("id", "question_id"), ("text", "question_text"))}
    question["time_limit"] = answer.get("time_limit")
    if answer.get("key_points") is not None:
        question["key_points"] = answer["key_points"]
    return question


def _upgrade_answer(answer: Any, ended: bool) -> Any:
    if not isinstance(answer, Mapping):
        return answer
    answer = dict(answer)
    skipped = answer.pop("skipped", False)
    if skipped is True:
        answer["status"] = "skipped"
    elif answer.get("elapsed") is not None:
        answer["status"] = "answered"
    else:
        answer["status"] = "not_reached" if ended else "pending"
    reason = answer.get("reason")
    answer["reason"] = {"code": "legacy", "params": {"text": reason}} if reason else None
    return answer
