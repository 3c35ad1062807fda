"""How the compare view lays its two drafts out, and the keys the hint strip and F1 list."""

from __future__ import annotations

from enum import Enum, IntEnum

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeyEvent, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from studio.core.domain import Flag


class Side(IntEnum):
    LEFT = 0
    RIGHT = 1

    @property
    def other(self) -> Side:
        return Side.RIGHT if self is Side.LEFT else Side.LEFT


class Mode(Enum):
    SIDE_BY_SIDE = "Side by side"
    SWIPE = "Swipe"
    BLINK = "Blink"


# The divider moves by this share of the pane per [ or ] press: twenty presses edge to edge.
SPLIT_STEP = 0.05

SWIPE_KEY = Qt.Key.Key_W
BLINK_KEY = Qt.Key.Key_B
SPLIT_KEYS = {Qt.Key.Key_BracketLeft: -SPLIT_STEP, Qt.Key.Key_BracketRight: SPLIT_STEP}
FLAG_KEYS = {Qt.Key.Key_P: Flag.PICK, Qt.Key.Key_X: Flag.REJECT, Qt.Key.Key_U: Flag.NONE}
RATING_KEYS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(6)}
_VIEW_KEYS = {
    Qt.Key.Key_Left,
    Qt.Key.Key_Right,
    Qt.Key.Key_S,
    Qt.Key.Key_Z,
    Qt.Key.Key_F,
    Qt.Key.Key_Escape,
    SWIPE_KEY,
    BLINK_KEY,
}
_OWN_KEYS = _VIEW_KEYS | set(FLAG_KEYS) | set(RATING_KEYS)


def is_own_key(event: QKeyEvent, *, swiping: bool) -> bool:
    """Keys the view takes before window shortcuts; [ and ] only while there is a divider."""
    modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    if modifiers != Qt.KeyboardModifier.NoModifier:
        return False
    key = event.key()
    return key in _OWN_KEYS or (swiping and key in SPLIT_KEYS)


_COMMON = (
    ("← →", "next candidate"),
    ("P", "pick"),
    ("X", "reject"),
    ("1–5", "rate"),
    ("S", "swap"),
    ("Z", "fit/100 %"),
    ("Esc", "back"),
)

# Everything the view answers to, for the F1 sheet.
KEYS = (
    ("W", "swipe / side by side"),
    ("[ ]", "move the swipe divider"),
    ("B (hold)", "blink to the other draft"),
    *_COMMON,
)


def _join(keys: tuple[tuple[str, str], ...]) -> str:
    return " · ".join(f"{key} {what}" for key, what in keys)


HINTS = _join((("W", "swipe"), ("hold B", "blink"), *_COMMON))
SWIPE_HINTS = _join(
    (("W", "side by side"), ("[ ] or drag", "divider"), ("hold B", "blink"), *_COMMON)
)


def hints_for(mode: Mode, underneath: Mode) -> str:
    """The keys that matter now; `underneath` is the layout a blink returns to."""
    if mode is Mode.BLINK:
        back = underneath.value.lower()
        return f"Showing each side's other draft · release B to return to {back}"
    return SWIPE_HINTS if mode is Mode.SWIPE else HINTS


class HintStrip(QWidget):
    """Under the panes: the mode in words, the keys that matter in it, and the zoom level."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode_label = QLabel()
        self.mode_label.setAccessibleName("Compare mode")
        bold = QFont(self.mode_label.font())
        bold.setBold(True)
        self.mode_label.setFont(bold)
        self.hints = QLabel(HINTS)
        self.hints.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.hints.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.zoom_label = QLabel()
        self.zoom_label.setAccessibleName("Zoom level")
        self.zoom_label.setToolTip("Zoom (Z: fit / 100 %, F: fit, wheel: zoom at the cursor)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.setSpacing(12)
        layout.addWidget(self.mode_label)
        layout.addWidget(self.hints, 1)
        layout.addWidget(self.zoom_label)
        self.show_mode(Mode.SIDE_BY_SIDE, Mode.SIDE_BY_SIDE)

    def show_mode(self, mode: Mode, underneath: Mode) -> None:
        self.mode_label.setText(mode.value)
        self.hints.setText(hints_for(mode, underneath))
