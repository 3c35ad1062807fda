"""Export: what, where, how named, which metadata; progress with cancel; the result.

Shown with `show()`, never `exec()`, like Settings: drafts keep streaming in while it is open,
and the folder picker is opened with `open()` for the same reason. The ExportModel does the
work; this widget only collects choices and shows what the model reports."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSignalBlocker, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.core.export import ExportReport, ExportSettings, TemplateError
from studio.core.export.presets import DEFAULT_TEMPLATE
from studio.core.export.user_presets import PresetError
from studio.core.library import DraftRecord
from studio.models.export_model import ExportModel, Scope, summary
from studio.ui.export_format import FormatControls
from studio.ui.settings_dialog import WrapLabel

DEFAULT_PRESET = "original"


class ExportDialog(QDialog):
    """Non-modal: open it with `show()`, never `exec()`."""

    # The window remembers both in window.ini for next time.
    target_chosen = Signal(str)
    preset_chosen = Signal(str)

    def __init__(self, model: ExportModel, target: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._selected: list[int] = []
        self._drafts: list[DraftRecord] = []  # what the scope matches, for count and preview
        self._last_target: Path | None = None
        self.setWindowTitle("Export")
        self.setAccessibleName("Export")
        self.setMinimumWidth(560)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)

        self.scope = QComboBox()
        self.scope.setAccessibleName("What to export")
        self.scope.setToolTip("Export the selected drafts, every pick, or drafts rated highly")
        self.scope.addItem("Selected drafts", Scope.SELECTION)
        self.scope.addItem("All picks", Scope.PICKS)
        self.scope.addItem("Rated at least", Scope.MIN_RATING)
        self.min_rating = QSpinBox()
        self.min_rating.setRange(1, 5)
        self.min_rating.setValue(3)
        self.min_rating.setSuffix(" ★")
        self.min_rating.setAccessibleName("Minimum rating")
        self.min_rating.setToolTip("Export drafts with at least this many stars")
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Drafts to export")
        self.count_label.setToolTip("How many drafts with an image match")
        scope_row = QHBoxLayout()
        scope_row.addWidget(self.scope, 1)
        scope_row.addWidget(self.min_rating)
        scope_row.addWidget(self.count_label)
        scope_label = QLabel("&Export")
        scope_label.setBuddy(self.scope)
        form.addRow(scope_label, scope_row)

        self.folder = QLineEdit(target)
        self.folder.setAccessibleName("Target folder")
        self.folder.setToolTip("The folder the files are written to; nothing there is overwritten")
        self.folder.setPlaceholderText("Choose a folder…")
        self.choose = QPushButton("Choose…")
        self.choose.setAccessibleName("Choose target folder")
        self.choose.setToolTip("Pick the folder to export into")
        self.choose.clicked.connect(self._choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.choose)
        folder_label = QLabel("&Folder")
        folder_label.setBuddy(self.folder)
        form.addRow(folder_label, folder_row)

        self.preset = QComboBox()
        self.preset.setAccessibleName("Preset")
        self.preset.setToolTip(
            "Saved export settings; your own presets also keep their names and metadata choices"
        )
        self.save_preset = QPushButton("Save as preset…")
        self.save_preset.setAccessibleName("Save as preset")
        self.save_preset.setToolTip("Keep these settings under a name, here and for the CLI")
        self.save_preset.clicked.connect(self._ask_preset_name)
        self.delete_preset = QPushButton("Delete")
        self.delete_preset.setAccessibleName("Delete preset")
        self.delete_preset.setToolTip("Delete this saved preset (built-in ones stay)")
        self.delete_preset.clicked.connect(self._delete_preset)
        preset_row = QHBoxLayout()
        preset_row.addWidget(self.preset, 1)
        preset_row.addWidget(self.save_preset)
        preset_row.addWidget(self.delete_preset)
        preset_label = QLabel("&Preset")
        preset_label.setBuddy(self.preset)
        self.preset_detail = QLabel()
        self.preset_detail.setAccessibleName("Preset details")
        self.preset_detail.setToolTip("What the files will be")
        self.preset_detail.setEnabled(False)  # dimmed: a note, not a control
        form.addRow(preset_label, preset_row)
        form.addRow("", self.preset_detail)
        self.format = FormatControls(self)
        self.format.add_rows(form)

        self.template = QLineEdit(DEFAULT_TEMPLATE)
        self.template.setAccessibleName("Name template")
        self.template.setToolTip(
            "File names from tokens: {date} {time} {batch} {index} {seed} {model} {rating}"
            " {flag} {id} {prompt} or {prompt:N}; a '/' makes subfolders"
        )
        template_label = QLabel("&Names")
        template_label.setBuddy(self.template)
        form.addRow(template_label, self.template)
        # Not wrapped: a file name broken over two lines reads as two names.
        self.preview = QLabel()
        self.preview.setAccessibleName("Name preview")
        self.preview.setToolTip("The first file names the template gives")
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("", self.preview)

        self.embed = QCheckBox("Embed metadata (prompt, model, seed)")
        self.embed.setChecked(True)
        self.embed.setAccessibleName("Embed metadata")
        self.embed.setToolTip("Write the prompt, model and seed into each file")
        self.sidecar = QCheckBox("Write JSON/XMP sidecar files")
        self.sidecar.setAccessibleName("Sidecar files")
        self.sidecar.setToolTip("A .json beside every file, and an .xmp beside Original copies")
        self.strip = QCheckBox("Strip all metadata")
        self.strip.setAccessibleName("Strip all metadata")
        self.strip.setToolTip("Write no metadata at all; overrides the two options above")
        self.strip.toggled.connect(self._strip_toggled)
        metadata = QVBoxLayout()
        metadata.setSpacing(4)
        for box in (self.embed, self.sidecar, self.strip):
            metadata.addWidget(box)
        form.addRow("Metadata", metadata)

        self.progress = QProgressBar()
        self.progress.setAccessibleName("Export progress")
        self.progress.setToolTip("Files written so far")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("%v of %m")
        self.progress.hide()  # "0 of 1" before anything runs would be noise
        self.status = WrapLabel()
        self.status.setAccessibleName("Export result")
        self.status.setToolTip("What the last export did")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.failures = QPlainTextEdit()
        self.failures.setReadOnly(True)
        self.failures.setAccessibleName("Export failures")
        self.failures.setToolTip("One line for each file that could not be exported")
        self.failures.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.failures.setMaximumHeight(72)
        self.failures.hide()

        self.open_folder = QPushButton("Open folder")
        self.open_folder.setAccessibleName("Open folder")
        self.open_folder.setToolTip("Show the exported files in the file manager")
        self.open_folder.clicked.connect(self._open_folder)
        self.open_folder.hide()
        self.export_button = QPushButton("Export")
        self.export_button.setAccessibleName("Export")
        self.export_button.setToolTip("Start exporting (Enter)")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Close")
        self.cancel_button.setAccessibleName("Close")
        self.cancel_button.setToolTip("Close this dialog (Esc)")
        self.cancel_button.clicked.connect(self._cancel_or_close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_folder)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.export_button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addSpacing(6)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.failures)
        layout.addLayout(buttons)

        self.scope.currentIndexChanged.connect(self._refresh_drafts)
        self.min_rating.valueChanged.connect(self._refresh_drafts)
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        self.format.changed.connect(self._refresh)
        for box in (self.embed, self.sidecar, self.strip):
            box.toggled.connect(self._refresh)
        self.template.textChanged.connect(self._refresh)
        model.started.connect(self._started)
        model.progressed.connect(self._progressed)
        model.finished.connect(self._finished)
        model.running_changed.connect(self._running_changed)
        model.presets_changed.connect(self._fill_presets)
        self._fill_presets()
        self._preset_chosen()
        self._refresh_drafts()
        self._running_changed(model.running)
        if model.preset_problems:
            self._show_status(" ".join(model.preset_problems))

    # -- choices -------------------------------------------------------------------------------

    def set_selection(self, draft_ids: list[int]) -> None:
        """The selection is the default scope when there is one, else all picks."""
        self._selected = list(draft_ids)
        if not self.model.running:
            wanted = Scope.SELECTION if self._selected else Scope.PICKS
            self.scope.setCurrentIndex(self.scope.findData(wanted))
        self._refresh_drafts()

    def set_preset(self, preset_id: str) -> None:
        index = self.preset.findData(preset_id)
        if index >= 0:
            self.preset.setCurrentIndex(index)

    def set_target(self, folder: str) -> None:
        self.folder.setText(folder)

    def settings(self) -> ExportSettings:
        naming = ExportSettings(
            name_template=self.template.text(),
            embed_metadata=self.embed.isChecked(),
            sidecar=self.sidecar.isChecked(),
            strip_metadata=self.strip.isChecked(),
        )
        return self.format.apply(naming)

    # -- presets -------------------------------------------------------------------------------

    def _preset_id(self) -> str:
        return str(self.preset.currentData())

    def _fill_presets(self) -> None:
        current = self._preset_id() if self.preset.count() else DEFAULT_PRESET
        with QSignalBlocker(self.preset):
            self.preset.clear()
            for preset in self.model.presets():
                mine = not self.model.is_builtin(preset.id)
                self.preset.addItem(f"{preset.label}{'  ·  saved' if mine else ''}", preset.id)
            found = self.preset.findData(current)
            self.preset.setCurrentIndex(found if found >= 0 else 0)
        # When the chosen preset was just deleted, its settings stay in the controls, so
        # "Save as preset…" can bring it back.
        self._offer_delete()
        self._refresh()

    def _preset_chosen(self) -> None:
        """Built-in presets set the format; the user's also set names and metadata."""
        chosen = self.model.preset(self._preset_id())
        mine = not self.model.is_builtin(chosen.id)
        if mine:
            widgets = (self.template, self.embed, self.sidecar, self.strip)
            blockers = [QSignalBlocker(w) for w in widgets]
            self.template.setText(chosen.settings.name_template)
            self.embed.setChecked(chosen.settings.embed_metadata)
            self.sidecar.setChecked(chosen.settings.sidecar)
            self.strip.setChecked(chosen.settings.strip_metadata)
            del blockers
            self._strip_toggled(self.strip.isChecked())
        self._offer_delete()
        self.format.display(chosen.settings)  # announces the change: _refresh runs

    def _offer_delete(self) -> None:
        """Only the user's own presets can be deleted, and not while they are in use."""
        mine = not self.model.is_builtin(self._preset_id())
        self.delete_preset.setEnabled(mine and not self.model.running)

    def _edited(self) -> bool:
        """Whether the controls differ from the chosen preset (built-in: its format only)."""
        chosen = self.model.preset(self._preset_id())
        if self.model.is_builtin(chosen.id):
            return self.format.apply(chosen.settings) != chosen.settings
        return self.settings() != chosen.settings

    def _ask_preset_name(self) -> None:
        chosen = self.model.preset(self._preset_id())
        asker = QInputDialog(self)
        asker.setWindowTitle("Save as preset")
        asker.setLabelText("Preset name (the same name updates that preset):")
        asker.setTextValue("" if self.model.is_builtin(chosen.id) else chosen.label)
        asker.setOkButtonText("Save")
        asker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        asker.textValueSelected.connect(self.save_as_preset)
        asker.open()  # not exec(): no nested event loop

    def save_as_preset(self, label: str) -> None:
        try:
            preset_id, sentence = self.model.save_preset(label, self.settings())
        except PresetError as exc:
            self._show_status(str(exc))
            return
        self.set_preset(preset_id)
        self._show_status(sentence)

    def _delete_preset(self) -> None:
        try:
            sentence = self.model.delete_preset(self._preset_id())
        except PresetError as exc:
            self._show_status(str(exc))
            return
        self._show_status(sentence)

    def drafts(self) -> list[DraftRecord]:
        scope = Scope(self.scope.currentData())
        return self.model.drafts_for(scope, self._selected, self.min_rating.value())

    def _refresh_drafts(self) -> None:
        """Asks the library again: only when the scope changes, not on every keystroke."""
        scope = Scope(self.scope.currentData())
        self.min_rating.setVisible(scope == Scope.MIN_RATING)
        self.scope.setItemText(
            self.scope.findData(Scope.SELECTION), f"Selected drafts ({len(self._selected)})"
        )
        self._drafts = self.drafts()
        self.count_label.setText(f"{len(self._drafts)} with images")
        self._refresh()

    def _refresh(self) -> None:
        drafts = self._drafts
        settings = self.settings()
        edited = "  ·  edited" if self.preset.count() and self._edited() else ""
        self.preset_detail.setText(settings.describe() + edited)
        try:
            names = self.model.preview_names(
                self.template.text(), drafts, settings.format.extension
            )
        except TemplateError as exc:
            self.preview.setText(str(exc))
            self.export_button.setEnabled(False)
            return
        more = len(drafts) - len(names)
        lines = names + ([f"… and {more} more"] if more > 0 else [])
        self.preview.setText("\n".join(lines) if lines else "Nothing to export yet.")
        self.export_button.setEnabled(bool(drafts) and not self.model.running)

    def _strip_toggled(self, strip: bool) -> None:
        # Stripping wins in the engine; greying the others out says so.
        self.embed.setEnabled(not strip)
        self.sidecar.setEnabled(not strip)

    def _choose_folder(self) -> None:
        picker = QFileDialog(self, "Export to folder", self.folder.text())
        picker.setFileMode(QFileDialog.FileMode.Directory)
        picker.setOption(QFileDialog.Option.ShowDirsOnly, True)
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        picker.fileSelected.connect(self.folder.setText)
        picker.open()  # not exec(): no nested event loop

    # -- running -------------------------------------------------------------------------------

    def start(self) -> None:
        target = Path(self.folder.text().strip()).expanduser()
        if not self.folder.text().strip():
            self._show_status("Choose a folder to export to.")
            return
        self.target_chosen.emit(str(target))
        self.preset_chosen.emit(self._preset_id())
        try:
            self.model.start(self.drafts(), self.settings(), target)
        except ValueError as exc:
            self._show_status(str(exc))

    def _cancel_or_close(self) -> None:
        if self.model.running:
            self.model.cancel()
            self.cancel_button.setEnabled(False)  # files in flight still finish
            self._show_status("Cancelling: files being written finish first…")
        else:
            self.close()

    def _show_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.show()

    def _started(self, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.progress.show()
        self.failures.clear()
        self.failures.hide()
        self.open_folder.hide()
        self._show_status(f"Exporting {total} file{'s' if total != 1 else ''}…")

    def _progressed(self, done: int, total: int, failure: str) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)
        if failure:
            self.failures.appendPlainText(failure)
            self.failures.show()

    def _finished(self, report: ExportReport, target: Path) -> None:
        self.progress.setValue(self.progress.maximum())
        self._last_target = target
        self._show_status(summary(report, target))
        self.open_folder.setVisible(bool(report.exported))

    def _running_changed(self, running: bool) -> None:
        choices: tuple[QWidget, ...] = (
            self.scope,
            self.min_rating,
            self.folder,
            self.choose,
            self.preset,
            self.save_preset,
            self.template,
            self.strip,
        )
        for widget in choices:
            widget.setEnabled(not running)
        self.format.set_enabled(not running)
        self._offer_delete()
        if not running:
            self._strip_toggled(self.strip.isChecked())
        else:
            self.embed.setEnabled(False)
            self.sidecar.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Cancel" if running else "Close")
        self.cancel_button.setAccessibleName("Cancel export" if running else "Close")
        self.cancel_button.setToolTip(
            "Stop after the files being written (Esc)" if running else "Close this dialog (Esc)"
        )
        self.export_button.setEnabled(not running and bool(self._drafts))

    def _open_folder(self) -> None:
        if self._last_target is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._last_target)))

    def showEvent(self, event: QShowEvent) -> None:
        # A preset saved from the command line since the last time shows up.
        self.model.reload_presets()
        self._fill_presets()
        super().showEvent(event)

    def reject(self) -> None:
        # Esc while exporting cancels the export instead of hiding it.
        if self.model.running:
            self._cancel_or_close()
            return
        super().reject()
