"""Single-key views (compare, loupe) take their keys before window-wide shortcuts do."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent
from PySide6.QtGui import QKeyEvent


def claim_own_key(event: QEvent, is_own: Callable[[QKeyEvent], bool]) -> bool:
    """Accepts a ShortcutOverride for a key the view handles itself; True when it did, so
    the grid's P, X, Space… shortcuts never fire while another view has focus."""
    if (
        event.type() == QEvent.Type.ShortcutOverride
        and isinstance(event, QKeyEvent)
        and is_own(event)
    ):
        event.accept()
        return True
    return False
