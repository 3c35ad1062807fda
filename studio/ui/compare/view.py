"""Two drafts side by side with one zoom and pan, for finding a winner by repeated A/B."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QEvent, QObject, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFocusEvent, QFont, QKeyEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from studio.core.domain import Flag
from studio.core.library.records import DraftRecord
from studio.models.draft_labels import model_label
from studio.models.image_loader import ImageLoader
from studio.ui.compare.marks import (
    ACCENT,
    coloured,
    flag_colour,
    flag_text,
    stars_description,
    stars_html,
    status_text,
)
from studio.ui.compare.pane import DELIBERATE_FOCUS as _DELIBERATE
from studio.ui.compare.pane import ImagePane
from studio.ui.compare.view_state import ViewState
from studio.ui.shortcuts import claim_own_key

KEYS = (
    ("← →", "next candidate"),
    ("P", "pick"),
    ("X", "reject"),
    ("1–5", "rate"),
    ("S", "swap"),
    ("Z", "fit/100 %"),
    ("Esc", "back"),
)
HINTS = " · ".join(f"{keys} {what}" for keys, what in KEYS)

_FLAG_KEYS = {Qt.Key.Key_P: Flag.PICK, Qt.Key.Key_X: Flag.REJECT, Qt.Key.Key_U: Flag.NONE}
_RATING_KEYS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(6)}
_VIEW_KEYS = {
    Qt.Key.Key_Left,
    Qt.Key.Key_Right,
    Qt.Key.Key_S,
    Qt.Key.Key_Z,
    Qt.Key.Key_F,
    Qt.Key.Key_Escape,
}
_OWN_KEYS = _VIEW_KEYS | set(_FLAG_KEYS) | set(_RATING_KEYS)


class Side(IntEnum):
    LEFT = 0
    RIGHT = 1


def _muted(widget: QWidget) -> str:
    return widget.palette().color(QPalette.ColorRole.PlaceholderText).name()


class _SideBadge(QWidget):
    """The A/B letter; filled with the accent on the side that keys act on."""

    def __init__(self, letter: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._letter = letter
        self._active = False
        self.setFixedSize(22, 22)
        self.setAccessibleName(f"Side {letter}")

    def set_active(self, active: bool) -> None:
        self._active = active
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        palette = self.palette()
        if self._active:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(ACCENT))
            text = QColor(30, 30, 30)
        else:
            painter.setPen(palette.color(QPalette.ColorRole.Light))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            text = palette.color(QPalette.ColorRole.WindowText)
        painter.drawRoundedRect(box, 5, 5)
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(text)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self._letter)
        painter.end()


class Caption(QWidget):
    """Under a pane: which side it is, the draft's flag and stars, its model and seed."""

    def __init__(self, letter: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.badge = _SideBadge(letter)
        self.flag = QLabel()
        self.stars = QLabel()
        self.details = QLabel()
        self.position = QLabel()
        for label in (self.flag, self.stars):
            label.setTextFormat(Qt.TextFormat.RichText)
        for label in (self.details, self.position):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.details.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.details.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # Same width for every flag, so the stars line up under both panes.
        metrics = self.flag.fontMetrics()
        widest = max(metrics.horizontalAdvance(flag_text(flag)) for flag in Flag)
        self.flag.setFixedWidth(widest + 4)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(12)
        layout.addWidget(self.badge)
        layout.addWidget(self.flag)
        layout.addWidget(self.stars)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.position)
        self.setAccessibleName(f"Caption {letter}")

    def show_draft(self, draft: DraftRecord | None, position: str = "") -> None:
        if draft is None:
            for label in (self.flag, self.stars, self.details, self.position):
                label.clear()
            return
        self.flag.setText(coloured(flag_text(draft.flag), flag_colour(draft.flag) or _muted(self)))
        self.flag.setAccessibleName(flag_text(draft.flag))
        self.stars.setText(stars_html(draft.rating, _muted(self)))
        self.stars.setAccessibleName(stars_description(draft.rating))
        self.details.setText(f"{model_label(draft.model)} · seed {draft.seed}")
        self.details.setToolTip(f"{draft.model} · {draft.aspect} · {draft.size}")
        self.position.setText(position)

    def set_active(self, active: bool) -> None:
        self.badge.set_active(active)


class _Divider(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedWidth(1)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Dark))
        painter.end()


class CompareView(QWidget):
    """A on the left, B on the right; ← → bring the next candidate in on the right, S swaps.

    A thin widget: it shows the DraftRecords it is given and asks for flags and ratings through
    signals; once the library has changed, `update_draft` refreshes the captions."""

    flag_requested = Signal(int, Flag)
    rating_requested = Signal(int, int)
    pair_changed = Signal(int, int)  # left draft id, right draft id (-1 for an empty side)
    closed = Signal()

    def __init__(self, loader: ImageLoader | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Compare")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._loader = loader if loader is not None else ImageLoader(self)
        self._state = ViewState(self)
        self._drafts: list[DraftRecord] = []
        self._indices: list[int | None] = [None, None]
        self._active = Side.RIGHT
        self._panes: list[ImagePane] = []
        self._captions: list[Caption] = []

        columns = QHBoxLayout()
        columns.setContentsMargins(0, 0, 0, 0)
        columns.setSpacing(0)
        for side, letter in zip(Side, "AB", strict=True):
            pane = ImagePane(self._state, self._loader, self)
            pane.setAccessibleName(f"Image {letter}")
            pane.activated.connect(lambda side=side: self._activate(side))
            pane.installEventFilter(self)
            caption = Caption(letter, self)
            column = QVBoxLayout()
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(0)
            column.addWidget(pane, 1)
            column.addWidget(caption)
            if side is Side.RIGHT:
                columns.addWidget(_Divider(self))
            columns.addLayout(column, 1)
            self._panes.append(pane)
            self._captions.append(caption)
        self.setTabOrder(self._panes[0], self._panes[1])

        self.hints = QLabel(HINTS)
        self.hints.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.hints.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.zoom_label = QLabel()
        self.zoom_label.setAccessibleName("Zoom level")
        self.zoom_label.setToolTip("Zoom (Z: fit / 100 %, F: fit, wheel: zoom at the cursor)")
        strip = QHBoxLayout()
        strip.setContentsMargins(12, 6, 12, 6)
        strip.addWidget(self.hints, 1)
        strip.addWidget(self.zoom_label)

        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addLayout(columns, 1)
        root.addLayout(strip)

        self._state.changed.connect(self._show_zoom)
        self._show_zoom()
        self._activate(Side.RIGHT)

    @property
    def view_state(self) -> ViewState:
        return self._state

    @property
    def loader(self) -> ImageLoader:
        return self._loader

    @property
    def active_side(self) -> Side:
        return self._active

    @property
    def candidates(self) -> list[DraftRecord]:
        return list(self._drafts)

    def pane(self, side: Side) -> ImagePane:
        return self._panes[side]

    def caption(self, side: Side) -> Caption:
        return self._captions[side]

    def draft(self, side: Side) -> DraftRecord | None:
        index = self._indices[side]
        return None if index is None else self._drafts[index]

    def set_candidates(self, drafts: list[DraftRecord], left: int = 0, right: int = 1) -> None:
        """Compare `drafts[left]` with `drafts[right]`; the others wait their turn on the right."""
        self._drafts = list(drafts)
        count = len(self._drafts)
        if count and not 0 <= left < count:
            raise IndexError(f"left index {left} outside {count} candidates")
        if count > 1 and not 0 <= right < count:
            raise IndexError(f"right index {right} outside {count} candidates")
        self._indices[Side.LEFT] = left if count else None
        if count < 2:
            self._indices[Side.RIGHT] = None
        else:
            self._indices[Side.RIGHT] = right if right != left else (left + 1) % count
        self._state.set_fit()
        self._activate(Side.RIGHT)
        for side in Side:
            self._load(side)
        self._pair_changed()

    def update_draft(self, draft: DraftRecord) -> None:
        for index, known in enumerate(self._drafts):
            if known.id != draft.id:
                continue
            self._drafts[index] = draft
            for side in Side:
                if self._indices[side] == index:
                    if known.path != draft.path or known.status != draft.status:
                        self._load(side)
                    else:
                        self._show_caption(side)

    def step(self, delta: int) -> None:
        """Bring the previous (-1) or next (+1) candidate in on the right, skipping the left."""
        left, right = self._indices
        count = len(self._drafts)
        if right is None or count < 2:
            return
        index = right
        for _ in range(count):
            index = (index + delta) % count
            if index != left:
                break
        if index == right:
            return
        self._indices[Side.RIGHT] = index
        self._load(Side.RIGHT)
        self._prefetch(index, delta)
        self._pair_changed()

    def swap(self) -> None:
        self._indices.reverse()
        self._panes[Side.LEFT].exchange(self._panes[Side.RIGHT])
        for side in Side:
            self._show_caption(side)
        self._pair_changed()

    def _load(self, side: Side) -> None:
        draft = self.draft(side)
        pane = self._panes[side]
        if draft is None:
            pane.show_image(None, "Nothing else to compare" if side is Side.RIGHT else "")
        elif draft.path is None:
            pane.show_image(None, status_text(draft) or "No image")
        else:
            pane.show_image(draft.path)
        self._show_caption(side)

    def _prefetch(self, index: int, delta: int) -> None:
        count = len(self._drafts)
        following = (index + delta) % count
        if following == self._indices[Side.LEFT]:
            following = (following + delta) % count
        path = self._drafts[following].path
        if path is not None:
            self._loader.request(path, ("prefetch", id(self)))

    def _show_caption(self, side: Side) -> None:
        draft = self.draft(side)
        index = self._indices[side]
        position = "" if index is None else f"{index + 1} / {len(self._drafts)}"
        self._captions[side].show_draft(draft, position)
        pane = self._panes[side]
        if draft is None:
            pane.setAccessibleDescription("")
        else:
            pane.setAccessibleDescription(
                f"{flag_text(draft.flag)}, {stars_description(draft.rating)}, "
                f"{model_label(draft.model)}, seed {draft.seed}"
            )

    def _activate(self, side: Side) -> None:
        self._active = side
        for each in Side:
            self._panes[each].set_active(each is side)
            self._captions[each].set_active(each is side)
        # Keyboard focus given to the view lands on the pane that keys act on.
        self.setFocusProxy(self._panes[side])

    def _pair_changed(self) -> None:
        ids = [-1 if draft is None else draft.id for draft in map(self.draft, Side)]
        self.pair_changed.emit(ids[0], ids[1])

    def _show_zoom(self) -> None:
        self.zoom_label.setText(self._state.text())

    def event(self, event: QEvent) -> bool:
        return claim_own_key(event, self._is_own_key) or super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._is_own_key(event):
            super().keyPressEvent(event)
            return
        key = event.key()
        target = self.draft(self._active)
        pane = self._panes[self._active]
        if key == Qt.Key.Key_Escape:
            self.closed.emit()
        elif key == Qt.Key.Key_Left:
            self.step(-1)
        elif key == Qt.Key.Key_Right:
            self.step(1)
        elif key == Qt.Key.Key_S:
            self.swap()
        elif key == Qt.Key.Key_Z:
            hovered = next((p for p in self._panes if p.cursor_position() is not None), pane)
            hovered.toggle_zoom(hovered.cursor_position())
        elif key == Qt.Key.Key_F:
            self._state.set_fit()
        elif key in _FLAG_KEYS:
            if target is not None:
                self.flag_requested.emit(target.id, _FLAG_KEYS[Qt.Key(key)])
        elif key in _RATING_KEYS and target is not None:
            self.rating_requested.emit(target.id, _RATING_KEYS[Qt.Key(key)])
        event.accept()

    @staticmethod
    def _is_own_key(event: QKeyEvent) -> bool:
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        return modifiers == Qt.KeyboardModifier.NoModifier and event.key() in _OWN_KEYS

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Focus that merely arrives (the window shown or re-activated) goes to the pane keys act
        # on, so the visible focus ring and the target of P and X never disagree.
        if (
            event.type() == QEvent.Type.FocusIn
            and isinstance(event, QFocusEvent)
            and watched in self._panes
            and watched is not self._panes[self._active]
            and event.reason() not in _DELIBERATE
        ):
            self._panes[self._active].setFocus(event.reason())
        return super().eventFilter(watched, event)

    def sizeHint(self) -> QSize:
        return QSize(1100, 750)
