"""The main window's secondary windows (settings, export, the shortcut sheet) and what it
remembers between runs in window.ini. Each window is made on first use and then reused;
all open with show(), never exec(): no nested event loop while work streams in."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow, QMenuBar

from studio.models.export_model import ExportModel
from studio.models.services import Services
from studio.ui.cheat_sheet import CheatSheet, menu_entries
from studio.ui.compare import KEYS as COMPARE_KEYS
from studio.ui.export_dialog import ExportDialog
from studio.ui.settings_dialog import SettingsDialog
from studio.ui.survey import KEYS as SURVEY_KEYS
from studio.ui.tournament import KEYS as TOURNAMENT_KEYS

_GRID_KEYS = [
    ("Arrows", "Move through the grid"),
    ("Shift+arrows", "Extend the selection"),
    ("Ctrl+A", "Select every draft shown"),
    ("Double-click", "Loupe"),
]


class WindowDialogs:
    def __init__(self, window: QMainWindow, services: Services, exporter: ExportModel) -> None:
        self._window = window
        self._services = services
        self._exporter = exporter
        self.settings_dialog: SettingsDialog | None = None
        self.export_dialog: ExportDialog | None = None
        self.cheat_sheet: CheatSheet | None = None

    # -- window.ini ----------------------------------------------------------------------------

    def state(self) -> QSettings:
        path = self._services.paths.config / "window.ini"
        return QSettings(str(path), QSettings.Format.IniFormat)

    def remember(self, key: str, value: object) -> None:
        state = self.state()
        state.setValue(key, value)
        state.sync()

    # -- the windows ---------------------------------------------------------------------------

    def open_settings(self) -> None:
        if self.settings_dialog is None:
            services = self._services
            self.settings_dialog = SettingsDialog(services.keys, services.settings, self._window)
        self.settings_dialog.show()
        self.settings_dialog.raise_()

    def open_cheat_sheet(self, menus: QMenuBar) -> None:
        if self.cheat_sheet is None:
            compare = [(keys, what[:1].upper() + what[1:]) for keys, what in COMPARE_KEYS]
            sections = [
                # Help holds only this sheet: listing it inside itself says nothing.
                *(s for s in menu_entries(menus) if s[0] != "Help"),
                ("Grid", _GRID_KEYS),
                ("Compare view", compare),
                ("Survey", list(SURVEY_KEYS)),
                ("Tournament", list(TOURNAMENT_KEYS)),
            ]
            self.cheat_sheet = CheatSheet(sections, self._window)
        # The sheet can stay open beside the work.
        self.cheat_sheet.show()
        self.cheat_sheet.raise_()

    def open_export(self, selection: Sequence[int]) -> None:
        """`selection` empty means the dialog offers a filter instead (picks, ratings)."""
        if self.export_dialog is None:
            state = self.state()
            dialog = ExportDialog(
                self._exporter, str(state.value("export_folder") or ""), self._window
            )
            dialog.set_preset(str(state.value("export_preset") or ""))
            dialog.target_chosen.connect(lambda folder: self.remember("export_folder", folder))
            dialog.preset_chosen.connect(lambda preset: self.remember("export_preset", preset))
            self.export_dialog = dialog
        self.export_dialog.set_selection(list(selection))
        # Generation keeps streaming while the export runs.
        self.export_dialog.show()
        self.export_dialog.raise_()
