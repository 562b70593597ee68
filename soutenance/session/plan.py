"""The questions of a session as they were drawn: snapshots that outlive the bank."""

from __future__ import annotations

from collections.abc import Mapping

from soutenance.banks.model import Question, placeholders
from soutenance.session.model import FollowUpSnapshot, QuestionSnapshot, Reason


def snapshot(
    question: Question, reason: tuple | None = None, card: Mapping[str, str] | None = None
) -> QuestionSnapshot:
    """`question` as the student will see it: with their own facts put in when the card has them."""
    return QuestionSnapshot(
        id=question.id,
        text=question.render(dict(card or {})),
        key_points=[str(point) for point in question.key_points],
        hints=[list(getattr(point, "hints", ())) for point in question.key_points],
        follow_ups=[
            FollowUpSnapshot(text=f.text, key_points=[str(p) for p in f.key_points])
            for f in question.follow_ups
        ],
        difficulty=question.difficulty,
        time_limit=question.time_limit,
        reason=None if reason is None else Reason(code=reason[0], params=dict(reason[1])),
    )


def differs_from_bank(planned: QuestionSnapshot, question: Question | None) -> bool:
    """Whether the bank's question is gone or no longer the one drawn (text or key points)."""
    if question is None or [str(p) for p in question.key_points] != planned.key_points:
        return True
    if placeholders(question.text):  # drawn with the student's own facts put in
        return False
    return planned.text != question.text
