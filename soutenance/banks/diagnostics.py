"""A problem found in a bank file, printed as FILE:LINE:COL: SEVERITY: MESSAGE on one line."""

from __future__ import annotations

import errno
from dataclasses import asdict, dataclass
from enum import StrEnum

from soutenance.text import visible


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
        """One line whatever the file name or message hold: control characters are escaped."""
        return (
            f"{visible(self.file)}:{self.line}:{self.col}: {self.severity}: {visible(self.message)}"
        )

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_dict(self) -> dict:
        return asdict(self) | {"severity": str(self.severity)}


def position_of_offset(text: str | bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of a character (or byte) offset."""
    newline = "\n" if isinstance(text, str) else b"\n"
    line = text.count(newline, 0, offset) + 1
    line_start = text.rfind(newline, 0, offset) + 1
    return line, offset - line_start + 1


def reason(exc: OSError) -> str:
    """Why a file or folder could not be read, in a few words."""
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    return exc.strerror or str(exc)
