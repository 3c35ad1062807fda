"""Taking drafts further from the grid (R refine, E edit, V more like this), moving along a
family (a click on a parent or child in the inspector), and what C compares."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from studio.core.domain import Derivation, SlotStatus
from studio.core.library import DraftRecord, LibraryError
from studio.models.draft_list import Role
from studio.models.services import Services
from studio.ui.grid import GridView

# C on one draft lines up the drafts after it, for → to bring in one by one; each is a
# library read, so only as many as a look along one batch needs.
MAX_FOLLOWING = 24


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
        """The drafts C shows side by side: the selection; one derived draft beside its
        parent; one other draft beside the next in the grid (the ones after it waiting their
        turn). None, and a sentence, when there is nothing to compare."""
        library = self._services.library
        try:
            drafts = [library.get(i) for i in draft_ids]
        except LibraryError as exc:
            self._tell(str(exc))
            return None
        with_images = [d for d in drafts if d.path is not None]
        if len(with_images) == 1 and with_images[0].parent_id is not None:
            return self.with_parent(with_images[0])
        if len(with_images) == 1:
            return self._with_next(with_images[0])
        if len(with_images) < 2:
            self._tell("Select two or more images to compare (C).")
            return None
        return with_images

    def _with_next(self, draft: DraftRecord) -> list[DraftRecord] | None:
        row = self._drafts.row_of(draft.id)
        others: list[DraftRecord] = []
        if row is not None:
            # The last draft of the grid goes beside the one before it instead.
            others = self._images_from(row, 1, MAX_FOLLOWING) or self._images_from(row, -1, 1)
        if not others:
            self._tell("There is no other image to compare this draft with yet (C).")
            return None
        return [draft, *others]

    def _images_from(self, row: int, step: int, limit: int) -> list[DraftRecord]:
        drafts, library = self._drafts, self._services.library
        found: list[DraftRecord] = []
        row += step
        while 0 <= row < drafts.rowCount() and len(found) < limit:
            draft_id = drafts.draft_id_at(row)
            status = drafts.data(drafts.index(row, 0), Role.StatusRole)
            if draft_id is not None and status == SlotStatus.SUCCEEDED:
                try:
                    draft = library.get(draft_id)
                except LibraryError:
                    draft = None
                if draft is not None and draft.path is not None:
                    found.append(draft)
            row += step
        return found

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
