"""A batch's header row: the prompt, its details, a rule, and the batch's actions as small
pills on the right (Group: … ▾ for a prompt matrix, Stop, Retry N, Select all). The
delegate paints it; the grid view asks which action is under the mouse."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QPen

from studio.models.draft_list import Role, item_data
from studio.models.draft_rows import BatchAction
from studio.ui.grid.tones import Tones

_PILL_PAD = 9.0  # each side of a pill's words
_PILL_GAP = 6.0
_TEXT_GAP = 14.0  # between the rule and the first pill
ACTION_TIPS = {
    BatchAction.STOP: "Stop this batch's queued and running drafts",
    BatchAction.RETRY: "Send this batch's failed, blocked and cancelled drafts again",
    BatchAction.SELECT: "Select every draft of this batch the grid shows",
    BatchAction.GROUP: "Show this batch's drafts under one heading per value of a prompt axis",
}


@dataclass(frozen=True, slots=True)
class PlacedAction:
    action: BatchAction
    label: str
    area: QRectF


def _prompt_font(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setWeight(QFont.Weight.DemiBold)
    return bold


def _line(rect: QRectF, font: QFont) -> QRectF:
    """The header's one line of text, at the bottom of the row (the gap above it separates
    batches)."""
    height = QFontMetricsF(_prompt_font(font)).height()
    return QRectF(rect.left(), rect.bottom() - height - 3, rect.width(), height)


def place_actions(
    index: QModelIndex | QPersistentModelIndex, rect: QRectF, font: QFont
) -> list[PlacedAction]:
    """Where each of the batch's actions sits, right-aligned on the header line."""
    offered = item_data(index, Role.HeaderActionsRole) or []
    line = _line(rect, font)
    metrics = QFontMetricsF(font)
    right = line.right()
    placed: list[PlacedAction] = []
    for action, label in reversed(offered):
        width = metrics.horizontalAdvance(label) + 2 * _PILL_PAD
        placed.append(
            PlacedAction(action, label, QRectF(right - width, line.top(), width, line.height()))
        )
        right -= width + _PILL_GAP
    placed.reverse()
    return placed


def action_area(
    index: QModelIndex | QPersistentModelIndex, rect: QRectF, font: QFont, action: BatchAction
) -> QRectF | None:
    return next((p.area for p in place_actions(index, rect, font) if p.action == action), None)


def action_at(
    index: QModelIndex | QPersistentModelIndex, rect: QRectF, font: QFont, pos: QPointF
) -> BatchAction | None:
    for placed in place_actions(index, rect, font):
        if placed.area.adjusted(0, -3, 0, 3).contains(pos):
            return placed.action
    return None


def paint_header(
    painter: QPainter,
    index: QModelIndex | QPersistentModelIndex,
    rect: QRectF,
    font: QFont,
    tones: Tones,
    hovered: BatchAction | None,
) -> None:
    prompt_font = _prompt_font(font)
    prompt_metrics = QFontMetricsF(prompt_font)
    detail_metrics = QFontMetricsF(font)
    line = _line(rect, font)
    placed = place_actions(index, rect, font)
    if placed:
        line.setRight(placed[0].area.left() - _TEXT_GAP)

    # The prompt in quotes, or for derived work what it came from ("Refined 3 picks").
    prompt = str(item_data(index, Role.HeaderTitleRole) or "")
    detail = f"  ·  {item_data(index, Role.HeaderDetailRole) or ''}"
    detail_width = detail_metrics.horizontalAdvance(detail)
    # The prompt names the batch; the details give way first on a narrow grid.
    room = max(line.width() * 0.5, line.width() - detail_width)
    prompt = prompt_metrics.elidedText(prompt, Qt.TextElideMode.ElideRight, room)
    prompt_width = prompt_metrics.horizontalAdvance(prompt)
    detail = detail_metrics.elidedText(
        detail, Qt.TextElideMode.ElideRight, line.width() - prompt_width
    )
    detail_width = detail_metrics.horizontalAdvance(detail)

    align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    painter.setFont(prompt_font)
    painter.setPen(tones.ink)
    painter.drawText(line, align, prompt)
    painter.setFont(font)
    painter.setPen(tones.muted)
    painter.drawText(line.adjusted(prompt_width, 0, 0, 0), align, detail)

    rule_start = line.left() + prompt_width + detail_width + 12
    if line.right() - rule_start >= 24:  # a shorter rule reads as a stray dash
        painter.setPen(QPen(tones.rule, 1))
        y = round(line.center().y()) + 0.5
        painter.drawLine(QPointF(rule_start, y), QPointF(line.right(), y))

    # A batch shown grouped says so in ink, as a pressed toggle would.
    grouped = item_data(index, Role.GroupedByRole) is not None
    for action in placed:
        lit = action.action == hovered
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(tones.outline if lit else tones.chip)
        radius = action.area.height() / 2
        painter.drawRoundedRect(action.area, radius, radius)
        on = grouped and action.action == BatchAction.GROUP
        painter.setPen(tones.ink if lit or on else tones.muted)
        painter.drawText(action.area, Qt.AlignmentFlag.AlignCenter, action.label)
