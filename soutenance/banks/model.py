"""The question-bank model: one pydantic schema validates banks and generates their JSON Schema."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.functional_serializers import PlainSerializer

from soutenance.i18n.formats import duration as format_duration  # noqa: F401 - the one m:ss rule
from soutenance.text import slugify

MAX_TIME_LIMIT = 3600
_DURATION = re.compile(
    r"(?:(?P<min>\d{1,9}):(?P<sec>[0-5]\d)|(?P<num>\d{1,9})\s*(?P<unit>s|sec|m|min)?)",
    re.IGNORECASE,
)
"""Matched against the stripped text: with `\\s*` at both ends, "1<spaces>x" took quadratic time."""


def parse_duration(value: Any) -> int:
    """Seconds from 90, "90", "90s", "2m" or "1:30"; raises ValueError with a readable reason."""
    if isinstance(value, bool):
        raise ValueError("a duration must be seconds (90) or a time like 1:30, 90s, 2m")
    if isinstance(value, int):
        seconds = value
    elif isinstance(value, str) and (match := _DURATION.fullmatch(value.strip())):
        if match["min"] is not None:
            seconds = int(match["min"]) * 60 + int(match["sec"])
        else:
            unit = (match["unit"] or "s").lower()
            seconds = int(match["num"]) * (60 if unit.startswith("m") else 1)
    else:
        shown = value if not isinstance(value, str) or len(value) <= 40 else value[:40] + "…"
        raise ValueError(f"{shown!r} is not a duration: write seconds (90) or 1:30, 90s, 2m")
    if not 1 <= seconds <= MAX_TIME_LIMIT:
        raise ValueError(f"a duration must be between 1 second and {MAX_TIME_LIMIT // 60} minutes")
    return seconds


Duration = Annotated[
    int,
    BeforeValidator(parse_duration),
    WithJsonSchema(
        {
            "description": 'Seconds (90), or "1:30", "90s", "2m".',
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": MAX_TIME_LIMIT},
                {"type": "string", "pattern": r"^\s*(\d+:[0-5]\d|\d+\s*(s|sec|m|min)?)\s*$"},
            ],
        }
    ),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Identifier = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=80, pattern=r"^[a-z0-9][a-z0-9_-]*$"
    ),
    Field(
        description="Lowercase letters, digits, '-' and '_': stable, used to keep history attached."
    ),
]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


def _none_to_empty(value: Any) -> Any:
    return [] if value is None else value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)


class KeyPoint(str):
    """A key point's text, carrying the words that show it was covered (``hints``).

    A ``str`` so that every reader of ``question.key_points`` keeps working with plain texts;
    the hints only matter to the transcript matching.
    """

    hints: tuple[str, ...]

    def __new__(cls, text: str, hints: tuple[str, ...] | list[str] = ()) -> KeyPoint:
        point = super().__new__(cls, text)
        point.hints = tuple(hints)
        return point

    def __reduce__(self) -> tuple[Any, ...]:
        return (KeyPoint, (str(self), self.hints))


class _KeyPointSpec(_Strict):
    text: Text
    hints: Annotated[list[Tag], BeforeValidator(_none_to_empty)] = Field(
        default_factory=list,
        description="Words or synonyms that show the point was covered in a spoken answer.",
    )


def _key_point_mapping(value: Any) -> Any:
    if isinstance(value, KeyPoint):
        return {"text": str(value), "hints": list(value.hints)}
    return {"text": value} if isinstance(value, str) else value


def _key_point_data(point: KeyPoint) -> Any:
    return {"text": str(point), "hints": list(point.hints)} if point.hints else str(point)


KeyPointField = Annotated[
    _KeyPointSpec,
    BeforeValidator(_key_point_mapping),
    AfterValidator(lambda spec: KeyPoint(spec.text, spec.hints)),
    PlainSerializer(_key_point_data),
    WithJsonSchema(
        {
            "description": "What the answer must contain; a bare string is its text.",
            "anyOf": [
                {"type": "string", "minLength": 1, "maxLength": 2000},
                {
                    "type": "object",
                    "properties": {
                        "text": {"type": "string", "minLength": 1, "maxLength": 2000},
                        "hints": {
                            "type": "array",
                            "items": {"type": "string", "minLength": 1, "maxLength": 40},
                            "description": "Words or synonyms that show the point was covered.",
                        },
                    },
                    "required": ["text"],
                    "additionalProperties": False,
                },
            ],
        }
    ),
]
KeyPoints = Annotated[list[KeyPointField], BeforeValidator(_none_to_empty)]

PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
"""A named fact of the project inside a question's text: ``{budget}``."""


def placeholders(text: str) -> list[str]:
    return PLACEHOLDER.findall(text)


class FollowUp(_Strict):
    """A follow-up challenge; a bare string in YAML is its text."""

    text: Text
    key_points: KeyPoints = []

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"text": value} if isinstance(value, str) else value

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        schema = handler.resolve_ref_schema(handler(core_schema))
        return {"anyOf": [{"type": "string", "minLength": 1, "maxLength": 2000}, dict(schema)]}


class Question(_Strict):
    id: Identifier
    text: Text = Field(
        description="The question as the evaluator asks it; {fact} puts in the student's own figure."
    )
    text_generic: Text | None = Field(
        default=None,
        description="The wording used while a {fact} of the text is not filled in the project card.",
    )
    key_points: KeyPoints = Field(
        default=[], description="What a good answer contains, one checkable criterion each."
    )
    follow_ups: Annotated[list[FollowUp], BeforeValidator(_none_to_empty)] = []
    difficulty: int = Field(default=2, ge=1, le=3, description="1 easy, 2 usual, 3 hard.")
    time_limit: Duration = Field(default=90, description="Time to answer, in seconds.")
    tags: Annotated[list[Tag], BeforeValidator(_none_to_empty)] = []

    @model_validator(mode="after")
    def _generic_wording(self) -> Question:
        if placeholders(self.text) and self.text_generic is None:
            raise ValueError("a text with {placeholders} needs a `text_generic` wording")
        if self.text_generic is not None and placeholders(self.text_generic):
            raise ValueError("`text_generic` is the wording without facts: no {placeholders} in it")
        return self

    def render(self, card: dict[str, str] | None = None) -> str:
        """The text with the student's facts put in, or the generic wording when one is missing."""
        names = placeholders(self.text)
        if not names:
            return self.text
        card = card or {}
        if all(str(card.get(name, "")).strip() for name in names):
            return PLACEHOLDER.sub(lambda match: str(card[match[1]]).strip(), self.text)
        return self.text_generic or self.text


class DefenseFormat(_Strict):
    """Minutes of each phase of the defense; the presentation has an allowed window."""

    presentation: int = Field(default=15, ge=1, le=120)
    discussion: int = Field(default=10, ge=1, le=120)
    debrief: int = Field(default=5, ge=0, le=120)
    presentation_min: int | None = Field(default=None, ge=1, le=120)
    presentation_max: int | None = Field(default=None, ge=1, le=180)

    @model_validator(mode="after")
    def _window(self) -> DefenseFormat:
        low, high = self.presentation_window
        if not low <= self.presentation <= high:
            raise ValueError("presentation must lie between presentation_min and presentation_max")
        return self

    @property
    def presentation_window(self) -> tuple[int, int]:
        """Allowed presentation minutes: given, or two thirds to four thirds of the planned time."""
        low = self.presentation_min or max(1, round(self.presentation * 2 / 3))
        high = self.presentation_max or round(self.presentation * 4 / 3)
        return low, high


class Project(_Strict):
    id: Identifier
    title: Text
    path: Text = Field(description="The learning path (parcours) the project belongs to.")
    language: Literal["fr", "en"]
    evaluator_role: Text = Field(description="The role the evaluator plays during the questions.")
    format: Annotated[DefenseFormat, BeforeValidator(lambda v: {} if v is None else v)] = (
        DefenseFormat()
    )
    description: Text | None = None
    facts: Annotated[dict[Identifier, Text], BeforeValidator(lambda v: {} if v is None else v)] = (
        Field(
            default={},
            description="Named facts of the student's own project, asked once in the project card "
            "and put into question texts as {name}: the label says what to fill in.",
        )
    )

    @property
    def path_id(self) -> str:
        return slugify(self.path)


class Bank(_Strict):
    """One YAML file: a project and its questions."""

    model_config = ConfigDict(
        extra="forbid",
        coerce_numbers_to_str=True,
        json_schema_extra={"title": "soutenance question bank"},
    )

    project: Project
    questions: Annotated[list[Question], BeforeValidator(_none_to_empty)]

    @field_validator("questions")
    @classmethod
    def _unique_ids(cls, questions: list[Question]) -> list[Question]:
        seen: set[str] = set()
        for question in questions:
            if question.id in seen:
                raise ValueError(f"duplicate question id {question.id!r}")
            seen.add(question.id)
        return questions

    def undeclared_facts(self) -> list[tuple[int, str]]:
        """(question index, placeholder) for each {placeholder} the project does not declare."""
        declared = self.project.facts
        return [
            (index, name)
            for index, question in enumerate(self.questions)
            for name in placeholders(question.text)
            if name not in declared
        ]

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)
