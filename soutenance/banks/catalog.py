"""The catalog of all known projects, built from a per-file index so start-up stays fast.

Each file's summary is cached under the data dir keyed by its size and modification time; a
changed file is always re-read. Full banks are loaded only when a project is opened.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from soutenance import paths
from soutenance.banks.diagnostics import Diagnostic, Severity
from soutenance.banks.discovery import BankRoot, RootKind, bank_roots, files_of_roots
from soutenance.banks.lint import lint_file
from soutenance.banks.model import Bank
from soutenance.banks.yaml_strict import locate

INDEX_VERSION = 3


@dataclass(slots=True)
class FileSummary:
    """What the home screen needs of one file, without its questions."""

    file: str
    size: int
    mtime_ns: int
    diagnostics: list[Diagnostic] = field(default_factory=list)
    path_name: str = ""
    path_id: str = ""
    project_id: str = ""
    title: str = ""
    language: str = ""
    question_count: int = 0
    evaluator_role: str = ""
    minutes: tuple[int, int, int] = (0, 0, 0)
    """Presentation, discussion and debrief minutes of the defense."""
    id_line: int = 1
    id_col: int = 1

    @property
    def valid(self) -> bool:
        return bool(self.project_id) and not any(d.is_error for d in self.diagnostics)

    def to_json(self) -> dict:
        return asdict(self) | {"diagnostics": [d.to_dict() for d in self.diagnostics]}

    @classmethod
    def from_json(cls, data: dict) -> FileSummary:
        diagnostics = [Diagnostic.from_dict(d) for d in data["diagnostics"]]
        return cls(**(data | {"diagnostics": diagnostics, "minutes": tuple(data.get("minutes", (0, 0, 0)))}))


def summarize_file(path: Path, stat: os.stat_result) -> FileSummary:
    result = lint_file(path)
    summary = FileSummary(str(path), stat.st_size, stat.st_mtime_ns, result.diagnostics)
    if result.bank is not None:
        project = result.bank.project
        summary.path_name, summary.path_id = project.path, project.path_id
        summary.project_id, summary.title = project.id, project.title
        summary.language, summary.question_count = project.language, len(result.bank.questions)
        summary.evaluator_role = project.evaluator_role
        summary.minutes = (project.format.presentation, project.format.discussion, project.format.debrief)
        if result.node is not None:
            summary.id_line, summary.id_col = locate(result.node, ("project", "id"))
    return summary


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
    notes: list[Diagnostic]

    def diagnostics(self) -> list[Diagnostic]:
        """Every diagnostic of every file, notes on shadowing included, in file order."""
        found = [d for s in self.files for d in s.diagnostics] + self.notes
        return sorted(found, key=lambda d: (d.file, d.line, d.col))

    def by_path(self) -> dict[str, list[ProjectEntry]]:
        grouped: dict[str, list[ProjectEntry]] = {}
        for entry in sorted(self.projects, key=lambda e: (e.summary.path_name.casefold(), e.summary.title.casefold())):
            grouped.setdefault(entry.summary.path_name, []).append(entry)
        return grouped

    def find(self, reference: str) -> list[ProjectEntry]:
        """Projects matching "path-id/project-id", a project id, or a bank file path."""
        reference = reference.strip().strip("/")
        if "/" in reference and (exact := [e for e in self.projects if e.ref == reference]):
            return exact
        as_file = Path(reference).expanduser()
        if as_file.suffix in (".yaml", ".yml") and as_file.exists():
            return [e for e in self.projects if e.file.resolve() == as_file.resolve()]
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
        result = lint_file(entry.file)
        if result.bank is None:
            raise BankUnavailable(result.diagnostics)
        return result.bank


class BankUnavailable(Exception):
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(str(d) for d in diagnostics))
        self.diagnostics = diagnostics


def _index_path() -> Path:
    return paths.cache_dir() / "bank-index.json"


def _read_index(path: Path) -> dict[str, FileSummary]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("version") != INDEX_VERSION:
            return {}
        return {f["file"]: FileSummary.from_json(f) for f in data["files"]}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _write_index(path: Path, summaries: Sequence[FileSummary]) -> None:
    payload = {"version": INDEX_VERSION, "files": [s.to_json() for s in summaries]}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass  # the index is only a cache: an unwritable data dir just means a slower next start


def build_catalog(extra_roots: Sequence[Path] = (), *, use_cache: bool = True) -> Catalog:
    """Every project of the bundled and user banks, with --banks folders first."""
    return catalog_of_roots(bank_roots(extra_roots), use_cache=use_cache)


def catalog_of_roots(roots: Sequence[BankRoot], *, use_cache: bool = True) -> Catalog:
    """Every project of every root; the first root (highest precedence) wins a path+project id."""
    cache = _read_index(_index_path()) if use_cache else {}
    summaries: list[tuple[BankRoot, FileSummary]] = []
    changed = False
    for root, path in files_of_roots(roots):
        try:
            stat = path.stat()
        except OSError:
            continue
        cached = cache.get(str(path))
        if cached and cached.size == stat.st_size and cached.mtime_ns == stat.st_mtime_ns:
            summaries.append((root, cached))
        else:
            summaries.append((root, summarize_file(path, stat)))
            changed = True
    if use_cache and (changed or len(cache) != len(summaries)):
        _write_index(_index_path(), [s for _, s in summaries])
    return _assemble(summaries)


def _assemble(summaries: Sequence[tuple[BankRoot, FileSummary]]) -> Catalog:
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
            summary.diagnostics.append(Diagnostic(summary.file, summary.id_line, summary.id_col, Severity.ERROR, message))
            problems.append(summary)
        else:
            winner.shadows.append(summary.file)
            kind = "bundled" if root.kind is RootKind.BUNDLED else "user"
            message = f"shadows the {kind} project `{winner.ref}` in {summary.file}"
            notes.append(Diagnostic(winner.summary.file, winner.summary.id_line, winner.summary.id_col, Severity.NOTE, message))
    return Catalog([s for _, s in summaries], list(winners.values()), problems, notes)
