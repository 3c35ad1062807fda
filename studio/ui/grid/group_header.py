"""A grouped batch's sub-header: one value of the axis and how many drafts it holds, quieter
than the batch header above it (no rule, no pills), with a short bar that marks the group."""

from __future__ import annotations

import math

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter

from studio.models.draft_list import Role, item_data
from studio.ui.grid.tones import Tones

_GAP_ABOVE = 6  # from the line of tiles above; a batch header keeps a larger one
_BAR = 3.0
_TEXT_INSET = 10.0


def group_height(font: QFont) -> int:
    return math.ceil(QFontMetricsF(font).height()) + 6 + _GAP_ABOVE


def paint_group(
    painter: QPainter,
    index: QModelIndex | QPersistentModelIndex,
    rect: QRectF,
    font: QFont,
    tones: Tones,
) -> None:
    metrics = QFontMetricsF(font)
    line = QRectF(rect.left(), rect.bottom() - metrics.height() - 2, rect.width(), metrics.height())
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(tones.outline)
    bar = QRectF(line.left() + 1, line.top() + 2, _BAR, line.height() - 4)
    painter.drawRoundedRect(bar, _BAR / 2, _BAR / 2)

    text = line.adjusted(_TEXT_INSET, 0, 0, 0)
    title = str(item_data(index, Role.HeaderTitleRole) or "")
    detail = f"  ·  {item_data(index, Role.HeaderDetailRole) or ''}"
    # The value names the group; its count gives way first on a narrow grid.
    room = max(text.width() * 0.6, text.width() - metrics.horizontalAdvance(detail))
    title = metrics.elidedText(title, Qt.TextElideMode.ElideRight, room)
    title_width = metrics.horizontalAdvance(title)
    detail = metrics.elidedText(detail, Qt.TextElideMode.ElideRight, text.width() - title_width)
    align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    painter.setFont(font)
    painter.setPen(tones.ink)
    painter.drawText(text, align, title)
    painter.setPen(tones.muted)
    painter.drawText(text.adjusted(title_width, 0, 0, 0), align, detail)
