"""F1 (or ? on the grid) lists the keys, from the menus, the grid and the compare view, on a
card over the dimmed window that Esc, F1 or a click beside it closes."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QGridLayout, QLabel

from studio.ui.cheat_sheet import CheatSheet
from studio.ui.main_window import MainWindow
from tests.qt.test_app import generate_all


def _sheet(window: MainWindow) -> CheatSheet:
    sheet = window.dialogs.cheat_sheet
    assert sheet is not None
    return sheet


def _lines(grid: QGridLayout) -> list[tuple[QLabel, QLabel]]:
    """(keys, description) label pairs of one column; headings have no keys."""
    pairs = []
    for row in range(grid.rowCount()):
        keys_item, what_item = grid.itemAtPosition(row, 0), grid.itemAtPosition(row, 1)
        if keys_item is None or what_item is None:
            continue
        keys, what = keys_item.widget(), what_item.widget()
        assert isinstance(keys, QLabel)
        assert isinstance(what, QLabel)
        pairs.append((keys, what))
    return pairs


def _rows(window: MainWindow) -> dict[str, str]:
    return {
        what.text(): keys.text() for grid in _sheet(window).columns() for keys, what in _lines(grid)
    }


def _open(window: MainWindow, qtbot) -> CheatSheet:
    qtbot.keyClick(window.prompt_panel.editor, Qt.Key.Key_F1)
    sheet = _sheet(window)
    assert sheet.isVisible()
    return sheet


def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def _contrast(one: QColor, other: QColor) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


async def test_f1_lists_the_keys_without_blocking(window: MainWindow, qtbot):
    _open(window, qtbot)
    rows = _rows(window)
    assert rows["Pick"] == "P"
    assert rows["Rate 5"] == "5"
    assert rows["Compare selected"] == "C"
    assert rows["Export…"] == "Ctrl+E"
    assert rows["Generate"] == "Ctrl+Return / Ctrl+Enter"
    assert rows["Focus grid"] == "Ctrl+G / G"
    assert rows["Focus prompt"] == "Ctrl+L"
    assert rows["Extend the selection"] == "Shift+arrows"
    assert rows["Swap"] == "S"  # from the compare view
    assert "Select this batch" not in rows  # menu items without a key are left out
    assert window.services.studio.busy is False  # nothing waits on the sheet


async def test_a_card_with_title_and_close_hint_over_a_dimmed_window(window: MainWindow, qtbot):
    point = QPoint(window.width() - 12, window.height() // 2)  # the inspector's edge
    before = window.grab().toImage().pixelColor(point)

    sheet = _open(window, qtbot)

    assert sheet.parentWidget() is window
    assert sheet.geometry() == window.rect()  # over everything, menus and status bar too
    card = sheet.card.geometry()
    assert sheet.rect().contains(card)
    assert not card.contains(point)
    assert sheet.title.text() == "Keyboard shortcuts"
    assert sheet.close_hint.text() == "Esc or F1 to close"
    assert sheet.close_hint.isVisible()
    after = window.grab().toImage().pixelColor(point)
    assert after.lightness() < before.lightness() * 0.6  # the backdrop dims the window


async def test_keys_and_descriptions_line_up_in_every_section(window: MainWindow, qtbot):
    sheet = _open(window, qtbot)
    columns = sheet.columns()
    assert len(columns) >= 2
    offsets = set()
    for grid in columns:
        lines = _lines(grid)
        assert lines
        lefts = {sheet.mapFromGlobal(what.mapToGlobal(QPoint(0, 0))).x() for _, what in lines}
        assert len(lefts) == 1  # every description of the column starts at one x
        rights = {
            sheet.mapFromGlobal(keys.mapToGlobal(QPoint(keys.width(), 0))).x() for keys, _ in lines
        }
        assert len(rights) == 1  # and every key ends at one x, just before it
        offsets.add(lefts.pop() - grid.geometry().left())
    assert len(offsets) == 1  # the same in every column


async def test_descriptions_are_readable(window: MainWindow, qtbot):
    sheet = _open(window, qtbot)
    image: QImage = sheet.card.grab().toImage()
    background = image.pixelColor(4, sheet.card.height() // 2)
    _, what = _lines(sheet.columns()[0])[0]
    assert what.isEnabled()
    text = what.palette().color(what.foregroundRole())
    assert _contrast(text, background) >= 7


async def test_esc_f1_and_a_click_beside_the_card_close_it(window: MainWindow, qtbot):
    editor = window.prompt_panel.editor
    sheet = _open(window, qtbot)
    assert QApplication.focusWidget() is sheet
    qtbot.keyClick(sheet, Qt.Key.Key_Escape)
    assert not sheet.isVisible()
    assert QApplication.focusWidget() is editor  # back where the user was
    assert not window.services.studio.busy

    _open(window, qtbot)
    qtbot.keyClick(sheet, Qt.Key.Key_F1)
    assert not sheet.isVisible()

    _open(window, qtbot)
    qtbot.mouseClick(sheet, Qt.MouseButton.LeftButton, pos=sheet.card.geometry().center())
    assert sheet.isVisible()  # a click on the card is reading, not closing
    qtbot.mouseClick(sheet, Qt.MouseButton.LeftButton, pos=QPoint(5, sheet.height() - 5))
    assert not sheet.isVisible()
    assert QApplication.focusWidget() is editor


async def test_question_mark_on_the_grid_opens_it_too(window: MainWindow, qtbot):
    await generate_all(window, "one lamp", 1)  # the grid replaces the first-run panel
    window.grid.setFocus()
    qtbot.keyClick(window.grid, Qt.Key.Key_Question, Qt.KeyboardModifier.ShiftModifier)
    sheet = _sheet(window)
    assert sheet.isVisible()
    qtbot.keyClick(sheet, Qt.Key.Key_Question, Qt.KeyboardModifier.ShiftModifier)
    assert not sheet.isVisible()
    assert QApplication.focusWidget() is window.grid
