"""The per-file bank index kept under the cache dir, so that start-up does not re-read every bank.

The index is only a cache: it is checked field by field when read, and anything unexpected in
it (another version, a wrong type, a truncated or foreign file) makes it ignored and rebuilt.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from soutenance.banks.diagnostics import Diagnostic, Severity
from soutenance.files import atomic_write, read_regular

INDEX_VERSION = 4
MAX_INDEX_BYTES = 64 * 1024 * 1024


class QuestionSpot(NamedTuple):
    """What checks across projects need of a question: its id, words, keys and positions.

    A tuple of plain values, as thousands of them come back from the processes that lint files
    in parallel: the words as one string, the similarity keys computed there once.
    """

    id: str
    words: str
    keys: tuple[int, ...]
    id_line: int
    id_col: int
    text_line: int
    text_col: int


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
    questions: list[QuestionSpot] | None = None
    """The questions as checks across projects need them; only when lint asked for them."""

    @property
    def valid(self) -> bool:
        return bool(self.project_id) and not any(d.is_error for d in self.diagnostics)

    def to_json(self) -> dict:
        data = {name: getattr(self, name) for name in _TYPES}
        return data | {
            "diagnostics": [d.to_dict() for d in self.diagnostics],
            "minutes": list(self.minutes),
        }

    @classmethod
    def from_json(cls, data: Any) -> FileSummary:
        """The summary an index entry describes; ValueError when any field is not as written."""
        if not isinstance(data, dict) or set(data) != {*_TYPES, "diagnostics", "minutes"}:
            raise ValueError("not a summary")
        for name, kind in _TYPES.items():
            if type(data[name]) is not kind:
                raise ValueError(f"{name} is not {kind.__name__}")
        minutes = data["minutes"]
        if not (
            isinstance(minutes, list) and len(minutes) == 3 and all(type(m) is int for m in minutes)
        ):
            raise ValueError("minutes")
        if not isinstance(data["diagnostics"], list):
            raise ValueError("diagnostics")
        values = {name: data[name] for name in _TYPES}
        return cls(
            **values,
            minutes=tuple(minutes),
            diagnostics=[_diagnostic(d) for d in data["diagnostics"]],
        )


_TYPES: dict[str, type] = {
    "file": str,
    "size": int,
    "mtime_ns": int,
    "path_name": str,
    "path_id": str,
    "project_id": str,
    "title": str,
    "language": str,
    "question_count": int,
    "evaluator_role": str,
    "id_line": int,
    "id_col": int,
}


def _diagnostic(data: Any) -> Diagnostic:
    if not isinstance(data, dict) or set(data) != {"file", "line", "col", "severity", "message"}:
        raise ValueError("not a diagnostic")
    fields = (type(data["file"]), type(data["line"]), type(data["col"]), type(data["message"]))
    if fields != (str, int, int, str) or data["line"] < 1 or data["col"] < 1:
        raise ValueError("diagnostic fields")
    return Diagnostic(
        data["file"], data["line"], data["col"], Severity(data["severity"]), data["message"]
    )


def read_index(path: Path) -> dict[str, FileSummary]:
    """The summaries of the index at `path` by file, or nothing when it is missing or wrong."""
    try:
        data = json.loads(read_regular(path, MAX_INDEX_BYTES).decode("utf-8"))
        if (
            not isinstance(data, dict)
            or data.get("version") != INDEX_VERSION
            or not isinstance(data.get("files"), list)
        ):
            return {}
        return {summary.file: summary for summary in map(FileSummary.from_json, data["files"])}
    except (OSError, ValueError, RecursionError):
        return {}


def write_index(path: Path, summaries: Sequence[FileSummary]) -> None:
    payload = {"version": INDEX_VERSION, "files": [s.to_json() for s in summaries]}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(
            path, json.dumps(payload).encode("ascii")
        )  # escapes keep odd file names intact
    except OSError:
        pass  # the index is only a cache: an unwritable data dir just means a slower next start
