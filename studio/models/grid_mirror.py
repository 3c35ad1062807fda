"""Turns GridState's row changes into a Qt list model's calls and signals."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt

from studio.models.grid_geometry import GridGeometry
from studio.models.grid_observer import RowAspect
from studio.models.grid_roles import Role

_TEXT_ROLES = [int(Qt.ItemDataRole.ToolTipRole), int(Qt.ItemDataRole.AccessibleTextRole)]
# The roles that depend on each aspect of a tile; none at all means every role.
ASPECT_ROLES: dict[RowAspect, list[int]] = {
    RowAspect.EVERYTHING: [],
    RowAspect.FLAG: [int(Role.FlagRole), *_TEXT_ROLES],
    RowAspect.RATING: [int(Role.RatingRole), *_TEXT_ROLES],
    RowAspect.DELETED: _TEXT_ROLES,
    RowAspect.PICTURE: [int(Role.ThumbnailRole), int(Role.ErrorRole)],
    RowAspect.SHAPE: [],
    RowAspect.CLOCK: [
        int(Role.ElapsedRole),
        int(Role.RetryAtRole),
        int(Qt.ItemDataRole.DisplayRole),
        *_TEXT_ROLES,
    ],
}


class GridMirror:
    """The model's side of GridObserver; the cells' sizes are worked out again after any
    change to the rows or their shapes."""

    def __init__(
        self,
        model: QAbstractListModel,
        geometry: GridGeometry,
        live_changed: Callable[[], None],
    ) -> None:
        self._model = model
        self._geometry = geometry
        self.live_changed = live_changed

    def rows_about_to_be_inserted(self, first: int, last: int) -> None:
        self._model.beginInsertRows(QModelIndex(), first, last)

    def rows_inserted(self) -> None:
        self._geometry.invalidate()
        self._model.endInsertRows()

    def rows_about_to_be_removed(self, first: int, last: int) -> None:
        self._model.beginRemoveRows(QModelIndex(), first, last)

    def rows_removed(self) -> None:
        self._geometry.invalidate()
        self._model.endRemoveRows()

    def about_to_reset(self) -> None:
        self._model.beginResetModel()

    def reset_done(self) -> None:
        self._geometry.invalidate()
        self._model.endResetModel()

    def row_changed(self, row: int, aspect: RowAspect) -> None:
        if aspect == RowAspect.SHAPE:
            # Sizes changed, nothing moved: a layout change makes the view lay out again.
            self._model.layoutAboutToBeChanged.emit()
            self._geometry.invalidate()
            self._model.layoutChanged.emit()
        index = self._model.index(row)
        self._model.dataChanged.emit(index, index, ASPECT_ROLES[aspect])

    def header_changed(self, row: int) -> None:
        self.row_changed(row, RowAspect.EVERYTHING)
