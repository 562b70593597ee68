"""The end of a session: each answer against its limit, totals, what to work on, and export."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from soutenance.banks.model import format_duration
from soutenance.exports.markdown import session_to_markdown
from soutenance.exports.session_json import session_to_json_text
from soutenance.i18n import current_language, format_date, t
from soutenance.session.model import Answer, Session
from soutenance.session.reasons import percent
from soutenance.session.summary import summarize
from soutenance.ui.answer_recorder import VoiceChanged
from soutenance.ui.audio_export import deliver_bundle
from soutenance.ui.exports import deliver_export
from soutenance.ui.translated import Translated
from soutenance.ui.widgets.voice_view import VoiceFigures
from soutenance.voice.labels import number

WORK_KEYS = {
    "overtime": "work.overtime",
    "key_points": "work.coverage",
    "low_confidence": "work.confidence",
    "skipped": "work.skipped",
}


class SummaryScreen(Translated, Screen[None]):
    BINDINGS = [
        Binding("m", "export('md')", "key.export_md", id="export-md"),
        Binding("j", "export('json')", "key.export_json", id="export-json"),
        Binding("a", "export_audio", "voice.key.export_audio", id="export-audio"),
        Binding("escape", "home", "key.home", id="home"),
    ]
    VOICE_COLUMNS = ("thinking", "speaking", "long_pauses", "wpm", "fillers")

    def __init__(self, session: Session, presentation_verdict: str = "") -> None:
        super().__init__()
        self.session = session
        self.presentation_verdict = presentation_verdict
        self.summary = summarize(session)
        self.voice_status: dict[str, str] = {}
        """Per answer id, where its transcript stands (from the question screen's workers)."""
        self._voice_shown: int | None = None

    def compose(self) -> ComposeResult:
        totals = self.summary.totals
        yield Header()
        with VerticalScroll(id="summary"):
            yield Static(t("summary.title"), classes="title")
            when = format_date(self.session.started_at)
            yield Static(
                f"{self.session.project_title} · {self.session.student} · {when}",
                id="summary-heading",
                markup=False,
            )
            if self.session.mock is not None:
                yield Static(self._presentation_line(), id="presentation-result", markup=False)
            yield DataTable(id="answers", cursor_type="row", zebra_stripes=True)
            if self._recorded():
                yield Static(t("voice.summary.select"), id="summary-voice-title", markup=False)
                yield VoiceFigures(id="summary-voice")
            yield Static(
                t(
                    "summary.totals",
                    answered=totals.answered,
                    skipped=totals.skipped,
                    not_reached=totals.not_reached,
                    total=format_duration(totals.total_time),
                    coverage=percent(totals.mean_coverage),
                    overtime=totals.overtime_count,
                ),
                id="totals",
                markup=False,
            )
            verdict = self.summary.calibration.verdict
            if verdict in ("overconfident", "underconfident"):
                key = (
                    "summary.calibration_over"
                    if verdict == "overconfident"
                    else "summary.calibration_under"
                )
                yield Static(t(key), id="calibration", markup=False)
            yield Static(t("summary.work_on"), classes="title")
            yield Static(self._work_on(), id="work-on")
        yield Footer()

    def _presentation_line(self) -> str:
        line = t(
            "summary.presentation",
            elapsed=format_duration(self.session.presentation_seconds or 0),
            verdict=self.presentation_verdict,
        )
        return line.replace(" ()", "")

    def on_mount(self) -> None:
        table = self.query_one("#answers", DataTable)
        table.add_columns(
            t("summary.question"),
            t("summary.time"),
            t("summary.overtime"),
            t("summary.coverage"),
            t("summary.confidence"),
            t("summary.notes"),
        )
        if self._recorded():
            for column in self.VOICE_COLUMNS:
                table.add_column(t(f"voice.col.{column}"), key=column)
        for line in self.summary.lines:
            skipped = line.elapsed is None
            time = (
                t(f"summary.{line.status}")
                if skipped
                else f"{format_duration(line.elapsed or 0)} / {format_duration(line.time_limit)}"
            )
            table.add_row(
                Text(line.question_text[:36] + ("…" if len(line.question_text) > 36 else "")),
                Text(time),
                Text(
                    f"+{format_duration(line.overtime)}" if line.overtime > 0 else "", style="red"
                ),
                Text(
                    f"{line.covered}/{line.total_key_points}"
                    if line.total_key_points and not skipped
                    else "—"
                ),
                Text(f"{line.confidence}/5" if line.confidence else "—"),
                Text(line.notes_preview),
                *self._voice_cells(self.session.answer_at(line.position)),
                key=str(line.position),
            )

    # -- answers out loud ---------------------------------------------------------------------

    def _recorded(self) -> bool:
        return any(a.voice is not None for a in self.session.answers)

    def _voice_cells(self, answer: Answer | None) -> list[Text]:
        if not self._recorded():
            return []
        voice = answer.voice if answer is not None else None
        delivery = voice.delivery if voice is not None else None
        speech = voice.speech if voice is not None else None
        if delivery is None or not delivery.spoke:
            return [Text("—")] * len(self.VOICE_COLUMNS)
        wpm = speech.words_per_minute if speech is not None else None
        return [
            Text(f"{number(delivery.thinking_time or 0)} s"),
            Text(f"{number(delivery.speaking_time)} s"),
            Text(str(delivery.long_pauses)),
            Text(number(wpm, 0) if wpm is not None else "—"),
            Text(str(speech.filler_count) if speech is not None else "—"),
        ]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None and self._recorded():
            self._show_voice(int(event.row_key.value))

    def _show_voice(self, position: int) -> None:
        answer = self.session.answer_at(position)
        if answer is None:
            return
        self._voice_shown = position
        status = self.voice_status.get(answer.id, "")
        self.query_one("#summary-voice", VoiceFigures).show(answer.voice, status)
        title = t("voice.figures.title") + " — " + answer.question_text
        self.query_one("#summary-voice-title", Static).update(title)

    def on_voice_changed(self, event: VoiceChanged) -> None:
        """A transcript finished after the end: its row and, when shown, its figures."""
        if event.status is not None:
            self.voice_status[event.item_id] = event.status
        answer = next((a for a in self.session.answers if a.id == event.item_id), None)
        table = self.query_one("#answers", DataTable)
        if answer is None or not self._recorded() or str(answer.position) not in table.rows:
            return
        for column, cell in zip(self.VOICE_COLUMNS, self._voice_cells(answer), strict=True):
            table.update_cell(str(answer.position), column, cell)
        if self._voice_shown == answer.position:
            self._show_voice(answer.position)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export_audio":
            return self._recorded()
        return True

    def action_export_audio(self) -> None:
        deliver_bundle(self, self.session)

    def _work_on(self) -> Text:
        if not self.summary.to_work_on:
            return Text(t("summary.nothing_to_work_on"))
        text = Text()
        for item in self.summary.to_work_on:
            reasons = ", ".join(t(WORK_KEYS.get(r.code, r.code), **r.params) for r in item.reasons)
            text.append("• " + item.question_text + "\n")
            text.append(f"  {reasons}\n", style="dim")
        return text

    def action_export(self, fmt: str) -> None:
        if fmt == "md":
            content = session_to_markdown(self.session, lang=current_language())
        else:
            content = session_to_json_text(self.session)
        deliver_export(self, self.session, content, f".{fmt}")

    def action_home(self) -> None:
        self.app.pop_screen()


def show_summary(
    screen: Screen, session: Session, verdict: str = "", *, discarded: bool = False
) -> None:
    """After a session ends: its summary, or back home when there was nothing in it."""
    if discarded:
        screen.notify(t("run.discarded"), markup=False)
        screen.app.pop_screen()
        return
    screen.app.switch_screen(SummaryScreen(session, verdict))
