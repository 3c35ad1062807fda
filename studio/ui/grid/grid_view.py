"""The draft grid: a QListView in icon mode over DraftListModel, painted by TileDelegate."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    QPointF,
    QRectF,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QHelpEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QAbstractItemView, QListView, QToolTip, QWidget

from studio.core.domain import SlotStatus
from studio.models.draft_list import DraftListModel, Role, RowKind, item_data
from studio.models.draft_rows import BatchAction
from studio.ui.grid.batch_header import ACTION_TIPS, action_area, action_at
from studio.ui.grid.navigation import JustifiedNavigation
from studio.ui.grid.tile_actions import TILE_ACTION_TIPS, TileAction, tile_action_at
from studio.ui.grid.tile_delegate import MAX_TILE_SIZE, MIN_TILE_SIZE, TileDelegate

ZOOM_STEPS = (96, 128, 160, 192, 240, 288, 384)
EMPTY_HINT = "Type an idea and press Ctrl+Enter. Drafts are cheap: ask for 24."
NO_MATCH_HINT = "No drafts match this filter."


class GridView(JustifiedNavigation):
    tile_size_changed = Signal(int)
    batch_action = Signal(int, str)  # batch id, BatchAction: a header pill was clicked
    tile_action = Signal(int, str, QPoint)  # draft id, TileAction, where (for the menu)
    # batch id, and where on the screen its "Group: … ▾" pill's menu should open
    group_menu_requested = Signal(int, QPoint)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setMovement(QListView.Movement.Static)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionRectVisible(True)
        self.setSpacing(8)
        self.setUniformItemSizes(False)  # headers are wider than tiles
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(24)
        self.setMouseTracking(True)  # hover highlight
        self.setAccessibleName("Drafts")
        self.setAccessibleDescription(
            "Generated drafts, newest batch first. Arrow keys move, Shift extends the selection."
        )
        self.setToolTip("Drafts, newest batch first · Ctrl++ / Ctrl+- change the tile size")

        self._delegate = TileDelegate(self)
        self.setItemDelegate(self._delegate)
        self._kept_selection: list[int] = []
        self._kept_current: int | None = None

        self.zoom_in_action = QAction("Larger tiles", self)
        # Ctrl+= as well: on many layouts "+" needs Shift, which Ctrl++ alone never matches.
        self.zoom_in_action.setShortcuts(
            [QKeySequence(QKeySequence.StandardKey.ZoomIn), QKeySequence("Ctrl+=")]
        )
        self.zoom_in_action.triggered.connect(self.zoom_in)
        self.zoom_out_action = QAction("Smaller tiles", self)
        self.zoom_out_action.setShortcut(QKeySequence(QKeySequence.StandardKey.ZoomOut))
        self.zoom_out_action.triggered.connect(self.zoom_out)
        for action in (self.zoom_in_action, self.zoom_out_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)

    # -- tile size -----------------------------------------------------------------------------

    @property
    def tile_size(self) -> int:
        return self._delegate.tile_size

    def set_tile_size(self, px: int) -> None:
        before = self._delegate.tile_size
        self._delegate.set_tile_size(px)
        if self._delegate.tile_size != before:
            self._report_frame()
            self.scheduleDelayedItemsLayout()
            self.tile_size_changed.emit(self._delegate.tile_size)

    def zoom_in(self) -> None:
        size = self.tile_size
        self.set_tile_size(next((step for step in ZOOM_STEPS if step > size), MAX_TILE_SIZE))

    def zoom_out(self) -> None:
        size = self.tile_size
        smaller = [step for step in ZOOM_STEPS if step < size]
        self.set_tile_size(smaller[-1] if smaller else MIN_TILE_SIZE)

    # -- model ---------------------------------------------------------------------------------

    def draft_model(self) -> DraftListModel | None:
        model = self.model()
        return model if isinstance(model, DraftListModel) else None

    def setModel(self, model: QAbstractItemModel | None) -> None:
        previous = self.draft_model()
        if previous is not None:
            previous.modelAboutToBeReset.disconnect(self._keep_selection)
            previous.modelReset.disconnect(self._restore_selection)
        super().setModel(model)
        current = self.draft_model()
        if current is not None:
            current.modelAboutToBeReset.connect(self._keep_selection)
            current.modelReset.connect(self._restore_selection)
            current.set_device_pixel_ratio(self.devicePixelRatioF())
            self._report_frame()

    def _report_frame(self) -> None:
        """The model sizes the cells for the width and zoom they are laid out in (and picks
        how sharp a picture to load from that)."""
        model = self.draft_model()
        if model is not None:
            model.set_frame(self._delegate.frame())

    def doItemsLayout(self) -> None:
        # Every layout pass starts here: the sizes it asks for must be for the current frame.
        self._report_frame()
        super().doItemsLayout()

    def selected_draft_ids(self) -> list[int]:
        model = self.draft_model()
        if model is None:
            return []
        rows = sorted(index.row() for index in self.selectedIndexes())
        return [draft for row in rows if (draft := model.draft_id_at(row)) is not None]

    def chosen_draft_ids(self) -> list[int]:
        """What a key acts on: the selection, or the current tile when nothing is selected."""
        chosen = self.selected_draft_ids()
        model = self.draft_model()
        if chosen or model is None:
            return chosen
        current = model.draft_id_at(self.currentIndex().row())
        return [current] if current is not None else []

    def select_drafts(self, draft_ids: list[int]) -> None:
        """Selects exactly these drafts (those the filter shows), the first one current."""
        rows = self._rows_of(draft_ids)
        if not rows:
            return
        self._select_rows(rows, rows[0])
        self.setFocus()

    def _rows_of(self, draft_ids: list[int]) -> list[int]:
        model = self.draft_model()
        return [r for r in map(model.row_of, draft_ids) if r is not None] if model else []

    def _select_rows(self, rows: list[int], current: int | None) -> None:
        """Exactly `rows` selected; `current` becomes current without changing that."""
        model = self.model()
        selection = QItemSelection()
        for row in rows:
            selection.select(model.index(row, 0), model.index(row, 0))
        flags = QItemSelectionModel.SelectionFlag
        if current is not None:
            self.selectionModel().setCurrentIndex(model.index(current, 0), flags.NoUpdate)
        self.selectionModel().select(selection, flags.ClearAndSelect)

    def _keep_selection(self) -> None:
        model = self.draft_model()
        current = self.currentIndex()
        self._kept_selection = self.selected_draft_ids()
        self._kept_current = (
            model.draft_id_at(current.row()) if model and current.isValid() else None
        )

    def _restore_selection(self) -> None:
        """A filter change resets the model; the drafts still shown stay selected."""
        model = self.draft_model()
        if model is None:
            return
        current = model.row_of(self._kept_current) if self._kept_current is not None else None
        self._select_rows(self._rows_of(self._kept_selection), current)
        if current is not None:
            self.scrollTo(model.index(current))
        self._kept_selection, self._kept_current = [], None

    # -- batch header actions ------------------------------------------------------------------

    def open_group_menu(self, batch_id: int) -> None:
        """Asks for the batch's grouping menu, under its pill (or its header's start when the
        pill is out of sight)."""
        model = self.draft_model()
        row = model.header_row_of(batch_id) if model is not None else None
        if model is None or row is None:
            return
        index = model.index(row, 0)
        rect = QRectF(self.visualRect(index))
        area = action_area(index, rect, self.font(), BatchAction.GROUP) or rect
        corner = QPoint(round(area.left()), round(area.bottom()) + 2)
        self.group_menu_requested.emit(batch_id, self.viewport().mapToGlobal(corner))

    def set_grouping(self, batch_id: int, axis: str | None) -> None:
        """Groups or ungroups a batch, its header staying where it was on the screen: the
        rows are built anew, which would otherwise leave the view wherever Qt puts it."""
        model = self.draft_model()
        if model is None or model.grouping_of(batch_id) == axis:
            return
        row = model.header_row_of(batch_id)
        before = self.visualRect(model.index(row, 0)).top() if row is not None else None
        model.set_grouping(batch_id, axis)
        row = model.header_row_of(batch_id)
        if before is None or row is None:
            return
        self.doItemsLayout()  # the header's new place, now rather than on the next paint
        after = self.visualRect(model.index(row, 0)).top()
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + after - before)

    def _action_at(self, pos: QPoint) -> tuple[QModelIndex, BatchAction | TileAction | None]:
        """The header pill or tile button at `pos`, if any, and the row it belongs to."""
        index = self.indexAt(pos)
        if not index.isValid():
            return index, None
        rect = QRectF(self.visualRect(index))
        kind = item_data(index, Role.KindRole)
        if kind == RowKind.HEADER:
            return index, action_at(index, rect, self.font(), QPointF(pos))
        if kind != RowKind.TILE or item_data(index, Role.StatusRole) != SlotStatus.SUCCEEDED:
            return index, None
        return index, tile_action_at(rect, QPointF(pos))

    def _hover(self, index: QModelIndex, action: BatchAction | TileAction | None) -> None:
        delegate = self._delegate
        row = index.row() if action is not None else None
        if (row, action) == (delegate.hovered_row, delegate.hovered_action):
            return
        model = self.model()
        for old_or_new in (delegate.hovered_row, row):
            if old_or_new is not None and model is not None:
                self.viewport().update(self.visualRect(model.index(old_or_new, 0)))
        delegate.hovered_row, delegate.hovered_action = row, action
        if action is None:
            self.viewport().unsetCursor()
        else:
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)

    def mouseMoveEvent(self, e: QMouseEvent) -> None:
        self._hover(*self._action_at(e.position().toPoint()))
        super().mouseMoveEvent(e)

    def leaveEvent(self, e: QEvent) -> None:
        self._hover(QModelIndex(), None)
        super().leaveEvent(e)

    def mousePressEvent(self, e: QMouseEvent) -> None:
        _, action = self._action_at(e.position().toPoint())
        if action is not None and e.button() == Qt.MouseButton.LeftButton:
            e.accept()  # a pill is a button: no rubber band, no change of selection
            return
        super().mousePressEvent(e)

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:
        pos = e.position().toPoint()
        index, action = self._action_at(pos)
        if action is None or e.button() != Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(e)
            return
        e.accept()
        if action == BatchAction.GROUP:
            self.open_group_menu(int(item_data(index, Role.BatchIdRole)))
        elif isinstance(action, BatchAction):
            self.batch_action.emit(int(item_data(index, Role.BatchIdRole)), action.value)
        else:
            self.tile_action.emit(int(item_data(index, Role.DraftIdRole)), action.value, pos)

    def viewportEvent(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip and isinstance(e, QHelpEvent):
            _, action = self._action_at(e.pos())
            if action is not None:
                tip = (
                    ACTION_TIPS[action]
                    if isinstance(action, BatchAction)
                    else TILE_ACTION_TIPS[action]
                )
                QToolTip.showText(e.globalPos(), tip, self.viewport())
                return True
        return super().viewportEvent(e)

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.DevicePixelRatioChange:
            model = self.draft_model()
            if model is not None:
                model.set_device_pixel_ratio(self.devicePixelRatioF())
        return super().event(e)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        model = self.draft_model()
        if model is not None:
            model.set_device_pixel_ratio(self.devicePixelRatioF())
            self._report_frame()

    def resizeEvent(self, e: QResizeEvent) -> None:
        # Lines of tiles stretch to fill the width, so a wider window means larger tiles.
        self._report_frame()
        super().resizeEvent(e)

    def paintEvent(self, e: QPaintEvent) -> None:
        super().paintEvent(e)
        model = self.model()
        if model is not None and model.rowCount() > 0:
            return
        draft_model = self.draft_model()
        filtered = draft_model is not None and draft_model.has_drafts()
        painter = QPainter(self.viewport())
        font = painter.font()
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 1.15)
        painter.setFont(font)
        ink = self.palette().color(QPalette.ColorRole.Text)
        ink.setAlphaF(0.6)
        painter.setPen(ink)
        area = QRectF(self.viewport().rect()).adjusted(32, 32, -32, -32)
        painter.drawText(
            area,
            Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
            NO_MATCH_HINT if filtered else EMPTY_HINT,
        )
        painter.end()
