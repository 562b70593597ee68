"""Random sequences of intents, kills and resumes: what a session must never do, whatever the order.

After every step, what is stored is checked: every drawn question ends in the summary exactly
once, no typed text is lost, no answer's time goes backwards, and no key point is shown before
the student rated their confidence.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soutenance.clock import FakeClock
from soutenance.session.model import AnswerStatus, Stage
from soutenance.session.run import SessionRun
from soutenance.store import Store
from soutenance.store.db import open_memory_database
from tests.unit.test_run import new_session

INTENTS = st.one_of(
    st.tuples(st.just("advance"), st.floats(min_value=0.05, max_value=90)),
    st.tuples(st.just("type"), st.text(alphabet="abcé \n[]*", min_size=1, max_size=8)),
    st.tuples(st.just("rate"), st.integers(1, 5)),
    st.tuples(st.just("tick"), st.lists(st.integers(0, 2), max_size=3)),
    st.tuples(
        st.sampled_from(
            [
                "stop",
                "pause",
                "skip",
                "next",
                "previous",
                "follow_up",
                "answer_now",
                "write_notes",
                "leave_notes",
                "checkpoint",
                "kill",
                "kill",
                "skipped",
            ]
        ),
        st.none(),
    ),
)


def apply(run: SessionRun, intent: str, value: object, typed: dict[str, str]) -> None:
    if intent == "advance":
        run.clock.advance(value)  # type: ignore[attr-defined]
    elif intent == "type" and run.answer is not None:
        text = run.answer.notes + str(value)
        run.set_notes(text)
        typed[run.answer.id] = text
    elif intent == "rate" and run.allows("rate"):
        run.rate(int(value))  # type: ignore[arg-type]
    elif intent == "tick" and run.allows("tick"):
        run.tick(list(value))  # type: ignore[arg-type]
    elif intent == "stop":
        run.stop()
    elif intent == "pause" and run.allows("pause"):
        run.toggle_pause()
    elif intent == "skip":
        run.skip()
    elif intent == "next":
        run.next()
    elif intent == "previous":
        run.previous()
    elif intent == "follow_up" and run.allows("follow_up"):
        question = run.question
        choice = question.follow_ups[run.untaken_follow_ups()[0]]
        run.start_follow_up(choice.text, choice.key_points)
    elif intent == "answer_now":
        run.answer_now()
    elif intent == "write_notes":
        run.write_notes()
    elif intent == "leave_notes":
        run.leave_notes()
    elif intent == "checkpoint":
        run.checkpoint()
    elif (
        intent == "skipped"
        and run.skipped_positions()
        and run.stage in (Stage.KEY_POINTS, Stage.SKIPPED)
    ):
        run.go_to(run.skipped_positions()[0])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(INTENTS, max_size=60))
def test_no_sequence_of_intents_kills_and_resumes_breaks_a_session(steps: list) -> None:
    clock = FakeClock()
    store = Store(open_memory_database(), clock=clock)
    run = SessionRun.start(new_session(count=4), clock, store)
    session_id = run.session.id
    typed: dict[str, str] = {}
    stored_elapsed: dict[str, float] = {}

    for intent, value in steps:
        if intent == "kill":
            store.db.write(lambda conn: conn.execute("UPDATE leases SET heartbeat_at = 0"))
            resumed = store.open_session(session_id, f"window-{len(typed)}-{clock.monotonic()}")
            run = SessionRun.resumed(resumed, clock, store, holder=store.lease(session_id).holder)
        else:
            apply(run, intent, value, typed)
        assert not run.read_only and not run.save_error
        stored = store.load_session(session_id)
        for answer in stored.answers:
            before = stored_elapsed.get(answer.id, 0.0)
            assert (answer.elapsed or 0.0) >= before - 1e-9, "an answer's time went backwards"
            stored_elapsed[answer.id] = answer.elapsed or 0.0
            if answer.id in typed:
                assert answer.notes == typed[answer.id], "typed text was lost"
        current = stored.answer_at(stored.cursor)
        if (
            stored.stage.reveals_key_points
            and current is not None
            and current.status is AnswerStatus.ANSWERED
        ):
            assert current.confidence is not None, "key points shown before the rating"

    run.finish()
    if run.discarded:  # nothing was done: nothing to keep
        assert not any(text.strip() for text in typed.values())
        assert not any(stored_elapsed.values())
        return
    final = store.load_session(session_id)
    assert sorted(a.position for a in final.answers) == list(range(len(final.plan)))
    assert [a.question_id for a in sorted(final.answers, key=lambda a: a.position)] == [
        q.id for q in final.plan
    ]
    assert all(a.status is not AnswerStatus.PENDING for a in final.answers)
    for answer in final.answers:
        if answer.id in typed:
            assert answer.notes == typed[answer.id]
