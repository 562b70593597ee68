"""A Markdown list of questions: top-level items are questions, nested items their key points."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from soutenance.banks.editing import FollowUpDraft, QuestionDraft
from soutenance.banks.importers.common import (
    Imported,
    Parsed,
    Problem,
    _duration,
    comparable,
    parse_difficulty,
    split_tags,
)

_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+]|\d+[.)])[ \t]+(?P<text>.*)$")
_LABEL = re.compile(
    r"^\s*(?:\*\*|__)?(?P<label>[^:*_]{2,30}?)\s*(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(?P<rest>.*)$"
)
_LABELS = {
    "relance": "follow_ups", "relances": "follow_ups", "follow up": "follow_ups", "follow ups": "follow_ups",
    "followup": "follow_ups", "followups": "follow_ups",
    "points cles": "key_points", "point cle": "key_points", "key points": "key_points", "key point": "key_points",
    "tags": "tags", "tag": "tags", "etiquettes": "tags",
    "difficulte": "difficulty", "difficulty": "difficulty", "niveau": "difficulty",
    "temps": "time_limit", "duree": "time_limit", "time": "time_limit", "time limit": "time_limit",
}  # fmt: skip


def _inline(text: str) -> str:
    """Markdown emphasis and checkboxes removed; the words stay."""
    text = re.sub(r"^\[[ xX]\]\s+", "", text.strip())
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text)
    return text.strip()


def _labelled(text: str) -> tuple[str | None, str]:
    match = _LABEL.match(text)
    if match and (kind := _LABELS.get(comparable(match["label"]))):
        return kind, _inline(match["rest"])
    return None, _inline(text)


@dataclass(slots=True)
class _MdQuestion:
    draft: QuestionDraft
    where: str
    problems: list[str] = field(default_factory=list)
    group: str | None = None  # a "Relances :" item whose sub-items are follow-ups
    last: str = "text"  # what a continuation line extends


def parse_markdown(text: str, name: str = "<markdown>") -> Parsed:
    """One top-level `-`, `*` or `1.` item per question; nested items are key points, or follow-ups
    when they start with "Relance:" / "Follow-up:" (also "Tags:", "Difficulté:", "Temps:")."""
    parsed = Parsed("md")
    questions: list[_MdQuestion] = []
    top: int | None = None
    level2: int | None = None
    fenced = False
    previous_blank = True
    for number, raw in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        line = raw.expandtabs(4)
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced:
            continue
        if not line.strip():
            previous_blank = True
            continue
        match = _ITEM.match(line)
        if match is None:
            current = questions[-1] if questions else None
            indented = line[:1].isspace()
            if (
                current is not None
                and (indented or not previous_blank)
                and not line.lstrip().startswith("#")
            ):
                _continue(current, line.strip())
            previous_blank = False
            continue
        previous_blank = False
        indent = len(match["indent"])
        if top is None or indent <= top:
            top, level2 = indent, None
            questions.append(
                _MdQuestion(QuestionDraft(text=_inline(match["text"])), f"{name}:{number}")
            )
            continue
        if not questions:
            continue
        current = questions[-1]
        if level2 is None or indent <= level2:
            level2 = indent
            _nested(current, match["text"])
        else:
            _sub_nested(current, match["text"])
    for question in questions:
        if not question.draft.text:
            parsed.problems.append(Problem(question.where, "empty item: skipped"))
            continue
        parsed.problems += [Problem(question.where, p) for p in question.problems]
        parsed.questions.append(Imported(question.draft, question.where))
    return parsed


def _continue(question: _MdQuestion, text: str) -> None:
    draft = question.draft
    if question.last == "key_points" and draft.key_points:
        draft.key_points[-1] += " " + _inline(text)
    elif question.last == "follow_ups" and draft.follow_ups:
        draft.follow_ups[-1].text += " " + _inline(text)
    else:
        draft.text = f"{draft.text} {_inline(text)}".strip()


def _nested(question: _MdQuestion, text: str) -> None:
    kind, rest = _labelled(text)
    draft = question.draft
    question.group = kind if kind in ("follow_ups", "key_points") and not rest else None
    if question.group:
        return
    if kind == "follow_ups":
        draft.follow_ups.append(FollowUpDraft(rest))
        question.last = "follow_ups"
    elif kind == "tags":
        draft.tags += split_tags(rest)
    elif kind in ("difficulty", "time_limit"):
        try:
            if kind == "difficulty":
                draft.difficulty = parse_difficulty(rest)
            else:
                draft.time_limit = _duration(rest)
        except ValueError as exc:
            question.problems.append(f"{exc}: ignored")
    else:
        draft.key_points.append(rest if kind == "key_points" else _inline(text))
        question.last = "key_points"


def _sub_nested(question: _MdQuestion, text: str) -> None:
    draft, content = question.draft, _inline(text)
    if question.group == "follow_ups":
        draft.follow_ups.append(FollowUpDraft(content))
        question.last = "follow_ups"
    elif question.group == "key_points":
        draft.key_points.append(content)
        question.last = "key_points"
    elif question.last == "follow_ups" and draft.follow_ups:
        draft.follow_ups[-1].key_points.append(content)
    else:
        draft.key_points.append(content)
        question.last = "key_points"
