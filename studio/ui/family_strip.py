"""The inspector's family section: the draft this one came from, and the drafts made from it,
as thumbnails that take you there; how this draft was made; a button to compare it with its
parent. Bound to a FamilyModel; thumbnails come from the grid's cache."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPalette
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.core.domain import Derivation
from studio.core.library import DraftRecord
from studio.models.draft_labels import derivation_label, model_label
from studio.models.family import FamilyModel
from studio.models.thumbnails import ThumbnailCache

THUMB = 56
_COLUMNS = 4
_SHOWN_CHILDREN = 8  # two rows; the rest are counted


def how_made(draft: DraftRecord) -> str:
    """ "Refined from draft 12 · Nano Banana 2 · 2K" """
    assert draft.derivation is not None
    return (
        f"{derivation_label(draft.derivation)} from draft {draft.parent_id}"
        f" · {model_label(draft.model)} · {draft.size}"
    )


def _tip(draft: DraftRecord) -> str:
    made = how_made(draft) if draft.derivation is not None else f"{model_label(draft.model)}"
    if draft.derivation == Derivation.EDIT and draft.instruction:
        made += f"\n“{draft.instruction}”"
    return f"Draft {draft.id} · {made}"


class FamilyStrip(QWidget):
    relative_chosen = Signal(int)  # a parent or child draft was clicked
    compare_parent_requested = Signal()

    def __init__(
        self, family: FamilyModel, thumbnails: ThumbnailCache, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._family = family
        self._thumbnails = thumbnails
        self._buttons: dict[int, tuple[QToolButton, DraftRecord]] = {}
        self.setAccessibleName("Family")

        heading = QLabel("FAMILY")
        heading.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        small = heading.font()
        small.setPointSizeF(small.pointSizeF() * 0.85)
        small.setLetterSpacing(small.SpacingType.PercentageSpacing, 110)
        heading.setFont(small)

        self.parent_button = self._thumb_button()
        self._parent_id: int | None = None
        self.parent_button.clicked.connect(self._parent_clicked)
        self.origin = QLabel()
        self.origin.setWordWrap(True)
        self.origin.setAccessibleName("How this draft was made")
        self.instruction = QLabel()
        self.instruction.setWordWrap(True)
        self.instruction.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.instruction.setAccessibleName("Instruction")
        self.compare_button = QPushButton("Compare with parent")
        self.compare_button.setAccessibleName("Compare with parent")
        self.compare_button.setToolTip("This draft beside the one it was made from (Shift+C)")
        self.compare_button.clicked.connect(self.compare_parent_requested)
        about = QVBoxLayout()
        about.setSpacing(4)
        about.addWidget(self.origin)
        about.addWidget(self.instruction)
        about.addWidget(self.compare_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.parent_row = QWidget()
        row = QHBoxLayout(self.parent_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(10)
        row.addWidget(self.parent_button, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(about, 1)

        self.children_label = QLabel()
        self.children_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.children_grid = QGridLayout()
        self.children_grid.setSpacing(6)
        self.children_grid.setAlignment(Qt.AlignmentFlag.AlignLeft)

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        column.addWidget(heading)
        column.addWidget(self.parent_row)
        column.addWidget(self.children_label)
        column.addLayout(self.children_grid)

        family.changed.connect(self.refresh)
        thumbnails.ready.connect(self._thumbnail_ready)
        self.refresh()

    def _thumb_button(self) -> QToolButton:
        button = QToolButton()
        button.setIconSize(QSize(THUMB, THUMB))
        button.setFixedSize(THUMB + 8, THUMB + 8)
        button.setAutoRaise(True)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        return button

    def _show_thumb(self, button: QToolButton, draft: DraftRecord) -> None:
        self._buttons[draft.id] = (button, draft)
        button.setToolTip(_tip(draft))
        pixmap = (
            self._thumbnails.pixmap(draft.id, draft.thumb_path, self.devicePixelRatioF())
            if draft.thumb_path is not None
            else None
        )
        button.setIcon(QIcon(pixmap) if pixmap is not None else QIcon())
        button.setText("" if pixmap is not None else f"#{draft.id}")
        button.setToolButtonStyle(
            Qt.ToolButtonStyle.ToolButtonIconOnly
            if pixmap is not None
            else Qt.ToolButtonStyle.ToolButtonTextOnly
        )

    def _thumbnail_ready(self, draft_id: int) -> None:
        if draft_id in self._buttons:
            button, draft = self._buttons[draft_id]
            self._show_thumb(button, draft)

    def refresh(self) -> None:
        family = self._family
        draft, origin, offspring = family.draft, family.origin, family.offspring
        self._buttons.clear()
        self.setVisible(draft is not None and (origin is not None or bool(offspring)))
        if draft is None:
            return
        self.parent_row.setVisible(origin is not None and draft.derivation is not None)
        if origin is not None and draft.derivation is not None:
            self._show_thumb(self.parent_button, origin)
            self.parent_button.setAccessibleName(f"Parent draft {origin.id}")
            self._parent_id = origin.id
            trashed = " (in the trash)" if origin.deleted else ""
            self.origin.setText(how_made(draft) + trashed)
            said = draft.instruction if draft.derivation == Derivation.EDIT else None
            self.instruction.setText(f"“{said}”" if said else "")
            self.instruction.setVisible(bool(said))
            self.compare_button.setEnabled(origin.path is not None and draft.path is not None)
        self._fill_children(offspring)

    def _fill_children(self, offspring: list[DraftRecord]) -> None:
        while (item := self.children_grid.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None:
                widget.deleteLater()
        count = len(offspring)
        self.children_label.setVisible(count > 0)
        more = count - _SHOWN_CHILDREN
        self.children_label.setText(
            f"Made from this: {count}" + (f" (newest {_SHOWN_CHILDREN} shown)" if more > 0 else "")
        )
        for index, child in enumerate(offspring[-_SHOWN_CHILDREN:]):
            button = self._thumb_button()
            button.setAccessibleName(f"Child draft {child.id}")
            self._show_thumb(button, child)
            button.clicked.connect(lambda _=False, i=child.id: self.relative_chosen.emit(i))
            self.children_grid.addWidget(button, index // _COLUMNS, index % _COLUMNS)

    def _parent_clicked(self) -> None:
        if self._parent_id is not None:
            self.relative_chosen.emit(self._parent_id)
