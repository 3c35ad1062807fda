"""Making the window's actions: each with its keys, in one place by name, so that menus,
context menus and the shortcut sheet all show the same action."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


class ActionWatcher(Protocol):
    """Told around every action's slot: the window's notices go with the user's next move."""

    def action_started(self) -> None: ...

    def action_ended(self) -> None: ...


class ActionFactory:
    def __init__(
        self, window: QWidget, named: dict[str, QAction], watcher: ActionWatcher | None = None
    ) -> None:
        self._window = window
        self.named = named  # actions by their text, for context menus
        self._watcher = watcher

    def make(
        self,
        text: str,
        shortcuts: list[str] | str,
        slot: Callable[..., object],
        widget: QWidget | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self._window)
        keys = [shortcuts] if isinstance(shortcuts, str) else shortcuts
        action.setShortcuts([QKeySequence(k) for k in keys])
        # Single-letter culling keys belong to the grid: typing "p" in the prompt is text.
        if widget is not None:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            widget.addAction(action)
        else:
            self._window.addAction(action)
        if tip:
            shown = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{tip} ({shown})" if shown else tip)
        # Slots of one signal run in the order they were connected.
        if self._watcher is not None:
            action.triggered.connect(self._watcher.action_started)
        action.triggered.connect(slot)
        if self._watcher is not None:
            action.triggered.connect(self._watcher.action_ended)
        self.named.setdefault(text, action)  # the menu bar's, when the grid has a twin
        return action
