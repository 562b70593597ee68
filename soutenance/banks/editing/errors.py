"""Why an edit or a save is refused: one exception per reason, each with a message for people."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from soutenance.banks.diagnostics import Diagnostic


class EditError(Exception):
    """An edit or a save that was refused; `message` says why and what to do, for people."""

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics = list(diagnostics)


class NotABank(EditError):
    """The file cannot be read as a bank (missing, not YAML, not a project mapping, …)."""


class NotEditable(EditError):
    """A bank whose layout this editor cannot splice safely (e.g. questions in flow style)."""


class InvalidEdit(EditError):
    """The edit would leave a bank that lint rejects; nothing was changed."""


class QuestionNotFound(EditError):
    pass


class BundledBank(EditError):
    """Bundled banks are never modified in place: copy the project to the user folder first."""


class BankChanged(EditError):
    """The file changed on disk since it was read: the save is refused, the edit is kept in memory."""


class BankWriteError(EditError):
    """The file could not be written (read-only or missing folder…); the file on disk is unchanged."""


class CopyExists(EditError):
    """copy_to_user: the user folder already holds a copy of this project."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path


def _write_problem(path: Path, exc: OSError) -> str:
    folder = path.parent
    if isinstance(exc, FileNotFoundError) and not folder.exists():
        return f"cannot save {path}: the folder {folder} does not exist (any more?)"
    if isinstance(exc, NotADirectoryError):
        return f"cannot save {path}: {folder} is not a folder"
    if isinstance(exc, PermissionError) or getattr(exc, "errno", None) == 30:  # EROFS
        return (
            f"cannot save {path}: the folder {folder} is read-only ({exc.strerror or exc}); "
            "copy the bank to a folder you can write to. The file on disk is unchanged."
        )
    return f"cannot save {path}: {exc.strerror or exc}. The file on disk is unchanged."
