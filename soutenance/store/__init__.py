"""Where sessions and students are kept: SQLite, with migrations, leases and recovery.

Start with `open_store()`; it always returns a Store, in memory when the disk cannot be used.
"""

from soutenance.store.db import CorruptDatabase, StoreBusy, StoreError, StoreUnavailable
from soutenance.store.leases import LeaseLost, SessionEnded, SessionOpenElsewhere, StaleWrite
from soutenance.store.roster import RosterEntry, Student, StudentExists
from soutenance.store.sessions import (
    QuestionAttempt,
    SessionNotFound,
    SessionSummary,
    Store,
    open_store,
)

__all__ = [
    "CorruptDatabase",
    "LeaseLost",
    "QuestionAttempt",
    "RosterEntry",
    "SessionEnded",
    "SessionNotFound",
    "SessionOpenElsewhere",
    "SessionSummary",
    "StaleWrite",
    "Store",
    "StoreBusy",
    "StoreError",
    "StoreUnavailable",
    "Student",
    "StudentExists",
    "open_store",
]
