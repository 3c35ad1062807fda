"""The survey (N): the selection tiled as large as the centre area allows, each image at its
true aspect ratio, for picking the keepers among a few close candidates (Lightroom's N)."""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path

from PySide6.QtCore import QEvent, QRect, Qt, Signal
from PySide6.QtGui import QImage, QKeyEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

from studio.core.domain import Flag
from studio.core.library.records import DraftRecord
from studio.models.image_loader import ImageLoader
from studio.ui.shortcuts import claim_own_key
from studio.ui.survey.layout import survey_layout
from studio.ui.survey.pane import CAPTION_HEIGHT, SurveyPane

MIN_DRAFTS, MAX_DRAFTS = 2, 12
KEYS = [
    ("Arrows", "Move the active image"),
    ("P / X / U", "Pick, reject or unflag the active image"),
    ("0–5", "Rate the active image"),
    ("Delete", "Take the active image out of the survey"),
    ("Enter / click", "Open the active image in the loupe"),
    ("C", "Compare the active image with the next"),
    ("Esc", "Back to the grid"),
]
HINTS = (
    "Arrows move · P pick · X reject · U unflag · 0–5 rate · Enter loupe · "
    "C compare with next · Delete remove from survey · Esc back"
)
_MARGIN = 16
_GAP = 12
_HINT_HEIGHT = 28
_FLAGS = {Qt.Key.Key_P: Flag.PICK, Qt.Key.Key_X: Flag.REJECT, Qt.Key.Key_U: Flag.NONE}
_RATINGS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(6)}
_ARROWS = {Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down}
_OWN_KEYS = {
    *_FLAGS,
    *_RATINGS,
    *_ARROWS,
    Qt.Key.Key_Delete,
    Qt.Key.Key_Backspace,
    Qt.Key.Key_Return,
    Qt.Key.Key_Enter,
    Qt.Key.Key_C,
    Qt.Key.Key_Escape,
}


class SurveyView(QWidget):
    """Says what the user asked for through signals; the window does it (culling, loupe)."""

    flag_requested = Signal(int, object)  # draft id, Flag
    rating_requested = Signal(int, int)
    open_requested = Signal(int)  # in the loupe
    compare_requested = Signal(int, int)
    closed = Signal()

    def __init__(self, loader: ImageLoader | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Survey")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAutoFillBackground(True)
        # Its own loader, big enough for every image at once: the window's shared one keeps
        # only a few, and a survey of twelve would evict its own images while tiling them.
        self._loader = loader if loader is not None else ImageLoader(self, max_images=MAX_DRAFTS)
        self._loader.loaded.connect(self._loaded)
        self._panes: list[SurveyPane] = []
        self._active = 0
        self.hint = QLabel(HINTS, self)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._restyle()

    @property
    def loader(self) -> ImageLoader:
        return self._loader

    def panes(self) -> list[SurveyPane]:
        return list(self._panes)

    def draft_ids(self) -> list[int]:
        return [pane.draft.id for pane in self._panes]

    def active_pane(self) -> SurveyPane | None:
        return self._panes[self._active] if self._panes else None

    def active_id(self) -> int | None:
        pane = self.active_pane()
        return pane.draft.id if pane is not None else None

    # -- what it shows -------------------------------------------------------------------------

    def set_drafts(self, drafts: list[DraftRecord]) -> None:
        self.clear()
        for draft in drafts:
            pane = SurveyPane(draft, self)
            pane.clicked.connect(lambda p=pane: self._clicked(p))
            pane.remove_requested.connect(lambda p=pane: self.remove(p.draft.id))
            self._panes.append(pane)
            pane.show()
            if draft.path is not None:
                self._loader.request(draft.path, self._channel(draft.id))
        self._set_active(0)
        self._relayout()

    def clear(self) -> None:
        for pane in self._panes:
            self._loader.cancel(self._channel(pane.draft.id))
            pane.deleteLater()
        self._panes = []
        self._active = 0

    def update_draft(self, draft: DraftRecord) -> None:
        for pane in self._panes:
            if pane.draft.id == draft.id:
                pane.set_draft(draft)

    def remove(self, draft_id: int) -> None:
        """Out of the survey only: the draft stays in the library and in the grid."""
        index = next((i for i, p in enumerate(self._panes) if p.draft.id == draft_id), None)
        if index is None:
            return
        pane = self._panes.pop(index)
        self._loader.cancel(self._channel(draft_id))
        pane.deleteLater()
        if not self._panes:
            self.closed.emit()
            return
        self._active = min(self._active if index > self._active else index, len(self._panes) - 1)
        self._set_active(self._active)
        self._relayout()

    def move_active(self, delta: int) -> DraftRecord | None:
        if not self._panes:
            return None
        self._set_active((self._active + delta) % len(self._panes))
        return self._panes[self._active].draft

    @staticmethod
    def _channel(draft_id: int) -> Hashable:
        return ("survey", draft_id)

    def _loaded(self, path: Path, _: QImage) -> None:
        levels = self._loader.levels(path)
        for pane in self._panes:
            if pane.draft.path == path:
                before = pane.aspect()
                pane.set_levels(levels)
                if abs(pane.aspect() - before) > 1e-3:  # the record's ratio was only asked for
                    self._relayout()

    # -- layout --------------------------------------------------------------------------------

    def _relayout(self) -> None:
        area = self.rect().adjusted(_MARGIN, _MARGIN, -_MARGIN, -_MARGIN - _HINT_HEIGHT)
        self.hint.setGeometry(0, self.height() - _HINT_HEIGHT - 4, self.width(), _HINT_HEIGHT)
        aspects = [pane.aspect() for pane in self._panes]
        rects = survey_layout(
            aspects, area.width(), area.height(), gap=_GAP, caption=CAPTION_HEIGHT
        )
        for pane, rect in zip(self._panes, rects, strict=True):
            x, y = area.x() + rect.x, area.y() + rect.y
            # Rounding the corners, not the sizes, keeps neighbours' gaps even.
            left, top = round(x), round(y)
            width, height = round(x + rect.width) - left, round(y + rect.height) - top
            pane.setGeometry(QRect(left, top, width, height + CAPTION_HEIGHT))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._relayout()

    def _restyle(self) -> None:
        palette = self.palette()
        # The same neutral as the compare view's panes: images, not chrome, carry the colour.
        base = palette.color(QPalette.ColorRole.Window).darker(125)
        palette.setColor(QPalette.ColorRole.Window, base)
        self.setPalette(palette)

    # -- keys and the mouse --------------------------------------------------------------------

    def _set_active(self, index: int) -> None:
        self._active = index
        for i, pane in enumerate(self._panes):
            pane.set_active(i == index)
        active = self.active_pane()
        self.setAccessibleDescription(
            f"{active.accessibleName()}, {active.caption()}" if active is not None else ""
        )

    def _clicked(self, pane: SurveyPane) -> None:
        self._set_active(self._panes.index(pane))
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.open_requested.emit(pane.draft.id)

    def _step_towards(self, key: Qt.Key) -> None:
        if key == Qt.Key.Key_Left:
            self.move_active(-1)
        elif key == Qt.Key.Key_Right:
            self.move_active(1)
        else:
            below = key == Qt.Key.Key_Down
            self._set_active(_vertical_neighbour(self._panes, self._active, below))

    def event(self, event: QEvent) -> bool:
        return claim_own_key(event, self._is_own_key) or super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        pane = self.active_pane()
        if not self._is_own_key(event) or pane is None:
            super().keyPressEvent(event)
            return
        key, draft_id = Qt.Key(event.key()), pane.draft.id
        if key in _ARROWS:
            self._step_towards(key)
        elif key in _FLAGS:
            self.flag_requested.emit(draft_id, _FLAGS[key])
        elif key in _RATINGS:
            self.rating_requested.emit(draft_id, _RATINGS[key])
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.remove(draft_id)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_requested.emit(draft_id)
        elif key == Qt.Key.Key_C and len(self._panes) > 1:
            following = self._panes[(self._active + 1) % len(self._panes)].draft.id
            self.compare_requested.emit(draft_id, following)
        elif key == Qt.Key.Key_Escape:
            self.closed.emit()
        event.accept()

    @staticmethod
    def _is_own_key(event: QKeyEvent) -> bool:
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        return modifiers == Qt.KeyboardModifier.NoModifier and event.key() in _OWN_KEYS


def _vertical_neighbour(panes: list[SurveyPane], index: int, below: bool) -> int:
    """The pane in the next row up or down nearest in x to the active one; itself at the edge."""
    here = panes[index].geometry().center()
    rows = sorted({p.geometry().top() for p in panes}, reverse=not below)
    top = panes[index].geometry().top()
    beyond = [r for r in rows if (r > top if below else r < top)]
    if not beyond:
        return index
    row = beyond[0]
    candidates = [i for i, p in enumerate(panes) if p.geometry().top() == row]
    return min(candidates, key=lambda i: abs(panes[i].geometry().center().x() - here.x()))
