"""Which drafts an export takes and in what order, one rule for the dialog and the CLI.

`{index}` numbers drafts in the order `export()` is given them, so both must hand over the
same drafts in the same order: the dialog's selection arrives in grid order, `--ids` in the
order typed, picks in the library's newest-batch-first order. Oldest first (batch, then slot)
also keeps the numbers of earlier drafts when a newer batch adds picks."""

from __future__ import annotations

from collections.abc import Iterable

from studio.core.domain import SlotStatus
from studio.core.library import DraftRecord


def has_image(draft: DraftRecord) -> bool:
    """A placeholder, a failed slot or a draft in the trash has nothing to export."""
    return draft.path is not None and draft.status == SlotStatus.SUCCEEDED and not draft.deleted


def export_order(drafts: Iterable[DraftRecord]) -> list[DraftRecord]:
    """Each draft once, oldest batch first, then by slot as in the grid (a second image from
    one answer right after the first)."""
    unique = {draft.id: draft for draft in drafts}
    return sorted(unique.values(), key=lambda d: (d.batch_id, d.slot, d.id))
