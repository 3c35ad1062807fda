"""Flags, ratings and deletes: saved at once, every one undoable (Ctrl+Z / Ctrl+Shift+Z)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from studio.core.domain import Flag
from studio.core.library import DraftRecord, Library, LibraryError


class _Change(QUndoCommand):
    """One user action over one or more drafts: the values before and after, per draft."""

    def __init__(
        self,
        text: str,
        apply: Callable[[int, object], None],
        before: dict[int, object],
        after: object,
    ) -> None:
        super().__init__(text)
        self._apply = apply
        self._before = before
        self._after = after

    def redo(self) -> None:
        for draft_id in self._before:
            self._apply(draft_id, self._after)

    def undo(self) -> None:
        for draft_id, value in self._before.items():
            self._apply(draft_id, value)


class CullingModel(QObject):
    """Writes to the library first, then tells the views (`draft_changed`)."""

    draft_changed = Signal(object)  # the DraftRecord after the change
    problem = Signal(str)

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.undo_stack = QUndoStack(self)

    def _drafts_with_images(self, draft_ids: Sequence[int]) -> list[DraftRecord]:
        drafts = []
        for draft_id in draft_ids:
            try:
                draft = self.library.get(draft_id)
            except LibraryError as exc:
                self.problem.emit(str(exc))
                continue
            if draft.path is not None:
                drafts.append(draft)
        return drafts

    def _publish(self, draft_id: int) -> None:
        self.draft_changed.emit(self.library.get(draft_id))

    def _write_flag(self, draft_id: int, value: object) -> None:
        self.library.set_flag(draft_id, Flag(str(value)))
        self._publish(draft_id)

    def _write_rating(self, draft_id: int, value: object) -> None:
        self.library.set_rating(draft_id, int(str(value)))
        self._publish(draft_id)

    def _write_deleted(self, draft_id: int, value: object) -> None:
        self.library.set_deleted(draft_id, bool(value))
        self._publish(draft_id)

    def set_flag(self, draft_ids: Sequence[int], flag: Flag) -> None:
        drafts = self._drafts_with_images(draft_ids)
        if drafts:
            before: dict[int, object] = {d.id: d.flag.value for d in drafts}
            label = {Flag.PICK: "Pick", Flag.REJECT: "Reject", Flag.NONE: "Unflag"}[flag]
            self.undo_stack.push(_Change(label, self._write_flag, before, flag.value))

    def set_rating(self, draft_ids: Sequence[int], rating: int) -> None:
        drafts = self._drafts_with_images(draft_ids)
        if drafts:
            before: dict[int, object] = {d.id: d.rating for d in drafts}
            self.undo_stack.push(_Change(f"Rate {rating}", self._write_rating, before, rating))

    def delete(self, draft_ids: Sequence[int]) -> None:
        """Moves drafts to the trash (soft delete); Ctrl+Z brings them back."""
        drafts = []
        for draft_id in draft_ids:
            try:
                drafts.append(self.library.get(draft_id))
            except LibraryError as exc:
                self.problem.emit(str(exc))
        if drafts:
            before: dict[int, object] = {d.id: d.deleted for d in drafts}
            self.undo_stack.push(_Change("Move to trash", self._write_deleted, before, True))

    def undo(self) -> None:
        self.undo_stack.undo()

    def redo(self) -> None:
        self.undo_stack.redo()
