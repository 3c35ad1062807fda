"""The tournament's ranking engine: comparison bound, consistency with every choice, no repeated
or implied questions, resuming from saved answers, undo, the running estimate, bad input."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

import pytest

from studio.core.ranking import Choice, Pair, Tournament

Oracle = Callable[[Pair], Choice]


def score_oracle(scores: dict[int, int]) -> Oracle:
    """Lower score ranks higher; equal scores are a tie."""

    def judge(pair: Pair) -> Choice:
        left, right = scores[pair.left], scores[pair.right]
        if left == right:
            return Choice.TIE
        return Choice.LEFT if left < right else Choice.RIGHT

    return judge


def run(tournament: Tournament, oracle: Oracle) -> list[Pair]:
    questions = []
    while (pair := tournament.question) is not None:
        questions.append(pair)
        tournament.answer(oracle(pair))
    return questions


def hidden_order(rng: random.Random, n: int) -> tuple[list[int], dict[int, int]]:
    items = rng.sample(range(1, 10_000), n)
    order = rng.sample(items, n)
    return items, {item: rank for rank, item in enumerate(order)}


def bound(n: int) -> int:
    return math.ceil(math.log2(math.factorial(n))) + n


def implied(answers: list[tuple[int, int, Choice]], a: int, b: int) -> bool:
    """Whether earlier answers already settle a against b by transitivity."""
    at_least: dict[int, set[int]] = {}  # x -> drafts x ranks at or above, from one answer
    for left, right, choice in answers:
        if choice is not Choice.RIGHT:
            at_least.setdefault(left, set()).add(right)
        if choice is not Choice.LEFT:
            at_least.setdefault(right, set()).add(left)

    def reaches(start: int, goal: int) -> bool:
        seen, todo = {start}, [start]
        while todo:
            for nxt in at_least.get(todo.pop(), ()):
                if nxt == goal:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return False

    return reaches(a, b) or reaches(b, a)


@pytest.mark.parametrize("n", range(3, 65))
def test_sorts_within_the_bound_and_matches_the_hidden_order(n: int) -> None:
    rng = random.Random(n)
    for _ in range(4):
        items, scores = hidden_order(rng, n)
        tournament = Tournament(items)
        questions = run(tournament, score_oracle(scores))
        assert tournament.asked == len(questions) <= bound(n)
        assert tournament.ranking() == [[item] for item in sorted(items, key=scores.__getitem__)]
        pairs = {frozenset((q.left, q.right)) for q in questions}
        assert len(pairs) == len(questions)
        assert all(q.left != q.right for q in questions)


def test_ties_are_reported_as_groups_of_equal_rank() -> None:
    rng = random.Random(7)
    for n in (3, 5, 12, 40, 64):
        items = rng.sample(range(100), n)
        scores = {item: rng.randint(0, max(1, n // 4)) for item in items}
        tournament = Tournament(items)
        questions = run(tournament, score_oracle(scores))
        levels = sorted({*scores.values()})
        expected = [[item for item in items if scores[item] == level] for level in levels]
        assert tournament.ranking() == expected
        assert len({frozenset((q.left, q.right)) for q in questions}) == len(questions)
        assert tournament.asked <= bound(n)


def test_all_equal_needs_one_choice_per_draft() -> None:
    tournament = Tournament([4, 2, 9, 7])
    run(tournament, lambda pair: Choice.TIE)
    assert tournament.asked == 3
    assert tournament.ranking() == [[4, 2, 9, 7]]


def test_ranking_respects_every_choice_even_when_answers_are_not_transitive() -> None:
    rng = random.Random(11)
    for n in (3, 4, 9, 25, 64):
        tournament = Tournament(list(range(n)))
        run(tournament, lambda pair: rng.choice(list(Choice)))
        rank = {item: place for place, group in enumerate(tournament.ranking()) for item in group}
        assert sorted(rank) == list(range(n))
        for left, right, choice in tournament.answers:
            if choice is Choice.LEFT:
                assert rank[left] < rank[right]
            elif choice is Choice.RIGHT:
                assert rank[left] > rank[right]
            else:
                assert rank[left] == rank[right]


def test_never_asks_what_earlier_answers_already_imply() -> None:
    rng = random.Random(3)
    for n in (3, 8, 20):
        for ties in (False, True):
            items, scores = hidden_order(rng, n)
            if ties:
                scores = {item: score // 3 for item, score in scores.items()}
            tournament, oracle = Tournament(items), score_oracle(scores)
            while (pair := tournament.question) is not None:
                assert not implied(list(tournament.answers), pair.left, pair.right)
                tournament.answer(oracle(pair))


def test_questions_are_deterministic_for_a_given_order() -> None:
    items, scores = hidden_order(random.Random(5), 30)
    first, second = Tournament(items), Tournament(items)
    assert run(first, score_oracle(scores)) == run(second, score_oracle(scores))
    assert first.answers == second.answers


def test_resumes_from_any_prefix_of_saved_answers() -> None:
    rng = random.Random(13)
    for n in (3, 6, 17, 64):
        items, scores = hidden_order(rng, n)
        scores = {item: score // 2 for item, score in scores.items()}  # some ties too
        oracle = score_oracle(scores)
        full = Tournament(items)
        questions = run(full, oracle)
        for k in range(len(questions) + 1):
            resumed = Tournament(items, full.answers[:k])
            assert resumed.asked == k
            assert resumed.question == (questions[k] if k < len(questions) else None)
            run(resumed, oracle)
            assert resumed.answers == full.answers
            assert resumed.ranking() == full.ranking()


def test_resume_accepts_stored_strings_and_mirrored_pairs() -> None:
    items, scores = hidden_order(random.Random(17), 10)
    full = Tournament(items)
    run(full, score_oracle(scores))
    mirrored = {Choice.LEFT: "right", Choice.RIGHT: "left", Choice.TIE: "tie"}
    stored = [(right, left, mirrored[choice]) for left, right, choice in full.answers]
    resumed = Tournament(items, stored)  # type: ignore[arg-type]  # as read back from JSON
    assert resumed.done
    assert resumed.answers == full.answers
    assert resumed.ranking() == full.ranking()


def test_undo_then_same_answer_is_as_if_never_undone() -> None:
    rng = random.Random(19)
    for n in (3, 10, 33):
        items, scores = hidden_order(rng, n)
        oracle = score_oracle(scores)
        straight = Tournament(items)
        run(straight, oracle)
        wavering = Tournament(items)
        while (pair := wavering.question) is not None:
            wavering.answer(oracle(pair))
            if rng.random() < 0.5:
                wrong = rng.choice([c for c in Choice if c != oracle(pair)])
                assert wavering.undo()
                assert wavering.question == pair
                wavering.answer(wrong)
                assert wavering.undo()
                wavering.answer(oracle(pair))
        assert wavering.answers == straight.answers
        assert wavering.ranking() == straight.ranking()


def test_undo_reopens_a_finished_ranking_and_stops_at_the_start() -> None:
    tournament = Tournament([1, 2, 3])
    assert tournament.undo() is False
    first = tournament.question
    run(tournament, lambda pair: Choice.LEFT)
    assert tournament.done
    last = tournament.answers[-1]
    assert tournament.undo()
    assert not tournament.done
    assert tournament.question == Pair(last[0], last[1])
    with pytest.raises(ValueError, match="not complete"):
        tournament.ranking()
    while tournament.undo():
        pass
    assert tournament.asked == 0
    assert tournament.question == first


def test_expected_total_starts_at_the_binary_insertion_bound_and_never_undercounts() -> None:
    rng = random.Random(23)
    for n in (3, 4, 16, 50, 64):
        items, scores = hidden_order(rng, n)
        if n == 50:
            scores = {item: score // 5 for item, score in scores.items()}
        tournament, oracle = Tournament(items), score_oracle(scores)
        assert tournament.expected_total == sum(math.ceil(math.log2(i + 1)) for i in range(1, n))
        estimates = []
        while (pair := tournament.question) is not None:
            assert tournament.expected_total >= tournament.asked + 1
            estimates.append(tournament.expected_total)
            tournament.answer(oracle(pair))
        assert tournament.expected_total == tournament.asked
        assert estimates == sorted(estimates, reverse=True)  # it only ever comes closer


def one_sentence(message: str) -> bool:
    return message.endswith(".") and "\n" not in message and message[0].isupper()


@pytest.mark.parametrize(
    ("items", "words"),
    [
        ([1, 2], "3 to 64 drafts, got 2"),
        (list(range(65)), "3 to 64 drafts, got 65"),
        ([], "got 0"),
        ([1, 2, 2, 3, 1], r"distinct drafts; repeated: \[1, 2\]"),
    ],
)
def test_rejects_bad_selections(items: list[int], words: str) -> None:
    with pytest.raises(ValueError, match=words) as caught:
        Tournament(items)
    assert one_sentence(str(caught.value))


def test_rejects_saved_answers_that_do_not_fit() -> None:
    items = [1, 2, 3, 4]
    full = Tournament(items)
    run(full, lambda pair: Choice.RIGHT)
    left, _, choice = full.answers[1]
    bad = [full.answers[0], (left, 99, choice)]
    with pytest.raises(ValueError, match="Saved answer 2 is for") as caught:
        Tournament(items, bad)
    assert one_sentence(str(caught.value))
    with pytest.raises(ValueError, match="after the ranking was complete") as caught:
        Tournament(items, [*full.answers, full.answers[0]])
    assert one_sentence(str(caught.value))
    with pytest.raises(ValueError, match="must be one of") as caught:
        Tournament(items, [(*full.answers[0][:2], "maybe")])  # type: ignore[list-item]
    assert one_sentence(str(caught.value))


def test_answering_a_complete_ranking_is_an_error() -> None:
    tournament = Tournament([5, 6, 7])
    run(tournament, lambda pair: Choice.TIE)
    with pytest.raises(ValueError, match="already complete"):
        tournament.answer(Choice.LEFT)
    assert tournament.question is None
