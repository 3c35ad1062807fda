"""Taking drafts further from the grid (R refine, E edit, V more like this), moving along a
family (a click on a parent or child in the inspector), and what C compares."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from studio.core.domain import Derivation
from studio.core.library import DraftRecord, LibraryError
from studio.models.services import Services
from studio.ui.grid import GridView


class LineageActions(QObject):
    def __init__(self, grid: GridView, services: Services, tell: Callable[[str], None]) -> None:
        super().__init__(grid)
        self._grid = grid
        self._services = services
        self._drafts = services.drafts
        self._derive = services.derive
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

    def to_compare(self, draft_ids: list[int]) -> list[DraftRecord] | None:
        """The drafts C shows side by side: the selection, or one derived draft beside its
        parent; None (and a sentence) when there is nothing to compare."""
        library = self._services.library
        try:
            drafts = [library.get(i) for i in draft_ids]
        except LibraryError as exc:
            self._tell(str(exc))
            return None
        with_images = [d for d in drafts if d.path is not None]
        if len(with_images) == 1 and with_images[0].parent_id is not None:
            return self.with_parent(with_images[0])
        if len(with_images) < 2:
            self._tell("Select two or more images to compare (C).")
            return None
        return with_images

    def with_parent(self, draft: DraftRecord | None) -> list[DraftRecord] | None:
        parent = None
        if draft is not None and draft.parent_id is not None:
            try:
                parent = self._services.library.get(draft.parent_id)
            except LibraryError:
                parent = None
        if draft is None or parent is None or parent.path is None:
            self._tell("Choose a refined, edited or varied draft to compare it with its parent.")
            return None
        return [parent, draft]
