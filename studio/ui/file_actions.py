"""What the desktop can do with a draft's file: the clipboard, the default editor, the file
manager. Each returns the sentence to show when the draft has no image to act on."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QImage

from studio.core.library import DraftRecord


def copy_image(draft: DraftRecord | None) -> str | None:
    image = QImage(str(draft.path)) if draft is not None and draft.path else QImage()
    if image.isNull():
        return "Select a draft with an image to copy it (Ctrl+C)."
    QGuiApplication.clipboard().setImage(image)
    return None


def open_in_editor(draft: DraftRecord | None) -> str | None:
    if draft is None or draft.path is None:
        return "Select a draft with an image to open it."
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(draft.path)))
    return None


def reveal(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))
