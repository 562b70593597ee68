"""Words for the Markdown exports, in French and English, and the small formatters they share."""

from __future__ import annotations

import re
from datetime import datetime

from soutenance.banks.model import format_duration

LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Soutenance",
        "colon": " :",
        "quote": "« {} »",
        "feedback_title": "Retour",
        "student": "Étudiant·e",
        "session": "Séance",
        "evaluator": "Jury",
        "question": "Question",
        "follow_up": "Relance",
        "ad_hoc": "posée sur le moment",
        "time": "Temps",
        "not_timed": "non chronométrée",
        "skipped": "passée",
        "not_reached": "pas atteinte",
        "reason": "Raison",
        "confidence": "Confiance",
        "covered": "Points clés couverts",
        "missed": "Points clés manqués",
        "notes": "Notes",
        "mentor_comment": "Commentaire du mentor",
        "mentor_notes": "Notes du mentor",
        "marks": "Appréciations",
        "totals": "Totaux",
        "answered": "Questions répondues",
        "total_time": "Temps total",
        "overtime": "Hors temps",
        "questions": "question(s)",
        "key_points": "Points clés couverts",
        "presentation": "Présentation",
        "debrief": "Bilan",
        "debrief_strengths": "Ce qui a marché",
        "debrief_improvements": "À retravailler",
        "objectives": "Objectifs",
        "feedback": "Retour",
        "strengths": "Points forts",
        "improve": "Points à améliorer",
        "all_covered": "tous les points clés couverts",
        "most_covered": "points clés couverts",
        "within_time": "dans le temps",
        "over_time": "dépassement",
        "limit": "limite",
        "not_answered": "pas de réponse",
        "mentor_said": "le mentor",
        "none_yet": "Rien de net à relever ici pour l'instant.",
        "rehearsal": "répétition",
        "mock": "soutenance blanche",
        "live": "défi en direct",
        "justification": "justification",
        "clarity": "clarté",
        "posture": "posture",
        "mark_1": "pas encore",
        "mark_2": "en partie",
        "mark_3": "solide",
        "mark_4": "convaincant",
    },
    "en": {
        "title": "Defense",
        "colon": ":",
        "quote": "“{}”",
        "feedback_title": "Feedback",
        "student": "Student",
        "session": "Session",
        "evaluator": "Evaluator",
        "question": "Question",
        "follow_up": "Follow-up",
        "ad_hoc": "asked on the spot",
        "time": "Time",
        "not_timed": "not timed",
        "skipped": "skipped",
        "not_reached": "not reached",
        "reason": "Reason",
        "confidence": "Confidence",
        "covered": "Key points covered",
        "missed": "Key points missed",
        "notes": "Notes",
        "mentor_comment": "Mentor's comment",
        "mentor_notes": "Mentor's notes",
        "marks": "Marks",
        "totals": "Totals",
        "answered": "Questions answered",
        "total_time": "Total time",
        "overtime": "Over time",
        "questions": "question(s)",
        "key_points": "Key points covered",
        "presentation": "Presentation",
        "debrief": "Debrief",
        "debrief_strengths": "What went well",
        "debrief_improvements": "What to work on",
        "objectives": "Objectives",
        "feedback": "Feedback",
        "strengths": "Strengths",
        "improve": "Points to improve",
        "all_covered": "all key points covered",
        "most_covered": "key points covered",
        "within_time": "within time",
        "over_time": "over time",
        "limit": "limit",
        "not_answered": "no answer",
        "mentor_said": "mentor",
        "none_yet": "Nothing clear to report here yet.",
        "rehearsal": "rehearsal",
        "mock": "mock defense",
        "live": "live challenge",
        "justification": "justification",
        "clarity": "clarity",
        "posture": "posture",
        "mark_1": "not yet",
        "mark_2": "partly",
        "mark_3": "solid",
        "mark_4": "convincing",
    },
}


def labels(lang: str) -> dict[str, str]:
    if lang not in LABELS:
        raise ValueError(f"lang must be one of {tuple(LABELS)}, got {lang!r}")
    return LABELS[lang]


def clock_time(seconds: float) -> str:
    """Seconds as m:ss, e.g. 102.9 -> "1:42": the one rule of every screen and export."""
    return format_duration(seconds)


def overtime_text(seconds: float) -> str:
    return f"+{clock_time(seconds)}"


def display_date(moment: datetime) -> str:
    """Date and minute, in the exporting machine's time zone when the moment is aware."""
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")


def fenced(text: str) -> str:
    """A code fence longer than any backtick run inside, so typed text shows exactly as typed."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = text if text.endswith("\n") else text + "\n"
    return f"{fence}\n{body}{fence}"


def one_line(text: str, limit: int = 70) -> str:
    """Whitespace collapsed, shortened with an ellipsis: to name a question in a sentence."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>#|])")


def escape_inline(text: str) -> str:
    """Backslash-escape Markdown markup in a short typed text shown inline (objectives)."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", " ".join(text.split()))
