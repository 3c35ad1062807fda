"""Keyboard shortcuts at a glance (F1 or ?): every menu action that has a key, read from the
menus themselves so the sheet can never disagree with them, plus the compare view's keys."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMenuBar,
    QVBoxLayout,
    QWidget,
)

Entry = tuple[str, str]  # keys, what they do


def menu_entries(menus: QMenuBar) -> list[tuple[str, list[Entry]]]:
    """(menu title, [(keys, action)]) for each menu, keeping only actions with a key."""
    sections = []
    for top in menus.actions():
        menu = top.menu()
        if not isinstance(menu, QMenu):
            continue
        entries = [
            (_keys(action), action.text().replace("&", ""))
            for action in menu.actions()
            if isinstance(action, QAction) and action.shortcuts()
        ]
        if entries:
            sections.append((top.text().replace("&", ""), entries))
    return sections


def _keys(action: QAction) -> str:
    return " / ".join(
        key.toString(QKeySequence.SequenceFormat.NativeText) for key in action.shortcuts()
    )


class CheatSheet(QDialog):
    """Non-modal: open it with `show()`; it stays beside the window while the user works."""

    def __init__(
        self, sections: Sequence[tuple[str, Sequence[Entry]]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setAccessibleName("Keyboard shortcuts")
        columns = QHBoxLayout(self)
        columns.setSpacing(28)
        columns.setContentsMargins(20, 16, 20, 16)
        # Sections flow into three columns, each taking the next section in turn.
        stacks = [QVBoxLayout() for _ in range(min(3, len(sections)))]
        for number, (title, entries) in enumerate(sections):
            stacks[number % len(stacks)].addWidget(_section(title, entries))
        for stack in stacks:
            stack.addStretch(1)
            columns.addLayout(stack)


def _section(title: str, entries: Sequence[Entry]) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 12)
    heading = QLabel(title)
    bold = QFont(heading.font())
    bold.setWeight(QFont.Weight.DemiBold)
    heading.setFont(bold)
    layout.addWidget(heading)
    rows = QFormLayout()
    rows.setHorizontalSpacing(14)
    rows.setVerticalSpacing(3)
    for keys, what in entries:
        key_label = QLabel(keys)
        key_label.setFont(bold)
        key_label.setAccessibleName(f"{what}: {keys}")
        description = QLabel(what)
        description.setEnabled(False)  # dimmed: the keys are what the eye looks for
        rows.addRow(key_label, description)
    layout.addLayout(rows)
    return box
