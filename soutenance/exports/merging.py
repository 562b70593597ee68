"""Merging an imported session into the local copy, field by field: the newest version wins.

Every field a person edits (the student's notes, ticks, confidence and debrief; the mentor's
comment, private notes, marks and re-ticks; the objectives) carries who changed it and when,
with a version vector (`FieldEdit`). For each such field:

- the version that has seen every change the other has seen is the newer one: it is kept (the
  import updates the field, or the local field is kept);
- when each side changed it without seeing the other's change, that is a conflict: the most
  recent change wins, the other text is kept in the object's `conflicts` (the review shows both),
  and the import says so;
- fields nobody stamped (files of version 1) follow the old rule: the mentor's fields come from
  the import when it has them, the student's stay local unless empty.

Progress (times, statuses) follows the answer: an answer unanswered here takes the imported one.
The voice (figures, transcript of a recording) is the student's: kept here, taken from the import
only where there is none here.
Answers, follow-ups and objectives that only one side has are kept; nothing is deleted. The
mentor's private fields are merged only when the file carries them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from soutenance.session.model import (
    NO_EDIT,
    Answer,
    AnswerStatus,
    Conflict,
    FieldEdit,
    FollowUpAnswer,
    Marks,
    Objective,
    Session,
)

PRIVATE_FIELDS = frozenset({"mentor_notes", "marks"})
"""The mentor's own: left out of exports meant for the student unless asked for."""
STUDENT_FIELDS = frozenset(
    {"notes", "covered", "confidence", "debrief_strengths", "debrief_improvements"}
)
ANSWER_FIELDS = ("notes", "covered", "confidence", "mentor_comment", "mentor_notes", "marks")
FOLLOW_UP_FIELDS = ("notes", "covered")
OBJECTIVE_FIELDS = ("text", "done")
SESSION_FIELDS = ("debrief_strengths", "debrief_improvements", "feedback")
PROGRESS_FIELDS = ("status", "elapsed", "answered_at", "reason", "added_seconds")


@dataclass(frozen=True)
class Place:
    """Where a merged field is: the session, a question (its number), a follow-up of a question,
    or an objective (its text)."""

    question: int | None = None
    follow_up: int | None = None
    objective: str | None = None

    def __str__(self) -> str:
        if self.objective is not None:
            return f"objective “{self.objective}”"
        if self.question is None:
            return "session"
        follow_up = f", follow-up {self.follow_up}" if self.follow_up else ""
        return f"question {self.question}{follow_up}"


SESSION = Place()


@dataclass(frozen=True)
class FieldChange:
    """What the import did to one field: `updated`, `kept` (ours is newer) or `conflict`."""

    outcome: Literal["updated", "kept", "conflict"]
    place: Place
    field: str
    by: str
    at: datetime | None
    value: Any = None
    """The field's value after the merge (for a conflict: the version that won)."""
    lost: Conflict | None = None
    """For a conflict: the other version, kept for the review."""

    @property
    def where(self) -> str:
        """ "question 2", "question 2, follow-up 1", "session", "objective “…”"."""
        return str(self.place)


@dataclass
class MergeReport:
    changes: list[FieldChange] = field(default_factory=list)

    def of(self, outcome: str) -> list[FieldChange]:
        return [change for change in self.changes if change.outcome == outcome]


def _empty(value: Any) -> bool:
    return value in (None, "", [], False) or (isinstance(value, Marks) and not value.given())


def merge_field(local: Any, incoming: Any, name: str, where: Place, report: MergeReport) -> None:
    """Merge one edited field of `incoming` into `local` (the rules in the module docstring)."""
    mine, theirs = getattr(local, name), getattr(incoming, name)
    mine_edit, their_edit = local.edits.get(name), incoming.edits.get(name)
    if mine_edit is None and their_edit is None:  # nobody stamped it: the version 1 rule
        if mine == theirs or _empty(theirs):
            return
        if name in STUDENT_FIELDS and not _empty(mine):
            report.changes.append(FieldChange("kept", where, name, "student", None))
            return
        setattr(local, name, theirs)
        report.changes.append(FieldChange("updated", where, name, "mentor", None))
        return
    mine_edit, their_edit = mine_edit or NO_EDIT, their_edit or NO_EDIT
    both = FieldEdit(
        by=mine_edit.by, at=mine_edit.at, student=max(mine_edit.student, their_edit.student),
        mentor=max(mine_edit.mentor, their_edit.mentor),
    )  # fmt: skip
    if mine == theirs:
        newest = their_edit if their_edit.at > mine_edit.at else mine_edit
        local.edits[name] = both.model_copy(update={"by": newest.by, "at": newest.at})
        return
    if their_edit.covers(mine_edit):
        setattr(local, name, theirs)
        local.edits[name] = their_edit
        report.changes.append(FieldChange("updated", where, name, their_edit.by, their_edit.at))
    elif mine_edit.covers(their_edit):
        report.changes.append(FieldChange("kept", where, name, mine_edit.by, mine_edit.at))
    else:
        winner, loser = (
            (their_edit, mine_edit) if their_edit.at > mine_edit.at else (mine_edit, their_edit)
        )
        lost_value = mine if winner is their_edit else theirs
        setattr(local, name, theirs if winner is their_edit else mine)
        local.edits[name] = both.model_copy(update={"by": winner.by, "at": winner.at})
        conflict = Conflict(field=name, value=lost_value, by=loser.by, at=loser.at)
        if conflict not in local.conflicts:
            local.conflicts.append(conflict)
        report.changes.append(
            FieldChange(
                "conflict", where, name, winner.by, winner.at, getattr(local, name), conflict
            )
        )


def merge_sessions(
    local: Session, incoming: Session, *, private: bool = True, report: MergeReport | None = None
) -> Session:
    """The local session updated with what the import brings (`private`: the file carries the
    mentor's private fields)."""
    report = report if report is not None else MergeReport()
    merged = local.model_copy(deep=True)
    merged.ended_at = local.ended_at or incoming.ended_at
    if local.ended_at is None and incoming.ended_at is not None:
        merged.stage = incoming.stage
    merged.mock = local.mock or incoming.mock
    if len(incoming.plan) > len(local.plan):
        merged.plan = incoming.plan
    for name in SESSION_FIELDS:
        merge_field(merged, incoming, name, SESSION, report)
    _adopt_conflicts(merged, incoming)
    fields = [f for f in ANSWER_FIELDS if private or f not in PRIVATE_FIELDS]

    def merge_answer(mine: Answer, theirs: Answer) -> Answer:
        where = Place(question=mine.position + 1)
        if _unanswered(mine) and not _unanswered(theirs):
            for name in PROGRESS_FIELDS:
                setattr(mine, name, getattr(theirs, name))
        mine.voice = mine.voice or theirs.voice
        for name in fields:
            merge_field(mine, theirs, name, where, report)
        _adopt_conflicts(mine, theirs)

        def merge_follow_up(f_mine: FollowUpAnswer, f_theirs: FollowUpAnswer) -> FollowUpAnswer:
            if f_mine.elapsed is None:
                f_mine.elapsed = f_theirs.elapsed
            f_mine.voice = f_mine.voice or f_theirs.voice
            number = next((i for i, f in enumerate(mine.follow_ups, 1) if f.id == f_mine.id), 0)
            for name in FOLLOW_UP_FIELDS:
                merge_field(f_mine, f_theirs, name, Place(mine.position + 1, number), report)
            _adopt_conflicts(f_mine, f_theirs)
            return f_mine

        mine.follow_ups = _merge_by_id(mine.follow_ups, theirs.follow_ups, merge_follow_up)
        return mine

    def merge_objective(mine: Objective, theirs: Objective) -> Objective:
        for name in OBJECTIVE_FIELDS:
            merge_field(mine, theirs, name, Place(objective=mine.text), report)
        _adopt_conflicts(mine, theirs)
        return mine

    merged.answers = _merge_by_id(merged.answers, incoming.answers, merge_answer)
    merged.objectives = _merge_by_id(merged.objectives, incoming.objectives, merge_objective)
    return merged


def _adopt_conflicts(local: Any, incoming: Any) -> None:
    """Conflicts the other side already recorded stay recorded here."""
    for conflict in incoming.conflicts:
        if conflict not in local.conflicts:
            local.conflicts.append(conflict)


def _merge_by_id(local: list, incoming: Iterable, merge: Any) -> list:
    """Local items in their order, each merged with its incoming twin, then incoming-only ones."""
    theirs = {item.id: item for item in incoming}
    ours = {item.id for item in local}
    merged = [merge(item, theirs[item.id]) if item.id in theirs else item for item in local]
    return merged + [item for item in theirs.values() if item.id not in ours]


def _unanswered(answer: Answer) -> bool:
    return answer.status in (AnswerStatus.PENDING, AnswerStatus.NOT_REACHED)


def without_private(session: Session) -> Session:
    """The session as a student may see it: the mentor's private notes and marks left out."""
    shared = session.model_copy(deep=True)
    for answer in shared.answers:
        answer.mentor_notes, answer.marks = "", Marks()
        for name in PRIVATE_FIELDS:
            answer.edits.pop(name, None)
        answer.conflicts = [c for c in answer.conflicts if c.field not in PRIVATE_FIELDS]
    return shared
