"""The grid's current draft, read from the library and shown in the inspector with its
family; shown again when its tile changes state (queued, running, arrived), which matters
most right after Generate, when the new batch's first placeholder is current."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex

from studio.core.library import DraftRecord, LibraryError
from studio.models.services import Services
from studio.ui.grid import GridView
from studio.ui.inspector import Inspector

_Index = QModelIndex | QPersistentModelIndex


class CurrentDraft(QObject):
    def __init__(self, grid: GridView, services: Services, inspector: Inspector) -> None:
        super().__init__(grid)
        self._grid = grid
        self._services = services
        self._inspector = inspector
        grid.selectionModel().currentChanged.connect(lambda *_: self.show())
        services.drafts.dataChanged.connect(self._row_changed)

    def record(self) -> DraftRecord | None:
        draft_id = self._services.drafts.draft_id_at(self._grid.currentIndex().row())
        if draft_id is None:
            return None
        try:
            return self._services.library.get(draft_id)
        except LibraryError:
            return None

    def show(self) -> None:
        if not self._grid.window().isVisible():  # closed: the library may be closed too
            return
        draft = self.record()
        self._services.family.show(draft)
        self._inspector.show_draft(draft)

    def _row_changed(self, top: _Index, bottom: _Index, roles: list[int]) -> None:
        # No roles named: the tile's state changed. Flags and ratings come as culling's
        # draft_changed, and the clock's ticks name their roles.
        row = self._grid.currentIndex().row()
        if not roles and top.row() <= row <= bottom.row():
            self.show()
