"""The question screen's voice: recording each answer while its timer runs (the core's
SessionRecorder), then, in worker threads owned by the app (they outlive the screen: a transcript
may finish on the summary), completing the recording and transcribing it.

The screen calls `sync()` after each intent and at each timer tick, `close()` when it goes away,
and shows `status(item_id)` beside the answer. Each stored result posts `VoiceChanged` to the
screen on top, which redraws what it shows of that answer.
"""

from __future__ import annotations

import itertools
from typing import Any

from textual.message import Message
from textual.screen import Screen
from textual.worker import get_current_worker

from soutenance.i18n import t
from soutenance.session.run import SessionRun
from soutenance.voice.levels import Meter, MeterState
from soutenance.voice.problems import VoiceUnavailable, browser_recording_problem
from soutenance.voice.settings import VoiceSettings


class VoiceChanged(Message):
    """An answer's (or follow-up's) voice was stored (`status` None), or its status changed (a
    progress, a problem, or "" when done)."""

    def __init__(self, item_id: str, status: str | None = None) -> None:
        super().__init__()
        self.item_id = item_id
        self.status = status


class Cancelled(Exception):
    """The app is closing: a transcript under way stops at its next progress report."""


class AnswerRecorder:
    def __init__(self, screen: Screen, run: SessionRun) -> None:
        self.screen = screen
        self.app: Any = screen.app
        self.run = run
        self.settings = VoiceSettings.from_config(self.app.services.config)
        self.recorder = None
        self._status: dict[str, str] = {}
        self._latest: dict[str, int] = {}
        """Per answer, its newest job: an older one still running (the first go of an answer
        taken up again) never overwrites what a newer one stores."""
        self._numbers = itertools.count(1)
        self._said = False
        if not self.settings.record:
            return
        if self.app.is_web:
            self._say(browser_recording_problem().message())
            return
        from soutenance.usecases.session_recorder import SessionRecorder

        opener = self.app.services.open_recorder
        self.recorder = SessionRecorder(run, self.settings, open_recorder=opener)
        for job in self.recorder.unfinished():
            self._process(job)

    @property
    def on(self) -> bool:
        """Recording is on for this screen (asked for, and possible so far)."""
        return self.recorder is not None and self.recorder.problem is None

    def meter(self) -> Meter:
        """What the LevelMeter shows (with recording off, no audio module is imported)."""
        return self.recorder.meter() if self.recorder is not None else Meter(MeterState.OFF)

    def status(self, item_id: str | None) -> str:
        if item_id is not None and self.recorder is not None and self.recorder.recording == item_id:
            return t("voice.figures.recording")
        return self._status.get(item_id or "", "")

    def sync(self) -> None:
        if self.recorder is None:
            return
        jobs = self.recorder.sync()
        if self.recorder.problem is not None:
            self._say(self.recorder.problem.message())
        for job in jobs:
            self._process(job)

    def close(self) -> None:
        for job in self.recorder.close() if self.recorder is not None else []:
            self._process(job)

    # -- after an answer ----------------------------------------------------------------------

    def _say(self, message: str) -> None:
        if not self._said:
            self._said = True
            self.screen.notify(message, severity="warning", timeout=15, markup=False)

    def _process(self, job: Any) -> None:
        if job.problem is not None:
            self.app.notify(job.problem.message(), severity="warning", timeout=15, markup=False)
        spoke = job.voice.delivery is not None and job.voice.delivery.spoke
        transcribing = self.settings.transcription.engine != "off" and spoke
        status = "voice.figures.completing" if job.complete else "voice.transcript.queued"
        number = self._latest[job.item_id] = next(self._numbers)
        self._set_status(number, job.item_id, t(status) if job.complete or transcribing else "")
        self.app.run_worker(
            lambda: self._work(job, number), thread=True, group="voice", exit_on_error=False
        )

    def _work(self, job: Any, number: int) -> None:
        """In a worker thread: results are handed to the app's thread one by one."""
        from soutenance.usecases.session_recorder import run_job, transcriber_for

        worker = get_current_worker()
        transcriber = transcriber_for(self.settings)

        def report(key: str, **values: object) -> None:
            if worker.is_cancelled:
                raise Cancelled
            self._from_thread(self._set_status, number, job.item_id, t(key, **values))

        def progress(share: float) -> None:
            report("voice.transcription.working", percent=round(share * 100))

        def downloading(done: int, total: int | None) -> None:
            percent = round(done * 100 / total) if total else 0
            model = self.settings.transcription.model
            report("voice.transcription.downloading", model=model, percent=percent)

        def stored(voice: Any) -> None:
            self._from_thread(self._store, number, job.item_id, voice)
            if transcriber.enabled and voice.delivery is not None and voice.delivery.spoke:
                report("voice.transcript.queued")

        try:
            run_job(job, transcriber, on_voice=stored, progress=progress, on_download=downloading)
            message = ""
        except VoiceUnavailable as unavailable:
            message = unavailable.problem.message()
        except OSError as error:
            message = t("voice.transcription.failed", detail=error.strerror or str(error))
        except Cancelled:
            return
        self._from_thread(self._set_status, number, job.item_id, message)

    def _from_thread(self, callback: Any, *args: Any) -> None:
        try:
            self.app.call_from_thread(callback, *args)
        except RuntimeError:  # the app has stopped: what was stored stays stored
            raise Cancelled from None

    def _store(self, number: int, item_id: str, voice: Any) -> None:
        if number == self._latest.get(item_id):
            self.run.set_voice(item_id, voice)
            self.app.screen.post_message(VoiceChanged(item_id))

    def _set_status(self, number: int, item_id: str, message: str) -> None:
        if number == self._latest.get(item_id) and self._status.get(item_id, "") != message:
            self._status[item_id] = message
            self.app.screen.post_message(VoiceChanged(item_id, message))
