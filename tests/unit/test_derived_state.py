"""The store's derived rows (each student's memory of each question, the mentor's summaries) always
equal a full replay of the answers, whatever was saved, imported, deleted or edited by hand."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import fields
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soutenance.banks.model import Question
from soutenance.exports.importing import import_session
from soutenance.exports.session_json import session_to_json
from soutenance.session.figures import Figures
from soutenance.session.memory import replay_memories
from soutenance.session.model import Answer, AnswerStatus, Marks, Session
from soutenance.session.scheduling import plan, plan_draw
from soutenance.session.stats import project_view
from soutenance.store.db import open_memory_database
from soutenance.store.derived import (
    DERIVED_VERSION,
    is_current,
    project_summary,
    rebuild,
    refresh,
    student_memory,
)
from soutenance.store.migrations import LATEST_VERSION
from soutenance.store.records import project_records, student_records
from soutenance.store.roster import Student
from soutenance.store.sessions import Store
from soutenance.store.summaries import FIGURE_COLUMNS

T0 = datetime(2026, 9, 1, 18, tzinfo=UTC)
PATH = "digital-marketer"
PROJECTS = ("seo-audit", "content-plan")
QUESTIONS = ("q1", "q2", "q3", "q4")
KEY_POINTS = ("Budget", "Planning", "Risques")


def question(qid: str) -> Question:
    return Question(id=qid, text=f"Question {qid} ?", key_points=list(KEY_POINTS))


answers = st.builds(
    dict,
    question=st.sampled_from(QUESTIONS),
    status=st.sampled_from(list(AnswerStatus)),
    elapsed=st.floats(0, 300, allow_nan=False),
    confidence=st.none() | st.integers(1, 5),
    covered=st.lists(st.integers(0, 2), max_size=3),
    minutes=st.integers(0, 3),  # equal minutes: answers given at the same instant
    marks=st.none() | st.integers(1, 4),
)
new_session = st.builds(
    dict,
    op=st.just("new"),
    student=st.sampled_from(("Alice", "Bob")),
    project=st.sampled_from(PROJECTS),
    day=st.integers(0, 60),  # out of order: a session may be older than those already saved
    answers=st.lists(answers, max_size=5),
    imported=st.booleans(),
)
change = st.builds(dict, op=st.just("answer"), pick=st.integers(0, 99), answer=answers)
operations = st.lists(
    st.one_of(
        new_session,
        change,
        st.builds(dict, op=st.just("delete"), pick=st.integers(0, 99)),
        st.builds(dict, op=st.just("merge"), pick=st.integers(0, 99), mark=st.integers(1, 4)),
        st.builds(
            dict, op=st.just("by_hand"), pick=st.integers(0, 99), confidence=st.integers(1, 5)
        ),
        st.just({"op": "rename"}),
        st.just({"op": "merge_students"}),
        st.builds(dict, op=st.just("reassign"), pick=st.integers(0, 99)),
    ),
    min_size=1,
    max_size=12,
)


def make_answer(spec: dict, position: int, started: datetime) -> Answer:
    status = spec["status"]
    answered = status in (AnswerStatus.ANSWERED, AnswerStatus.SKIPPED)
    return Answer(
        question_id=spec["question"],
        question_text=f"Question {spec['question']} ?",
        key_points=list(KEY_POINTS),
        time_limit=90,
        position=position,
        status=status,
        elapsed=spec["elapsed"],
        confidence=spec["confidence"],
        covered=sorted(set(spec["covered"])),
        answered_at=started + timedelta(minutes=spec["minutes"]) if answered else None,
        marks=Marks(clarity=spec["marks"]) if spec["marks"] else Marks(),
    )


def apply(store: Store, op: dict, names: dict[str, str]) -> None:
    sessions = store.list_sessions(limit=None)
    picked = sessions[op["pick"] % len(sessions)] if sessions and "pick" in op else None
    if op["op"] == "new":
        started = T0 + timedelta(days=op["day"])
        session = Session(
            student=names[op["student"]], path_id=PATH, project_id=op["project"], project_title="P",
            language="fr", evaluator_role="Jury", started_at=started,
        )  # fmt: skip
        session.answers = [make_answer(spec, i, started) for i, spec in enumerate(op["answers"])]
        if op["imported"]:
            import_session(store, session_to_json(session))
        else:
            store.start_session(session, holder="window")
    elif op["op"] == "answer" and picked is not None:
        session = store.load_session(picked.id)
        if session.answers:
            answer = session.answers[op["pick"] % len(session.answers)]
            fresh = make_answer(op["answer"], answer.position, session.started_at)
            for name in (
                "status",
                "elapsed",
                "confidence",
                "covered",
                "answered_at",
                "question_id",
            ):
                setattr(answer, name, getattr(fresh, name))
            store.write_run(session, None, answers=[answer])
    elif op["op"] == "delete" and picked is not None:
        store.delete_session(picked.id)
    elif op["op"] == "merge" and picked is not None:
        session = store.load_session(picked.id)
        for answer in session.answers:
            answer.marks = Marks(posture=op["mark"])
        import_session(store, session_to_json(session))
    elif op["op"] == "by_hand" and picked is not None:
        # Outside the app: nothing refreshes now; the triggers note it for the next read.
        store.db.conn.execute(
            "UPDATE answers SET confidence = ? WHERE session_id = ?", (op["confidence"], picked.id)
        )
    elif op["op"] == "rename" and store.roster.get_student(names["Bob"]) is not None:
        bob = store.roster.get_student(names["Bob"])
        names["Bob"] = "Bea" if names["Bob"] == "Bob" else "Bob"
        store.roster.update_student(Student(**{**bob.__dict__, "name": names["Bob"]}))

    elif op["op"] == "merge_students" and all(store.roster.get_student(n) for n in names.values()):
        store.roster.merge_students(names["Bob"], names["Alice"])
    elif op["op"] == "reassign" and picked is not None:
        other = names["Alice"] if picked.student == names["Bob"] else names["Bob"]
        store.roster.reassign_session(picked.id, other)


def assert_figures_close(got: Figures, expected: Figures) -> None:
    for item in fields(Figures):
        assert getattr(got, item.name) == pytest.approx(getattr(expected, item.name), abs=1e-9), (
            item.name
        )


def assert_matches_replay(store: Store, names: dict[str, str]) -> None:
    bank = [question(q) for q in QUESTIONS[:3]]  # q4 is no longer in the bank
    for project in PROJECTS:
        for name in set(names.values()):
            records = student_records(store, name, path_id=PATH, project_id=project)
            expected = replay_memories(records)
            stored = student_memory(store, name, PATH, project)
            assert set(stored.seen_ids()) == set(expected)
            assert stored.seen_count() == len(expected)
            assert stored.seen_among(["q1", "q4", "nowhere"]) == {"q1", "q4"} & set(expected)
            got = stored.get(expected)
            assert {q: s.snapshot() for q, s in got.items()} == {
                q: s.snapshot() for q, s in expected.items()
            }
            for focus in ("mix", "weak", "new", "due", "all"):
                now = T0 + timedelta(days=70)
                from_store = plan_draw(bank, stored, now=now, count=3, focus=focus, seed=4)
                replayed = plan_draw(bank, records, now=now, count=3, focus=focus, seed=4)
                assert from_store == replayed
            assert plan(bank, stored, T0) == plan(bank, records, T0)
        view = project_summary(store, PATH, project, bank, limit=None)
        marks = {
            row[0]: json.loads(row[1])
            for row in store.db.conn.execute("SELECT id, marks FROM answers")
        }
        reference = project_view(project_records(store, PATH, project), bank, project, marks=marks)
        assert view.coverage == reference.coverage
        assert [q.question_id for q in view.questions] == [
            q.question_id for q in reference.questions
        ]
        for got_question, expected_question in zip(
            view.questions, reference.questions, strict=True
        ):
            assert got_question.most_missed == expected_question.most_missed
            assert (got_question.median_time, got_question.median_coverage) == (
                expected_question.median_time, expected_question.median_coverage,
            )  # fmt: skip
            assert_figures_close(got_question.figures, expected_question.figures)
        assert [(s.student, s.drawn) for s in view.students] == [
            (s.student, s.drawn) for s in reference.students
        ]
        for got_student, expected_student in zip(view.students, reference.students, strict=True):
            assert_figures_close(got_student.figures, expected_student.figures)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=operations)
def test_stored_state_is_a_full_replay_after_any_saves_imports_deletions_and_edits(steps) -> None:
    store = Store(open_memory_database())
    names = {"Alice": "Alice", "Bob": "Bob"}
    for op in steps:
        apply(store, op, names)
    assert_matches_replay(store, names)
    assert store.db.conn.execute("SELECT count(*) FROM derived_dirty").fetchone()[0] == 0
    rebuild(store.db.conn)  # and a rebuild from scratch gives the same rows
    assert_matches_replay(store, names)


def test_each_save_refreshes_in_its_own_transaction() -> None:
    store = Store(open_memory_database())
    session = Session(student="Alice", path_id=PATH, project_id="seo-audit", project_title="P",
                      language="fr", evaluator_role="Jury", started_at=T0)  # fmt: skip
    session.answers = [make_answer({"question": "q1", "status": AnswerStatus.PENDING, "elapsed": 0.0,
                                    "confidence": None, "covered": [], "minutes": 0, "marks": None}, 0, T0)]  # fmt: skip
    store.start_session(session, holder="window")
    refresh(store.db.conn, PATH, "seo-audit")  # nothing noted from a pending answer
    answer = session.answers[0]
    answer.status, answer.elapsed, answer.answered_at = AnswerStatus.ANSWERED, 42.0, T0
    store.write_run(session, "window", answers=[answer])
    conn = store.db.conn
    assert is_current(conn, PATH, "seo-audit", "Alice") and is_current(conn, PATH, "seo-audit")
    state = conn.execute("SELECT answers, last_answer_id FROM question_memory").fetchone()
    assert tuple(state) == (1, answer.id)
    store.delete_session(session.id)
    assert conn.execute("SELECT count(*) FROM question_memory").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM question_summary").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM student_summary").fetchone()[0] == 0


def test_a_new_version_rebuilds_on_first_use(monkeypatch: pytest.MonkeyPatch) -> None:
    import soutenance.store.derived as derived
    from tests.samples import sample_session

    store = Store(open_memory_database())
    for seed in range(3):
        store.save_session(sample_session("Alice", seed=seed, started_at=T0 + timedelta(days=seed)))
    conn = store.db.conn
    before = conn.execute(
        "SELECT question_id, card FROM question_memory ORDER BY question_id"
    ).fetchall()
    assert before and conn.execute(
        "SELECT value FROM settings WHERE key = 'derived_version'"
    ).fetchone()[0] == str(DERIVED_VERSION)
    monkeypatch.setattr(derived, "DERIVED_VERSION", DERIVED_VERSION + 1)
    assert not is_current(conn, "digital-marketer", "seo-audit", "Alice")
    student_memory(store, "Alice", "digital-marketer", "seo-audit")
    after = conn.execute(
        "SELECT question_id, card FROM question_memory ORDER BY question_id"
    ).fetchall()
    assert [tuple(r) for r in after] == [tuple(r) for r in before]
    assert conn.execute("SELECT value FROM settings WHERE key = 'derived_version'").fetchone()[
        0
    ] == str(DERIVED_VERSION + 1)


def test_the_derived_tables_have_one_column_per_figure() -> None:
    conn = open_memory_database().conn
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION

    def columns(table: str) -> list[str]:
        return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]

    assert tuple(f.name for f in fields(Figures)) == FIGURE_COLUMNS
    assert columns("question_summary") == [
        "path_id", "project_id", "student", "question_id", "students", "median_time",
        "median_coverage", "key_points", "last_at", "hard_coverage", "hard_overtime", "hard_skipped",
        *FIGURE_COLUMNS,
    ]  # fmt: skip
    assert columns("student_summary") == [
        "path_id",
        "project_id",
        "student",
        "questions",
        *FIGURE_COLUMNS,
    ]
    assert "question_id" in columns("question_memory") and "card" in columns("question_memory")
    assert "answer_id" in columns("answer_facts") and "coverage" in columns("answer_facts")
    triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert triggers == {
        "answers_inserted_derived", "answers_updated_derived", "answers_deleted_derived",
        "sessions_deleted_derived", "sessions_updated_derived",
    }  # fmt: skip


def test_the_draw_reads_the_states_through_the_indexes() -> None:
    conn = open_memory_database().conn
    plans = {
        "weak": """SELECT question_id FROM question_memory WHERE student = 'a' AND path_id = 'p'
            AND project_id = 'j' AND weak = 1 ORDER BY quality, last_us, question_id LIMIT 10""",
        "recall": """SELECT question_id, stability, last_us FROM question_memory WHERE student = 'a'
            AND path_id = 'p' AND project_id = 'j' AND weak = 0
            ORDER BY max(0, (1 - last_us) / 86400000000) * 1.0 / stability DESC LIMIT 10""",
    }
    for name, query in plans.items():
        plan_text = " ".join(row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + query))
        assert "question_memory_for_draw" in plan_text, (name, plan_text)
        assert "SCAN" not in plan_text.replace("USING COVERING INDEX", ""), (name, plan_text)


def test_a_migrated_database_builds_its_rows_on_first_read(tmp_path, fixtures) -> None:
    import shutil

    from soutenance.store import open_store

    path = tmp_path / "soutenance.sqlite3"
    shutil.copy(fixtures / "store" / "v1-unfinished.sqlite3", path)
    with open_store(path) as store:
        conn = store.db.conn
        assert conn.execute("SELECT count(*) FROM question_memory").fetchone()[0] == 0
        finished = [s for s in store.list_sessions() if s.ended_at is not None][0]
        records = student_records(
            store, finished.student, path_id=finished.path_id, project_id=finished.project_id
        )
        stored = student_memory(store, finished.student, finished.path_id, finished.project_id)
        expected = replay_memories(records)
        assert expected and {q: s.snapshot() for q, s in stored.get(expected).items()} == {
            q: s.snapshot() for q, s in expected.items()
        }
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_rehearsal_costs_one_review_per_save_not_a_replay(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Answering, rating, ticking key points: each save reviews the stored card once."""
    import soutenance.store.memory_state as memory_state

    store = Store(open_memory_database())
    for day in range(5):  # a long history on the same question
        session = Session(student="Alice", path_id=PATH, project_id="seo-audit", project_title="P",
                          language="fr", evaluator_role="Jury", started_at=T0 + timedelta(days=day))  # fmt: skip
        spec = {"question": "q1", "status": AnswerStatus.ANSWERED, "elapsed": 50.0 + day, "confidence": 3,
                "covered": [0, 1], "minutes": 0, "marks": None}  # fmt: skip
        session.answers = [make_answer(spec, 0, session.started_at)]
        store.save_session(session)
    replays = []
    original = memory_state.question_memory
    monkeypatch.setattr(
        memory_state, "question_memory", lambda group: replays.append(group) or original(group)
    )
    today = T0 + timedelta(days=9)
    session = Session(student="Alice", path_id=PATH, project_id="seo-audit", project_title="P",
                      language="fr", evaluator_role="Jury", started_at=today)  # fmt: skip
    session.answers = [make_answer({**spec, "status": AnswerStatus.PENDING}, 0, today)]
    store.start_session(session, holder="window")
    answer = session.answers[0]
    answer.status, answer.elapsed, answer.answered_at = AnswerStatus.ANSWERED, 70.0, today
    store.write_run(session, "window", answers=[answer])  # a new last answer
    answer.confidence = 1
    store.write_run(session, "window", answers=[answer])  # the last answer rated
    answer.covered = [0, 1, 2]
    store.write_run(session, "window", answers=[answer])  # its key points ticked
    answer.notes = "typed"
    store.write_run(session, "window", answers=[answer])  # nothing the state depends on
    assert replays == []
    records = student_records(store, "Alice", path_id=PATH, project_id="seo-audit")
    stored = student_memory(store, "Alice", PATH, "seo-audit").get(["q1"])
    assert stored["q1"].snapshot() == replay_memories(records)["q1"].snapshot()
    assert stored["q1"].answers == 6 and stored["q1"].last.answer_id == answer.id


def test_an_import_after_the_history_reviews_the_stored_cards_without_a_replay(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A session imported after the student's history (a question answered once or several
    times in it) moves each state on from its stored card; what lands before the last stored
    answer is replayed. Either way the rows equal a full replay."""
    import soutenance.store.memory_state as memory_state

    store = Store(open_memory_database())
    names = {"Alice": "Alice", "Bob": "Bob"}
    spec = {"question": "q1", "status": AnswerStatus.ANSWERED, "elapsed": 40.0, "confidence": 2,
            "covered": [0], "minutes": 0, "marks": None}  # fmt: skip
    for day in range(3):
        apply(store, {"op": "new", "student": "Alice", "project": "seo-audit", "day": day,
                      "answers": [spec, {**spec, "question": "q2"}], "imported": True}, names)  # fmt: skip
    replays = []
    original = memory_state.question_memory
    monkeypatch.setattr(
        memory_state, "question_memory", lambda group: replays.append(group) or original(group)
    )
    later = [spec, {**spec, "elapsed": 200.0, "minutes": 1}, {**spec, "question": "q2"},
             {**spec, "question": "q2", "status": AnswerStatus.SKIPPED, "minutes": 2}]  # fmt: skip
    apply(store, {"op": "new", "student": "Alice", "project": "seo-audit", "day": 10,
                  "answers": later, "imported": True}, names)  # fmt: skip
    assert replays == []
    assert_matches_replay(store, names)
    apply(store, {"op": "new", "student": "Alice", "project": "seo-audit", "day": 1,
                  "answers": [spec], "imported": True}, names)  # fmt: skip
    assert [group[0].question_id for group in replays] == ["q1"]  # older than the last: replayed
    assert_matches_replay(store, names)


def test_a_student_merge_and_a_reassigned_session_move_the_stored_rows() -> None:
    store = Store(open_memory_database())
    spec = {"question": "q1", "status": AnswerStatus.ANSWERED, "elapsed": 30.0, "confidence": 3,
            "covered": [0], "minutes": 0, "marks": 2}  # fmt: skip
    for day, student in enumerate(("Alice", "Bob", "Bob")):
        apply(store, {"op": "new", "student": student, "project": "seo-audit", "day": day,
                      "answers": [spec], "imported": False}, {student: student})  # fmt: skip
    names = {"Alice": "Alice", "Bob": "Bob"}
    assert_matches_replay(store, names)
    store.roster.merge_students("bob", "Alice")
    memory = store.db.conn.execute(
        "SELECT student, answers FROM question_memory WHERE project_id = 'seo-audit'"
    ).fetchall()
    assert [tuple(row) for row in memory] == [("Alice", 3)]
    view = project_summary(store, PATH, "seo-audit", [question("q1")], limit=None)
    assert [(s.student, s.answers) for s in view.students] == [("Alice", 3)]
    assert_matches_replay(store, names)
    latest = store.list_sessions("Alice", limit=1)[0]
    store.roster.reassign_session(latest.id, "Chloé")
    names["Chloé"] = "Chloé"
    assert student_memory(store, "Chloé", PATH, "seo-audit").seen_ids()
    assert_matches_replay(store, names)


def test_a_read_only_opening_reads_current_figures_and_leaves_the_file_alone(tmp_path) -> None:
    import hashlib

    from soutenance.store import open_store
    from tests.samples import sample_session

    path = tmp_path / "soutenance.sqlite3"
    with open_store(path) as store:
        session = sample_session("Ann")
        store.save_session(session)
    # Derived rows noted but not built (as a newer derived version or a hand edit leaves them).
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM settings")
    conn.commit()
    conn.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()

    with open_store(path, mode="read") as store:
        view = project_summary(store, session.path_id, session.project_id, None)
    assert view.answers == len([a for a in session.answers if a.status != "pending"])
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
