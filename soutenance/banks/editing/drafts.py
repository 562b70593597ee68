"""A question as a mentor typed it (`QuestionDraft`), not validated yet, and the id it gets.

A draft is what the form and the CLI build; `cleaned()` normalizes it, `to_data()` gives the
mapping the model validates, and `new_question_id` derives a stable id from its words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from soutenance.banks.model import FollowUp, Question, parse_duration, slugify

FIELDS = ("id", "text", "key_points", "follow_ups", "difficulty", "time_limit", "tags")
DEFAULT_DIFFICULTY = 2
DEFAULT_TIME_LIMIT = 90
_IDENTIFIER = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(slots=True)
class FollowUpDraft:
    text: str
    key_points: list[str] = field(default_factory=list)


@dataclass(slots=True)
class QuestionDraft:
    """A question as a mentor typed it: not validated yet. None means "the default" (or "unchanged")."""

    text: str
    key_points: list[str] = field(default_factory=list)
    follow_ups: list[FollowUpDraft] = field(default_factory=list)
    difficulty: int | str | None = None
    time_limit: int | str | None = None
    tags: list[str] = field(default_factory=list)
    id: str | None = None
    text_generic: str | None = None  # kept so a question with {facts} still validates when edited

    @classmethod
    def from_question(cls, question: Question) -> QuestionDraft:
        return cls(
            text=question.text,
            key_points=list(question.key_points),
            follow_ups=[FollowUpDraft(f.text, list(f.key_points)) for f in question.follow_ups],
            difficulty=question.difficulty,
            time_limit=question.time_limit,
            tags=list(question.tags),
            id=question.id,
            text_generic=question.text_generic,
        )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> QuestionDraft:
        """A draft from JSON-like data with the bank's keys; raises ValueError on unknown keys or shapes."""
        if not isinstance(data, Mapping):
            raise ValueError("a question is an object with at least a `text`")
        unknown = sorted(set(data) - set(FIELDS))
        if unknown:
            raise ValueError(f"unknown key `{unknown[0]}` (known keys: {', '.join(FIELDS)})")
        text = data.get("text")
        if not isinstance(text, str):
            raise ValueError("`text` is required and must be text")
        follow_ups = []
        for item in _list_of(data, "follow_ups", (str, Mapping)):
            if isinstance(item, str):
                follow_ups.append(FollowUpDraft(item))
            else:
                extra = sorted(set(item) - {"text", "key_points"})
                if extra or not isinstance(item.get("text"), str):
                    raise ValueError("a follow-up is text, or an object with `text` and `key_points`")
                follow_ups.append(FollowUpDraft(item["text"], [str(k) for k in _list_of(item, "key_points", (str,))]))
        qid = data.get("id")
        return cls(
            text=text,
            key_points=[str(k) for k in _list_of(data, "key_points", (str,))],
            follow_ups=follow_ups,
            difficulty=_scalar(data, "difficulty"),
            time_limit=_scalar(data, "time_limit"),
            tags=[str(k) for k in _list_of(data, "tags", (str,))],
            id=str(qid) if qid is not None else None,
        )

    def cleaned(self) -> QuestionDraft:
        """Whitespace stripped, empty lines dropped, tags without repeats."""
        tags = list(dict.fromkeys(t.strip() for t in self.tags if t.strip()))
        difficulty, time_limit = self.difficulty, self.time_limit
        if isinstance(difficulty, str):
            difficulty = difficulty.strip() or None
        if isinstance(time_limit, str):
            time_limit = time_limit.strip() or None
        return QuestionDraft(
            text=self.text.strip(),
            key_points=[k.strip() for k in self.key_points if k.strip()],
            follow_ups=[
                FollowUpDraft(f.text.strip(), [k.strip() for k in f.key_points if k.strip()])
                for f in self.follow_ups
                if f.text.strip()
            ],
            difficulty=difficulty,
            time_limit=time_limit,
            tags=tags,
            id=(self.id or "").strip() or None,
            text_generic=self.text_generic,
        )

    def to_data(self, question_id: str) -> dict[str, Any]:
        """The mapping the model validates (defaults filled in)."""
        return {
            "id": question_id,
            "text": self.text,
            "key_points": list(self.key_points),
            "follow_ups": [{"text": f.text, "key_points": list(f.key_points)} for f in self.follow_ups],
            "difficulty": DEFAULT_DIFFICULTY if self.difficulty is None else self.difficulty,
            "time_limit": DEFAULT_TIME_LIMIT if self.time_limit is None else self.time_limit,
            "tags": list(self.tags),
            **({"text_generic": self.text_generic} if self.text_generic is not None else {}),
        }


def _list_of(data: Mapping[str, Any], key: str, kinds: tuple[type, ...]) -> list[Any]:
    value = data.get(key)
    if value is None:
        return []
    if isinstance(value, str) and str in kinds:
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, (*kinds, int, float)) for v in value):
        raise ValueError(f"`{key}` must be a list of text")
    return value


def _scalar(data: Mapping[str, Any], key: str) -> int | str | None:
    value = data.get(key)
    if value is None or (isinstance(value, int | str) and not isinstance(value, bool)):
        return value
    raise ValueError(f"`{key}` must be a number or text")


def follow_ups_from_lines(lines: Iterable[str], previous: Sequence[FollowUp | FollowUpDraft] = ()) -> list[FollowUpDraft]:
    """Follow-ups typed one per line; a line equal to an existing follow-up keeps its key points."""
    known = {f.text: list(f.key_points) for f in previous}
    return [FollowUpDraft(line.strip(), list(known.get(line.strip(), []))) for line in lines if line.strip()]


def _with_defaults(draft: QuestionDraft, old: Question, question_id: str) -> QuestionDraft:
    """The draft with unset values taken from the question it edits, normalized like the model."""
    return QuestionDraft(
        text=draft.text,
        key_points=list(draft.key_points),
        follow_ups=list(draft.follow_ups),
        difficulty=old.difficulty if draft.difficulty is None else int(draft.difficulty),
        time_limit=old.time_limit if draft.time_limit is None else parse_duration(draft.time_limit),
        tags=list(draft.tags),
        id=question_id,
    )


_STOPWORD_TEXT = """
    le la les un une des du de au aux et ou en dans sur sous pour par avec sans que qui quoi quel quelle
    quels quelles est sont etes etait sera vous votre vos nous notre nos ils elles elle il on ce cet cette
    ces ne pas plus moins mais donc car comment pourquoi quand combien ou alors leur leurs son sa ses mon
    ma mes ton ta tes tout tous toute toutes avez avons ont fait faire faites peut pouvez entre chez comme
    si lui eux meme cela ceci ca y a l d s n c j m t qu fois bien tres encore deja avoir etre plutot
    ceux celle celles celui vraiment
    the an and or of to in on for with what why how when which who whom whose is are was were be been do
    does did you your yours we our ours they their this that these those it its as at by from if would
    could should can will shall may might has have had not no so than then there here about into
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def new_question_id(text: str, taken: Iterable[str] = (), *, max_words: int = 4) -> str:
    """A stable id from a question's significant words, unique among `taken` (-2, -3… if needed)."""
    parts = [w for w in slugify(text, max_length=400).split("-") if w]
    significant = [w for w in parts if w not in _STOPWORDS and len(w) > 2] or [w for w in parts if len(w) > 1]
    base = "-".join(significant[:max_words])[:48].strip("-") or "question"
    if not _IDENTIFIER.match(base):
        base = "question"
    used = set(taken)
    candidate, suffix = base, 2
    while candidate in used:
        candidate = f"{base}-{suffix}"
        suffix += 1
    return candidate
