"""Planning an import: which drafts would be added (with their ids), which skipped as duplicates."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from soutenance.banks.editing import QuestionDraft, check_draft, new_question_id
from soutenance.banks.importers.common import Imported, Parsed, Problem, comparable
from soutenance.banks.model import Bank
from soutenance.banks.similarity import NEAR_DUPLICATE, similarity, words


@dataclass(frozen=True, slots=True)
class Skipped:
    item: Imported
    reason: str  # "duplicate" or "near-duplicate"
    of_id: str  # the existing question's id, or the id planned for an earlier imported one
    of_text: str
    earlier_import: bool
    score: float = 1.0


@dataclass(slots=True)
class ImportPlan:
    added: list[Imported] = field(default_factory=list)  # each draft carries the id it will get
    skipped: list[Skipped] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def plan_import(
    parsed: Parsed, bank: Bank | None, *, threshold: float = NEAR_DUPLICATE
) -> ImportPlan:
    """Which drafts are added (with their ids) and which are skipped as duplicates or invalid."""
    plan = ImportPlan(problems=list(parsed.problems))
    known: list[tuple[str, str, frozenset[str], str, bool]] = [
        (q.id, text, words(text), comparable(text), False)
        for q in (bank.questions if bank else [])
        for text in (
            q.text,
            q.text_generic,
        )  # a question with {facts} reads as its generic wording too
        if text
    ]
    taken = {entry[0] for entry in known}
    for item in parsed.questions:
        draft = item.draft.cleaned()
        if draft.id is not None and draft.id in taken:
            plan.problems.append(
                Problem(item.where, f"id `{draft.id}` already used: a new id is given")
            )
            draft.id = None
        check = check_draft(draft, None)
        if check.errors:
            reasons = "; ".join(f"{p.field}: {p.message}" for p in check.errors)
            plan.problems.append(Problem(item.where, f"{reasons}: skipped"))
            continue
        mine, exact = words(draft.text), comparable(draft.text)
        duplicate = _first_duplicate(known, mine, exact, threshold)
        if duplicate is not None:
            entry, score = duplicate
            reason = "duplicate" if score >= 1.0 else "near-duplicate"
            plan.skipped.append(
                Skipped(Imported(draft, item.where), reason, entry[0], entry[1], entry[4], score)
            )
            continue
        draft.id = draft.id or new_question_id(draft.text, taken)
        taken.add(draft.id)
        known.append((draft.id, draft.text, mine, exact, True))
        plan.added.append(Imported(draft, item.where))
    return plan


def _first_duplicate(
    known: Sequence[tuple[str, str, frozenset[str], str, bool]],
    mine: frozenset[str],
    exact: str,
    threshold: float,
) -> tuple[tuple[str, str, frozenset[str], str, bool], float] | None:
    best = None
    for entry in known:
        if entry[3] == exact:
            return entry, 1.0
        score = similarity(mine, entry[2])
        if score >= threshold and (best is None or score > best[1]):
            best = (entry, min(score, 0.999))
    return best


def drafts_of(plan: ImportPlan) -> Iterable[QuestionDraft]:
    return (item.draft for item in plan.added)
