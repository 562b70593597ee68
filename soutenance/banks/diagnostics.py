"""A problem found in a bank file, printed as FILE:LINE:COL: SEVERITY: MESSAGE."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    file: str
    line: int
    col: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.severity}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_dict(self) -> dict:
        return asdict(self) | {"severity": str(self.severity)}

    @classmethod
    def from_dict(cls, data: dict) -> Diagnostic:
        return cls(**(data | {"severity": Severity(data["severity"])}))


def position_of_offset(text: str | bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of a character (or byte) offset."""
    newline = "\n" if isinstance(text, str) else b"\n"
    line = text.count(newline, 0, offset) + 1
    line_start = text.rfind(newline, 0, offset) + 1
    return line, offset - line_start + 1
