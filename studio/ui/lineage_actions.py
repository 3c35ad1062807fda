"""Taking drafts further from the grid (R refine, E edit, V more like this) and moving along a
family (a click on a parent or child in the inspector)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from studio.core.domain import Derivation
from studio.models.derive import DeriveModel
from studio.models.draft_list import DraftListModel
from studio.ui.grid import GridView


class LineageActions(QObject):
    def __init__(
        self,
        grid: GridView,
        drafts: DraftListModel,
        derive: DeriveModel,
        tell: Callable[[str], None],
    ) -> None:
        super().__init__(grid)
        self._grid = grid
        self._drafts = drafts
        self._derive = derive
        self._tell = tell

    def open(self, kind: Derivation) -> None:
        problem = self._derive.open(kind, self._grid.chosen_draft_ids())
        if problem is not None:
            self._tell(problem)

    def refine(self) -> None:
        self.open(Derivation.REFINE)

    def edit(self) -> None:
        self.open(Derivation.EDIT)

    def vary(self) -> None:
        self.open(Derivation.VARY)

    def go_to(self, draft_id: int) -> None:
        """Makes a relative the current draft in the grid, if the filter shows it."""
        row = self._drafts.row_of(draft_id)
        if row is None:
            self._tell(f"Draft {draft_id} is hidden by the filter; show all drafts to see it.")
            return
        self._grid.select_drafts([draft_id])
        self._grid.scrollTo(self._drafts.index(row))
