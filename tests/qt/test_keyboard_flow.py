"""A keyboard flow that never needs the mouse, in the real window against the sandbox: focus
after Generate, G / Ctrl+G to the grid, Ctrl+L to the prompt, C on one draft, and notices
that go once they no longer apply (the sandbox strip coming back)."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from studio.ui.compare.view import Side
from studio.ui.main_window import MainWindow
from tests.qt.conftest import until
from tests.qt.test_app import generate_all

CTRL = Qt.KeyboardModifier.ControlModifier


def tile_ids(window: MainWindow) -> list[int]:
    drafts = window.services.drafts
    return [d for d in map(drafts.draft_id_at, range(drafts.rowCount())) if d is not None]


def current_id(window: MainWindow) -> int | None:
    return window.services.drafts.draft_id_at(window.grid.currentIndex().row())


async def ctrl_enter(window: MainWindow, qtbot, prompt: str, count: int) -> list[int]:
    """Generates from the keyboard; the new batch's ids, in slot order, once it is queued."""
    services = window.services
    before = set(tile_ids(window))
    editor = window.prompt_panel.editor
    editor.setFocus()
    editor.setPlainText(prompt)
    window.prompt_panel.count.setValue(count)
    qtbot.keyClick(editor, Qt.Key.Key_Return, CTRL)
    await until(lambda: len(tile_ids(window)) == len(before) + count, services.studio.engine_event)
    return sorted(set(tile_ids(window)) - before)


async def test_after_generate_the_new_batchs_first_tile_takes_focus(window: MainWindow, qtbot):
    await generate_all(window, "three owls", 3)
    new = await ctrl_enter(window, qtbot, "two foxes", 2)

    assert QApplication.focusWidget() is window.grid
    assert current_id(window) == new[0]  # slot 0 of the batch just sent, at the top
    assert window.grid.selected_draft_ids() == [new[0]]
    assert window.grid.currentIndex().row() == 1  # right under its header
    assert window.inspector.draft is not None
    assert window.inspector.draft.id == new[0]
    # The culling keys work at once: the arrows move along the new batch.
    qtbot.keyClick(window.grid, Qt.Key.Key_Right)
    assert current_id(window) == new[1]


async def test_a_setting_keeps_focus_in_the_prompt(window: MainWindow, qtbot):
    window.services.settings.update(keep_focus_in_prompt=True)
    await ctrl_enter(window, qtbot, "two foxes", 2)
    studio = window.services.studio
    await until(lambda: studio.stats.succeeded == 2, studio.stats_changed)

    assert QApplication.focusWidget() is window.prompt_panel.editor
    assert window.grid.selected_draft_ids() == []


async def test_g_and_ctrl_g_go_to_the_grid_ctrl_l_to_the_prompt(window: MainWindow, qtbot):
    await generate_all(window, "three owls", 3)
    editor = window.prompt_panel.editor
    editor.setFocus()
    editor.setPlainText("owl")
    editor.moveCursor(editor.textCursor().MoveOperation.End)

    qtbot.keyClick(editor, Qt.Key.Key_G)  # in a text field G is a letter
    assert editor.toPlainText() == "owlg"
    assert QApplication.focusWidget() is editor

    qtbot.keyClick(editor, Qt.Key.Key_G, CTRL)
    assert QApplication.focusWidget() is window.grid
    assert current_id(window) == tile_ids(window)[0]

    qtbot.keyClick(window.grid, Qt.Key.Key_L, CTRL)
    assert QApplication.focusWidget() is editor
    assert editor.textCursor().selectedText() == "owlg"  # typing replaces it

    generate_button: QWidget = window.prompt_panel.generate
    generate_button.setFocus()
    qtbot.keyClick(generate_button, Qt.Key.Key_G)
    assert QApplication.focusWidget() is window.grid


async def test_the_keys_leave_the_loupe_and_compare(window: MainWindow, qtbot):
    await generate_all(window, "three owls", 3)
    window.grid.setFocus()
    window.grid.setCurrentIndex(window.services.drafts.index(1, 0))
    qtbot.keyClick(window.grid, Qt.Key.Key_Space)
    assert window.pages.currentWidget() is window.loupe
    assert not window.prompt_panel.isVisible()

    qtbot.keyClick(window.loupe, Qt.Key.Key_L, CTRL)
    assert window.prompt_panel.isVisible()
    assert QApplication.focusWidget() is window.prompt_panel.editor

    window.grid.setFocus()
    window.grid.selectAll()
    qtbot.keyClick(window.grid, Qt.Key.Key_C)
    assert window.pages.currentWidget() is window.compare
    qtbot.keyClick(window.compare, Qt.Key.Key_G)
    assert window.pages.currentIndex() == 0
    assert QApplication.focusWidget() is window.grid


async def test_the_menus_offer_the_focus_keys(window: MainWindow):
    named = window._named
    assert [k.toString() for k in named["Focus grid"].shortcuts()] == ["Ctrl+G", "G"]
    assert [k.toString() for k in named["Focus prompt"].shortcuts()] == ["Ctrl+L"]


async def test_tab_from_the_prompt_reaches_the_grid_through_the_panel(window: MainWindow, qtbot):
    await generate_all(window, "three owls", 3)
    editor = window.prompt_panel.editor
    editor.setFocus()
    visited: list[QWidget] = []
    for _ in range(40):
        focused = QApplication.focusWidget()
        assert focused is not None
        if focused is window.grid:
            break
        visited.append(focused)
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is window.grid
    # The prompt panel top to bottom, then what sits above the grid (the notice's button,
    # the filter strip), then the grid; never the inspector on the way.
    in_panel = [w for w in visited if window.prompt_panel.isAncestorOf(w)]
    assert visited[: len(in_panel)] == in_panel
    assert in_panel[1] is window.prompt_panel.history
    assert window.prompt_panel.generate in in_panel
    above_grid = visited[len(in_panel) :]
    assert all(window.pages.isAncestorOf(w) or window.banner.isAncestorOf(w) for w in above_grid)
    assert not any(window.inspector.isAncestorOf(w) for w in visited)


async def test_c_on_one_draft_compares_it_with_the_next(window: MainWindow, qtbot):
    await generate_all(window, "three owls", 3)
    first, second, third = tile_ids(window)
    window.grid.select_drafts([first])

    qtbot.keyClick(window.grid, Qt.Key.Key_C)

    compare = window.compare
    assert window.pages.currentWidget() is compare
    left, right = compare.draft(Side.LEFT), compare.draft(Side.RIGHT)
    assert (left.id if left else None, right.id if right else None) == (first, second)
    assert [d.id for d in compare.candidates] == [first, second, third]
    qtbot.keyClick(compare, Qt.Key.Key_Right)  # the next one after that comes in on the right
    right = compare.draft(Side.RIGHT)
    assert right is not None
    assert right.id == third

    qtbot.keyClick(compare, Qt.Key.Key_Escape)
    window.grid.select_drafts([third])  # the last one: beside the one before it
    qtbot.keyClick(window.grid, Qt.Key.Key_C)
    assert [d.id for d in compare.candidates] == [third, second]


async def test_a_hint_goes_with_the_next_action_and_the_sandbox_strip_returns(
    window: MainWindow, qtbot
):
    banner = window.banner
    await generate_all(window, "one owl", 1)
    assert banner.kind == "sandbox"
    window.grid.select_drafts(tile_ids(window))

    qtbot.keyClick(window.grid, Qt.Key.Key_C)  # nothing else to compare with
    assert window.pages.currentIndex() == 0
    assert banner.kind == "info"
    assert "compare" in banner.text

    qtbot.keyClick(window.grid, Qt.Key.Key_E, CTRL)  # export: another action
    assert banner.kind == "sandbox"
    export = window.dialogs.export_dialog
    assert export is not None
    export.close()
    window.activateWindow()

    window.grid.setFocus()
    qtbot.keyClick(window.grid, Qt.Key.Key_C)
    assert banner.kind == "info"
    window.grid.clearSelection()  # a new selection is a new context
    assert banner.kind == "sandbox"

    qtbot.keyClick(window.grid, Qt.Key.Key_C)
    assert banner.kind == "info"
    await ctrl_enter(window, qtbot, "two foxes", 2)  # a new batch
    assert banner.kind == "sandbox"


async def test_a_hint_goes_by_itself(window: MainWindow, qtbot):
    banner = window.banner
    banner.transient_ms = 30
    await generate_all(window, "one owl", 1)
    window.grid.select_drafts(tile_ids(window))
    qtbot.keyClick(window.grid, Qt.Key.Key_C)
    assert banner.kind == "info"

    for _ in range(500):
        if banner.kind == "sandbox":
            break
        await asyncio.sleep(0.01)
    assert banner.kind == "sandbox"
    assert banner.text.startswith("Offline sandbox")


async def test_a_network_notice_goes_when_images_arrive_again(window: MainWindow):
    banner = window.banner
    window.services.studio.notice.emit("network", "Cannot reach the image service.", "")
    assert banner.kind == "error"

    await generate_all(window, "one owl", 1)

    assert banner.kind == "sandbox"
