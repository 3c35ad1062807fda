"""The API key section of Settings: where the key is kept, the masked field, save, test,
remove, and what Draft Studio knows about the key, in words."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from studio.models.key_model import KeyModel
from studio.ui.settings_form import WrapLabel, button, form, label, note

GET_KEY_URL = "https://aistudio.google.com/apikey"
GET_KEY_LINK = f'Need a key? <a href="{GET_KEY_URL}">Get one in Google AI Studio</a>.'


class KeyField(QWidget):
    """A masked line edit for the key with a Show/Hide toggle."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setPlaceholderText("Paste your Gemini API key")
        self.edit.setAccessibleName("Gemini API key")
        self.edit.setToolTip(
            "Your Gemini API key. It is kept in the system keyring, never on disk."
        )
        # No autocorrect, prediction or input history for a secret.
        self.edit.setInputMethodHints(
            Qt.InputMethodHint.ImhSensitiveData
            | Qt.InputMethodHint.ImhNoPredictiveText
            | Qt.InputMethodHint.ImhNoAutoUppercase
        )
        self.edit.setClearButtonEnabled(True)
        self.toggle = QToolButton(self)
        self.toggle.setCheckable(True)
        self.toggle.toggled.connect(self._set_visible)
        self._set_visible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.toggle)
        self.setFocusProxy(self.edit)

    def text(self) -> str:
        return self.edit.text()

    def clear(self) -> None:
        self.edit.clear()
        self.toggle.setChecked(False)

    def _set_visible(self, visible: bool) -> None:
        self.edit.setEchoMode(QLineEdit.EchoMode.Normal if visible else QLineEdit.EchoMode.Password)
        self.toggle.setText("Hide" if visible else "Show")
        self.toggle.setAccessibleName("Hide key" if visible else "Show key")
        self.toggle.setToolTip(
            "Mask the key again" if visible else "Show the key while you check it"
        )


class KeySection(QWidget):
    # A status or note changed length: the dialog may need to grow to show it whole.
    resized = Signal()

    def __init__(self, keys: KeyModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._keys = keys
        rows = form(self)
        self.backend_label = QLabel(self)
        self.backend_label.setAccessibleName("Keyring in use")
        self.backend_label.setToolTip("Where Draft Studio keeps your key between sessions")
        rows.addRow(label("Stored in", self.backend_label), self.backend_label)

        self.fallback_label = note(
            "Keyring warning", "Why the key cannot be saved on this computer", self
        )
        rows.addRow("", self.fallback_label)

        self.key_field = KeyField(self)
        self.key_field.edit.textChanged.connect(self.show_state)
        self.key_field.edit.returnPressed.connect(self._save)
        rows.addRow(label("&Key", self.key_field.edit), self.key_field)

        self.save_button = button("Save key", "Save the key in the system keyring", self)
        self.save_button.clicked.connect(self._save)
        self.session_button = button(
            "Use for this session only",
            "Use the key until Draft Studio closes, without saving it anywhere",
            self,
        )
        self.session_button.clicked.connect(self._use_for_session)
        self.test_button = button(
            "Test key", "Check with one free request that the key can use the default model", self
        )
        self.test_button.clicked.connect(self._test)
        self.remove_button = button("Remove key", "Delete the key from the system keyring", self)
        self.remove_button.clicked.connect(keys.remove)
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.session_button)
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        rows.addRow("", buttons)

        self.status_label = WrapLabel(parent=self)
        self.status_label.setAccessibleName("Key status")
        self.status_label.setToolTip("What Draft Studio knows about your key")
        rows.addRow("", self.status_label)

        self.get_key_label = QLabel(GET_KEY_LINK, self)
        self.get_key_label.setOpenExternalLinks(True)
        self.get_key_label.setAccessibleName("Get a key in Google AI Studio")
        self.get_key_label.setToolTip(GET_KEY_URL)
        rows.addRow("", self.get_key_label)

        keys.changed.connect(self.show_state)
        keys.key_changed.connect(self.key_field.clear)
        self.show_state()

    def _save(self) -> None:
        if self.key_field.text().strip() and self.save_button.isEnabled():
            self._keys.save(self.key_field.text())

    def _use_for_session(self) -> None:
        if self.key_field.text().strip():
            self._keys.use_for_session(self.key_field.text())

    def _test(self) -> None:
        typed = self.key_field.text().strip()
        self._keys.test(key=typed or None)

    def show_state(self) -> None:
        keys = self._keys
        backend = keys.backend
        self.backend_label.setText(backend.name)
        self.fallback_label.setText(backend.explanation)
        self.fallback_label.setVisible(not backend.secure)
        self.status_label.setText(keys.status)
        self.status_label.setAccessibleDescription(keys.status)
        typed = bool(self.key_field.text().strip())
        idle = not keys.busy
        # Without a secure keyring Save can never work; the note says why and what to do.
        self.save_button.setVisible(backend.secure)
        self.save_button.setEnabled(idle and typed and backend.secure)
        self.session_button.setVisible(keys.offer_session)
        self.session_button.setEnabled(idle and typed)
        self.test_button.setEnabled(idle and (typed or keys.has_key))
        removable = keys.source in ("keyring", "this session only")
        self.remove_button.setEnabled(idle and removable)
        self.get_key_label.setVisible(not keys.has_key)
        self.resized.emit()
