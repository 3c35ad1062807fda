"""The small badge at a derived tile's bottom-right corner: "↳ R", "↳ E" or "↳ V", so a
refined, edited or varied draft is told from a fresh one at a glance. The letter's colour
tells the kind apart too, but the letter alone says it (colour is never the only signal)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from studio.core.domain import Derivation
from studio.ui.grid.tile_actions import BADGE_INSET

LETTERS = {Derivation.REFINE: "R", Derivation.EDIT: "E", Derivation.VARY: "V"}
_COLOURS = {
    Derivation.REFINE: QColor("#7FB2FF"),
    Derivation.EDIT: QColor("#FFC266"),
    Derivation.VARY: QColor("#C9A0FF"),
}
_HEIGHT = 18.0


def paint_lineage(painter: QPainter, area: QRectF, derivation: Derivation, font: QFont) -> None:
    bold = QFont(font)
    bold.setWeight(QFont.Weight.Bold)
    if bold.pointSizeF() > 0:
        bold.setPointSizeF(bold.pointSizeF() * 0.85)
    metrics = QFontMetricsF(bold)
    arrow, letter = "↳ ", LETTERS[derivation]
    width = metrics.horizontalAdvance(arrow + letter) + 12
    pill = QRectF(
        area.right() - BADGE_INSET - width, area.bottom() - BADGE_INSET - _HEIGHT, width, _HEIGHT
    )
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(0, 0, 0, 160))
    painter.drawRoundedRect(pill, _HEIGHT / 2, _HEIGHT / 2)
    painter.setFont(bold)
    text = pill.adjusted(6, 0, -6, 0)
    painter.setPen(QColor(255, 255, 255, 200))
    painter.drawText(text, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, arrow)
    painter.setPen(_COLOURS[derivation])
    painter.drawText(text, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, letter)
