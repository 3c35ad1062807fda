"""The grid page: the filter strip and a Compare button above the draft grid."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QToolButton, QVBoxLayout, QWidget

from studio.models.draft_list import DraftListModel
from studio.models.grid_filter import Made
from studio.models.grid_state import DraftFilter, FilterMode, GridOrder
from studio.models.settings_model import SettingsModel
from studio.ui.grid.filter_bar import FilterBar
from studio.ui.grid.grid_view import GridView


class GridPage(QWidget):
    compare_requested = Signal()

    def __init__(
        self,
        drafts: DraftListModel,
        settings: SettingsModel | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """With `settings`, the strip's choice (all but the search) is remembered there."""
        super().__init__(parent)
        self._drafts = drafts
        self._settings = settings
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

        self._offer_models()
        if settings is not None:
            self._restore(settings)
        # New batches may bring a model the strip does not offer yet.
        drafts.modelReset.connect(self._offer_models)
        drafts.rowsInserted.connect(self._offer_models)
        self.filter_bar.filter_changed.connect(self._on_filter)
        self.filter_bar.order_changed.connect(self._on_order)
        self.filter_bar.tile_size_changed.connect(self.grid.set_tile_size)
        self.grid.tile_size_changed.connect(self.filter_bar.set_tile_size)

    def _offer_models(self) -> None:
        self.filter_bar.set_models(self._drafts.models())

    def _restore(self, settings: SettingsModel) -> None:
        saved = settings.settings
        draft_filter = DraftFilter(
            mode=FilterMode(saved.grid_filter),
            min_rating=saved.grid_min_rating,
            model=saved.grid_model,
            made=Made(saved.grid_made),
        )
        order = GridOrder(saved.grid_order)
        self.filter_bar.restore(draft_filter, order)
        self._drafts.set_filter(draft_filter)
        self._drafts.set_order(order)

    def _on_filter(self, draft_filter: DraftFilter) -> None:
        self._drafts.set_filter(draft_filter)
        if self._settings is not None:
            self._settings.update(
                grid_filter=draft_filter.mode.value,
                grid_min_rating=draft_filter.min_rating,
                grid_model=draft_filter.model,
                grid_made=draft_filter.made.value,
            )

    def _on_order(self, order: GridOrder) -> None:
        self._drafts.set_order(order)
        if self._settings is not None:
            self._settings.update(grid_order=order.value)
