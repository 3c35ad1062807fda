"""The grid's row records: a draft's tile and its batch's header, as the model holds them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from studio.core.domain import Flag, SlotStatus
from studio.core.library import DraftRecord
from studio.models.draft_labels import block_label, failure_label, format_clock, format_money


class BatchAction(StrEnum):
    """What a batch header offers; the main window carries them out."""

    STOP = "stop"
    RETRY = "retry"
    SELECT = "select"


def aspect_value(width: int | None, height: int | None, aspect: str) -> float:
    if width and height:
        return width / height
    left, _, right = aspect.partition(":")
    try:
        value = float(left) / float(right)
    except (ValueError, ZeroDivisionError):
        return 1.0
    return value if value > 0 else 1.0


@dataclass(slots=True, eq=False)
class Tile:
    draft_id: int
    batch_id: int
    slot: int
    seed: int
    status: SlotStatus
    flag: Flag
    rating: int
    deleted: bool
    aspect: float
    thumb_path: Path | None
    image_path: Path | None  # the original, read scaled when a tile outgrows the thumbnail
    cost_usd: float
    attempts: int
    latency_ms: int | None
    reason: str | None  # a few words for the chip
    message: str | None  # the full sentence, for the tooltip
    started_at: float | None = None  # time.monotonic()
    retry_at: float | None = None  # time.monotonic()

    @classmethod
    def from_record(cls, draft: DraftRecord) -> Tile:
        reason = (
            block_label(draft.block_reason)
            if draft.status == SlotStatus.BLOCKED
            else failure_label(draft.error_kind)
            if draft.status in (SlotStatus.FAILED, SlotStatus.RETRYING)
            else None
        )
        return cls(
            draft_id=draft.id,
            batch_id=draft.batch_id,
            slot=draft.slot,
            seed=draft.seed,
            status=draft.status,
            flag=draft.flag,
            rating=draft.rating,
            deleted=draft.deleted,
            aspect=aspect_value(draft.width, draft.height, draft.aspect),
            thumb_path=draft.thumb_path,
            image_path=draft.path,
            cost_usd=draft.cost_usd,
            attempts=draft.attempts,
            latency_ms=draft.latency_ms,
            reason=reason,
            message=draft.error_message,
        )


@dataclass(slots=True, eq=False)
class Batch:
    batch_id: int
    prompt: str
    model: str
    aspect: str
    size: str
    created_at: float
    tiles: list[Tile] = field(default_factory=list)
    one_line: str = ""
    folded: str = ""

    @classmethod
    def from_record(cls, draft: DraftRecord) -> Batch:
        one_line = " ".join(draft.prompt.split())
        return cls(
            batch_id=draft.batch_id,
            prompt=draft.prompt,
            model=draft.model,
            aspect=draft.aspect,
            size=draft.size,
            created_at=draft.created_at,
            one_line=one_line,
            folded=one_line.casefold(),
        )

    def live(self) -> list[Tile]:
        return [tile for tile in self.tiles if not tile.deleted]

    def actions(self) -> list[tuple[BatchAction, str]]:
        """What the header offers for this batch now, with the words it shows."""
        live = self.live()
        offered: list[tuple[BatchAction, str]] = []
        if any(not tile.status.finished for tile in live):
            offered.append((BatchAction.STOP, "Stop"))
        retryable = sum(tile.status.can_retry for tile in live)
        if retryable:
            offered.append((BatchAction.RETRY, f"Retry {retryable}"))
        if live:
            offered.append((BatchAction.SELECT, "Select all"))
        return offered

    def detail(self) -> str:
        """Time, count and spend; while the batch runs the count says how many are done."""
        live = self.live()
        done = sum(tile.status == SlotStatus.SUCCEEDED for tile in live)
        unfinished = sum(not tile.status.finished for tile in live)
        failed = sum(tile.status == SlotStatus.FAILED for tile in live)
        blocked = sum(tile.status == SlotStatus.BLOCKED for tile in live)
        shown = len(live) if unfinished else done
        noun = "image" if shown == 1 else "images"
        count = f"{done} of {shown} {noun}" if unfinished else f"{done} {noun}"
        parts = [format_clock(self.created_at), count]
        spent = sum(tile.cost_usd for tile in self.tiles)
        parts.append(format_money(spent))
        if failed:
            parts.append(f"{failed} failed")
        if blocked:
            parts.append(f"{blocked} blocked")
        return " · ".join(parts)
