"""A session in progress: one state machine for a rehearsal, a mock defense and a live challenge.

Screens send intents (stop, pause, rate, tick, skip, next, back, follow-up, end…) and render the
state: `session.stage`, the current answer, the running timer. Every intent is saved at once
through the store, together with everything a resume needs (position, stage, clocks), so that a
crash, a kill or a second window never loses what the student did. The run holds the session's
lease: when another window takes it over, or a save is refused, the run turns read-only and says
so once, keeping its state on screen for copying or export.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol

from soutenance.clock import Clock
from soutenance.session.mock import MockDefense
from soutenance.session.model import (
    Answer,
    AnswerStatus,
    Editor,
    FollowUpAnswer,
    Marks,
    MockPhase,
    QuestionSnapshot,
    Session,
    SessionKind,
    Stage,
    new_id,
)
from soutenance.session.timer import AnswerTimer, Thresholds
from soutenance.voice.answer import AnswerVoice

log = logging.getLogger(__name__)

CHECKPOINT_SECONDS = 1.0
"""How often a running clock is saved: a crash loses at most this much of an answer's time."""


class RunStore(Protocol):
    """What the run needs of the store (soutenance.store.Store)."""

    def start_session(self, session: Session, holder: str | None = None) -> None: ...
    def write_run(self, session: Session, holder: str | None, *, answers: Sequence[Answer] = (),
                  session_row: bool = True, objectives: bool = False) -> None: ...  # fmt: skip
    def release(self, session_id: str, holder: str) -> None: ...
    def delete_session(self, session_id: str) -> bool: ...


class WriteRefused(Exception):
    """A save the store refused on purpose: another window took the session over, the session
    has ended, or the answer changed elsewhere. The run turns read-only; str() says why."""


_MOVABLE = (Stage.PREPARING, Stage.ANSWERING, Stage.SKIPPED)
"""Stages a student may leave for another question (not while rating or in a follow-up)."""


class SessionRun:
    """The state machine of one session. Build it with `start()` (a new session) or `resumed()`."""

    def __init__(
        self,
        session: Session,
        clock: Clock,
        store: RunStore | None = None,
        *,
        holder: str | None = None,
    ) -> None:
        self.session = session
        self.clock = clock
        self.store = store
        self.holder = holder or new_id()
        self.timer: AnswerTimer | None = None
        self.defense: MockDefense | None = None
        if session.mock is not None:
            self.defense = MockDefense(session.mock, clock, self.thresholds)
        self.save_error: str | None = None
        """The first storage failure (the run goes on in memory), for one warning."""
        self.read_only: str | None = None
        """Why this window may no longer change the session (taken over elsewhere, ended…)."""
        self.discarded = False
        self.resumed = False

    # -- building -----------------------------------------------------------------------------

    @classmethod
    def start(cls, session: Session, clock: Clock, store: RunStore | None = None) -> SessionRun:
        """Save a new session (its plan and settings) and enter its first stage."""
        run = cls(session, clock, store)
        if session.kind is SessionKind.MOCK:
            session.stage = Stage.PRESENTING
        elif session.kind is SessionKind.LIVE or not session.plan:
            session.stage = Stage.WAITING
        else:
            run._prepare_question(0)
        run._guard(lambda s: s.start_session(session, run.holder))
        run._run_clocks()
        return run

    @classmethod
    def resumed(
        cls, session: Session, clock: Clock, store: RunStore | None = None, *, holder: str
    ) -> SessionRun:
        """Go on with a stored session exactly where it was, its clocks paused until the student
        is ready (`toggle_pause` or any intent that runs a clock)."""
        run = cls(session, clock, store, holder=holder)
        run.resumed = True
        if session.stage.timing or session.stage is Stage.PRESENTING:
            session.paused = True
        run._run_clocks()
        return run

    # -- where we are -------------------------------------------------------------------------

    @property
    def kind(self) -> SessionKind:
        return self.session.kind

    @property
    def editor(self) -> Editor:
        """Who ticks the key points here: the mentor in a live challenge, else the student."""
        return "mentor" if self.session.kind is SessionKind.LIVE else "student"

    @property
    def stage(self) -> Stage:
        return self.session.stage

    @property
    def paused(self) -> bool:
        return self.session.paused

    @property
    def thresholds(self) -> Thresholds:
        settings = self.session.settings
        return Thresholds(amber_at=settings.amber_at, amber_floor=settings.amber_floor)

    @property
    def index(self) -> int:
        return self.session.cursor

    @property
    def question(self) -> QuestionSnapshot | None:
        plan = self.session.plan
        return plan[self.index] if 0 <= self.index < len(plan) else None

    @property
    def answer(self) -> Answer | None:
        """The current question's answer (recorded as soon as the question is shown)."""
        return self.session.answer_at(self.index)

    @property
    def follow_up(self) -> FollowUpAnswer | None:
        answer, wanted = self.answer, self.session.follow_up_id
        if answer is None or wanted is None:
            return None
        return next((f for f in answer.follow_ups if f.id == wanted), None)

    @property
    def total(self) -> int:
        """How many questions the student will see (a mock's: as many as were asked so far)."""
        if self.kind is SessionKind.REHEARSAL:
            return len(self.session.plan)
        return len(self.session.answers)

    @property
    def is_last(self) -> bool:
        return self.index >= len(self.session.plan) - 1

    def skipped_positions(self) -> list[int]:
        return [a.position for a in self.session.answers if a.status is AnswerStatus.SKIPPED]

    def untaken_follow_ups(self) -> list[int]:
        question, answer = self.question, self.answer
        if question is None or answer is None:
            return []
        taken = {f.text for f in answer.follow_ups}
        return [i for i, f in enumerate(question.follow_ups) if f.text not in taken]

    def allows(self, intent: str) -> bool:
        """Whether `intent` makes sense now: the screens enable their keys with it."""
        if self.read_only and intent not in ("write", "leave_notes"):
            return False
        stage, live = self.stage, self.kind is SessionKind.LIVE
        answer = self.answer
        reviewing = stage.reveals_key_points
        rules = {
            "stop": stage.timing,
            "pause": stage.timing or stage is Stage.PRESENTING,
            "skip": stage in (Stage.PREPARING, Stage.ANSWERING) and not live,
            "rate": stage is Stage.RATING,
            "tick": reviewing or (live and answer is not None and stage is not Stage.WAITING),
            "answer_now": stage is Stage.SKIPPED,
            "follow_up": (reviewing or (live and stage is Stage.ANSWERING))
            and bool(self.untaken_follow_ups()),
            "ad_hoc": live and (reviewing or stage is Stage.ANSWERING),
            "next": reviewing or stage is Stage.SKIPPED,
            "previous": self.index > 0 and not live and (reviewing or stage in _MOVABLE),
            "ask": live and stage in (Stage.WAITING, Stage.KEY_POINTS, Stage.NOTES),
            "add_time": live and stage.timing,
            "end_presentation": stage is Stage.PRESENTING,
            "end": stage not in (Stage.ENDED, Stage.PRESENTING, Stage.DEBRIEFING),
            "finish": stage is not Stage.ENDED,
            "marks": live and answer is not None and stage is not Stage.WAITING,
        }
        return rules.get(intent, True)

    # -- the clocks ---------------------------------------------------------------------------

    def _run_clocks(self) -> None:
        """Start the clocks the stage calls for, from the time already spent."""
        session = self.session
        if self.defense is not None and session.stage is not Stage.ENDED:
            self.defense.run(paused=session.paused)
        if session.stage is Stage.FOLLOW_UP and (follow_up := self.follow_up) is not None:
            self.timer = AnswerTimer(self.clock, follow_up.time_limit, thresholds=self.thresholds,
                                     already=follow_up.elapsed or 0.0)  # fmt: skip
        elif session.stage.timing and (answer := self.answer) is not None:
            prep = session.settings.prep_seconds if session.stage is Stage.PREPARING else 0
            self.timer = AnswerTimer(self.clock, answer.time_limit, prep_seconds=prep,
                                     thresholds=self.thresholds, already=answer.elapsed or 0.0)  # fmt: skip
            self.timer.added_seconds = answer.added_seconds
        else:
            self.timer = None
            return
        self.timer.start()
        if session.paused:
            self.timer.pause()

    def _read_clocks(self) -> list[Answer]:
        """Copy the running clocks into the session; the answers whose time changed."""
        if self.defense is not None:
            self.defense.record()
        timer, answer = self.timer, self.answer
        if timer is None or answer is None:
            return []
        if timer.state.value == "prep":
            return []
        if self.stage is Stage.FOLLOW_UP and (follow_up := self.follow_up) is not None:
            follow_up.elapsed = timer.elapsed
        else:
            answer.elapsed = timer.elapsed
        return [answer]

    def checkpoint(self) -> None:
        """Save the running clocks and renew the lease (called every CHECKPOINT_SECONDS)."""
        if self.read_only or self.stage is Stage.ENDED:
            return
        self._save(self._read_clocks())

    def toggle_pause(self) -> None:
        session = self.session
        session.paused = not session.paused
        if self.timer is not None:
            self.timer.pause() if session.paused else self.timer.resume()
        if self.defense is not None:
            self.defense.pause() if session.paused else self.defense.resume()
        self._save(self._read_clocks())

    def _unpause(self) -> None:
        if self.session.paused:
            self.toggle_pause()

    def skip_prep(self) -> None:
        if self.timer is not None and self.stage is Stage.PREPARING:
            self._unpause()
            self.timer.skip_prep()
            self.session.stage = Stage.ANSWERING
            self._save()

    def sync_stage(self) -> None:
        """The preparation ends by itself: follow the timer from PREPARING to ANSWERING."""
        if (
            self.stage is Stage.PREPARING
            and self.timer is not None
            and self.timer.state.value == "running"
        ):
            self.session.stage = Stage.ANSWERING
            self._save()

    def add_time(self, seconds: float) -> None:
        answer = self.answer
        if self.timer is None or answer is None:
            return
        self.timer.add_time(seconds)
        if self.stage is not Stage.FOLLOW_UP:
            answer.added_seconds += seconds
        self._save([answer])

    # -- questions ----------------------------------------------------------------------------

    def _answer_for(self, index: int) -> Answer:
        """The answer to plan question `index`, created when first shown."""
        existing = self.session.answer_at(index)
        if existing is not None:
            return existing
        question = self.session.plan[index]
        answer = Answer(
            question_id=question.id,
            question_text=question.text,
            key_points=list(question.key_points),
            time_limit=question.time_limit,
            position=index,
            reason=question.reason,
        )
        self.session.answers.append(answer)
        self.session.answers.sort(key=lambda a: a.position)
        return answer

    def _prepare_question(self, index: int) -> Answer:
        """Make `index` the current question and set the stage its answer calls for."""
        session = self.session
        session.cursor = index
        session.follow_up_id = None
        answer = self._answer_for(index)
        if answer.status is AnswerStatus.PENDING:
            started = (answer.elapsed or 0) > 0
            session.stage = (
                Stage.PREPARING
                if session.settings.prep_seconds and not started
                else Stage.ANSWERING
            )
            if answer.elapsed is None:
                answer.elapsed = 0.0
        elif answer.status is AnswerStatus.SKIPPED:
            session.stage = Stage.SKIPPED
        elif answer.confidence is None and self.kind is not SessionKind.LIVE:
            session.stage = Stage.RATING
        else:
            session.stage = Stage.KEY_POINTS
        return answer

    def _show(self, index: int) -> None:
        self.timer = None
        answer = self._prepare_question(index)
        self.session.paused = False
        if self.defense is not None:
            self.defense.resume()
        self._run_clocks()
        self._save([answer])

    def _leave_current(self) -> list[Answer]:
        """Stop the current answer's clock before moving away (its time so far is kept)."""
        changed = self._read_clocks()
        self.timer = None
        return changed

    def stop(self) -> None:
        """The student has finished answering (or the follow-up): record the time."""
        if not self.allows("stop") or self.timer is None or (answer := self.answer) is None:
            return
        self._unpause()
        elapsed = self.timer.stop()
        self.timer = None
        if self.stage is Stage.FOLLOW_UP and (follow_up := self.follow_up) is not None:
            follow_up.elapsed = elapsed
            self.session.stage = Stage.KEY_POINTS
        else:
            answer.elapsed = elapsed
            answer.status = AnswerStatus.ANSWERED
            answer.answered_at = self.clock.now()
            live = self.kind is SessionKind.LIVE
            self.session.stage = Stage.KEY_POINTS if live else Stage.RATING
        self._save([answer])

    def rate(self, confidence: int) -> None:
        if not self.allows("rate") or (answer := self.answer) is None:
            return
        if not 1 <= confidence <= 5:
            raise ValueError("confidence is 1 to 5")
        answer.edit("confidence", confidence, "student", self.clock.now())
        self.session.stage = Stage.KEY_POINTS
        self._save([answer])

    def tick(self, covered: Sequence[int], *, follow_up: bool = False) -> None:
        """The key points covered (of the current follow-up with `follow_up`)."""
        answer = self.answer
        if answer is None or self.read_only:
            return
        target = self.follow_up if follow_up else answer
        if target is not None and target.edit(
            "covered", sorted(set(covered)), self.editor, self.clock.now()
        ):
            self._save([answer], session_row=False)

    def set_notes(self, text: str, *, follow_up: bool = False) -> None:
        """The notes as typed; kept in memory even when this window may no longer save them,
        so that its copy (shown, exported) has every word."""
        answer = self.answer
        target = self.follow_up if follow_up else answer
        if answer is None or target is None:
            return
        if target.edit("notes", text, "student", self.clock.now()):
            self._save([answer], session_row=False)

    def set_voice(self, item_id: str, voice: AnswerVoice) -> None:
        """What was recorded of an answer or a follow-up (by id: a transcript may come after the
        student moved on, or after the end, when it is saved without the lease)."""
        for answer in self.session.answers:
            target = (
                answer
                if answer.id == item_id
                else next((f for f in answer.follow_ups if f.id == item_id), None)
            )
            if target is None:
                continue
            target.voice = voice
            if self.stage is not Stage.ENDED:
                self._save([answer], session_row=False)
            elif not self.discarded:
                self._guard(
                    lambda s, a=answer: s.write_run(
                        self.session, None, answers=[a], session_row=False
                    )
                )
            return

    def write_notes(self) -> None:
        """The student moved into the notes (resumed there after a crash)."""
        if self.stage is Stage.KEY_POINTS:
            self.session.stage = Stage.NOTES
            self._save()

    def leave_notes(self) -> None:
        if self.stage is Stage.NOTES:
            self.session.stage = Stage.KEY_POINTS
            self._save()

    def skip(self) -> bool:
        """Pass on the current question (it can be answered later); False at the last one."""
        if not self.allows("skip") or (answer := self.answer) is None:
            return False
        changed = self._leave_current()
        answer.status = AnswerStatus.SKIPPED
        self.session.stage = Stage.SKIPPED
        self.session.paused = False
        self._save([answer, *changed])
        return self.next()

    def answer_now(self) -> None:
        """Answer a question skipped earlier: its timer starts now."""
        if not self.allows("answer_now") or (answer := self.answer) is None:
            return
        answer.status = AnswerStatus.PENDING
        self._show(self.index)

    def next(self) -> bool:
        """Go to the next question still to answer; False when none is left after this one (the
        screen then offers the skipped ones, or the end).

        A mock defense goes on while its discussion has time left, then moves to the debrief.
        """
        if not self.allows("next"):
            return False
        mock = self.kind is SessionKind.MOCK and self.defense is not None
        if mock and (self.is_last or not self.defense.next_question_allowed()):  # type: ignore[union-attr]
            self.begin_debrief()
            return False
        following = next(
            (i for i in range(self.index + 1, len(self.session.plan)) if self._to_answer(i)), None
        )
        if following is None:
            return False
        self._leave_current()
        self._show(following)
        return True

    def _to_answer(self, index: int) -> bool:
        answer = self.session.answer_at(index)
        return answer is None or answer.status is AnswerStatus.PENDING

    def previous(self) -> bool:
        if not self.allows("previous"):
            return False
        changed = self._leave_current()
        self._save(changed)
        self._show(self.index - 1)
        return True

    def go_to(self, index: int) -> None:
        """Show plan question `index` (a skipped one, from the summary of skipped questions)."""
        if 0 <= index < len(self.session.plan) and not self.read_only:
            self._save(self._leave_current())
            self._show(index)

    def start_follow_up(
        self, text: str, key_points: Sequence[str] = (), *, ad_hoc: bool = False
    ) -> FollowUpAnswer | None:
        answer = self.answer
        if answer is None or self.read_only:
            return None
        if self.stage is Stage.ANSWERING and self.kind is SessionKind.LIVE:
            self.stop()
        question_limit = self.question.time_limit if self.question else answer.time_limit
        limit = min(self.session.settings.follow_up_seconds, question_limit)
        follow_up = FollowUpAnswer(
            text=text, key_points=list(key_points), time_limit=limit, ad_hoc=ad_hoc, elapsed=0.0
        )
        answer.follow_ups.append(follow_up)
        self.session.follow_up_id = follow_up.id
        self.session.stage = Stage.FOLLOW_UP
        self.session.paused = False
        self.timer = AnswerTimer(self.clock, limit, thresholds=self.thresholds)
        self.timer.start()
        self._save([answer])
        return follow_up

    # -- live challenge -----------------------------------------------------------------------

    def ask(self, question: QuestionSnapshot) -> Answer:
        """Live: put a question to the student; its answer is recorded and timed at once."""
        if self.stage.timing:
            self.stop()
        self.session.plan.append(question)
        self._leave_current()
        self._show(len(self.session.plan) - 1)
        return self.answer  # type: ignore[return-value]

    def asked_ids(self) -> set[str]:
        return {a.question_id for a in self.session.answers}

    def set_mentor_notes(self, text: str) -> None:
        """Live: the mentor's private notes on the current answer."""
        answer = self.answer
        if (
            answer is not None
            and not self.read_only
            and answer.edit("mentor_notes", text, "mentor", self.clock.now())
        ):
            self._save([answer], session_row=False)

    def set_marks(self, marks: Marks) -> None:
        answer = self.answer
        if (
            answer is not None
            and not self.read_only
            and answer.edit("marks", marks, "mentor", self.clock.now())
        ):
            self._save([answer], session_row=False)

    # -- mock defense -------------------------------------------------------------------------

    def end_presentation(self) -> None:
        """The presentation is over: the discussion starts with the first question."""
        if self.defense is None or self.stage is not Stage.PRESENTING:
            return
        self._unpause()
        self.defense.advance()
        if self.session.plan:
            self._show(0)
        else:
            self.begin_debrief()

    def begin_debrief(self) -> None:
        """Mock: out of role, whatever the discussion's clock says (the student chose to end it)."""
        if self.defense is None:
            return
        changed = self._leave_current()
        answer = self.answer
        if answer is not None and answer.status is AnswerStatus.PENDING:
            answer.status = AnswerStatus.SKIPPED
            changed = [answer]
        while self.defense.phase in (MockPhase.PRESENTATION, MockPhase.DISCUSSION):
            self.defense.advance()
        self.session.stage = Stage.DEBRIEFING
        self.session.paused = False
        self._save(changed)

    def set_debrief(self, *, strengths: str | None = None, improvements: str | None = None) -> None:
        if self.read_only:
            return
        now, session = self.clock.now(), self.session
        changed = strengths is not None and session.edit(
            "debrief_strengths", strengths, "student", now
        )
        changed |= improvements is not None and session.edit(
            "debrief_improvements", improvements, "student", now
        )
        if changed:
            self._save()

    # -- the end ------------------------------------------------------------------------------

    def finish(self) -> Session:
        """End the session. A question shown but not answered counts as skipped, one never shown
        as not reached; a session with nothing in it is discarded."""
        session = self.session
        if session.stage is Stage.ENDED or self.read_only:
            return session
        self._read_clocks()
        self.timer = None
        if self.defense is not None:
            while self.defense.phase is not MockPhase.DONE:
                self.defense.advance()
        if session.kind is SessionKind.REHEARSAL:
            for index in range(len(session.plan)):
                self._answer_for(index)
        for answer in session.answers:
            if answer.status is AnswerStatus.PENDING:
                shown = answer.elapsed is not None
                answer.status = AnswerStatus.SKIPPED if shown else AnswerStatus.NOT_REACHED
        session.stage = Stage.ENDED
        session.paused = False
        session.follow_up_id = None
        session.ended_at = self.clock.now()
        if session.is_empty:
            self.discarded = True
            self._guard(lambda s: s.delete_session(session.id))
            return session
        self._save(list(session.answers), objectives=True)
        self._guard(lambda s: s.release(session.id, self.holder))
        return session

    def release(self) -> None:
        """This window lets the session go (quitting): another may open it without asking."""
        if self.store is not None and not self.read_only and self.stage is not Stage.ENDED:
            self._guard(lambda s: s.release(self.session.id, self.holder))

    def save_objectives(self) -> None:
        """After the end (live challenge): the objectives set for next week."""
        if self.store is None:
            return
        self._guard(lambda s: s.write_run(self.session, None, session_row=False, objectives=True))

    # -- saving -------------------------------------------------------------------------------

    def _save(
        self, answers: Sequence[Answer] = (), *, session_row: bool = True, objectives: bool = False
    ) -> None:
        unique = list({id(a): a for a in answers}.values())
        self._guard(
            lambda s: s.write_run(
                self.session,
                self.holder,
                answers=unique,
                session_row=session_row,
                objectives=objectives,
            )  # fmt: skip
        )

    def _guard(self, write: Any) -> None:
        if self.store is None or self.read_only:
            return
        try:
            write(self.store)
        except Exception as exc:  # noqa: BLE001 - storage trouble must never stop the session
            if isinstance(exc, WriteRefused):
                self.read_only = str(exc)
                self.timer = None
                return
            log.warning("saving failed: %s", exc)
            if self.save_error is None:
                self.save_error = str(exc) or type(exc).__name__
