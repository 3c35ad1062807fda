"""Flags, ratings, trash and undo on the grid's selection, with the Cull menu that offers
them: keyboard culling as in Lightroom, auto-advancing after a flag."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMenu

from studio.core.domain import Flag
from studio.models.culling import CullingModel
from studio.models.draft_list import DraftListModel
from studio.models.draft_rows import BatchAction
from studio.ui.actions import ActionFactory
from studio.ui.grid import GridView
from studio.ui.grid_actions import GridActions


class CullingActions(QObject):
    def __init__(
        self,
        grid: GridView,
        drafts: DraftListModel,
        culling: CullingModel,
        moved: Callable[[], None],
    ) -> None:
        super().__init__(grid)
        self._grid = grid
        self._drafts = drafts
        self._culling = culling
        self._moved = moved  # the loupe follows the current draft
        self.auto_advance = True

    def flag(self, flag: Flag) -> None:
        chosen = self._grid.chosen_draft_ids()
        self._culling.set_flag(chosen, flag)
        if self.auto_advance and len(chosen) == 1:
            self.step(1)

    def rate(self, rating: int) -> None:
        self._culling.set_rating(self._grid.chosen_draft_ids(), rating)

    def delete(self) -> None:
        self._culling.delete(self._grid.chosen_draft_ids())

    def step(self, delta: int) -> None:
        drafts = self._drafts
        row = self._grid.currentIndex().row()
        while 0 <= row + delta < drafts.rowCount():
            row += delta
            if drafts.draft_id_at(row) is not None:
                self._grid.setCurrentIndex(drafts.index(row, 0))
                self._moved()
                return

    def fill_menu(self, cull: QMenu, factory: ActionFactory, batches: GridActions) -> None:
        grid, make = self._grid, factory.make
        cull.addAction(make("Pick", "P", lambda: self.flag(Flag.PICK), grid))
        cull.addAction(make("Reject", "X", lambda: self.flag(Flag.REJECT), grid))
        cull.addAction(make("Unflag", "U", lambda: self.flag(Flag.NONE), grid))
        for rating in range(6):
            cull.addAction(
                make(f"Rate {rating}", str(rating), lambda _=False, r=rating: self.rate(r), grid)
            )
        cull.addAction(make("Move to trash", ["Delete", "Backspace"], self.delete, grid))
        cull.addSeparator()
        # The batch header's pills, for the batch of the current tile, from the keyboard too.
        for text, action in (
            ("Select this batch", BatchAction.SELECT),
            ("Retry this batch's failures", BatchAction.RETRY),
            ("Stop this batch", BatchAction.STOP),
        ):
            cull.addAction(make(text, [], lambda _=False, a=action: batches.on_current_batch(a)))
        cull.addSeparator()
        auto = make("Auto-advance after flag", "Ctrl+Shift+A", self._set_auto_advance)
        auto.setCheckable(True)
        auto.setChecked(self.auto_advance)
        cull.addAction(auto)

    def _set_auto_advance(self, checked: bool) -> None:
        self.auto_advance = checked
