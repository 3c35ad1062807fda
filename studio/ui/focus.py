"""Where the keyboard goes: to the new batch's first tile after Generate (unless the setting
keeps it in the prompt), to the grid on G or Ctrl+G (Lightroom's grid key), to the prompt on
Ctrl+L, from whichever view is showing."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QWidget

from studio.core.engine import BatchQueued
from studio.models.draft_list import DraftListModel
from studio.models.settings_model import SettingsModel
from studio.models.studio import StudioModel
from studio.ui.grid import GridView
from studio.ui.notices import ENGINE_REFUSED
from studio.ui.prompt_panel import PromptPanel


class FocusFlow(QObject):
    def __init__(
        self,
        grid: GridView,
        drafts: DraftListModel,
        prompt_panel: PromptPanel,
        studio: StudioModel,
        settings: SettingsModel,
        show_grid: Callable[[], None],
    ) -> None:
        super().__init__(grid)
        self._grid = grid
        self._prompt_panel = prompt_panel
        self._settings = settings
        self._show_grid = show_grid  # leaves compare or the loupe, the side panels back
        self._drafts = drafts
        # The widget that had focus when Generate went out; None: no batch is awaited.
        self._awaited_from: QWidget | None = None
        # Connected after the grid's model: by the time a batch is heard of here, its tiles
        # are rows of the grid.
        studio.engine_event.connect(self._on_event)
        studio.notice.connect(self._on_notice)

    def expect_batch(self) -> None:
        """Generate went out: its first tile takes focus once it is in the grid."""
        self._awaited_from = QApplication.focusWidget() or self._prompt_panel.editor

    def focus_grid(self) -> None:
        self._show_grid()
        grid, drafts = self._grid, self._drafts
        current = grid.currentIndex()
        if drafts.draft_id_at(current.row()) is None:
            first = next(
                (row for row in range(drafts.rowCount()) if drafts.draft_id_at(row) is not None),
                None,
            )
            if first is not None:
                grid.setCurrentIndex(drafts.index(first, 0))
        if grid.currentIndex().isValid():
            grid.scrollTo(grid.currentIndex())
        grid.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_prompt(self) -> None:
        if not self._prompt_panel.isVisible():  # the loupe has the whole window
            self._show_grid()
        self._prompt_panel.focus_prompt()

    def _on_event(self, event: object) -> None:
        if not isinstance(event, BatchQueued) or self._awaited_from is None:
            return
        awaited_from, self._awaited_from = self._awaited_from, None
        if self._settings.settings.keep_focus_in_prompt:
            return
        # Someone who clicked or tabbed elsewhere in the moment since has chosen a place.
        if QApplication.focusWidget() not in (awaited_from, None):
            return
        shown = self._drafts.shown_in_batch(event.batch_id)
        if shown:  # none when the filter hides the new placeholders
            self._grid.select_drafts(shown[:1])
            self._grid.scrollTo(self._grid.currentIndex())

    def _on_notice(self, kind: str, _message: str, _action: str) -> None:
        if kind == ENGINE_REFUSED:  # nothing will arrive
            self._awaited_from = None
