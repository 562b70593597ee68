"""The catalog of all known projects, built from a per-file index so start-up stays fast.

Each file's summary is cached under the data dir keyed by its size and modification time; a
changed file is always re-read (see `batch` for how). Full banks are loaded only when a project
is opened.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from soutenance import paths
from soutenance.banks.diagnostics import Diagnostic, Severity, reason
from soutenance.banks.discovery import BankRoot, RootKind, bank_roots, files_of_roots, real
from soutenance.banks.index import INDEX_VERSION, FileSummary, read_index, write_index

if TYPE_CHECKING:
    from soutenance.banks.model import Bank

# The loader, the lint and the batch (pydantic, PyYAML) are imported where a file must be read:
# with a warm index the app starts without them.

__all__ = [
    "INDEX_VERSION",
    "BankUnavailable",
    "Catalog",
    "FileSummary",
    "ProjectEntry",
    "build_catalog",
    "catalog_of_roots",
]


@dataclass(slots=True)
class ProjectEntry:
    summary: FileSummary
    root: BankRoot
    shadows: list[str] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return f"{self.summary.path_id}/{self.summary.project_id}"

    @property
    def file(self) -> Path:
        return Path(self.summary.file)


@dataclass(slots=True)
class Catalog:
    files: list[FileSummary]
    projects: list[ProjectEntry]
    problems: list[FileSummary]
    """Files that could not be loaded, and folders that could not be read."""
    notes: list[Diagnostic]
    folders: list[FileSummary] = field(default_factory=list)
    """Folders that could not be read (also among `problems`)."""

    def diagnostics(self) -> list[Diagnostic]:
        """Every diagnostic of every file and folder, notes on shadowing included, in file order."""
        found = [d for s in (*self.files, *self.folders) for d in s.diagnostics] + self.notes
        return sorted(found, key=lambda d: (d.file, d.line, d.col))

    def by_path(self) -> dict[str, list[ProjectEntry]]:
        grouped: dict[str, list[ProjectEntry]] = {}
        for entry in sorted(
            self.projects,
            key=lambda e: (e.summary.path_name.casefold(), e.summary.title.casefold()),
        ):
            grouped.setdefault(entry.summary.path_name, []).append(entry)
        return grouped

    def find(self, reference: str) -> list[ProjectEntry]:
        """Projects matching "path-id/project-id", a project id, or a bank file path."""
        reference = reference.strip().strip("/")
        if "/" in reference and (exact := [e for e in self.projects if e.ref == reference]):
            return exact
        as_file = Path(reference).expanduser()
        if as_file.suffix in (".yaml", ".yml") and os.path.exists(as_file):  # False on any OSError
            return [e for e in self.projects if real(e.file) == real(as_file)]
        return [e for e in self.projects if e.summary.project_id == reference]

    def missing_questions(self, path_id: str, project_id: str, question_ids: set[str]) -> set[str]:
        """Of `question_ids`, those the project's bank no longer has (all when the bank is gone)."""
        entries = self.find(f"{path_id}/{project_id}")
        if not entries:
            return set(question_ids)
        try:
            bank = self.load(entries[0])
        except BankUnavailable:
            return set(question_ids)
        return set(question_ids) - {question.id for question in bank.questions}

    def load(self, entry: ProjectEntry) -> Bank:
        """The full bank of a project; raises BankUnavailable when the file no longer validates."""
        from soutenance.banks.loader import read_bank

        result = read_bank(entry.file)
        if result.bank is None:
            raise BankUnavailable(result.diagnostics)
        return result.bank


class BankUnavailable(Exception):
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(str(d) for d in diagnostics))
        self.diagnostics = diagnostics


def _index_path() -> Path:
    return paths.cache_dir() / "bank-index.json"


def build_catalog(extra_roots: Sequence[Path] = (), *, use_cache: bool = True) -> Catalog:
    """Every project of the bundled and user banks, with --banks folders first."""
    return catalog_of_roots(bank_roots(extra_roots), use_cache=use_cache)


def catalog_of_roots(
    roots: Sequence[BankRoot], *, use_cache: bool = True, across_projects: bool = False
) -> Catalog:
    """Every project of every root; the first root (highest precedence) wins a path+project id.

    With `across_projects` (lint), every file is read afresh and the projects of each path are
    also checked against each other.
    """
    use_cache = use_cache and not across_projects
    cache = read_index(_index_path()) if use_cache else {}
    files, folder_problems = files_of_roots(roots)
    summaries: list[tuple[BankRoot, FileSummary | None]] = []
    to_read: list[tuple[int, Path, os.stat_result]] = []
    for root, path in files:
        try:
            stat = os.stat(path)
        except OSError as exc:
            problem = _error(str(path), f"cannot read file: {reason(exc)}")
            summaries.append((root, FileSummary(str(path), 0, 0, [problem])))
            continue
        cached = cache.get(str(path))
        if cached and cached.size == stat.st_size and cached.mtime_ns == stat.st_mtime_ns:
            summaries.append((root, cached))
        else:
            to_read.append((len(summaries), path, stat))
            summaries.append((root, None))
    if to_read:
        from soutenance.banks.batch import summarize_all

        read = summarize_all(to_read, spots=across_projects)
        for (slot, _, _), summary in zip(to_read, read, strict=True):
            summaries[slot] = (summaries[slot][0], summary)
    done = [(root, summary) for root, summary in summaries if summary is not None]
    if use_cache and (to_read or len(cache) != len(done)):
        write_index(_index_path(), [s for _, s in done])
    folders = [FileSummary(d.file, 0, 0, [d]) for d in folder_problems]
    catalog = _assemble(done, folders)
    if across_projects:
        from soutenance.banks.batch import paused_cycle_collection

        with paused_cycle_collection():
            _check_across_projects(catalog)
    return catalog


def _error(file: str, message: str) -> Diagnostic:
    return Diagnostic(file, 1, 1, Severity.ERROR, message)


def _assemble(
    summaries: Sequence[tuple[BankRoot, FileSummary]], folders: list[FileSummary]
) -> Catalog:
    winners: dict[tuple[str, str], ProjectEntry] = {}
    problems: list[FileSummary] = []
    notes: list[Diagnostic] = []
    for root, summary in summaries:
        if not summary.valid:
            problems.append(summary)
            continue
        key = (summary.path_id, summary.project_id)
        winner = winners.get(key)
        if winner is None:
            winners[key] = ProjectEntry(summary, root)
        elif winner.root == root:
            message = f"project `{summary.project_id}` of path `{summary.path_name}` is already defined in {winner.summary.file}"
            summary.diagnostics.append(
                Diagnostic(summary.file, summary.id_line, summary.id_col, Severity.ERROR, message)
            )
            problems.append(summary)
        else:
            winner.shadows.append(summary.file)
            kind = "bundled" if root.kind is RootKind.BUNDLED else "user"
            message = f"shadows the {kind} project `{winner.ref}` in {summary.file}"
            notes.append(
                Diagnostic(
                    winner.summary.file,
                    winner.summary.id_line,
                    winner.summary.id_col,
                    Severity.NOTE,
                    message,
                )
            )
    return Catalog(
        [s for _, s in summaries], list(winners.values()), problems + folders, notes, folders
    )


def _check_across_projects(catalog: Catalog) -> None:
    """Adds the warnings between projects of a path to the files they concern."""
    from soutenance.banks.lint import ProjectQuestions, path_warnings

    by_path: dict[str, list[ProjectEntry]] = {}
    for entry in catalog.projects:
        by_path.setdefault(entry.summary.path_id, []).append(entry)
    by_file = {entry.summary.file: entry.summary for entry in catalog.projects}
    for entries in by_path.values():
        if len(entries) < 2:
            continue
        projects = [
            ProjectQuestions(e.summary.file, e.summary.project_id, e.summary.questions or [])
            for e in entries
        ]
        for diagnostic in path_warnings(projects):
            by_file[diagnostic.file].diagnostics.append(diagnostic)
