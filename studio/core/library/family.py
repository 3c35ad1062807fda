"""Lineage: which draft each derived draft came from, and the turns an edit chain continues."""

from __future__ import annotations

from studio.core.library.database import Database
from studio.core.library.records import DraftRecord
from studio.core.library.turns import PartRef, TurnRef, load_parts, load_turns

_DESCENDANTS = """
WHERE d.id IN (
    WITH RECURSIVE below(id) AS (
        SELECT id FROM drafts WHERE parent_id = ?
        UNION SELECT child.id FROM drafts child JOIN below ON child.parent_id = below.id
    )
    SELECT id FROM below
)
"""


class Family:
    """Trashed drafts stay in every answer: trashing a parent never loses its children, and
    a family tree with a hole in it would mislead."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def ancestors(self, draft_id: int) -> list[DraftRecord]:
        """The draft's parent, its parent's parent…, the oldest first."""
        line: list[DraftRecord] = []
        seen = {draft_id}
        parent_id = self._db.draft(draft_id).parent_id
        while parent_id is not None and parent_id not in seen:
            seen.add(parent_id)
            parent = self._db.draft(parent_id)
            line.append(parent)
            parent_id = parent.parent_id
        line.reverse()
        return line

    def children(self, draft_id: int) -> list[DraftRecord]:
        return sorted(self._db.drafts("WHERE d.parent_id = ?", (draft_id,)), key=lambda d: d.id)

    def descendants(self, draft_id: int) -> list[DraftRecord]:
        """Children, grandchildren…, in the order they were made."""
        return sorted(self._db.drafts(_DESCENDANTS, (draft_id,)), key=lambda d: d.id)

    def conversation(self, draft_id: int) -> tuple[TurnRef, ...] | None:
        """Every turn that was sent to make this draft; None for a fresh generation, whose
        one turn is its prompt."""
        rows = self._db.rows("SELECT conversation FROM drafts WHERE id = ?", (draft_id,))
        return load_turns(rows[0][0]) if rows and rows[0][0] else None

    def answer(self, draft_id: int) -> tuple[PartRef, ...] | None:
        """The parts of the model's answer that made this draft, signatures included."""
        rows = self._db.rows("SELECT model_turn FROM drafts WHERE id = ?", (draft_id,))
        return load_parts(rows[0][0]) if rows and rows[0][0] else None
