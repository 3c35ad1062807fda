"""Export: what, where, how named, which metadata; progress with cancel; the result.

Shown with `show()`, never `exec()`, like Settings: drafts keep streaming in while it is open,
and the folder picker is opened with `open()` for the same reason. The ExportModel does the
work; this shell holds the presets and the buttons, and its sections (export_scope,
export_format, export_naming, export_progress) collect the choices and show the progress."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.core.export import ExportReport, ExportSettings, TemplateError
from studio.core.export.user_presets import PresetError
from studio.core.library import DraftRecord
from studio.models.export_model import ExportModel
from studio.ui.export_format import FormatControls
from studio.ui.export_naming import NamingControls
from studio.ui.export_progress import ExportProgress
from studio.ui.export_scope import ScopeControls

DEFAULT_PRESET = "original"


def _button(text: str, name: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(name)
    button.setToolTip(tip)
    return button


class ExportDialog(QDialog):
    """Non-modal: open it with `show()`, never `exec()`."""

    # The window remembers both in window.ini for next time.
    target_chosen = Signal(str)
    preset_chosen = Signal(str)

    def __init__(self, model: ExportModel, target: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setWindowTitle("Export")
        self.setAccessibleName("Export")
        self.setMinimumWidth(600)

        self.what = ScopeControls(model, target, self)
        self.preset = QComboBox()
        self.preset.setAccessibleName("Preset")
        self.preset.setToolTip(
            "Saved export settings; your own presets also keep their names and metadata choices"
        )
        self.save_preset = _button(
            "Save as preset…",
            "Save as preset",
            "Keep these settings under a name, here and for the CLI",
        )
        self.save_preset.clicked.connect(self._ask_preset_name)
        self.delete_preset = _button(
            "Delete", "Delete preset", "Delete this saved preset (built-in ones stay)"
        )
        self.delete_preset.clicked.connect(self._delete_preset)
        self.preset_detail = QLabel()
        self.preset_detail.setAccessibleName("Preset details")
        self.preset_detail.setToolTip("What the files will be")
        self.preset_detail.setEnabled(False)  # dimmed: a note, not a control
        self.format = FormatControls(self)
        self.naming = NamingControls(self)
        self.footer = ExportProgress(self)
        self.export_button = _button("Export", "Export", "Start exporting (Enter)")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        self.cancel_button = _button("Close", "Close", "Close this dialog (Esc)")
        self.cancel_button.clicked.connect(self._cancel_or_close)
        self._lay_out()

        self.what.changed.connect(self._scope_changed)
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        self.format.changed.connect(self._refresh)
        self.naming.changed.connect(self._refresh)
        model.started.connect(self.footer.started)
        model.progressed.connect(self.footer.progressed)
        model.finished.connect(self._finished)
        model.refused.connect(self.footer.show_status)
        model.running_changed.connect(self._running_changed)
        model.presets_changed.connect(self._fill_presets)
        self._fill_presets()
        self._preset_chosen()
        self.what.refresh()
        self._running_changed(model.running)
        if model.preset_problems:
            self.footer.show_status(" ".join(model.preset_problems))

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.what.add_rows(form)
        preset_row = QHBoxLayout()
        preset_row.addWidget(self.preset, 1)
        preset_row.addWidget(self.save_preset)
        preset_row.addWidget(self.delete_preset)
        preset_label = QLabel("&Preset")
        preset_label.setBuddy(self.preset)
        form.addRow(preset_label, preset_row)
        form.addRow("", self.preset_detail)
        self.format.add_rows(form)
        self.naming.add_rows(form)

        buttons = QHBoxLayout()
        buttons.addWidget(self.footer.open_folder)
        buttons.addWidget(self.footer.show_failures)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.export_button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addSpacing(6)
        layout.addWidget(self.footer.area)
        layout.addLayout(buttons)

    # -- choices -------------------------------------------------------------------------------

    def set_selection(self, draft_ids: list[int]) -> None:
        """Picks are the default when there are any, else the selection."""
        self.what.set_selection(draft_ids, choose_scope=not self.model.running)

    def set_preset(self, preset_id: str) -> None:
        index = self.preset.findData(preset_id)
        if index >= 0:
            self.preset.setCurrentIndex(index)

    def set_target(self, folder: str) -> None:
        self.what.folder.setText(folder)

    def settings(self) -> ExportSettings:
        return self.format.apply(self.naming.apply(ExportSettings()))

    def drafts(self) -> list[DraftRecord]:
        return self.what.drafts()

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
        if not self.model.is_builtin(chosen.id):
            self.naming.display(chosen.settings)
        self._offer_delete()
        self.format.display(chosen.settings)  # announces the change: _refresh runs

    def _offer_delete(self) -> None:
        """Only the user's own presets can be deleted, and not while they are in use."""
        mine = not self.model.is_builtin(self._preset_id())
        self.delete_preset.setEnabled(mine and not self.model.running)

    def _edited(self) -> bool:
        """Whether the controls differ from the chosen preset (built-in: its format only)."""
        chosen = self.model.preset(self._preset_id()).settings
        if self.model.is_builtin(self._preset_id()):
            return self.format.apply(chosen) != chosen
        # A hand-edited preset may hold a combination the one metadata choice reads as another.
        return self.settings() != chosen.with_metadata(chosen.metadata)

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
            self.footer.show_status(str(exc))
            return
        self.set_preset(preset_id)
        self.footer.show_status(sentence)

    def _delete_preset(self) -> None:
        try:
            sentence = self.model.delete_preset(self._preset_id())
        except PresetError as exc:
            self.footer.show_status(str(exc))
            return
        self.footer.show_status(sentence)

    # -- what the choices give -----------------------------------------------------------------

    def _scope_changed(self) -> None:
        self.setWindowTitle(self.what.title())
        self._refresh()

    def _refresh(self) -> None:
        drafts = self.what.drafts()
        settings = self.settings()
        edited = "  ·  edited" if self.preset.count() and self._edited() else ""
        self.preset_detail.setText(settings.describe() + edited)
        try:
            names = self.model.preview_names(
                settings.name_template, drafts, settings.format.extension
            )
        except TemplateError as exc:
            self.naming.show_problem(str(exc))
            self.export_button.setEnabled(False)
            return
        self.naming.show_names(names, len(drafts))
        self.export_button.setEnabled(bool(drafts) and not self.model.running)

    # -- running -------------------------------------------------------------------------------

    def start(self) -> None:
        target = self.what.target()
        if target is None:
            self.footer.show_status("Choose a folder to export to.")
            return
        try:
            self.model.start(self.drafts(), self.settings(), target)
        except ValueError as exc:  # the target's sentence among them, before anything starts
            self.footer.show_status(str(exc))
            return
        finally:
            self.what.refresh_folder()  # it may have just been created
        self.target_chosen.emit(str(target))
        self.preset_chosen.emit(self._preset_id())

    def _cancel_or_close(self) -> None:
        if self.model.running:
            self.model.cancel()
            self.cancel_button.setEnabled(False)  # files in flight still finish
            self.footer.cancelling()
        else:
            self.close()

    def _finished(self, report: ExportReport, target: Path) -> None:
        self.footer.finished(report, target, self.model.created_target)
        self.what.refresh_folder()

    def _running_changed(self, running: bool) -> None:
        self.what.set_enabled(not running)
        self.naming.set_enabled(not running)
        self.format.set_enabled(not running)
        for widget in (self.preset, self.save_preset):
            widget.setEnabled(not running)
        self._offer_delete()
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Cancel" if running else "Close")
        self.cancel_button.setAccessibleName("Cancel export" if running else "Close")
        self.cancel_button.setToolTip(
            "Stop after the files being written (Esc)" if running else "Close this dialog (Esc)"
        )
        self.export_button.setEnabled(not running and bool(self.what.drafts()))

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
