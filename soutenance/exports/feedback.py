"""The evaluator-style feedback, in the student's language: strengths first, then points to improve,
each tied to an answer and quoting its whole question, then next week's objectives.

Everything is derived from what was observed (key points covered or missed — as the mentor heard
them when they re-ticked —, time against the limit, the mentor's marks and comments); typed text
is written as plain paragraphs, never in code fences.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from soutenance.exports.plain import escape_inline, paragraphs
from soutenance.i18n import formats, translator
from soutenance.session.model import Answer, Session

Tr = Callable[..., str]


@dataclass
class _Observation:
    strengths: list[str] = field(default_factory=list)
    improvements: list[str] = field(default_factory=list)


def feedback_markdown(session: Session, lang: str = "fr") -> str:
    """Strengths, then points to improve, then the objectives; an answer's mentor comment goes
    with what it explains. `lang` is the student's language."""
    tr = translator(lang)
    strengths: list[str] = []
    improvements: list[str] = []
    for number, answer in enumerate(session.answers, start=1):
        seen = _observe(answer, tr)
        name = f"**{tr('md.question')} {number}** — {tr('md.quote').format(escape_inline(answer.question_text))}"
        comment = _comment(answer, tr)
        if seen.improvements:
            improvements.append(f"- {name}{tr('md.colon')} {'; '.join(seen.improvements)}{comment}")
            comment = ""
        if seen.strengths or comment:
            reasons = "; ".join(seen.strengths) or tr("md.mentor_said")
            strengths.append(f"- {name}{tr('md.colon')} {reasons}{comment}")
    parts = [
        f"# {tr('md.feedback_title')} — {escape_inline(session.project_title)}",
        f"{escape_inline(session.student)} · {formats.day(session.started_at, lang)}",
        f"## {tr('md.strengths')}",
        "\n".join(strengths) or tr("md.none_yet"),
    ]
    if session.debrief_strengths.strip():
        parts.append(paragraphs(session.debrief_strengths))
    parts.extend([f"## {tr('md.improve')}", "\n".join(improvements) or tr("md.none_yet")])
    if session.debrief_improvements.strip():
        parts.append(paragraphs(session.debrief_improvements))
    if session.feedback.strip():
        parts.extend([f"## {tr('md.feedback')}", paragraphs(session.feedback)])
    if session.objectives:
        listing = "\n".join(
            f"- [{'x' if o.done else ' '}] {escape_inline(o.text)}" for o in session.objectives
        )
        parts.extend([f"## {tr('md.next_objectives')}", listing])
    if any(answer.marks.given() for answer in session.answers):
        parts.append(f"_{tr('md.marks_legend')}_")
    return "\n\n".join(parts) + "\n"


def _observe(answer: Answer, tr: Tr) -> _Observation:
    seen = _Observation()
    if answer.skipped:
        seen.improvements.append(tr("md.skipped"))
        return seen
    if not answer.answered or answer.elapsed is None:
        seen.improvements.append(tr("md.not_answered"))
        return seen
    _observe_coverage(answer, tr, seen)
    limit = formats.duration(answer.limit)
    if answer.overtime > 0:
        seen.improvements.append(
            f"{tr('md.over_time')} +{formats.duration(answer.overtime)} ({tr('md.limit')} {limit})"
        )
    elif answer.coverage is None or answer.coverage >= 0.5:
        seen.strengths.append(
            f"{tr('md.within_time')} ({formats.duration(answer.elapsed)} / {limit})"
        )
    for scale, value in answer.marks.given().items():
        words = f"{tr('md.' + scale)} {value}/4"
        (seen.strengths if value >= 3 else seen.improvements).append(words)
    for follow_up in answer.follow_ups:
        missed = [kp for i, kp in enumerate(follow_up.key_points) if i not in follow_up.covered]
        if missed and follow_up.elapsed is not None:
            asked = tr("md.quote").format(escape_inline(follow_up.text))
            points = ", ".join(escape_inline(kp) for kp in missed)
            seen.improvements.append(
                f"{tr('md.follow_up').lower()} {asked}, {tr('md.missed').lower()}{tr('md.colon')} {points}"
            )
    return seen


def _observe_coverage(answer: Answer, tr: Tr, seen: _Observation) -> None:
    if answer.coverage is None:
        return
    count = f"{len(answer.covered_points)}/{len(answer.key_points)}"
    if answer.coverage == 1:
        seen.strengths.append(f"{tr('md.all_covered')} ({count})")
        return
    if answer.coverage >= 0.75:
        seen.strengths.append(f"{count} {tr('md.most_covered')}")
    missed = ", ".join(escape_inline(kp) for kp in answer.missed)
    seen.improvements.append(f"{tr('md.missed').lower()}{tr('md.colon')} {missed}")


def _comment(answer: Answer, tr: Tr) -> str:
    if not answer.mentor_comment.strip():
        return ""
    text = " ".join(answer.mentor_comment.split())
    return f" — {tr('md.mentor_said')}{tr('md.colon')} {tr('md.quote').format(escape_inline(text))}"
