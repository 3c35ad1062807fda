"""What sits under the compare panes: the A/B letter, the draft's flag and stars, model, seed."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from studio.core.domain import Flag
from studio.core.library.records import DraftRecord
from studio.models.draft_labels import model_label
from studio.ui.compare.marks import (
    ACCENT,
    coloured,
    flag_colour,
    flag_text,
    stars_description,
    stars_html,
)


def muted(widget: QWidget) -> str:
    return widget.palette().color(QPalette.ColorRole.PlaceholderText).name()


class SideBadge(QWidget):
    """The A/B letter; filled with the accent on the side that keys act on."""

    def __init__(self, letter: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._letter = letter
        self._active = False
        self.setFixedSize(22, 22)
        self.setAccessibleName(f"Side {letter}")

    @property
    def letter(self) -> str:
        return self._letter

    def set_letter(self, letter: str) -> None:
        if letter != self._letter:
            self._letter = letter
            self.setAccessibleName(f"Side {letter}")
            self.update()

    def set_active(self, active: bool) -> None:
        self._active = active
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        palette = self.palette()
        if self._active:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(ACCENT))
            text = QColor(30, 30, 30)
        else:
            painter.setPen(palette.color(QPalette.ColorRole.Light))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            text = palette.color(QPalette.ColorRole.WindowText)
        painter.drawRoundedRect(box, 5, 5)
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(text)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self._letter)
        painter.end()


class Caption(QWidget):
    """Under a pane: which side it is, the draft's flag and stars, its model and seed."""

    def __init__(self, letter: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.badge = SideBadge(letter)
        self.flag = QLabel()
        self.stars = QLabel()
        self.details = QLabel()
        self.position = QLabel()
        for label in (self.flag, self.stars):
            label.setTextFormat(Qt.TextFormat.RichText)
        for label in (self.details, self.position):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.details.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.details.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # Same width for every flag, so the stars line up under both panes.
        metrics = self.flag.fontMetrics()
        widest = max(metrics.horizontalAdvance(flag_text(flag)) for flag in Flag)
        self.flag.setFixedWidth(widest + 4)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(12)
        layout.addWidget(self.badge)
        layout.addWidget(self.flag)
        layout.addWidget(self.stars)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.position)
        self.setAccessibleName(f"Caption {letter}")

    def show_draft(self, draft: DraftRecord | None, position: str = "") -> None:
        if draft is None:
            for label in (self.flag, self.stars, self.details, self.position):
                label.clear()
            return
        self.flag.setText(coloured(flag_text(draft.flag), flag_colour(draft.flag) or muted(self)))
        self.flag.setAccessibleName(flag_text(draft.flag))
        self.stars.setText(stars_html(draft.rating, muted(self)))
        self.stars.setAccessibleName(stars_description(draft.rating))
        self.details.setText(f"{model_label(draft.model)} · seed {draft.seed}")
        self.details.setToolTip(f"{draft.model} · {draft.aspect} · {draft.size}")
        self.position.setText(position)

    def set_letter(self, letter: str) -> None:
        self.badge.set_letter(letter)

    def set_active(self, active: bool) -> None:
        self.badge.set_active(active)


class Divider(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedWidth(1)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Dark))
        painter.end()
