"""The current draft's family for the inspector: the draft it came from and the drafts made
from it, kept current while derived work streams in."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from studio.core.engine import BatchQueued, EngineEvent, SlotSucceeded
from studio.core.library import DraftRecord, Library, LibraryError


class FamilyModel(QObject):
    changed = Signal()

    def __init__(self, library: Library) -> None:
        super().__init__()
        self._library = library
        self.draft: DraftRecord | None = None
        self.origin: DraftRecord | None = None  # `parent` would hide QObject.parent()
        self.offspring: list[DraftRecord] = []

    @property
    def known_ids(self) -> set[int]:
        ids = {c.id for c in self.offspring}
        if self.draft is not None:
            ids.add(self.draft.id)
        return ids

    def show(self, draft: DraftRecord | None) -> None:
        self.draft = draft
        self._read()

    def _read(self) -> None:
        parent: DraftRecord | None = None
        children: list[DraftRecord] = []
        if self.draft is not None:
            family = self._library.family
            try:
                if self.draft.parent_id is not None:
                    parent = self._library.get(self.draft.parent_id)
                children = [c for c in family.children(self.draft.id) if not c.deleted]
            except LibraryError:
                parent, children = None, []
        if (parent, children) != (self.origin, self.offspring):
            self.origin, self.offspring = parent, children
            self.changed.emit()

    def apply(self, event: EngineEvent) -> None:
        """New children appear as their batch is queued, their thumbnails as they arrive."""
        if self.draft is None:
            return
        if isinstance(event, BatchQueued):
            if any(d.parent_id == self.draft.id for d in event.drafts):
                self._read()
        elif isinstance(event, SlotSucceeded) and event.draft_id in self.known_ids:
            self._read()
