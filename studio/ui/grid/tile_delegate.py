"""Paints the grid's rows: slim batch headers across the width, and draft tiles shaped as
their pictures (the model's SizeHintRole, from the justified layout in grid_geometry)."""

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
from studio.models.grid_geometry import GridFrame
from studio.ui.grid.batch_header import paint_header
from studio.ui.grid.group_header import group_height, paint_group
from studio.ui.grid.lineage_badge import paint_lineage
from studio.ui.grid.tile_actions import (
    BADGE_INSET,
    CELL_PAD,
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
_PICTURE_RADIUS = 4.0
_HEADER_GAP = 18  # above a header, so that batches read as groups
_CHIP_PAD = 14
# A picture this close to its cell's shape fills the cell, a sliver cropped, rather than
# leave a hairline band; only a picture of another shape altogether is letterboxed.
_COVER = 0.03


def _fit(area: QRectF, aspect: float) -> QRectF:
    """The largest rectangle of this width/height ratio centred in `area`."""
    aspect = aspect if aspect > 0 else 1.0
    width, height = area.width(), area.width() / aspect
    if height > area.height():
        width, height = area.height() * aspect, area.height()
    return QRectF(area.center().x() - width / 2, area.center().y() - height / 2, width, height)


def _source(pixmap: QPixmap, area: QRectF) -> QRectF:
    """The part of the picture to draw into `area`: all of it, or a centred crop when the
    two shapes differ by a rounding error."""
    full = QRectF(pixmap.rect())
    if full.isEmpty() or area.isEmpty():
        return full
    stretch = (full.width() / full.height()) / (area.width() / area.height())
    if abs(stretch - 1) > _COVER:
        return full
    if stretch > 1:  # the picture is a little wider: trim its sides
        trim = full.width() * (1 - 1 / stretch) / 2
        return full.adjusted(trim, 0, -trim, 0)
    trim = full.height() * (1 - stretch) / 2
    return full.adjusted(0, trim, 0, -trim)


def _round_corners(painter: QPainter, picture: QRectF, fill: QColor) -> None:
    """Rounds the picture's corners as the cell's are, by painting the cell's colour over
    them: antialiased, where a clip path would leave stairs."""
    square, rounded = QPainterPath(), QPainterPath()
    square.addRect(picture)
    rounded.addRoundedRect(picture, _PICTURE_RADIUS, _PICTURE_RADIUS)
    painter.fillPath(square.subtracted(rounded), fill)


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
    """Tiles take the size the model's layout gives them, which fills each line exactly;
    headers and sub-headers take the whole width, which makes QListView's flow wrap around
    them."""

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

    def frame(self) -> GridFrame:
        """What the cells are laid out in. A line runs between one spacing from either edge,
        less a pixel: QListView wraps an item that would end exactly on the edge."""
        spacing = self._view.spacing()
        room = max(1, self._row_width() - 2 * spacing - 1)
        return GridFrame(room, self._tile_size, spacing, round(CELL_PAD))

    def _header_height(self, option: QStyleOptionViewItem, row: int) -> int:
        text = math.ceil(QFontMetricsF(option.font).height())
        return text + 8 + (0 if row == 0 else _HEADER_GAP)

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        kind = item_data(index, Role.KindRole)
        if kind == RowKind.HEADER:
            return QSize(self.frame().room, self._header_height(option, index.row()))
        if kind == RowKind.GROUP:
            return QSize(self.frame().room, group_height(option.font))
        size = item_data(index, Qt.ItemDataRole.SizeHintRole)
        return size if isinstance(size, QSize) else QSize(self._tile_size, self._tile_size)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        tones = self._tones_for(option.palette)
        kind = item_data(index, Role.KindRole)
        if kind == RowKind.HEADER:
            hovered = self.hovered_action if index.row() == self.hovered_row else None
            pill = hovered if isinstance(hovered, BatchAction) else None
            paint_header(painter, index, QRectF(option.rect), option.font, tones, pill)
        elif kind == RowKind.GROUP:
            paint_group(painter, index, QRectF(option.rect), option.font, tones)
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
            source = _source(pixmap, inner)
            picture = _fit(inner, source.width() / source.height())
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            # Rejects stay visible, so that a wrong X is easy to spot and undo.
            painter.setOpacity(0.32 if flag == Flag.REJECT else 1.0)
            painter.drawPixmap(picture, pixmap, source)
            painter.setOpacity(1.0)
            _round_corners(painter, picture, fill)
        else:
            # The cell has the picture's shape already: the outline follows the cell.
            picture = inner.adjusted(4, 4, -4, -4)
            self._paint_placeholder(painter, option, index, tones, status, picture, inner)

        # Badges sit at the cell's corners, not the image's: the eye finds them in the same
        # place on every tile, and on wide images they stay off the picture.
        self._paint_flag(painter, inner, flag, tones)
        rating = int(item_data(index, Role.RatingRole) or 0)
        self._paint_rating(painter, inner, rating, option.font)
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
        waiting = status in (
            SlotStatus.QUEUED,
            SlotStatus.SUBMITTED,
            SlotStatus.CANCELLED,
            SlotStatus.INTERRUPTED,
        )
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

    def _paint_rating(self, painter: QPainter, area: QRectF, rating: int, font: QFont) -> None:
        if rating <= 0:
            return
        radius, step = 5.0, 12.0
        # A narrow cell (a portrait banner) gets one star and the number instead of a row.
        compact = 10 + step * rating > area.width() - 2 * BADGE_INSET
        number = _scaled_font(font, 0.85)
        number.setWeight(QFont.Weight.DemiBold)
        width = 14 + step + QFontMetricsF(number).horizontalAdvance("5") if compact else 0.0
        pill = QRectF(
            area.left() + BADGE_INSET,
            area.bottom() - 18 - BADGE_INSET,
            width or 10 + step * rating,
            18,
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 150))
        painter.drawRoundedRect(pill, 9, 9)
        painter.setBrush(QColor("white"))
        for star in range(1 if compact else rating):
            centre = QPointF(pill.left() + 11 + star * step, pill.center().y())
            painter.drawPath(_star(centre, radius))
        if compact:
            painter.setFont(number)
            painter.setPen(QColor("white"))
            text = pill.adjusted(11 + step - 4, 0, 0, 0)
            painter.drawText(text, Qt.AlignmentFlag.AlignCenter, str(rating))
