"""The tournament view (T): two candidates side by side at the largest size that fits, the
choice by one key, and at the end the ranking with what to make of it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QRect, Qt, Signal
from PySide6.QtGui import QImage, QKeyEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QWidget

from studio.core.library import DraftRecord
from studio.core.ranking import Choice
from studio.models.image_loader import ImageLoader
from studio.models.thumbnails import ThumbnailCache
from studio.models.tournament import DEFAULT_TOP, TournamentModel
from studio.ui.shortcuts import claim_own_key
from studio.ui.survey.pane import CAPTION_HEIGHT, SurveyPane
from studio.ui.tournament.ranking_strip import RankingStrip

KEYS = [
    ("← / 1", "The left one is better"),
    ("→ / 2", "The right one is better"),
    ("↓", "Both are as good (a tie)"),
    ("Backspace", "Take back the last choice"),
    ("P", "At the end: pick the top K (↑ ↓ change K)"),
    ("S", "At the end: spread ratings 5–1"),
    ("K", "At the end: keep the order only"),
    ("Esc", "Back to the grid (T resumes)"),
]
HINTS = "← or 1 left · → or 2 right · ↓ tie · Backspace undo · Esc leave (T resumes)"
DONE_HINTS = "P pick top K · ↑ ↓ change K · S spread ratings · K keep order · Backspace undo · Esc"
_MARGIN = 16
_GAP = 16
_TOP = 34  # the progress line
_HINT_HEIGHT = 28
_CHOICES = {
    Qt.Key.Key_Left: Choice.LEFT,
    Qt.Key.Key_1: Choice.LEFT,
    Qt.Key.Key_Right: Choice.RIGHT,
    Qt.Key.Key_2: Choice.RIGHT,
    Qt.Key.Key_Down: Choice.TIE,
}
_APPLY = {Qt.Key.Key_P: "picks", Qt.Key.Key_S: "ratings", Qt.Key.Key_K: "order"}
_OWN_KEYS = {*_CHOICES, *_APPLY, Qt.Key.Key_Up, Qt.Key.Key_Backspace, Qt.Key.Key_Escape}


class _Candidate(SurveyPane):
    """A survey pane without its ×: a candidate leaves a tournament only by losing."""

    def _show_remove(self) -> None:
        self.remove_button.hide()


class TournamentView(QWidget):
    closed = Signal()
    applied = Signal(str)  # "picks", "ratings" or "order"

    def __init__(
        self, model: TournamentModel, thumbnails: ThumbnailCache, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName("Tournament")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAutoFillBackground(True)
        self.model = model
        # Its own loader: the two candidates and the next pair's survivor stay decoded.
        self.loader = ImageLoader(self, max_images=4)
        self.loader.loaded.connect(self._loaded)
        self._panes: list[_Candidate] = []
        self.progress = QLabel(self)
        self.progress.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.progress.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.progress.setFont(font)
        self.hint = QLabel(HINTS, self)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.strip = RankingStrip(thumbnails, self)
        self.actions_bar = self._make_actions()
        self._restyle()
        model.changed.connect(self.refresh)

    def _make_actions(self) -> QWidget:
        bar = QWidget(self)
        row = QHBoxLayout(bar)
        row.setContentsMargins(0, 0, 0, 0)
        row.addStretch(1)
        self.top_k = QSpinBox(bar)
        self.top_k.setRange(1, 64)
        self.top_k.setValue(DEFAULT_TOP)
        self.top_k.setAccessibleName("How many to pick")
        self.top_k.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        buttons = [
            ("Pick top K", "picks", "Pick the best K drafts (P); the others stay as they are"),
            ("Spread ratings 5–1", "ratings", "Rate by rank, best 5 down to 1 (S)"),
            ("Keep the order", "order", "Keep the ranking without changing flags or stars (K)"),
        ]
        for text, kind, tip in buttons:
            button = QPushButton(text, bar)
            button.setToolTip(tip)
            button.setAccessibleName(text)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the view keeps the keys
            button.clicked.connect(lambda _=False, k=kind: self.apply(k))
            row.addWidget(button)
            if kind == "picks":
                row.addWidget(self.top_k)
                row.addSpacing(16)
        row.addStretch(1)
        return bar

    # -- what it shows -------------------------------------------------------------------------

    def panes(self) -> list[SurveyPane]:
        return list(self._panes)

    def refresh(self) -> None:
        model = self.model
        self.progress.setText(model.progress_text())
        done = model.done
        self.hint.setText(DONE_HINTS if done else HINTS)
        self.strip.setVisible(done)
        self.actions_bar.setVisible(done)
        if done:
            self._set_pair(None)
            self.strip.set_ranking(model.ranking())
            self.top_k.setMaximum(model.count)
        else:
            self._set_pair(model.pair())
        self.setAccessibleDescription(model.progress_text())
        self._relayout()

    def _set_pair(self, pair: tuple[DraftRecord, DraftRecord] | None) -> None:
        drafts = list(pair) if pair is not None else []
        if [p.draft.id for p in self._panes] == [d.id for d in drafts]:
            return
        for side, pane in enumerate(self._panes):
            self.loader.cancel(("tournament", side))
            pane.hide()  # at once: deleteLater waits for the event loop, and it would linger
            pane.deleteLater()
        self._panes = []
        for side, draft in enumerate(drafts):
            pane = _Candidate(draft, self)
            pane.setAccessibleName(f"{'Left' if side == 0 else 'Right'}: draft {draft.id}")
            pane.clicked.connect(lambda c=(Choice.LEFT, Choice.RIGHT)[side]: self.choose(c))
            self._panes.append(pane)
            pane.show()
            if draft.path is not None:
                self.loader.request(draft.path, ("tournament", side))

    def update_draft(self, draft: DraftRecord) -> None:
        self.model.update_draft(draft)
        for pane in self._panes:
            if pane.draft.id == draft.id:
                pane.set_draft(draft)
        if self.model.done:
            self.strip.set_ranking(self.model.ranking())

    def _loaded(self, path: Path, _: QImage) -> None:
        for pane in self._panes:
            if pane.draft.path == path:
                pane.set_levels(self.loader.levels(path))
        self._relayout()

    # -- acting --------------------------------------------------------------------------------

    def choose(self, choice: Choice) -> None:
        self.model.answer(choice)

    def apply(self, kind: str) -> None:
        if self.model.done:
            self.model.apply(kind, self.top_k.value())
            self.applied.emit(kind)

    def leave(self) -> None:
        self._set_pair(None)
        self.closed.emit()

    # -- layout --------------------------------------------------------------------------------

    def _relayout(self) -> None:
        self.progress.setGeometry(0, 6, self.width(), _TOP - 6)
        self.hint.setGeometry(0, self.height() - _HINT_HEIGHT - 4, self.width(), _HINT_HEIGHT)
        area = self.rect().adjusted(_MARGIN, _TOP, -_MARGIN, -_MARGIN - _HINT_HEIGHT)
        if self.model.done:
            bar = self.actions_bar.sizeHint().height()
            self.strip.setGeometry(area.adjusted(0, 8, 0, -bar - 16))
            self.actions_bar.setGeometry(area.x(), area.bottom() - bar, area.width(), bar)
            return
        column = (area.width() - _GAP) / 2
        height = area.height() - CAPTION_HEIGHT
        for side, pane in enumerate(self._panes):
            aspect = pane.aspect()
            width = min(column, height * aspect)
            image_h = width / aspect
            # Each image leans towards the divider, so the two read as one comparison.
            x = area.x() + (column - width if side == 0 else column + _GAP)
            y = area.y() + (height - image_h) / 2
            pane.setGeometry(
                QRect(round(x), round(y), round(width), round(image_h) + CAPTION_HEIGHT)
            )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._relayout()

    def _restyle(self) -> None:
        palette = self.palette()
        # The survey's neutral: images, not chrome, carry the colour.
        palette.setColor(
            QPalette.ColorRole.Window, palette.color(QPalette.ColorRole.Window).darker(125)
        )
        self.setPalette(palette)

    # -- keys ----------------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        return claim_own_key(event, self._is_own_key) or super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._is_own_key(event):
            super().keyPressEvent(event)
            return
        key = Qt.Key(event.key())
        done = self.model.done
        if key == Qt.Key.Key_Escape:
            self.leave()
        elif key == Qt.Key.Key_Backspace:
            self.model.undo()
        elif not done and key in _CHOICES:
            self.choose(_CHOICES[key])
        elif done and key in _APPLY:
            self.apply(_APPLY[key])
        elif done and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.top_k.stepBy(1 if key == Qt.Key.Key_Up else -1)
        event.accept()

    @staticmethod
    def _is_own_key(event: QKeyEvent) -> bool:
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        return modifiers == Qt.KeyboardModifier.NoModifier and event.key() in _OWN_KEYS
