"""Survey (N) on the real window: the selection tiled at its aspects, culled by key."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt

from studio.core.domain import Flag
from studio.ui.main_window import MainWindow
from studio.ui.survey import SurveyPane, SurveyView
from studio.ui.views import SURVEY_RANGE
from tests.qt.conftest import until
from tests.qt.test_app import generate_all


async def _drafts(window: MainWindow, count: int, aspects: tuple[str, ...] = ("1:1",)) -> list[int]:
    """`count` drafts per aspect, through the prompt panel as a user makes them."""
    for aspect in aspects:
        window.services.prompt.set_aspect(aspect)
        await generate_all(window, f"a kite, {aspect}", count)
    drafts = window.services.drafts
    ids = [drafts.draft_id_at(row) for row in range(drafts.rowCount())]
    return [i for i in ids if i is not None]


async def _survey(window: MainWindow, qtbot, ids: list[int]) -> SurveyView:
    window.grid.select_drafts(ids)
    qtbot.keyClick(window.grid, Qt.Key.Key_N)
    survey = window.survey
    assert window.pages.currentWidget() is survey
    await until(lambda: all(p.has_image for p in survey.panes()), survey.loader.loaded)
    return survey


def _active(survey: SurveyView) -> SurveyPane:
    pane = survey.active_pane()
    assert pane is not None
    return pane


async def test_n_tiles_the_selection_at_its_aspects(window: MainWindow, qtbot):
    ids = await _drafts(window, 2, ("16:9", "9:16", "1:1"))
    survey = await _survey(window, qtbot, ids)
    assert sorted(survey.draft_ids()) == sorted(ids)
    assert survey.hasFocus()
    area = survey.rect()
    shown: list[QRect] = []
    for pane in survey.panes():
        image = pane.image_rect().translated(pane.pos())
        assert area.contains(image)
        assert pane.isVisible()
        draft = window.services.library.get(pane.draft.id)
        assert draft.width
        assert draft.height
        # Within a pixel's rounding of the draft's own shape.
        assert image.width() / image.height() == pytest.approx(
            draft.width / draft.height, abs=2 / min(image.width(), image.height())
        )
        assert all(not image.intersects(other) for other in shown)
        shown.append(image)
    # Six images in a landscape area: big enough to judge, not thumbnails.
    assert min(r.height() for r in shown) > area.height() / 4


async def test_arrows_and_culling_keys_act_on_the_active_draft(window: MainWindow, qtbot):
    ids = await _drafts(window, 4)
    survey = await _survey(window, qtbot, ids)
    library = window.services.library
    first = survey.active_id()
    assert first == survey.draft_ids()[0]
    assert _active(survey).active
    qtbot.keyClick(survey, Qt.Key.Key_Right)
    second = survey.active_id()
    assert second == survey.draft_ids()[1]
    assert not survey.panes()[0].active
    qtbot.keyClick(survey, Qt.Key.Key_P)
    assert library.get(second).flag == Flag.PICK
    assert survey.active_id() == second  # no auto-advance: the survey is for comparing
    assert "Pick" in _active(survey).caption()
    qtbot.keyClick(survey, Qt.Key.Key_3)
    assert library.get(second).rating == 3
    assert _active(survey).caption().endswith("★★★☆☆")
    qtbot.keyClick(survey, Qt.Key.Key_Left)
    qtbot.keyClick(survey, Qt.Key.Key_X)
    assert library.get(first).flag == Flag.REJECT
    assert library.get(second).flag == Flag.PICK
    # The grid's path: undo on the window takes the reject back, and the caption follows.
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert library.get(first).flag == Flag.NONE
    assert _active(survey).caption().startswith("Unflagged")
    assert window.services.drafts.flag_of(second) == Flag.PICK  # the grid shows it too
    # Down to the next row and back up to the same column.
    qtbot.keyClick(survey, Qt.Key.Key_Down)
    assert _active(survey).y() > survey.panes()[0].y()
    qtbot.keyClick(survey, Qt.Key.Key_Up)
    assert survey.active_id() == first


async def test_delete_takes_it_out_of_the_survey_only(window: MainWindow, qtbot):
    ids = await _drafts(window, 3)
    survey = await _survey(window, qtbot, ids)
    qtbot.keyClick(survey, Qt.Key.Key_Right)
    gone = survey.active_id()
    assert gone is not None
    qtbot.keyClick(survey, Qt.Key.Key_Delete)
    assert gone not in survey.draft_ids()
    assert len(survey.draft_ids()) == 2
    assert survey.active_id() is not None
    assert not window.services.library.get(gone).deleted
    assert window.services.drafts.row_of(gone) is not None
    # The pane's × does the same with the mouse.
    other = survey.panes()[0]
    qtbot.mouseClick(other.remove_button, Qt.MouseButton.LeftButton)
    assert other.draft.id not in survey.draft_ids()
    assert not window.services.library.get(other.draft.id).deleted


async def test_enter_opens_the_loupe_and_esc_comes_back(window: MainWindow, qtbot):
    ids = await _drafts(window, 3)
    survey = await _survey(window, qtbot, ids)
    qtbot.keyClick(survey, Qt.Key.Key_Right)
    active = survey.active_id()
    qtbot.keyClick(survey, Qt.Key.Key_Return)
    assert window.pages.currentWidget() is window.loupe
    assert window.loupe.draft is not None
    assert window.loupe.draft.id == active
    qtbot.keyClick(window.loupe, Qt.Key.Key_Escape)
    assert window.pages.currentWidget() is survey
    # C: the active one beside the next, and Esc back to the survey again.
    qtbot.keyClick(survey, Qt.Key.Key_C)
    assert window.pages.currentWidget() is window.compare
    qtbot.keyClick(window.compare, Qt.Key.Key_Escape)
    assert window.pages.currentWidget() is survey


async def test_esc_returns_to_the_grid_with_the_selection(window: MainWindow, qtbot):
    ids = await _drafts(window, 3)
    chosen = ids[:2]
    survey = await _survey(window, qtbot, chosen)
    qtbot.keyClick(survey, Qt.Key.Key_Escape)
    assert window.pages.currentIndex() == 0
    assert window.grid.hasFocus()
    assert sorted(window.grid.selected_draft_ids()) == sorted(chosen)


async def test_one_or_thirteen_drafts_get_a_sentence(window: MainWindow, qtbot):
    ids = await _drafts(window, 13)
    for selection in (ids[:1], ids[:13]):
        window.grid.select_drafts(selection)
        qtbot.keyClick(window.grid, Qt.Key.Key_N)
        assert window.pages.currentIndex() == 0
        assert window.banner.isVisible()
        assert SURVEY_RANGE in window.banner.text


async def test_the_view_menu_and_f1_show_n(window: MainWindow, qtbot):
    from tests.qt.test_cheat_sheet import _open, _rows

    _open(window, qtbot)
    assert _rows(window)["Survey selected"] == "N"
