"""Lint: every problem of every bank file, errors and warnings, with their positions."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from soutenance.banks.diagnostics import Diagnostic, Severity
from soutenance.banks.loader import BankFile, read_bank
from soutenance.banks.similarity import near_duplicates
from soutenance.banks.yaml_strict import locate


def lint_file(path: Path, *, display: str | None = None) -> BankFile:
    """Read a bank and add the warnings that a valid bank can still deserve."""
    result = read_bank(path, display=display)
    if result.bank is not None and result.node is not None:
        result.diagnostics.extend(bank_warnings(result))
    return result


def bank_warnings(result: BankFile) -> list[Diagnostic]:
    bank, node, name = result.bank, result.node, result.display
    assert bank is not None and node is not None
    found: list[Diagnostic] = []

    def warn(loc: tuple, message: str) -> None:
        line, col = locate(node, loc)
        found.append(Diagnostic(name, line, col, Severity.WARNING, message))

    if not bank.questions:
        warn(("questions",), "the project has no questions yet")
    for index, question in enumerate(bank.questions):
        if not question.key_points:
            warn(("questions", index), f"question `{question.id}` has no key points")
    texts = [q.text for q in bank.questions]
    for earlier, later, _score in near_duplicates(texts):
        first = bank.questions[earlier]
        line, _ = locate(node, ("questions", earlier, "text"))
        warn(
            ("questions", later, "text"),
            f"question `{bank.questions[later].id}` is nearly the same as `{first.id}` (line {line}): "
            f"{first.text!r}",
        )
    return found


def summarize(diagnostics: Iterable[Diagnostic]) -> tuple[int, int]:
    """(errors, warnings) counts."""
    errors = warnings = 0
    for d in diagnostics:
        errors += d.severity is Severity.ERROR
        warnings += d.severity is Severity.WARNING
    return errors, warnings
