"""A session as Markdown that reads well in an email or a forum post.

Text people typed (notes, comments, debrief) goes in code fences, shown exactly as typed;
texts from the banks (questions, key points) are written as they are.
"""

from __future__ import annotations

from soutenance.exports.labels import (
    clock_time,
    display_date,
    escape_inline,
    fenced,
    labels,
    overtime_text,
)
from soutenance.session.model import Answer, FollowUpAnswer, Session
from soutenance.session.reasons import reason_label
from soutenance.voice.answer import AnswerVoice


def session_to_markdown(
    session: Session, lang: str = "fr", *, include_mentor_notes: bool = False
) -> str:
    """The whole session: header, one section per question, then totals, debrief, objectives.

    The mentor's private notes are left out unless asked for; comments and marks are shown.
    """
    t = labels(lang)
    parts = [
        f"# {t['title']} — {session.project_title} — {display_date(session.started_at)}",
        f"**{t['student']}{_colon(lang)}** {session.student} · "
        f"**{t['session']}{_colon(lang)}** {t[str(session.kind)]}",
        f"**{t['evaluator']}{_colon(lang)}** {session.evaluator_role}",
    ]  # fmt: skip
    for number, answer in enumerate(session.answers, start=1):
        parts.extend(_answer_section(answer, number, t, lang, include_mentor_notes))
    parts.extend(_totals(session, t, lang))
    return "\n\n".join(parts) + "\n"


def _colon(lang: str) -> str:
    return labels(lang)["colon"]


def _time_line(elapsed: float | None, limit: float, status: str, t: dict[str, str]) -> str:
    if status in ("skipped", "not_reached"):
        return t[status]
    if elapsed is None:
        return f"— / {clock_time(limit)} ({t['not_timed']})"
    line = f"{clock_time(elapsed)} / {clock_time(limit)}"
    if elapsed > limit:
        line += f" ({overtime_text(elapsed - limit)})"
    return line


def _key_points(key_points: list[str], covered: list[int], t: dict[str, str]) -> list[str]:
    if not key_points:
        return []
    hit = [kp for i, kp in enumerate(key_points) if i in set(covered)]
    missed = [kp for i, kp in enumerate(key_points) if i not in set(covered)]
    parts = []
    for title, items in ((t["covered"], hit), (t["missed"], missed)):
        if items:
            listing = "\n".join(f"- {kp}" for kp in items)
            parts.append(f"**{title} ({len(items)}/{len(key_points)})**\n\n{listing}")
    return parts


def _answer_section(
    answer: Answer, number: int, t: dict[str, str], lang: str, mentor_notes: bool
) -> list[str]:
    c = _colon(lang)
    facts = [
        f"- **{t['time']}{c}** {_time_line(answer.elapsed, answer.limit, answer.status, t)}"
    ]
    if answer.reason is not None and (why := reason_label(answer.reason)):
        facts.append(f"- **{t['reason']}{c}** {escape_inline(why)}")
    if answer.confidence is not None:
        facts.append(f"- **{t['confidence']}{c}** {answer.confidence}")
    if given := answer.marks.given():
        marks = ", ".join(
            f"{t[scale]} {value}/4 ({t['mark_' + str(value)]})" for scale, value in given.items()
        )
        facts.append(f"- **{t['marks']}{c}** {marks}")
    parts = [f"## {t['question']} {number}", answer.question_text.strip(), "\n".join(facts)]
    parts.extend(_key_points(answer.key_points, answer.covered, t))
    if answer.notes:
        parts.extend([f"**{t['notes']}{c}**", fenced(answer.notes)])
    parts.extend(_voice_parts(answer.voice, lang))
    for sub, follow_up in enumerate(answer.follow_ups, start=1):
        parts.extend(_follow_up_section(follow_up, f"{number}.{sub}", t, lang))
    if answer.mentor_comment:
        parts.extend([f"**{t['mentor_comment']}{c}**", fenced(answer.mentor_comment)])
    if mentor_notes and answer.mentor_notes:
        parts.extend([f"**{t['mentor_notes']}{c}**", fenced(answer.mentor_notes)])
    return parts


def _follow_up_section(
    follow_up: FollowUpAnswer, label: str, t: dict[str, str], lang: str
) -> list[str]:
    c = _colon(lang)
    title = f"### {t['follow_up']} {label}"
    if follow_up.ad_hoc:
        title += f" ({t['ad_hoc']})"
    time_line = _time_line(follow_up.elapsed, follow_up.time_limit, "answered", t)
    parts = [title, follow_up.text.strip(), f"- **{t['time']}{c}** {time_line}"]
    parts.extend(_key_points(follow_up.key_points, follow_up.covered, t))
    if follow_up.notes:
        parts.extend([f"**{t['notes']}{c}**", fenced(follow_up.notes)])
    parts.extend(_voice_parts(follow_up.voice, lang))
    return parts


def _voice_parts(voice: AnswerVoice | None, lang: str) -> list[str]:
    """How the answer was said (figures), and the transcript as it was recognised."""
    if voice is None:
        return []
    from soutenance.voice.labels import figure_lines, say  # babel: only when there is a voice

    c = _colon(lang)
    parts = []
    if lines := figure_lines(voice, lang):
        listing = "\n".join(f"- {escape_inline(line)}" for line in lines)
        parts.extend([f"**{say('voice.markdown.delivery', lang)}{c}**", listing])
    if voice.transcript is not None and voice.transcript.text.strip():
        title = say("voice.markdown.transcript", lang)
        engine = escape_inline(voice.transcript.engine)
        parts.extend([f"**{title}{c}** ({engine})", fenced(voice.transcript.text)])
    return parts


def _totals(session: Session, t: dict[str, str], lang: str) -> list[str]:
    c = _colon(lang)
    answers = session.answers
    skipped = sum(1 for a in answers if a.skipped)
    not_reached = sum(1 for a in answers if a.status == "not_reached")
    answered = f"{len(session.answered)} / {len(answers)}"
    if skipped:
        answered += f" ({skipped} {t['skipped']})"
    if not_reached:
        answered += f" ({not_reached} {t['not_reached']})"
    overtime = [a for a in answers if a.overtime > 0]
    points = sum(len(a.key_points) for a in answers if not a.skipped)
    hit = sum(
        len({i for i in a.covered if 0 <= i < len(a.key_points)}) for a in answers if not a.skipped
    )
    lines = [
        f"- **{t['answered']}{c}** {answered}",
        f"- **{t['total_time']}{c}** {clock_time(session.total_time)}",
        f"- **{t['overtime']}{c}** {len(overtime)} {t['questions']}"
        + (f" ({overtime_text(sum(a.overtime for a in overtime))})" if overtime else ""),
    ]
    if points:
        lines.append(f"- **{t['key_points']}{c}** {hit} / {points} ({round(100 * hit / points)} %)")
    if session.presentation_seconds is not None:
        lines.append(f"- **{t['presentation']}{c}** {clock_time(session.presentation_seconds)}")
    parts = [f"## {t['totals']}", "\n".join(lines)]
    if session.debrief_strengths or session.debrief_improvements:
        parts.append(f"## {t['debrief']}")
        for key, text in (
            ("debrief_strengths", session.debrief_strengths),
            ("debrief_improvements", session.debrief_improvements),
        ):
            if text:
                parts.extend([f"**{t[key]}{c}**", fenced(text)])
    if session.objectives:
        listing = "\n".join(
            f"- [{'x' if o.done else ' '}] {escape_inline(o.text)}" for o in session.objectives
        )
        parts.extend([f"## {t['objectives']}", listing])
    if session.feedback:
        parts.extend([f"## {t['feedback']}", fenced(session.feedback)])
    return parts
