"""How the cursor moves through the grid: lines of tiles whose widths follow their pictures,
between headers and sub-headers that span a line and never hold the cursor."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from studio.models.draft_list import is_tile

_Move = QAbstractItemView.CursorAction
_FORWARD = frozenset(
    {
        _Move.MoveNext,
        _Move.MovePageDown,
        _Move.MoveEnd,
        _Move.MoveHome,  # lands on the first header, so the first tile is after it
    }
)


class JustifiedNavigation(QListView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._column: tuple[int, int] | None = None  # x Up/Down keep to, and on which row

    def keyboardSearch(self, search: str) -> None:
        """Off: letters are culling keys (P, X, U), and the tiles have no names to search."""

    def moveCursor(
        self, cursorAction: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        current = self.currentIndex()
        if current.isValid() and cursorAction in (_Move.MoveLeft, _Move.MoveRight):
            # Lines end where the pictures' widths make them end: Left and Right read the
            # grid as text, on to the next line's first tile and back.
            step = 1 if cursorAction == _Move.MoveRight else -1
            return self._tile_from(current.row(), step) or current
        if current.isValid() and cursorAction in (_Move.MoveUp, _Move.MoveDown):
            return self._line_step(current, 1 if cursorAction == _Move.MoveDown else -1)
        target = super().moveCursor(cursorAction, modifiers)
        if not target.isValid() or is_tile(target):
            return target
        # A header or sub-header cannot hold the cursor: step over it in the direction of the
        # key, or the other way at the very top (Home, Page Up).
        step = 1 if cursorAction in _FORWARD else -1
        tile = self._tile_from(target.row(), step) or self._tile_from(target.row(), -step)
        return tile if tile is not None else current

    def _tile_from(self, row: int, step: int) -> QModelIndex | None:
        model = self.model()
        row += step
        while 0 <= row < model.rowCount():
            index = model.index(row, 0)
            if is_tile(index):
                return index
            row += step
        return None

    def _line_step(self, current: QModelIndex, step: int) -> QModelIndex:
        """The tile of the line above or below that lies under the cursor's column. The
        column is kept while Up and Down follow each other, so that crossing a line of
        wide tiles and coming back lands where the move started."""
        here = self.visualRect(current)
        x = here.center().x()
        if self._column is not None and self._column[1] == current.row():
            x = self._column[0]
        model = self.model()
        best, best_distance, line_top = current, None, None
        row = current.row() + step
        while 0 <= row < model.rowCount():
            index = model.index(row, 0)
            row += step
            if not is_tile(index):
                continue  # headers and sub-headers sit on a line of their own
            rect = self.visualRect(index)
            if rect.top() == here.top():
                continue
            if line_top is None:
                line_top = rect.top()
            elif rect.top() != line_top:
                break
            distance = max(rect.left() - x, x - rect.right(), 0)
            if best_distance is None or distance < best_distance:
                best, best_distance = index, distance
        self._column = (x, best.row())
        return best
