"""Right-click menus on the grid: a tile's actions with their keys, a batch header's pills."""

from __future__ import annotations

from PySide6.QtWidgets import QMenu

from studio.core.domain import Flag
from studio.ui.main_window import MainWindow
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
