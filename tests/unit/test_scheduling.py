"""Planning what a student rehearses next, with FSRS and the defense date."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from fsrs import Rating
from hypothesis import given, settings
from hypothesis import strategies as st

from soutenance.banks.model import Question
from soutenance.i18n import set_language
from soutenance.session import scheduling
from soutenance.session.draw import QuestionFilter
from soutenance.session.model import Answer, Session
from soutenance.session.reasons import (
    calibration_text,
    days_text,
    defense_text,
    plan_lines,
    reason_text,
)
from soutenance.session.scheduling import (
    AnswerRecord,
    CardCache,
    QuestionPool,
    Reason,
    ReplayedMemory,
    answer_quality,
    as_utc,
    card_cache,
    clear_card_caches,
    confidence_unit,
    draw_weights,
    is_weak,
    make_scheduler,
    plan,
    plan_draw,
    rate_answer,
    replay,
    weak_points,
)
from soutenance.session.stats import calibrate

NOW = datetime(2026, 11, 2, 18, tzinfo=UTC)
KP = ("a", "b", "c", "d")
KP_ALL = (0, 1, 2, 3)


def bank(n: int = 12) -> list[Question]:
    return [
        Question(
            id=f"q{i:02d}",
            text=f"Question {i}",
            key_points=list(KP),
            difficulty=1 + i % 3,
            tags=[f"t{i % 2}"],
        )
        for i in range(n)
    ]


def rec(
    qid: str,
    days_ago: float = 1,
    *,
    covered=(0, 1, 2, 3),
    elapsed=60.0,
    limit=90,
    confidence=3,
    skipped=False,
) -> AnswerRecord:
    return AnswerRecord(
        question_id=qid,
        answered_at=NOW - timedelta(days=days_ago),
        coverage=None if skipped else len(covered) / 4,
        elapsed=None if skipped else elapsed,
        time_limit=limit,
        confidence=confidence,
        skipped=skipped,
        key_points=KP,
        covered=tuple(covered),
    )


def ids(picks) -> list[str]:
    return [q.id for q, _ in picks]


# -- rating ---------------------------------------------------------------------------------------


def test_rating_from_coverage_time_and_confidence() -> None:
    assert rate_answer(rec("x", skipped=True)) is Rating.Again
    assert rate_answer(rec("x", covered=(0,), confidence=1)) is Rating.Again
    assert rate_answer(rec("x", covered=(0, 1), confidence=2)) is Rating.Hard
    assert rate_answer(rec("x", covered=(0, 1, 2, 3), elapsed=120)) is Rating.Hard  # overtime
    assert rate_answer(rec("x", covered=(0, 1, 2), confidence=3)) is Rating.Good
    assert rate_answer(rec("x", covered=(0, 1, 2, 3), confidence=4)) is Rating.Easy
    bare = AnswerRecord("x", NOW)  # nothing known: middle quality
    assert answer_quality(bare) == 0.5


def test_records_are_normalised() -> None:
    naive = AnswerRecord("x", datetime(2026, 1, 1, 12), coverage=1.7)
    assert naive.answered_at.tzinfo is UTC
    assert naive.coverage == 1.0
    assert as_utc(date(2026, 3, 1)) == datetime(2026, 3, 1, tzinfo=UTC)
    assert confidence_unit(None) is None
    assert confidence_unit(5) == 1.0 and confidence_unit(3) == 0.5 and confidence_unit(1) == 0.0
    assert confidence_unit(9) == 1.0


def test_replay_gives_lower_recall_to_weak_questions() -> None:
    scheduler = make_scheduler()
    strong = replay([rec("s", 10), rec("s", 5)], scheduler)
    weak = replay(
        [rec("w", 10, covered=(0,), confidence=1), rec("w", 5, covered=(0,), confidence=1)],
        scheduler,
    )
    assert replay([], scheduler) is None
    later = NOW + timedelta(days=10)
    assert scheduler.get_card_retrievability(weak, later) < scheduler.get_card_retrievability(
        strong, later
    )


def test_record_from_session_answer() -> None:
    session = Session(
        student="alice",
        path_id="cm",
        project_id="crise",
        project_title="Crise",
        language="fr",
        evaluator_role="DRH",
        started_at=NOW,
    )
    answer = Answer(
        question_id="q01",
        question_text="Q",
        key_points=list(KP),
        time_limit=90,
        elapsed=30.0,
        covered=[2, 0, 2],
        confidence=3,
    )
    record = AnswerRecord.from_answer(answer, session)
    assert (record.student, record.session_id, record.answered_at) == ("alice", session.id, NOW)
    assert record.covered == (0, 2) and record.coverage == 0.5
    assert record.key_point_counts() == (2, 4)


# -- plan_draw ------------------------------------------------------------------------------------


def test_no_history_draws_never_seen() -> None:
    picks = plan_draw(bank(), [], now=NOW, count=5, seed=1)
    assert len(picks) == 5
    assert all(reason == ("never_seen", {}) for _, reason in picks)
    assert ids(picks) == ids(plan_draw(bank(), [], now=NOW, count=5, seed=1))


def test_unseen_come_first() -> None:
    history = [rec(f"q{i:02d}") for i in range(8)]  # all answered well
    picks = plan_draw(bank(), history, now=NOW, count=4, seed=3)
    assert sorted(ids(picks)) == ["q08", "q09", "q10", "q11"]


def test_weak_before_strong_with_reasons() -> None:
    history = [rec(f"q{i:02d}", 3) for i in range(12)]
    history += [
        rec("q01", 1, elapsed=102),  # overtime by 12 s
        rec("q02", 1, covered=(0,)),  # 1 key point of 4
        rec("q03", 1, confidence=1),
        rec("q04", 1, skipped=True),
    ]
    picks = plan_draw(bank(), history, now=NOW, count=12, seed=0)
    reasons = dict(zip(ids(picks), [r for _, r in picks], strict=True))
    assert set(ids(picks)[:4]) == {"q01", "q02", "q03", "q04"}
    assert ids(picks)[0] == "q04"  # skipped is the weakest
    assert reasons["q01"] == ("overtime_last", {"seconds": 12})
    assert reasons["q02"] == ("key_points", {"covered": 1, "total": 4})
    assert reasons["q03"] == ("low_confidence", {"confidence": 1})
    assert reasons["q04"] == ("skipped_last", {})
    rest = [reasons[qid] for qid in ids(picks)[4:]]
    assert {r.code for r in rest} <= {"due", "review"}
    assert all(0 <= r.params["retrievability"] <= 1 for r in rest)
    assert ids(plan_draw(bank(), history, now=NOW, count=3, focus="weak", seed=0)) == ids(picks)[:3]


def test_a_later_good_answer_clears_the_weakness() -> None:
    history = [rec("q00", 5, covered=(0,)), rec("q00", 1)]
    picks = plan_draw(bank(1), history, now=NOW, count=1, focus="weak", seed=0)
    assert picks == []


def test_mix_keeps_a_third_for_weak_ones() -> None:
    history = [rec("q00", 1, covered=()), rec("q01", 1, covered=()), rec("q02", 1)]
    picks = plan_draw(bank(), history, now=NOW, count=6, seed=2)
    codes = Counter(r.code for _, r in picks)
    assert codes == {"never_seen": 4, "key_points": 2}
    assert [r.code for _, r in picks][:4] == ["never_seen"] * 4


def test_focus_modes() -> None:
    history = [rec("q00", 30), rec("q01", 1, covered=()), rec("q02", 0.1, confidence=4)]
    questions = bank(6)
    new = plan_draw(questions, history, now=NOW, count=10, focus="new", seed=1)
    assert sorted(ids(new)) == ["q03", "q04", "q05"]
    weak = plan_draw(questions, history, now=NOW, count=10, focus="weak", seed=1)
    assert ids(weak) == ["q01"]
    due = plan_draw(questions, history, now=NOW, count=10, focus="due", seed=1)
    assert ids(due) == ["q00", "q01"]  # a month-old answer fades more than yesterday's weak one
    assert "q02" not in ids(due)  # answered well a couple of hours ago
    values = [r.params["retrievability"] for _, r in due if "retrievability" in r.params]
    assert values == sorted(values)
    everything = plan_draw(questions, history, now=NOW, count=10, focus="all", seed=1)
    assert sorted(ids(everything)) == [q.id for q in questions]


def test_whole_bank_seen_by_the_defense_and_weak_ones_several_times() -> None:
    questions = [Question(id=f"q{i:02d}", text=f"Q{i}", key_points=list(KP)) for i in range(30)]
    hard = {f"q{i:02d}" for i in range(0, 30, 5)}
    defense = NOW + timedelta(days=10)
    history: list[AnswerRecord] = []
    asked: Counter[str] = Counter()
    for day in range(10):
        now = NOW + timedelta(days=day)
        picks = plan_draw(questions, history, now=now, defense_date=defense, count=5, seed=day)
        assert len(picks) == 5
        for question, _ in picks:
            asked[question.id] += 1
            covered = (0,) if question.id in hard else (0, 1, 2, 3)
            history.append(
                AnswerRecord(
                    question.id,
                    now,
                    coverage=len(covered) / 4,
                    elapsed=50,
                    time_limit=90,
                    confidence=3,
                    key_points=KP,
                    covered=covered,
                )
            )
    assert set(asked) == {q.id for q in questions}
    assert all(asked[qid] >= 2 for qid in hard)
    assert plan(questions, history, defense, defense, 5).unseen == 0


def test_close_defense_date_raises_the_share_of_new_questions() -> None:
    history = [rec(f"q{i:02d}", 1, covered=()) for i in range(6)]  # six weak questions
    no_date = plan_draw(bank(20), history, now=NOW, count=6, seed=1)
    assert Counter(r.code for _, r in no_date)["never_seen"] == 4
    tomorrow = plan_draw(
        bank(20), history, now=NOW, defense_date=NOW + timedelta(days=1), count=6, seed=1
    )
    assert all(r.code == "never_seen" for _, r in tomorrow)


def test_past_defense_date_and_unknown_ids_are_fine() -> None:
    history = [rec("gone", 2), rec("q00", 2), AnswerRecord("q01", NOW)]  # q01 never reached
    past = NOW - timedelta(days=3)
    picks = plan_draw(bank(3), history, now=NOW, defense_date=past, count=5, seed=1)
    assert sorted(ids(picks)) == ["q00", "q01", "q02"]
    assert "gone" not in ids(picks)
    result = plan(bank(3), history, NOW, past, per_session=2)
    assert result.defense_passed and result.days_left == 0 and result.sessions_per_day is None
    assert result.unknown_ids == ("gone",)
    assert result.unseen_ids == ("q01", "q02")
    assert result.on_track is False


def test_past_defense_date_is_like_no_date() -> None:
    history = [rec(f"q{i:02d}", 1, covered=()) for i in range(6)]
    past = plan_draw(
        bank(20), history, now=NOW, defense_date=NOW - timedelta(days=1), count=6, seed=1
    )
    assert ids(past) == ids(plan_draw(bank(20), history, now=NOW, count=6, seed=1))


def test_repeated_ids_in_the_bank_are_drawn_once() -> None:
    questions = bank(5) + bank(5)
    for focus in ("mix", "new", "all"):
        picks = plan_draw(questions, [rec("q00")], now=NOW, count=10, focus=focus, seed=4)
        assert len(ids(picks)) == len(set(ids(picks))) == (4 if focus == "new" else 5)
    assert plan(questions, [], NOW).total == 5


def test_large_bank_takes_unseen_by_sampling_positions() -> None:
    questions = bank(400)
    history = [rec(f"q{i:02d}", 2) for i in range(10)]
    picks = plan_draw(questions, history, now=NOW, count=8, focus="new", seed=9)
    assert len(set(ids(picks))) == 8
    assert not set(ids(picks)) & {f"q{i:02d}" for i in range(10)}
    assert ids(picks) == ids(plan_draw(questions, history, now=NOW, count=8, focus="new", seed=9))


class CountedMemory(ReplayedMemory):
    """Replayed states that count how the draw reads them."""

    def __init__(self, history) -> None:
        super().__init__(history)
        self.full_reads = 0

    def seen_ids(self):
        self.full_reads += 1
        return super().seen_ids()

    def seen_count(self) -> int:
        return len(self._groups)

    def seen_among(self, question_ids):
        return {qid for qid in question_ids if qid in self._groups}


def test_mostly_seen_bank_draws_every_unseen_question_alike_without_reading_every_seen_id() -> None:
    questions = bank(100)
    history = [rec(f"q{i:02d}", 2) for i in range(80)]
    unseen = {f"q{i:02d}" for i in range(80, 100)}
    drawn: Counter[str] = Counter()
    firsts: Counter[str] = Counter()
    for seed in range(1000):
        memory = CountedMemory(history)
        picks = ids(plan_draw(questions, memory, now=NOW, count=5, focus="new", seed=seed))
        assert memory.full_reads == 0
        assert len(set(picks)) == 5 and set(picks) <= unseen
        assert picks == ids(plan_draw(questions, history, now=NOW, count=5, focus="new", seed=seed))
        drawn.update(picks)
        firsts[picks[0]] += 1
    # each of the 20 unseen questions is drawn in a quarter of the sessions, first in 1/20
    assert set(drawn) == set(firsts) == unseen
    assert all(180 <= n <= 320 for n in drawn.values()), drawn
    assert all(20 <= n <= 85 for n in firsts.values()), firsts


def test_rare_unseen_questions_are_found_by_reading_the_seen_ids(monkeypatch) -> None:
    questions = bank(300)
    history = [rec(f"q{i:02d}", 2) for i in range(300) if i not in (7, 123, 250)]
    monkeypatch.setattr(scheduling, "LAZY_TRIES", 4)
    for focus in ("new", "mix"):
        memory = CountedMemory(history)
        picks = plan_draw(questions, memory, now=NOW, count=10, focus=focus, seed=3)
        assert memory.full_reads > 0
        new = {q.id for q, reason in picks if reason.code == "never_seen"}
        assert new == {"q07", "q123", "q250"}, focus


def test_a_near_date_counts_unseen_questions_exactly_when_the_history_has_gone_ones() -> None:
    # 20 answers about removed questions make the cheap bound (30 - 26 seen) too low.
    history = [rec(f"gone{i}", 1) for i in range(20)]
    history += [rec(f"q{i:02d}", 1, covered=()) for i in range(6)]  # six weak questions
    tomorrow = NOW + timedelta(days=1)
    memory = CountedMemory(history)
    picks = plan_draw(bank(30), memory, now=NOW, defense_date=tomorrow, count=6, seed=1)
    assert all(r.code == "never_seen" for _, r in picks)
    assert memory.full_reads > 0
    far = CountedMemory([rec(f"q{i:02d}", 1) for i in range(6)])
    plan_draw(bank(400), far, now=NOW, defense_date=NOW + timedelta(days=30), count=6, seed=1)
    assert far.full_reads == 0  # 394 unseen in 30 days: the bound is enough


def test_plan_counts_sessions() -> None:
    result = plan(bank(12), [rec("q00", 1, covered=())], NOW, date(2026, 11, 6), per_session=3)
    assert result.total == 12 and result.seen == 1 and result.unseen == 11
    assert result.weak_ids == ("q00",)
    assert result.sessions_needed == 6  # 2 new a session while a weak one waits
    assert result.days_left == 4
    assert result.sessions_per_day == pytest.approx(1.5)
    assert result.on_track is False
    assert plan(bank(4), [], NOW).days_left is None
    assert plan(bank(4), [], NOW).on_track is None
    assert plan([], [], NOW, NOW).sessions_needed == 0


def test_mixed_naive_and_aware_history() -> None:
    history = [
        AnswerRecord("q00", datetime(2026, 10, 1, 9), coverage=0.25, elapsed=30, time_limit=90),
        AnswerRecord(
            "q00", datetime(2026, 10, 20, 9, tzinfo=UTC), coverage=1.0, elapsed=30, time_limit=90
        ),
    ]
    picks = plan_draw(bank(1), history, now=datetime(2026, 11, 1), count=2, focus="all", seed=0)
    assert picks == [(bank(1)[0], ("review", {"retrievability": 0.95}))]


def test_draw_weights() -> None:
    weights = draw_weights(
        bank(3),
        [rec("q00", 1), rec("q01", 1, covered=())],
        now=NOW,
        defense_date=NOW + timedelta(days=20),
    )
    assert weights["q02"] == 1.0
    assert 0.05 <= weights["q00"] < weights["q01"] <= 1.0


def test_reason_is_a_plain_tuple() -> None:
    assert Reason("due", {"retrievability": 0.42}) == ("due", {"retrievability": 0.42})


# -- properties ---------------------------------------------------------------------------------

QIDS = [f"q{i:02d}" for i in range(15)]
records = st.builds(
    AnswerRecord,
    question_id=st.sampled_from([*QIDS, "gone", "old"]),
    answered_at=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 1, 1)),
    coverage=st.none() | st.floats(0, 1),
    elapsed=st.none() | st.floats(0, 600),
    time_limit=st.integers(10, 300),
    confidence=st.none() | st.integers(1, 4),
    skipped=st.booleans(),
)


@settings(max_examples=120, deadline=None)
@given(
    history=st.lists(records, max_size=40),
    count=st.integers(0, 20),
    focus=st.sampled_from(["mix", "weak", "new", "due", "all"]),
    asked=st.sets(st.sampled_from(QIDS), max_size=6),
    difficulties=st.sets(st.integers(1, 3), max_size=2),
    tags=st.sets(st.sampled_from(["t0", "t1"]), max_size=1),
    defense=st.none() | st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 6, 1)),
    seed=st.integers(0, 1000),
    pooled=st.booleans(),
)
def test_plan_draw_never_repeats_nor_leaves_the_filters(
    history, count, focus, asked, difficulties, tags, defense, seed, pooled
) -> None:
    questions = bank(15)
    chosen = QuestionFilter(difficulties=difficulties, tags=tags)
    picks = plan_draw(
        QuestionPool(questions) if pooled else questions,
        history,
        now=NOW,
        defense_date=defense,
        count=count,
        focus=focus,
        seed=seed,
        exclude_ids=asked,
        question_filter=chosen,
    )
    drawn = ids(picks)
    assert len(drawn) == len(set(drawn)) <= count
    for question, reason in picks:
        assert question.id not in asked
        assert chosen.matches(question)
        assert isinstance(reason.code, str) and isinstance(reason.params, dict)
    reached = {r.question_id for r in history if r.reached}
    for question, reason in picks:
        assert (reason.code == "never_seen") == (question.id not in reached)
    if focus in ("mix", "all"):
        eligible = [q for q in questions if q.id not in asked and chosen.matches(q)]
        assert len(drawn) == min(count, len(eligible))
    result = plan(questions, history, NOW, defense, per_session=max(1, count))
    assert result.seen + result.unseen == result.total


@settings(max_examples=300, deadline=None)
@given(record=records)
def test_is_weak_agrees_with_weak_points(record: AnswerRecord) -> None:
    assert is_weak(record) == bool(weak_points(record))
    assert 0.0 <= answer_quality(record) <= 1.0
    if record.reached:
        assert rate_answer(record) in tuple(Rating)


@settings(max_examples=200, deadline=None)
@given(history=st.lists(records, min_size=1, max_size=12), days=st.integers(-3, 400))
def test_memoised_recall_is_the_replay_through_fsrs(history, days) -> None:
    """The card cache gives exactly what a full fsrs replay gives, cold or warm."""
    reached = [r for r in history if r.reached]
    target = NOW + timedelta(days=days, hours=days % 7)
    scheduler = make_scheduler()
    card = replay(reached, scheduler)
    expected = 0.0 if card is None else scheduler.get_card_retrievability(card, target)
    cache = CardCache()
    assert cache.retrievability(reached, target) == pytest.approx(expected, abs=0)
    if len({r.answered_at for r in reached}) == len(reached):  # ties keep the history's order
        assert cache.retrievability(reached[::-1], target) == pytest.approx(expected, abs=0)
    # A warm cache serving another history with the same ratings and day gaps.
    shifted = [replace(r, answered_at=r.answered_at + timedelta(days=30)) for r in reached]
    assert cache.retrievability(shifted, target + timedelta(days=30)) == pytest.approx(
        expected, abs=0
    )


def test_card_cache_is_shared_small_and_clearable() -> None:
    clear_card_caches()
    cache = card_cache()
    assert cache is card_cache() and len(cache) == 0
    history = [rec(f"q{i:02d}", 1 + i % 3) for i in range(12)]  # twelve questions, same rating
    plan_draw(bank(), history, now=NOW, count=12, focus="due", seed=0)
    assert len(cache) == 1  # one distinct history shape: one replay through fsrs
    clear_card_caches()
    assert len(cache) == 0


def test_a_question_pool_draws_like_the_list_it_indexes() -> None:
    questions = bank(40)
    pool = QuestionPool(questions + questions[:5])  # repeated ids are kept once
    assert len(pool) == 40 and "q03" in pool and pool.get("q39") is questions[39]
    history = [rec(f"q{i:02d}", 2, covered=(0,) if i % 4 == 0 else KP_ALL) for i in range(20)]
    for focus in ("mix", "weak", "new", "due", "all"):
        from_list = plan_draw(questions, history, now=NOW, count=7, focus=focus, seed=5)
        from_pool = plan_draw(pool, history, now=NOW, count=7, focus=focus, seed=5)
        assert ids(from_list) == ids(from_pool)
    assert plan(pool, history, NOW).total == 40


def test_no_history_draws_like_draw_questions() -> None:
    from soutenance.session.draw import draw_questions

    questions = bank(30)
    for seed in range(5):
        expected = [q.id for q in draw_questions(questions, count=6, seed=seed)]
        assert ids(plan_draw(questions, [], now=NOW, count=6, seed=seed)) == expected


def test_excluded_questions_are_never_drawn_whatever_the_focus() -> None:
    questions = bank(12)
    history = [rec(f"q{i:02d}", 2, covered=()) for i in range(6)]
    asked = {"q00", "q01", "q06", "q07"}
    for focus in ("mix", "weak", "new", "due", "all"):
        picks = plan_draw(
            questions, history, now=NOW, count=12, focus=focus, seed=3, exclude_ids=asked
        )
        assert not set(ids(picks)) & asked
    everything = plan_draw(
        questions, history, now=NOW, count=12, focus="all", seed=3, exclude_ids=asked
    )
    assert len(everything) == 8


def test_a_renamed_question_is_new_and_its_old_id_reported() -> None:
    questions = bank(3)
    renamed = [q.model_copy(update={"id": "q00-bis"}) if q.id == "q00" else q for q in questions]
    history = [rec("q00", 2, covered=()), rec("q01", 2)]
    picks = plan_draw(renamed, history, now=NOW, count=3, seed=1)
    reasons = dict(zip(ids(picks), [r for _, r in picks], strict=True))
    assert reasons["q00-bis"] == ("never_seen", {})
    result = plan(renamed, history, NOW)
    assert result.unknown_ids == ("q00",) and result.seen == 1 and result.total == 3


def test_focus_due_on_a_large_bank_ranks_by_recall() -> None:
    questions = bank(300)
    history = [rec(f"q{i:02d}", days_ago=i) for i in range(1, 60)]
    picks = plan_draw(QuestionPool(questions), history, now=NOW, count=5, focus="due", seed=0)
    values = [r.params["retrievability"] for _, r in picks]
    assert values == sorted(values) and len(picks) == 5
    assert ids(picks)[0] == "q59"  # the oldest answer has faded most


# -- reasons in words ---------------------------------------------------------------------------


@pytest.fixture
def french():
    set_language("fr")
    yield
    set_language("fr")


def test_reasons_in_french_and_english(french) -> None:
    assert reason_text(Reason("never_seen", {})) == "jamais vue"
    assert (
        reason_text(Reason("overtime_last", {"seconds": 12}))
        == "dépassement de temps la dernière fois (12 s)"
    )
    assert (
        reason_text(Reason("key_points", {"covered": 1, "total": 4}))
        == "1 point clé sur 4 la dernière fois"
    )
    assert (
        reason_text(Reason("key_points", {"covered": 0, "total": 4}))
        == "0 point clé sur 4 la dernière fois"
    )
    assert (
        reason_text(Reason("key_points", {"covered": 2, "total": 4}))
        == "2 points clés sur 4 la dernière fois"
    )
    assert (
        reason_text(Reason("low_confidence", {"confidence": 2}))
        == "confiance faible la dernière fois (2/5)"
    )
    assert reason_text(Reason("skipped_last", {})) == "passée la dernière fois"
    assert "42\u00a0%" in reason_text(Reason("due", {"retrievability": 0.42}))
    assert "95\u00a0%" in reason_text(Reason("review", {"retrievability": 0.951}))
    assert reason_text(Reason("mystery", {})) == "mystery"  # an unknown code is shown as it is
    assert reason_text(Reason("overtime_last", {})) == "overtime_last"  # a missing value too
    set_language("en")
    assert (
        reason_text(Reason("key_points", {"covered": 0, "total": 4}))
        == "0 key points out of 4 last time"
    )
    assert (
        reason_text(Reason("due", {"retrievability": 0.42}))
        == "due: estimated recall 42% by the defense"
    )


def test_every_reason_the_draw_gives_has_words(french) -> None:
    history = [rec(f"q{i:02d}", 3) for i in range(12)]
    history += [rec("q01", 1, elapsed=102), rec("q02", 1, covered=(0,)), rec("q03", 1, confidence=1),
                rec("q04", 1, skipped=True)]  # fmt: skip
    picks = plan_draw(bank(14), history, now=NOW, count=14, seed=0)
    for _, reason in picks:
        assert reason_text(reason) != reason.code


def test_calibration_and_dates_in_words(french) -> None:
    over = calibration_text(calibrate([(1.0, 0.25)] * 6))
    assert over.startswith(
        "Vous vous surestimez régulièrement : confiance moyenne 5,0/5 pour 25\u00a0%"
    )
    assert calibration_text(calibrate([])).startswith("Pas encore assez de réponses")
    today = date(2026, 11, 2)
    assert days_text(date(2026, 11, 16), today) == "dans 14 jours"
    assert days_text(date(2026, 11, 3), today) == "demain"
    assert days_text(today, today) == "aujourd'hui"
    assert defense_text(date(2026, 11, 16), today) == "Soutenance le 16 nov. 2026 (dans 14 jours)"
    assert (
        defense_text(date(2026, 10, 1), today) == "La date de soutenance (1 oct. 2026) est passée."
    )
    assert defense_text(None, today).startswith("Date de soutenance inconnue")
    lines = plan_lines(
        plan(bank(12), [rec("q00", 1, covered=())], NOW, date(2026, 11, 6), 3),
        date(2026, 11, 6),
        today,
    )
    assert lines[0] == "Soutenance le 6 nov. 2026 (dans 4 jours)"
    assert "1 question(s) vue(s) sur 12 (8\u00a0%)" in lines
    assert "soit 1,5 séance(s) par jour sur les 4 jour(s) restant(s)" in lines
    assert lines[-1].startswith("Une séance par jour ne suffit pas")
    assert plan_lines(plan([], [], NOW), None, today)[-1] == "Cette banque n'a aucune question."


def test_asked_and_weak_judges_the_last_answer_only() -> None:
    from soutenance.session.scheduling import asked_and_weak

    records = [
        rec("a", 5, covered=(0,)),  # weak, then answered well
        rec("a", 2),
        rec("b", 4),  # strong, then skipped
        rec("b", 1, skipped=True),
        rec("c", 3),
        rec("gone", 1, skipped=True),  # no longer in the bank
    ]
    asked, weak = asked_and_weak(records, {"a", "b", "c", "d"})
    assert asked == {"a", "b", "c"}
    assert weak == {"b"}
