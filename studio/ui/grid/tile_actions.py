"""Quick actions on the tile under the mouse: pick, reject and more (the right-click menu),
as small round buttons in the top-right corner. The delegate paints them; the grid view
asks which one is under the mouse."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen

from studio.core.domain import Flag
from studio.ui.grid.tones import Tones

CELL_PAD = 8.0  # between the cell's edge and the image: room for the selection ring
BADGE_INSET = 5.0
_BUTTON = 24.0
_GAP = 4.0
# Below this the buttons would cover too much of the picture; keys and menus remain.
MIN_TILE_FOR_BUTTONS = 120


class TileAction(StrEnum):
    PICK = "pick"
    REJECT = "reject"
    MORE = "more"


TILE_ACTION_TIPS = {
    TileAction.PICK: "Pick (P); again to unflag",
    TileAction.REJECT: "Reject (X); again to unflag",
    TileAction.MORE: "More actions",
}


def inner_area(cell: QRectF) -> QRectF:
    return cell.adjusted(CELL_PAD, CELL_PAD, -CELL_PAD, -CELL_PAD)


def place_tile_actions(cell: QRectF) -> list[tuple[TileAction, QRectF]]:
    if cell.width() < MIN_TILE_FOR_BUTTONS:
        return []
    inner = inner_area(cell)
    right, top = inner.right() - BADGE_INSET, inner.top() + BADGE_INSET
    placed = []
    for action in reversed(TileAction):
        placed.append((action, QRectF(right - _BUTTON, top, _BUTTON, _BUTTON)))
        right -= _BUTTON + _GAP
    placed.reverse()
    return placed


def tile_action_at(cell: QRectF, pos: QPointF) -> TileAction | None:
    return next((a for a, area in place_tile_actions(cell) if area.contains(pos)), None)


def flag_mark(flag: Flag, centre: QPointF) -> QPainterPath:
    """A tick for picks, a cross for rejects: drawn, because the glyphs ✓ and ✕ are missing
    from some system fonts."""
    mark = QPainterPath()
    x, y = centre.x(), centre.y()
    if flag == Flag.PICK:
        mark.moveTo(x - 4.5, y + 0.2)
        mark.lineTo(x - 1.3, y + 3.4)
        mark.lineTo(x + 4.6, y - 3.2)
    else:
        mark.moveTo(x - 3.6, y - 3.6)
        mark.lineTo(x + 3.6, y + 3.6)
        mark.moveTo(x + 3.6, y - 3.6)
        mark.lineTo(x - 3.6, y + 3.6)
    return mark


def mark_pen() -> QPen:
    pen = QPen(QColor("white"), 2.2)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def paint_tile_actions(
    painter: QPainter, cell: QRectF, flag: Flag, hovered: TileAction | None, tones: Tones
) -> None:
    for action, area in place_tile_actions(cell):
        on = (action == TileAction.PICK and flag == Flag.PICK) or (
            action == TileAction.REJECT and flag == Flag.REJECT
        )
        if on:
            fill = QColor(tones.pick if flag == Flag.PICK else tones.reject)
        else:
            fill = QColor(0, 0, 0, 215 if action == hovered else 140)
        painter.setPen(
            QPen(QColor(255, 255, 255, 200), 1.2) if action == hovered else Qt.PenStyle.NoPen
        )
        painter.setBrush(fill)
        painter.drawEllipse(area)
        centre = area.center()
        if action == TileAction.MORE:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("white"))
            for dx in (-5.0, 0.0, 5.0):
                painter.drawEllipse(QPointF(centre.x() + dx, centre.y()), 1.6, 1.6)
            continue
        painter.setPen(mark_pen())
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(flag_mark(Flag.PICK if action == TileAction.PICK else Flag.REJECT, centre))
