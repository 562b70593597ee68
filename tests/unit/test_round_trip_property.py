"""Any session the model accepts comes back equal after store → JSON → import into another store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soutenance.exports.importing import import_session
from soutenance.exports.session_json import session_to_json_text
from soutenance.session.model import (
    MARK_SCALES,
    AnswerStatus,
    Marks,
    Objective,
    Session,
    SessionKind,
)
from soutenance.store import open_store
from tests.samples import sample_session

# What people type: any character but control ones (newlines and tabs kept) and lone surrogates.
typed = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029")
    | st.sampled_from("\n\t"),
    max_size=60,
)
line = typed.map(lambda s: " ".join(s.split())).filter(bool)
seconds = st.floats(min_value=0, max_value=36_000, allow_nan=False).map(lambda x: round(x, 1))
moments = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
)


@st.composite
def sessions(draw: st.DrawFn) -> Session:
    session = sample_session(
        draw(line),
        seed=draw(st.integers(0, 10_000)),
        started_at=draw(moments),
        kind=draw(st.sampled_from(list(SessionKind))),
        questions=draw(st.integers(0, 5)),
        reviewed=draw(st.booleans()),
        ended=draw(st.booleans()),
    )
    for answer in session.answers:
        answer.status = draw(st.sampled_from(list(AnswerStatus)))
        answer.elapsed = draw(st.none() | seconds)
        answer.notes = draw(typed)
        answer.mentor_comment = draw(typed)
        answer.mentor_notes = draw(typed)
        answer.confidence = draw(st.none() | st.integers(1, 5))
        answer.marks = Marks(**{s: draw(st.none() | st.integers(1, 4)) for s in MARK_SCALES})
        for follow_up in answer.follow_ups:
            follow_up.notes = draw(typed)
    session.objectives = [
        Objective(text=text, done=done)
        for text, done in draw(st.lists(st.tuples(line, st.booleans()), max_size=3))
    ]
    session.feedback = draw(typed)
    if session.answers and draw(st.booleans()):
        edited_at = session.started_at + timedelta(minutes=draw(st.integers(1, 10_000)))
        session.answers[0].edit(
            "notes", draw(typed), by=draw(st.sampled_from(["student", "mentor"])), at=edited_at
        )
    return Session.model_validate(session.model_dump())  # as the model accepts it, validated


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(session=sessions())
def test_a_session_comes_back_equal_from_export_and_import(
    tmp_path_factory, session: Session
) -> None:
    folder: Path = tmp_path_factory.mktemp("round-trip")
    sender = open_store(folder / "sender.sqlite3")
    receiver = open_store(folder / "receiver.sqlite3")
    try:
        sender.save_session(session)
        stored = sender.load_session(session.id)
        assert stored.model_dump() == session.model_dump()
        export = folder / "export.json"
        export.write_text(session_to_json_text(stored, private=True), encoding="utf-8")
        import_session(receiver, export)
        assert receiver.load_session(session.id).model_dump() == session.model_dump()
    finally:
        sender.close()
        receiver.close()
