"""The chrome a pane paints over or instead of its image: messages, the zoom badge, the frame."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen

from studio.ui.compare.marks import ACCENT


def paint_message(
    painter: QPainter, area: QRectF, palette: QPalette, message: str, detail: str
) -> None:
    if not message:
        return
    painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
    area = area.adjusted(24, 24, -24, -24)
    if not detail:
        painter.drawText(area, Qt.AlignmentFlag.AlignCenter, message)
        return
    line = painter.fontMetrics().height()
    middle = area.center().y()
    painter.drawText(
        QRectF(area.left(), middle - line, area.width(), line),
        Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
        message,
    )
    painter.drawText(
        QRectF(area.left(), middle + 4, area.width(), area.bottom() - middle - 4),
        Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
        detail,
    )


def paint_pill(painter: QPainter, box: QRectF, text: str) -> None:
    """Light text on a translucent dark pill: readable over any image."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(0, 0, 0, 150))
    painter.drawRoundedRect(box, box.height() / 2, box.height() / 2)
    painter.setPen(QColor(235, 235, 235))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


def paint_badge(painter: QPainter, width: int, text: str) -> None:
    metrics = painter.fontMetrics()
    box = QRectF(0, 0, metrics.horizontalAdvance(text) + 16, metrics.height() + 8)
    box.moveTopRight(QPointF(width - 12, 12))
    paint_pill(painter, box, text)


def paint_frame(painter: QPainter, area: QRectF, focused: bool) -> None:
    colour = QColor(ACCENT)
    if not focused:
        # Still marks where P, X and the digits go, but quieter than real keyboard focus.
        colour.setAlphaF(0.4)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(colour, 2))
    painter.drawRect(area.adjusted(1, 1, -1, -1))
