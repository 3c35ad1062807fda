"""Paints the grid's rows: slim batch headers across the width, and square draft tiles."""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from studio.core.domain import Derivation, Flag, SlotStatus
from studio.models.draft_labels import state_label
from studio.models.draft_list import Role, RowKind, item_data
from studio.models.draft_rows import BatchAction
from studio.ui.grid.batch_header import paint_header
from studio.ui.grid.lineage_badge import paint_lineage
from studio.ui.grid.tile_actions import (
    BADGE_INSET,
    TileAction,
    flag_mark,
    inner_area,
    mark_pen,
    paint_tile_actions,
)
from studio.ui.grid.tones import Tones

MIN_TILE_SIZE = 96
MAX_TILE_SIZE = 384
DEFAULT_TILE_SIZE = 192

_RADIUS = 8.0
_HEADER_GAP = 18  # above a header, so that batches read as groups
_CHIP_PAD = 14


def _fit(area: QRectF, aspect: float) -> QRectF:
    """The largest rectangle of this width/height ratio centred in `area`."""
    aspect = aspect if aspect > 0 else 1.0
    width, height = area.width(), area.width() / aspect
    if height > area.height():
        width, height = area.height() * aspect, area.height()
    return QRectF(area.center().x() - width / 2, area.center().y() - height / 2, width, height)


def _two_lines(metrics: QFontMetricsF, text: str, width: float) -> list[str]:
    words = text.split()
    first = ""
    while words and metrics.horizontalAdvance(f"{first} {words[0]}".strip()) <= width:
        first = f"{first} {words.pop(0)}".strip()
    if not first:
        return [metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)]
    if not words:
        return [first]
    return [first, metrics.elidedText(" ".join(words), Qt.TextElideMode.ElideRight, width)]


def _scaled_font(font: QFont, factor: float) -> QFont:
    scaled = QFont(font)
    if font.pointSizeF() > 0:
        scaled.setPointSizeF(font.pointSizeF() * factor)
    else:
        scaled.setPixelSize(max(8, round(font.pixelSize() * factor)))
    return scaled


def _star(centre: QPointF, radius: float) -> QPainterPath:
    path = QPainterPath()
    for point in range(10):
        angle = -math.pi / 2 + point * math.pi / 5
        reach = radius if point % 2 == 0 else radius * 0.45
        vertex = QPointF(centre.x() + reach * math.cos(angle), centre.y() + reach * math.sin(angle))
        if point == 0:
            path.moveTo(vertex)
        else:
            path.lineTo(vertex)
    path.closeSubpath()
    return path


class TileDelegate(QStyledItemDelegate):
    """Tiles are square and stretch a little so that the columns fill the row exactly;
    headers take the whole width, which makes QListView's flow wrap around them."""

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view
        self._tile_size = DEFAULT_TILE_SIZE
        self._tones: tuple[tuple[int, QPalette.ColorGroup], Tones] | None = None
        # The header pill or tile button under the mouse, which the grid view keeps up to date.
        self.hovered_row: int | None = None
        self.hovered_action: BatchAction | TileAction | None = None

    @property
    def tile_size(self) -> int:
        return self._tile_size

    def set_tile_size(self, px: int) -> None:
        self._tile_size = max(MIN_TILE_SIZE, min(MAX_TILE_SIZE, px))

    def _row_width(self) -> int:
        # Always leave room for the scroll bar: if the layout depended on whether it shows,
        # a grid just one row too tall would flip between two layouts forever.
        view = self._view
        return view.maximumViewportSize().width() - view.verticalScrollBar().sizeHint().width()

    def cell_size(self) -> int:
        spacing = self._view.spacing()
        usable = self._row_width() - spacing
        columns = max(1, round(usable / (self._tile_size + spacing)))
        # One pixel of slack: QListView wraps an item that would end exactly on the edge.
        return max(MIN_TILE_SIZE // 2, (usable - 1) // columns - spacing)

    def _header_height(self, option: QStyleOptionViewItem, row: int) -> int:
        text = math.ceil(QFontMetricsF(option.font).height())
        return text + 8 + (0 if row == 0 else _HEADER_GAP)

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        if item_data(index, Role.KindRole) == RowKind.HEADER:
            width = max(1, self._row_width() - 2 * self._view.spacing())
            return QSize(width, self._header_height(option, index.row()))
        cell = self.cell_size()
        return QSize(cell, cell)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        tones = self._tones_for(option.palette)
        if item_data(index, Role.KindRole) == RowKind.HEADER:
            hovered = self.hovered_action if index.row() == self.hovered_row else None
            pill = hovered if isinstance(hovered, BatchAction) else None
            paint_header(painter, index, QRectF(option.rect), option.font, tones, pill)
        else:
            self._paint_tile(painter, option, index, tones)
        painter.restore()

    def _tones_for(self, palette: QPalette) -> Tones:
        # Every tile of a paint shares one palette; mixing its colours once is enough.
        key = (palette.cacheKey(), palette.currentColorGroup())
        if self._tones is None or self._tones[0] != key:
            self._tones = (key, Tones(palette))
        return self._tones[1]

    # -- tiles ---------------------------------------------------------------------------------

    def _paint_tile(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
        tones: Tones,
    ) -> None:
        rect = QRectF(option.rect)
        state = option.state
        focused = bool(state & QStyle.StateFlag.State_HasFocus)
        fill = (
            tones.cell_current
            if focused
            else tones.cell_hover
            if state & QStyle.StateFlag.State_MouseOver
            else tones.cell
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, _RADIUS, _RADIUS)

        status = SlotStatus(item_data(index, Role.StatusRole))
        flag = Flag(item_data(index, Role.FlagRole))
        inner = inner_area(rect)
        pixmap = item_data(index, Role.ThumbnailRole) if status == SlotStatus.SUCCEEDED else None
        if isinstance(pixmap, QPixmap) and not pixmap.isNull():
            picture = _fit(inner, pixmap.width() / pixmap.height())
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            # Rejects stay visible, so that a wrong X is easy to spot and undo.
            painter.setOpacity(0.32 if flag == Flag.REJECT else 1.0)
            painter.drawPixmap(picture, pixmap, QRectF(pixmap.rect()))
            painter.setOpacity(1.0)
        else:
            aspect = float(item_data(index, Role.AspectRole) or 1.0)
            picture = _fit(inner.adjusted(4, 4, -4, -4), aspect)
            self._paint_placeholder(painter, option, index, tones, status, picture, inner)

        # Badges sit at the cell's corners, not the image's: the eye finds them in the same
        # place on every tile, and on wide images they stay off the picture.
        self._paint_flag(painter, inner, flag, tones)
        self._paint_rating(painter, inner, int(item_data(index, Role.RatingRole) or 0))
        derivation = item_data(index, Role.DerivationRole)
        if derivation is not None:
            paint_lineage(painter, inner, Derivation(derivation), option.font)
        if state & QStyle.StateFlag.State_MouseOver and status == SlotStatus.SUCCEEDED:
            hovered = self.hovered_action if index.row() == self.hovered_row else None
            shown = hovered if isinstance(hovered, TileAction) else None
            paint_tile_actions(painter, rect, flag, shown, tones)

        if state & QStyle.StateFlag.State_Selected:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(tones.accent, 3))
            painter.drawRoundedRect(rect.adjusted(1.5, 1.5, -1.5, -1.5), _RADIUS - 1, _RADIUS - 1)
        if focused:
            ring = QColor(tones.ink)
            ring.setAlphaF(0.7)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(ring, 1))
            painter.drawRoundedRect(rect.adjusted(4.5, 4.5, -4.5, -4.5), _RADIUS - 3, _RADIUS - 3)

    def _paint_placeholder(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
        tones: Tones,
        status: SlotStatus,
        shape: QRectF,
        inner: QRectF,
    ) -> None:
        colour = tones.status(status)
        waiting = status in (SlotStatus.QUEUED, SlotStatus.CANCELLED, SlotStatus.INTERRUPTED)
        outline = QColor(tones.outline if status != SlotStatus.FAILED else colour)
        pen = QPen(outline, 1.2)
        if waiting:
            pen.setStyle(Qt.PenStyle.CustomDashLine)
            pen.setDashPattern([3.0, 3.0])
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(shape.adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)

        error = item_data(index, Role.ErrorRole)
        chip_font = _scaled_font(option.font, 0.92)
        chip_font.setWeight(QFont.Weight.DemiBold)
        chip_metrics = QFontMetricsF(chip_font)
        note_font = _scaled_font(option.font, 0.85)
        note_metrics = QFontMetricsF(note_font)
        width = inner.width() - 8

        if status == SlotStatus.SUCCEEDED:
            if not error:
                return  # the image is on its way from disk: the outline alone says so
            text, reason = "Image missing", str(error)
        else:
            retry_at = item_data(index, Role.RetryAtRole)
            retry_in = None if retry_at is None else float(retry_at) - time.monotonic()
            elapsed = item_data(index, Role.ElapsedRole)
            text = state_label(status, None if elapsed is None else float(elapsed), retry_in)
            reason = str(error) if error else ""
            if chip_metrics.horizontalAdvance(text) + _CHIP_PAD > width:
                # A small tile keeps the state word in the chip and moves the clock below.
                word = state_label(status)
                clock = text.removeprefix(word).strip(" …")
                text, reason = word, " · ".join(part for part in (clock, reason) if part)

        notes = _two_lines(note_metrics, reason, width) if reason else []
        # Two lines of reason would crowd a small tile; one says enough there.
        if notes and inner.height() < 4 * (chip_metrics.height() + note_metrics.height()):
            notes = [note_metrics.elidedText(reason, Qt.TextElideMode.ElideRight, width)]
        text = chip_metrics.elidedText(text, Qt.TextElideMode.ElideRight, width - _CHIP_PAD)
        chip_height = chip_metrics.height() + 6
        chip_width = chip_metrics.horizontalAdvance(text) + _CHIP_PAD
        block = chip_height + len(notes) * note_metrics.height() + (4 if notes else 0)
        top = shape.center().y() - block / 2
        chip = QRectF(shape.center().x() - chip_width / 2, top, chip_width, chip_height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(tones.chip)
        painter.drawRoundedRect(chip, chip_height / 2, chip_height / 2)
        painter.setFont(chip_font)
        painter.setPen(colour)
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)

        painter.setFont(note_font)
        painter.setPen(tones.muted)
        y = chip.bottom() + 4
        for note in notes:
            line = QRectF(inner.left() + 4, y, width, note_metrics.height())
            painter.drawText(line, Qt.AlignmentFlag.AlignCenter, note)
            y += note_metrics.height()

    def _paint_flag(self, painter: QPainter, area: QRectF, flag: Flag, tones: Tones) -> None:
        if flag == Flag.NONE:
            return
        size = 20.0
        badge = QRectF(area.left() + BADGE_INSET, area.top() + BADGE_INSET, size, size)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(tones.pick if flag == Flag.PICK else tones.reject)
        painter.drawEllipse(badge)
        painter.setPen(mark_pen())
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(flag_mark(flag, badge.center()))

    def _paint_rating(self, painter: QPainter, area: QRectF, rating: int) -> None:
        if rating <= 0:
            return
        radius, step = 5.0, 12.0
        pill = QRectF(
            area.left() + BADGE_INSET, area.bottom() - 18 - BADGE_INSET, 10 + step * rating, 18
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 150))
        painter.drawRoundedRect(pill, 9, 9)
        painter.setBrush(QColor("white"))
        for star in range(rating):
            centre = QPointF(pill.left() + 11 + star * step, pill.center().y())
            painter.drawPath(_star(centre, radius))
