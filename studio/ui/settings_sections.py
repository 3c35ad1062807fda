"""The sections of Settings that edit `Settings` values: budgets, generation defaults and
where the library lives. Each change goes through the dialog's `apply`, which saves it or
says in words why it was not taken."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSignalBlocker, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLineEdit,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from studio.core.catalog import ModelSpec
from studio.core.settings import CONCURRENCY_RANGE, TIMEOUT_RANGE, Settings
from studio.models.settings_model import SettingsModel
from studio.ui.settings_form import button, form, hint, label

MAX_BUDGET_USD = 100_000.0
Apply = Callable[..., None]  # keyword arguments: the Settings fields that change


def price_text(usd: float) -> str:
    """$0.0336, $0.067, $0.24: as many decimals as the price has, at least two."""
    whole, _, cents = f"{usd:.4f}".rstrip("0").partition(".")
    return f"${whole}.{cents.ljust(2, '0')}"


def model_choice_text(spec: ModelSpec) -> str:
    size = "1K" if "1K" in spec.sizes else spec.sizes[0]
    return f"{spec.label}  ·  {price_text(spec.price(size))} per {size} image"


class BudgetSection(QWidget):
    def __init__(self, apply: Apply, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        rows = form(self)
        self.session_budget = _budget_box(
            "Session budget in US dollars",
            "Stop sending requests once this session has spent this much. 0 means no cap.",
            self,
        )
        self.session_budget.valueChanged.connect(
            lambda value: apply(session_budget_usd=_budget(value))
        )
        rows.addRow(label("&Session budget", self.session_budget), self.session_budget)
        self.daily_budget = _budget_box(
            "Daily budget in US dollars",
            "Stop sending requests once today's spending reaches this much. 0 means no cap.",
            self,
        )
        self.daily_budget.valueChanged.connect(lambda value: apply(daily_budget_usd=_budget(value)))
        rows.addRow(label("&Daily budget", self.daily_budget), self.daily_budget)
        rows.addRow("", hint("0 means no cap. Spending is estimated from list prices.", self))

    def show_settings(self, current: Settings) -> None:
        with QSignalBlocker(self.session_budget), QSignalBlocker(self.daily_budget):
            self.session_budget.setValue(current.session_budget_usd or 0.0)
            self.daily_budget.setValue(current.daily_budget_usd or 0.0)


class GenerationSection(QWidget):
    def __init__(
        self, settings: SettingsModel, apply: Apply, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._apply = apply
        rows = form(self)
        self.model_combo = QComboBox(self)
        self.model_combo.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.model_combo.setAccessibleName("Default model")
        self.model_combo.setToolTip("The model new batches start with, and its price per image")
        self.model_combo.activated.connect(self._choose_model)
        rows.addRow(label("Default &model", self.model_combo), self.model_combo)

        self.concurrency = QSpinBox(self)
        self.concurrency.setRange(*CONCURRENCY_RANGE)
        self.concurrency.setKeyboardTracking(False)
        self.concurrency.setAccessibleName("Maximum concurrent requests")
        self.concurrency.setToolTip(
            "How many images are requested at once. Draft Studio slows down by itself "
            "when the service asks it to."
        )
        self.concurrency.valueChanged.connect(lambda value: apply(max_concurrency=value))
        rows.addRow(label("Max &concurrency", self.concurrency), self.concurrency)

        self.timeout = QSpinBox(self)
        low, high = TIMEOUT_RANGE
        self.timeout.setRange(int(low), int(high))
        self.timeout.setSuffix(" s")
        self.timeout.setKeyboardTracking(False)
        self.timeout.setAccessibleName("Request timeout in seconds")
        self.timeout.setToolTip("Give up on one image after this many seconds without an answer")
        self.timeout.valueChanged.connect(lambda value: apply(request_timeout_s=value))
        rows.addRow(label("Request &timeout", self.timeout), self.timeout)
        for box in (self.concurrency, self.timeout):
            box.setMaximumWidth(120)

        self.keep_focus = QCheckBox("Keep focus in the &prompt", self)
        self.keep_focus.setAccessibleName("Keep focus in the prompt after Generate")
        self.keep_focus.setToolTip(
            "Off: the new batch's first draft takes the focus, ready for P, X and the arrows. "
            "On: keep typing the next prompt (Ctrl+G goes to the grid)."
        )
        self.keep_focus.toggled.connect(lambda on: apply(keep_focus_in_prompt=on))
        rows.addRow(label("After Generate", self.keep_focus), self.keep_focus)

    def show_settings(self, current: Settings) -> None:
        combo = self.model_combo
        with (
            QSignalBlocker(combo),
            QSignalBlocker(self.concurrency),
            QSignalBlocker(self.timeout),
            QSignalBlocker(self.keep_focus),
        ):
            self.concurrency.setValue(current.max_concurrency)
            self.timeout.setValue(round(current.request_timeout_s))
            self.keep_focus.setChecked(current.keep_focus_in_prompt)
            combo.clear()
            for spec in self._settings.catalog.models:
                combo.addItem(model_choice_text(spec), spec.id)
                combo.setItemData(
                    combo.count() - 1,
                    f"{spec.id} · {spec.role} model · sizes {', '.join(spec.sizes)}",
                    Qt.ItemDataRole.ToolTipRole,
                )
            combo.setCurrentIndex(combo.findData(current.default_model))

    def _choose_model(self, index: int) -> None:
        model = self.model_combo.itemData(index)
        if isinstance(model, str):
            self._apply(default_model=model)


class LibrarySection(QWidget):
    def __init__(self, settings: SettingsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        rows = form(self)
        self.library_path = QLineEdit(str(settings.paths.library), self)
        self.library_path.setReadOnly(True)
        self.library_path.setAccessibleName("Library location")
        self.library_path.setToolTip(
            "The folder that holds your images. Set DRAFT_STUDIO_LIBRARY to use another one."
        )
        self.library_path.setCursorPosition(0)
        self.reveal_button = button("Reveal", "Open the library folder in your file manager", self)
        self.reveal_button.clicked.connect(self._reveal)
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(self.library_path, 1)
        row.addWidget(self.reveal_button)
        rows.addRow(label("&Location", self.library_path), row)

    def _reveal(self) -> None:
        folder = self._settings.paths.library
        # A library that has never been written to does not exist yet; show where it will be.
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


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
