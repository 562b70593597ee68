"""The form that adds or edits one question, checked with lint's rules as the mentor types."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static, TextArea

from soutenance.banks.editing import (
    BankChanged,
    BankDocument,
    CopyExists,
    DraftCheck,
    EditError,
    FieldProblem,
    FollowUpLines,
    QuestionDraft,
    copy_to_user,
    dropped_hints,
    follow_ups_text,
    is_bundled,
    kept_hints,
    parse_follow_ups,
)
from soutenance.banks.model import parse_duration
from soutenance.i18n import t
from soutenance.ui.translated import Translated

FIELDS = ("text", "text_generic", "key_points", "follow_ups", "difficulty", "time_limit", "tags")
_LIST_FIELDS = ("key_points", "tags")


def say(problem: FieldProblem) -> str:
    """A field problem in the interface's language (the core's English message when untranslated)."""
    if not problem.code:
        return problem.message
    text = t(f"be.err.{problem.code}", **problem.params)
    return problem.message if text == f"be.err.{problem.code}" else text


class ConfirmModal(Translated, ModalScreen[bool]):
    """A yes/no question; the message is plain text, never markup."""

    BINDINGS = [
        Binding("escape", "answer(False)", "be.cancel", id="cancel"),
        Binding("y", "answer(True)", "be.yes", id="yes", show=False),
        Binding("n", "answer(False)", "be.no", id="no", show=False),
    ]

    def __init__(
        self, message: str, *, title: str = "", yes: str | None = None, no: str | None = None
    ) -> None:
        super().__init__()
        self.message, self.heading = message, title
        self.yes_label, self.no_label = yes or t("be.yes"), no or t("be.no")

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal confirm-modal"):
            if self.heading:
                yield Static(Text(self.heading), classes="title")
            yield Static(Text(self.message), id="confirm-message")
            with Horizontal(classes="confirm-buttons"):
                yield Button(self.yes_label, id="confirm-yes", variant="primary")
                yield Button(self.no_label, id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


def copy_body(title: str) -> str:
    """The offer to copy a bundled project before editing it."""
    from soutenance import paths

    return t("be.copy_body", title=title, path=str(paths.user_banks_dir()))


class QuestionFormScreen(Translated, Screen[str | None]):
    """Add a question to a bank file (question_id None) or edit one; dismisses with the saved id.

    Raises EditError from the constructor when the file cannot be opened for editing.
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "be.save", id="save", priority=True),
        Binding("escape", "cancel", "be.cancel", id="cancel"),
    ]

    def __init__(
        self, path: Path, question_id: str | None = None, *, after: str | None = None
    ) -> None:
        super().__init__()
        self.path = Path(path)
        self.question_id = question_id
        self.after = after
        self.document = BankDocument.open(self.path)
        self._base = self.document.fingerprint
        question = self.document.question(question_id) if question_id else None
        self.original = (
            QuestionDraft.from_question(question) if question else QuestionDraft(text="")
        )
        self._accepted_similar: set[str] = set()
        self.last_check: DraftCheck | None = None
        self.follow_up_lines = FollowUpLines()

    # Layout

    def compose(self) -> ComposeResult:
        original = self.original
        bank = self.document.bank
        project = bank.project.title if bank else self.path.name
        heading = t(
            "be.form.title_edit" if self.question_id else "be.form.title_new", project=project
        )
        yield Header()
        with VerticalScroll(id="question-form"):
            yield Static(Text(heading), classes="title")
            yield Static(id="form-id")
            yield Label(t("be.form.text"))
            yield TextArea(original.text, id="form-text", soft_wrap=True, tab_behavior="focus")
            yield Static(id="error-text", classes="field-error")
            yield Label(t("be.form.text_generic"))
            yield Input(original.text_generic or "", id="form-text_generic")
            yield Static(self._facts_line(), id="form-facts", classes="form-note")
            yield Static(id="error-text_generic", classes="field-error")
            yield Label(t("be.form.key_points"))
            yield TextArea(
                "\n".join(original.key_points), id="form-key_points", tab_behavior="focus"
            )
            yield Static(id="form-hints", classes="form-note")
            yield Static(id="error-key_points", classes="field-error")
            yield Label(t("be.form.follow_ups"))
            yield TextArea(
                follow_ups_text(original.follow_ups), id="form-follow_ups", tab_behavior="focus"
            )
            yield Static(id="error-follow_ups", classes="field-error")
            with Horizontal(id="form-numbers"):
                with Vertical():
                    yield Label(t("be.form.difficulty"))
                    options = [
                        (t("be.form.easy"), 1),
                        (t("be.form.usual"), 2),
                        (t("be.form.hard"), 3),
                    ]
                    yield Select(
                        options,
                        value=int(original.difficulty or 2),
                        allow_blank=False,
                        id="form-difficulty",
                    )
                    yield Static(id="error-difficulty", classes="field-error")
                with Vertical():
                    yield Label(t("be.form.time_limit"))
                    yield Input(str(original.time_limit or 90), id="form-time_limit")
                    yield Static(id="error-time_limit", classes="field-error")
            yield Label(t("be.form.tags"))
            yield Input(", ".join(original.tags), id="form-tags")
            yield Static(id="error-tags", classes="field-error")
            yield Static(id="form-warnings")
            yield Static(id="form-errors")
        yield Footer()

    def _facts_line(self) -> Text:
        bank = self.document.bank
        facts = bank.project.facts if bank else {}
        if not facts:
            return Text(t("be.form.no_facts"))
        return Text(
            t(
                "be.form.facts",
                facts=" · ".join(f"{{{name}}} {label}" for name, label in facts.items()),
            )
        )

    def on_mount(self) -> None:
        self.validate()
        self.query_one("#form-text", TextArea).focus()

    # Reading and checking the form

    def draft(self) -> QuestionDraft:
        """The question as currently typed; key points and follow-ups keep their hints by text."""
        self.follow_up_lines = parse_follow_ups(
            self.query_one("#form-follow_ups", TextArea).text, self.original.follow_ups
        )
        key_points = [
            line.strip() for line in self.query_one("#form-key_points", TextArea).text.splitlines()
        ]
        difficulty = self.query_one("#form-difficulty", Select).value
        return QuestionDraft(
            text=self.query_one("#form-text", TextArea).text,
            text_generic=self.query_one("#form-text_generic", Input).value,
            key_points=key_points,
            hints=kept_hints(key_points, self.original.hints),
            follow_ups=self.follow_up_lines.follow_ups,
            difficulty=difficulty if isinstance(difficulty, int) else None,
            time_limit=self.query_one("#form-time_limit", Input).value,
            tags=self.query_one("#form-tags", Input).value.split(","),
        )

    @on(TextArea.Changed)
    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self.validate()

    def validate(self) -> DraftCheck:
        """Show each field's problems under it, as lint would report them."""
        draft = self.draft()
        check = self.document.check(draft, editing=self.question_id)
        orphans = self.follow_up_lines.orphans
        if orphans:  # a key point line above every follow-up: the form alone can say so
            message = t("be.err.orphan_key_point")
            check.errors += [
                FieldProblem("follow_ups", message, code="orphan_key_point") for _ in orphans
            ]
        self.last_check = check
        pending = list(orphans)
        for name in FIELDS:
            problems = [p for p in check.errors if p.field == name]
            lines = [self._located(p, pending) for p in problems]
            self.query_one(f"#error-{name}", Static).update(Text("\n".join(lines)))
            self.query_one(f"#form-{name}").set_class(bool(problems), "-invalid")
        key = "be.form.id" if self.question_id else "be.form.id_new"
        self.query_one("#form-id", Static).update(Text(t(key, id=check.question_id)))
        warnings = [say(w) for w in check.warnings] + self._dropped_hints(draft)
        self.query_one("#form-warnings", Static).update(Text("\n".join(warnings)))
        self._show_hints(draft)
        return check

    def _located(self, problem: FieldProblem, orphans: list[int]) -> str:
        """A problem with the line it is on, for the fields written one item per line."""
        line = None
        if problem.code == "orphan_key_point":
            line = orphans.pop(0) if orphans else None
        elif problem.field == "follow_ups":
            line = self.follow_up_lines.line_of(problem.index, problem.sub_index)
        elif problem.field in _LIST_FIELDS:
            line = problem.index
        return (
            say(problem) if line is None else t("be.form.line", line=line + 1, message=say(problem))
        )

    def _dropped_hints(self, draft: QuestionDraft) -> list[str]:
        pool = {point: words for f in self.original.follow_ups for point, words in f.hints.items()}
        points = [point for f in draft.follow_ups for point in f.key_points]
        dropped = dropped_hints(self.original.hints, draft.key_points) + dropped_hints(pool, points)
        return [
            t("be.form.hints_dropped", point=point, hints=", ".join(words))
            for point, words in dropped
        ]

    def _show_hints(self, draft: QuestionDraft) -> None:
        lines = [
            t("be.form.hint_line", point=point, hints=", ".join(draft.hints[point]))
            for point in draft.key_points
            if draft.hints.get(point)
        ]
        note = self.query_one("#form-hints", Static)
        note.update(Text("\n".join([t("be.form.hints"), *lines]) if lines else ""))
        note.display = bool(lines)

    def changed_fields(self) -> set[str]:
        """The fields the mentor changed since the form opened."""
        now, before = self.draft().cleaned(), self.original.cleaned()
        names = ("text", "text_generic", "key_points", "follow_ups", "tags")
        changed = {name for name in names if getattr(now, name) != getattr(before, name)}
        if int(now.difficulty or 2) != int(before.difficulty or 2):
            changed.add("difficulty")
        try:
            if parse_duration(now.time_limit or 90) != parse_duration(before.time_limit or 90):
                changed.add("time_limit")
        except ValueError:
            changed.add("time_limit")
        return changed

    # Actions

    def action_save(self) -> None:
        self._save()

    @work(exclusive=True, group="question-form")
    async def _save(self) -> None:
        check = self.validate()
        if not check.ok:
            self.notify(t("be.form.fix"), severity="error", markup=False)
            return
        for close in check.similar[:1]:
            if close.question_id in self._accepted_similar:
                continue
            message = t("be.similar_confirm", id=close.question_id, text=close.text)
            if not await self.app.push_screen_wait(
                ConfirmModal(message, yes=t("be.save_anyway"), no=t("be.cancel"))
            ):
                return
            self._accepted_similar.add(close.question_id)
        if is_bundled(self.path) and not await self._copy_first():
            return
        self._write()

    async def _copy_first(self) -> bool:
        bank = self.document.bank
        title = bank.project.title if bank else self.path.name
        modal = ConfirmModal(
            copy_body(title), title=t("be.copy_title"), yes=t("be.copy"), no=t("be.cancel")
        )
        if not await self.app.push_screen_wait(modal):
            return False
        try:
            copied = copy_to_user(self.path)
            self.notify(t("be.copied", path=str(copied)), markup=False)
        except CopyExists as exists:
            copied = exists.path
            self.notify(t("be.copy_exists", path=str(copied)), markup=False)
        except EditError as error:
            self._show_error(error)
            return False
        try:
            self.document = BankDocument.open(copied)
        except EditError as error:
            self._show_error(error)
            return False
        self.path, self._base = copied, self.document.fingerprint
        self._reload_catalog()
        return True

    def _write(self) -> None:
        """Apply the changed fields to the file as it is now; refuse if it changed since it was read."""
        try:
            document = BankDocument.open(self.path)
        except EditError as error:
            self._show_error(error)
            return
        if document.fingerprint != self._base:
            # Someone else changed the file: write nothing now. The next save applies the mentor's
            # changed fields on top of that new version, so neither change is lost.
            self.document, self._base = document, document.fingerprint
            self.notify(
                t("be.changed_on_disk", file=str(self.path)),
                severity="error",
                timeout=20,
                markup=False,
            )
            self.validate()
            return
        draft = self.draft().cleaned()
        try:
            if self.question_id is None:
                saved_id = document.add_question(draft, after=self.after)
            else:
                current = QuestionDraft.from_question(document.question(self.question_id))
                for name in self.changed_fields():
                    setattr(current, name, getattr(draft, name))
                    if name == "key_points":  # hints changed on disk meanwhile win over the form's
                        current.hints = kept_hints(draft.key_points, draft.hints | current.hints)
                document.update_question(self.question_id, current)
                saved_id = self.question_id
            result = document.save()
        except BankChanged as error:
            self._base = None
            self.notify(
                t("be.changed_on_disk", file=str(self.path)),
                severity="error",
                timeout=20,
                markup=False,
            )
            self._show_error(error, notify=False)
            return
        except EditError as error:
            self._show_error(error)
            return
        self._reload_catalog()
        message = t("be.saved", id=saved_id, file=self.path.name)
        for close in result.similar.get(saved_id, [])[:1]:
            message += "\n" + t("be.similar", id=close.question_id, text=close.text)
        self.notify(message, markup=False)
        self.dismiss(saved_id)

    def _show_error(self, error: EditError, *, notify: bool = True) -> None:
        text = Text(error.message, style="bold")
        for diagnostic in error.diagnostics:
            text.append("\n" + str(diagnostic))
        self.query_one("#form-errors", Static).update(text)
        if notify:
            self.notify(error.message, severity="error", timeout=15, markup=False)

    def _reload_catalog(self) -> None:
        services = getattr(self.app, "services", None)
        if services is not None:
            services.reload_catalog()

    def action_cancel(self) -> None:
        self._cancel()

    @work(exclusive=True, group="question-form")
    async def _cancel(self) -> None:
        if self.changed_fields():
            modal = ConfirmModal(
                t("be.form.discard"), yes=t("be.form.discard_yes"), no=t("be.cancel")
            )
            if not await self.app.push_screen_wait(modal):
                return
        self.dismiss(None)
