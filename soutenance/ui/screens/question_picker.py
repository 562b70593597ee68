"""Choosing the next live question: a searchable list of the project's questions.

Filters: text, tag, difficulty, "not asked yet" (never asked to this student) and "weak last
time" (the student's last answer to it was weak: skipped, overtime, few key points, unsure).
Key points are never shown here: the screen may be shared with the student.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Checkbox, Footer, Header, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from soutenance.banks.model import Question, format_duration
from soutenance.i18n import t
from soutenance.session.answer_quality import answer_order
from soutenance.session.draw import QuestionFilter
from soutenance.session.live import QuestionHistory
from soutenance.session.scheduling import asked_and_weak
from soutenance.store.records import question_records
from soutenance.ui.translated import Translated


@dataclass
class PickerFilters:
    text: str = ""
    tag: str | None = None
    difficulties: set[int] = field(default_factory=set)
    not_asked: bool = False
    weak: bool = False


def student_history(
    store: Any,
    student: str,
    path_id: str,
    project_id: str,
    questions: Sequence[Question],
    *,
    exclude_session: str | None = None,
) -> QuestionHistory:
    """Questions asked to the student in this project before, and those weak at their last answer.

    Read from the student's stored memory (a few rows whatever the history); `exclude_session`
    leaves out the session in progress: "last time" means before it, so the questions it asked
    are judged again from their earlier answers."""
    from soutenance.store.derived import student_memory

    ids = {q.id for q in questions}
    memory = student_memory(store, student, path_id, project_id)
    asked, weak = set(memory.seen_ids()) & ids, set(memory.weakest()) & ids
    current: set[str] = set()
    if exclude_session is not None:
        try:
            current = {a.question_id for a in store.load_session(exclude_session).answers} & asked
        except LookupError:  # not saved yet: nothing of it is in the memory
            current = set()
    if current:
        earlier = [
            r
            for qid in sorted(current)
            for r in question_records(store, qid, path_id=path_id, project_id=project_id)
            if r.student == student and r.session_id != exclude_session
        ]
        before, weak_before = asked_and_weak(sorted(earlier, key=answer_order), current)
        asked, weak = (asked - current) | before, (weak - current) | weak_before
    return QuestionHistory(frozenset(asked), frozenset(weak))


def filter_questions(
    questions: Sequence[Question], filters: PickerFilters, history: QuestionHistory
) -> list[Question]:
    exclude = history.asked | history.this_session if filters.not_asked else frozenset()
    chosen = QuestionFilter(
        difficulties=filters.difficulties,
        tags={filters.tag} if filters.tag else frozenset(),
        text=filters.text,
        exclude_ids=exclude,
        only_ids=history.weak if filters.weak else None,
    )
    return chosen.apply(questions)


class QuestionPickerScreen(Translated, Screen[str | None]):
    """Dismisses with the chosen question's id, or None."""

    BINDINGS = [
        Binding("escape", "back", "app.back", id="back"),
        Binding("slash", "search", "be.search", key_display="/", id="search"),
        Binding("n", "toggle('not_asked')", "mentor.key.not_asked", id="not-asked"),
        Binding("w", "toggle('weak')", "mentor.key.weak", id="weak"),
        *[
            Binding(
                str(n),
                f"difficulty({n})",
                "mentor.key.difficulty",
                key_display="1-3",
                show=n == 1,
                id=f"difficulty-{n}",
            )
            for n in (1, 2, 3)
        ],
        Binding("g", "tag", "mentor.key.tag", id="tag"),
        Binding("r", "draw", "mentor.key.draw_among", id="draw-among"),
    ]

    def __init__(
        self,
        questions: Sequence[Question],
        history: QuestionHistory | Callable[[], QuestionHistory],
        filters: PickerFilters | None = None,
        seed: int | None = None,
    ) -> None:
        """``history`` may be a function reading it: it then runs in a worker thread while the
        list shows a loading indicator."""
        super().__init__()
        self.questions = list(questions)
        self._read_history = None if isinstance(history, QuestionHistory) else history
        self.history = history if isinstance(history, QuestionHistory) else QuestionHistory()
        self.filters = filters or PickerFilters()
        self.rng = random.Random(seed)
        self.shown: list[Question] = []

    def compose(self) -> ComposeResult:
        tags = sorted({tag for q in self.questions for tag in q.tags}, key=str.casefold)
        filters = self.filters
        yield Header()
        with Vertical(id="picker-screen"):
            with Horizontal(id="picker-search-row"):
                yield Input(
                    filters.text,
                    placeholder=t("mentor.picker.search"),
                    id="picker-search",
                    compact=True,
                )
                yield Checkbox(
                    t("mentor.picker.not_asked"),
                    filters.not_asked,
                    id="picker-not-asked",
                    compact=True,
                )
                yield Checkbox(
                    t("mentor.picker.weak"), filters.weak, id="picker-weak", compact=True
                )
            with Horizontal(id="picker-filters"):
                yield Select(
                    [(Text(tag), tag) for tag in tags], prompt=t("mentor.picker.all_tags"),
                    value=filters.tag if filters.tag in tags else Select.NULL, id="picker-tag", compact=True,
                )  # fmt: skip
                yield Static(t("mentor.picker.difficulties"), id="picker-difficulty-label")
                for level in (1, 2, 3):
                    yield Checkbox(
                        str(level),
                        level in filters.difficulties,
                        id=f"picker-difficulty-{level}",
                        compact=True,
                    )
            yield OptionList(id="picker-list")
            yield Static(id="picker-detail")
            yield Static(id="picker-count")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = t("mentor.picker.title")
        self.query_one("#picker-list", OptionList).focus()
        if self._read_history is None:
            self.refresh_list()
        else:  # the list is filled once, when the history is there
            self.query_one("#picker-list").loading = True
            self._load_history(self._read_history)

    @work(thread=True, exclusive=True, group="picker-history")
    def _load_history(self, read: Callable[[], QuestionHistory]) -> None:
        history = read()
        self.app.call_from_thread(self._history_loaded, history)

    def _history_loaded(self, history: QuestionHistory) -> None:
        if not self.is_attached:
            return
        self.history = history
        options = self.query_one("#picker-list", OptionList)
        options.loading = False
        self.refresh_list()
        search = self.query_one("#picker-search", Input)
        if self.focused is search and not search.value:
            options.focus()  # the focus only moved to the search while the list was loading

    def _label(self, question: Question) -> Text:
        """One line: asked before, weak last time, difficulty and time, then the text."""
        history = self.history
        asked = question.id in history.asked or question.id in history.this_session
        label = Text(no_wrap=True, overflow="ellipsis")
        label.append("✓ " if asked else "  ", style="green")
        label.append("⚠ " if question.id in history.weak else "  ", style="bold yellow")
        label.append(
            f"{question.difficulty} · {format_duration(question.time_limit):>5}  ", style="dim"
        )
        label.append(" ".join(question.text.split()))
        return label

    def _detail(self, question: Question) -> Text:
        text = Text(" ".join(question.text.split()))
        details = [
            t("mentor.picker.difficulty", level=question.difficulty),
            format_duration(question.time_limit),
        ]
        if question.tags:
            details.append(", ".join(question.tags))
        text.append("\n" + " · ".join(details), style="dim")
        return text

    def refresh_list(self) -> None:
        options = self.query_one("#picker-list", OptionList)
        self.shown = filter_questions(self.questions, self.filters, self.history)
        options.clear_options()
        options.add_options(Option(self._label(q), id=q.id) for q in self.shown)
        if self.shown:
            options.highlighted = 0
        else:
            self.query_one("#picker-detail", Static).update(Text(t("mentor.picker.none")))
        count = t("mentor.picker.count", shown=len(self.shown), total=len(self.questions))
        self.query_one("#picker-count", Static).update(
            Text(count + "  " + t("mentor.picker.legend"))
        )

    # Filters, from the widgets (mouse) and from the keys

    @on(Input.Changed, "#picker-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.filters.text = event.value
        self.refresh_list()

    @on(Input.Submitted, "#picker-search")
    def _search_done(self) -> None:
        self.query_one("#picker-list", OptionList).focus()

    @on(Select.Changed, "#picker-tag")
    def _tag_changed(self, event: Select.Changed) -> None:
        self.filters.tag = event.value if isinstance(event.value, str) else None
        self.refresh_list()

    @on(Checkbox.Changed)
    def _checkbox_changed(self, event: Checkbox.Changed) -> None:
        checkbox_id = event.checkbox.id or ""
        if checkbox_id == "picker-not-asked":
            self.filters.not_asked = event.value
        elif checkbox_id == "picker-weak":
            self.filters.weak = event.value
        elif checkbox_id.startswith("picker-difficulty-"):
            level = int(checkbox_id.rsplit("-", 1)[1])
            if event.value:
                self.filters.difficulties.add(level)
            else:
                self.filters.difficulties.discard(level)
        self.refresh_list()

    def action_toggle(self, name: str) -> None:
        checkbox = self.query_one(
            "#picker-not-asked" if name == "not_asked" else "#picker-weak", Checkbox
        )
        checkbox.value = not checkbox.value

    def action_difficulty(self, level: int) -> None:
        checkbox = self.query_one(f"#picker-difficulty-{level}", Checkbox)
        checkbox.value = not checkbox.value

    def action_tag(self) -> None:
        self.query_one("#picker-tag", Select).focus()

    def action_search(self) -> None:
        self.query_one("#picker-search", Input).focus()

    # Choosing

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        question = next((q for q in self.shown if q.id == event.option.id), None)
        if question is not None:
            self.query_one("#picker-detail", Static).update(self._detail(question))

    def action_draw(self) -> None:
        if not self.shown:
            self.notify(t("mentor.picker.none"), markup=False)
            return
        self.dismiss(self.rng.choice(self.shown).id)

    def action_back(self) -> None:
        if isinstance(self.focused, Input | Select):
            self.query_one("#picker-list", OptionList).focus()
            return
        self.dismiss(None)
