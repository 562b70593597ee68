"""The question ids answered in a scope (a student's project, or a whole project), in one row.

Reading one JSON list is several times faster than reading one row per question, and the draw
and the mentor's coverage need the whole set; ``derived_scopes`` keeps it next to the rows it
lists (``question_memory`` for a student, ``question_summary`` with student '' for a project).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection

EVERYONE = ""
"""The student of a project-wide scope."""

_REBUILD_ABOVE = 8
"""More ids added at once than this: the list is rebuilt from the rows rather than appended to."""


def read_ids(conn: sqlite3.Connection, path_id: str, project_id: str, student: str) -> list[str]:
    row = conn.execute(
        "SELECT question_ids FROM derived_scopes WHERE path_id = ? AND project_id = ? AND student = ?",
        (path_id, project_id, student),
    ).fetchone()
    return json.loads(row[0]) if row is not None else []


def update_ids(
    conn: sqlite3.Connection,
    path_id: str,
    project_id: str,
    student: str,
    *,
    added: Collection[str] = (),
    removed: Collection[str] = (),
) -> None:
    """Keep the list equal to the scope's rows after ``added`` rows were created and ``removed``
    ones deleted."""
    if not added and not removed:
        return
    key = (path_id, project_id, student)
    if removed or len(added) > _REBUILD_ABOVE:
        if student == EVERYONE:
            source = """SELECT json_group_array(question_id) FROM question_summary
                WHERE path_id = ? AND project_id = ? AND student = ''"""
            params: tuple = key[:2]
        else:
            source = """SELECT json_group_array(question_id) FROM question_memory
                WHERE path_id = ? AND project_id = ? AND student = ?"""
            params = key
        conn.execute(
            f"""INSERT INTO derived_scopes (path_id, project_id, student, question_ids)
            VALUES (?, ?, ?, ({source})) ON CONFLICT DO UPDATE SET question_ids = excluded.question_ids""",
            (*key, *params),
        )
        return
    conn.execute(
        "INSERT OR IGNORE INTO derived_scopes (path_id, project_id, student) VALUES (?, ?, ?)", key
    )
    for question_id in added:
        conn.execute(
            """UPDATE derived_scopes SET question_ids = json_insert(question_ids, '$[#]', ?)
            WHERE path_id = ? AND project_id = ? AND student = ?""",
            (question_id, *key),
        )
