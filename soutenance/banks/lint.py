"""Lint: every problem of every bank file, errors and warnings, with their positions.

Warnings never make a bank unusable: they point at what a jury would frown upon (a question
without checkable key points, a hard question given less time than an easier one, the same
question asked twice in a project or in two projects of one path).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from soutenance.banks.diagnostics import Diagnostic, Severity
from soutenance.banks.index import QuestionSpot
from soutenance.banks.loader import BankFile, read_bank
from soutenance.banks.similarity import first_near_duplicates, words
from soutenance.banks.yaml_strict import locate, node_at

MIN_KEY_POINTS = 2
MAX_KEY_POINTS = 6
_COMMENT = re.compile(r"(?:^|\s)#")


def lint_file(path: Path, *, display: str | None = None) -> BankFile:
    """Read a bank and add the warnings that a valid bank can still deserve."""
    result = read_bank(path, display=display)
    if result.bank is not None and result.node is not None:
        result.diagnostics.extend(bank_warnings(result))
    return result


def bank_warnings(
    result: BankFile,
    sets: Sequence[frozenset[str]] | None = None,
    keys: Sequence[Sequence[int]] | None = None,
) -> list[Diagnostic]:
    """Warnings of a valid bank; `sets` and `keys` are its questions' words and similarity keys
    when the caller has them already."""
    bank, node, name = result.bank, result.node, result.display
    assert bank is not None and node is not None
    found: list[Diagnostic] = []

    def warn(loc: tuple, message: str) -> None:
        line, col = locate(node, loc)
        found.append(Diagnostic(name, line, col, Severity.WARNING, message))

    if not bank.questions:
        warn(("questions",), "the project has no questions yet")
    for index, question in enumerate(bank.questions):
        count = len(question.key_points)
        if not count:
            warn(("questions", index), f"question `{question.id}` has no key points")
        elif not MIN_KEY_POINTS <= count <= MAX_KEY_POINTS:
            warn(("questions", index, "key_points"), _key_point_count(question.id, count))
        for number, follow_up in enumerate(question.follow_ups):
            if not follow_up.key_points:
                message = f"follow-up {number + 1} of question `{question.id}` has no key points"
                warn(("questions", index, "follow_ups", number), message)
    found += _time_warnings(result)
    sets = list(sets) if sets is not None else [words(q.text) for q in bank.questions]
    for earlier, later, _score in first_near_duplicates(sets, keys=keys):
        first = bank.questions[earlier]
        line, _ = locate(node, ("questions", earlier, "text"))
        warn(
            ("questions", later, "text"),
            f"question `{bank.questions[later].id}` is nearly the same as `{first.id}` (line {line}): "
            f"{first.text!r}",
        )
    return found


def _key_point_count(question_id: str, count: int) -> str:
    if count < MIN_KEY_POINTS:
        return (
            f"question `{question_id}` has only 1 key point: give it {MIN_KEY_POINTS} to "
            f"{MAX_KEY_POINTS} checkable criteria"
        )
    return (
        f"question `{question_id}` has {count} key points: keep {MIN_KEY_POINTS} to {MAX_KEY_POINTS}, "
        "one checkable criterion each"
    )


def _time_warnings(result: BankFile) -> list[Diagnostic]:
    """A difficulty-3 question given less time than a difficulty-2 one, unless its line says why."""
    bank, node = result.bank, result.node
    assert bank is not None and node is not None
    usual = [q for q in bank.questions if q.difficulty == 2]
    if not usual:
        return []
    longest = max(usual, key=lambda q: q.time_limit)
    lines: list[str] = []
    found = []
    for index, question in enumerate(bank.questions):
        if question.difficulty != 3 or question.time_limit >= longest.time_limit:
            continue
        lines = lines or result.source.splitlines()
        limit = node_at(node, ("questions", index, "time_limit"))
        if limit is not None and _has_comment(lines, limit):
            continue
        line, col = locate(node, ("questions", index, "time_limit"))
        other_line, _ = locate(node, ("questions", bank.questions.index(longest)))
        message = (
            f"question `{question.id}` (difficulty 3) has less time ({question.time_limit} s) than "
            f"`{longest.id}` (difficulty 2, {longest.time_limit} s, line {other_line}): give it at least as "
            "much, or say why in a comment on its `time_limit` line"
        )
        found.append(Diagnostic(result.display, line, col, Severity.WARNING, message))
    return found


def _has_comment(lines: list[str], value: yaml.Node) -> bool:
    """Whether the line where `value` ends carries a YAML comment after it."""
    end = value.end_mark
    if end.line >= len(lines):
        return False
    return _COMMENT.search(lines[end.line][end.column :]) is not None


def question_spots(
    result: BankFile, sets: Sequence[frozenset[str]], keys: Sequence[tuple[int, ...]]
) -> list[QuestionSpot]:
    """The questions of a valid bank as the checks across projects need them."""
    node = result.node
    assert result.bank is not None and node is not None
    items = node_at(node, ("questions",))
    if not isinstance(items, yaml.SequenceNode):  # `questions:` left empty
        return []
    spots = []
    for question, item, found, mine in zip(
        result.bank.questions, items.value, sets, keys, strict=True
    ):
        where = {key.value: value.start_mark for key, value in item.value}  # a valid question
        at_id, at_text = where["id"], where["text"]
        lines_cols = (at_id.line + 1, at_id.column + 1, at_text.line + 1, at_text.column + 1)
        spots.append(QuestionSpot(question.id, " ".join(found), mine, *lines_cols))
    return spots


@dataclass(frozen=True, slots=True)
class ProjectQuestions:
    """One project of a path, for the checks across projects."""

    file: str
    project_id: str
    questions: Sequence[QuestionSpot]


def path_warnings(projects: Sequence[ProjectQuestions]) -> list[Diagnostic]:
    """Across the projects of one path (in precedence order): question ids used twice, and
    near-duplicate questions, each warned at the later one with the place of the earlier."""
    found: list[Diagnostic] = []
    first_use: dict[str, tuple[ProjectQuestions, QuestionSpot]] = {}
    sets: list[frozenset[str]] = []
    keys: list[tuple[int, ...]] = []
    owners: list[int] = []
    spots: list[tuple[ProjectQuestions, QuestionSpot]] = []
    for number, project in enumerate(projects):
        for spot in project.questions:
            other, where = first_use.setdefault(spot.id, (project, spot))
            if other is not project:
                message = (
                    f"question id `{spot.id}` is also used by project `{other.project_id}` of this path "
                    f"(also at {other.file}:{where.id_line}:{where.id_col})"
                )
                found.append(
                    Diagnostic(project.file, spot.id_line, spot.id_col, Severity.WARNING, message)
                )
            sets.append(frozenset(spot.words.split()))
            keys.append(spot.keys)
            owners.append(number)
            spots.append((project, spot))
    for earlier, later, _score in first_near_duplicates(sets, groups=owners, keys=keys):
        (other, where), (project, spot) = spots[earlier], spots[later]
        message = (
            f"question `{spot.id}` is nearly the same as `{where.id}` of project `{other.project_id}` "
            f"(also at {other.file}:{where.text_line}:{where.text_col})"
        )
        found.append(
            Diagnostic(project.file, spot.text_line, spot.text_col, Severity.WARNING, message)
        )
    return found


def summarize(diagnostics: Iterable[Diagnostic]) -> tuple[int, int]:
    """(errors, warnings) counts."""
    errors = warnings = 0
    for d in diagnostics:
        errors += d.severity is Severity.ERROR
        warnings += d.severity is Severity.WARNING
    return errors, warnings
