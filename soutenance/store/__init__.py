"""Where sessions, students and mentor feedback are kept: SQLite, plus JSON and Markdown exports.

Start with `open_store()`; it always returns a Store, in memory when the disk cannot be used.
"""

from soutenance.store.db import CorruptDatabase, StoreBusy, StoreError, StoreUnavailable
from soutenance.store.export import session_to_json, session_to_json_text
from soutenance.store.feedback import feedback_markdown
from soutenance.store.importer import ImportResult, import_session, read_export
from soutenance.store.markdown import session_to_markdown
from soutenance.store.roster import RosterEntry, Student, StudentExists
from soutenance.store.sessions import (
    QuestionAttempt,
    SessionNotFound,
    SessionSummary,
    Store,
    open_store,
)
from soutenance.store.validation import InvalidExport

__all__ = [
    "CorruptDatabase",
    "ImportResult",
    "InvalidExport",
    "QuestionAttempt",
    "RosterEntry",
    "SessionNotFound",
    "SessionSummary",
    "Store",
    "StoreBusy",
    "StoreError",
    "StoreUnavailable",
    "Student",
    "StudentExists",
    "feedback_markdown",
    "import_session",
    "open_store",
    "read_export",
    "session_to_json",
    "session_to_json_text",
    "session_to_markdown",
]
