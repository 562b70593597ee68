"""The session model: what a rehearsal, a mock defense or a live challenge records.

One pydantic model, from which the store's rows (soutenance.store.rows), the JSON export, the
import's validation with located errors and the export's JSON Schema all come. Adding a field is
one edit here plus a migration (soutenance.store.migrations).

A session keeps everything needed to put the student back exactly where they were: the plan
(the questions drawn, as they were drawn), the settings it started with, the current position
and stage, the time already spent on each answer, and the mock defense's phase clocks.
Answers keep a copy of the question's text and key points, so history stays readable when a
bank changes or a question is deleted.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    Strict,
    StringConstraints,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from soutenance.voice.answer import AnswerVoice
from soutenance.voice.storage import reference_for


def new_id() -> str:
    return uuid.uuid4().hex


# -- field types: strict enough for hostile imports ----------------------------------------------

SQLITE_INT_MAX = 2**63 - 1
MAX_SECONDS = 10_000_000.0
"""About four months: no answer, phase or presentation lasts longer."""


def _clean_text(value: str) -> str:
    for char in value:
        code = ord(char)
        if 0xD800 <= code <= 0xDFFF:
            raise ValueError("contains a lone surrogate (not Unicode text)")
        if (code < 0x20 and char not in "\n\t") or 0x7F <= code <= 0x9F:
            raise ValueError(f"contains the control character U+{code:04X}")
    return value


def _text(max_length: int, *, min_length: int = 0) -> Any:
    return Annotated[
        str,
        Strict(),
        StringConstraints(min_length=min_length, max_length=max_length),
        AfterValidator(_clean_text),
    ]


Line = _text(2_000)
"""A short text: a question, a key point, a title."""
Name = Annotated[_text(80, min_length=1), AfterValidator(lambda v: " ".join(v.split()))]
LongText = _text(200_000)
"""Notes and comments: long, any lines, never control characters."""
Id = Annotated[str, Strict(), StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
"""Opaque ids (32 hex digits from this app); never a path separator or '..'."""
Slug = Annotated[str, Strict(), StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,79}$")]
"""Bank identifiers: path, project and question ids."""
Seconds = Annotated[float, Field(ge=0.0, le=MAX_SECONDS, allow_inf_nan=False)]
Count = Annotated[int, Strict(), Field(ge=0, le=SQLITE_INT_MAX)]
Limit = Annotated[int, Strict(), Field(ge=1, le=86_400)]
Index = Annotated[int, Strict(), Field(ge=0, le=999)]
Seed = Annotated[int, Strict(), Field(ge=-SQLITE_INT_MAX, le=SQLITE_INT_MAX)]


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


Moment = Annotated[
    datetime,
    AfterValidator(_utc),
    PlainSerializer(lambda m: _utc(m).isoformat(timespec="microseconds"), return_type=str),
]
"""A timezone-aware instant, kept and written in UTC so that stored texts sort in time order."""


class _Model(BaseModel):
    # Unknown fields are ignored (newer writers may add some); assignment is not re-validated:
    # the running session mutates its own, already valid, objects.
    model_config = ConfigDict(extra="ignore", allow_inf_nan=False, use_enum_values=False)


# -- enums ---------------------------------------------------------------------------------------


class SessionKind(StrEnum):
    REHEARSAL = "rehearsal"
    MOCK = "mock"
    LIVE = "live"


class Stage(StrEnum):
    """Where a session stands; the screens render it, the run (soutenance.session.run) moves it."""

    PREPARING = "preparing"
    """The preparation countdown before an answer."""
    ANSWERING = "answering"
    RATING = "rating"
    """Stopped: the student rates their confidence before seeing any key point."""
    KEY_POINTS = "key_points"
    """Rated: the key points are shown to tick (and the follow-up's, after one)."""
    NOTES = "notes"
    """Writing the reasoning notes (the key points stay visible)."""
    FOLLOW_UP = "follow_up"
    """A follow-up question is being answered and timed."""
    SKIPPED = "skipped"
    """Looking at a question passed earlier: it can be answered now."""
    WAITING = "waiting"
    """Live challenge: no question being asked; the mentor draws or chooses the next one."""
    PRESENTING = "presenting"
    """Mock defense: the timed presentation of the deliverables."""
    DEBRIEFING = "debriefing"
    """Mock defense: out of role, strengths and areas for improvement."""
    ENDED = "ended"

    @property
    def timing(self) -> bool:
        return self in (Stage.PREPARING, Stage.ANSWERING, Stage.FOLLOW_UP)

    @property
    def reveals_key_points(self) -> bool:
        return self in (Stage.KEY_POINTS, Stage.NOTES)


class AnswerStatus(StrEnum):
    PENDING = "pending"
    """Not answered yet (possibly started: see `elapsed`)."""
    ANSWERED = "answered"
    SKIPPED = "skipped"
    """The student passed on it; it can still be answered later in the session."""
    NOT_REACHED = "not_reached"
    """The session ended before this drawn question came up."""


class MockPhase(StrEnum):
    PRESENTATION = "presentation"
    DISCUSSION = "discussion"
    DEBRIEF = "debrief"
    DONE = "done"


MARK_SCALES = ("justification", "clarity", "posture")
"""Mentor marks per answer, each 1..4: 1 not yet, 2 partly, 3 solid, 4 convincing."""

Mark = Annotated[int, Strict(), Field(ge=1, le=4)]
Confidence = Annotated[int, Strict(), Field(ge=1, le=5)]


class Marks(_Model):
    model_config = ConfigDict(extra="forbid")
    justification: Mark | None = None
    clarity: Mark | None = None
    posture: Mark | None = None

    def given(self) -> dict[str, int]:
        return {
            scale: value for scale in MARK_SCALES if (value := getattr(self, scale)) is not None
        }

    @model_serializer(mode="wrap")
    def _only_given(self, handler: Any) -> dict[str, Any]:
        return {scale: value for scale, value in handler(self).items() if value is not None}


# -- what was drawn, and how ---------------------------------------------------------------------


class Reason(_Model):
    """Why a question was drawn: a code rendered in the reader's language, and its figures.

    A bare text (what version 1 stored, already in one language) is kept as the code "legacy"."""

    code: Annotated[str, Strict(), StringConstraints(pattern=r"^[a-z_]{1,40}$")]
    params: dict[_text(40), Line | int | float | None] = {}

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        return {"code": "legacy", "params": {"text": value}} if isinstance(value, str) else value


class FollowUpSnapshot(_Model):
    text: Line
    key_points: list[Line] = []


class QuestionSnapshot(_Model):
    """A question as drawn: the session goes on with it even if the bank changes or disappears."""

    id: Slug
    text: Line
    key_points: list[Line] = []
    hints: list[list[Line]] = []
    """Per key point, the words that show it was covered (empty lists when the bank gives none)."""
    follow_ups: list[FollowUpSnapshot] = []
    difficulty: Annotated[int, Strict(), Field(ge=1, le=3)] = 2
    time_limit: Limit = 90
    reason: Reason | None = None


class RunSettings(_Model):
    """What the session was started with; a resume uses these, never today's defaults."""

    count: Annotated[int, Strict(), Field(ge=0, le=500)] = 5
    difficulties: list[Annotated[int, Strict(), Field(ge=1, le=3)]] = []
    tags: list[Line] = []
    focus: Literal["mix", "weak", "new", "due", "all"] = "mix"
    seed: Seed | None = None
    amber_at: Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)] = 0.25
    amber_floor: Seconds = 15.0
    prep_seconds: Seconds = 0.0
    follow_up_seconds: Limit = 60
    defense_date: date | None = None


class MockState(_Model):
    """The mock defense's timeline: its phase, the seconds spent in each, and the format used."""

    phase: MockPhase = MockPhase.PRESENTATION
    presentation_seconds: Seconds = 0.0
    discussion_seconds: Seconds = 0.0
    debrief_seconds: Seconds = 0.0
    presentation_minutes: Annotated[int, Strict(), Field(ge=1, le=180)] = 15
    presentation_min: Annotated[int, Strict(), Field(ge=1, le=180)] = 10
    presentation_max: Annotated[int, Strict(), Field(ge=1, le=180)] = 20
    discussion_minutes: Annotated[int, Strict(), Field(ge=1, le=180)] = 10
    debrief_minutes: Annotated[int, Strict(), Field(ge=0, le=180)] = 5


# -- who changed what, and when -----------------------------------------------------------------

Editor = Literal["student", "mentor"]


class FieldEdit(_Model):
    """The last change of one field: by whom and when, and how many changes each side had seen.

    The two counters are a version vector: a copy that counts at least as many changes of each
    side as another has seen everything the other saw, so an import can tell a newer version
    (take it) from an older one (keep ours) and from a concurrent one (a conflict)."""

    by: Editor
    at: Moment
    student: Count = 0
    mentor: Count = 0

    def after(self, by: Editor, at: datetime) -> FieldEdit:
        counts = {"student": self.student, "mentor": self.mentor}
        counts[by] += 1
        return FieldEdit(by=by, at=at, **counts)

    def covers(self, other: FieldEdit) -> bool:
        """Whether this version has seen every change `other` has."""
        return self.student >= other.student and self.mentor >= other.mentor


NO_EDIT = FieldEdit(by="student", at=datetime(2000, 1, 1, tzinfo=UTC))
"""What a field that was never edited (or comes from a file of version 1) counts as."""


class Conflict(_Model):
    """The other side's version of a field both sides changed: kept, and shown in the review."""

    field: Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,40}$")]
    value: LongText | list[Index] | Marks | Confidence | bool | None = None
    by: Editor
    at: Moment


class _Edited(_Model):
    """Something whose fields carry who changed them last (`edits`) and the conflicts kept."""

    edits: dict[Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,40}$")], FieldEdit] = {}
    conflicts: list[Conflict] = []

    def edit(self, field: str, value: Any, by: Editor, at: datetime) -> bool:
        """Set `field` as `by` changed it at `at`; False (and no stamp) when it did not change."""
        if getattr(self, field) == value:
            return False
        setattr(self, field, value)
        self.edits[field] = self.edits.get(field, NO_EDIT).after(by, at)
        return True


# -- what was answered ---------------------------------------------------------------------------


class FollowUpAnswer(_Edited):
    text: Line
    key_points: list[Line] = []
    time_limit: Limit = 60
    elapsed: Seconds | None = None
    covered: list[Index] = []
    notes: LongText = ""
    voice: AnswerVoice | None = None
    """The spoken answer: recording, delivery figures, transcript (docs/voice.md)."""
    ad_hoc: bool = False
    id: Id = Field(default_factory=new_id)


class Answer(_Edited):
    question_id: Slug
    question_text: Line
    key_points: list[Line] = []
    time_limit: Limit
    position: Annotated[int, Strict(), Field(ge=0, le=9_999)] = 0
    status: AnswerStatus = AnswerStatus.PENDING
    elapsed: Seconds | None = None
    """Seconds spent answering, accumulated across pauses and resumes (None: never started)."""
    added_seconds: Seconds = 0.0
    """Time the mentor granted on top of the limit during a live challenge."""
    confidence: Confidence | None = None
    covered: list[Index] = []
    notes: LongText = ""
    voice: AnswerVoice | None = None
    """The spoken answer: recording, delivery figures, transcript and suggested key points, kept
    apart from `covered` (the student's own ticks)."""
    follow_ups: list[FollowUpAnswer] = []
    reason: Reason | None = None
    mentor_notes: LongText = ""
    mentor_comment: LongText = ""
    marks: Marks = Field(default_factory=Marks)
    answered_at: Moment | None = None
    revision: Count = 0
    """Raised by each save; a save based on an older revision is refused (a stale window)."""
    id: Id = Field(default_factory=new_id)

    @model_validator(mode="before")
    @classmethod
    def _status_from_version_1(cls, value: Any) -> Any:
        """Without a status (a writer of version 1), it follows from `skipped` and `elapsed`."""
        if isinstance(value, dict) and "status" not in value:
            value = dict(value)
            if value.pop("skipped", False) is True:
                value["status"] = AnswerStatus.SKIPPED
            elif value.get("elapsed") is not None:
                value["status"] = AnswerStatus.ANSWERED
        return value

    @property
    def skipped(self) -> bool:
        return self.status is AnswerStatus.SKIPPED

    @property
    def answered(self) -> bool:
        return self.status is AnswerStatus.ANSWERED

    @property
    def reached(self) -> bool:
        return self.status in (AnswerStatus.ANSWERED, AnswerStatus.SKIPPED)

    @property
    def limit(self) -> float:
        return self.time_limit + self.added_seconds

    @property
    def overtime(self) -> float:
        return max(0.0, (self.elapsed or 0.0) - self.limit) if self.answered else 0.0

    @property
    def coverage(self) -> float | None:
        """Share of key points covered, or None when the question has none or was not answered."""
        if not self.answered or not self.key_points:
            return None
        return len(self.covered_points) / len(self.key_points)

    @property
    def covered_points(self) -> set[int]:
        return {i for i in self.covered if 0 <= i < len(self.key_points)}

    @property
    def missed(self) -> list[str]:
        return [kp for i, kp in enumerate(self.key_points) if i not in self.covered_points]

    @property
    def has_student_work(self) -> bool:
        """Anything the student did here: time spent, a rating, a tick, notes, a follow-up."""
        return bool(
            (self.elapsed or 0.0) > 0
            or self.confidence is not None
            or self.covered
            or self.notes.strip()
            or self.follow_ups
        )


class Objective(_Edited):
    text: Line
    done: bool = False
    id: Id = Field(default_factory=new_id)


class Session(_Edited):
    student: Name
    path_id: Slug
    project_id: Slug
    project_title: Line
    language: Literal["fr", "en"]
    evaluator_role: Line
    started_at: Moment
    kind: SessionKind = SessionKind.REHEARSAL
    ended_at: Moment | None = None
    seed: Seed | None = None
    settings: RunSettings = Field(default_factory=RunSettings)
    plan: list[QuestionSnapshot] = []
    """The questions drawn, in order (a mock defense's are drawn as time allows; a live
    challenge's are the ones the mentor asked)."""
    cursor: Annotated[int, Strict(), Field(ge=0, le=9_999)] = 0
    """The plan index of the current question."""
    stage: Stage = Stage.PREPARING
    paused: bool = False
    follow_up_id: Id | None = None
    """The follow-up being answered or reviewed, if any."""
    mock: MockState | None = None
    answers: list[Answer] = []
    debrief_strengths: LongText = ""
    debrief_improvements: LongText = ""
    objectives: list[Objective] = []
    feedback: LongText = ""
    id: Id = Field(default_factory=new_id)

    @model_validator(mode="after")
    def _own_recordings(self) -> Session:
        """An answer's recording can only be its own: an import never points at another's."""
        for answer in self.answers:
            for item in (answer, *answer.follow_ups):
                recording = item.voice.recording if item.voice is not None else None
                if recording is not None and recording != reference_for(self.id, item.id):
                    raise PydanticCustomError(
                        "foreign_recording",
                        "answer {answer}: voice.recording {recording} is not its recording",
                        {"answer": item.id, "recording": repr(recording)},
                    )
        return self

    @property
    def ended(self) -> bool:
        return self.ended_at is not None

    @property
    def answered(self) -> list[Answer]:
        return [a for a in self.answers if a.answered]

    @property
    def total_time(self) -> float:
        """Seconds spent answering, a question passed after a while included."""
        return sum(a.elapsed or 0.0 for a in self.answers)

    @property
    def presentation_seconds(self) -> float | None:
        return self.mock.presentation_seconds if self.mock is not None else None

    def answer_at(self, position: int) -> Answer | None:
        return next((a for a in self.answers if a.position == position), None)

    @property
    def is_empty(self) -> bool:
        """Nothing worth keeping: no answer, no typed text, no presentation, no objective."""
        return not (
            any(a.has_student_work or a.mentor_notes.strip() or a.mentor_comment.strip() or a.marks.given()
                for a in self.answers)
            or self.debrief_strengths.strip()
            or self.debrief_improvements.strip()
            or self.feedback.strip()
            or self.objectives
            or (self.mock is not None and self.mock.presentation_seconds >= 1.0)
        )  # fmt: skip
