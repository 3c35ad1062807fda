"""The strip above the grid: which drafts to show, a prompt search and the tile size."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QSlider,
    QToolButton,
    QWidget,
)

from studio.models.grid_state import DraftFilter, FilterMode
from studio.ui.grid.tile_delegate import DEFAULT_TILE_SIZE, MAX_TILE_SIZE, MIN_TILE_SIZE

# Typing "neon koi" should not rebuild the grid after every letter.
_SEARCH_DELAY_MS = 200


class FilterBar(QWidget):
    filter_changed = Signal(object)  # DraftFilter
    tile_size_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._min_rating = 3
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(0)

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
        return DraftFilter(mode=mode, min_rating=self._min_rating, text=self._search.text())

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

    def _emit_filter(self) -> None:
        self._search_delay.stop()
        current = self.current_filter()
        if current != self._last:
            self._last = current
            self.filter_changed.emit(current)
