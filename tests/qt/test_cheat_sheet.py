"""F1 (or ? on the grid) lists the keys: from the menus, the grid and the compare view."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel

from studio.ui.main_window import MainWindow
from tests.qt.test_app import generate_all


def _rows(window: MainWindow) -> dict[str, str]:
    sheet = window.dialogs.cheat_sheet
    assert sheet is not None
    rows: dict[str, str] = {}
    for form in sheet.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            keys_item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            what_item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            assert keys_item is not None
            assert what_item is not None
            keys, what = keys_item.widget(), what_item.widget()
            assert isinstance(keys, QLabel)
            assert isinstance(what, QLabel)
            rows[what.text()] = keys.text()
    return rows


async def test_f1_lists_the_keys_without_blocking(window: MainWindow, qtbot):
    qtbot.keyClick(window.prompt_panel.editor, Qt.Key.Key_F1)
    sheet = window.dialogs.cheat_sheet
    assert sheet is not None
    assert sheet.isVisible()
    assert not sheet.isModal()
    rows = _rows(window)
    assert rows["Pick"] == "P"
    assert rows["Rate 5"] == "5"
    assert rows["Compare selected"] == "C"
    assert rows["Export…"] == "Ctrl+E"
    assert rows["Generate"] == "Ctrl+Return / Ctrl+Enter"
    assert rows["Extend the selection"] == "Shift+arrows"
    assert rows["Swap"] == "S"  # from the compare view
    assert "Select this batch" not in rows  # menu items without a key are left out


async def test_question_mark_on_the_grid_opens_it_too(window: MainWindow, qtbot):
    await generate_all(window, "one lamp", 1)  # the grid replaces the first-run panel
    window.grid.setFocus()
    qtbot.keyClick(window.grid, Qt.Key.Key_Question, Qt.KeyboardModifier.ShiftModifier)
    assert window.dialogs.cheat_sheet is not None
    assert window.dialogs.cheat_sheet.isVisible()
