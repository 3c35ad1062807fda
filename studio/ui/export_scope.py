"""The export dialog's first rows: which drafts (picks, the selection, a rating) and the folder.

Picks are what the app is for, so they are the default whenever there are any; the selection
is the fallback. Each choice says how many drafts it covers, and the folder line says what
will happen to the folder (it is created when missing, as the CLI does)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from studio.core.library import DraftRecord
from studio.models.export_model import ExportModel, Scope


def _drafts(count: int) -> str:
    return f"{count} draft{'' if count == 1 else 's'}"


def coverage(drafts: list[DraftRecord], asked: int | None = None) -> str:
    """'5 drafts from 2 batches'; `asked` (the selection's size) adds what is left out."""
    batches = len({d.batch_id for d in drafts})
    text = f"{_drafts(len(drafts))} from {batches} batch{'' if batches == 1 else 'es'}"
    if asked is not None and asked > len(drafts):
        text += f" ({asked - len(drafts)} without an image left out)"
    return text


def folder_note(text: str) -> str:
    """What exporting will do to the folder typed so far."""
    if not text.strip():
        return "Choose the folder the files go to."
    folder = Path(text.strip()).expanduser()
    if folder.is_dir():
        return "Files already there are kept: a name in use gets a number."
    if folder.exists():
        return "This is a file, not a folder."
    return "A new folder: it will be created."


class ScopeControls(QObject):
    """Not a widget of its own: `add_rows` puts the controls into the dialog's form."""

    changed = Signal()  # the drafts to export changed

    def __init__(self, model: ExportModel, target: str, parent: QWidget) -> None:
        super().__init__(parent)
        self._model = model
        self._parent = parent
        self._selected: list[int] = []
        self._drafts: list[DraftRecord] = []

        self.scope = QComboBox()
        self.scope.setAccessibleName("What to export")
        self.scope.setToolTip("Export every pick, the drafts selected in the grid, or a rating")
        self.scope.addItem("Picks", Scope.PICKS)
        self.scope.addItem("Selected drafts", Scope.SELECTION)
        self.scope.addItem("Rated at least", Scope.MIN_RATING)
        self.min_rating = QSpinBox()
        self.min_rating.setRange(1, 5)
        self.min_rating.setValue(3)
        self.min_rating.setSuffix(" ★")
        self.min_rating.setAccessibleName("Minimum rating")
        self.min_rating.setToolTip("Export drafts with at least this many stars")
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Drafts to export")
        self.count_label.setToolTip("How many drafts with an image this choice covers")

        self.folder = QLineEdit(target)
        self.folder.setAccessibleName("Target folder")
        self.folder.setToolTip("The folder the files are written to; a missing one is created")
        self.folder.setPlaceholderText("Choose a folder…")
        self.choose = QPushButton("Choose…")
        self.choose.setAccessibleName("Choose target folder")
        self.choose.setToolTip("Pick the folder to export into")
        self.choose.clicked.connect(self._choose_folder)
        self.folder_note = QLabel()
        self.folder_note.setAccessibleName("About the folder")
        self.folder_note.setToolTip("What exporting does to this folder")
        self.folder_note.setEnabled(False)  # dimmed: a note, not a control
        self.folder.textChanged.connect(self.refresh_folder)

        # Not straight to refresh: its argument is not the index or value these signals carry.
        self.scope.currentIndexChanged.connect(lambda _index: self.refresh())
        self.min_rating.valueChanged.connect(lambda _value: self.refresh())
        self.refresh_folder()

    def add_rows(self, form: QFormLayout) -> None:
        scope_row = QHBoxLayout()
        scope_row.addWidget(self.scope, 1)
        scope_row.addWidget(self.min_rating)
        scope_row.addWidget(self.count_label, 1)
        scope_label = QLabel("&Export")
        scope_label.setBuddy(self.scope)
        form.addRow(scope_label, scope_row)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.choose)
        folder_label = QLabel("&Folder")
        folder_label.setBuddy(self.folder)
        form.addRow(folder_label, folder_row)
        form.addRow("", self.folder_note)

    # -- what ----------------------------------------------------------------------------------

    def set_selection(self, draft_ids: list[int], choose_scope: bool = True) -> None:
        """`choose_scope` picks the default: picks when there are any, else the selection."""
        self._selected = list(draft_ids)
        self.refresh(choose_scope)

    def current(self) -> Scope:
        return Scope(self.scope.currentData())

    def drafts(self) -> list[DraftRecord]:
        """What the choice covers, as last asked of the library (in export order)."""
        return self._drafts

    def refresh(self, choose_scope: bool = False) -> None:
        """Asks the library again: only when the choice changes, not on every keystroke."""
        picks = self._model.drafts_for(Scope.PICKS)
        if choose_scope:
            wanted = Scope.SELECTION if self._selected and not picks else Scope.PICKS
            with QSignalBlocker(self.scope):
                self.scope.setCurrentIndex(self.scope.findData(wanted))
        scope = self.current()
        rating = self.min_rating.value()
        self.min_rating.setVisible(scope == Scope.MIN_RATING)
        self.scope.setItemText(self.scope.findData(Scope.PICKS), f"Picks ({len(picks)})")
        self.scope.setItemText(
            self.scope.findData(Scope.SELECTION), f"Selected drafts ({len(self._selected)})"
        )
        if scope == Scope.PICKS:
            self._drafts = picks
        else:
            # Only when chosen: a selection of thousands is thousands of reads.
            self._drafts = self._model.drafts_for(scope, self._selected, rating)
        self.count_label.setText(self._describe(scope, rating))
        self.changed.emit()

    def _describe(self, scope: Scope, rating: int) -> str:
        if self._drafts:
            asked = len(self._selected) if scope == Scope.SELECTION else None
            return coverage(self._drafts, asked)
        if scope == Scope.PICKS:
            return "No picks yet: P picks a draft"
        if scope == Scope.SELECTION:
            return "No draft with an image is selected"
        return f"No draft is rated {rating} ★ or more"

    def title(self) -> str:
        """The window title: what an Export click would write, as Lightroom's 'Export 3 Files'."""
        count = len(self._drafts)
        if not count:
            return "Export"
        scope = self.current()
        if scope == Scope.PICKS:
            return f"Export {count} pick{'' if count == 1 else 's'}"
        if scope == Scope.SELECTION:
            return f"Export {count} selected draft{'' if count == 1 else 's'}"
        return f"Export {_drafts(count)} rated {self.min_rating.value()} ★ or more"

    # -- where ---------------------------------------------------------------------------------

    def target(self) -> Path | None:
        text = self.folder.text().strip()
        return Path(text).expanduser() if text else None

    def refresh_folder(self) -> None:
        """A stat per keystroke: cheap, and the note is never stale."""
        self.folder_note.setText(folder_note(self.folder.text()))

    def _choose_folder(self) -> None:
        picker = QFileDialog(self._parent, "Export to folder", self.folder.text())
        picker.setFileMode(QFileDialog.FileMode.Directory)
        picker.setOption(QFileDialog.Option.ShowDirsOnly, True)
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        picker.fileSelected.connect(self.folder.setText)
        picker.open()  # not exec(): no nested event loop

    def set_enabled(self, enabled: bool) -> None:
        for widget in (self.scope, self.min_rating, self.folder, self.choose):
            widget.setEnabled(enabled)
