"""Keyboard shortcuts at a glance (F1 or ?): every menu action that has a key, read from the
menus themselves so the sheet can never disagree with them, plus the grid's and the compare
view's keys. A card over the dimmed window; Esc, F1 or a click beside the card closes it."""

from __future__ import annotations

from collections.abc import Sequence

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QFocusEvent,
    QFont,
    QHideEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMenuBar,
    QVBoxLayout,
    QWidget,
)

from studio.ui.shortcuts import claim_own_key

Entry = tuple[str, str]  # keys, what they do
Section = tuple[str, Sequence[Entry]]

TITLE = "Keyboard shortcuts"
CLOSE_HINT = "Esc or F1 to close"
_CLOSE_KEYS = {Qt.Key.Key_Escape, Qt.Key.Key_F1, Qt.Key.Key_Question}
_BACKDROP = QColor(0, 0, 0, 165)
_MARGIN = 32  # between the card and the window's edge, at least
_COLUMN_GAP = 40
_ROW_SPACING = 7
_HEADING_WEIGHT = 2  # a heading and the space above it, in rows, for balancing columns


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


class CheatSheet(QWidget):
    """Lies over its parent window, shown with `show()`; work goes on streaming underneath."""

    def __init__(self, sections: Sequence[Section], parent: QWidget) -> None:
        super().__init__(parent)
        self._window = parent
        self.setAccessibleName(TITLE)
        self.setAccessibleDescription(CLOSE_HINT)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._sections = list(sections)
        self._columns = 0
        self._body: QWidget | None = None
        self._grids: list[QGridLayout] = []
        self._before: QWidget | None = None  # had the focus before the sheet; gets it back

        self.card = QFrame(self)
        self.card.setObjectName("CheatCard")
        self.title = QLabel(TITLE)
        title_font = QFont(self.title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.45)
        title_font.setWeight(QFont.Weight.DemiBold)
        self.title.setFont(title_font)
        self.close_hint = QLabel(CLOSE_HINT)
        self.close_hint.setObjectName("CheatHint")
        top = QHBoxLayout()
        top.setSpacing(24)
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.close_hint, 0, Qt.AlignmentFlag.AlignVCenter)
        self._card_layout = QVBoxLayout(self.card)
        self._card_layout.setContentsMargins(32, 24, 32, 28)
        self._card_layout.setSpacing(18)
        self._card_layout.addLayout(top)
        self._restyle()
        parent.installEventFilter(self)
        self.hide()

    # -- layout --------------------------------------------------------------------------------

    def columns(self) -> list[QGridLayout]:
        """One grid per column of sections: key labels in column 0, descriptions in 1."""
        return list(self._grids)

    def _fit(self) -> None:
        self.setGeometry(self._window.rect())
        # As many columns as the window has room for, so the card never needs scrolling.
        for columns in (3, 2, 1):
            self._arrange(columns)
            hint = self.card.sizeHint()
            if hint.width() <= self.width() - 2 * _MARGIN or columns == 1:
                break
        hint = self.card.sizeHint()
        width = min(hint.width(), self.width() - 2 * _MARGIN)
        height = min(hint.height(), self.height() - 2 * _MARGIN)
        self.card.setGeometry(
            (self.width() - width) // 2, (self.height() - height) // 2, width, height
        )

    def _arrange(self, columns: int) -> None:
        if columns == self._columns and self._body is not None:
            return
        if self._body is not None:
            self._card_layout.removeWidget(self._body)
            self._body.deleteLater()
        self._columns = columns
        body = self._body = QWidget(self.card)
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(_COLUMN_GAP)
        self._grids = []
        keys: list[QLabel] = []
        for stack in _balanced(self._sections, columns):
            grid = QGridLayout()
            self._grids.append(grid)
            grid.setContentsMargins(0, 0, 0, 0)
            grid.setHorizontalSpacing(16)
            grid.setVerticalSpacing(_ROW_SPACING)
            grid.setColumnStretch(1, 1)
            for title, entries in stack:
                # Over the descriptions: headings and descriptions share one left edge,
                # the keys sit in the gutter to their left.
                heading = _heading(title, first=grid.count() == 0)
                grid.addWidget(heading, grid.rowCount(), 1)
                for shortcut, what in entries:
                    line = grid.rowCount()
                    # Keys end where descriptions start, as in a menu: the eye goes from
                    # one to the other without crossing a gap.
                    keys.append(_key(shortcut, what))
                    grid.addWidget(keys[-1], line, 0, Qt.AlignmentFlag.AlignRight)
                    grid.addWidget(_description(what), line, 1)
            grid.setRowStretch(grid.rowCount(), 1)
            row.addLayout(grid)
        self._card_layout.addWidget(body)
        body.show()  # made while the sheet is on screen: a new child starts hidden
        # The keys' padding comes from the card's style sheet: polished now, it counts in
        # the size the card is given.
        body.ensurePolished()
        # Every column's keys get the same width, so each description starts the same
        # distance from its column's edge, in every section.
        widest = max((key.sizeHint().width() for key in keys), default=0)
        for grid in self._grids:
            grid.setColumnMinimumWidth(0, widest)
        row.invalidate()
        body.updateGeometry()  # the card's layout holds on to the body's old size hint

    def _restyle(self) -> None:
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        window = palette.color(QPalette.ColorRole.Window)
        dark = window.lightness() < 128
        card = window.lighter(125) if dark else palette.color(QPalette.ColorRole.Base)

        def tint(alpha: float) -> str:
            return f"rgba({text.red()}, {text.green()}, {text.blue()}, {alpha})"

        # Descriptions at 86 % and headings at 64 % of the text colour keep a contrast above
        # 9:1 and 5:1 on the card, in the dark and the light palette alike.
        self.card.setStyleSheet(
            f"""
            QFrame#CheatCard {{
                background: {card.name()};
                border: 1px solid {tint(0.16)};
                border-radius: 12px;
            }}
            QFrame#CheatCard QLabel {{ background: transparent; color: {text.name()}; }}
            QLabel#CheatHint, QLabel#CheatHeading {{ color: {tint(0.64)}; }}
            QLabel#CheatWhat {{ color: {tint(0.86)}; }}
            QLabel#CheatKey {{
                background: {tint(0.08)};
                border: 1px solid {tint(0.2)};
                border-radius: 4px;
                padding: 1px 7px;
            }}
            """
        )

    # -- showing and closing -------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        focused = QApplication.focusWidget()
        self._before = focused if focused is not self else self._before
        self._fit()
        self.raise_()
        super().showEvent(event)
        self.setFocus(Qt.FocusReason.PopupFocusReason)

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        before, self._before = self._before, None
        if before is not None and shiboken6.isValid(before) and before.isVisible():
            before.setFocus(Qt.FocusReason.PopupFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        resized = watched is self._window and event.type() == QEvent.Type.Resize
        if resized and self.isVisible():
            self._fit()
        return False

    def event(self, event: QEvent) -> bool:
        # The window's F1 and ? open the sheet; over it, they close it.
        if claim_own_key(event, lambda key: key.key() in _CLOSE_KEYS):
            return True
        if event.type() == QEvent.Type.PaletteChange:
            self._restyle()
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in _CLOSE_KEYS:
            self.hide()
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if not self.card.geometry().contains(event.position().toPoint()):
            self.hide()
        event.accept()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        # A window-wide key (Ctrl+G, Ctrl+L…) moved on: the sheet has done its job.
        keep = (Qt.FocusReason.ActiveWindowFocusReason, Qt.FocusReason.PopupFocusReason)
        if event.reason() not in keep and self.isVisible():
            self._before = None
            self.hide()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), _BACKDROP)
        painter.end()


def _balanced(sections: Sequence[Section], columns: int) -> list[list[Section]]:
    """Sections in their order, cut into `columns` runs of about the same height."""
    weights = [len(entries) + _HEADING_WEIGHT for _, entries in sections]
    target = sum(weights) / max(1, columns)
    stacks: list[list[Section]] = [[]]
    height = 0.0
    for section, weight in zip(sections, weights, strict=True):
        # Start the next column when this section would end further past the target than
        # the column now falls short of it.
        if stacks[-1] and len(stacks) < columns and height + weight - target > target - height:
            stacks.append([])
            height = 0.0
        stacks[-1].append(section)
        height += weight
    return stacks


def _heading(title: str, *, first: bool) -> QLabel:
    heading = QLabel(title.upper())
    heading.setObjectName("CheatHeading")
    font = QFont(heading.font())
    font.setPointSizeF(font.pointSizeF() * 0.85)
    font.setWeight(QFont.Weight.Bold)
    font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 108)
    heading.setFont(font)
    heading.setAccessibleName(f"{title} section")
    heading.setContentsMargins(0, 0 if first else 18, 0, 2)
    return heading


def _key(keys: str, what: str) -> QLabel:
    label = QLabel(keys)
    label.setObjectName("CheatKey")
    font = QFont(label.font())
    font.setWeight(QFont.Weight.DemiBold)
    label.setFont(font)
    label.setAccessibleName(f"{what}: {keys}")
    return label


def _description(what: str) -> QLabel:
    label = QLabel(what)
    label.setObjectName("CheatWhat")
    return label
