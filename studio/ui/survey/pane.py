"""One draft of the survey: its image at its true aspect ratio, its flag and stars under it,
an accent outline while it is the active one, and a × that takes it out of the survey."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QEnterEvent,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import QToolButton, QWidget

from studio.core.domain import Flag
from studio.core.library.records import DraftRecord
from studio.ui import theme

CAPTION_HEIGHT = 24
_OUTLINE = 3  # px of accent around the active image, drawn outside it so nothing is covered
_FLAG = {
    Flag.PICK: ("✓ Pick", theme.PICK_GREEN),
    Flag.REJECT: ("✕ Reject", theme.ERROR_RED),
    Flag.NONE: ("Unflagged", None),
}


def caption_text(draft: DraftRecord) -> str:
    """Flag and stars in words and glyphs: colour only reinforces them."""
    rating = min(max(draft.rating, 0), 5)
    return f"{_FLAG[draft.flag][0]}   {'★' * rating}{'☆' * (5 - rating)}"


def aspect_of(draft: DraftRecord) -> float:
    """Width over height, from the draft's pixels when known, else from its requested ratio."""
    if draft.width and draft.height:
        return draft.width / draft.height
    w, _, h = draft.aspect.partition(":")
    try:
        return float(w) / float(h)
    except (ValueError, ZeroDivisionError):
        return 1.0


class SurveyPane(QWidget):
    clicked = Signal()
    remove_requested = Signal()

    def __init__(self, draft: DraftRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the survey takes the keys for all panes
        self.setAttribute(Qt.WidgetAttribute.WA_Hover)
        self._draft = draft
        self._levels: tuple[QImage, ...] = ()
        self._pixmap: QPixmap | None = None
        self._active = False
        self.remove_button = QToolButton(self)
        self.remove_button.setText("×")
        self.remove_button.setAutoRaise(True)
        self.remove_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.remove_button.setAccessibleName("Remove from survey")
        self.remove_button.setToolTip("Remove from survey (Delete); the draft stays in the library")
        # A dark disc keeps the × readable over the brightest image.
        self.remove_button.setStyleSheet(
            "QToolButton { background: rgba(0, 0, 0, 150); color: white; border: none;"
            " border-radius: 13px; font-size: 16px; }"
            "QToolButton:hover { background: rgba(0, 0, 0, 210); }"
        )
        self.remove_button.clicked.connect(self.remove_requested)
        self.remove_button.hide()
        self._describe()

    @property
    def draft(self) -> DraftRecord:
        return self._draft

    @property
    def active(self) -> bool:
        return self._active

    @property
    def has_image(self) -> bool:
        return bool(self._levels)

    def aspect(self) -> float:
        """The decoded image's, once there: a record's ratio can be the one asked for."""
        if self._levels and self._levels[0].height():
            return self._levels[0].width() / self._levels[0].height()
        return aspect_of(self._draft)

    def image_rect(self) -> QRect:
        """Where the image is drawn, in this pane's coordinates: everything above the caption."""
        return QRect(0, 0, self.width(), max(0, self.height() - CAPTION_HEIGHT))

    def caption(self) -> str:
        return caption_text(self._draft)

    def set_draft(self, draft: DraftRecord) -> None:
        self._draft = draft
        self._describe()
        self.update()

    def set_active(self, active: bool) -> None:
        if active != self._active:
            self._active = active
            self._show_remove()
            self.update()

    def set_levels(self, levels: tuple[QImage, ...]) -> None:
        self._levels = levels
        self._pixmap = None
        self.update()

    def _describe(self) -> None:
        draft = self._draft
        self.setAccessibleName(f"Draft {draft.id}")
        self.setAccessibleDescription(self.caption())

    # -- painting ------------------------------------------------------------------------------

    def _pixmap_for(self, size: QSize) -> QPixmap | None:
        """The image at exactly the drawn size in device pixels, made from the smallest decoded
        level that is still big enough, so the GUI thread only ever scales down by < 2×."""
        if not self._levels or size.isEmpty():
            return None
        ratio = self.devicePixelRatioF()
        target = QSize(round(size.width() * ratio), round(size.height() * ratio))
        if self._pixmap is not None and self._pixmap.size() == target:
            return self._pixmap
        level = self._levels[0]
        for candidate in self._levels:
            if candidate.width() >= target.width() and candidate.height() >= target.height():
                level = candidate
        scaled = level.scaled(
            target, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        self._pixmap = QPixmap.fromImage(scaled)
        self._pixmap.setDevicePixelRatio(ratio)
        return self._pixmap

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        image = self.image_rect()
        pixmap = self._pixmap_for(image.size())
        if pixmap is not None:
            painter.drawPixmap(image.topLeft(), pixmap)
        else:
            painter.fillRect(image, palette.color(QPalette.ColorRole.Window).lighter(115))
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(image, Qt.AlignmentFlag.AlignCenter, "Loading…")
        if self._active:
            pen = QPen(theme.ACCENT, _OUTLINE)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            inset = _OUTLINE / 2
            painter.drawRect(QRectF(image).adjusted(inset, inset, -inset, -inset))
        self._paint_caption(painter, palette)
        painter.end()

    def _paint_caption(self, painter: QPainter, palette: QPalette) -> None:
        line = QRect(0, self.height() - CAPTION_HEIGHT, self.width(), CAPTION_HEIGHT)
        text, colour = _FLAG[self._draft.flag]
        rating = min(max(self._draft.rating, 0), 5)
        normal = palette.color(QPalette.ColorRole.WindowText)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        metrics = painter.fontMetrics()
        parts: list[tuple[str, QColor]] = [
            (text, colour if colour is not None else muted),
            ("   ", normal),
            ("★" * rating, theme.ACCENT if self._active else normal),
            ("☆" * (5 - rating), muted),
        ]
        width = sum(metrics.horizontalAdvance(part) for part, _ in parts)
        x = line.x() + max(0, (line.width() - width) // 2)
        for part, tint in parts:
            painter.setPen(tint)
            advance = metrics.horizontalAdvance(part)
            painter.drawText(
                QRect(x, line.y(), advance + 1, line.height()), Qt.AlignmentFlag.AlignVCenter, part
            )
            x += advance

    # -- the × and the mouse -------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        side = 26
        self.remove_button.setGeometry(self.width() - side - 6, 6, side, side)
        super().resizeEvent(event)

    def enterEvent(self, event: QEnterEvent) -> None:
        super().enterEvent(event)
        self._show_remove()

    def leaveEvent(self, event: QEvent) -> None:
        super().leaveEvent(event)
        self._show_remove()

    def _show_remove(self) -> None:
        # On the active pane and under the mouse only: elsewhere it would compete with images.
        self.remove_button.setVisible(self._active or self.underMouse())

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
            event.accept()
            return
        super().mousePressEvent(event)
