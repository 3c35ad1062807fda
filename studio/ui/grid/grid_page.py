"""The grid page: the filter strip and a Compare button above the draft grid."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QToolButton, QVBoxLayout, QWidget

from studio.models.draft_list import DraftListModel
from studio.ui.grid.filter_bar import FilterBar
from studio.ui.grid.grid_view import GridView


class GridPage(QWidget):
    compare_requested = Signal()

    def __init__(self, drafts: DraftListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter_bar = FilterBar()
        self.grid = GridView()
        self.grid.setModel(drafts)
        # Tiles drag out as file URLs of the originals; nothing is dropped onto the grid.
        self.grid.setDragEnabled(True)
        self.grid.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.compare_button = QToolButton()
        self.compare_button.setText("Compare")
        self.compare_button.setAccessibleName("Compare selected")
        self.compare_button.setToolTip("Compare the selected drafts side by side (C)")
        self.compare_button.clicked.connect(self.compare_requested)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 8, 0)
        top.addWidget(self.filter_bar, 1)
        top.addWidget(self.compare_button)
        layout.addLayout(top)
        layout.addWidget(self.grid, 1)

        self.filter_bar.filter_changed.connect(drafts.set_filter)
        self.filter_bar.tile_size_changed.connect(self.grid.set_tile_size)
        self.grid.tile_size_changed.connect(self.filter_bar.set_tile_size)
