"""The tournament (T) on the real window, by keys only: a hidden order answers the questions
and the ranking must come out as that order."""

from __future__ import annotations

from PySide6.QtCore import Qt

from studio.core.domain import Flag
from studio.ui.main_window import MainWindow
from studio.ui.tournament import TournamentView
from studio.ui.views import GRID
from tests.qt.conftest import until
from tests.qt.test_survey import _drafts


async def _open(window: MainWindow, qtbot, count: int = 5) -> tuple[TournamentView, list[int]]:
    ids = await _drafts(window, count)
    window.grid.select_drafts(ids)
    qtbot.keyClick(window.grid, Qt.Key.Key_T)
    view = window.tournament
    assert window.pages.currentWidget() is view
    assert view.hasFocus()
    await until(lambda: all(p.has_image for p in view.panes()), view.loader.loaded)
    return view, ids


def _seeds(window: MainWindow, ids: list[int]) -> dict[int, int]:
    return {i: window.services.library.get(i).seed for i in ids}


def _answer_by_seed(view: TournamentView, qtbot, seeds: dict[int, int]) -> int:
    """The oracle: a higher seed is the better draft. Returns how many choices it took."""
    asked = 0
    while (pair := view.model.pair()) is not None:
        left, right = pair
        # Both spellings of each key, alternately.
        if seeds[left.id] > seeds[right.id]:
            key = Qt.Key.Key_Left if asked % 2 else Qt.Key.Key_1
        else:
            key = Qt.Key.Key_Right if asked % 2 else Qt.Key.Key_2
        assert [p.draft.id for p in view.panes()] == [left.id, right.id]
        qtbot.keyClick(view, key)
        asked += 1
        assert asked < 20
    return asked


def _best_first(seeds: dict[int, int]) -> list[int]:
    return sorted(seeds, key=seeds.__getitem__, reverse=True)


async def test_a_tournament_by_keys_ranks_the_drafts_in_the_hidden_order(window: MainWindow, qtbot):
    view, ids = await _open(window, qtbot)
    seeds = _seeds(window, ids)
    assert view.progress.text().startswith("Choice 1 of about ")
    asked = _answer_by_seed(view, qtbot, seeds)
    assert view.model.done
    ranking = view.model.ranking()
    assert [d.id for group in ranking for d in group] == _best_first(seeds)
    assert all(len(group) == 1 for group in ranking)
    assert view.strip.isVisible()
    assert [(rank, d.id) for rank, d in view.strip.cells()] == list(
        enumerate(_best_first(seeds), start=1)
    )
    assert view.progress.text() == f"Ranked 5 drafts in {asked} choices"
    record = window.services.library.tournaments.get(view.model.tournament_id or 0)
    assert record.finished
    assert len(record.answers) == asked


async def test_backspace_takes_back_the_last_choice(window: MainWindow, qtbot):
    view, _ = await _open(window, qtbot)
    first = view.model.pair()
    assert first is not None
    qtbot.keyClick(view, Qt.Key.Key_Down)  # a tie
    assert view.progress.text().startswith("Choice 2 of about ")
    assert view.model.pair() != first
    qtbot.keyClick(view, Qt.Key.Key_Backspace)
    assert view.model.pair() == first
    assert view.progress.text().startswith("Choice 1 of about ")
    record = window.services.library.tournaments.get(view.model.tournament_id or 0)
    assert record.answers == ()


async def test_esc_leaves_and_t_resumes_at_the_same_question(window: MainWindow, qtbot):
    view, _ = await _open(window, qtbot)
    qtbot.keyClick(view, Qt.Key.Key_1)
    qtbot.keyClick(view, Qt.Key.Key_2)
    pair = view.model.pair()
    progress = view.progress.text()
    assert progress.startswith("Choice 3 of about ")
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert window.pages.currentIndex() == GRID
    assert window.grid.hasFocus()
    view.model.close()  # what resumes must come from the library, not from memory
    window.grid.clearSelection()
    qtbot.keyClick(window.grid, Qt.Key.Key_T)
    assert window.pages.currentWidget() is view
    assert view.model.pair() == pair
    assert view.progress.text() == progress
    assert [p.draft.id for p in view.panes()] == [d.id for d in pair or ()]


async def test_t_with_too_few_drafts_stays_on_the_grid(window: MainWindow, qtbot):
    ids = await _drafts(window, 2)
    window.grid.select_drafts(ids)
    qtbot.keyClick(window.grid, Qt.Key.Key_T)
    assert window.pages.currentIndex() == GRID


async def test_spreading_ratings_sets_5_to_1_by_rank_and_ctrl_z_undoes_it(
    window: MainWindow, qtbot
):
    view, ids = await _open(window, qtbot)
    seeds = _seeds(window, ids)
    _answer_by_seed(view, qtbot, seeds)
    library = window.services.library
    tournament_id = view.model.tournament_id or 0
    qtbot.keyClick(view, Qt.Key.Key_S)
    assert window.pages.currentIndex() == GRID
    assert [library.get(i).rating for i in _best_first(seeds)] == [5, 4, 3, 2, 1]
    assert library.tournaments.get(tournament_id).applied == "ratings"
    qtbot.keyClick(window.grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [library.get(i).rating for i in ids] == [0] * 5


async def test_picking_the_top_k_flags_only_those_and_ctrl_z_undoes_it(window: MainWindow, qtbot):
    view, ids = await _open(window, qtbot)
    seeds = _seeds(window, ids)
    _answer_by_seed(view, qtbot, seeds)
    tournament_id = view.model.tournament_id or 0
    qtbot.keyClick(view, Qt.Key.Key_Down)  # K from 3 to 2
    assert view.top_k.value() == 2
    qtbot.keyClick(view, Qt.Key.Key_P)
    library = window.services.library
    best = _best_first(seeds)
    assert [library.get(i).flag for i in best] == [Flag.PICK] * 2 + [Flag.NONE] * 3
    assert library.tournaments.get(tournament_id).applied == "picks"
    qtbot.keyClick(window.grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [library.get(i).flag for i in ids] == [Flag.NONE] * 5
