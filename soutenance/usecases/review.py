"""Edits of a stored session after it ran — the mentor's review (comment, marks, key points heard),
feedback and objectives — each stamped with who made it and when, so that a later import merges
field by field (soutenance.exports.merging)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from soutenance.clock import Clock
from soutenance.session.model import NO_EDIT, Answer, Editor, Marks, Objective, Session


class SessionEdits:
    """Edits of one stored session by `by` ("mentor" in the review, "student" on their side)."""

    def __init__(self, store: Any, session_id: str, *, by: Editor, clock: Clock) -> None:
        self.store = store
        self.session_id = session_id
        self.by = by
        self.clock = clock

    def answer(self, answer_id: str, field: str, value: Any) -> Answer:
        return self.store.edit_answer(
            answer_id, lambda a: a.edit(field, value, self.by, self.clock.now())
        )

    def comment(self, answer_id: str, text: str) -> Answer:
        return self.answer(answer_id, "mentor_comment", text)

    def marks(self, answer_id: str, marks: Marks) -> Answer:
        return self.answer(answer_id, "marks", marks)

    def heard(self, answer_id: str, covered: list[int]) -> Answer:
        """The key points the mentor heard (they replace the student's ticks, stamped as the mentor's)."""
        return self.answer(answer_id, "covered", sorted(set(covered)))

    def feedback(self, text: str) -> Session:
        return self.store.edit_session(
            self.session_id, lambda s: s.edit("feedback", text, self.by, self.clock.now())
        )

    def add_objective(self, text: str) -> Objective:
        objective = new_objective(text, self.by, self.clock.now())
        self.store.edit_session(self.session_id, lambda s: s.objectives.append(objective))
        return objective


def tick_objective(
    store: Any, objective_id: str, done: bool, *, by: Editor, clock: Clock
) -> Objective:
    """Tick (or untick) an objective, stamped; raises LookupError when there is none."""
    return store.edit_objective(objective_id, lambda o: o.edit("done", done, by, clock.now()))


def new_objective(text: str, by: Editor, at: datetime) -> Objective:
    """An objective as `by` wrote it: its text already stamped, so an import can merge it."""
    return Objective(text=text, edits={"text": NO_EDIT.after(by, at)})
