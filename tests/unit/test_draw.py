"""Question draws: filters, no repeats, reproducible seeds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from soutenance.banks.model import FollowUp, Question
from soutenance.session.draw import QuestionFilter, draw_questions, fold


def q(
    qid: str, difficulty: int = 2, tags: tuple[str, ...] = (), text: str | None = None
) -> Question:
    return Question(id=qid, text=text or f"Question {qid}?", difficulty=difficulty, tags=list(tags))


BANK = [
    q("a", 1, ("budget",)),
    q("b", 2, ("budget", "kpi")),
    q("c", 3, ("kpi",)),
    q("d", 2, ("crise",), text="Comment gérez-vous l'équipe en crise ?"),
    q("e", 1),
    q("f", 3, ("Budget",)),
]


def ids(questions: list[Question]) -> list[str]:
    return [question.id for question in questions]


def test_no_repeat_and_count() -> None:
    drawn = draw_questions(BANK, count=4, seed=1)
    assert len(drawn) == 4
    assert len(set(ids(drawn))) == 4


def test_count_larger_than_available_returns_all() -> None:
    drawn = draw_questions(BANK, count=50, seed=1)
    assert sorted(ids(drawn)) == sorted(ids(BANK))
    assert draw_questions(BANK, count=0, seed=1) == []
    assert draw_questions([], count=3, seed=1) == []


def test_duplicates_in_input_are_drawn_once() -> None:
    drawn = draw_questions(BANK + BANK, count=20, seed=3)
    assert len(drawn) == len(BANK)


def test_exclude_already_asked() -> None:
    drawn = draw_questions(BANK, count=10, seed=2, exclude_ids={"a", "b"})
    assert set(ids(drawn)) == {"c", "d", "e", "f"}


def test_filters() -> None:
    assert set(ids(draw_questions(BANK, count=10, difficulties={1}, seed=0))) == {"a", "e"}
    assert set(ids(draw_questions(BANK, count=10, tags={"budget"}, seed=0))) == {"a", "b", "f"}
    both = draw_questions(BANK, count=10, tags=["kpi"], difficulties=[3], seed=0)
    assert ids(both) == ["c"]


def test_seed_is_reproducible() -> None:
    first = draw_questions(BANK, count=3, seed=42)
    assert ids(first) == ids(draw_questions(BANK, count=3, seed=42))
    draws = {tuple(ids(draw_questions(BANK, count=3, seed=s))) for s in range(20)}
    assert len(draws) > 1


def test_weights_favour_and_zero_goes_last() -> None:
    weights = {"a": 1000.0, "b": 0.0}
    firsts = [draw_questions(BANK, count=1, seed=s, weights=weights)[0].id for s in range(50)]
    assert firsts.count("a") > 45
    for seed in range(20):
        drawn = draw_questions(BANK, count=6, seed=seed, weights=weights)
        assert drawn[-1].id == "b"
    assert ids(draw_questions(BANK, count=3, seed=5, weights=weights)) == ids(
        draw_questions(BANK, count=3, seed=5, weights=weights)
    )


def test_question_filter_text_search_ignores_case_and_accents() -> None:
    bank = [*BANK, Question(id="g", text="Autre", follow_ups=[FollowUp(text="Et le Délai ?")])]
    assert ids(QuestionFilter(text="EQUIPE").apply(bank)) == ["d"]
    assert ids(QuestionFilter(text="delai").apply(bank)) == ["g"]
    assert ids(QuestionFilter(text="kpi").apply(bank)) == ["b", "c"]  # tags are searched
    assert fold("Équipe") == "equipe"


def test_question_filter_for_mentor_list() -> None:
    weak_last_time = QuestionFilter(only_ids={"b", "c", "zzz"}, exclude_ids={"c"})
    assert ids(weak_last_time.apply(BANK)) == ["b"]
    assert QuestionFilter().is_empty
    assert ids(QuestionFilter().apply(BANK)) == ids(BANK)
    assert ids(QuestionFilter(tags={"BUDGET"}, difficulties={3}).apply(BANK)) == ["f"]
    combined = draw_questions(BANK, count=9, seed=1, question_filter=QuestionFilter(text="budget"))
    assert set(ids(combined)) == {"a", "b", "f"}


def test_filter_and_keyword_criteria_both_apply() -> None:
    easy_only = QuestionFilter(difficulties={1})
    assert draw_questions(BANK, count=9, difficulties={3}, question_filter=easy_only, seed=1) == []
    budget = draw_questions(BANK, count=9, tags={"budget"}, question_filter=easy_only, seed=1)
    assert ids(budget) == ["a"]


# -- properties ---------------------------------------------------------------------------------

TAGS = ["budget", "kpi", "crise", "seo"]


@st.composite
def banks(draw: st.DrawFn) -> list[Question]:
    size = draw(st.integers(0, 25))
    questions = []
    for index in range(size):
        questions.append(
            q(
                f"q{draw(st.integers(0, 30))}" if draw(st.booleans()) else f"u{index}",
                draw(st.integers(1, 3)),
                tuple(draw(st.lists(st.sampled_from(TAGS), max_size=2))),
            )
        )
    return questions


@settings(max_examples=150, deadline=None)
@given(
    bank=banks(),
    count=st.integers(0, 30),
    difficulties=st.none() | st.sets(st.integers(1, 3), max_size=3),
    tags=st.none() | st.sets(st.sampled_from(TAGS), max_size=3),
    asked=st.sets(st.sampled_from([f"q{i}" for i in range(31)]), max_size=10),
    seed=st.integers(0, 2**32),
    weighted=st.booleans(),
)
def test_draw_never_repeats_nor_leaves_the_filters(
    bank, count, difficulties, tags, asked, seed, weighted
) -> None:
    weights = {question.id: (seed % 7) / 3 for question in bank} if weighted else None
    drawn = draw_questions(
        bank,
        count=count,
        difficulties=difficulties,
        tags=tags,
        seed=seed,
        exclude_ids=asked,
        weights=weights,
    )
    assert len(ids(drawn)) == len(set(ids(drawn)))
    assert len(drawn) <= count
    for question in drawn:
        assert question.id not in asked
        assert not difficulties or question.difficulty in difficulties
        assert not tags or set(question.tags) & tags
    eligible = {
        question.id
        for question in bank
        if question.id not in asked
        and (not difficulties or question.difficulty in difficulties)
        and (not tags or set(question.tags) & tags)
    }
    assert len(drawn) == min(count, len(eligible))
    assert ids(drawn) == ids(
        draw_questions(
            bank,
            count=count,
            difficulties=difficulties,
            tags=tags,
            seed=seed,
            exclude_ids=asked,
            weights=weights,
        )
    )
