"""The library's money: what was spent since a moment, billed or on the sandbox, and the slots
a budget stopped before they were ever sent."""

from __future__ import annotations

from collections.abc import Sequence

from studio.core.domain import SlotStatus
from studio.core.library.database import Database


class Spending:
    def __init__(self, db: Database) -> None:
        self._db = db

    def since(self, moment: float, billed: bool = True) -> float:
        """What was billed since `moment`; with `billed` False, what the sandbox's drafts
        would have cost (which a sandbox session's budget counts, and a real one must not)."""
        (row,) = self._db.rows(
            "SELECT COALESCE(SUM(cost_usd), 0) FROM drafts WHERE billed = ? AND "
            "COALESCE(finished_at, started_at, created_at) >= ?",
            (billed, moment),
        )
        return float(row[0])

    def drop_not_sent(self, draft_ids: Sequence[int]) -> set[int]:
        """Removes slots a budget stopped before they were ever sent, counting them on their
        batch instead; returns the ids removed. A slot that was ever attempted keeps its row
        (its history, perhaps a cost), and so does one that is no longer queued."""
        dropped: set[int] = set()
        with self._db.transaction():
            for draft_id in draft_ids:
                rows = self._db.rows(
                    "SELECT batch_id FROM drafts WHERE id = ? AND status = ? AND attempts = 0",
                    (draft_id, SlotStatus.QUEUED),
                )
                if not rows:
                    continue
                self._db.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))
                self._db.execute(
                    "UPDATE batches SET not_sent = not_sent + 1 WHERE id = ?", (rows[0][0],)
                )
                dropped.add(draft_id)
        return dropped
