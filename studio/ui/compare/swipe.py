"""A compare pane that can also lay another pane's image over its right-hand part, split by a
vertical divider: A left of it, B right, both at the shared zoom and centre."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QWidget

from studio.models.image_loader import ImageLoader
from studio.ui.compare.marks import ACCENT
from studio.ui.compare.pane import ImagePane
from studio.ui.compare.pane_paint import paint_frame, paint_message
from studio.ui.compare.view_state import ViewState

# How close to the divider, in logical pixels, a press picks it up rather than panning.
GRAB = 8
_KNOB = 14
_TAG_GAP = 6


class ComparePane(ImagePane):
    """Side by side it is a plain ImagePane. Given an `overlay` pane, it paints its own image
    left of the divider and the overlay's right of it, borrowing the overlay's decoded levels
    so nothing is read twice."""

    split_changed = Signal(float)
    half_activated = Signal(int)  # 0: pressed left of the divider, 1: right of it

    def __init__(self, state: ViewState, loader: ImageLoader, parent: QWidget | None = None):
        super().__init__(state, loader, parent)
        self._overlay: ImagePane | None = None
        self._split = 0.5
        self._letters = ("A", "B")
        self._active_half = 1
        self._moving_split = False

    @property
    def swiping(self) -> bool:
        return self._overlay is not None

    @property
    def split(self) -> float:
        """Where the divider is, as a share of the pane's width."""
        return self._split

    @property
    def letters(self) -> tuple[str, str]:
        return self._letters

    def set_overlay(self, overlay: ImagePane | None) -> None:
        if overlay is self._overlay:
            return
        if self._overlay is not None:
            self._overlay.image_changed.disconnect(self.update)
        self._overlay = overlay
        if overlay is not None:
            overlay.image_changed.connect(self.update)
        # Hovering has to be seen to offer the resize cursor over the divider.
        self.setMouseTracking(overlay is not None)
        self._moving_split = False
        self._refresh_cursor()
        self.update()

    def set_split(self, share: float) -> None:
        share = min(max(share, 0.0), 1.0)
        if share != self._split:
            self._split = share
            self.update()
            self.split_changed.emit(share)

    def set_letters(self, left: str, right: str) -> None:
        self._letters = (left, right)
        self.update()

    def set_active_half(self, half: int) -> None:
        if half != self._active_half:
            self._active_half = half
            self.update()

    def divider_x(self) -> float:
        dpr = self.devicePixelRatioF()
        # Whole device pixels, so neither image bleeds a soft column into the other.
        return round(self.width() * self._split * dpr) / dpr

    def paintEvent(self, event: QPaintEvent) -> None:
        overlay = self._overlay
        if overlay is None:
            super().paintEvent(event)
            return
        painter = QPainter(self)
        painter.fillRect(self.rect(), self._background())
        x = self.divider_x()
        halves = (QRectF(0, 0, x, self.height()), QRectF(x, 0, self.width() - x, self.height()))
        for half, pane in zip(halves, (self, overlay), strict=True):
            if pane._levels:
                self._paint_levels(painter, pane._levels, pane._pixmaps, half)
            elif half.width() > 64:
                paint_message(painter, half, self.palette(), pane._message, pane._detail)
        self._paint_divider(painter, x)
        self._paint_tags(painter, x)
        if self.active:
            paint_frame(painter, halves[self._active_half], self.hasFocus())
        painter.end()

    def _paint_divider(self, painter: QPainter, x: float) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # A dark hairline either side keeps the light line visible over pale images too.
        painter.fillRect(QRectF(x - 2, 0, 4, self.height()), QColor(0, 0, 0, 90))
        painter.fillRect(QRectF(x - 1, 0, 2, self.height()), QColor(245, 245, 245))
        middle = QPointF(x, self.height() / 2)
        painter.setPen(QPen(QColor(245, 245, 245), 1.5))
        painter.setBrush(QColor(20, 20, 20, 200))
        painter.drawEllipse(middle, _KNOB, _KNOB)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(245, 245, 245))
        for direction in (-1, 1):
            tip = middle.x() + direction * 9
            base = middle.x() + direction * 3
            painter.drawPolygon(
                QPolygonF(
                    [
                        QPointF(tip, middle.y()),
                        QPointF(base, middle.y() - 4.5),
                        QPointF(base, middle.y() + 4.5),
                    ]
                )
            )

    def _paint_tags(self, painter: QPainter, x: float) -> None:
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        metrics = painter.fontMetrics()
        size = max(metrics.height() + 6, metrics.horizontalAdvance("W") + 12)
        for half, letter in enumerate(self._letters):
            box = QRectF(0, 12, size, size)
            if half == 0:
                box.moveRight(max(x - _TAG_GAP, size + 8))
            else:
                box.moveLeft(min(x + _TAG_GAP, self.width() - size - 8))
            active = self.active and half == self._active_half
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(ACCENT) if active else QColor(0, 0, 0, 160))
            painter.drawRoundedRect(box, 5, 5)
            painter.setPen(QColor(30, 30, 30) if active else QColor(240, 240, 240))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, letter)

    def _near_divider(self, x: float) -> bool:
        return self._overlay is not None and abs(x - self.divider_x()) <= GRAB

    def _refresh_cursor(self) -> None:
        if self._moving_split:
            self.setCursor(Qt.CursorShape.SplitHCursor)
        else:
            super()._refresh_cursor()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self._overlay is not None and event.button() == Qt.MouseButton.LeftButton:
            x = event.position().x()
            if self._near_divider(x):
                self._moving_split = True
                self._refresh_cursor()
                return
            self.half_activated.emit(0 if x < self.divider_x() else 1)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        x = event.position().x()
        if self._moving_split:
            self.set_split(x / max(self.width(), 1))
            return
        if self._overlay is not None and event.buttons() == Qt.MouseButton.NoButton:
            if self._near_divider(x):
                self.setCursor(Qt.CursorShape.SplitHCursor)
            else:
                self._refresh_cursor()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._moving_split and event.button() == Qt.MouseButton.LeftButton:
            self._moving_split = False
            self._refresh_cursor()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self._near_divider(event.position().x()):
            self.set_split(0.5)
            return
        super().mouseDoubleClickEvent(event)
