"""Tournaments in the library: created, saved after each answer, resumed after reopening."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.core.library import Library, LibraryError
from studio.core.ranking import Choice, Tournament


def test_a_tournament_resumes_at_the_same_question_after_reopening(tmp_path: Path):
    root = tmp_path / "library"
    with Library.open(root) as library:
        store = library.tournaments
        assert store.latest_unfinished() is None
        tournament_id = store.create([11, 12, 13, 14])
        tournament = Tournament([11, 12, 13, 14])
        tournament.answer(Choice.LEFT)
        tournament.answer(Choice.TIE)
        store.save(tournament_id, tournament.answers, tournament.done)
        question = tournament.question

    with Library.open(root) as library:
        record = library.tournaments.latest_unfinished()
        assert record is not None
        assert record.id == tournament_id
        assert record.items == (11, 12, 13, 14)
        assert record.answers == tournament.answers
        assert not record.finished
        assert record.applied is None
        assert Tournament(record.items, record.answers).question == question


def test_a_finished_tournament_is_not_offered_for_resuming(library: Library):
    store = library.tournaments
    older = store.create([1, 2, 3])
    newer = store.create([4, 5, 6])
    tournament = Tournament([4, 5, 6])
    while not tournament.done:
        tournament.answer(Choice.LEFT)
    store.save(newer, tournament.answers, finished=True)
    record = store.get(newer)
    assert record.finished
    assert record.finished_at is not None
    latest = store.latest_unfinished()
    assert latest is not None
    assert latest.id == older
    store.applied(newer, "ratings")
    assert store.get(newer).applied == "ratings"
    # An undo after the end reopens it, as the newest.
    store.save(newer, tournament.answers[:-1], finished=False)
    reopened = store.latest_unfinished()
    assert reopened is not None
    assert reopened.id == newer
    assert not store.get(newer).finished


def test_unknown_tournaments_and_kinds_are_refused(library: Library):
    with pytest.raises(LibraryError, match="no tournament"):
        library.tournaments.get(99)
    with pytest.raises(LibraryError, match="no tournament"):
        library.tournaments.save(99, [], finished=False)
    tournament_id = library.tournaments.create([1, 2, 3])
    with pytest.raises(ValueError, match="picks, ratings, order"):
        library.tournaments.applied(tournament_id, "medals")
