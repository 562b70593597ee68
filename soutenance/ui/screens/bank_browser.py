"""The bank browser: paths → projects → questions, a search across every bank, and the edits.

Adding and editing open the question form; duplicating, moving and deleting happen here. A
bundled project is copied to the user's bank folder (after asking) before any change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Header, Input, Label, OptionList, Select, Static, Tree
from textual.widgets.option_list import Option
from textual.widgets.tree import TreeNode

from soutenance.banks.catalog import BankUnavailable, ProjectEntry
from soutenance.banks.discovery import RootKind
from soutenance.banks.editing import (
    BankDocument,
    CopyExists,
    EditError,
    copy_to_user,
    create_bank,
    move_question,
)
from soutenance.banks.model import Bank, Question, format_duration, slugify
from soutenance.i18n import t
from soutenance.text import fold
from soutenance.ui.screens.question_form import ConfirmModal, QuestionFormScreen, copy_body
from soutenance.ui.translated import Translated


@dataclass(frozen=True, slots=True)
class BrowserItem:
    """What a tree node stands for: a project, or one of its questions."""

    entry: ProjectEntry
    question_id: str | None = None


def matches(question: Question, query: str) -> bool:
    """Every word of the query appears in the question's texts, key points, follow-ups or tags (accents ignored)."""
    follow_ups = [part for f in question.follow_ups for part in (f.text, *f.key_points)]
    texts = [
        question.text,
        question.text_generic or "",
        *question.key_points,
        *follow_ups,
        *question.tags,
    ]
    haystack = fold(" ".join(texts))
    return all(word in haystack for word in fold(query).split())


def _key_point(text: Text, point: str, indent: str) -> None:
    """One key point, with its hints when it has some (they are what the transcript matching looks for)."""
    text.append(f"{indent}• {point}")
    hints = getattr(point, "hints", ())
    if hints:
        text.append("  " + t("be.hints", hints=", ".join(hints)), style="dim")
    text.append("\n")


class ProjectPicker(Translated, ModalScreen[str | None]):
    """Choose a project (returns its PATH_ID/PROJECT_ID)."""

    BINDINGS = [Binding("escape", "pick_none", "be.cancel", id="cancel")]

    def __init__(self, title: str, entries: list[ProjectEntry]) -> None:
        super().__init__()
        self.heading, self.entries = title, entries

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal", id="project-picker"):
            yield Static(Text(self.heading), classes="title")
            options = [
                Option(Text(f"{e.summary.path_name} › {e.summary.title}  ({e.ref})"), id=e.ref)
                for e in self.entries
            ]
            yield OptionList(*options, id="target-projects")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_pick_none(self) -> None:
        self.dismiss(None)


class NewProjectModal(Translated, ModalScreen[Path | None]):
    """Create a project bank from the template; dismisses with the new file."""

    BINDINGS = [Binding("escape", "close", "be.cancel", id="cancel")]

    def __init__(self, path_name: str = "", language: str = "fr") -> None:
        super().__init__()
        self.path_name, self.language = path_name, language

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal", id="new-project"):
            yield Static(t("be.np.title"), classes="title")
            yield Label(t("be.np.project_title"))
            yield Input(id="np-title")
            yield Label(t("be.np.path"))
            yield Input(self.path_name, id="np-path")
            yield Label(t("be.np.project"))
            yield Input(id="np-project")
            yield Label(t("be.np.language"))
            yield Select(
                [("français", "fr"), ("English", "en")],
                value=self.language,
                allow_blank=False,
                id="np-language",
            )
            yield Static(id="np-error", classes="field-error")
            with Horizontal(classes="confirm-buttons"):
                yield Button(t("be.np.create"), id="np-create", variant="primary")
                yield Button(t("be.cancel"), id="np-cancel")

    def on_mount(self) -> None:
        self.query_one("#np-title", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "np-create":
            self.create()
        else:
            self.dismiss(None)

    def on_input_submitted(self) -> None:
        self.create()

    def create(self) -> None:
        title = self.query_one("#np-title", Input).value.strip()
        path_name = self.query_one("#np-path", Input).value.strip()
        project_id = self.query_one("#np-project", Input).value.strip() or slugify(title)
        language = self.query_one("#np-language", Select).value
        if not title or not path_name:
            self.query_one("#np-error", Static).update(Text(t("be.np.need_title")))
            return
        try:
            created = create_bank(
                f"{slugify(path_name)}/{project_id}",
                title=title,
                language=str(language),
                path_name=path_name,
            )
        except EditError as error:
            self.query_one("#np-error", Static).update(Text(error.message))
            return
        self.dismiss(created)

    def action_close(self) -> None:
        self.dismiss(None)


class BankBrowserScreen(Translated, Screen[None]):
    """Browse, search and edit every bank. `BankBrowserScreen(project="path-id/project-id")` opens on one."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "app.back", id="back"),
        Binding("slash", "focus_search", "be.search", id="search"),
        Binding("a", "add", "be.add", id="add-question"),
        Binding("e", "edit", "be.edit", id="edit-question"),
        Binding("delete", "delete", "be.delete", id="delete-question"),
        # In the command palette rather than the footer, so that the keys above fit 80 columns.
        Binding("n", "new_project", "be.new_project", id="new-project", show=False),
        Binding("d", "duplicate", "be.duplicate", id="duplicate-question", show=False),
        Binding("m", "move", "be.move", id="move-question", show=False),
    ]

    def __init__(self, project: str | None = None) -> None:
        super().__init__()
        self.initial = project
        self.banks: dict[str, Bank | None] = {}
        self._catalog_shown = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="bank-browser"):
            with Vertical(id="bank-side"):
                yield Input(placeholder=t("be.search_placeholder"), id="bank-search")
                tree: Tree[BrowserItem | None] = Tree(Text(t("be.title")), id="bank-tree")
                tree.show_root = False
                yield tree
            with VerticalScroll(id="bank-detail"):
                yield Static(Text(t("be.pick")), id="bank-info")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = t("be.title")
        self.refresh_banks(select=(self.initial, None) if self.initial else None)
        self.query_one("#bank-tree", Tree).focus()

    # The tree

    @property
    def catalog(self):  # noqa: ANN201 - the app's Catalog
        return self.app.services.catalog

    def refresh_banks(
        self, *, reload: bool = False, select: tuple[str | None, str | None] | None = None
    ) -> None:
        """Re-read the banks (after a change) and rebuild the tree, keeping or moving the selection."""
        if reload:
            self.app.services.reload_catalog()
        if select is None and (item := self.selected) is not None:
            select = (item.entry.ref, item.question_id)
        self.banks = {}
        self._catalog_shown = self.catalog
        for entry in self.catalog.projects:
            try:
                self.banks[entry.ref] = self.catalog.load(entry)
            except BankUnavailable:
                self.banks[entry.ref] = None
        self._build_tree(select)

    async def banks_changed(self) -> None:
        """The app reloaded the banks (a file changed on disk): show them, unless already shown."""
        # Between mount and compose, or while closing, the tree is not there: on_mount reads the catalog.
        if self.catalog is not self._catalog_shown and self.query("#bank-tree"):
            self.refresh_banks()

    def _build_tree(self, select: tuple[str | None, str | None] | None) -> None:
        tree = self.query_one("#bank-tree", Tree)
        query = self.query_one("#bank-search", Input).value.strip()
        tree.clear()
        target: TreeNode | None = None
        shown = 0
        for path_name, entries in self.catalog.by_path().items():
            branch = tree.root.add(Text(path_name, style="bold"), None, expand=True)
            for entry in entries:
                bank = self.banks.get(entry.ref)
                questions = [
                    q for q in (bank.questions if bank else []) if not query or matches(q, query)
                ]
                if query and not questions:
                    continue
                label = Text(entry.summary.title)
                label.append(
                    f"  {t('be.questions', count=len(bank.questions) if bank else 0)}", style="dim"
                )
                if entry.root.kind is RootKind.BUNDLED:
                    label.append(f"  {t('be.bundled')}", style="italic dim")
                if bank is None:
                    label.append(f"  {t('be.unavailable')}", style="red")
                node = branch.add(
                    label,
                    BrowserItem(entry),
                    expand=bool(query) or (select is not None and select[0] == entry.ref),
                )
                if select is not None and select[0] == entry.ref and select[1] is None:
                    target = node
                for question in questions:
                    leaf = node.add_leaf(
                        Text(question.text.splitlines()[0]), BrowserItem(entry, question.id)
                    )
                    shown += 1
                    if select is not None and select == (entry.ref, question.id):
                        target = leaf
            if not branch.children:
                branch.remove()
        if query and not shown:
            tree.root.add_leaf(Text(t("be.no_match", query=query), style="italic"), None)
        if target is not None:
            self.call_after_refresh(tree.move_cursor, target)
            self.call_after_refresh(self._show, target.data)

    @on(Input.Changed, "#bank-search")
    def _search(self) -> None:
        self._build_tree(None)

    @on(Input.Submitted, "#bank-search")
    def _search_done(self) -> None:
        self.query_one("#bank-tree", Tree).focus()

    @property
    def selected(self) -> BrowserItem | None:
        node = self.query_one("#bank-tree", Tree).cursor_node
        return node.data if node is not None else None

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        self._show(event.node.data)

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        if isinstance(event.node.data, BrowserItem) and event.node.data.question_id:
            self.action_edit()

    def _show(self, item: BrowserItem | None) -> None:
        self.query_one("#bank-info", Static).update(self.describe(item))

    def describe(self, item: BrowserItem | None) -> Text:
        """The selected project or question, as plain text (bank texts are never markup)."""
        if item is None:
            return Text(t("be.pick"))
        summary = item.entry.summary
        bank = self.banks.get(item.entry.ref)
        question = bank.question(item.question_id) if bank and item.question_id else None
        if question is None:
            text = Text(summary.title + "\n", style="bold")
            text.append(summary.path_name + "\n\n", style="dim")
            text.append(t("be.questions", count=summary.question_count) + "\n")
        else:
            text = Text(question.text + "\n", style="bold")
            if question.text_generic:
                text.append(t("be.generic", text=question.text_generic) + "\n", style="italic dim")
            text.append("\n")
            if question.key_points:
                text.append(t("be.key_points") + "\n", style="underline")
                for point in question.key_points:
                    _key_point(text, point, "  ")
            if question.follow_ups:
                text.append(t("be.follow_ups") + "\n", style="underline")
                for follow_up in question.follow_ups:
                    text.append(f"  ↳ {follow_up.text}\n")
                    for point in follow_up.key_points:
                        _key_point(text, point, "      ")
            text.append(
                "\n"
                + t(
                    "be.meta",
                    difficulty=question.difficulty,
                    limit=format_duration(question.time_limit),
                )
                + "\n"
            )
            if question.tags:
                text.append(t("be.tags", tags=", ".join(question.tags)) + "\n")
            text.append(t("be.id", id=question.id) + "\n", style="dim")
        text.append(t("be.file", file=summary.file) + "\n", style="dim")
        if item.entry.root.kind is RootKind.BUNDLED:
            text.append(t("be.bundled_note") + "\n", style="italic dim")
        elif question is None:
            text.append("\n" + t("be.project_hint"), style="dim")
        return text

    # Actions

    def action_focus_search(self) -> None:
        self.query_one("#bank-search", Input).focus()

    def action_add(self) -> None:
        item = self.selected
        if item is not None:
            self._open_form(item.entry, None, after=item.question_id)

    def action_edit(self) -> None:
        item = self.selected
        if item is not None and item.question_id is not None:
            self._open_form(item.entry, item.question_id)

    def _open_form(
        self, entry: ProjectEntry, question_id: str | None, *, after: str | None = None
    ) -> None:
        try:
            form = QuestionFormScreen(entry.file, question_id, after=after)
        except EditError as error:
            self.notify(error.message, severity="error", markup=False)
            return

        def done(saved: str | None) -> None:
            if saved is not None:  # a bundled project copied on save keeps its path and project ids
                self.refresh_banks(reload=True, select=(entry.ref, saved))

        self.app.push_screen(form, done)

    async def _writable(self, entry: ProjectEntry) -> ProjectEntry | None:
        """The entry itself, or for a bundled project its user copy (after asking); None if declined."""
        if entry.root.kind is not RootKind.BUNDLED:
            return entry
        modal = ConfirmModal(
            copy_body(entry.summary.title),
            title=t("be.copy_title"),
            yes=t("be.copy"),
            no=t("be.cancel"),
        )
        if not await self.app.push_screen_wait(modal):
            return None
        try:
            copied = copy_to_user(entry.file)
            self.notify(t("be.copied", path=str(copied)), markup=False)
        except CopyExists as exists:
            self.notify(t("be.copy_exists", path=str(exists.path)), markup=False)
        except EditError as error:
            self.notify(error.message, severity="error", markup=False)
            return None
        self.refresh_banks(reload=True)
        found = self.catalog.find(entry.ref)
        return found[0] if found and found[0].root.kind is not RootKind.BUNDLED else None

    def _has_history(self, question_id: str) -> bool:
        try:
            history = getattr(self.app.store, "question_history", None)
            return bool(history(question_id)) if history is not None else False
        except Exception:  # noqa: BLE001 - unknown: ask as if it had history
            return True

    def action_duplicate(self) -> None:
        self._duplicate()

    @work(exclusive=True, group="bank-browser")
    async def _duplicate(self) -> None:
        item = self.selected
        if (
            item is None
            or item.question_id is None
            or (entry := await self._writable(item.entry)) is None
        ):
            return
        try:
            document = BankDocument.open(entry.file)
            new_id = document.duplicate_question(item.question_id)
            document.save()
        except EditError as error:
            self.notify(error.message, severity="error", markup=False)
            return
        self.notify(t("be.duplicated", id=new_id), markup=False)
        self.refresh_banks(reload=True, select=(entry.ref, new_id))

    def action_delete(self) -> None:
        self._delete()

    @work(exclusive=True, group="bank-browser")
    async def _delete(self) -> None:
        item = self.selected
        if item is None or item.question_id is None:
            return
        bank = self.banks.get(item.entry.ref)
        question = bank.question(item.question_id) if bank else None
        if question is None:
            return
        message = t("be.confirm_delete", text=question.text)
        if self._has_history(question.id):
            message += "\n\n" + t("be.confirm_delete_history")
        if not await self.app.push_screen_wait(
            ConfirmModal(message, yes=t("be.delete"), no=t("be.cancel"))
        ):
            return
        if (entry := await self._writable(item.entry)) is None:
            return
        try:
            document = BankDocument.open(entry.file)
            document.delete_question(question.id, has_history=self._has_history, confirmed=True)
            document.save()
        except EditError as error:
            self.notify(error.message, severity="error", markup=False)
            return
        self.notify(t("be.deleted", id=question.id), markup=False)
        self.refresh_banks(reload=True, select=(entry.ref, None))

    def action_move(self) -> None:
        self._move()

    @work(exclusive=True, group="bank-browser")
    async def _move(self) -> None:
        item = self.selected
        if item is None or item.question_id is None:
            return
        bank = self.banks.get(item.entry.ref)
        question = bank.question(item.question_id) if bank else None
        targets = [
            e for e in self.catalog.projects if e.ref != item.entry.ref and self.banks.get(e.ref)
        ]
        if question is None or not targets:
            self.notify(t("be.no_target"), markup=False)
            return
        picked = await self.app.push_screen_wait(
            ProjectPicker(t("be.move_title", text=question.text), targets)
        )
        if picked is None:
            return
        if (source := await self._writable(item.entry)) is None:
            return
        found = self.catalog.find(picked)
        if not found or (target := await self._writable(found[0])) is None:
            return
        try:
            result = move_question(
                BankDocument.open(source.file),
                question.id,
                BankDocument.open(target.file),
                has_history=self._has_history,
                confirmed=True,
            )
        except EditError as error:
            self.notify(error.message, severity="error", markup=False)
            return
        new_id = getattr(result, "question_id", question.id)
        self.notify(t("be.moved", project=target.summary.title, id=new_id), markup=False)
        self.refresh_banks(reload=True, select=(target.ref, new_id))

    def action_new_project(self) -> None:
        item = self.selected
        path_name = item.entry.summary.path_name if item else ""
        language = item.entry.summary.language if item else "fr"

        def created(path: Path | None) -> None:
            if path is None:
                return
            self.notify(t("be.np.created", file=str(path)), markup=False)
            self.app.services.reload_catalog()
            entry = next(
                (e for e in self.catalog.projects if e.file.resolve() == path.resolve()), None
            )
            self.refresh_banks(select=(entry.ref, None) if entry else None)

        self.app.push_screen(NewProjectModal(path_name, language), created)
