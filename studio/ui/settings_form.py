"""The pieces the settings dialog and the first-run panel are built from: section headings,
right-aligned form labels that line up across sections, hints, notes and wrapped text."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QPalette, QResizeEvent
from PySide6.QtWidgets import QFormLayout, QLabel, QPushButton, QWidget

# A translucent tint reads on both the dark and the light palette; the text keeps its colour.
NOTE_STYLE = (
    "QLabel { background: rgba(232, 181, 61, 0.14); border-left: 3px solid #e8b53d;"
    " border-radius: 2px; }"
)
# Padding as contents margins, not in the style sheet, so QLabel.heightForWidth counts it.
NOTE_MARGINS = (10, 6, 8, 6)
# Every form's fields start at the same x, whichever section's label is widest.
LABEL_WIDTH = 120


class WrapLabel(QLabel):
    """A word-wrapped label whose size hint is its height at its real width.

    QFormLayout sizes rows from the size hint, which QLabel computes for a guessed width,
    so a long sentence in a wide row would get a box several lines too tall.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        self._hinted_width = -1

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if self.width() > 0:
            hint.setHeight(self.heightForWidth(self.width()))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != self._hinted_width:
            self._hinted_width = event.size().width()
            self.updateGeometry()


def note(name: str, tooltip: str, parent: QWidget) -> WrapLabel:
    """An amber-edged note for something that needs the user's attention."""
    label = WrapLabel(parent=parent)
    label.setStyleSheet(NOTE_STYLE)
    label.setContentsMargins(*NOTE_MARGINS)
    label.setAccessibleName(name)
    label.setToolTip(tooltip)
    return label


def heading(text: str, *, first: bool = False) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.12)
    label.setFont(font)
    label.setAccessibleName(f"{text} section")
    label.setContentsMargins(0, 0 if first else 14, 0, 2)
    return label


def form(owner: QWidget) -> QFormLayout:
    """A section's rows, set on `owner` with no margins so sections line up in the dialog."""
    layout = QFormLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setHorizontalSpacing(14)
    layout.setVerticalSpacing(8)
    layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return layout


def label(text: str, buddy: QWidget) -> QLabel:
    shown = QLabel(text)
    shown.setBuddy(buddy)
    shown.setMinimumWidth(LABEL_WIDTH)
    shown.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return shown


def hint(text: str, parent: QWidget) -> QLabel:
    shown = WrapLabel(text, parent)
    shown.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return shown


def button(text: str, tooltip: str, parent: QWidget) -> QPushButton:
    made = QPushButton(text, parent)
    made.setAccessibleName(text)
    made.setToolTip(tooltip)
    return made
