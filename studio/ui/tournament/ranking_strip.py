"""The finished ranking: every draft's thumbnail in order, best first, with its rank number;
tied drafts share one number."""

from __future__ import annotations

import math

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from studio.core.library import DraftRecord
from studio.models.thumbnails import ThumbnailCache

_GAP = 10
_LABEL = 22
_MAX_CELL = 220


def ranked_cells(ranking: list[list[DraftRecord]]) -> list[tuple[int, DraftRecord]]:
    """(rank, draft) in order; a group starts at the rank of its first member, as in sports."""
    cells: list[tuple[int, DraftRecord]] = []
    rank = 1
    for group in ranking:
        cells.extend((rank, draft) for draft in group)
        rank += len(group)
    return cells


class RankingStrip(QWidget):
    def __init__(self, thumbnails: ThumbnailCache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Tournament ranking")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._thumbnails = thumbnails
        self._cells: list[tuple[int, DraftRecord]] = []
        thumbnails.ready.connect(self._ready)

    def set_ranking(self, ranking: list[list[DraftRecord]]) -> None:
        self._cells = ranked_cells(ranking)
        order = ", ".join(f"{rank}: draft {d.id}" for rank, d in self._cells)
        self.setAccessibleDescription(order)
        self.update()

    def cells(self) -> list[tuple[int, DraftRecord]]:
        return list(self._cells)

    def _ready(self, draft_id: int) -> None:
        if any(d.id == draft_id for _, d in self._cells):
            self.update()

    def _cell_size(self) -> tuple[int, int]:
        """The largest square cell with which every thumbnail fits, and how many per row."""
        count = len(self._cells)
        if count == 0:
            return 0, 1
        best, best_columns = 0, count
        for columns in range(1, count + 1):
            rows = math.ceil(count / columns)
            side = min(
                (self.width() - _GAP * (columns - 1)) / columns,
                (self.height() - (_GAP + _LABEL) * rows) / rows,
                _MAX_CELL,
            )
            if side > best:
                best, best_columns = int(side), columns
        return max(best, 8), best_columns

    def sizeHint(self) -> QSize:
        return QSize(800, _MAX_CELL + _LABEL)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        side, columns = self._cell_size()
        rows = math.ceil(len(self._cells) / columns) if self._cells else 0
        used_w = columns * side + (columns - 1) * _GAP
        used_h = rows * (side + _LABEL) + (rows - 1) * _GAP
        left = (self.width() - used_w) // 2
        top = (self.height() - used_h) // 2
        dpr = self.devicePixelRatioF()
        for index, (rank, draft) in enumerate(self._cells):
            row, column = divmod(index, columns)
            cell = QRect(
                left + column * (side + _GAP), top + row * (side + _LABEL + _GAP), side, side
            )
            pixmap = (
                self._thumbnails.pixmap(draft.id, draft.thumb_path, dpr)
                if draft.thumb_path is not None
                else None
            )
            if pixmap is not None and not pixmap.isNull():
                size = pixmap.deviceIndependentSize().scaled(
                    QSize(side, side).toSizeF(), Qt.AspectRatioMode.KeepAspectRatio
                )
                target = QRectF(0, 0, size.width(), size.height())
                target.moveCenter(QRectF(cell).center())
                painter.drawPixmap(target, pixmap, QRectF(pixmap.rect()))
            else:
                painter.fillRect(cell, palette.color(QPalette.ColorRole.Window).lighter(115))
            label = QRect(cell.x(), cell.bottom() + 1, side, _LABEL)
            painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            font = painter.font()
            font.setBold(True)
            painter.setFont(font)
            stars = "★" * min(max(draft.rating, 0), 5)
            flag = " ✓" if draft.flag.value == "pick" else ""
            painter.drawText(label, Qt.AlignmentFlag.AlignCenter, f"#{rank}{flag}  {stars}".strip())
        painter.end()
