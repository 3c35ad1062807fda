"""The grid's row records: a draft's tile and its batch's header, as the model holds them,
how engine events move a tile along, and the words both show."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from studio.core.catalog import RATIO_NAMES, pixel_size
from studio.core.domain import Derivation, Flag, SlotStatus
from studio.core.engine.events import (
    SlotBlocked,
    SlotCancelled,
    SlotFailed,
    SlotQueued,
    SlotRetrying,
    SlotStarted,
)
from studio.core.library import DraftRecord, MatrixAxis, StoredImage
from studio.core.money import cost, noted
from studio.models.draft_labels import (
    block_label,
    derivation_label,
    failure_label,
    format_clock,
    model_label,
    state_label,
)
from studio.models.matrix_rows import Values, group_pill, template_of, values_text

_SAME_SHAPE = 0.02  # width / height ratios this close are one shape to the grid
# The engine events that move one slot along without giving it an image.
SlotChange = SlotQueued | SlotStarted | SlotRetrying | SlotBlocked | SlotFailed | SlotCancelled


class BatchAction(StrEnum):
    """What a batch header offers; the main window carries them out."""

    STOP = "stop"
    RETRY = "retry"
    SELECT = "select"
    GROUP = "group"  # a matrix batch's drafts under one sub-header per value of an axis


def aspect_value(width: int | None, height: int | None, aspect: str) -> float:
    """The picture's width / height; before it arrives, that of the pixels the service
    returns for the ratio (1344 × 768 for 16:9), so the cell does not change on arrival."""
    if width and height:
        return width / height
    if aspect in RATIO_NAMES:
        width, height = pixel_size(aspect, "1K")
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
    parent_id: int | None = None
    derivation: Derivation | None = None
    # Derived work from several batches keeps each parent's prompt; else the batch's is used.
    own_prompt: str | None = None
    billed: bool = True  # False: sent to the sandbox, cost_usd is what it would cost
    values: Values = ()  # a matrix slot's (axis or wildcard, value) pairs

    @classmethod
    def from_record(cls, draft: DraftRecord, batch_prompt: str) -> Tile:
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
            parent_id=draft.parent_id,
            derivation=draft.derivation,
            # A matrix slot is found by its own words: its batch's template names every value.
            own_prompt=(
                draft.prompt if draft.prompt != batch_prompt or draft.matrix_values else None
            ),
            billed=draft.billed,
            values=draft.matrix_values,
        )

    def sibling(self, draft_id: int) -> Tile:
        """A second image from the same response: a draft of its own, in the same slot."""
        return Tile(
            draft_id=draft_id,
            batch_id=self.batch_id,
            slot=self.slot,
            seed=self.seed,
            status=SlotStatus.SUCCEEDED,
            flag=Flag.NONE,
            rating=0,
            deleted=False,
            aspect=self.aspect,
            thumb_path=None,
            image_path=None,
            cost_usd=0.0,
            attempts=self.attempts,
            latency_ms=None,
            reason=None,
            message=None,
            parent_id=self.parent_id,
            derivation=self.derivation,
            own_prompt=self.own_prompt,
            billed=self.billed,
            values=self.values,
        )

    def apply(self, event: SlotChange) -> None:
        now = time.monotonic()
        self.started_at = self.retry_at = None
        if isinstance(event, SlotStarted):
            self.status, self.attempts, self.started_at = SlotStatus.RUNNING, event.attempt, now
            self.reason = self.message = None
        elif isinstance(event, SlotRetrying):
            self.status, self.retry_at = SlotStatus.RETRYING, now + event.delay_s
            self.reason, self.message = failure_label(event.kind), event.message
        elif isinstance(event, SlotQueued):
            self.status, self.reason, self.message = SlotStatus.QUEUED, None, None
        elif isinstance(event, SlotBlocked):
            self.status, self.reason = SlotStatus.BLOCKED, block_label(event.reason)
            self.message = event.message
        elif isinstance(event, SlotFailed):
            self.status, self.reason = SlotStatus.FAILED, failure_label(event.kind)
            self.message = event.message
        elif isinstance(event, SlotCancelled):
            self.status, self.reason, self.message = SlotStatus.CANCELLED, None, None

    def show_image(self, image: StoredImage, batch_aspect: str, latency_s: float) -> None:
        self.status = SlotStatus.SUCCEEDED
        self.thumb_path, self.image_path = image.thumb_path, image.path
        arrived = aspect_value(image.width, image.height, batch_aspect)
        # A pixel of rounding (a scaled-down sandbox image) must not move the grid around.
        if abs(arrived / self.aspect - 1) > _SAME_SHAPE:
            self.aspect = arrived
        self.latency_ms = round(latency_s * 1000)
        self.started_at = self.retry_at = None
        self.reason = self.message = None

    # -- the words on and around the tile ------------------------------------------------------

    def elapsed(self) -> float | None:
        if self.status != SlotStatus.RUNNING or self.started_at is None:
            return None
        return max(0.0, time.monotonic() - self.started_at)

    def state_text(self) -> str:
        if self.status == SlotStatus.SUCCEEDED:
            return f"Seed {self.seed}"
        retry_in = None if self.retry_at is None else self.retry_at - time.monotonic()
        label = state_label(self.status, self.elapsed(), retry_in)
        if self.reason and self.status in (SlotStatus.BLOCKED, SlotStatus.FAILED):
            return f"{label}: {self.reason}"
        return label

    def tooltip(self, batch: Batch, error: str | None) -> str:
        """`error` is what the tile shows as its problem, which a finished tile adds here."""
        lines = [
            self.own_prompt or batch.prompt,
            f"{model_label(batch.model)} · {batch.aspect} · {batch.size} · seed {self.seed}",
        ]
        if self.values:
            lines.insert(1, values_text(self.values, batch.axes))
        if self.derivation is not None and self.parent_id is not None:
            lines.insert(0, f"{derivation_label(self.derivation)} from draft {self.parent_id}")
        if self.status == SlotStatus.SUCCEEDED:
            timing = f"{self.latency_ms / 1000:.1f} s · " if self.latency_ms else ""
            money = cost(self.cost_usd, self.billed, fine=True)
            lines.append(noted(f"Done · {timing}{money}", self.billed))
            if error:
                lines.append(error.capitalize())
        else:
            state = self.state_text()
            if self.attempts > 1:
                state += f" (attempt {self.attempts})"
            lines.append(state)
            if self.message:
                lines.append(self.message)
        return "\n".join(lines)

    def accessible_text(self) -> str:
        parts = [f"Draft {self.slot + 1}", self.state_text()]
        if self.derivation is not None:
            parts.append(f"{derivation_label(self.derivation).lower()} from draft {self.parent_id}")
        if self.flag == Flag.PICK:
            parts.append("picked")
        elif self.flag == Flag.REJECT:
            parts.append("rejected")
        if self.rating:
            parts.append(f"{self.rating} star" + ("" if self.rating == 1 else "s"))
        return ", ".join(parts)


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
    derivation: Derivation | None = None
    instruction: str | None = None
    from_picks: bool = False  # every parent was a pick when the grid learnt of the batch
    not_sent: int = 0  # slots a budget stopped before they were sent (no tiles for them)
    axes: tuple[MatrixAxis, ...] = ()  # a prompt matrix's, which the grid can group by
    grouped_by: str | None = None  # the axis key; GridState sets it

    @classmethod
    def from_record(cls, draft: DraftRecord) -> Batch:
        """From the batch's first slot, whose prompt is the batch's own unless the batch is a
        prompt matrix: then it is the slot's expansion, and the template is rebuilt."""
        prompt = draft.prompt
        if draft.matrix_values:
            prompt = template_of(prompt, draft.matrix_values, draft.batch_axes) or prompt
        one_line = " ".join(prompt.split())
        # A matrix's template holds every value: searching it would find every slot.
        words = [] if draft.matrix_values else [one_line]
        searched = " ".join([*words, *(draft.instruction or "").split()])
        return cls(
            batch_id=draft.batch_id,
            prompt=prompt,
            model=draft.model,
            aspect=draft.aspect,
            size=draft.size,
            created_at=draft.created_at,
            one_line=one_line,
            folded=searched.casefold(),
            derivation=draft.derivation,
            instruction=draft.instruction,
            not_sent=draft.batch_not_sent,
            axes=draft.batch_axes,
        )

    def axis(self, key: str | None) -> MatrixAxis | None:
        return next((axis for axis in self.axes if axis.key == key), None)

    def share_slot_values(self) -> None:
        """A second image from one answer is a draft of its own that the library records
        without its slot's values; it has them all the same."""
        by_slot = {tile.slot: tile.values for tile in self.tiles if tile.values}
        for tile in self.tiles:
            if not tile.values:
                tile.values = by_slot.get(tile.slot, ())

    def parent_ids(self) -> list[int]:
        return list(dict.fromkeys(t.parent_id for t in self.tiles if t.parent_id is not None))

    def title(self) -> str:
        """The prompt for fresh drafts; for derived ones, what they came from and how:
        "Refined 3 picks", "Edited draft 12: “warmer light”", "Varied draft 12"."""
        if self.derivation is None:
            return f"“{self.one_line}”"
        parents = self.parent_ids()
        noun = "pick" if self.from_picks else "draft"
        source = f"{noun} {parents[0]}" if len(parents) == 1 else f"{len(parents)} {noun}s"
        title = f"{derivation_label(self.derivation)} {source}"
        if self.derivation == Derivation.EDIT and self.instruction:
            title += f": “{' '.join(self.instruction.split())}”"
        return title

    def live(self) -> list[Tile]:
        return [tile for tile in self.tiles if not tile.deleted]

    def actions(self) -> list[tuple[BatchAction, str]]:
        """What the header offers for this batch now, with the words it shows."""
        live = self.live()
        offered: list[tuple[BatchAction, str]] = []
        if self.axes:
            offered.append((BatchAction.GROUP, group_pill(self.axes, self.grouped_by)))
        if any(not tile.status.finished for tile in live):
            offered.append((BatchAction.STOP, "Stop"))
        retryable = sum(tile.status.can_retry for tile in live)
        if retryable:
            offered.append((BatchAction.RETRY, f"Retry {retryable}"))
        if live:
            offered.append((BatchAction.SELECT, "Select all"))
        return offered

    def header_text(self) -> str:
        return f"{self.title()} · {self.detail()}"

    def tooltip(self) -> str:
        lines = [self.prompt, f"{model_label(self.model)} · {self.aspect} · {self.size}"]
        if self.derivation is not None:
            lines.insert(0, self.title())
            if self.instruction and self.derivation != Derivation.EDIT:
                lines.insert(1, self.instruction)
        return "\n".join([*lines, self.detail()])

    def accessible_text(self) -> str:
        return f"Batch {self.title()}, {self.detail()}"

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
        if self.not_sent:
            # Beside the count it qualifies, before what a narrow header elides first.
            parts.append(f"{self.not_sent} not sent: budget reached")
        if self.derivation is not None:
            # Derived work is told apart by where it went: "Nano Banana Pro · 2K".
            parts[:0] = [model_label(self.model), self.size]
        parts.extend(self._spend())
        if failed:
            parts.append(f"{failed} failed")
        if blocked:
            parts.append(f"{blocked} blocked")
        return noted(" · ".join(parts), all(tile.billed for tile in self.tiles))

    def _spend(self) -> list[str]:
        """What the batch cost; on the sandbox what it would cost (a batch retried after a
        key was set can hold both, each said as what it is)."""
        billed = [tile.cost_usd for tile in self.tiles if tile.billed]
        sandbox = [tile.cost_usd for tile in self.tiles if not tile.billed]
        parts = []
        if not sandbox or any(billed):
            parts.append(cost(sum(billed), True, fine=True))
        if sandbox:
            parts.append(cost(sum(sandbox), False, fine=True))
        return parts
