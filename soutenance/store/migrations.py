"""The schema, as an ordered list of migrations; `PRAGMA user_version` counts those applied.

Never edit a released migration: append a new one. Each runs in the same transaction as the
version bump, so a database is always at exactly one version.
"""

from __future__ import annotations

import sqlite3

SCHEMA_V1 = (
    """CREATE TABLE students (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        paths TEXT NOT NULL DEFAULT '[]',
        project_ref TEXT,
        language TEXT NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
        defense_date TEXT,
        archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
        created_at TEXT NOT NULL
    )""",
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        student TEXT NOT NULL REFERENCES students (name) ON UPDATE CASCADE,
        path_id TEXT NOT NULL,
        project_id TEXT NOT NULL,
        project_title TEXT NOT NULL,
        language TEXT NOT NULL,
        evaluator_role TEXT NOT NULL,
        kind TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        seed INTEGER,
        presentation_seconds REAL,
        debrief_strengths TEXT NOT NULL DEFAULT '',
        debrief_improvements TEXT NOT NULL DEFAULT '',
        feedback TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX sessions_by_student ON sessions (student, started_at)",
    "CREATE INDEX sessions_by_start ON sessions (started_at)",
    "CREATE INDEX sessions_unfinished ON sessions (started_at) WHERE ended_at IS NULL",
    """CREATE TABLE answers (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        question_id TEXT NOT NULL,
        question_text TEXT NOT NULL,
        key_points TEXT NOT NULL DEFAULT '[]',
        time_limit INTEGER NOT NULL,
        elapsed REAL,
        skipped INTEGER NOT NULL DEFAULT 0,
        confidence INTEGER,
        covered TEXT NOT NULL DEFAULT '[]',
        notes TEXT NOT NULL DEFAULT '',
        reason TEXT NOT NULL DEFAULT '',
        mentor_notes TEXT NOT NULL DEFAULT '',
        mentor_comment TEXT NOT NULL DEFAULT '',
        answered_at TEXT
    )""",
    "CREATE INDEX answers_by_session ON answers (session_id, position)",
    "CREATE INDEX answers_by_question ON answers (question_id, session_id)",
    """CREATE TABLE follow_ups (
        id TEXT PRIMARY KEY,
        answer_id TEXT NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        key_points TEXT NOT NULL DEFAULT '[]',
        time_limit INTEGER NOT NULL,
        elapsed REAL,
        covered TEXT NOT NULL DEFAULT '[]',
        notes TEXT NOT NULL DEFAULT '',
        ad_hoc INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX follow_ups_by_answer ON follow_ups (answer_id, position)",
    """CREATE TABLE marks (
        answer_id TEXT NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
        scale TEXT NOT NULL CHECK (scale IN ('justification', 'clarity', 'posture')),
        value INTEGER NOT NULL CHECK (value BETWEEN 1 AND 4),
        PRIMARY KEY (answer_id, scale)
    ) WITHOUT ROWID""",
    """CREATE TABLE objectives (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        done INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX objectives_by_session ON objectives (session_id, position)",
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (SCHEMA_V1,)
"""MIGRATIONS[n] takes a database from version n to n + 1."""

LATEST_VERSION = len(MIGRATIONS)


class SchemaTooNew(Exception):
    def __init__(self, version: int) -> None:
        self.version = version
        super().__init__(
            f"it was written by a newer soutenance (schema {version}, this one knows "
            f"{LATEST_VERSION}); update soutenance"
        )


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the pending migrations in one transaction; return the version reached."""
    if schema_version(conn) == LATEST_VERSION:
        return LATEST_VERSION
    # Statements run one by one: executescript() would commit the open transaction.
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the write lock: another process may have migrated meanwhile.
        version = schema_version(conn)
        if version > LATEST_VERSION:
            raise SchemaTooNew(version)
        for statements in MIGRATIONS[version:]:
            for statement in statements:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.rollback()
        raise
    return LATEST_VERSION
