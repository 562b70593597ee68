"""A question as a mentor typed it (`QuestionDraft`), not validated yet, and the id it gets.

A draft is what the form and the CLI build; `cleaned()` normalizes it, `to_data()` gives the
mapping the model validates, and `new_question_id` derives a stable id from its words.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from soutenance.banks.model import FollowUp, Question, parse_duration, slugify

FIELDS = (
    "id",
    "text",
    "text_generic",
    "key_points",
    "follow_ups",
    "difficulty",
    "time_limit",
    "tags",
)
DEFAULT_DIFFICULTY = 2
DEFAULT_TIME_LIMIT = 90
_IDENTIFIER = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

Hints = dict[str, list[str]]
"""The hints of a list of key points, by key point text: a key point keeps them while its text stays."""


def hints_of(points: Iterable[str]) -> Hints:
    """The hints carried by the model's key points (`KeyPoint.hints`), by key point text."""
    return {str(p): list(p.hints) for p in points if getattr(p, "hints", ())}


def kept_hints(
    points: Iterable[str],
    previous: Mapping[str, Sequence[str]],
    given: Mapping[str, Sequence[str]] | None = None,
) -> Hints:
    """Hints for `points`: those `given` for a key point, else those its text had before."""
    given = given or {}
    chosen = {p: list(given[p] if p in given else previous.get(p, ())) for p in points}
    return {p: words for p, words in chosen.items() if words}


def points_with_hints(
    points: Sequence[str], hints: Mapping[str, Sequence[str]]
) -> list[tuple[str, tuple[str, ...]]]:
    """Each key point with its hints: what differs when a key point or its hints change."""
    return [(str(p), tuple(hints.get(p, ()))) for p in points]


def _clean_points(
    points: Sequence[str], hints: Mapping[str, Sequence[str]]
) -> tuple[list[str], Hints]:
    texts = [k.strip() for k in points if k.strip()]
    stripped = {k.strip(): words for k, words in hints.items()}
    cleaned = {
        k: list(dict.fromkeys(w.strip() for w in stripped.get(k, ()) if w.strip())) for k in texts
    }
    return texts, {k: words for k, words in cleaned.items() if words}


def _points_data(points: Sequence[str], hints: Mapping[str, Sequence[str]]) -> list[Any]:
    return [{"text": k, "hints": list(hints[k])} if hints.get(k) else k for k in points]


@dataclass(slots=True)
class FollowUpDraft:
    text: str
    key_points: list[str] = field(default_factory=list)
    hints: Hints = field(default_factory=dict)

    @classmethod
    def from_follow_up(cls, follow_up: FollowUp) -> FollowUpDraft:
        return cls(
            follow_up.text, [str(k) for k in follow_up.key_points], hints_of(follow_up.key_points)
        )

    def cleaned(self) -> FollowUpDraft:
        return FollowUpDraft(self.text.strip(), *_clean_points(self.key_points, self.hints))

    def to_data(self) -> dict[str, Any]:
        return {"text": self.text, "key_points": _points_data(self.key_points, self.hints)}

    def content(self) -> tuple[str, tuple[tuple[str, tuple[str, ...]], ...]]:
        """What the file holds of this follow-up: its text, and its key points with their hints."""
        return self.text, tuple(points_with_hints(self.key_points, self.hints))


@dataclass(slots=True)
class QuestionDraft:
    """A question as a mentor typed it: not validated yet. None means "the default" (or "unchanged").

    `hints` holds the hints of the key points, by key point text; `text_generic` None means none.
    """

    text: str
    key_points: list[str] = field(default_factory=list)
    follow_ups: list[FollowUpDraft] = field(default_factory=list)
    difficulty: int | str | None = None
    time_limit: int | str | None = None
    tags: list[str] = field(default_factory=list)
    id: str | None = None
    text_generic: str | None = None
    hints: Hints = field(default_factory=dict)

    @classmethod
    def from_question(cls, question: Question) -> QuestionDraft:
        return cls(
            text=question.text,
            key_points=[str(k) for k in question.key_points],
            follow_ups=[FollowUpDraft.from_follow_up(f) for f in question.follow_ups],
            difficulty=question.difficulty,
            time_limit=question.time_limit,
            tags=list(question.tags),
            id=question.id,
            text_generic=question.text_generic,
            hints=hints_of(question.key_points),
        )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> QuestionDraft:
        """A draft from JSON-like data with the bank's keys; raises ValueError on unknown keys or shapes."""
        _check_keys(data)
        if not isinstance(data.get("text"), str):
            raise ValueError("`text` is required and must be text")
        return QuestionDraft(text="").merged(data)

    def merged(self, data: Mapping[str, Any]) -> QuestionDraft:
        """This draft with each key of `data` replacing its value (JSON-like data with the bank's keys).

        A key point given as text alone keeps the hints it had, a follow-up given as text alone keeps
        its key points; given as an object, they are set as given. Raises ValueError on bad shapes.
        """
        _check_keys(data)
        draft = copy.deepcopy(self)
        if "text" in data:
            if not isinstance(data["text"], str):
                raise ValueError("`text` must be text")
            draft.text = data["text"]
        if "text_generic" in data:
            value = data["text_generic"]
            if value is not None and not isinstance(value, str):
                raise ValueError("`text_generic` must be text")
            draft.text_generic = value
        if "key_points" in data:
            draft.key_points, given = _parse_points(data, "key_points")
            draft.hints = kept_hints(draft.key_points, self.hints, given)
        if "follow_ups" in data:
            known = {f.text: f for f in self.follow_ups}
            draft.follow_ups = [
                _parse_follow_up(item, known)
                for item in _list_of(data, "follow_ups", (str, Mapping))
            ]
        if "tags" in data:
            draft.tags = [str(k) for k in _list_of(data, "tags", (str,))]
        for name in ("difficulty", "time_limit"):
            if name in data:
                setattr(draft, name, _scalar(data, name))
        if data.get("id") is not None:
            draft.id = str(data["id"])
        return draft

    def cleaned(self) -> QuestionDraft:
        """Whitespace stripped, empty lines dropped, tags without repeats."""
        tags = list(dict.fromkeys(t.strip() for t in self.tags if t.strip()))
        difficulty, time_limit = self.difficulty, self.time_limit
        if isinstance(difficulty, str):
            difficulty = difficulty.strip() or None
        if isinstance(time_limit, str):
            time_limit = time_limit.strip() or None
        key_points, hints = _clean_points(self.key_points, self.hints)
        return QuestionDraft(
            text=self.text.strip(),
            key_points=key_points,
            follow_ups=[f.cleaned() for f in self.follow_ups if f.text.strip()],
            difficulty=difficulty,
            time_limit=time_limit,
            tags=tags,
            id=(self.id or "").strip() or None,
            text_generic=(self.text_generic or "").strip() or None,
            hints=hints,
        )

    def to_data(self, question_id: str) -> dict[str, Any]:
        """The mapping the model validates (defaults filled in)."""
        data = {
            "id": question_id,
            "text": self.text,
            "key_points": _points_data(self.key_points, self.hints),
            "follow_ups": [f.to_data() for f in self.follow_ups],
            "difficulty": DEFAULT_DIFFICULTY if self.difficulty is None else self.difficulty,
            "time_limit": DEFAULT_TIME_LIMIT if self.time_limit is None else self.time_limit,
            "tags": list(self.tags),
        }
        if self.text_generic is not None:
            data["text_generic"] = self.text_generic
        return data


def _check_keys(data: Any) -> None:
    if not isinstance(data, Mapping):
        raise ValueError("a question is an object with at least a `text`")
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ValueError(f"unknown key `{unknown[0]}` (known keys: {', '.join(FIELDS)})")


def _parse_points(data: Mapping[str, Any], key: str) -> tuple[list[str], Hints]:
    """Key points as text or `{"text", "hints"}`: their texts, and the hints given (by text)."""
    texts: list[str] = []
    given: Hints = {}
    for item in _list_of(data, key, (str, Mapping)):
        if isinstance(item, Mapping):
            if sorted(set(item) - {"text", "hints"}) or not isinstance(item.get("text"), str):
                raise ValueError("a key point is text, or an object with `text` and `hints`")
            given[item["text"]] = [str(h) for h in _list_of(item, "hints", (str,))]
            texts.append(item["text"])
        else:
            texts.append(str(item))
    return texts, given


def _parse_follow_up(
    item: str | Mapping[str, Any], known: Mapping[str, FollowUpDraft]
) -> FollowUpDraft:
    """A follow-up as text (keeping the key points a follow-up of that text had) or an object."""
    if isinstance(item, str):
        previous = known.get(item)
        return FollowUpDraft(
            item, *((list(previous.key_points), dict(previous.hints)) if previous else ())
        )
    if sorted(set(item) - {"text", "key_points"}) or not isinstance(item.get("text"), str):
        raise ValueError("a follow-up is text, or an object with `text` and `key_points`")
    points, given = _parse_points(item, "key_points")
    previous = known.get(item["text"])
    return FollowUpDraft(
        item["text"], points, kept_hints(points, previous.hints if previous else {}, given)
    )


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


def follow_ups_from_lines(
    lines: Iterable[str], previous: Sequence[FollowUp | FollowUpDraft] = ()
) -> list[FollowUpDraft]:
    """Follow-ups typed one per line; a line equal to an existing follow-up keeps its key points."""
    known = {
        f.text: f if isinstance(f, FollowUpDraft) else FollowUpDraft.from_follow_up(f)
        for f in previous
    }
    return [_parse_follow_up(line.strip(), known) for line in lines if line.strip()]


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
        text_generic=draft.text_generic,
        hints=dict(draft.hints),
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
    significant = [w for w in parts if w not in _STOPWORDS and len(w) > 2] or [
        w for w in parts if len(w) > 1
    ]
    base = "-".join(significant[:max_words])[:48].strip("-") or "question"
    if not _IDENTIFIER.match(base):
        base = "question"
    used = set(taken)
    candidate, suffix = base, 2
    while candidate in used:
        candidate = f"{base}-{suffix}"
        suffix += 1
    return candidate
