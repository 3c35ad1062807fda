"""How flags, ratings and models read in captions and the inspector: one place, so the compare
view, the loupe and the inspector never disagree."""

from __future__ import annotations

from html import escape

from studio.core.domain import Flag, SlotStatus
from studio.core.library.records import DraftRecord
from studio.ui import theme

ACCENT = theme.ACCENT.name()
PICK = theme.PICK_GREEN.name()
REJECT = theme.ERROR_RED.name()
WARNING = theme.SANDBOX_AMBER.name()


def flag_text(flag: Flag) -> str:
    # The glyph and the word carry the meaning; colour only reinforces it.
    return {Flag.PICK: "✓ Pick", Flag.REJECT: "✕ Reject", Flag.NONE: "Unflagged"}[flag]


def flag_colour(flag: Flag) -> str | None:
    return {Flag.PICK: PICK, Flag.REJECT: REJECT, Flag.NONE: None}[flag]


def stars_text(rating: int) -> str:
    rating = min(max(rating, 0), 5)
    return "★" * rating + "☆" * (5 - rating)


def stars_html(rating: int, muted: str) -> str:
    """Filled stars in the text colour, the empty rest receding in `muted`."""
    rating = min(max(rating, 0), 5)
    filled = "★" * rating
    empty = "☆" * (5 - rating)
    return f'{filled}<span style="color:{muted}">{empty}</span>'


def stars_description(rating: int) -> str:
    return "Not rated" if rating <= 0 else f"{rating} of 5 stars"


def coloured(text: str, colour: str | None) -> str:
    safe = escape(text)
    return safe if colour is None else f'<span style="color:{colour}">{safe}</span>'


def status_text(draft: DraftRecord) -> str:
    """What happened to a slot, in the words a tile would use; empty for a finished image."""
    status = draft.status
    if status is SlotStatus.SUCCEEDED:
        return ""
    if status is SlotStatus.BLOCKED:
        # The service's codes (IMAGE_SAFETY, PROHIBITED_CONTENT) read better as words.
        reason = (draft.block_reason or "safety").replace("_", " ").lower()
        detail = f" — {draft.error_message}" if draft.error_message else ""
        return f"Blocked: {reason}{detail}"
    if status is SlotStatus.FAILED:
        return f"Failed: {draft.error_message or draft.error_kind or 'unknown error'}"
    return {
        SlotStatus.QUEUED: "Queued",
        SlotStatus.RUNNING: "Running…",
        SlotStatus.RETRYING: "Retrying…",
        SlotStatus.CANCELLED: "Cancelled",
        SlotStatus.INTERRUPTED: "Interrupted",
        SlotStatus.SUBMITTED: "In a batch job",
    }[status]


def status_word(status: SlotStatus) -> str:
    """One word for a placeholder that has a fuller status line next to it."""
    if status is SlotStatus.SUBMITTED:
        return "In batch job"
    return "" if status is SlotStatus.SUCCEEDED else status.value.capitalize()


def status_colour(status: SlotStatus) -> str | None:
    return {SlotStatus.FAILED: REJECT, SlotStatus.BLOCKED: WARNING}.get(status)
