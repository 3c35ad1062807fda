"""Settings: the API key, budgets, generation defaults and where the library lives.

Shown with `show()`, never `exec()`: a nested event loop inside the qasync loop breaks the
coroutines that run while the dialog is open. Every change applies and saves at once.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, QSize, Qt, QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QFont,
    QHideEvent,
    QPalette,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.core.catalog import ModelSpec
from studio.core.settings import CONCURRENCY_RANGE, TIMEOUT_RANGE
from studio.models.key_model import KeyModel
from studio.models.settings_model import SettingsModel

GET_KEY_URL = "https://aistudio.google.com/apikey"
GET_KEY_LINK = f'Need a key? <a href="{GET_KEY_URL}">Get one in Google AI Studio</a>.'
MAX_BUDGET_USD = 100_000.0
# A translucent tint reads on both the dark and the light palette; the text keeps its colour.
NOTE_STYLE = (
    "QLabel { background: rgba(232, 181, 61, 0.14); border-left: 3px solid #e8b53d;"
    " border-radius: 2px; }"
)
# Padding as contents margins, not in the style sheet, so QLabel.heightForWidth counts it.
NOTE_MARGINS = (10, 6, 8, 6)


class WrapLabel(QLabel):
    """A word-wrapped label whose size hint is its height at its real width.

    QFormLayout sizes rows from the size hint, which QLabel computes for a guessed width,
    so a long sentence in a wide row would get a box several lines too tall.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        self._hinted_width = -1

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if self.width() > 0:
            hint.setHeight(self.heightForWidth(self.width()))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != self._hinted_width:
            self._hinted_width = event.size().width()
            self.updateGeometry()


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


def price_text(usd: float) -> str:
    """$0.0336, $0.067, $0.24: as many decimals as the price has, at least two."""
    whole, _, cents = f"{usd:.4f}".rstrip("0").partition(".")
    return f"${whole}.{cents.ljust(2, '0')}"


def model_choice_text(spec: ModelSpec) -> str:
    size = "1K" if "1K" in spec.sizes else spec.sizes[0]
    return f"{spec.label}  ·  {price_text(spec.price(size))} per {size} image"


class SettingsDialog(QDialog):
    """Non-modal: open it with `show()`, never `exec()`."""

    def __init__(
        self, keys: KeyModel, settings: SettingsModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._keys = keys
        self._settings = settings
        self.setWindowTitle("Settings")
        self.setModal(False)
        self.setMinimumWidth(600)

        layout = self._layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(8)
        layout.addWidget(_heading("API key", first=True))
        layout.addLayout(self._build_key_section())
        layout.addWidget(_heading("Budgets"))
        layout.addLayout(self._build_budget_section())
        layout.addWidget(_heading("Generation"))
        layout.addLayout(self._build_generation_section())
        layout.addWidget(_heading("Library"))
        layout.addLayout(self._build_library_section())
        # Room left over when a long status shrinks again goes above the footer, not between
        # the rows.
        layout.addStretch(1)
        layout.addSpacing(12)
        layout.addLayout(self._build_footer())

        keys.changed.connect(self._show_key_state)
        keys.key_changed.connect(self.key_field.clear)
        settings.changed.connect(self._show_settings)
        self._show_key_state()
        self._show_settings()

    # Building.

    def _build_key_section(self) -> QFormLayout:
        form = _form()
        self.backend_label = QLabel(self)
        self.backend_label.setAccessibleName("Keyring in use")
        self.backend_label.setToolTip("Where Draft Studio keeps your key between sessions")
        form.addRow(_label("Stored in", self.backend_label), self.backend_label)

        self.fallback_label = WrapLabel(parent=self)
        self.fallback_label.setStyleSheet(NOTE_STYLE)
        self.fallback_label.setContentsMargins(*NOTE_MARGINS)
        self.fallback_label.setAccessibleName("Keyring warning")
        self.fallback_label.setToolTip("Why the key cannot be saved on this computer")
        form.addRow("", self.fallback_label)

        self.key_field = KeyField(self)
        self.key_field.edit.textChanged.connect(self._show_key_state)
        self.key_field.edit.returnPressed.connect(self._save_key)
        form.addRow(_label("&Key", self.key_field.edit), self.key_field)

        self.save_button = _button("Save key", "Save the key in the system keyring", self)
        self.save_button.clicked.connect(self._save_key)
        self.session_button = _button(
            "Use for this session only",
            "Use the key until Draft Studio closes, without saving it anywhere",
            self,
        )
        self.session_button.clicked.connect(self._use_for_session)
        self.test_button = _button(
            "Test key", "Check with one free request that the key can use the default model", self
        )
        self.test_button.clicked.connect(self._test_key)
        self.remove_button = _button("Remove key", "Delete the key from the system keyring", self)
        self.remove_button.clicked.connect(self._keys.remove)
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.session_button)
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        form.addRow("", buttons)

        self.status_label = WrapLabel(parent=self)
        self.status_label.setAccessibleName("Key status")
        self.status_label.setToolTip("What Draft Studio knows about your key")
        form.addRow("", self.status_label)

        self.get_key_label = QLabel(GET_KEY_LINK, self)
        self.get_key_label.setOpenExternalLinks(True)
        self.get_key_label.setAccessibleName("Get a key in Google AI Studio")
        self.get_key_label.setToolTip(GET_KEY_URL)
        form.addRow("", self.get_key_label)
        return form

    def _build_budget_section(self) -> QFormLayout:
        form = _form()
        self.session_budget = _budget_box(
            "Session budget in US dollars",
            "Stop sending requests once this session has spent this much. 0 means no cap.",
            self,
        )
        self.session_budget.valueChanged.connect(
            lambda value: self._apply(session_budget_usd=_budget(value))
        )
        form.addRow(_label("&Session budget", self.session_budget), self.session_budget)
        self.daily_budget = _budget_box(
            "Daily budget in US dollars",
            "Stop sending requests once today's spending reaches this much. 0 means no cap.",
            self,
        )
        self.daily_budget.valueChanged.connect(
            lambda value: self._apply(daily_budget_usd=_budget(value))
        )
        form.addRow(_label("&Daily budget", self.daily_budget), self.daily_budget)
        form.addRow("", _hint("0 means no cap. Spending is estimated from list prices.", self))
        return form

    def _build_generation_section(self) -> QFormLayout:
        form = _form()
        self.model_combo = QComboBox(self)
        self.model_combo.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.model_combo.setAccessibleName("Default model")
        self.model_combo.setToolTip("The model new batches start with, and its price per image")
        self.model_combo.activated.connect(self._choose_model)
        form.addRow(_label("Default &model", self.model_combo), self.model_combo)

        self.concurrency = QSpinBox(self)
        self.concurrency.setRange(*CONCURRENCY_RANGE)
        self.concurrency.setKeyboardTracking(False)
        self.concurrency.setAccessibleName("Maximum concurrent requests")
        self.concurrency.setToolTip(
            "How many images are requested at once. Draft Studio slows down by itself "
            "when the service asks it to."
        )
        self.concurrency.valueChanged.connect(lambda value: self._apply(max_concurrency=value))
        form.addRow(_label("Max &concurrency", self.concurrency), self.concurrency)

        self.timeout = QSpinBox(self)
        low, high = TIMEOUT_RANGE
        self.timeout.setRange(int(low), int(high))
        self.timeout.setSuffix(" s")
        self.timeout.setKeyboardTracking(False)
        self.timeout.setAccessibleName("Request timeout in seconds")
        self.timeout.setToolTip("Give up on one image after this many seconds without an answer")
        self.timeout.valueChanged.connect(lambda value: self._apply(request_timeout_s=value))
        form.addRow(_label("Request &timeout", self.timeout), self.timeout)
        for box in (self.concurrency, self.timeout):
            box.setMaximumWidth(120)
        return form

    def _build_library_section(self) -> QFormLayout:
        form = _form()
        self.library_path = QLineEdit(str(self._settings.paths.library), self)
        self.library_path.setReadOnly(True)
        self.library_path.setAccessibleName("Library location")
        self.library_path.setToolTip(
            "The folder that holds your images. Set DRAFT_STUDIO_LIBRARY to use another one."
        )
        self.library_path.setCursorPosition(0)
        self.reveal_button = _button("Reveal", "Open the library folder in your file manager", self)
        self.reveal_button.clicked.connect(self._reveal_library)
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(self.library_path, 1)
        row.addWidget(self.reveal_button)
        form.addRow(_label("&Location", self.library_path), row)
        return form

    def _build_footer(self) -> QHBoxLayout:
        self.problem_label = WrapLabel(parent=self)
        self.problem_label.setStyleSheet(NOTE_STYLE)
        self.problem_label.setContentsMargins(*NOTE_MARGINS)
        self.problem_label.setAccessibleName("Settings problem")
        self.problem_label.setToolTip("Why the last change was not applied")
        self.problem_label.hide()
        note = _hint("Changes are saved as you make them.", self)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.close_button = box.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAccessibleName("Close settings")
        self.close_button.setToolTip("Close Settings (Esc)")
        box.rejected.connect(self.close)
        footer = QHBoxLayout()
        column = QVBoxLayout()
        column.addWidget(self.problem_label)
        column.addWidget(note)
        footer.addLayout(column, 1)
        footer.addWidget(box, 0, Qt.AlignmentFlag.AlignBottom)
        for button in self.findChildren(QPushButton):
            # Enter in the key field or a spin box must not press some other button.
            button.setAutoDefault(False)
            button.setDefault(False)
        return footer

    # Key.

    def _save_key(self) -> None:
        if self.key_field.text().strip() and self.save_button.isEnabled():
            self._keys.save(self.key_field.text())

    def _use_for_session(self) -> None:
        if self.key_field.text().strip():
            self._keys.use_for_session(self.key_field.text())

    def _test_key(self) -> None:
        typed = self.key_field.text().strip()
        self._keys.test(key=typed or None)

    def _show_key_state(self) -> None:
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
        self._fit_height()

    # Settings.

    def _show_settings(self) -> None:
        current = self._settings.settings
        blockers = [
            QSignalBlocker(w)
            for w in (
                self.session_budget,
                self.daily_budget,
                self.model_combo,
                self.concurrency,
                self.timeout,
            )
        ]
        self.session_budget.setValue(current.session_budget_usd or 0.0)
        self.daily_budget.setValue(current.daily_budget_usd or 0.0)
        self.concurrency.setValue(current.max_concurrency)
        self.timeout.setValue(round(current.request_timeout_s))
        self.model_combo.clear()
        for spec in self._settings.catalog.models:
            self.model_combo.addItem(model_choice_text(spec), spec.id)
            self.model_combo.setItemData(
                self.model_combo.count() - 1,
                f"{spec.id} · {spec.role} model · sizes {', '.join(spec.sizes)}",
                Qt.ItemDataRole.ToolTipRole,
            )
        self.model_combo.setCurrentIndex(self.model_combo.findData(current.default_model))
        del blockers

    def _choose_model(self, index: int) -> None:
        model = self.model_combo.itemData(index)
        if isinstance(model, str):
            self._apply(default_model=model)

    def _apply(self, **changes: object) -> None:
        try:
            self._settings.update(**changes)
        except ValueError as exc:
            self.problem_label.setText(str(exc))
            self.problem_label.show()
            self._show_settings()
            self._fit_height()
            return
        self.problem_label.hide()

    def _fit_height(self) -> None:
        # A top-level window takes its minimum size from the layout without asking wrapped
        # labels how tall they get at its width, so a longer status would be clipped.
        self._layout.activate()
        needed = self._layout.totalHeightForWidth(self.width())
        self.setMinimumHeight(needed)
        if self.height() < needed:
            self.resize(self.width(), needed)

    def _reveal_library(self) -> None:
        folder = self._settings.paths.library
        # A library that has never been written to does not exist yet; show where it will be.
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    # Lifetime.

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # The keyring or the environment may have changed since the dialog was last open.
        self._keys.refresh()

    def hideEvent(self, event: QHideEvent) -> None:
        # A key typed but never saved must not linger in a hidden widget.
        self.key_field.clear()
        super().hideEvent(event)


def _heading(text: str, *, first: bool = False) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.12)
    label.setFont(font)
    label.setAccessibleName(f"{text} section")
    label.setContentsMargins(0, 0 if first else 14, 0, 2)
    return label


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setHorizontalSpacing(14)
    form.setVerticalSpacing(8)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    # Every form column starts at the same x, whichever section is widest.
    label.setMinimumWidth(120)
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return label


def _hint(text: str, parent: QWidget) -> QLabel:
    label = WrapLabel(text, parent)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def _button(text: str, tooltip: str, parent: QWidget) -> QPushButton:
    button = QPushButton(text, parent)
    button.setAccessibleName(text)
    button.setToolTip(tooltip)
    return button


def _budget_box(name: str, tooltip: str, parent: QWidget) -> QDoubleSpinBox:
    box = QDoubleSpinBox(parent)
    box.setRange(0.0, MAX_BUDGET_USD)
    box.setDecimals(2)
    box.setPrefix("$")
    box.setSingleStep(1.0)
    # At 0 the box reads "No cap" instead of "$0.00", which could be taken as "nothing allowed".
    box.setSpecialValueText("No cap")
    box.setKeyboardTracking(False)
    box.setAccessibleName(name)
    box.setToolTip(tooltip)
    box.setMaximumWidth(160)
    return box


def _budget(value: float) -> float | None:
    return None if value <= 0 else value
