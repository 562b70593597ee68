"""Recording a session's answers while their timers run, and what follows each recording.

The screen calls `SessionRecorder.sync()` whenever the run may have changed (after each intent
and at each tick of the timer): it compares what is being recorded with what the run says (the
answer or follow-up whose timer runs, paused or not) and starts, pauses, resumes or stops. An
answer's voice is stored at once: its recording's name when recording starts (a crash keeps it),
the figures when it stops. What takes longer (joining the parts of an answer recorded in several
goes, the transcript) is a `Job` for a worker thread: `run_job`.

Everything here runs without Textual; the screen only shows the results.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from soutenance.banks.model import KeyPoint
from soutenance.session.model import Answer, FollowUpAnswer, Session, Stage
from soutenance.voice import storage
from soutenance.voice.answer import AnswerVoice, transcribe_answer
from soutenance.voice.levels import Meter, MeterState
from soutenance.voice.problems import VoiceProblem, VoiceUnavailable
from soutenance.voice.recorder import Recorder
from soutenance.voice.settings import VoiceSettings
from soutenance.voice.transcription import DownloadProgress, Progress, Recogniser, recogniser_for

OpenRecorder = Callable[[], Recorder]


class Run(Protocol):
    """What the recorder follows of a SessionRun."""

    session: Session
    read_only: str | None

    @property
    def stage(self) -> Stage: ...
    @property
    def paused(self) -> bool: ...
    @property
    def answer(self) -> Answer | None: ...
    @property
    def follow_up(self) -> FollowUpAnswer | None: ...
    @property
    def question(self): ...  # noqa: ANN201 - a QuestionSnapshot
    def set_voice(self, item_id: str, voice: AnswerVoice) -> None: ...


@dataclass(frozen=True)
class Job:
    """What is left to do for one answer's voice once its recording stopped."""

    session_id: str
    item_id: str
    """The answer's or the follow-up's id."""
    voice: AnswerVoice
    complete: bool
    """Join the parts and compute the figures from the file first (an answer recorded in
    several goes, or cut short by a crash)."""
    language: str
    key_points: Sequence[str] = ()
    problem: VoiceProblem | None = None
    """Why the recording stopped early (a full disk): what came before is kept."""


@dataclass
class SessionRecorder:
    run: Run
    settings: VoiceSettings
    open_recorder: OpenRecorder | None = None
    """Makes the recorder when the first answer starts (default: the default microphone)."""
    recorder: Recorder | None = None
    problem: VoiceProblem | None = None
    """Why recording is off for this session (no microphone…); said once by the screen."""
    recording: str | None = None
    """The id of the answer or follow-up being recorded."""
    _part: bool = field(default=False, repr=False)
    _deferred: set[str] = field(default_factory=set, repr=False)
    """Unfinished answers about to go on: completed when they stop, or when left as they are."""

    def meter(self) -> Meter:
        return self.recorder.meter() if self.recorder is not None else Meter(MeterState.OFF)

    def wanted(self) -> str | None:
        """The answer or follow-up whose timer runs (paused or not), if any."""
        run = self.run
        if run.read_only:
            return None
        if run.stage is Stage.FOLLOW_UP:
            return run.follow_up.id if run.follow_up is not None else None
        if run.stage is Stage.ANSWERING and run.answer is not None:
            return run.answer.id
        return None

    def sync(self) -> list[Job]:
        """Follow the run; the jobs of the answers whose recording just stopped."""
        wanted = self.wanted()
        jobs = self._left_behind(wanted)
        if self.recording is not None and self.recording != wanted:
            jobs += self._stop()
        if wanted is None or self.problem is not None:
            return jobs
        if self.recording is None:
            if not self.run.paused:  # a resumed session waits, paused: no file until it goes on
                self._start(wanted)
        elif self.run.paused != self.recorder.paused:  # type: ignore[union-attr]
            self.recorder.pause() if self.run.paused else self.recorder.resume()  # type: ignore[union-attr]
        return jobs

    def close(self) -> list[Job]:
        """The screen goes away: the answer being recorded stops (its job is returned)."""
        jobs = self._left_behind(None)
        return jobs + (self._stop() if self.recording is not None else [])

    def unfinished(self) -> list[Job]:
        """Answers whose recording a crash cut short, or left in parts: to complete (not the one
        about to go on, which completes when it stops)."""
        session, wanted = self.run.session, self.wanted()
        jobs = []
        for item in _items(session):
            voice = item.voice
            if voice is None or voice.recording is None:
                continue
            if voice.delivery is None or storage.part_paths(session.id, item.id):
                if item.id == wanted:
                    self._deferred.add(item.id)
                else:
                    jobs.append(self._job(item.id, voice, complete=True))
        return jobs

    def _left_behind(self, wanted: str | None) -> list[Job]:
        """Unfinished answers the run moved away from without going on with them."""
        jobs = []
        for item_id in sorted(self._deferred - {wanted}):
            self._deferred.discard(item_id)
            item = _item(self.run.session, item_id)
            if item is not None and item.voice is not None:
                jobs.append(self._job(item_id, item.voice, complete=True))
        return jobs

    # -- inside -------------------------------------------------------------------------------

    def _start(self, item_id: str) -> None:
        session = self.run.session
        try:
            if self.recorder is None:
                opener = self.open_recorder or self._microphone
                self.recorder = opener()
            path = storage.recording_path(session.id, item_id)
            self._part = path.exists()  # the answer goes on: the earlier recording stays as it is
            if self._part:
                path = storage.next_part_path(session.id, item_id)
            self.recorder.start(session.id, item_id, path=path)
        except VoiceUnavailable as unavailable:
            self.problem = unavailable.problem
            return
        self.recording = item_id
        self._deferred.discard(item_id)  # completed when this go stops
        item = _item(session, item_id)
        if item is not None and (item.voice is None or item.voice.recording is None):
            reference = storage.reference_for(session.id, item_id)
            self.run.set_voice(item_id, AnswerVoice(recording=reference))

    def _microphone(self) -> Recorder:
        return Recorder.microphone(pause_threshold=self.settings.pause_seconds)

    def _stop(self) -> list[Job]:
        item_id, self.recording = self.recording, None
        assert item_id is not None and self.recorder is not None
        recording = self.recorder.stop()
        if recording is None:
            return []
        item = _item(self.run.session, item_id)
        if self._part:
            voice = item.voice if item is not None and item.voice is not None else AnswerVoice()
            return [self._job(item_id, voice, complete=True, problem=recording.problem)]
        voice = AnswerVoice.from_recording(recording)
        self.run.set_voice(item_id, voice)
        return [self._job(item_id, voice, complete=False, problem=recording.problem)]

    def _job(
        self,
        item_id: str,
        voice: AnswerVoice,
        *,
        complete: bool,
        problem: VoiceProblem | None = None,
    ) -> Job:
        session = self.run.session
        return Job(
            session.id, item_id, voice, complete, session.language,
            key_points=_key_points(session, item_id), problem=problem,
        )  # fmt: skip


def _items(session: Session) -> list[Answer | FollowUpAnswer]:
    return [item for answer in session.answers for item in (answer, *answer.follow_ups)]


def _item(session: Session, item_id: str) -> Answer | FollowUpAnswer | None:
    return next((item for item in _items(session) if item.id == item_id), None)


def _key_points(session: Session, item_id: str) -> list[str]:
    """The key points a transcript is matched against, with the bank's hints when the plan has
    them (an answer's), else the stored texts (a follow-up's)."""
    item = _item(session, item_id)
    if item is None:
        return []
    if isinstance(item, Answer):
        plan = next((q for q in session.plan if q.id == item.question_id), None)
        if plan is not None and list(plan.key_points) == list(item.key_points):
            hints = list(plan.hints) + [[]] * len(plan.key_points)
            return [KeyPoint(text, hints[i]) for i, text in enumerate(plan.key_points)]
    return list(item.key_points)


# -- after the recording: in a worker thread ---------------------------------------------------


class Transcriber:
    """The configured recogniser, loaded at the first transcript and kept; one transcript at a
    time (each takes the CPU). A recogniser that cannot load is not tried again."""

    def __init__(self, settings: VoiceSettings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._recogniser: Recogniser | None = None
        self._problem: VoiceProblem | None = None

    @property
    def enabled(self) -> bool:
        return self.settings.transcription.engine != "off"

    def transcribe(
        self, job: Job, voice: AnswerVoice, progress: Progress, on_download: DownloadProgress
    ) -> AnswerVoice:
        with self._lock:
            if self._problem is not None:
                raise VoiceUnavailable(self._problem)
            if self._recogniser is None:
                try:
                    self._recogniser = recogniser_for(
                        self.settings.transcription, on_download=on_download
                    )
                except VoiceUnavailable as unavailable:
                    self._problem = unavailable.problem
                    raise
            return transcribe_answer(
                voice, self._recogniser, job.language, job.key_points, self.settings, progress
            )


_TRANSCRIBERS: dict[str, Transcriber] = {}


def transcriber_for(settings: VoiceSettings) -> Transcriber:
    """One Transcriber per configuration for the whole process: a model loads once."""
    key = settings.model_dump_json()
    if key not in _TRANSCRIBERS:
        _TRANSCRIBERS[key] = Transcriber(settings)
    return _TRANSCRIBERS[key]


def run_job(
    job: Job,
    transcriber: Transcriber,
    *,
    on_voice: Callable[[AnswerVoice], None],
    progress: Progress,
    on_download: DownloadProgress,
) -> None:
    """Complete the recording (when the job says so), then transcribe it; `on_voice` gets each
    step's result to store. Raises VoiceUnavailable or OSError with what stopped it."""
    voice = job.voice
    if job.complete:
        from soutenance.voice.continuation import complete_recording

        recording = complete_recording(
            job.session_id, job.item_id, pause_threshold=transcriber.settings.pause_seconds
        )
        voice = AnswerVoice.from_recording(recording)
        on_voice(voice)
    if transcriber.enabled and voice.delivery is not None and voice.delivery.spoke:
        on_voice(transcriber.transcribe(job, voice, progress, on_download))
