"""One session, one window: a lease with a heartbeat, checked by every write of a running session.

The window running a session holds its lease and renews it with each checkpoint. A second window
opening the same session finds the lease fresh and is offered to take it over; taking over hands
the lease to the new window, and the first one's next write is refused (it turns read-only).
A lease whose heartbeat stopped (the window was killed) is stale and taken without asking.
"""

from __future__ import annotations

import os
import socket
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from soutenance.session.run import WriteRefused
from soutenance.store.db import StoreError
from soutenance.store.rows import parse_timestamp, timestamp

STALE_AFTER_SECONDS = 15.0
"""A window heartbeats every second while a session is open; 15 s of silence means it is gone."""


@dataclass(frozen=True)
class Lease:
    session_id: str
    holder: str
    pid: int
    host: str
    acquired_at: datetime | None
    heartbeat_at: float

    def stale(self, now: float) -> bool:
        return now - self.heartbeat_at > STALE_AFTER_SECONDS

    @property
    def here(self) -> bool:
        """Held by a process of this machine (the pid can then be checked)."""
        return self.host == socket.gethostname()

    def gone(self, now: float) -> bool:
        """Its window is gone: silent for too long, or its process on this machine has ended
        (a killed window's session reopens at once, without asking)."""
        return self.stale(now) or (self.here and not _process_alive(self.pid))


def _process_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill would end the process there: trust the heartbeat alone
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, owned by someone else
        return True
    return True


class SessionOpenElsewhere(StoreError):
    """Another window holds the session's lease and is alive; the user may take it over."""

    def __init__(self, lease: Lease) -> None:
        self.lease = lease
        super().__init__(f"Session {lease.session_id} is open in another window (pid {lease.pid}).")


class LeaseLost(StoreError, WriteRefused):
    """This window no longer holds the session: another took it over, or it was ended."""

    def __init__(self, session_id: str, by: Lease | None) -> None:
        self.session_id = session_id
        self.by = by
        super().__init__(f"Session {session_id} was taken over by another window.")


class SessionEnded(StoreError, WriteRefused):
    """A write into a session that has ended: refused, nothing writes into an ended session."""

    def __init__(self, session_id: str) -> None:
        super().__init__(f"Session {session_id} has ended; it cannot be changed from this window.")


class StaleWrite(StoreError, WriteRefused):
    """A save based on an older revision of an answer: someone else saved it since."""

    def __init__(self, answer_id: str, expected: int, found: int) -> None:
        self.answer_id = answer_id
        super().__init__(
            f"Answer {answer_id} changed elsewhere (revision {found}, this window had {expected})."
        )


def read_lease(conn: sqlite3.Connection, session_id: str) -> Lease | None:
    row = conn.execute("SELECT * FROM leases WHERE session_id = ?", (session_id,)).fetchone()
    if row is None:
        return None
    return Lease(
        row["session_id"], row["holder"], row["pid"], row["host"],
        parse_timestamp(row["acquired_at"]), row["heartbeat_at"],
    )  # fmt: skip


def take_lease(conn: sqlite3.Connection, session_id: str, holder: str, now: datetime) -> None:
    conn.execute(
        """INSERT INTO leases (session_id, holder, pid, host, acquired_at, heartbeat_at)
        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (session_id) DO UPDATE SET holder = excluded.holder,
            pid = excluded.pid, host = excluded.host, acquired_at = excluded.acquired_at,
            heartbeat_at = excluded.heartbeat_at""",
        (session_id, holder, os.getpid(), socket.gethostname(), timestamp(now), now.timestamp()),
    )


def check_holder(
    conn: sqlite3.Connection, session_id: str, holder: str, now: datetime | None = None
) -> None:
    """Raise unless `holder` holds the session and the session is still open; renew the heartbeat."""
    row = conn.execute("SELECT ended_at FROM sessions WHERE id = ?", (session_id,)).fetchone()
    if row is not None and row["ended_at"] is not None:
        raise SessionEnded(session_id)
    lease = read_lease(conn, session_id)
    if lease is None or lease.holder != holder:
        raise LeaseLost(session_id, lease)
    if now is not None:
        conn.execute(
            "UPDATE leases SET heartbeat_at = ? WHERE session_id = ?", (now.timestamp(), session_id)
        )
