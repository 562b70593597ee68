"""Checking a draft as it is typed: the rules lint applies to a question, field by field.

`check_draft` gives the errors (with stable codes for translations), the warnings, and the
existing questions that are nearly the same (`similar_questions`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from soutenance.banks.editing.drafts import QuestionDraft, new_question_id
from soutenance.banks.model import Bank, Question, placeholders
from soutenance.banks.similarity import NEAR_DUPLICATE, similarity, words


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    message: str
    index: int | None = None  # the item of a list field (0-based), when the problem is one item
    code: str = (
        ""  # empty, too_long, pattern, difficulty, duration, number, id_taken, no_key_points,
    )
    # similar, unknown_fact, needs_generic, generic_placeholders
    params: dict[str, Any] = field(default_factory=dict, compare=False)
    sub_index: int | None = (
        None  # the key point of that item (a follow-up), when the problem is there
    )


@dataclass(frozen=True, slots=True)
class Similar:
    """An existing question close to a new or edited one."""

    question_id: str
    text: str
    score: float
    project: str = ""


@dataclass(slots=True)
class DraftCheck:
    question_id: str
    errors: list[FieldProblem]
    warnings: list[FieldProblem]
    similar: list[Similar]

    @property
    def ok(self) -> bool:
        return not self.errors


def similar_questions(
    text: str,
    questions: Iterable[Question],
    *,
    exclude: Iterable[str] = (),
    threshold: float = NEAR_DUPLICATE,
) -> list[Similar]:
    """Questions whose text (or generic wording) shares most of its significant words with `text`."""
    mine = words(text)
    skip = set(exclude)
    found = [
        Similar(q.id, q.text, score)
        for q in questions
        if q.id not in skip
        and (
            score := max(
                similarity(mine, words(other)) for other in (q.text, q.text_generic) if other
            )
        )
        >= threshold
    ]
    return sorted(found, key=lambda s: -s.score)


def _validation_errors(draft: QuestionDraft, question_id: str) -> list[Mapping[str, Any]]:
    """What the model rejects in the draft, as question `question_id` (nothing when it is valid)."""
    try:
        Question.model_validate(draft.to_data(question_id))
    except ValidationError as exc:
        return list(exc.errors())
    return []


def _classify(err: Mapping[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """(code, English message, params) of a validation error, codes being stable for translations."""
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "string_too_short":
        return "empty", "must not be empty", {}
    if kind == "string_too_long":
        return (
            "too_long",
            f"at most {ctx.get('max_length')} characters",
            {"max": ctx.get("max_length")},
        )
    if kind == "string_pattern_mismatch":
        return (
            "pattern",
            "lowercase letters, digits, '-' and '_' only, starting with a letter or digit",
            {},
        )
    if kind in ("greater_than_equal", "less_than_equal") and err["loc"][:1] == ("difficulty",):
        return "difficulty", "1 (easy), 2 (usual) or 3 (hard)", {}
    if kind == "int_parsing":
        return "number", "expected a whole number", {}
    message = str(err["msg"]).removeprefix("Value error, ").replace("Input should", "should")
    return ("duration" if err["loc"][:1] == ("time_limit",) else ""), message, {}


def _describe_error(err: Mapping[str, Any]) -> str:
    return _classify(err)[1]


def check_draft(
    draft: QuestionDraft, bank: Bank | None, *, editing: str | None = None
) -> DraftCheck:
    """Field by field, the rules lint applies to a question, plus its warnings and near-duplicates."""
    draft = draft.cleaned()
    others = [q for q in (bank.questions if bank else []) if q.id != editing]
    taken = {q.id for q in others}
    errors: list[FieldProblem] = []
    if draft.id is not None:
        question_id = draft.id
        if question_id in taken:
            message = f"the id `{question_id}` is already used in this project"
            errors.append(FieldProblem("id", message, code="id_taken", params={"id": question_id}))
    elif editing is not None:
        question_id = editing
    else:
        question_id = new_question_id(draft.text, taken)
    for err in _validation_errors(draft, question_id):
        loc = err["loc"]
        if not loc:
            continue  # the rules of the generic wording, checked below with their own codes
        index = next((step for step in loc[1:2] if isinstance(step, int)), None)
        sub_index = (
            loc[3] if len(loc) > 3 and loc[2] == "key_points" and isinstance(loc[3], int) else None
        )
        code, message, params = _classify(err)
        errors.append(FieldProblem(str(loc[0]), message, index, code, params, sub_index))
    errors += _wording_problems(draft, bank)
    warnings = []
    if not draft.key_points:
        message = "no key points yet: say what a good answer covers"
        warnings.append(FieldProblem("key_points", message, code="no_key_points"))
    similar = similar_questions(draft.text, others) if draft.text else []
    for close in similar[:1]:
        message = f"nearly the same as `{close.question_id}`: {close.text}"
        params = {"id": close.question_id, "text": close.text}
        warnings.append(FieldProblem("text", message, code="similar", params=params))
    return DraftCheck(question_id, errors, warnings, similar)


def _wording_problems(draft: QuestionDraft, bank: Bank | None) -> list[FieldProblem]:
    """{fact} placeholders the project does not declare, and a generic wording missing or with facts."""
    problems = []
    names = list(dict.fromkeys(placeholders(draft.text)))
    declared = bank.project.facts if bank else None
    for name in names if declared is not None else []:
        if name not in declared:
            facts = ", ".join(f"{{{fact}}}" for fact in declared) or "none"
            message = f"`{{{name}}}` is not a fact of the project (facts: {facts})"
            problems.append(
                FieldProblem(
                    "text", message, code="unknown_fact", params={"name": name, "facts": facts}
                )
            )
    if names and not draft.text_generic:
        message = "the text uses {facts}: give the wording used while they are not filled in"
        problems.append(FieldProblem("text_generic", message, code="needs_generic"))
    if draft.text_generic and placeholders(draft.text_generic):
        message = "the generic wording is the one without facts: no {placeholders} in it"
        problems.append(FieldProblem("text_generic", message, code="generic_placeholders"))
    return problems
