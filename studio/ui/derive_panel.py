"""The small panel R, E and V open above the grid: what to do with the chosen drafts, on which
model and size, how many, and the cost, before anything is sent. Not a dialog: the grid
stays live and clickable beside it, and Esc puts it away."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.core.derive import Strength
from studio.core.derive.order import MAX_RESULTS
from studio.core.domain import Derivation
from studio.models.derive import DeriveModel
from studio.ui.shortcuts import claim_own_key
from studio.ui.theme import accent_button_style

_SEND_WORDS = {Derivation.REFINE: "Refine", Derivation.EDIT: "Edit", Derivation.VARY: "Vary"}
_PLACEHOLDERS = {
    Derivation.REFINE: "What to keep or improve (the default keeps composition and colours)",
    Derivation.EDIT: "What to change, e.g. make the headline say SALE",
}
_HINT = "Ctrl+Enter sends · Esc closes"


class DerivePanel(QFrame):
    """Binds to a DeriveModel: every control writes to it, every change redraws from it."""

    problem_shown = Signal(str)

    def __init__(self, model: DeriveModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setObjectName("DerivePanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Refine, edit or vary")
        self.setStyleSheet(
            "#DerivePanel { background: palette(alternate-base); border: none;"
            " border-bottom: 1px solid palette(dark); }"
        )
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 10, 16, 12)
        column.setSpacing(8)

        top = QHBoxLayout()
        self.title = QLabel()
        bold = QFont(self.title.font())
        bold.setWeight(QFont.Weight.DemiBold)
        self.title.setFont(bold)
        self.title.setAccessibleName("What will be done")
        hint = QLabel(_HINT)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setAccessibleName("Close")
        close.setToolTip("Close without sending (Esc)")
        close.clicked.connect(model.close)
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(hint)
        top.addWidget(close)
        column.addLayout(top)

        self.instruction = QLineEdit()
        self.instruction.setAccessibleName("Instruction")
        self.instruction.setClearButtonEnabled(True)
        self.instruction.textEdited.connect(model.set_instruction)
        self.instruction.returnPressed.connect(self.send)
        column.addWidget(self.instruction)

        options = QHBoxLayout()
        options.setSpacing(8)
        self.model_combo = self._combo(options, "&Model", "Model", "Where the work goes")
        self.model_combo.activated.connect(
            lambda i: model.set_model(str(self.model_combo.itemData(i)))
        )
        self.size_combo = self._combo(options, "Si&ze", "Size", "Output size")
        self.size_combo.activated.connect(
            lambda i: model.set_size(str(self.size_combo.itemData(i)))
        )
        count_label = QLabel("&Count")
        self.count = QSpinBox()
        self.count.setRange(1, MAX_RESULTS)
        self.count.setAccessibleName("Count")
        self.count.setToolTip("Results for each chosen draft")
        self.count.valueChanged.connect(model.set_count)
        count_label.setBuddy(self.count)
        options.addWidget(count_label)
        options.addWidget(self.count)

        self.strength = QWidget()
        strength_row = QHBoxLayout(self.strength)
        strength_row.setContentsMargins(8, 0, 0, 0)
        strength_row.setSpacing(0)
        self._strengths = QButtonGroup(self)
        for value, words, tip in (
            (Strength.SUBTLE, "Subtle", "Keep composition and palette; change the details"),
            (Strength.STRONG, "Strong", "Keep the idea; try a new composition or style"),
        ):
            button = QToolButton()
            button.setText(words)
            button.setCheckable(True)
            button.setAccessibleName(f"{words} variation")
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, s=value: model.set_strength(s))
            self._strengths.addButton(button)
            button.setProperty("strength", value.value)
            strength_row.addWidget(button)
        options.addWidget(self.strength)

        self.rerender = QCheckBox("Re-render without the image")
        self.rerender.setAccessibleName("Re-render without the image")
        self.rerender.setToolTip("Same prompt and seed on the chosen model; no input image")
        self.rerender.toggled.connect(model.set_rerender)
        options.addWidget(self.rerender)
        options.addStretch(1)
        column.addLayout(options)

        bottom = QHBoxLayout()
        self.cost = QLabel()
        self.cost.setAccessibleName("Cost preview")
        self.problem = QLabel()
        self.problem.setAccessibleName("Why it cannot be sent")
        self.problem.setStyleSheet("color: #E5A23B;")
        self.cancel = QPushButton("Cancel")
        self.cancel.setAccessibleName("Cancel")
        self.cancel.clicked.connect(model.close)
        self.send_button = QPushButton()
        self.send_button.setAccessibleName("Send")
        self.send_button.setMinimumWidth(110)
        self.send_button.setStyleSheet(accent_button_style())
        self.send_button.clicked.connect(self.send)
        bottom.addWidget(self.cost)
        bottom.addWidget(self.problem, 1)
        bottom.addWidget(self.cancel)
        bottom.addWidget(self.send_button)
        column.addLayout(bottom)

        model.changed.connect(self.refresh)
        model.opened.connect(self._opened)
        model.closed.connect(self.hide)
        self.hide()

    def _combo(self, row: QHBoxLayout, label_text: str, name: str, tip: str) -> QComboBox:
        label = QLabel(label_text)
        combo = QComboBox()
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.setAccessibleName(name)
        combo.setToolTip(tip)
        label.setBuddy(combo)
        row.addWidget(label)
        row.addWidget(combo)
        return combo

    def _opened(self) -> None:
        self.show()
        self.refresh()
        if self.model.kind == Derivation.VARY:
            self.send_button.setFocus()
        else:
            # The default refine words show from their start (End to extend them).
            self.instruction.setFocus()
            self.instruction.home(False)

    def refresh(self) -> None:
        model = self.model
        kind = model.kind
        if kind is None:
            return
        self.title.setText(model.title())
        self.instruction.setVisible(kind != Derivation.VARY)
        self.instruction.setPlaceholderText(_PLACEHOLDERS.get(kind, ""))
        self.instruction.setEnabled(not (kind == Derivation.REFINE and model.choice.rerender))
        if self.instruction.text() != model.instruction:
            self.instruction.setText(model.instruction)
        self.instruction.setToolTip(
            "Enter sends; the instruction is sent with the image"
            if kind == Derivation.EDIT
            else "Replace or extend what the refine asks for"
        )
        spec = model.model
        ids = [m.id for m in model.models()]
        if [self.model_combo.itemData(i) for i in range(self.model_combo.count())] != ids:
            self.model_combo.clear()
            for option in model.models():
                self.model_combo.addItem(option.label, option.id)
        self.model_combo.setCurrentIndex(max(0, self.model_combo.findData(spec.id)))
        self.size_combo.clear()
        for size in spec.sizes:
            self.size_combo.addItem(f"{size} · ${spec.price(size):.3f}", size)
        self.size_combo.setCurrentIndex(max(0, self.size_combo.findData(model.size)))
        self.size_combo.setEnabled(len(spec.sizes) > 1)
        if self.count.value() != model.choice.count:
            self.count.setValue(model.choice.count)
        self.strength.setVisible(kind == Derivation.VARY)
        for button in self._strengths.buttons():
            button.setChecked(button.property("strength") == model.choice.strength.value)
        self.rerender.setVisible(kind == Derivation.REFINE)
        self.rerender.setChecked(model.choice.rerender)
        self.cost.setText(model.cost_text())
        problem = model.problem()
        # An edit with no words yet is not a problem to shout about: the field says what to do.
        shown = (
            problem if problem and not (kind == Derivation.EDIT and not model.instruction) else ""
        )
        self.problem.setText(shown or "")
        self.send_button.setEnabled(problem is None)
        words = _SEND_WORDS[kind]
        self.send_button.setText(words)
        self.send_button.setToolTip(f"{words} {model.images} (Ctrl+Enter)")

    @staticmethod
    def _is_own_key(event: QKeyEvent) -> bool:
        """Ctrl+Enter and Esc mean send and close here, not Generate and Stop."""
        key = event.key()
        if key == Qt.Key.Key_Escape:
            return True
        control = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        return control and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)

    def event(self, event: QEvent) -> bool:
        # Focus sits in a child; its unclaimed shortcut overrides bubble up to here.
        if claim_own_key(event, self._is_own_key):
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._is_own_key(event):
            super().keyPressEvent(event)
        elif event.key() == Qt.Key.Key_Escape:
            self.model.close()
        else:
            self.send()

    def send(self) -> None:
        if not self.model.is_open:
            return  # Ctrl+Enter in the field already sent, then reached the panel too
        problem = self.model.send()
        if problem is not None:
            self.problem.setText(problem)
            self.problem_shown.emit(problem)
