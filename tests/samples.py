"""Deterministic sample sessions, for tests, snapshots and the store benchmark (not shipped)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from soutenance.session.model import (
    MARK_SCALES,
    Answer,
    AnswerStatus,
    FollowUpAnswer,
    Marks,
    MockState,
    Objective,
    QuestionSnapshot,
    Session,
    SessionKind,
    Stage,
)

SAMPLE_QUESTIONS = (
    (
        "traffic-drop-cause",
        "Organic traffic fell by almost a third after the move to the new platform. "
        "What makes you sure the migration is to blame?",
        ["Timeline of the drop", "Algorithm updates", "Seasonality check", "Redirect evidence"],
    ),
    (
        "budget-split",
        "Why spend 60 % of the budget on search ads rather than social?",
        ["Intent of the audience", "Cost per acquisition", "Test budget kept aside"],
    ),
    (
        "kpi-choice",
        "Which three indicators will you report every week, and why those?",
        ["Link to the business goal", "Leading and lagging indicators", "Data source named"],
    ),
    (
        "risk",
        "What is the biggest risk of your plan?",
        ["Named risk", "Likelihood and impact", "Mitigation", "Owner"],
    ),
    (
        "persona",
        "Who exactly is your persona, and how did you check it?",
        ["Research method", "Sample size", "Limits acknowledged"],
    ),
)


def sample_session(
    student: str = "Alice Martin",
    *,
    seed: int = 1,
    started_at: datetime | None = None,
    kind: SessionKind = SessionKind.REHEARSAL,
    questions: int = 4,
    objectives: int = 0,
    reviewed: bool = False,
    ended: bool = True,
) -> Session:
    """A plausible finished session; `reviewed` adds mentor comments and marks."""
    rng = random.Random(f"{student}:{seed}")
    start = started_at or datetime(2026, 11, 2, 18, 0, tzinfo=UTC)
    session = Session(
        student=student,
        path_id="digital-marketer",
        project_id="seo-audit",
        project_title="Audit a website's SEO and build a six-month content plan",
        language="en",
        evaluator_role="The founder of the online tea shop",
        started_at=start,
        kind=kind,
        seed=seed,
        mock=MockState(presentation_seconds=round(rng.uniform(600, 900), 1), phase="done")
        if kind is SessionKind.MOCK
        else None,
        stage=Stage.ENDED if ended else Stage.KEY_POINTS,
        id=_uid(rng),
    )
    moment = start
    for position in range(questions):
        question_id, text, key_points = SAMPLE_QUESTIONS[position % len(SAMPLE_QUESTIONS)]
        elapsed = round(rng.uniform(40, 150), 1)
        moment += timedelta(seconds=elapsed + 20)
        answer = Answer(
            question_id=question_id,
            question_text=text,
            key_points=list(key_points),
            time_limit=120,
            position=position,
            status=AnswerStatus.ANSWERED,
            elapsed=elapsed,
            confidence=rng.randint(1, 4),
            covered=sorted(rng.sample(range(len(key_points)), rng.randint(0, len(key_points)))),
            notes=f"Point {position + 1}: *draft* [bold]#{seed}[/bold]\n  - second line",
            answered_at=moment,
            id=_uid(rng),
        )
        if position == 0:
            answer.follow_ups.append(
                FollowUpAnswer(
                    text="If every redirect was correct, where would you look next?",
                    key_points=["Server logs", "Internal links"],
                    elapsed=round(rng.uniform(20, 70), 1),
                    covered=[0],
                    notes="logs first",
                    id=_uid(rng),
                )
            )
        if reviewed:
            answer.mentor_comment = f"Good structure on question {position + 1}; cite figures."
            answer.mentor_notes = "Hesitated at the start."
            answer.marks = Marks(**{scale: rng.randint(1, 4) for scale in MARK_SCALES})
        session.answers.append(answer)
        session.plan.append(
            QuestionSnapshot(id=question_id, text=text, key_points=list(key_points), time_limit=120)
        )
    session.objectives = [
        Objective(text=f"Objective {n + 1} for {student}", id=_uid(rng)) for n in range(objectives)
    ]
    if ended:
        session.ended_at = moment + timedelta(minutes=5)
    return session


def _uid(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"
