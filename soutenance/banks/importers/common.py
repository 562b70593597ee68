"""What every reader shares: the result of reading a source, and how cells are split and parsed."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from soutenance.banks.editing import QuestionDraft
from soutenance.banks.model import parse_duration
from soutenance.text import fold


class ImportFailed(Exception):
    """The source cannot be read at all (no question column, unknown format…)."""


@dataclass(slots=True)
class Imported:
    draft: QuestionDraft
    where: str  # SOURCE:LINE


@dataclass(frozen=True, slots=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(slots=True)
class Parsed:
    format: str
    questions: list[Imported] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


_BULLET = re.compile(r"^\s*(?:[-*+•·–—]|\d+[.)])\s+")
_DIFFICULTY_WORDS = {
    "facile": 1, "easy": 1, "simple": 1,
    "moyen": 2, "moyenne": 2, "medium": 2, "normal": 2, "normale": 2, "usual": 2, "habituelle": 2,
    "difficile": 3, "hard": 3, "difficult": 3, "dur": 3, "dure": 3,
}  # fmt: skip


def comparable(text: str) -> str:
    """Lowercase, without accents, punctuation as single spaces: how headers and labels compare."""
    return " ".join(re.findall(r"\w+", fold(text)))


def split_items(cell: str) -> list[str]:
    """Key points or follow-ups of one cell: one per line, else separated by `|`, else by `;`."""
    cell = cell.strip()
    if not cell:
        return []
    if "\n" in cell:
        parts = cell.splitlines()
    elif "|" in cell:
        parts = cell.split("|")
    else:
        parts = cell.split(";")
    return strip_bullets(parts)


def strip_bullets(lines: Iterable[str]) -> list[str]:
    """Each line without its list marker (`-`, `*`, `1.`…) nor surrounding spaces; empty ones dropped."""
    return [item for line in lines if (item := _BULLET.sub("", line).strip())]


def split_tags(cell: str) -> list[str]:
    return [tag for part in re.split(r"[,;|\n]", cell) if (tag := part.strip())]


def parse_difficulty(value: str) -> int | None:
    """1, 2 or 3 from a digit or a word (facile/easy, moyen/medium, difficile/hard); None when empty."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit() and 1 <= int(value) <= 3:
        return int(value)
    if (known := _DIFFICULTY_WORDS.get(comparable(value))) is not None:
        return known
    raise ValueError(f"difficulty {value!r}: write 1, 2 or 3 (or facile, moyen, difficile)")


def _duration(value: str) -> int | None:
    value = value.strip()
    return parse_duration(value) if value else None


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


def _guess_delimiter(text: str, candidates: tuple[str, ...]) -> str:
    """The candidate found most often in the first non-blank line (outside quotes); ties go to the first."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max(candidates, key=lambda d: _count_outside_quotes(first, d))


def _csv_rows(
    text: str, delimiter: str, name: str, what: str, offset: int = 0
) -> Iterator[tuple[int, list[str]]]:
    """(line where it starts, cells) of each row that holds something; `offset` lines precede `text`.

    A malformed file raises ImportFailed naming the line and saying it is not a readable `what`.
    """
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = offset + 1
    try:
        for row in rows:
            start, line = line, offset + rows.line_num + 1
            if any(cell.strip() for cell in row):
                yield start, row
    except csv.Error as exc:
        raise ImportFailed(f"{name}:{line}: not a readable {what} ({exc})") from None
