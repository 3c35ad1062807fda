"""What the grid area shows before any key is configured: paste a key, or try the sandbox."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from studio.models.key_model import CHECKING, NO_KEY, KeyModel
from studio.ui.settings_form import NOTE_MARGINS, NOTE_STYLE
from studio.ui.settings_key import GET_KEY_LINK, GET_KEY_URL, KeyField

HEADLINE = "Welcome to Draft Studio"
KEY_CHOICE = "Paste your key"
KEY_SENTENCE = (
    "Generate real images with your own Gemini API key. It stays in the system keyring, "
    "and each image is billed to your Google account."
)
SANDBOX_CHOICE = "Try the offline sandbox"
SANDBOX_SENTENCE = (
    "Explore Draft Studio with synthetic images made on this computer. Nothing is sent "
    "anywhere and nothing is billed; add a key whenever you are ready."
)
_CARD_STYLE = (
    "QFrame#Choice { background: palette(base); border: 1px solid palette(mid);"
    " border-radius: 8px; }"
)
_CARD_WIDTH = 340


class FirstRunPanel(QWidget):
    """Two choices, side by side; the key goes through the KeyModel like everywhere else."""

    sandbox_chosen = Signal()

    def __init__(self, keys: KeyModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._keys = keys
        self.setAccessibleName("Welcome")

        headline = QLabel(HEADLINE, self)
        font = QFont(headline.font())
        font.setPointSizeF(font.pointSizeF() * 1.9)
        font.setWeight(QFont.Weight.DemiBold)
        headline.setFont(font)
        headline.setAlignment(Qt.AlignmentFlag.AlignCenter)
        headline.setAccessibleName(HEADLINE)
        subline = QLabel("Fast, cheap image drafts with Google's Gemini image models.", self)
        subline.setAlignment(Qt.AlignmentFlag.AlignCenter)
        subline.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        cards = QHBoxLayout()
        cards.setSpacing(20)
        cards.addStretch(1)
        cards.addWidget(self._build_key_card())
        cards.addWidget(self._build_sandbox_card())
        cards.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 32)
        layout.addStretch(2)
        layout.addWidget(headline)
        layout.addSpacing(4)
        layout.addWidget(subline)
        layout.addSpacing(28)
        layout.addLayout(cards)
        layout.addStretch(3)

        keys.changed.connect(self._show_key_state)
        keys.key_changed.connect(self.key_field.clear)
        self._show_key_state()

    def _build_key_card(self) -> QFrame:
        card, column = _card(KEY_CHOICE, KEY_SENTENCE, self)
        self.key_field = KeyField(card)
        self.key_field.edit.textChanged.connect(self._show_key_state)
        self.key_field.edit.returnPressed.connect(self._save)
        self.fallback_label = QLabel(card)
        self.fallback_label.setWordWrap(True)
        self.fallback_label.setStyleSheet(NOTE_STYLE)
        self.fallback_label.setContentsMargins(*NOTE_MARGINS)
        self.fallback_label.setAccessibleName("Keyring warning")
        self.fallback_label.setToolTip("Why the key cannot be saved on this computer")
        self.save_button = QPushButton("Save key", card)
        self.save_button.setAccessibleName("Save key")
        self.save_button.setToolTip("Save the key in the system keyring and start generating")
        self.save_button.clicked.connect(self._save)
        self.session_button = QPushButton("Use for this session only", card)
        self.session_button.setAccessibleName("Use for this session only")
        self.session_button.setToolTip(
            "Use the key until Draft Studio closes, without saving it anywhere"
        )
        self.session_button.clicked.connect(self._use_for_session)
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.session_button)
        buttons.addStretch(1)
        self.status_label = QLabel(card)
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName("Key status")
        self.status_label.setToolTip("What happened to the key you pasted")
        link = QLabel(GET_KEY_LINK, card)
        link.setOpenExternalLinks(True)
        link.setAccessibleName("Get a key in Google AI Studio")
        link.setToolTip(GET_KEY_URL)
        column.addWidget(self.key_field)
        column.addWidget(self.fallback_label)
        column.addLayout(buttons)
        column.addWidget(self.status_label)
        column.addStretch(1)
        column.addWidget(link)
        return card

    def _build_sandbox_card(self) -> QFrame:
        card, column = _card(SANDBOX_CHOICE, SANDBOX_SENTENCE, self)
        self.sandbox_button = QPushButton(SANDBOX_CHOICE, card)
        self.sandbox_button.setAccessibleName(SANDBOX_CHOICE)
        self.sandbox_button.setToolTip("Start with synthetic images; nothing is billed")
        self.sandbox_button.clicked.connect(self.sandbox_chosen)
        for button in (self.save_button, self.session_button, self.sandbox_button):
            # The two ways in are the whole page, so their buttons get room to breathe.
            button.setMinimumHeight(32)
            button.setMinimumWidth(96)
        row = QHBoxLayout()
        row.addWidget(self.sandbox_button)
        row.addStretch(1)
        column.addLayout(row)
        column.addStretch(1)
        return card

    def _save(self) -> None:
        if self.key_field.text().strip() and self.save_button.isEnabled():
            self._keys.save(self.key_field.text())

    def _use_for_session(self) -> None:
        if self.key_field.text().strip():
            self._keys.use_for_session(self.key_field.text())

    def _show_key_state(self) -> None:
        keys = self._keys
        secure = keys.backend.secure
        typed = bool(self.key_field.text().strip())
        self.fallback_label.setText(keys.backend.explanation)
        self.fallback_label.setVisible(not secure)
        self.save_button.setVisible(secure)
        self.save_button.setEnabled(not keys.busy and typed and secure)
        self.session_button.setVisible(keys.offer_session)
        self.session_button.setEnabled(not keys.busy and typed)
        # Before the user acts, the status only repeats what the card already says.
        quiet = keys.status in (NO_KEY, CHECKING)
        self.status_label.setText(keys.status)
        self.status_label.setVisible(not quiet)


def _card(title: str, sentence: str, parent: QWidget) -> tuple[QFrame, QVBoxLayout]:
    card = QFrame(parent)
    card.setObjectName("Choice")
    card.setStyleSheet(_CARD_STYLE)
    card.setFixedWidth(_CARD_WIDTH)
    card.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
    card.setAccessibleName(title)
    heading = QLabel(title, card)
    font = QFont(heading.font())
    font.setPointSizeF(font.pointSizeF() * 1.2)
    font.setWeight(QFont.Weight.DemiBold)
    heading.setFont(font)
    text = QLabel(sentence, card)
    text.setWordWrap(True)
    column = QVBoxLayout(card)
    column.setContentsMargins(20, 18, 20, 18)
    column.setSpacing(10)
    column.addWidget(heading)
    column.addWidget(text)
    column.addSpacing(4)
    return card, column
