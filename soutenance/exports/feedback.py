"""The evaluator-style feedback: strengths first, then points to improve, each tied to an answer.

Everything is derived from what was observed: key points covered or missed, time against the
limit, the mentor's marks and comments.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from soutenance.exports.labels import (
    clock_time,
    display_date,
    escape_inline,
    fenced,
    labels,
    one_line,
    overtime_text,
)
from soutenance.session.model import Answer, Session


@dataclass
class _Observation:
    strengths: list[str] = field(default_factory=list)
    improvements: list[str] = field(default_factory=list)


def feedback_markdown(session: Session, lang: str = "fr") -> str:
    """Strengths, then points to improve; an answer's mentor comment goes with what it explains."""
    t = labels(lang)
    strengths: list[str] = []
    improvements: list[str] = []
    for number, answer in enumerate(session.answers, start=1):
        seen = _observe(answer, t)
        name = f"**{t['question']} {number}** ({escape_inline(one_line(answer.question_text))})"
        comment = _comment(answer, t)
        if seen.improvements:
            improvements.append(f"- {name}{t['colon']} {'; '.join(seen.improvements)}{comment}")
            comment = ""
        if seen.strengths or comment:
            reasons = "; ".join(seen.strengths) or t["mentor_said"]
            strengths.append(f"- {name}{t['colon']} {reasons}{comment}")
    parts = [
        f"# {t['feedback_title']} — {session.project_title}",
        f"{session.student} · {display_date(session.started_at)}",
        f"## {t['strengths']}",
        "\n".join(strengths) or t["none_yet"],
    ]
    if session.debrief_strengths:
        parts.append(fenced(session.debrief_strengths))
    parts.extend([f"## {t['improve']}", "\n".join(improvements) or t["none_yet"]])
    if session.debrief_improvements:
        parts.append(fenced(session.debrief_improvements))
    return "\n\n".join(parts) + "\n"


def _observe(answer: Answer, t: dict[str, str]) -> _Observation:
    seen = _Observation()
    if answer.skipped:
        seen.improvements.append(t["skipped"])
        return seen
    if not answer.answered:
        seen.improvements.append(t["not_answered"])
        return seen
    _observe_coverage(answer, t, seen)
    limit = clock_time(answer.limit)
    if answer.overtime > 0:
        seen.improvements.append(
            f"{t['over_time']} {overtime_text(answer.overtime)} ({t['limit']} {limit})"
        )
    elif answer.coverage is None or answer.coverage >= 0.5:
        seen.strengths.append(f"{t['within_time']} ({clock_time(answer.elapsed)} / {limit})")
    for scale, value in answer.marks.given().items():
        if value is not None:
            words = f"{t[scale]} {t['mark_' + str(value)]} ({value}/4)"
            (seen.strengths if value >= 3 else seen.improvements).append(words)
    for follow_up in answer.follow_ups:
        missed = [kp for i, kp in enumerate(follow_up.key_points) if i not in follow_up.covered]
        if missed and follow_up.elapsed is not None:
            asked = t["quote"].format(escape_inline(one_line(follow_up.text, 50)))
            seen.improvements.append(
                f"{t['follow_up'].lower()} {asked}, {t['missed'].lower()}{t['colon']} "
                + ", ".join(missed)
            )
    return seen


def _observe_coverage(answer: Answer, t: dict[str, str], seen: _Observation) -> None:
    if answer.coverage is None:
        return
    count = f"{len(answer.key_points) - len(answer.missed)}/{len(answer.key_points)}"
    if answer.coverage == 1:
        seen.strengths.append(f"{t['all_covered']} ({count})")
        return
    if answer.coverage >= 0.75:
        seen.strengths.append(f"{count} {t['most_covered']}")
    seen.improvements.append(f"{t['missed'].lower()}{t['colon']} {', '.join(answer.missed)}")


def _comment(answer: Answer, t: dict[str, str]) -> str:
    if not answer.mentor_comment.strip():
        return ""
    quoted = t["quote"].format(escape_inline(one_line(answer.mentor_comment, 200)))
    return f" — {t['mentor_said']}{t['colon']} {quoted}"
