"""The grid's mouse actions: hover buttons on tiles, right-click menus for tiles and headers."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtWidgets import QMenu

from studio.core.domain import Flag
from studio.ui.grid.tile_actions import TileAction, place_tile_actions
from studio.ui.main_window import MainWindow
from tests.qt.conftest import until
from tests.qt.test_app import generate_all


def _open_menu(window: MainWindow, row: int) -> QMenu:
    grid = window.grid
    where = grid.visualRect(window.services.drafts.index(row, 0)).center()
    grid.customContextMenuRequested.emit(where)  # what Qt sends on a right-click
    menus = [m for m in window.findChildren(QMenu) if m.isVisible()]
    assert len(menus) == 1
    return menus[0]


def _items(menu: QMenu) -> list[str]:
    return [a.text() for a in menu.actions() if not a.isSeparator()]


async def test_right_click_on_a_tile_acts_on_that_tile(window: MainWindow):
    await generate_all(window, "three right-clicked owls", 3)
    drafts = window.services.drafts
    tiles = [r for r in range(drafts.rowCount()) if drafts.draft_id_at(r) is not None]
    window.grid.setCurrentIndex(drafts.index(tiles[0], 0))

    menu = _open_menu(window, tiles[2])
    # A tile outside the selection becomes the selection, as in file managers.
    clicked = drafts.draft_id_at(tiles[2])
    assert window.grid.selected_draft_ids() == [clicked]
    assert menu.accessibleName() == "Draft actions"
    assert _items(menu)[:4] == ["Pick", "Reject", "Unflag", "Rating"]
    assert {"Compare selected", "Copy image", "Reveal file", "Export…", "Move to trash"} <= set(
        _items(menu)
    )
    pick = next(a for a in menu.actions() if a.text() == "Pick")
    assert pick.shortcut().toString() == "P"  # the key is shown beside the item
    retry = next(a for a in menu.actions() if a.text() == "Retry")
    assert not retry.isEnabled()  # it has its image

    pick.trigger()
    menu.close()
    assert clicked is not None
    assert window.services.library.get(clicked).flag == Flag.PICK


async def test_right_click_inside_the_selection_keeps_it(window: MainWindow):
    await generate_all(window, "two kept boats", 2)
    window.grid.setFocus()
    window.grid.selectAll()
    drafts = window.services.drafts
    selected = sorted(window.grid.selected_draft_ids())
    last_tile = drafts.rowCount() - 1
    _open_menu(window, last_tile).close()
    assert sorted(window.grid.selected_draft_ids()) == selected


async def test_right_click_on_a_header_offers_its_pills(window: MainWindow):
    await generate_all(window, "a headed batch", 2)
    menu = _open_menu(window, 0)
    assert menu.accessibleName() == "Batch actions"
    assert _items(menu) == ["Select all"]
    menu.actions()[0].trigger()
    menu.close()
    assert len(window.grid.selected_draft_ids()) == 2


def _button(window: MainWindow, row: int, action: TileAction) -> QPoint:
    cell = QRectF(window.grid.visualRect(window.services.drafts.index(row, 0)))
    area = dict(place_tile_actions(cell))[action]
    return QPoint(round(area.center().x()), round(area.center().y()))


async def test_hover_buttons_pick_reject_and_open_the_menu(window: MainWindow, qtbot):
    await generate_all(window, "two hovered cranes", 2)
    drafts, grid, library = window.services.drafts, window.grid, window.services.library
    row = next(r for r in range(drafts.rowCount()) if drafts.draft_id_at(r) is not None)
    draft_id = drafts.draft_id_at(row)
    assert draft_id is not None
    viewport = grid.viewport()
    selected_before = grid.selected_draft_ids()

    pick = _button(window, row, TileAction.PICK)
    qtbot.mouseMove(viewport, pick)
    assert viewport.cursor().shape() == Qt.CursorShape.PointingHandCursor
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pick)
    assert library.get(draft_id).flag == Flag.PICK
    assert grid.selected_draft_ids() == selected_before  # a button, not a tile click
    # The pressed button is painted in the pick colour (sampled beside its tick mark).
    shown = viewport.grab().toImage().pixelColor(pick.x() - 8, pick.y())
    assert shown.green() > 120 > shown.red()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pick)
    assert library.get(draft_id).flag == Flag.NONE  # again: unflagged

    reject = _button(window, row, TileAction.REJECT)
    qtbot.mouseMove(viewport, reject)
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=reject)
    assert library.get(draft_id).flag == Flag.REJECT

    more = _button(window, row, TileAction.MORE)
    qtbot.mouseMove(viewport, more)
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=more)
    menus = [m for m in window.findChildren(QMenu) if m.isVisible()]
    assert [m.accessibleName() for m in menus] == ["Draft actions"]
    menus[0].close()


async def test_no_hover_buttons_on_placeholders_or_away_from_the_tile(window: MainWindow, qtbot):
    window.prompt_panel.editor.setPlainText("hanging [sandbox:hang]")
    window.prompt_panel.count.setValue(1)
    window.generate()
    drafts = window.services.drafts
    await until(lambda: drafts.rowCount() == 2, drafts.rowsInserted)
    viewport = window.grid.viewport()
    pick = _button(window, 1, TileAction.PICK)
    qtbot.mouseMove(viewport, pick)
    assert viewport.cursor().shape() != Qt.CursorShape.PointingHandCursor
    image = viewport.grab().toImage()
    cell = window.grid.visualRect(drafts.index(1, 0))
    background = image.pixelColor(cell.left() + 10, cell.top() + 10)
    assert image.pixelColor(pick.x() - 8, pick.y()) == background  # nothing drawn there
    studio = window.services.studio
    window.stop()
    await until(lambda: not studio.busy, studio.stats_changed, 5)
