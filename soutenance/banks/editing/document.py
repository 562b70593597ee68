"""One bank file being edited: `BankDocument` opens it, edits its text in memory, saves it safely.

Each operation splices the lines of the one question it touches and is checked with the loader
and lint before it is accepted; `save()` writes atomically, refusing bundled banks, invalid text
and files that changed on disk since they were read (their fingerprint differs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from soutenance.banks.diagnostics import Diagnostic
from soutenance.banks.editing.checks import (
    DraftCheck,
    Similar,
    _describe_error,
    _validation_errors,
    check_draft,
    similar_questions,
)
from soutenance.banks.editing.drafts import (
    _IDENTIFIER,
    FollowUpDraft,
    QuestionDraft,
    _with_defaults,
    new_question_id,
)
from soutenance.banks.editing.errors import (
    BankChanged,
    BankWriteError,
    BundledBank,
    InvalidEdit,
    NotABank,
    NotEditable,
    QuestionNotFound,
    _write_problem,
)
from soutenance.banks.editing.facts import remove_fact_text, set_fact_text
from soutenance.banks.editing.layout import _analyze
from soutenance.banks.editing.locations import is_bundled
from soutenance.banks.editing.render import _apply, _load_item, _render
from soutenance.banks.editing.splice import _delete_item, _insert_item, _splice
from soutenance.banks.lint import bank_warnings
from soutenance.banks.loader import BankFile, parse_bank, read_bank
from soutenance.banks.model import Bank, Question, placeholders
from soutenance.files import Fingerprint, atomic_write

BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class Deletion:
    question_id: str
    deleted: bool
    needs_confirmation: bool


@dataclass(slots=True)
class SaveResult:
    path: Path
    written: bool
    warnings: list[Diagnostic]
    similar: dict[str, list[Similar]]  # for each question added or edited, its near-duplicates


class BankDocument:
    """One bank file being edited: operations change the text in memory, `save()` writes it safely."""

    def __init__(
        self, path: Path, text: str, *, fingerprint: Fingerprint | None, bom: bool = False
    ) -> None:
        self.path = Path(path)
        self.fingerprint = fingerprint  # None: a new file, which must still not exist when saved
        self._bom = bom
        self._text = text
        self._saved_text = text if fingerprint is not None else None
        self._touched: list[str] = []
        self._result = self._validate(text)
        self._layout = _analyze(text)

    # Reading

    @classmethod
    def open(cls, path: Path) -> BankDocument:
        """Read a bank for editing; raises NotABank with a clear message (and the lint diagnostics)."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise NotABank(f"{path}: no such bank file") from None
        except IsADirectoryError:
            raise NotABank(f"{path} is a folder, not a bank file") from None
        except OSError as exc:
            raise NotABank(f"{path}: cannot read the file ({exc.strerror or exc})") from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is None or "\x00" in text:
            diagnostics = read_bank(path).errors
            raise NotABank(
                f"{path} is not a bank: {diagnostics[0].message if diagnostics else 'not UTF-8 text'}",
                diagnostics,
            )
        bom = text.startswith(BOM)
        try:
            return cls(
                path, text.removeprefix(BOM), fingerprint=Fingerprint.of_bytes(data), bom=bom
            )
        except NotABank as exc:
            raise NotABank(f"{path}: {exc.message}", read_bank(path).errors) from None
        except NotEditable as exc:
            raise NotEditable(f"{path}: {exc.message}") from None

    @property
    def text(self) -> str:
        return self._text

    @property
    def data(self) -> bytes:
        return ((BOM if self._bom else "") + self._text).encode("utf-8")

    @property
    def dirty(self) -> bool:
        return self._text != self._saved_text

    @property
    def bank(self) -> Bank | None:
        return self._result.bank

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return list(self._result.diagnostics)

    @property
    def bundled(self) -> bool:
        return is_bundled(self.path)

    def question(self, question_id: str) -> Question:
        bank = self._valid_bank()
        found = bank.question(question_id)
        if found is None:
            known = ", ".join(q.id for q in bank.questions) or "none"
            raise QuestionNotFound(
                f"no question `{question_id}` in {self.path.name} (questions: {known})"
            )
        return found

    def check(self, draft: QuestionDraft, *, editing: str | None = None) -> DraftCheck:
        """What lint would say of this draft in this project, field by field, before any change."""
        return check_draft(draft, self.bank, editing=editing)

    # Editing (in memory; each operation is validated, and refused as a whole when invalid)

    def add_question(self, draft: QuestionDraft, *, after: str | None = None) -> str:
        """Add a question (at the end, or right after `after`); returns its id."""
        draft = draft.cleaned()
        bank = self.bank
        taken = {q.id for q in bank.questions} if bank else set()
        question_id = draft.id or new_question_id(draft.text, taken)
        if question_id in taken:
            raise InvalidEdit(f"the id `{question_id}` is already used in this project")
        self._check_values(draft, question_id)
        mapping = CommentedMap()
        _apply(mapping, None, draft, question_id, self._layout.style)
        position = None if after is None else self._index(after)
        self._commit(
            _insert_item(self._layout, _render(mapping, self._layout.style), position), question_id
        )
        return question_id

    def update_question(self, question_id: str, draft: QuestionDraft) -> bool:
        """Change a question; its id stays unless the draft names another. False when nothing changed."""
        old = self.question(question_id)
        draft = draft.cleaned()
        new_id = draft.id or question_id
        if new_id != question_id and self._valid_bank().question(new_id) is not None:
            raise InvalidEdit(f"the id `{new_id}` is already used in this project")
        self._check_values(draft, new_id)
        updated = _with_defaults(draft, old, new_id)
        if QuestionDraft.from_question(old) == updated:
            return False
        span = self._layout.items[self._index(question_id)]
        mapping = _load_item(self._layout, span)
        if mapping is None:  # ruamel cannot read this item on its own: write it afresh
            mapping, old_for_diff = CommentedMap(), None
        else:
            old_for_diff = old
        _apply(mapping, old_for_diff, updated, new_id, self._layout.style)
        new_text = _splice(
            self._layout, span.start, span.end + 1, _render(mapping, self._layout.style)
        )
        self._commit(new_text, new_id)
        return True

    def add_follow_up(self, question_id: str, follow_up: FollowUpDraft) -> bool:
        """Append a follow-up to a question; False (nothing changed) when it has one of that text."""
        draft = QuestionDraft.from_question(self.question(question_id))
        if any(item.text == follow_up.text.strip() for item in draft.follow_ups):
            return False
        draft.follow_ups.append(follow_up)
        return self.update_question(question_id, draft)

    def set_fact(self, name: str, label: str) -> bool:
        """Declare fact `name` of the project with its label (what the student fills in); False if unchanged."""
        name, label = name.strip(), " ".join(label.split())
        if not _IDENTIFIER.match(name):
            raise InvalidEdit(
                f"the fact name {name!r} may only hold lowercase letters, digits, '-' and '_'"
            )
        if not label:
            raise InvalidEdit(f"give the fact `{name}` a label: what the student fills in")
        if self._valid_bank().project.facts.get(name) == label:
            return False
        self._commit(set_fact_text(self._layout, name, label), None)
        return True

    def remove_fact(self, name: str) -> bool:
        """Remove fact `name` of the project, unless a question uses it; False when there was none."""
        bank = self._valid_bank()
        if name not in bank.project.facts:
            return False
        users = [q.id for q in bank.questions if name in placeholders(q.text)]
        if users:
            raise InvalidEdit(
                f"`{{{name}}}` is used by {', '.join(f'`{u}`' for u in users)}: change them first"
            )
        self._commit(remove_fact_text(self._layout, name), None)
        return True

    def duplicate_question(self, question_id: str) -> str:
        """A copy right after the original, with a new id; returns that id."""
        draft = QuestionDraft.from_question(self.question(question_id))
        draft.id = new_question_id(draft.text, {q.id for q in self._valid_bank().questions})
        return self.add_question(draft, after=question_id)

    def needs_confirmation(
        self, question_id: str, has_history: Callable[[str], bool] | None
    ) -> bool:
        """Deleting a question with answers in the history asks the mentor first."""
        self.question(question_id)
        return bool(has_history and has_history(question_id))

    def delete_question(
        self,
        question_id: str,
        *,
        has_history: Callable[[str], bool] | None = None,
        confirmed: bool = False,
    ) -> Deletion:
        """Delete a question, unless it has history and the deletion is not confirmed yet.

        The history itself is never touched: answers keep the text they were given with.
        """
        if self.needs_confirmation(question_id, has_history) and not confirmed:
            return Deletion(question_id, deleted=False, needs_confirmation=True)
        self._commit(_delete_item(self._layout, self._index(question_id)), None)
        if question_id in self._touched:
            self._touched.remove(question_id)
        return Deletion(
            question_id,
            deleted=True,
            needs_confirmation=bool(has_history and has_history(question_id)),
        )

    # Saving

    def save(self) -> SaveResult:
        """Write the text atomically; refuses bundled banks, invalid text and files changed on disk."""
        warnings = [d for d in self._result.diagnostics if not d.is_error]
        similar = self.similar_to_touched()
        if not self.dirty:
            return SaveResult(self.path, False, warnings, similar)
        if self.bundled:
            raise BundledBank(
                f"{self.path} is a bundled bank: it is never modified in place. Copy the project to your bank "
                "folder first (`soutenance bank copy`, or `--copy`); your copy then replaces the bundled one."
            )
        if self._result.errors:
            raise InvalidEdit(f"{self.path}: the bank would not pass lint", self._result.errors)
        self.ensure_unchanged()
        try:
            atomic_write(self.path, self.data)
        except OSError as exc:
            raise BankWriteError(_write_problem(self.path, exc)) from None
        self.fingerprint = Fingerprint.of_bytes(self.data)
        self._saved_text = self._text
        self._touched.clear()
        return SaveResult(self.path, True, warnings, similar)

    def ensure_unchanged(self) -> None:
        """Raise BankChanged when the file on disk is no longer what was read."""
        current = Fingerprint.of_file(self.path)
        if current == self.fingerprint:
            return
        if self.fingerprint is None:
            raise BankChanged(
                f"{self.path} was created by someone else meanwhile; nothing was written"
            )
        if current is None:
            raise BankChanged(
                f"{self.path} was deleted or moved since it was opened; nothing was written (your edit is kept)"
            )
        raise BankChanged(
            f"{self.path} changed on disk since it was opened (another editor, a git pull?): nothing was "
            "written, your edit is kept. Reload the file and apply your edit again."
        )

    def reload(self) -> BankDocument:
        """A fresh document of the file as it is now on disk (this one is left as it is)."""
        return BankDocument.open(self.path)

    def similar_to_touched(self) -> dict[str, list[Similar]]:
        """For each question added or edited since the last save, the near-duplicates in the project."""
        bank = self.bank
        if bank is None:
            return {}
        found = {}
        for question_id in self._touched:
            question = bank.question(question_id)
            if question is not None and (
                close := similar_questions(question.text, bank.questions, exclude=[question_id])
            ):
                found[question_id] = close
        return found

    # Internals

    def _valid_bank(self) -> Bank:
        if self.bank is None:
            raise NotABank(
                f"{self.path} has errors; fix them first (soutenance bank lint {self.path})",
                self._result.errors,
            )
        return self.bank

    def _index(self, question_id: str) -> int:
        self.question(question_id)
        return next(i for i, q in enumerate(self._valid_bank().questions) if q.id == question_id)

    def _check_values(self, draft: QuestionDraft, question_id: str) -> None:
        if errors := _validation_errors(draft, question_id):
            where = [".".join(str(step) for step in e["loc"]) for e in errors]
            problems = [
                f"{w}: {_describe_error(e)}" if w else _describe_error(e)
                for w, e in zip(where, errors, strict=True)
            ]
            raise InvalidEdit("the question is not valid: " + "; ".join(problems))

    def _validate(self, text: str) -> BankFile:
        result = parse_bank(text, self.path, display=str(self.path))
        if result.bank is not None and result.node is not None:
            result.diagnostics.extend(bank_warnings(result))
        return result

    def _commit(self, text: str, touched: str | None) -> None:
        result = self._validate(text)
        if result.errors:
            raise InvalidEdit(
                f"{self.path}: the edit would leave a bank lint rejects", result.errors
            )
        layout = _analyze(text)
        self._text, self._result, self._layout = text, result, layout
        if touched is not None and touched not in self._touched:
            self._touched.append(touched)
