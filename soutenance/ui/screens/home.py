"""Home: the paths and their projects, with what the selected project's defense looks like."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Static, Tree
from textual.widgets.tree import TreeNode

from soutenance.banks.catalog import ProjectEntry
from soutenance.i18n import t
from soutenance.ui.translated import Translated


class HomeScreen(Translated, Screen[None]):
    BINDINGS = [
        Binding("r", "rehearse", "home.rehearse", id="rehearse"),
        Binding("m", "mock", "home.key.mock", id="mock"),
        Binding("p", "problems", "home.problems", id="problems"),
        Binding("c", "resume", "home.resume", id="resume"),
        Binding("h", "history", "home.history", id="history"),
        Binding("e", "banks", "home.banks", id="banks", show=False),  # in the palette: 80 columns
        Binding("t", "mentor", "mentor.key.mentor", id="mentor"),
        Binding("s", "stats", "home.stats", id="stats"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.unfinished: list = []
        self._started = False

    def compose(self) -> ComposeResult:
        yield Header()
        catalog = self.app.services.catalog
        if catalog.problems:
            yield Static(
                t("home.problems_count", count=len(catalog.problems)), id="problems-banner"
            )
        with Horizontal(id="home"):
            yield self._project_tree()
            with Vertical(id="project-detail"):
                with VerticalScroll(id="project-info-scroll", can_focus=False):
                    yield Static(t("home.pick_project"), id="project-info")
                with Horizontal(id="project-actions"):
                    yield Button(
                        t("home.rehearse"), id="rehearse", variant="primary", disabled=True
                    )
                    yield Button(t("home.mock"), id="mock", disabled=True)
        yield Footer()

    def _project_tree(self) -> Tree[ProjectEntry | None]:
        tree: Tree[ProjectEntry | None] = Tree(Text(t("home.title")), id="projects")
        tree.show_root = False
        catalog = self.app.services.catalog
        grouped = catalog.by_path()
        if not grouped:
            tree.root.add_leaf(Text(t("home.no_projects")), None)
        last = self.app.last_project
        for path_name, entries in grouped.items():
            # Only the path of the last project opens expanded: 500 projects stay cheap to start.
            expand = len(grouped) <= 3 or any(entry.ref == last for entry in entries)
            branch = tree.root.add(Text(path_name, style="bold"), None, expand=expand)
            for entry in entries:
                label = Text(entry.summary.title)
                label.append(
                    f"  {t('home.questions', count=entry.summary.question_count)}", style="dim"
                )
                branch.add_leaf(label, entry)
        return tree

    def on_mount(self) -> None:
        tree = self.query_one("#projects", Tree)
        last = self.app.last_project
        leaves = [
            leaf
            for branch in tree.root.children
            for leaf in branch.children
            if leaf.data is not None
        ]
        target = next(
            (leaf for leaf in leaves if leaf.data.ref == last), leaves[0] if leaves else None
        )
        if target is not None:
            tree.move_cursor(target)  # selected at once: a key pressed while drawing acts on it
            self.call_after_refresh(_scroll_to_top_if_shown, tree, target)
        tree.focus()
        if self.app.first_frame_drawn:  # else the app calls look_at_start once it is
            self.call_after_refresh(self.look_at_start)

    def look_at_start(self) -> None:
        """Open the store and look for an unfinished session (after the first frame)."""
        if not self._started:
            self._started = True
            self._look_for_unfinished()

    async def banks_changed(self) -> None:
        """The banks were reloaded (a file changed on disk): rebuild the tree and the problems
        banner, keeping the selected project."""
        selected = self.selected.ref if self.selected else None
        await self.recompose()
        found = self.query("#projects")
        if not found:  # the screen is being taken down
            return
        tree = found.first(Tree)
        for branch in tree.root.children:
            for leaf in branch.children:
                if leaf.data is not None and leaf.data.ref == selected:
                    branch.expand()
                    tree.move_cursor(leaf)
        tree.focus()
        self.refresh_bindings()

    def _look_for_unfinished(self, *, announce: bool = True) -> None:
        """A session killed or quit midway is offered for resuming (said once, at start)."""
        if announce and (self.app.first_request is not None or self.app.screen is not self):
            return  # a session (or a screen) asked for is starting: it is not "unfinished"
        student = self.app.services.config.student
        if not student:
            return
        store = self.app.store
        if store is None:
            return
        try:
            self.unfinished = [s for s in store.unfinished_sessions(student) if s.kind != "live"]
        except Exception:  # noqa: BLE001 - the home screen must open whatever the store says
            self.unfinished = []
        if self.unfinished and announce:
            last = self.unfinished[0]
            self.notify(t("home.unfinished", title=last.project_title), timeout=10, markup=False)
        self.refresh_bindings()

    def on_screen_resume(self) -> None:
        if self._started:  # the first look waits for the first frame (look_at_start)
            self._look_for_unfinished(announce=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resume":
            return bool(self.unfinished)
        if action == "problems":
            return bool(self.app.services.catalog.problems)  # the banner says when to look
        return True

    def action_problems(self) -> None:
        self.app.action_show_problems()

    def action_banks(self) -> None:
        from soutenance.ui.screens.bank_browser import BankBrowserScreen

        self.app.push_screen(BankBrowserScreen(self.selected.ref if self.selected else None))

    def action_mentor(self) -> None:
        from soutenance.ui.screens.roster import RosterScreen

        self.app.push_screen(RosterScreen())

    def action_stats(self) -> None:
        from soutenance.ui.screens.stats import StatsScreen

        if (entry := self.selected) is not None:
            self.app.push_screen(StatsScreen(entry, self.app.services.config.student or None))

    def action_resume(self) -> None:
        from soutenance.ui.resume import resume_in_app

        if self.unfinished:
            # The "press c to resume" notice would stay over the resumed question for seconds.
            self.app.clear_notifications()
            resume_in_app(self, self.unfinished[0].id)

    def action_history(self) -> None:
        from soutenance.ui.screens.sessions import SessionsScreen

        self.app.push_screen(SessionsScreen(self.app.services.config.student or None))

    @property
    def selected(self) -> ProjectEntry | None:
        found = self.query("#projects")
        node = found.first(Tree).cursor_node if found else None  # none while the tree is rebuilt
        return node.data if node is not None else None

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        entry = event.node.data
        for button in self.query("#project-actions Button").results(Button):
            button.disabled = entry is None
        self.query_one("#project-info", Static).update(self._describe(entry))

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        if event.node.data is not None:
            self.action_rehearse()

    def _describe(self, entry: ProjectEntry | None) -> Text:
        if entry is None:
            return Text(t("home.pick_project"))
        summary = entry.summary
        text = Text(summary.title + "\n", style="bold")
        text.append(summary.path_name + "\n\n", style="dim")
        text.append(t("home.evaluator", role=summary.evaluator_role) + "\n", style="italic")
        presentation, discussion, debrief = summary.minutes
        text.append(
            t("home.format", presentation=presentation, discussion=discussion, debrief=debrief)
            + "\n"
        )
        text.append(t("home.questions", count=summary.question_count) + "\n")
        text.append(t("home.language", language=summary.language) + "\n")
        text.append(t("home.source", file=_shown_path(entry)) + "\n", style="dim")
        for shadowed in entry.shadows:
            text.append(t("home.shadows", file=shadowed) + "\n", style="dim")
        return text

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "rehearse":
            self.action_rehearse()
        elif event.button.id == "mock":
            self.action_mock()

    def action_rehearse(self) -> None:
        if (entry := self.selected) is not None:
            self.app.start_rehearsal(entry, mock=False)

    def action_mock(self) -> None:
        if (entry := self.selected) is not None:
            self.app.start_rehearsal(entry, mock=True)

    def palette_commands(self) -> Iterable[SystemCommand]:
        if self.selected is not None:
            yield SystemCommand(
                t("home.rehearse"), self.selected.summary.title, self.action_rehearse
            )
            yield SystemCommand(t("home.mock"), self.selected.summary.title, self.action_mock)


def _scroll_to_top_if_shown(tree: Tree[ProjectEntry | None], node: TreeNode) -> None:
    """Moved before the tree was laid out, its cursor scrolled it as if it were one line high:
    back to the top (its first path in view) when the cursor fits in the first screenful."""
    if 0 <= node.line < tree.scrollable_content_region.height:
        tree.scroll_home(animate=False)


def _shown_path(entry: ProjectEntry) -> str:
    """Bundled files relative to the bundled folder: the same on every machine."""
    from pathlib import Path

    if entry.root.kind == "bundled":
        return f"{Path(entry.summary.file).relative_to(entry.root.path)} ({t('home.bundled')})"
    return entry.summary.file
