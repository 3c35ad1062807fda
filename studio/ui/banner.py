"""The one strip above the grid for problems that need the user, and the sandbox notice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum, auto

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

SANDBOX_TEXT = (
    "Offline sandbox: synthetic images, nothing is billed. "
    "Add your Gemini API key in Settings to generate for real."
)
KINDS = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class _Look:
    background: str
    accent: str
    text: str
    hover: str


# Tints of one hue over the dark chrome; the text colours keep a contrast above 7:1.
_LOOKS = {
    "error": _Look("#3b1e20", "#f26d64", "#ffdcd8", "rgba(242, 109, 100, 0.18)"),
    "warning": _Look("#372e15", "#e8b53d", "#fbe9bd", "rgba(232, 181, 61, 0.18)"),
    "info": _Look("#1b2a3a", "#62a8f5", "#d6e9ff", "rgba(98, 168, 245, 0.18)"),
}
_LOOKS["sandbox"] = _LOOKS["warning"]
_ICON_PX = 18


class Lifetime(Enum):
    """How long a message applies, and so when it goes by itself."""

    UNTIL_CLEARED = auto()  # a state (a pause, the network down): until `clear()`
    UNTIL_NEXT_ACTION = auto()  # about what the user just did: until `settle()`
    TRANSIENT = auto()  # a hint: until `settle()`, or after `transient_ms`


@dataclass(frozen=True, slots=True)
class _Message:
    kind: str
    text: str
    action_text: str | None = None
    action: Callable[[], None] | None = field(default=None, compare=False)


class Banner(QFrame):
    """Shows at most one thing: a word about the user's last action, or else the state that
    needs them (a pause, the network down), or else the sandbox notice, or nothing.

    A word about an action goes with the next action (`settle()`), a transient one also on
    its own after `transient_ms`; whatever it covered shows again. A new state message
    replaces the current one. The state message already on screen, or one the user
    dismissed, is not shown again until a different message arrives or `clear()` is called;
    repeated failures from a running batch must not flash the strip back after a dismiss.
    """

    add_key_requested = Signal()
    dismissed = Signal()
    transient_ms = 8000  # long enough to read a sentence twice

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Banner")
        self.setAccessibleName("Notice")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._message: _Message | None = None  # the state
        self._hint: _Message | None = None  # about the last action, shown over the state
        self._dismissed: tuple[str, str] | None = None
        self._sandbox = False
        self._expiry = QTimer(self)
        self._expiry.setSingleShot(True)
        self._expiry.timeout.connect(self.settle)

        self._icon = _KindIcon(self)
        self._label = QLabel(self)
        self._label.setWordWrap(True)
        self._label.setTextFormat(Qt.TextFormat.PlainText)
        self._label.setAccessibleName("Notice text")
        self._action = QPushButton(self)
        self._action.setCursor(Qt.CursorShape.PointingHandCursor)
        self._action.clicked.connect(self._run_action)
        self._add_key = QPushButton("Add key", self)
        self._add_key.setAccessibleName("Add key")
        self._add_key.setToolTip("Open Settings to add your Gemini API key")
        self._add_key.setCursor(Qt.CursorShape.PointingHandCursor)
        self._add_key.clicked.connect(self.add_key_requested)
        self._dismiss = QToolButton(self)
        self._dismiss.setAccessibleName("Dismiss notice")
        self._dismiss.setToolTip("Dismiss this notice")
        self._dismiss.setIconSize(QSize(12, 12))
        self._dismiss.setCursor(Qt.CursorShape.PointingHandCursor)
        self._dismiss.clicked.connect(self._on_dismiss)

        layout = self._layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 7, 8, 7)
        layout.setSpacing(10)
        layout.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self._label, 1)
        layout.addWidget(self._action)
        layout.addWidget(self._add_key)
        layout.addWidget(self._dismiss)
        self._render()

    @property
    def kind(self) -> str | None:
        """One of KINDS, "sandbox" for the sandbox notice, or None when nothing is shown."""
        shown = self._shown()
        if shown is not None:
            return shown.kind
        return "sandbox" if self._sandbox else None

    def _shown(self) -> _Message | None:
        return self._hint if self._hint is not None else self._message

    @property
    def text(self) -> str:
        return self._label.text() if self.kind is not None else ""

    @property
    def sandbox(self) -> bool:
        return self._sandbox

    def show_message(
        self,
        kind: str,
        text: str,
        action_text: str | None = None,
        action: Callable[[], None] | None = None,
        *,
        lifetime: Lifetime = Lifetime.UNTIL_CLEARED,
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"Banner kind must be one of {', '.join(KINDS)}, not {kind!r}.")
        message = _Message(kind, text, action_text if action else None, action)
        if lifetime is not Lifetime.UNTIL_CLEARED:
            self._hint = message
            if lifetime is Lifetime.TRANSIENT:
                self._expiry.start(self.transient_ms)
            else:
                self._expiry.stop()
            self._render()
            return
        if (kind, text) == self._dismissed:
            return
        self._dismissed = None
        if message == self._message:
            # Same words, perhaps a fresh callback: keep the strip still, use the new callback.
            self._message = message
            return
        self._message = message
        self.settle()  # a new problem is news: it goes on top
        self._render()

    def settle(self) -> None:
        """The user moved on: the word about their last action goes, what it covered returns."""
        self._expiry.stop()
        if self._hint is not None:
            self._hint = None
            self._render()

    def clear(self, text: str | None = None) -> None:
        """The problem is over: drop the state message, or only the one that says `text`
        (the sandbox notice stays if it is on)."""
        if text is not None and (self._message is None or self._message.text != text):
            return
        self._message = None
        self._dismissed = None
        self._render()

    def set_sandbox(self, on: bool) -> None:
        if on != self._sandbox:
            self._sandbox = on
            self._render()

    def _on_dismiss(self) -> None:
        if self._hint is not None:
            self.settle()
            self.dismissed.emit()
            return
        if self._message is None:
            return
        self._dismissed = (self._message.kind, self._message.text)
        self._message = None
        self._render()
        self.dismissed.emit()

    def _run_action(self) -> None:
        shown = self._shown()
        if shown is not None and shown.action is not None:
            shown.action()

    def _render(self) -> None:
        kind = self.kind
        if kind is None:
            self.hide()
            return
        message = self._shown()
        text = SANDBOX_TEXT if message is None else message.text
        self._label.setText(text)
        self.setAccessibleDescription(text)
        self._icon.kind = kind
        self._icon.update()
        action_text = message.action_text if message is not None else None
        self._action.setVisible(action_text is not None)
        if action_text is not None:
            self._action.setText(action_text)
            self._action.setAccessibleName(action_text)
            self._action.setToolTip(action_text)
        self._add_key.setVisible(message is None)
        # The sandbox notice is permanent while the sandbox is in use, so it has no dismiss.
        self._dismiss.setVisible(message is not None)
        self._restyle(kind)
        self.show()

    def _restyle(self, kind: str) -> None:
        look = _LOOKS[kind]
        self._dismiss.setIcon(_cross_icon(look.text))
        self.setStyleSheet(
            f"""
            QFrame#Banner {{
                background: {look.background};
                border: none;
                border-left: 4px solid {look.accent};
            }}
            QFrame#Banner QLabel {{ color: {look.text}; background: transparent; }}
            QFrame#Banner QPushButton {{
                color: {look.text};
                background: transparent;
                border: 1px solid {look.accent};
                border-radius: 4px;
                padding: 3px 12px;
            }}
            QFrame#Banner QPushButton:hover, QFrame#Banner QToolButton:hover {{
                background: {look.hover};
            }}
            QFrame#Banner QPushButton:focus, QFrame#Banner QToolButton:focus {{
                outline: none;
                border: 2px solid {look.text};
            }}
            QFrame#Banner QToolButton {{
                background: transparent;
                border: 1px solid transparent;
                border-radius: 4px;
                padding: 4px;
            }}
            """
        )
        # Same height with or without a dismiss button, so the grid below never jumps; measured
        # after the style sheet, which pads the buttons.
        buttons = (self._action, self._add_key, self._dismiss)
        for button in buttons:
            button.ensurePolished()
        margins = self.contentsMargins() + self._layout.contentsMargins()
        tallest = max(button.sizeHint().height() for button in buttons)
        self.setMinimumHeight(tallest + margins.top() + margins.bottom())


class _KindIcon(QWidget):
    """A drawn symbol per kind, so colour is never the only thing that tells them apart."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = "info"
        self.setFixedSize(_ICON_PX, _ICON_PX)

    def paintEvent(self, event: QPaintEvent) -> None:
        look = _LOOKS[self.kind]
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        accent = QColor(look.accent)
        box = QRectF(1, 1, _ICON_PX - 2, _ICON_PX - 2)
        if self.kind in ("warning", "sandbox"):
            triangle = QPainterPath()
            triangle.moveTo(box.center().x(), box.top())
            triangle.lineTo(box.right(), box.bottom())
            triangle.lineTo(box.left(), box.bottom())
            triangle.closeSubpath()
            painter.fillPath(triangle, accent)
            glyph, glyph_box = "!", box.adjusted(0, 4, 0, 0)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(accent)
            painter.drawEllipse(box)
            glyph, glyph_box = ("!" if self.kind == "error" else "i"), box
        font = QFont(self.font())
        font.setBold(True)
        font.setPixelSize(11)
        painter.setFont(font)
        painter.setPen(QColor(look.background))
        painter.drawText(glyph_box, Qt.AlignmentFlag.AlignCenter, glyph)
        painter.end()


def _cross_icon(colour: str) -> QIcon:
    size = 24  # drawn large and scaled down, so it stays crisp on HiDPI screens
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(QColor(colour), 2.6)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.drawLine(QPointF(6, 6), QPointF(18, 18))
    painter.drawLine(QPointF(18, 6), QPointF(6, 18))
    painter.end()
    return QIcon(pixmap)
