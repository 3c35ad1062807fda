"""The zoom and pan that every pane of one view paints from."""

from __future__ import annotations

from PySide6.QtCore import QObject, QPointF, Signal

MAX_ZOOM = 16.0

_CENTRE = QPointF(0.5, 0.5)


def zoom_text(zoom: float | None) -> str:
    return "Fit" if zoom is None else f"{round(zoom * 100)} %"


class ViewState(QObject):
    """`zoom` is image pixels per device pixel (1.0 is 100 %), or None to fit each image to its
    pane. `centre` is the image point shown in the middle of a pane, in 0–1 image coordinates,
    so panes showing images of different sizes still look at the same spot."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._zoom: float | None = None
        self._centre = QPointF(_CENTRE)

    @property
    def zoom(self) -> float | None:
        return self._zoom

    @property
    def centre(self) -> QPointF:
        return QPointF(self._centre)

    @property
    def fit(self) -> bool:
        return self._zoom is None

    def text(self) -> str:
        return zoom_text(self._zoom)

    def set_fit(self) -> None:
        self._update(None, _CENTRE)

    def set_zoom(self, zoom: float, centre: QPointF | None = None) -> None:
        zoom = min(max(zoom, 0.01), MAX_ZOOM)
        self._update(zoom, self._centre if centre is None else centre)

    def pan_to(self, centre: QPointF) -> None:
        if self._zoom is not None:
            self._update(self._zoom, centre)

    def _update(self, zoom: float | None, centre: QPointF) -> None:
        centre = QPointF(min(max(centre.x(), 0.0), 1.0), min(max(centre.y(), 0.0), 1.0))
        if zoom == self._zoom and centre == self._centre:
            return
        self._zoom = zoom
        self._centre = centre
        self.changed.emit()
