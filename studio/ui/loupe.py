"""One draft filling the centre area, with the compare view's zoom and pan."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from studio.core.library.records import DraftRecord
from studio.models.draft_labels import model_label
from studio.models.image_loader import ImageLoader
from studio.ui.compare import ImagePane, ViewState
from studio.ui.compare.marks import flag_text, stars_description, status_text
from studio.ui.shortcuts import claim_own_key

_OWN_KEYS = {
    Qt.Key.Key_Space,
    Qt.Key.Key_Escape,
    Qt.Key.Key_Left,
    Qt.Key.Key_Right,
    Qt.Key.Key_Z,
    Qt.Key.Key_F,
}


class Loupe(QWidget):
    """Space or Esc closes it; ← → ask for the previous or next draft through `step`, and the
    zoom and pan stay put so the same detail can be checked across drafts."""

    closed = Signal()
    step = Signal(int)

    def __init__(self, loader: ImageLoader | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Loupe")
        self._loader = loader if loader is not None else ImageLoader(self)
        self._state = ViewState(self)
        self._draft: DraftRecord | None = None
        self.pane = ImagePane(self._state, self._loader, self, margin=0, zoom_badge=True)
        self.pane.setAccessibleName("Image")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pane)
        self.setFocusProxy(self.pane)

    @property
    def view_state(self) -> ViewState:
        return self._state

    @property
    def loader(self) -> ImageLoader:
        return self._loader

    @property
    def draft(self) -> DraftRecord | None:
        return self._draft

    def show_draft(self, draft: DraftRecord | None) -> None:
        self._draft = draft
        if draft is None:
            self.pane.show_image(None)
            self.pane.setAccessibleDescription("")
            return
        self.pane.show_image(draft.path, status_text(draft) or "No image")
        self.pane.setAccessibleDescription(
            f"{flag_text(draft.flag)}, {stars_description(draft.rating)}, "
            f"{model_label(draft.model)}, seed {draft.seed}"
        )

    def event(self, event: QEvent) -> bool:
        return claim_own_key(event, self._is_own_key) or super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._is_own_key(event):
            super().keyPressEvent(event)
            return
        key = event.key()
        if key in (Qt.Key.Key_Space, Qt.Key.Key_Escape):
            # A held Space would close the loupe and let the grid reopen it on the next repeat.
            if not event.isAutoRepeat():
                self.closed.emit()
        elif key == Qt.Key.Key_Left:
            self.step.emit(-1)
        elif key == Qt.Key.Key_Right:
            self.step.emit(1)
        elif key == Qt.Key.Key_Z:
            self.pane.toggle_zoom(self.pane.cursor_position())
        elif key == Qt.Key.Key_F:
            self._state.set_fit()
        event.accept()

    @staticmethod
    def _is_own_key(event: QKeyEvent) -> bool:
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        return modifiers == Qt.KeyboardModifier.NoModifier and event.key() in _OWN_KEYS
