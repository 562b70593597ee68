"""The JSON export of one session (docs/export-format.md): written from the session model, read
back through the same model, and described by a JSON Schema generated from it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from soutenance import __version__
from soutenance.session.model import Line, Session

EXPORT_FORMAT = "soutenance-session"
Part = Literal["student_work", "mentor_comments", "mentor_private"]
ALL_PARTS: tuple[Part, ...] = ("student_work", "mentor_comments", "mentor_private")
EXPORT_VERSION = 2
READABLE_VERSIONS = (1, 2)


class SessionExport(BaseModel):
    """The envelope: what the file is, who wrote it, and the session."""

    model_config = ConfigDict(
        extra="ignore",
        allow_inf_nan=False,
        json_schema_extra={"title": "soutenance session export", "$id": "soutenance-session-2"},
    )

    format: Literal["soutenance-session"]
    version: Literal[2]
    exported_at: datetime | None = None
    generator: Line | None = None
    carries: list[Part] = Field(
        default=list(ALL_PARTS),
        description="What the file holds: the student's work, the mentor's comments, and the "
        "mentor's private notes and marks (left out of exports meant for the student).",
    )
    session: Session = Field(description="The session, as the app keeps it.")


def session_to_json(
    session: Session, *, exported_at: datetime | None = None, private: bool = False
) -> dict[str, Any]:
    """The session as a JSON-ready dict: the envelope, then every field of the session.

    The mentor's private notes and marks are left out unless `private`: the file says so."""
    from soutenance.exports.merging import without_private

    envelope = SessionExport(
        format=EXPORT_FORMAT,
        version=EXPORT_VERSION,
        exported_at=exported_at or datetime.now(UTC),
        generator=f"soutenance {__version__}",
        carries=list(ALL_PARTS if private else ALL_PARTS[:2]),
        session=session if private else without_private(session),
    )
    return envelope.model_dump(mode="json")


def session_to_json_text(
    session: Session, *, exported_at: datetime | None = None, private: bool = False
) -> str:
    """The JSON export as text, indented and readable (accents kept as they are)."""
    data = session_to_json(session, exported_at=exported_at, private=private)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def export_schema() -> dict[str, Any]:
    schema = SessionExport.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def export_schema_text() -> str:
    return json.dumps(export_schema(), ensure_ascii=False, indent=2) + "\n"


if (
    __name__ == "__main__"
):  # python -m soutenance.exports.session_json > docs/session-export.schema.json
    print(export_schema_text(), end="")
