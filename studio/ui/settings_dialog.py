"""Settings: the API key, budgets, generation defaults and where the library lives.

Shown with `show()`, never `exec()`: a nested event loop inside the qasync loop breaks the
coroutines that run while the dialog is open. Every change applies and saves at once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.models.key_model import KeyModel
from studio.models.settings_model import SettingsModel
from studio.ui.settings_form import heading, hint, note
from studio.ui.settings_key import KeySection
from studio.ui.settings_sections import BudgetSection, GenerationSection, LibrarySection


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

        self.key = KeySection(keys, self)
        self.budgets = BudgetSection(self._apply, self)
        self.generation = GenerationSection(settings, self._apply, self)
        self.library = LibrarySection(settings, self)
        layout = self._layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(8)
        for number, (title, section) in enumerate(
            (
                ("API key", self.key),
                ("Budgets", self.budgets),
                ("Generation", self.generation),
                ("Library", self.library),
            )
        ):
            layout.addWidget(heading(title, first=number == 0))
            layout.addWidget(section)
        # Room left over when a long status shrinks again goes above the footer, not between
        # the rows.
        layout.addStretch(1)
        layout.addSpacing(12)
        layout.addLayout(self._build_footer())

        self.key.resized.connect(self._fit_height)
        settings.changed.connect(self._show_settings)
        self._show_settings()
        self._fit_height()

    def _build_footer(self) -> QHBoxLayout:
        self.problem_label = note("Settings problem", "Why the last change was not applied", self)
        self.problem_label.hide()
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.close_button = box.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAccessibleName("Close settings")
        self.close_button.setToolTip("Close Settings (Esc)")
        box.rejected.connect(self.close)
        footer = QHBoxLayout()
        column = QVBoxLayout()
        column.addWidget(self.problem_label)
        column.addWidget(hint("Changes are saved as you make them.", self))
        footer.addLayout(column, 1)
        footer.addWidget(box, 0, Qt.AlignmentFlag.AlignBottom)
        for button in self.findChildren(QPushButton):
            # Enter in the key field or a spin box must not press some other button.
            button.setAutoDefault(False)
            button.setDefault(False)
        return footer

    def _show_settings(self) -> None:
        current = self._settings.settings
        self.budgets.show_settings(current)
        self.generation.show_settings(current)

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

    # Lifetime.

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # The keyring or the environment may have changed since the dialog was last open.
        self._keys.refresh()

    def hideEvent(self, event: QHideEvent) -> None:
        # A key typed but never saved must not linger in a hidden widget.
        self.key.key_field.clear()
        super().hideEvent(event)
