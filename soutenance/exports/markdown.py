"""A session as Markdown that reads well in an email or a forum post, in its reader's language.

Typed text (notes, comments, debrief) is written as plain paragraphs, line breaks kept and
Markdown characters escaped, never in code fences; the notes template's headings left empty are
dropped. Texts from the banks are escaped the same way.
"""

from __future__ import annotations

from collections.abc import Callable

from soutenance.exports.plain import escape_inline, notes_text, paragraphs
from soutenance.i18n import formats, translator
from soutenance.session.model import Answer, AnswerStatus, FollowUpAnswer, Session
from soutenance.session.reasons import calibration_text, reason_label
from soutenance.session.summary import WorkItem, summarize
from soutenance.voice.answer import AnswerVoice

Tr = Callable[..., str]
WORK_KEYS = {"overtime": "work.overtime", "key_points": "work.coverage", "low_confidence": "work.confidence",
             "skipped": "work.skipped"}  # fmt: skip


def session_to_markdown(
    session: Session, lang: str = "fr", *, include_mentor_notes: bool = False
) -> str:
    """The whole session: header, one section per question, then totals, what to work on,
    calibration, debrief, objectives and feedback. The mentor's private notes only when asked."""
    tr = translator(lang)
    kind = tr(f"md.{session.kind}")
    state = "" if session.ended_at else f" · **{tr('md.unfinished')}**"
    parts = [
        f"# {tr('md.title')} — {escape_inline(session.project_title)} — {formats.moment(session.started_at, lang)}",
        f"**{tr('md.student')}{tr('md.colon')}** {escape_inline(session.student)} · "
        f"**{tr('md.session')}{tr('md.colon')}** {kind}{state}",
        f"**{tr('md.evaluator')}{tr('md.colon')}** {escape_inline(session.evaluator_role)}",
    ]  # fmt: skip
    for number, answer in enumerate(session.answers, start=1):
        parts.extend(_answer_section(answer, number, tr, lang, include_mentor_notes))
    parts.extend(_totals(session, tr, lang))
    return "\n\n".join(parts) + "\n"


def _fact(tr: Tr, label: str, value: str) -> str:
    return f"- **{tr(label)}{tr('md.colon')}** {value}"


def _time_line(elapsed: float | None, limit: float, status: str, tr: Tr) -> str:
    if status in ("skipped", "not_reached"):
        return tr(f"md.{status}")
    if elapsed is None:
        return f"— / {formats.duration(limit)} ({tr('md.not_timed')})"
    line = f"{formats.duration(elapsed)} / {formats.duration(limit)}"
    if elapsed > limit:
        line += f" ({tr('md.over_time')} +{formats.duration(elapsed - limit)})"
    return line


def _key_points(key_points: list[str], covered: list[int], tr: Tr) -> list[str]:
    if not key_points:
        return []
    hit = [kp for i, kp in enumerate(key_points) if i in set(covered)]
    missed = [kp for i, kp in enumerate(key_points) if i not in set(covered)]
    parts = []
    for title, items in ((tr("md.covered"), hit), (tr("md.missed"), missed)):
        if items:
            listing = "\n".join(f"- {escape_inline(kp)}" for kp in items)
            parts.append(f"**{title} ({len(items)}/{len(key_points)})**\n\n{listing}")
    return parts


def _answer_section(
    answer: Answer, number: int, tr: Tr, lang: str, mentor_notes: bool
) -> list[str]:
    facts = [_fact(tr, "md.time", _time_line(answer.elapsed, answer.limit, answer.status, tr))]
    if answer.reason is not None and (why := reason_label(answer.reason, lang)):
        facts.append(_fact(tr, "md.reason", escape_inline(why)))
    if answer.confidence is not None:
        facts.append(_fact(tr, "md.confidence", f"{answer.confidence}/5"))
    if given := answer.marks.given():
        marks = ", ".join(f"{tr('md.' + scale)} {value}/4" for scale, value in given.items())
        facts.append(_fact(tr, "md.marks", marks))
    parts = [f"## {tr('md.question')} {number}", paragraphs(answer.question_text), "\n".join(facts)]
    parts.extend(_key_points(answer.key_points, answer.covered, tr))
    if text := notes_text(answer.notes):
        parts.extend([f"**{tr('md.notes')}{tr('md.colon')}**", text])
    parts.extend(_voice_parts(answer.voice, lang, tr))
    for sub, follow_up in enumerate(answer.follow_ups, start=1):
        parts.extend(_follow_up_section(follow_up, f"{number}.{sub}", tr, lang))
    if answer.mentor_comment.strip():
        parts.extend(
            [f"**{tr('md.mentor_comment')}{tr('md.colon')}**", paragraphs(answer.mentor_comment)]
        )
    if mentor_notes and answer.mentor_notes.strip():
        parts.extend(
            [f"**{tr('md.mentor_notes')}{tr('md.colon')}**", paragraphs(answer.mentor_notes)]
        )
    return parts


def _follow_up_section(follow_up: FollowUpAnswer, label: str, tr: Tr, lang: str) -> list[str]:
    title = f"### {tr('md.follow_up')} {label}"
    if follow_up.ad_hoc:
        title += f" ({tr('md.ad_hoc')})"
    time_line = _time_line(follow_up.elapsed, follow_up.time_limit, "answered", tr)
    parts = [title, paragraphs(follow_up.text), _fact(tr, "md.time", time_line)]
    parts.extend(_key_points(follow_up.key_points, follow_up.covered, tr))
    if text := notes_text(follow_up.notes):
        parts.extend([f"**{tr('md.notes')}{tr('md.colon')}**", text])
    parts.extend(_voice_parts(follow_up.voice, lang, tr))
    return parts


def _voice_parts(voice: AnswerVoice | None, lang: str, tr: Tr) -> list[str]:
    """How the answer was said (figures), and the transcript as it was recognised."""
    if voice is None:
        return []
    from soutenance.voice.labels import figure_lines, say  # babel: only when there is a voice

    c = tr("md.colon")
    parts = []
    if lines := figure_lines(voice, lang):
        listing = "\n".join(f"- {escape_inline(line)}" for line in lines)
        parts.extend([f"**{say('voice.markdown.delivery', lang)}{c}**", listing])
    if voice.transcript is not None and voice.transcript.text.strip():
        title = say("voice.markdown.transcript", lang)
        engine = escape_inline(voice.transcript.engine)
        parts.extend([f"**{title}{c}** ({engine})", paragraphs(voice.transcript.text)])
    return parts


def _work_item(item: WorkItem, tr: Tr) -> str:
    reasons = ", ".join(tr(WORK_KEYS.get(r.code, r.code), **r.params) for r in item.reasons)
    return f"- {tr('md.question')} {item.position + 1} — {escape_inline(item.question_text)} ({reasons})"


def _totals(session: Session, tr: Tr, lang: str) -> list[str]:
    summary = summarize(session)
    totals = summary.totals
    answers = session.answers
    answered = f"{totals.answered} / {len(answers)}"
    for count, label in ((totals.skipped, "md.skipped"), (totals.not_reached, "md.not_reached")):
        if count:
            answered += f" ({count} {tr(label)})"
    overtime = [a for a in answers if a.overtime > 0]
    points = sum(len(a.key_points) for a in answers if a.status is AnswerStatus.ANSWERED)
    hit = sum(len(a.covered_points) for a in answers if a.status is AnswerStatus.ANSWERED)
    lines = [
        _fact(tr, "md.answered", answered),
        _fact(tr, "md.total_time", formats.duration(session.total_time)),
        _fact(tr, "md.overtime", f"{len(overtime)} {tr('md.questions')}")
        + (f" (+{formats.duration(sum(a.overtime for a in overtime))})" if overtime else ""),
    ]
    if points:
        lines.append(
            _fact(tr, "md.key_points", f"{hit} / {points} ({formats.percent(hit / points, lang)})")
        )
    if session.presentation_seconds is not None:
        lines.append(_fact(tr, "md.presentation", formats.duration(session.presentation_seconds)))
    parts = [f"## {tr('md.totals')}", "\n".join(lines)]
    if summary.to_work_on:
        parts.extend(
            [
                f"## {tr('md.to_work_on')}",
                "\n".join(_work_item(item, tr) for item in summary.to_work_on),
            ]
        )
    if summary.calibration.verdict != "not_enough":
        parts.extend(
            [
                f"## {tr('md.calibration')}",
                escape_inline(calibration_text(summary.calibration, lang)),
            ]
        )
    debrief = [(tr("md.debrief_strengths"), session.debrief_strengths),
               (tr("md.debrief_improvements"), session.debrief_improvements)]  # fmt: skip
    if any(text.strip() for _, text in debrief):
        parts.append(f"## {tr('md.debrief')}")
        for title, text in debrief:
            if text.strip():
                parts.extend([f"**{title}{tr('md.colon')}**", paragraphs(text)])
    if session.objectives:
        listing = "\n".join(
            f"- [{'x' if o.done else ' '}] {escape_inline(o.text)}" for o in session.objectives
        )
        parts.extend([f"## {tr('md.objectives')}", listing])
    if session.feedback.strip():
        parts.extend([f"## {tr('md.feedback')}", paragraphs(session.feedback)])
    return parts
