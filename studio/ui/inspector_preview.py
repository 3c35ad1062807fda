"""The inspector's picture: the selected draft at the panel's width and its true aspect ratio."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter, QPainterPath, QPaintEvent, QPalette, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from studio.core.library.records import DraftRecord
from studio.models.image_loader import ImageLoader
from studio.ui.compare.marks import status_word

# Very tall drafts (1:4, 1:8) would push every detail below the fold.
_MAX_PREVIEW_RATIO = 1.25


def _aspect_of(draft: DraftRecord) -> float:
    if draft.width and draft.height:
        return draft.width / draft.height
    width, _, height = draft.aspect.partition(":")
    try:
        return float(width) / float(height)
    except ValueError:
        return 1.0


class Preview(QWidget):
    """The draft at the panel's width and its true aspect ratio, drawn from a pre-shrunk level
    of the decoded image; a placeholder of the same shape stands in until it arrives."""

    def __init__(self, loader: ImageLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loader = loader
        self._path: Path | None = None
        self._levels: tuple[QImage, ...] = ()
        self._pixmap: tuple[int, QPixmap] | None = None
        self._aspect = 1.0
        self._message = ""
        self.setAccessibleName("Preview")
        sizing = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        sizing.setHeightForWidth(True)
        self.setSizePolicy(sizing)
        loader.loaded.connect(self._loaded)
        loader.failed.connect(self._failed)

    @property
    def has_image(self) -> bool:
        return bool(self._levels)

    @property
    def message(self) -> str:
        return self._message

    def show_draft(self, draft: DraftRecord | None) -> None:
        if draft is not None and draft.path is not None and draft.path == self._path:
            # A flag or rating changed: the picture did not, so neither flicker nor reload.
            return
        self._levels = ()
        self._pixmap = None
        self._path = None if draft is None else draft.path
        self._aspect = 1.0 if draft is None else _aspect_of(draft)
        if self._path is not None:
            self._message = "Loading…"
            self._loader.request(self._path, id(self))
        else:
            self._loader.cancel(id(self))
            self._message = "" if draft is None else (status_word(draft.status) or "No image")
        self.updateGeometry()
        self.update()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return round(width / max(self._aspect, 1 / _MAX_PREVIEW_RATIO))

    def sizeHint(self) -> QSize:
        return QSize(300, self.heightForWidth(300))

    def _loaded(self, path: Path, image: QImage) -> None:
        if path != self._path or self._levels:
            return
        self._levels = self._loader.levels(path) or (image,)
        self._aspect = image.width() / max(image.height(), 1)
        self._message = ""
        self.updateGeometry()
        self.update()

    def _failed(self, path: Path, reason: str) -> None:
        if path == self._path and not self._levels:
            self._message = f"Couldn't open this image: {reason}"
            self.update()

    def _frame(self) -> QRectF:
        """Where the image goes: its aspect ratio, as large as the widget allows, centred."""
        area = QRectF(self.rect())
        width = min(area.width(), area.height() * self._aspect)
        height = width / self._aspect
        box = QRectF(0, 0, width, height)
        box.moveCenter(area.center())
        return box

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        frame = self._frame()
        rounded = QPainterPath()
        rounded.addRoundedRect(frame, 6, 6)
        painter.setClipPath(rounded)
        palette = self.palette()
        if self._levels:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            pixmap = self._pixmap_for(frame.width() * self.devicePixelRatioF())
            painter.drawPixmap(frame, pixmap, QRectF(pixmap.rect()))
        else:
            painter.fillRect(frame, palette.color(QPalette.ColorRole.Window).darker(125))
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                frame.adjusted(12, 12, -12, -12),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self._message,
            )
        painter.end()

    def _pixmap_for(self, width: float) -> QPixmap:
        index = 0
        for candidate, level in enumerate(self._levels):
            if level.width() + 0.5 >= width:
                index = candidate
        if self._pixmap is None or self._pixmap[0] != index:
            self._pixmap = (index, QPixmap.fromImage(self._levels[index]))
        return self._pixmap[1]
