"""The left panel: prompt, history, references, model, shape, count, seed, cost, Generate."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QIcon,
    QKeyEvent,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.core.catalog import ratio_groups
from studio.models.prompt import COUNT_RANGE, QUICK_COUNTS, PromptModel
from studio.ui.aspect_picker import AspectCombo
from studio.ui.theme import accent_button_style

_IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.webp)"


class PromptEditor(QPlainTextEdit):
    """↑ in an empty editor recalls the last prompt, as in a shell."""

    recall_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Up and not self.toPlainText():
            self.recall_requested.emit()
            return
        super().keyPressEvent(event)


class ReferenceStrip(QFrame):
    """Reference thumbnails with a remove button each, and a drop zone for new ones."""

    files_dropped = Signal(list)

    def __init__(self, model: PromptModel) -> None:
        super().__init__()
        self._model = model
        self.setAcceptDrops(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Reference images")
        self.setToolTip("Drop reference images here, or use Add…")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(6, 6, 6, 6)
        self._layout.setSpacing(6)
        self._hint = QLabel("Drop reference images here")
        self._hint.setEnabled(False)
        model.references_changed.connect(self._rebuild)
        self._rebuild()

    def _rebuild(self) -> None:
        while (item := self._layout.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None and widget is not self._hint:
                widget.deleteLater()
        if not self._model.reference_thumbnails:
            self._layout.addWidget(self._hint)
            self._hint.show()
            return
        self._hint.hide()
        for index, (image, path) in enumerate(
            zip(self._model.reference_thumbnails, self._model.reference_paths, strict=True)
        ):
            button = QToolButton()
            button.setIcon(QIcon(QPixmap.fromImage(image)))
            button.setIconSize(QSize(40, 40))
            button.setToolTip(f"{path.name} — click to remove")
            button.setAccessibleName(f"Remove reference {path.name}")
            button.clicked.connect(lambda _=False, i=index: self._model.remove_reference(i))
            self._layout.addWidget(button)
        self._layout.addStretch(1)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        self.files_dropped.emit(paths)
        event.acceptProposedAction()


class PromptPanel(QWidget):
    generate_requested = Signal()
    stop_requested = Signal()

    def __init__(self, model: PromptModel, below: QWidget | None = None) -> None:
        """`below`: shown under Generate (the Jobs section)."""
        super().__init__()
        self.model = model
        self.setMinimumWidth(300)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 14, 14, 14)
        layout.setSpacing(10)

        self.editor = PromptEditor()
        self.editor.setPlaceholderText("Describe the image… (Ctrl+Enter)")
        self.editor.setAccessibleName("Prompt")
        self.editor.setToolTip("Prompt (Ctrl+L to focus, Ctrl+Enter to generate)")
        font = self.editor.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.editor.setFont(font)
        self.editor.setTabChangesFocus(True)
        self.editor.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.editor.textChanged.connect(lambda: model.set_prompt(self.editor.toPlainText()))
        self.editor.recall_requested.connect(self._recall_last)
        layout.addWidget(self.editor, 3)

        self.history = QLineEdit()
        self.history.setPlaceholderText("Search earlier prompts…")
        self.history.setAccessibleName("Prompt history")
        self.history.setToolTip(
            "Search earlier prompts; pick one to reuse it (↑ in an empty prompt)"
        )
        self._history_words = QStringListModel()
        completer = QCompleter(self._history_words, self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.activated.connect(self._use_history)
        self.history.setCompleter(completer)
        layout.addWidget(self.history)

        self.references = ReferenceStrip(model)
        self.references.files_dropped.connect(self._add_references)
        add_reference = QPushButton("Add reference…")
        add_reference.setAccessibleName("Add reference image")
        add_reference.setToolTip("Add reference images (or drop them on the strip)")
        add_reference.clicked.connect(self._browse_references)
        layout.addWidget(self.references)
        layout.addWidget(add_reference)

        self.model_combo = self._labelled_combo(
            layout, "&Model", "Model", "Model (price per image)"
        )
        for spec in model.catalog.models:
            self.model_combo.addItem(f"{spec.label} · ${spec.price(spec.sizes[0]):.4f}", spec.id)
        self.model_combo.activated.connect(
            lambda i: model.set_model(str(self.model_combo.itemData(i)))
        )
        self.aspect_combo = AspectCombo()
        self._labelled_combo(
            layout,
            "&Aspect ratio",
            "Aspect ratio",
            "Aspect ratio (shapes this model supports, by use)",
            self.aspect_combo,
        )
        self.aspect_combo.ratio_chosen.connect(model.set_aspect)
        self.size_combo = self._labelled_combo(layout, "Si&ze", "Size", "Image size")
        self.size_combo.activated.connect(
            lambda i: model.set_size(str(self.size_combo.itemData(i)))
        )

        count_row = QHBoxLayout()
        count_label = QLabel("&Count")
        self.count = QSpinBox()
        self.count.setRange(*COUNT_RANGE)
        self.count.setAccessibleName("Count")
        self.count.setToolTip("How many drafts (1–200)")
        self.count.valueChanged.connect(model.set_count)
        count_label.setBuddy(self.count)
        count_row.addWidget(count_label)
        count_row.addWidget(self.count)
        for quick in QUICK_COUNTS:
            chip = QToolButton()
            chip.setText(str(quick))
            chip.setAccessibleName(f"Count {quick}")
            chip.setToolTip(f"Ask for {quick} drafts")
            chip.clicked.connect(lambda _=False, n=quick: self.count.setValue(n))
            count_row.addWidget(chip)
        layout.addLayout(count_row)

        seed_row = QHBoxLayout()
        self.fixed_seed = QCheckBox("Fixed &seed")
        self.fixed_seed.setAccessibleName("Fixed seed")
        self.fixed_seed.setToolTip("Use seed, seed+1, … for the slots; off: a random seed each")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setAccessibleName("Seed")
        self.seed.setToolTip("The first slot's seed")
        self.fixed_seed.toggled.connect(self._seed_changed)
        self.seed.valueChanged.connect(self._seed_changed)
        seed_row.addWidget(self.fixed_seed)
        seed_row.addWidget(self.seed, 1)
        layout.addLayout(seed_row)

        self.cost = QLabel()
        self.cost.setAccessibleName("Cost preview")
        self.cost.setWordWrap(True)  # the sandbox adds "· sandbox: nothing billed"
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Why Generate is unavailable")
        self.problem.setStyleSheet("color: #E5A23B;")
        layout.addWidget(self.cost)
        layout.addWidget(self.problem)
        self.as_job = QCheckBox("Send as &batch job · half price")
        self.as_job.setAccessibleName("Send as batch job (half price, results within 24 h)")
        self.as_job.setToolTip(
            "Google's Batch API runs the drafts at half the price, usually within the hour; "
            "their tiles fill in when the job has run, also after a restart"
        )
        self.as_job.toggled.connect(model.set_as_job)
        self.job_hint = QLabel("Results within 24 hours, usually much sooner.")
        muted = self.job_hint.palette()
        muted.setColor(
            QPalette.ColorRole.WindowText, muted.color(QPalette.ColorRole.PlaceholderText)
        )
        self.job_hint.setPalette(muted)
        self.job_hint.setIndent(22)  # under the check box's text, not its box
        layout.addWidget(self.as_job)
        layout.addWidget(self.job_hint)

        buttons = QHBoxLayout()
        self.generate = QPushButton("Generate")
        self.generate.setAccessibleName("Generate")
        self.generate.setToolTip("Generate (Ctrl+Enter)")
        self.generate.setMinimumHeight(40)
        self.generate.setDefault(True)
        bold = QFont(self.generate.font())
        bold.setBold(True)
        self.generate.setFont(bold)
        # The accent is used sparingly: this button, selection and focus.
        self.generate.setStyleSheet(accent_button_style())
        self.generate.clicked.connect(self.generate_requested)
        self.stop = QPushButton("Stop")
        self.stop.setAccessibleName("Stop")
        self.stop.setToolTip("Stop every queued and running draft (Esc)")
        self.stop.setMinimumHeight(40)
        self.stop.clicked.connect(self.stop_requested)
        buttons.addWidget(self.generate, 3)
        buttons.addWidget(self.stop, 1)
        layout.addLayout(buttons)
        if below is not None:
            layout.addWidget(below)

        model.changed.connect(self.refresh)
        self.refresh()

    def _labelled_combo(
        self,
        layout: QVBoxLayout,
        label_text: str,
        name: str,
        tooltip: str,
        combo: QComboBox | None = None,
    ) -> QComboBox:
        # A visible buddy label: screen readers announce a combo box by its current item.
        row = QHBoxLayout()
        label = QLabel(label_text)
        label.setMinimumWidth(90)
        combo = combo or QComboBox()
        combo.setAccessibleName(name)
        combo.setToolTip(tooltip)
        label.setBuddy(combo)
        row.addWidget(label)
        row.addWidget(combo, 1)
        layout.addLayout(row)
        return combo

    def refresh(self) -> None:
        model = self.model
        if self.editor.toPlainText() != model.prompt:
            self.editor.setPlainText(model.prompt)
        self.model_combo.setCurrentIndex(max(0, self.model_combo.findData(model.model_id)))
        spec = model.spec_of_model
        self.aspect_combo.set_groups(ratio_groups(spec.ratios))
        self.aspect_combo.set_ratio(model.aspect)
        if [self.size_combo.itemData(i) for i in range(self.size_combo.count())] != list(
            spec.sizes
        ):
            self.size_combo.clear()
            for size in spec.sizes:
                self.size_combo.addItem(f"{size} · ${spec.price(size):.4f}", size)
        self.size_combo.setCurrentIndex(max(0, self.size_combo.findData(model.size)))
        self.size_combo.setEnabled(len(spec.sizes) > 1)
        if self.count.value() != model.count:
            self.count.setValue(model.count)
        self.fixed_seed.setChecked(model.seed is not None)
        self.seed.setEnabled(model.seed is not None)
        if model.seed is not None and self.seed.value() != model.seed:
            self.seed.setValue(model.seed)
        self.cost.setText(model.cost_text())
        problem = model.problem_with_request() if model.prompt.strip() else None
        self.problem.setText(problem or "")
        self.problem.setVisible(bool(problem))
        self.generate.setEnabled(bool(model.prompt.strip()) and problem is None)
        self.as_job.setVisible(model.job_offered)
        self.job_hint.setVisible(model.job_offered)
        self.as_job.setChecked(model.as_job)
        self.generate.setText("Send batch job" if model.sends_job else "Generate")
        if self._history_words.stringList() != model.history:
            self._history_words.setStringList(model.history)

    def set_running(self, running: bool) -> None:
        self.stop.setEnabled(running)

    def _seed_changed(self) -> None:
        self.model.set_seed(self.seed.value() if self.fixed_seed.isChecked() else None)

    def _recall_last(self) -> None:
        if self.model.history:
            self.model.set_prompt(self.model.history[0])
            self.refresh()
            self.editor.moveCursor(self.editor.textCursor().MoveOperation.End)

    def _use_history(self, text: str) -> None:
        self.model.set_prompt(text)
        self.refresh()
        self.history.clear()
        self.editor.setFocus()

    def _browse_references(self) -> None:
        # open(), not exec(): no nested event loop while drafts are streaming in.
        dialog = QFileDialog(self, "Add reference images", "", _IMAGE_FILTER)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.filesSelected.connect(lambda files: self._add_references([Path(f) for f in files]))
        dialog.open()

    def _add_references(self, paths: list[Path]) -> None:
        for path in paths:
            self.model.add_reference(path)

    def focus_prompt(self) -> None:
        self.editor.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.editor.selectAll()
