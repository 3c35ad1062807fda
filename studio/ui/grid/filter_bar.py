"""The strip above the grid: which drafts to show (flag or rating, model, how they were
made, a prompt search), in which order, and the tile size."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.models.draft_labels import model_label
from studio.models.grid_filter import Made
from studio.models.grid_state import DraftFilter, FilterMode, GridOrder
from studio.ui.grid.tile_delegate import DEFAULT_TILE_SIZE, MAX_TILE_SIZE, MIN_TILE_SIZE

# Typing "neon koi" should not rebuild the grid after every letter.
_SEARCH_DELAY_MS = 200
_ANY_MODEL = "Any model"
_MADE = (
    (Made.ANY, "Any origin"),
    (Made.FRESH, "Fresh drafts"),
    (Made.REFINED, "Refined"),
    (Made.EDITED, "Edited"),
    (Made.VARIED, "Varied"),
)
_ORDERS = (
    (GridOrder.NEWEST, "Newest first"),
    (GridOrder.RATING, "By rating"),
    (GridOrder.RANK, "By tournament rank"),
)


def _combo(parent: QWidget, name: str, tip: str) -> QComboBox:
    combo = QComboBox(parent)
    combo.setAccessibleName(name)
    combo.setToolTip(tip)
    # A clipped "Nano Banan" says nothing: the row below the strip has the room.
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    combo.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return combo


class FilterBar(QWidget):
    filter_changed = Signal(object)  # DraftFilter
    order_changed = Signal(object)  # GridOrder
    tile_size_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._min_rating = 3
        # Two rows: what to show and the search above, which model, origin and order below;
        # on one row the strip alone would be wider than a laptop's window.
        rows = QVBoxLayout(self)
        rows.setContentsMargins(8, 6, 8, 6)
        rows.setSpacing(4)
        layout = QHBoxLayout()
        layout.setSpacing(0)
        rows.addLayout(layout)
        views = QHBoxLayout()
        views.setSpacing(6)
        rows.addLayout(views)

        self._modes = QButtonGroup(self)
        self._modes.setExclusive(True)
        self._buttons: dict[FilterMode, QToolButton] = {}
        for mode, text, name in (
            (FilterMode.ALL, "All", "Show all drafts"),
            (FilterMode.PICKS, "Picks", "Show picks only"),
            (FilterMode.MIN_RATING, "", ""),
            (FilterMode.HIDE_REJECTS, "Hide rejects", "Hide rejected drafts"),
        ):
            button = QToolButton(self)
            button.setCheckable(True)
            button.setText(text)
            button.setAccessibleName(name)
            button.setToolTip(name)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            # Flat until chosen: the one raised button is the mode in force.
            button.setAutoRaise(True)
            self._modes.addButton(button)
            self._buttons[mode] = button
            layout.addWidget(button)
        self._buttons[FilterMode.ALL].setChecked(True)
        self._modes.buttonToggled.connect(self._on_mode_toggled)

        rating = self._buttons[FilterMode.MIN_RATING]
        rating.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        menu = QMenu(rating)
        menu.setAccessibleName("Minimum rating")
        self._rating_actions = QActionGroup(menu)
        for stars in range(1, 6):
            action = QAction(f"{'★' * stars} or more", menu)
            action.setCheckable(True)
            action.setChecked(stars == self._min_rating)
            action.setData(stars)
            self._rating_actions.addAction(action)
            menu.addAction(action)
        menu.triggered.connect(self._on_rating_chosen)
        rating.setMenu(menu)
        self._label_rating_button()

        self._model = _combo(self, "Filter by model", "Show only drafts made by this model")
        self._model.addItem(_ANY_MODEL, "")
        self._model.currentIndexChanged.connect(lambda _index: self._emit_filter())
        views.addWidget(self._model)
        self._made = _combo(
            self,
            "Filter by how drafts were made",
            "Show fresh drafts, or refined, edited or varied ones",
        )
        for made, text in _MADE:
            self._made.addItem(text, made)
        self._made.currentIndexChanged.connect(lambda _index: self._emit_filter())
        views.addWidget(self._made)

        layout.addSpacing(12)
        self._search = QLineEdit(self)
        self._search.setPlaceholderText("Search prompts…")
        self._search.setAccessibleName("Search prompts")
        self._search.setToolTip("Show only batches whose prompt contains this text")
        self._search.setClearButtonEnabled(True)
        self._search.setMinimumWidth(160)
        self._search.setMaximumWidth(360)
        layout.addWidget(self._search, 1)
        self._search_delay = QTimer(self)
        self._search_delay.setSingleShot(True)
        self._search_delay.setInterval(_SEARCH_DELAY_MS)
        self._search_delay.timeout.connect(self._emit_filter)
        self._search.textChanged.connect(self._on_search_edited)
        # Enter applies at once: the user has said they are done.
        self._search.returnPressed.connect(self._emit_filter)

        self._order = _combo(
            self,
            "Order of drafts",
            "Within each batch: slot order, best rated first, or best ranked first by the "
            "latest finished tournament",
        )
        for order, text in _ORDERS:
            self._order.addItem(text, order)
        self._order.currentIndexChanged.connect(lambda _index: self._on_order_chosen())
        views.addWidget(self._order)
        views.addStretch(1)

        layout.addStretch(0)
        layout.addSpacing(12)
        self._size = QSlider(Qt.Orientation.Horizontal, self)
        self._size.setRange(MIN_TILE_SIZE, MAX_TILE_SIZE)
        self._size.setSingleStep(16)
        self._size.setPageStep(48)
        self._size.setValue(DEFAULT_TILE_SIZE)
        self._size.setFixedWidth(120)
        self._size.setAccessibleName("Tile size")
        self._size.setToolTip("Tile size (Ctrl++ / Ctrl+-)")
        self._size.valueChanged.connect(self.tile_size_changed)
        layout.addWidget(self._size)

        self._last = self.current_filter()

    def current_filter(self) -> DraftFilter:
        mode = next(
            (mode for mode, button in self._buttons.items() if button.isChecked()),
            FilterMode.ALL,
        )
        return DraftFilter(
            mode=mode,
            min_rating=self._min_rating,
            text=self._search.text(),
            model=self._model.currentData() or None,
            made=Made(self._made.currentData() or Made.ANY),
        )

    def current_order(self) -> GridOrder:
        return GridOrder(self._order.currentData() or GridOrder.NEWEST)

    def set_models(self, model_ids: list[str]) -> None:
        """Offers the models the library holds; one chosen before stays offered, so a
        remembered choice whose drafts are gone can still be seen and undone."""
        chosen = self._model.currentData() or ""
        wanted = list(dict.fromkeys([*model_ids, *([chosen] if chosen else [])]))
        offered = [self._model.itemData(i) for i in range(1, self._model.count())]
        if offered == wanted:
            return
        blocked = self._model.blockSignals(True)
        while self._model.count() > 1:
            self._model.removeItem(1)
        for model_id in wanted:
            self._model.addItem(model_label(model_id), model_id)
        self._model.setCurrentIndex(max(0, self._model.findData(chosen)))
        self._model.blockSignals(blocked)

    def restore(self, draft_filter: DraftFilter, order: GridOrder) -> None:
        """Shows a remembered choice without announcing it: the caller applies it."""
        widgets = [*self._buttons.values(), self._model, self._made, self._order]
        blocked = [widget.blockSignals(True) for widget in widgets]
        self._modes.blockSignals(True)
        self._min_rating = draft_filter.min_rating
        for action in self._rating_actions.actions():
            action.setChecked(action.data() == self._min_rating)
        self._label_rating_button()
        self._buttons[draft_filter.mode].setChecked(True)
        if draft_filter.model is not None and self._model.findData(draft_filter.model) < 0:
            self._model.addItem(model_label(draft_filter.model), draft_filter.model)
        self._model.setCurrentIndex(max(0, self._model.findData(draft_filter.model or "")))
        self._made.setCurrentIndex(max(0, self._made.findData(draft_filter.made)))
        self._order.setCurrentIndex(max(0, self._order.findData(order)))
        self._modes.blockSignals(False)
        for widget, was in zip(widgets, blocked, strict=True):
            widget.blockSignals(was)
        self._last = self.current_filter()

    def set_tile_size(self, px: int) -> None:
        """Follows the view (Ctrl++ there) without echoing the change back."""
        blocked = self._size.blockSignals(True)
        self._size.setValue(px)
        self._size.blockSignals(blocked)

    def _label_rating_button(self) -> None:
        button = self._buttons[FilterMode.MIN_RATING]
        button.setText(f"★ ≥ {self._min_rating}")
        name = f"Show drafts rated {self._min_rating} or more stars"
        button.setAccessibleName(name)
        button.setToolTip(f"{name}; the arrow picks another minimum")

    def _on_search_edited(self, text: str) -> None:
        if text:
            self._search_delay.start()
        else:
            self._emit_filter()  # the clear button: the user is done

    def _on_mode_toggled(self, _button: QToolButton, checked: bool) -> None:
        if checked:
            self._emit_filter()

    def _on_rating_chosen(self, action: QAction) -> None:
        self._min_rating = int(action.data())
        self._label_rating_button()
        rating = self._buttons[FilterMode.MIN_RATING]
        if rating.isChecked():
            self._emit_filter()
        else:
            rating.setChecked(True)

    def _on_order_chosen(self) -> None:
        self.order_changed.emit(self.current_order())

    def _emit_filter(self) -> None:
        self._search_delay.stop()
        current = self.current_filter()
        if current != self._last:
            self._last = current
            self.filter_changed.emit(current)
