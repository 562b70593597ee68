"""What one import did, as lines for a person: the session added, or each field the merge
updated, kept (ours is newer) or found in conflict (both versions quoted), or that nothing
changed. The `import` command prints these lines; the app's import screen shows them.

Every piece of stored text goes through `visible`: a note cannot move the cursor or forge a line.
"""

from __future__ import annotations

from typing import Any

from soutenance.exports.importing import ImportResult
from soutenance.exports.merging import FieldChange, Place
from soutenance.i18n import format_date, translator
from soutenance.session.model import Marks, Session
from soutenance.text import visible


def import_report(
    result: ImportResult,
    session: Session,
    language: str,
    *,
    missing: int = 0,
    persistent: bool = True,
) -> list[str]:
    """The first line says what happened to the session; each following line one field (or the
    questions no longer in the banks, `missing` of them). A store that is not `persistent` (in
    memory) never has it said imported: the first line says it will be lost."""
    t = translator(language)
    about = t(
        "report.session",
        kind=t(f"sessions.kind.{session.kind}"),
        student=visible(session.student),
        project=visible(session.project_title),
        when=format_date(session.started_at, language),
        answered=len(session.answered),
        total=len(session.answers),
        id=session.id[:12],
    )
    if result.created:
        key = "report.added"
    elif result.changed:
        key = "report.merged"
    else:
        key = "report.unchanged"
    lines = [t(key if persistent or key == "report.unchanged" else f"{key}_memory", session=about)]
    if result.student_created:
        lines.append(t("report.new_student", student=visible(session.student)))
    lines += [_change_line(change, session, language) for change in result.report.changes]
    if result.changed and not result.created and not result.report.changes:
        lines.append(t("report.progress_only"))
    if missing:
        lines.append(t("report.missing_questions", count=missing))
    return lines


def _change_line(change: FieldChange, session: Session, language: str) -> str:
    t = translator(language)
    what = t(
        "report.field_at",
        field=t(f"mentor.field.{change.field}"),
        place=_place(change.place, session, language),
    )
    edit = _edit(change.by, change.at, language)
    if change.outcome == "updated":
        return t("report.updated", what=what, edit=edit)
    if change.outcome == "kept":
        return t("report.kept", what=what, edit=edit)
    lost = change.lost
    return t(
        "report.conflict",
        what=what,
        kept=_value(change.value, language),
        edit=edit,
        other=_value(lost.value if lost else None, language),
        other_edit=_edit(lost.by, lost.at, language) if lost else "?",
    )


def _place(place: Place, session: Session, language: str) -> str:
    t = translator(language)
    if place.objective is not None:
        return t("report.place.objective", text=visible(place.objective))
    if place.question is None:
        return t("report.place.session")
    text = next((a.question_text for a in session.answers if a.position == place.question - 1), "")
    question = t("report.place.question", number=place.question, text=visible(text))
    if place.follow_up:
        return t("report.place.follow_up", question=question, number=place.follow_up)
    return question


def _edit(by: str, at: Any, language: str) -> str:
    t = translator(language)
    if at is None:  # a file of version 1: nobody stamped the field
        return t(f"mentor.by.{by}")
    return t("report.edit", by=t(f"mentor.by.{by}"), when=format_date(at, language))


def _value(value: Any, language: str) -> str:
    """A field's value on one line: quoted text, key point numbers, marks, yes/no."""
    t = translator(language)
    if value is None or value == "" or value == []:
        return t("report.value.empty")
    if isinstance(value, str):
        return t("report.value.text", text=visible(value))
    if isinstance(value, bool):
        return t("report.value.yes" if value else "report.value.no")
    if isinstance(value, list):
        return t("report.value.points", numbers=", ".join(str(i + 1) for i in value))
    if isinstance(value, Marks):
        given = value.given()
        if not given:
            return t("report.value.empty")
        return ", ".join(f"{t(f'mentor.scale.{scale}')} {mark}/4" for scale, mark in given.items())
    if isinstance(value, int):  # the only number merged is the confidence, out of 5
        return f"{value}/5"
    return visible(str(value))
