"""The right-hand panel: the selected draft large, every parameter, and what can be done next."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QFont,
    QGuiApplication,
    QKeySequence,
    QPalette,
)
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from studio.core.library.records import DraftRecord
from studio.core.money import cost, noted
from studio.models.draft_labels import model_label
from studio.models.family import FamilyModel
from studio.models.image_loader import ImageLoader
from studio.models.thumbnails import ThumbnailCache
from studio.ui.compare.marks import (
    coloured,
    flag_colour,
    flag_text,
    stars_description,
    stars_html,
    status_colour,
    status_text,
)
from studio.ui.family_strip import FamilyStrip
from studio.ui.inspector_preview import Preview

EMPTY_TEXT = "Select a draft to see its details"

SHORTCUTS = {
    "copy": QKeySequence("Ctrl+Shift+C"),
    "reuse": QKeySequence("Ctrl+Shift+R"),
    "retry": QKeySequence("Ctrl+Shift+T"),
    "reveal": QKeySequence("Ctrl+Shift+O"),
}

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def cost_text(cost_usd: float, billed: bool) -> str:
    return noted(cost(cost_usd, billed, exact=True), billed)


def latency_text(latency_ms: int | None) -> str:
    return "—" if latency_ms is None else f"{latency_ms / 1000:.1f} s"


def time_text(timestamp: float, now: datetime | None = None) -> str:
    moment = datetime.fromtimestamp(timestamp)
    today = (now or datetime.now()).date()
    if moment.date() == today:
        return f"Today, {moment:%H:%M}"
    if moment.date() == today - timedelta(days=1):
        return f"Yesterday, {moment:%H:%M}"
    # Not %b: Qt switches the C locale to the user's, and "Today" is English anyway.
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}, {moment:%H:%M}"


class Inspector(QWidget):
    """Shows one DraftRecord and turns its buttons into signals; copying the prompt is done
    here because the clipboard needs nothing from the rest of the app."""

    copy_prompt_requested = Signal(str)
    reuse_requested = Signal(int)
    retry_requested = Signal(int)
    reveal_requested = Signal(Path)
    relative_chosen = Signal(int)  # a parent or child in the family section was clicked
    compare_parent_requested = Signal()

    def __init__(
        self,
        family: FamilyModel,
        thumbnails: ThumbnailCache,
        loader: ImageLoader | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName("Inspector")
        self.setMinimumWidth(240)
        self._loader = loader if loader is not None else ImageLoader(self)
        self._draft: DraftRecord | None = None

        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.empty.setMargin(24)

        self.preview = Preview(self._loader)
        self.marks = QLabel()
        self.marks.setTextFormat(Qt.TextFormat.RichText)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Status")
        self.prompt = QLabel()
        self.prompt.setTextFormat(Qt.TextFormat.PlainText)
        self.prompt.setWordWrap(True)
        self.prompt.setAccessibleName("Prompt")
        self.prompt.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.prompt.setCursor(Qt.CursorShape.IBeamCursor)
        font = QFont(self.prompt.font())
        font.setPointSizeF(font.pointSizeF() * 1.08)
        self.prompt.setFont(font)

        self.fields: dict[str, QLabel] = {}
        details = QGridLayout()
        details.setHorizontalSpacing(14)
        details.setVerticalSpacing(5)
        details.setColumnStretch(1, 1)
        for row, name in enumerate(("Model", "Aspect", "Size", "Seed", "Cost", "Latency", "Time")):
            key = QLabel(name)
            key.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            value = QLabel()
            value.setAccessibleName(name)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            key.setBuddy(value)
            details.addWidget(key, row, 0, Qt.AlignmentFlag.AlignTop)
            details.addWidget(value, row, 1)
            self.fields[name] = value
        # On the sandbox the cost also says nothing is billed: two lines, not a wider panel.
        self.fields["Cost"].setWordWrap(True)

        self.copy_action = self._action("Copy prompt", "copy", "Copy the prompt", self._copy)
        self.reuse_action = self._action(
            "Reuse settings",
            "reuse",
            "Put this prompt, model, aspect, size and seed back in the prompt panel",
            self._reuse,
        )
        self.retry_action = self._action(
            "Retry", "retry", "Generate this slot again with the same settings", self._retry
        )
        self.reveal_action = self._action(
            "Reveal file", "reveal", "Show the image file in the file manager", self._reveal
        )
        self.copy_button = self._button(self.copy_action)
        self.reuse_button = self._button(self.reuse_action)
        self.retry_button = self._button(self.retry_action)
        self.reveal_button = self._button(self.reveal_action)
        buttons = QGridLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.copy_button, 0, 0)
        buttons.addWidget(self.reuse_button, 0, 1)
        buttons.addWidget(self.retry_button, 1, 0)
        buttons.addWidget(self.reveal_button, 1, 1)

        self.family = FamilyStrip(family, thumbnails)
        self.family.relative_chosen.connect(self.relative_chosen)
        self.family.compare_parent_requested.connect(self.compare_parent_requested)

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(14, 14, 14, 14)
        column.setSpacing(10)
        column.addWidget(self.preview)
        column.addWidget(self.marks)
        column.addWidget(self.status)
        column.addWidget(self.prompt)
        column.addSpacing(4)
        column.addLayout(details)
        column.addSpacing(6)
        column.addLayout(buttons)
        column.addSpacing(10)
        column.addWidget(self.family)
        column.addStretch(1)

        self._details = QScrollArea()
        self._details.setFrameShape(QFrame.Shape.NoFrame)
        self._details.setWidgetResizable(True)
        self._details.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._details.setWidget(content)

        self._pages = QStackedLayout(self)
        self._pages.addWidget(self.empty)
        self._pages.addWidget(self._details)

        self._copied = QTimer(self)
        self._copied.setSingleShot(True)
        self._copied.setInterval(1500)
        self._copied.timeout.connect(lambda: self.copy_button.setText("Copy prompt"))
        self.show_draft(None)

    @property
    def draft(self) -> DraftRecord | None:
        return self._draft

    @property
    def loader(self) -> ImageLoader:
        return self._loader

    @property
    def showing_empty_state(self) -> bool:
        return self._pages.currentWidget() is self.empty

    def show_draft(self, draft: DraftRecord | None) -> None:
        self._draft = draft
        if draft is None:
            self._pages.setCurrentWidget(self.empty)
            self.preview.show_draft(None)
            for action in self._actions():
                action.setEnabled(False)
            return
        self._pages.setCurrentWidget(self._details)
        self.preview.show_draft(draft)
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        flag = coloured(flag_text(draft.flag), flag_colour(draft.flag) or muted)
        self.marks.setText(f"{flag}&nbsp;&nbsp;&nbsp;{stars_html(draft.rating, muted)}")
        self.marks.setAccessibleName(f"{flag_text(draft.flag)}, {stars_description(draft.rating)}")
        problem = status_text(draft)
        self.status.setText(coloured(problem, status_colour(draft.status)))
        self.status.setVisible(bool(problem))
        self.prompt.setText(draft.prompt)
        self.fields["Model"].setText(model_label(draft.model))
        self.fields["Model"].setToolTip(draft.model)
        self.fields["Aspect"].setText(draft.aspect)
        pixels = f" · {draft.width} × {draft.height}" if draft.width and draft.height else ""
        self.fields["Size"].setText(f"{draft.size}{pixels}")
        self.fields["Seed"].setText(str(draft.seed))
        cost = cost_text(draft.cost_usd, draft.billed)
        # A job's drafts have no latency of their own: the service ran them when it chose.
        in_job = draft.job_id is not None
        self.fields["Cost"].setText(f"{cost} · batch price" if in_job and draft.path else cost)
        attempts = f" · {draft.attempts} attempts" if draft.attempts > 1 and not in_job else ""
        latency = "batch job" if in_job else latency_text(draft.latency_ms)
        self.fields["Latency"].setText(latency + attempts)
        self.fields["Time"].setText(time_text(draft.created_at))
        self.fields["Time"].setToolTip(datetime.fromtimestamp(draft.created_at).isoformat(" "))
        self.copy_action.setEnabled(bool(draft.prompt))
        self.reuse_action.setEnabled(True)
        self.retry_action.setEnabled(draft.status.can_retry)
        # One stat per selection change: cheap, and a file deleted outside the app stays honest.
        self.reveal_action.setEnabled(draft.path is not None and draft.path.is_file())

    def named_actions(self) -> dict[str, QAction]:
        """Its actions by their text, for the grid's context menu."""
        return {action.text(): action for action in self._actions()}

    def _action(self, text: str, name: str, what: str, slot: Callable[[], None]) -> QAction:
        action = QAction(text, self)
        action.setShortcut(SHORTCUTS[name])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        shortcut = SHORTCUTS[name].toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{what} ({shortcut})")
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _button(self, action: QAction) -> QPushButton:
        button = QPushButton(action.text())
        button.setToolTip(action.toolTip())
        button.setAccessibleName(action.text())
        button.clicked.connect(action.trigger)
        button.setEnabled(action.isEnabled())
        action.enabledChanged.connect(button.setEnabled)
        return button

    def _actions(self) -> tuple[QAction, ...]:
        return (self.copy_action, self.reuse_action, self.retry_action, self.reveal_action)

    def _copy(self) -> None:
        if self._draft is None:
            return
        QGuiApplication.clipboard().setText(self._draft.prompt)
        self.copy_button.setText("Copied ✓")
        self._copied.start()
        self.copy_prompt_requested.emit(self._draft.prompt)

    def _reuse(self) -> None:
        if self._draft is not None:
            self.reuse_requested.emit(self._draft.id)

    def _retry(self) -> None:
        if self._draft is not None and self._draft.status.can_retry:
            self.retry_requested.emit(self._draft.id)

    def _reveal(self) -> None:
        if self._draft is not None and self._draft.path is not None:
            self.reveal_requested.emit(self._draft.path)
