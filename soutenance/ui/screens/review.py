"""Reviewing a session, one answer at a time: what the student did, and the mentor's comment.

The student's notes and the mentor's comment sit side by side, so the same screen serves the
mentor reviewing an imported rehearsal and the student reading the reviewed file back. Exports
(JSON to send back, Markdown, the evaluator-style feedback) are made from the stored session, so
they carry the comments and marks.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Static, TextArea

from soutenance.banks.model import format_duration
from soutenance.exports.feedback import feedback_markdown
from soutenance.exports.markdown import session_to_markdown
from soutenance.exports.merging import without_private
from soutenance.exports.session_json import session_to_json_text
from soutenance.i18n import format_date, t
from soutenance.session.model import Answer, Marks, Session
from soutenance.ui.audio_export import deliver_bundle
from soutenance.ui.exports import deliver_export
from soutenance.ui.screens.mentor_import import missing_questions
from soutenance.ui.screens.mentor_marks import MarksModal, marks_line
from soutenance.ui.services import app_of
from soutenance.ui.translated import Translated
from soutenance.ui.widgets.key_point_checklist import KeyPointChecklist
from soutenance.ui.widgets.voice_view import SuggestedPoints, TranscriptView, VoiceFigures
from soutenance.usecases.review import SessionEdits

COMMENT_SAVE_DELAY = 0.3


def answer_facts(answer: Answer) -> Text:
    """Time against the limit, key points covered, confidence: one line."""
    if answer.skipped:
        return Text(t("summary.skipped"), style="bold")
    if not answer.answered or answer.elapsed is None:
        return Text(t("mentor.review.not_answered"), style="bold")
    text = Text(
        t(
            "mentor.review.time",
            elapsed=format_duration(answer.elapsed),
            limit=format_duration(answer.limit),
        )
    )
    if answer.overtime > 0:
        text.append(
            " " + t("mentor.review.overtime", overtime=format_duration(answer.overtime)),
            style="bold red",
        )
    if answer.key_points:
        covered = len(answer.key_points) - len(answer.missed)
        text.append(
            " · " + t("mentor.review.covered", covered=covered, total=len(answer.key_points))
        )
    confidence = f"{answer.confidence}/5" if answer.confidence is not None else "—"
    text.append(" · " + t("mentor.review.confidence", confidence=confidence))
    return text


def follow_ups_text(answer: Answer) -> Text:
    text = Text()
    for follow_up in answer.follow_ups:
        text.append("↳ ", style="bold")
        text.append(follow_up.text)
        if follow_up.ad_hoc:
            text.append(" " + t("mentor.review.ad_hoc"), style="italic dim")
        if follow_up.elapsed is not None:
            text.append(f"  {format_duration(follow_up.elapsed)}", style="dim")
        if follow_up.key_points:
            done = len({i for i in follow_up.covered if 0 <= i < len(follow_up.key_points)})
            text.append(f" · {done}/{len(follow_up.key_points)}", style="dim")
        text.append("\n")
        if follow_up.notes.strip():
            text.append("   " + follow_up.notes.strip().replace("\n", "\n   ") + "\n", style="dim")
    text.rstrip()
    return text


def conflicts_text(answer: Answer) -> Text:
    """The other versions kept when the student and the mentor changed the same field apart."""
    text = Text()
    for conflict in answer.conflicts:
        text.append(t("mentor.review.conflict", field=t(f"mentor.field.{conflict.field}"),
                      when=format_date(conflict.at), by=t(f"mentor.by.{conflict.by}")) + "\n", style="bold yellow")  # fmt: skip
        value = conflict.value
        shown = (
            value
            if isinstance(value, str)
            else ", ".join(map(str, value))
            if isinstance(value, list)
            else str(value)
        )
        text.append("   " + shown.strip().replace("\n", "\n   ") + "\n")
    text.rstrip()
    return text


class ReviewScreen(Translated, Screen[None]):
    BINDINGS = [
        Binding("n", "next", "key.next", id="next"),
        Binding("b", "previous", "key.previous", id="previous", show=False),
        Binding("e", "comment", "mentor.key.comment", id="comment"),
        *[
            Binding(
                str(n),
                f"tick({n})",
                "mentor.key.tick",
                key_display="1-9",
                show=False,
                id=f"review-tick-{n}",
            )
            for n in range(1, 10)
        ],
        Binding("m", "marks", "mentor.key.marks", id="marks"),
        Binding("j", "export('json')", "mentor.key.send_back", id="export-json"),
        Binding("f", "export('feedback')", "mentor.key.feedback", id="export-feedback"),
        Binding("escape", "back", "app.back", id="back"),
        # In the command palette (and said on screen) rather than the footer, to fit 80 columns.
        Binding("w", "export('md')", "key.export_md", id="export-md", show=False),
        Binding("v", "toggle_private", "mentor.key.private", id="private", show=False),
        Binding("a", "export_audio", "voice.key.export_audio", id="export-audio", show=False),
    ]

    def __init__(self, session_id: str) -> None:
        super().__init__()
        self.session_id = session_id
        self.session: Session | None = None
        self.index = 0
        self.missing: set[str] = set()
        self._comment_timer: Timer | None = None
        self._pending: tuple[Answer, str] | None = None
        self.private = False
        """Exports carry the mentor's private notes and marks (off: they are meant for the student)."""

    @property
    def store(self):  # noqa: ANN201 - the app's Store
        return app_of(self).store

    @property
    def edits(self) -> SessionEdits:
        """The mentor's edits of this session, stamped so that imports merge them field by field."""
        return SessionEdits(
            self.store, self.session_id, by="mentor", clock=app_of(self).services.clock
        )

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="review"):
            yield Static(id="review-session", markup=False)
            yield Static(id="review-progress", markup=False)
            yield Static(id="review-missing", markup=False)
            yield Static(id="review-question", markup=False)
            yield Static(id="review-facts", markup=False)
            yield VoiceFigures(id="review-voice")
            yield Static(t("mentor.review.heard"), classes="label")
            yield KeyPointChecklist(id="review-key-points")
            yield SuggestedPoints(id="review-suggested")
            yield Static(id="review-follow-ups", markup=False)
            yield Static(id="review-conflicts", markup=False)
            with Horizontal(id="review-columns"):
                with Vertical(id="review-student"):
                    yield Static(t("mentor.review.student_notes"), classes="label")
                    yield Static(id="review-notes", markup=False)
                    yield TranscriptView(id="review-transcript")
                with Vertical(id="review-mentor"):
                    yield Static(t("mentor.review.comment"), classes="label")
                    yield TextArea(id="review-comment", soft_wrap=True)
            yield Static(id="review-mentor-notes", markup=False)
            yield Static(id="review-marks", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """The session is read in a worker thread; the page shows a loading indicator meanwhile."""
        self.sub_title = t("mentor.review.title")
        self.query_one("#review").loading = True
        self._read_session()

    @work(thread=True, exclusive=True, group="review")
    def _read_session(self) -> None:
        session = self.store.load_session(self.session_id)
        missing = missing_questions(app_of(self).services.catalog, session)
        self.app.call_from_thread(self._show_session, session, missing)

    def _show_session(self, session: Session, missing: set[str]) -> None:
        if not self.is_attached:
            return
        self.query_one("#review").loading = False
        self.session, self.missing = session, missing
        kind = t(f"mentor.kind.{session.kind}")
        line = t(
            "mentor.review.session", student=session.student, project=session.project_title,
            kind=kind, date=format_date(session.started_at),
        )  # fmt: skip
        self.query_one("#review-session", Static).update(Text(line, style="bold"))
        self.show_answer()

    @property
    def answer(self) -> Answer | None:
        if self.session is None or not self.session.answers:
            return None
        return self.session.answers[self.index]

    def show_answer(self) -> None:
        session, answer = self.session, self.answer
        assert session is not None
        comment = self.query_one("#review-comment", TextArea)
        if answer is None:
            self.query_one("#review-progress", Static).update(t("mentor.review.no_answer"))
            self.query_one("#review-columns").display = False
            return
        progress = t("mentor.review.progress", number=self.index + 1, total=len(session.answers))
        self.query_one("#review-progress", Static).update(progress)
        missing = self.query_one("#review-missing", Static)
        missing.update(t("mentor.review.missing") if answer.question_id in self.missing else "")
        missing.display = answer.question_id in self.missing
        self.query_one("#review-question", Static).update(answer.question_text)
        self.query_one("#review-facts", Static).update(answer_facts(answer))
        self.query_one("#review-key-points", KeyPointChecklist).load(
            answer.key_points, answer.covered
        )
        self.query_one("#review-follow-ups", Static).update(follow_ups_text(answer))
        conflicts = self.query_one("#review-conflicts", Static)
        conflicts.update(conflicts_text(answer))
        conflicts.display = bool(answer.conflicts)
        self._show_voice(answer)
        notes = answer.notes.strip()
        self.query_one("#review-notes", Static).update(
            Text(notes) if notes else Text(t("mentor.review.no_notes"), style="dim")
        )
        with comment.prevent(TextArea.Changed):
            comment.load_text(answer.mentor_comment)
        mentor_notes = self.query_one("#review-mentor-notes", Static)
        mentor_notes.display = bool(answer.mentor_notes.strip())
        if answer.mentor_notes.strip():
            text = Text(t("mentor.review.mentor_notes") + "\n", style="bold")
            text.append(answer.mentor_notes.strip(), style="")
            mentor_notes.update(text)
        marks = Text(t("mentor.live.marks") + " ", style="bold") + marks_line(answer.marks)
        self.query_one("#review-marks", Static).update(marks)
        self.refresh_bindings()

    def _show_voice(self, answer: Answer) -> None:
        """How the answer was said: figures, player, transcript, suggested key points."""
        self.query_one("#review-voice", VoiceFigures).show(answer.voice)
        self.query_one("#review-transcript", TranscriptView).show(answer.voice)
        suggested = (answer.voice, answer.key_points, "voice.keypoints.suggested")
        self.query_one("#review-suggested", SuggestedPoints).show(suggested)

    # -- bindings -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        count = len(self.session.answers) if self.session else 0
        typing = isinstance(self.focused, TextArea)
        answer = self.answer
        if action == "tick":
            number = parameters[0] if parameters and isinstance(parameters[0], int) else 1
            return not typing and answer is not None and len(answer.key_points) >= number
        allowed = {
            "next": self.index < count - 1 and not typing,
            "previous": self.index > 0 and not typing,
            "comment": count > 0 and not typing,
            "marks": count > 0 and not typing,
            "export": not typing,  # letters go to the comment while typing
            "export_audio": not typing and self._recorded(),
        }
        return allowed.get(action, True)

    def _recorded(self) -> bool:
        return self.session is not None and any(a.voice is not None for a in self.session.answers)

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    def action_next(self) -> None:
        if self.session and self.index < len(self.session.answers) - 1:
            self.flush_comment()
            self.index += 1
            self.show_answer()
            self.query_one("#review").scroll_home(animate=False)

    def action_previous(self) -> None:
        if self.index > 0:
            self.flush_comment()
            self.index -= 1
            self.show_answer()
            self.query_one("#review").scroll_home(animate=False)

    def action_comment(self) -> None:
        if self.answer is not None:
            comment = self.query_one("#review-comment", TextArea)
            self.set_focus(comment)  # at once: what is typed next is the comment
            comment.scroll_visible(animate=False)

    def action_back(self) -> None:
        if isinstance(self.focused, TextArea):
            self.flush_comment()
            self.set_focus(None)
            return
        self.flush_comment()
        self.app.pop_screen()

    def action_marks(self) -> None:
        answer = self.answer
        if answer is None:
            return

        def marked(marks: Marks | None) -> None:
            if marks is None:
                return
            try:
                answer.marks = self.edits.marks(answer.id, marks).marks
            except Exception as error:  # noqa: BLE001 - say it; nothing else to do
                self.notify(
                    t("mentor.save_failed", error=str(error)), severity="error", markup=False
                )
            self.show_answer()

        self.app.push_screen(MarksModal(answer.marks, answer.question_text), marked)

    # -- comments, saved while typing ---------------------------------------------------------

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        answer = self.answer
        if answer is None or event.text_area.id != "review-comment":
            return
        self._pending = (answer, event.text_area.text)
        if self._comment_timer is None:
            self._comment_timer = self.set_timer(COMMENT_SAVE_DELAY, self.flush_comment)

    def flush_comment(self) -> None:
        if self._comment_timer is not None:
            self._comment_timer.stop()
            self._comment_timer = None
        if self._pending is None:
            return
        answer, text = self._pending
        self._pending = None
        answer.mentor_comment = text
        try:
            self.edits.comment(answer.id, text)
        except Exception as error:  # noqa: BLE001 - keep the text on screen and say so
            self.notify(t("mentor.save_failed", error=str(error)), severity="error", markup=False)

    def on_unmount(self) -> None:
        self.flush_comment()

    # -- exports ------------------------------------------------------------------------------

    def action_export_audio(self) -> None:
        self.flush_comment()
        deliver_bundle(self, self.store.load_session(self.session_id))

    def action_tick(self, number: int) -> None:
        self.query_one("#review-key-points", KeyPointChecklist).toggle(number - 1)

    def on_key_point_checklist_changed(self, event: KeyPointChecklist.Changed) -> None:
        """The key points as the mentor heard them: they replace the student's ticks, stamped."""
        answer = self.answer
        if answer is None:
            return
        try:
            answer.covered = self.edits.heard(answer.id, event.checklist.selected).covered
        except Exception as error:  # noqa: BLE001 - say it; the ticks stay on screen
            self.notify(t("mentor.save_failed", error=str(error)), severity="error", markup=False)
        self.query_one("#review-facts", Static).update(answer_facts(answer))

    def action_toggle_private(self) -> None:
        self.private = not self.private
        self.notify(
            t("mentor.review.private_on" if self.private else "mentor.review.private_off"),
            markup=False,
        )

    def action_export(self, kind: str) -> None:
        """Exports for the student, in the student's language; the mentor's private notes and
        marks only when asked for (v)."""
        self.flush_comment()
        session = self.store.load_session(self.session_id)
        known = self.store.roster.get_student(session.student)
        language = known.language if known is not None else session.language
        if kind == "json":
            deliver_export(
                self, session, session_to_json_text(session, private=self.private), ".json"
            )
        elif kind == "md":
            content = session_to_markdown(session, lang=language, include_mentor_notes=self.private)
            deliver_export(self, session, content, ".md")
        else:
            shown = session if self.private else without_private(session)
            content = feedback_markdown(shown, lang=language)
            self.app.copy_to_clipboard(content)
            deliver_export(
                self, session, content, "-feedback.md", done_key="mentor.review.feedback_exported"
            )
