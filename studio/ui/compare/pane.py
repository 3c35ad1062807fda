"""One zoomable image, drawn from a shared ViewState so that several panes move together."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, QSizeF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QCursor,
    QFocusEvent,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QWidget

from studio.models.image_loader import ImageLoader
from studio.ui.compare.pane_paint import paint_badge, paint_frame, paint_message
from studio.ui.compare.view_state import MAX_ZOOM, ViewState, zoom_text

# One notch of a mouse wheel; trackpads send fractions of it.
_WHEEL_STEP = 1.25
# Past this magnification interpolation only blurs what the user is trying to inspect.
_NEAREST_FROM = 4.0

DELIBERATE_FOCUS = frozenset(
    {
        Qt.FocusReason.TabFocusReason,
        Qt.FocusReason.BacktabFocusReason,
        Qt.FocusReason.MouseFocusReason,
    }
)


class ImagePane(QWidget):
    """Paints one image at the zoom and centre of `state`; wheel, drag and double-click change
    that state, and so every other pane sharing it."""

    activated = Signal()
    # What the pane shows changed (a new path, a decode arriving, an exchange), for anything
    # that paints this pane's image elsewhere.
    image_changed = Signal()

    def __init__(
        self,
        state: ViewState,
        loader: ImageLoader,
        parent: QWidget | None = None,
        *,
        margin: int = 12,
        zoom_badge: bool = False,
    ) -> None:
        super().__init__(parent)
        self._state = state
        self._loader = loader
        self._margin = margin
        self._zoom_badge = zoom_badge
        self._path: Path | None = None
        self._levels: tuple[QImage, ...] = ()
        self._pixmaps: dict[int, QPixmap] = {}
        self._message = ""
        self._detail = ""
        self._active = False
        self._drag_from: QPointF | None = None
        self._drag_centre = QPointF()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumSize(160, 120)
        state.changed.connect(self._state_changed)
        loader.loaded.connect(self._loaded)
        loader.failed.connect(self._failed)

    @property
    def state(self) -> ViewState:
        return self._state

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def has_image(self) -> bool:
        return bool(self._levels)

    @property
    def message(self) -> str:
        return self._message

    @property
    def image_size(self) -> QSize:
        return self._levels[0].size() if self._levels else QSize()

    @property
    def active(self) -> bool:
        return self._active

    def show_image(self, path: Path | None, message: str = "") -> None:
        """Show the image at `path`, or `message` in its place when there is none."""
        self._levels = ()
        self._pixmaps = {}
        self._path = path
        self._detail = ""
        if path is None:
            self._message = message
            self._loader.cancel(self._channel)
        else:
            self._message = "Loading…"
            self._loader.request(path, self._channel)
        self._refresh_cursor()
        self.update()
        self.image_changed.emit()

    def exchange(self, other: ImagePane) -> None:
        """Swap what two panes show without decoding anything again."""
        mine = (self._path, self._levels, self._pixmaps, self._message, self._detail)
        theirs = (other._path, other._levels, other._pixmaps, other._message, other._detail)
        self._path, self._levels, self._pixmaps, self._message, self._detail = theirs
        other._path, other._levels, other._pixmaps, other._message, other._detail = mine
        # Each pane keeps asking the loader for what it now shows, or a pending decode would
        # be announced to the wrong side.
        for pane in (self, other):
            if pane._path is not None and not pane._levels:
                pane._loader.request(pane._path, pane._channel)
            pane._refresh_cursor()
            pane.update()
            pane.image_changed.emit()

    def set_active(self, active: bool) -> None:
        if active != self._active:
            self._active = active
            self.update()

    def fit_zoom(self) -> float:
        """Image pixels per device pixel when the image fits the pane; 1.0 without an image."""
        if not self._levels:
            return 1.0
        area = self._fit_area()
        size = self._levels[0].size()
        scale = min(area.width() / size.width(), area.height() / size.height())
        return max(scale, 1e-3) * self.devicePixelRatioF()

    def current_zoom(self) -> float:
        zoom = self._state.zoom
        return self.fit_zoom() if zoom is None else zoom

    def zoom_text(self) -> str:
        return zoom_text(self._state.zoom)

    def toggle_zoom(self, at: QPointF | None = None) -> None:
        """Fit ↔ 100 %, keeping the image point under `at` (or the middle) where it is."""
        if self._state.fit and self._levels:
            self.zoom_to(1.0, at)
        else:
            self._state.set_fit()

    def zoom_to(self, zoom: float, at: QPointF | None = None) -> None:
        if not self._levels:
            return
        anchor = QRectF(self.rect()).center() if at is None else at
        point = self._to_image(anchor)
        size = self._levels[0].size()
        scale = zoom / self.devicePixelRatioF()
        middle = QRectF(self.rect()).center()
        centre = QPointF(
            (point.x() - (anchor.x() - middle.x()) / scale) / size.width(),
            (point.y() - (anchor.y() - middle.y()) / scale) / size.height(),
        )
        self._state.set_zoom(zoom, self._clamped(zoom, centre))

    def cursor_position(self) -> QPointF | None:
        """Where the mouse is over this pane, for keys that zoom "here"."""
        if not self.underMouse():
            return None
        return QPointF(self.mapFromGlobal(QCursor.pos()))

    @property
    def _channel(self) -> int:
        return id(self)

    def _loaded(self, path: Path, image: QImage) -> None:
        if path != self._path or self._levels:
            return
        self._levels = self._loader.levels(path) or (image,)
        self._pixmaps = {}
        self._message = ""
        self._refresh_cursor()
        self.update()
        self.image_changed.emit()

    def _failed(self, path: Path, reason: str) -> None:
        if path != self._path or self._levels:
            return
        self._message = "Couldn't open this image"
        self._detail = reason
        self.update()
        self.image_changed.emit()

    def _state_changed(self) -> None:
        self._refresh_cursor()
        self.update()

    def _refresh_cursor(self) -> None:
        if self._drag_from is not None:
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        elif self._levels and not self._state.fit:
            self.setCursor(Qt.CursorShape.OpenHandCursor)
        else:
            self.unsetCursor()

    def _fit_area(self) -> QRectF:
        m = self._margin
        return QRectF(self.rect()).adjusted(m, m, -m, -m)

    def _placement(self, size: QSize | None = None) -> tuple[float, QPointF]:
        """Logical pixels per image pixel, and where the top-left corner of this pane's image,
        or of another image of `size` drawn over it, lands."""
        size = self._levels[0].size() if size is None else size
        dpr = self.devicePixelRatioF()
        if self._state.zoom is None:
            # Each image fits on its own, as it would in a pane of its own.
            area = self._fit_area()
            scale = max(min(area.width() / size.width(), area.height() / size.height()), 1e-3)
        else:
            scale = self._state.zoom / dpr
        centre = self._state.centre if self._state.zoom is not None else QPointF(0.5, 0.5)
        middle = self._fit_area().center() if self._state.fit else QRectF(self.rect()).center()
        left = middle.x() - centre.x() * size.width() * scale
        top = middle.y() - centre.y() * size.height() * scale
        # Whole device pixels, or 100 % would be resampled by half a pixel and look soft.
        return scale, QPointF(round(left * dpr) / dpr, round(top * dpr) / dpr)

    def _to_image(self, pos: QPointF) -> QPointF:
        scale, corner = self._placement()
        return QPointF((pos.x() - corner.x()) / scale, (pos.y() - corner.y()) / scale)

    def _clamped(self, zoom: float, centre: QPointF) -> QPointF:
        """Keep the image covering the pane on each axis where it is larger than the pane."""
        size = self._levels[0].size()
        scale = zoom / self.devicePixelRatioF()

        def axis(value: float, view: float, image: float) -> float:
            half = view / 2 / (image * scale)
            return 0.5 if half >= 0.5 else min(max(value, half), 1 - half)

        return QPointF(
            axis(centre.x(), self.width(), size.width()),
            axis(centre.y(), self.height(), size.height()),
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self._background())
        if self._levels:
            self._paint_levels(painter, self._levels, self._pixmaps, QRectF(self.rect()))
        else:
            paint_message(painter, QRectF(self.rect()), self.palette(), self._message, self._detail)
        if self._zoom_badge and not self._state.fit and self._levels:
            paint_badge(painter, self.width(), self.zoom_text())
        if self._active:
            paint_frame(painter, QRectF(self.rect()), self.hasFocus())
        painter.end()

    def _background(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Window).darker(125)

    def _paint_levels(
        self,
        painter: QPainter,
        levels: tuple[QImage, ...],
        pixmaps: dict[int, QPixmap],
        within: QRectF,
    ) -> None:
        """Draws `levels` (this pane's or another's, with its pixmap cache) inside `within`, at
        the shared zoom and centre."""
        full = levels[0].size()
        scale, corner = self._placement(full)
        shown = QRectF(corner, QSizeF(full.width() * scale, full.height() * scale))
        visible = shown.intersected(within)
        if visible.isEmpty():
            return
        device_scale = scale * self.devicePixelRatioF()
        index = _level_for(levels, full.width() * device_scale)
        level = levels[index]
        pixmap = pixmaps.get(index)
        if pixmap is None:
            pixmap = QPixmap.fromImage(level)
            pixmaps[index] = pixmap
        kx = level.width() / full.width() / scale
        ky = level.height() / full.height() / scale
        source = QRectF(
            (visible.x() - corner.x()) * kx,
            (visible.y() - corner.y()) * ky,
            visible.width() * kx,
            visible.height() * ky,
        )
        exact = abs(device_scale - 1.0) < 1e-6 and index == 0
        painter.setRenderHint(
            QPainter.RenderHint.SmoothPixmapTransform,
            not exact and device_scale < _NEAREST_FROM,
        )
        painter.drawPixmap(visible, pixmap, source)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self.activated.emit()
        if self._levels and not self._state.fit:
            self._drag_from = event.position()
            self._drag_centre = self._state.centre
            self._refresh_cursor()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        zoom = self._state.zoom
        if self._drag_from is None or zoom is None or not self._levels:
            return
        scale = zoom / self.devicePixelRatioF()
        size = self._levels[0].size()
        delta = event.position() - self._drag_from
        centre = QPointF(
            self._drag_centre.x() - delta.x() / (size.width() * scale),
            self._drag_centre.y() - delta.y() / (size.height() * scale),
        )
        self._state.pan_to(self._clamped(zoom, centre))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._drag_from is not None:
            self._drag_from = None
            self._refresh_cursor()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.toggle_zoom(event.position())

    def wheelEvent(self, event: QWheelEvent) -> None:
        if not self._levels:
            event.ignore()
            return
        notches = event.angleDelta().y() / 120
        if notches == 0:
            event.ignore()
            return
        current = self.current_zoom()
        wanted = current * _WHEEL_STEP**notches
        # Land exactly on 100 % when a notch would jump over it: it is the level people seek.
        if min(current, wanted) < 1.0 < max(current, wanted):
            wanted = 1.0
        fit = self.fit_zoom()
        event.accept()
        if notches < 0 and current > fit * 1.001 >= wanted:
            self._state.set_fit()
        elif wanted >= min(fit, 1.0):
            # Smaller than both "fit" and 100 % shows nothing new, so the wheel stops there.
            self.zoom_to(min(wanted, MAX_ZOOM), event.position())

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        # Only a deliberate move (Tab, click) picks the pane keys act on; a window merely
        # regaining focus must not silently retarget P and X.
        if event.reason() in DELIBERATE_FOCUS:
            self.activated.emit()
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(480, 400)


def _level_for(levels: tuple[QImage, ...], width: float) -> int:
    """The smallest level still at least as wide as it will be drawn, so the painter only ever
    shrinks by less than 2:1."""
    chosen = 0
    for index, level in enumerate(levels):
        if level.width() + 0.5 >= width:
            chosen = index
    return chosen
