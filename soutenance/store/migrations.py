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

# Version 2 keeps the whole session (its plan, settings, position, stage and clocks), gives each
# answer a status ("not reached" apart from "skipped") and a revision, folds the marks into the
# answer, and adds the leases that keep one session in one window. SQLite cannot alter columns
# and constraints in place: the tables are rebuilt and the rows copied, in SQL only, so that the
# step never depends on the model of a later version.
SCHEMA_V2 = (
    """CREATE TABLE sessions_v2 (
        id TEXT PRIMARY KEY,
        student TEXT NOT NULL REFERENCES students (name) ON UPDATE CASCADE,
        path_id TEXT NOT NULL,
        project_id TEXT NOT NULL,
        project_title TEXT NOT NULL,
        language TEXT NOT NULL,
        evaluator_role TEXT NOT NULL,
        started_at TEXT NOT NULL,
        kind TEXT NOT NULL,
        ended_at TEXT,
        seed INTEGER,
        settings TEXT NOT NULL DEFAULT '{}',
        plan TEXT NOT NULL DEFAULT '[]',
        cursor INTEGER NOT NULL DEFAULT 0,
        stage TEXT NOT NULL DEFAULT 'preparing',
        paused INTEGER NOT NULL DEFAULT 0,
        follow_up_id TEXT,
        mock TEXT,
        debrief_strengths TEXT NOT NULL DEFAULT '',
        debrief_improvements TEXT NOT NULL DEFAULT '',
        feedback TEXT NOT NULL DEFAULT '',
        edits TEXT NOT NULL DEFAULT '{}',
        conflicts TEXT NOT NULL DEFAULT '[]'
    )""",
    """INSERT INTO sessions_v2 (id, student, path_id, project_id, project_title, language,
        evaluator_role, started_at, kind, ended_at, seed, settings, plan, cursor, stage, mock,
        debrief_strengths, debrief_improvements, feedback)
    SELECT s.id, s.student, s.path_id, s.project_id, s.project_title, s.language,
        s.evaluator_role, s.started_at, s.kind, s.ended_at, s.seed,
        json_object('seed', s.seed, 'count',
            (SELECT count(*) FROM answers a WHERE a.session_id = s.id)),
        coalesce((SELECT json_group_array(json_object('id', q.question_id, 'text', q.question_text,
            'key_points', json(q.key_points), 'time_limit', q.time_limit))
            FROM (SELECT * FROM answers a WHERE a.session_id = s.id ORDER BY a.position, a.rowid) q),
            '[]'),
        coalesce((SELECT max(a.position) FROM answers a WHERE a.session_id = s.id
            AND a.elapsed IS NULL AND a.skipped = 0), (SELECT max(a.position) FROM answers a
            WHERE a.session_id = s.id), 0),
        CASE WHEN s.ended_at IS NOT NULL THEN 'ended'
            WHEN EXISTS (SELECT 1 FROM answers a WHERE a.session_id = s.id AND a.elapsed IS NULL
                AND a.skipped = 0) THEN 'answering'
            WHEN s.kind = 'mock' THEN 'debriefing'
            ELSE 'key_points' END,
        CASE WHEN s.kind = 'mock' THEN json_object('phase',
            CASE WHEN s.ended_at IS NOT NULL THEN 'done' ELSE 'discussion' END,
            'presentation_seconds', coalesce(s.presentation_seconds, 0.0)) END,
        s.debrief_strengths, s.debrief_improvements, s.feedback
    FROM sessions s""",
    """CREATE TABLE answers_v2 (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions_v2 (id) ON DELETE CASCADE,
        question_id TEXT NOT NULL,
        question_text TEXT NOT NULL,
        key_points TEXT NOT NULL DEFAULT '[]',
        time_limit INTEGER NOT NULL,
        position INTEGER NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        elapsed REAL,
        added_seconds REAL NOT NULL DEFAULT 0,
        confidence INTEGER,
        covered TEXT NOT NULL DEFAULT '[]',
        notes TEXT NOT NULL DEFAULT '',
        reason TEXT,
        mentor_notes TEXT NOT NULL DEFAULT '',
        mentor_comment TEXT NOT NULL DEFAULT '',
        marks TEXT NOT NULL DEFAULT '{}',
        answered_at TEXT,
        revision INTEGER NOT NULL DEFAULT 0,
        edits TEXT NOT NULL DEFAULT '{}',
        conflicts TEXT NOT NULL DEFAULT '[]'
    )""",
    """INSERT INTO answers_v2 (id, session_id, question_id, question_text, key_points, time_limit,
        position, status, elapsed, confidence, covered, notes, reason, mentor_notes,
        mentor_comment, marks, answered_at)
    SELECT a.id, a.session_id, a.question_id, a.question_text, a.key_points, a.time_limit,
        a.position,
        CASE WHEN a.skipped = 1 THEN 'skipped' WHEN a.elapsed IS NOT NULL THEN 'answered'
            WHEN s.ended_at IS NOT NULL THEN 'not_reached' ELSE 'pending' END,
        a.elapsed, a.confidence, a.covered, a.notes,
        CASE WHEN a.reason != '' THEN json_object('code', 'legacy', 'params',
            json_object('text', a.reason)) END,
        a.mentor_notes, a.mentor_comment,
        coalesce((SELECT json_group_object(m.scale, m.value) FROM marks m
            WHERE m.answer_id = a.id), '{}'),
        a.answered_at
    FROM answers a JOIN sessions s ON s.id = a.session_id""",
    """CREATE TABLE follow_ups_v2 (
        id TEXT PRIMARY KEY,
        answer_id TEXT NOT NULL REFERENCES answers_v2 (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        key_points TEXT NOT NULL DEFAULT '[]',
        time_limit INTEGER NOT NULL,
        elapsed REAL,
        covered TEXT NOT NULL DEFAULT '[]',
        notes TEXT NOT NULL DEFAULT '',
        ad_hoc INTEGER NOT NULL DEFAULT 0,
        edits TEXT NOT NULL DEFAULT '{}',
        conflicts TEXT NOT NULL DEFAULT '[]'
    )""",
    """INSERT INTO follow_ups_v2 (id, answer_id, position, text, key_points, time_limit, elapsed,
        covered, notes, ad_hoc)
    SELECT id, answer_id, position, text, key_points, time_limit, elapsed, covered, notes, ad_hoc
    FROM follow_ups""",
    """CREATE TABLE objectives_v2 (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions_v2 (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        done INTEGER NOT NULL DEFAULT 0,
        edits TEXT NOT NULL DEFAULT '{}',
        conflicts TEXT NOT NULL DEFAULT '[]'
    )""",
    """INSERT INTO objectives_v2 (id, session_id, position, text, done)
    SELECT id, session_id, position, text, done FROM objectives""",
    "DROP TABLE marks",
    "DROP TABLE follow_ups",
    "DROP TABLE objectives",
    "DROP TABLE answers",
    "DROP TABLE sessions",
    "ALTER TABLE sessions_v2 RENAME TO sessions",
    "ALTER TABLE answers_v2 RENAME TO answers",
    "ALTER TABLE follow_ups_v2 RENAME TO follow_ups",
    "ALTER TABLE objectives_v2 RENAME TO objectives",
    "CREATE INDEX sessions_by_student ON sessions (student, started_at)",
    "CREATE INDEX sessions_by_start ON sessions (started_at)",
    "CREATE INDEX sessions_unfinished ON sessions (started_at) WHERE ended_at IS NULL",
    "CREATE INDEX answers_by_session ON answers (session_id, position)",
    "CREATE INDEX answers_by_question ON answers (question_id, session_id)",
    "CREATE INDEX follow_ups_by_answer ON follow_ups (answer_id, position)",
    "CREATE INDEX objectives_by_session ON objectives (session_id, position)",
    # Names compare case- and space-insensitively: "camille" and "Léa  Dubois" are "Camille" and
    # "Léa Dubois" (name_key is registered on the connection by migrate()).
    "ALTER TABLE students ADD COLUMN name_key TEXT NOT NULL DEFAULT ''",
    "UPDATE students SET name_key = name_key(name)",
    "CREATE INDEX students_by_key ON students (name_key)",
    """CREATE TABLE leases (
        session_id TEXT PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
        holder TEXT NOT NULL,
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        acquired_at TEXT NOT NULL,
        heartbeat_at REAL NOT NULL
    )""",
)

SCHEMA_V3 = (
    # Voice: what an answer (or a follow-up) keeps of its spoken version, the JSON of AnswerVoice.
    "ALTER TABLE answers ADD COLUMN voice TEXT",
    "ALTER TABLE follow_ups ADD COLUMN voice TEXT",
)

# Version 4 keeps what the draw and the mentor's views derive from the answers, so that they read
# a few rows instead of every answer: each reached answer as the derived rows counted it (its
# facts), each student's state per question (its FSRS card and last answer), each question's
# summed-up figures (of every student: student = '', and of each one), each student's figures
# per project, and the ids answered per scope. A later migration that rebuilds the answers or
# sessions table must create these triggers again. Triggers note every change
# to the answers that these depend on in `derived_dirty`, whoever writes; the app brings the
# noted rows up to date in the same transaction, or before reading them
# (soutenance.store.derived). The rows themselves are built by the app, not here.
_FIGURES = """asked INTEGER NOT NULL DEFAULT 0,
        answered INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0,
        time_sum REAL NOT NULL DEFAULT 0,
        overtime INTEGER NOT NULL DEFAULT 0,
        coverage_count INTEGER NOT NULL DEFAULT 0,
        coverage_sum REAL NOT NULL DEFAULT 0,
        confidence_count INTEGER NOT NULL DEFAULT 0,
        confidence_sum REAL NOT NULL DEFAULT 0,
        pairs INTEGER NOT NULL DEFAULT 0,
        gap_sum REAL NOT NULL DEFAULT 0,
        over INTEGER NOT NULL DEFAULT 0,
        under INTEGER NOT NULL DEFAULT 0,
        pair_confidence_sum REAL NOT NULL DEFAULT 0,
        pair_coverage_sum REAL NOT NULL DEFAULT 0,
        mark_counts TEXT NOT NULL DEFAULT '[0,0,0]',
        mark_sums TEXT NOT NULL DEFAULT '[0,0,0]'"""
_REACHED = "status IN ('answered', 'skipped')"
_ANSWER_FIELDS = ("status", "elapsed", "time_limit", "added_seconds", "confidence", "covered",
                  "key_points", "answered_at", "marks", "question_id", "session_id")  # fmt: skip
_ANSWER_CHANGED = " OR ".join(f"OLD.{name} IS NOT NEW.{name}" for name in _ANSWER_FIELDS)
_SESSION_FIELDS = ("student", "path_id", "project_id", "started_at")
_SESSION_CHANGED = " OR ".join(f"OLD.{name} IS NOT NEW.{name}" for name in _SESSION_FIELDS)


# A trigger's INSERT OR IGNORE takes the conflict policy of the statement that fired it (an upsert
# would fail): rows already noted are left out by hand.
_NOT_NOTED = """NOT EXISTS (SELECT 1 FROM derived_dirty d WHERE d.path_id = {0}.path_id
    AND d.project_id = {0}.project_id AND d.student = {0}.student
    AND d.question_id = {1}.question_id AND d.answer_id = {1}.id)"""


def _mark_answer(row: str) -> str:
    return f"""INSERT INTO derived_dirty (path_id, project_id, student, question_id, answer_id)
        SELECT s.path_id, s.project_id, s.student, {row}.question_id, {row}.id
        FROM sessions s WHERE s.id = {row}.session_id AND {_NOT_NOTED.format("s", row)};"""


def _mark_session(row: str) -> str:
    return f"""INSERT INTO derived_dirty (path_id, project_id, student, question_id, answer_id)
        SELECT {row}.path_id, {row}.project_id, {row}.student, a.question_id, a.id
        FROM answers a WHERE a.session_id = {row}.id AND a.{_REACHED}
        AND {_NOT_NOTED.format(row, "a")};"""


SCHEMA_V4 = (
    """CREATE TABLE answer_facts (
        answer_id TEXT PRIMARY KEY,
        path_id TEXT NOT NULL,
        project_id TEXT NOT NULL,
        student TEXT NOT NULL,
        question_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        answered_at TEXT NOT NULL,
        elapsed REAL,
        time_limit REAL NOT NULL,
        confidence INTEGER,
        skipped INTEGER NOT NULL,
        coverage REAL,
        key_points TEXT NOT NULL,
        covered TEXT NOT NULL,
        marks TEXT NOT NULL
    ) WITHOUT ROWID""",
    """CREATE INDEX answer_facts_by_key
        ON answer_facts (path_id, project_id, question_id, student, answered_at, answer_id)""",
    # The medians of a question's times and coverages walk these in order, with no sort.
    """CREATE INDEX answer_facts_by_elapsed ON answer_facts (path_id, project_id, question_id, elapsed)
        WHERE skipped = 0 AND elapsed IS NOT NULL""",
    """CREATE INDEX answer_facts_by_coverage ON answer_facts (path_id, project_id, question_id, coverage)
        WHERE skipped = 0 AND coverage IS NOT NULL""",
    """CREATE TABLE derived_dirty (
        path_id TEXT NOT NULL,
        project_id TEXT NOT NULL,
        student TEXT NOT NULL,
        question_id TEXT NOT NULL,
        answer_id TEXT NOT NULL,
        PRIMARY KEY (path_id, project_id, student, question_id, answer_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE question_memory (
        student TEXT NOT NULL,
        path_id TEXT NOT NULL,
        project_id TEXT NOT NULL,
        question_id TEXT NOT NULL,
        answers INTEGER NOT NULL,
        last_answer_id TEXT NOT NULL,
        last_session_id TEXT NOT NULL,
        last_at TEXT NOT NULL,
        last_us INTEGER NOT NULL,
        last_elapsed REAL,
        last_limit REAL NOT NULL,
        last_confidence INTEGER,
        last_skipped INTEGER NOT NULL,
        last_key_points TEXT NOT NULL,
        last_covered TEXT NOT NULL,
        weak INTEGER NOT NULL,
        quality REAL NOT NULL,
        stability REAL NOT NULL,
        card TEXT NOT NULL,
        prior TEXT,
        PRIMARY KEY (student, path_id, project_id, question_id)
    ) WITHOUT ROWID""",
    """CREATE INDEX question_memory_for_draw
        ON question_memory (student, path_id, project_id, weak, quality, last_us, stability)""",
    f"""CREATE TABLE question_summary (
        path_id TEXT NOT NULL,
        project_id TEXT NOT NULL,
        student TEXT NOT NULL,
        question_id TEXT NOT NULL,
        students INTEGER NOT NULL,
        median_time REAL,
        median_coverage REAL,
        key_points TEXT NOT NULL DEFAULT '[]',
        last_at TEXT,
        hard_coverage REAL NOT NULL DEFAULT 0,
        hard_overtime REAL NOT NULL DEFAULT 0,
        hard_skipped REAL NOT NULL DEFAULT 0,
        {_FIGURES},
        PRIMARY KEY (path_id, project_id, student, question_id)
    ) WITHOUT ROWID""",
    """CREATE INDEX question_summary_by_question
        ON question_summary (path_id, project_id, question_id)""",
    """CREATE INDEX question_summary_hardest ON question_summary
        (path_id, project_id, student, hard_coverage, hard_overtime, hard_skipped, question_id)""",
    f"""CREATE TABLE student_summary (
        path_id TEXT NOT NULL,
        project_id TEXT NOT NULL,
        student TEXT NOT NULL,
        questions INTEGER NOT NULL DEFAULT 0,
        {_FIGURES},
        PRIMARY KEY (path_id, project_id, student)
    ) WITHOUT ROWID""",
    """CREATE TABLE derived_scopes (
        path_id TEXT NOT NULL,
        project_id TEXT NOT NULL,
        student TEXT NOT NULL,
        question_ids TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (path_id, project_id, student)
    ) WITHOUT ROWID""",
    f"""CREATE TRIGGER answers_inserted_derived AFTER INSERT ON answers
    WHEN NEW.{_REACHED}
    BEGIN {_mark_answer("NEW")} END""",
    f"""CREATE TRIGGER answers_updated_derived AFTER UPDATE ON answers
    WHEN (OLD.{_REACHED} OR NEW.{_REACHED}) AND ({_ANSWER_CHANGED})
    BEGIN {_mark_answer("OLD")} {_mark_answer("NEW")} END""",
    f"""CREATE TRIGGER answers_deleted_derived AFTER DELETE ON answers
    WHEN OLD.{_REACHED}
    BEGIN {_mark_answer("OLD")} END""",
    f"""CREATE TRIGGER sessions_deleted_derived BEFORE DELETE ON sessions
    BEGIN {_mark_session("OLD")} END""",
    f"""CREATE TRIGGER sessions_updated_derived AFTER UPDATE ON sessions
    WHEN {_SESSION_CHANGED}
    BEGIN {_mark_session("OLD")} {_mark_session("NEW")} END""",
)

# The project card: the student's own figures for a project (`facts` of its bank), one row per
# fact, put into the questions drawn for them. Keyed by the roster's id, so a renamed student
# keeps their card; the fact names and values are checked by soutenance.store.cards.
PROJECT_CARDS = (
    """CREATE TABLE project_cards (
        student_id TEXT NOT NULL REFERENCES students (id) ON DELETE CASCADE,
        project_ref TEXT NOT NULL,
        fact TEXT NOT NULL,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (student_id, project_ref, fact)
    ) WITHOUT ROWID""",
)

# The medians of a question's times and coverages walk these in order: covering (``skipped`` is
# in the key), so a walk reads no table row; the partial indexes of SCHEMA_V4 had to look up
# each entry's ``skipped`` (SQLite 3.40 does not count a partial index's WHERE as covered).
MEDIAN_INDEXES = (
    "DROP INDEX answer_facts_by_elapsed",
    "DROP INDEX answer_facts_by_coverage",
    """CREATE INDEX answer_facts_by_elapsed
        ON answer_facts (path_id, project_id, question_id, skipped, elapsed)""",
    """CREATE INDEX answer_facts_by_coverage
        ON answer_facts (path_id, project_id, question_id, skipped, coverage)""",
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    SCHEMA_V1,
    SCHEMA_V2,
    SCHEMA_V3,
    SCHEMA_V4,
    PROJECT_CARDS,
    MEDIAN_INDEXES,
)
"""MIGRATIONS[n] takes a database from version n to n + 1."""

LATEST_VERSION = len(MIGRATIONS)


class SchemaTooNew(Exception):
    def __init__(self, version: int) -> None:
        self.version = version
        super().__init__(
            f"it was written by a newer soutenance (schema {version}, this one knows "
            f"{LATEST_VERSION}); update soutenance"
        )


def name_key(name: str) -> str:
    """How student names compare: case and runs of spaces ignored, accents kept (Léa is not Lea)."""
    return " ".join(name.casefold().split())


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def register_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions the migrations call, on any connection that runs them."""
    conn.create_function("name_key", 1, name_key, deterministic=True)


def build_schema(conn: sqlite3.Connection, version: int) -> None:
    """Run the migrations up to `version` on an empty database (no transaction, no checks)."""
    register_functions(conn)
    for statements in MIGRATIONS[:version]:
        for statement in statements:
            conn.execute(statement)


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the pending migrations in one transaction; return the version reached."""
    register_functions(conn)
    if schema_version(conn) == LATEST_VERSION:
        return LATEST_VERSION
    # Rebuilding tables drops the old ones: with foreign keys on, that would cascade into their
    # children. The pragma only changes outside a transaction, and is checked before committing.
    foreign_keys = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute("PRAGMA foreign_keys = OFF")
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
        if problems := conn.execute("PRAGMA foreign_key_check").fetchall():
            raise sqlite3.IntegrityError(f"migration left {len(problems)} dangling rows")
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
    return LATEST_VERSION
