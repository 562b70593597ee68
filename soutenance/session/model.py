"""The session model: what a rehearsal, a mock defense or a live challenge records.

Answers keep a copy of the question's text and key points, so history stays readable when a
bank changes or a question is deleted.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


def new_id() -> str:
    return uuid.uuid4().hex


class SessionKind(StrEnum):
    REHEARSAL = "rehearsal"
    MOCK = "mock"
    LIVE = "live"


MARK_SCALES = ("justification", "clarity", "posture")
"""Mentor marks per answer, each 1..4: 1 not yet, 2 partly, 3 solid, 4 convincing."""


@dataclass
class FollowUpAnswer:
    text: str
    key_points: list[str] = field(default_factory=list)
    time_limit: int = 60
    elapsed: float | None = None
    covered: list[int] = field(default_factory=list)
    notes: str = ""
    ad_hoc: bool = False
    id: str = field(default_factory=new_id)


@dataclass
class Answer:
    question_id: str
    question_text: str
    key_points: list[str]
    time_limit: int
    position: int = 0
    elapsed: float | None = None
    skipped: bool = False
    confidence: int | None = None
    covered: list[int] = field(default_factory=list)
    notes: str = ""
    follow_ups: list[FollowUpAnswer] = field(default_factory=list)
    reason: str = ""
    mentor_notes: str = ""
    mentor_comment: str = ""
    marks: dict[str, int] = field(default_factory=dict)
    answered_at: datetime | None = None
    id: str = field(default_factory=new_id)

    @property
    def overtime(self) -> float:
        return max(0.0, (self.elapsed or 0.0) - self.time_limit)

    @property
    def coverage(self) -> float | None:
        """Share of key points covered, or None when the question has none or was skipped."""
        if self.skipped or not self.key_points:
            return None
        return len(set(self.covered)) / len(self.key_points)

    @property
    def missed(self) -> list[str]:
        return [kp for i, kp in enumerate(self.key_points) if i not in set(self.covered)]


@dataclass
class Objective:
    text: str
    done: bool = False
    id: str = field(default_factory=new_id)


@dataclass
class Session:
    student: str
    path_id: str
    project_id: str
    project_title: str
    language: str
    evaluator_role: str
    started_at: datetime
    kind: SessionKind = SessionKind.REHEARSAL
    ended_at: datetime | None = None
    answers: list[Answer] = field(default_factory=list)
    seed: int | None = None
    presentation_seconds: float | None = None
    debrief_strengths: str = ""
    debrief_improvements: str = ""
    objectives: list[Objective] = field(default_factory=list)
    feedback: str = ""
    id: str = field(default_factory=new_id)

    @property
    def answered(self) -> list[Answer]:
        return [a for a in self.answers if not a.skipped and a.elapsed is not None]

    @property
    def total_time(self) -> float:
        return sum(a.elapsed or 0.0 for a in self.answers)
