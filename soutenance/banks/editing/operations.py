"""Operations across bank files: moving a question, copying a project to the user folder, new banks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from soutenance import paths
from soutenance.banks.editing.document import BankDocument, Deletion, SaveResult
from soutenance.banks.editing.drafts import (
    _IDENTIFIER,
    FollowUpDraft,
    Hints,
    QuestionDraft,
    new_question_id,
)
from soutenance.banks.editing.errors import BankWriteError, BundledBank, CopyExists, InvalidEdit
from soutenance.banks.editing.layout import _body, split_lines
from soutenance.banks.editing.locations import user_copy_path
from soutenance.banks.model import slugify
from soutenance.banks.templates import MODELINE_PREFIX, bank_template, modeline, refresh_user_schema


@dataclass(frozen=True, slots=True)
class MoveResult:
    question_id: str  # its id in the target (the same unless it was taken there)
    target: SaveResult
    source: SaveResult


def move_question(
    source: BankDocument,
    question_id: str,
    target: BankDocument,
    *,
    has_history: Callable[[str], bool] | None = None,
    confirmed: bool = False,
) -> MoveResult | Deletion:
    """Move a question to another project file: written to the target first, so it is never lost.

    Returns the Deletion asking for confirmation when the question has history in its project.
    """
    if source.path.resolve() == target.path.resolve():
        raise InvalidEdit("the question is already in this project")
    question = source.question(question_id)
    for document in (source, target):
        if document.bundled:
            raise BundledBank(
                f"{document.path} is a bundled bank: copy the project to your bank folder first"
            )
    if source.needs_confirmation(question_id, has_history) and not confirmed:
        return Deletion(question_id, deleted=False, needs_confirmation=True)
    draft = QuestionDraft.from_question(question)
    taken = {q.id for q in target._valid_bank().questions}
    draft.id = question_id if question_id not in taken else new_question_id(question.text, taken)
    new_id = target.add_question(draft)
    source.delete_question(question_id, confirmed=True)
    source.ensure_unchanged()
    saved_target = target.save()
    return MoveResult(new_id, saved_target, source.save())


def copy_to_user(path: Path) -> Path:
    """Copy a project (bundled or not) into the user bank folder, where it shadows the original.

    The copy is byte for byte, except the schema modeline, which is pointed at the schema copy at
    the top of the user bank folder (written or refreshed now).
    Raises CopyExists when the user folder already has this project's file.
    """
    source = BankDocument.open(path)
    bank = source._valid_bank()
    destination = user_copy_path(bank)
    if destination.exists():
        raise CopyExists(f"{destination} already exists: edit that copy", destination)
    _make_folder(destination.parent)
    refresh_user_schema(destination.parent)
    lines = split_lines(source.text)
    if lines and lines[0].startswith(MODELINE_PREFIX):
        ending = lines[0][len(_body(lines[0])) :]
        first = modeline(destination.parent)
        lines[0:1] = [first + ending] if first else []
    copy = BankDocument(destination, "".join(lines), fingerprint=None, bom=source._bom)
    copy._saved_text = None
    copy.save()
    return destination


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise BankWriteError(f"cannot create the folder {folder}: a file has that name") from None
    except NotADirectoryError:
        raise BankWriteError(
            f"cannot create the folder {folder}: part of that path is a file"
        ) from None
    except OSError as exc:
        raise BankWriteError(f"cannot create the folder {folder}: {exc.strerror or exc}") from None


def create_bank(
    reference: str,
    *,
    title: str,
    language: str,
    path_name: str | None = None,
    evaluator_role: str | None = None,
    description: str | None = None,
    folder: Path | None = None,
) -> Path:
    """Create PATH_ID/PROJECT_ID from the template; the default folder is <user banks>/<path-id>/."""
    path_id, sep, project_id = reference.strip().strip("/").partition("/")
    if not sep or "/" in project_id:
        raise InvalidEdit(
            f"{reference!r}: name the project as PATH_ID/PROJECT_ID, e.g. community-manager/veille"
        )
    for label, value in (("path id", path_id), ("project id", project_id)):
        if not _IDENTIFIER.match(value):
            raise InvalidEdit(
                f"the {label} {value!r} may only hold lowercase letters, digits, '-' and '_'"
            )
    if language not in ("fr", "en"):
        raise InvalidEdit(f"language {language!r}: fr or en")
    path_name = (path_name or path_id.replace("-", " ").replace("_", " ").capitalize()).strip()
    if slugify(path_name) != path_id:
        raise InvalidEdit(
            f"the path name {path_name!r} gives the path id `{slugify(path_name)}`, not `{path_id}`; "
            "change one of them so they match"
        )
    folder = Path(folder) if folder is not None else paths.user_banks_dir() / path_id
    destination = folder / f"{project_id}.yaml"
    if destination.exists():
        raise InvalidEdit(f"{destination} already exists")
    refresh_user_schema(folder)
    text = bank_template(
        project_id=project_id,
        title=title,
        path_name=path_name,
        language=language,
        evaluator_role=evaluator_role,
        description=description,
        folder=folder,
        file_name=destination.name,
    )
    document = BankDocument(destination, text, fingerprint=None)
    if document._result.errors:
        raise InvalidEdit("the new bank would not be valid", document._result.errors)
    _make_folder(folder)
    document.save()
    return destination


def add_follow_up(
    path: Path, question_id: str, text: str, key_points: list[str], hints: Hints | None = None
) -> bool:
    """Add a follow-up to a question of a bank file, unless one has the same text (then False).

    Raises `EditError` when the file cannot be read, the question is not found, or the file written.
    """
    document = BankDocument.open(path)
    if not document.add_follow_up(
        question_id, FollowUpDraft(text, list(key_points), dict(hints or {}))
    ):
        return False
    document.save()
    return True


def ensure_user_copy(path: Path) -> Path:
    """The user's copy of a bundled bank, made now unless it exists already (raises `EditError`)."""
    try:
        return copy_to_user(path)
    except CopyExists as exists:
        return exists.path
