"""The draft grid's Qt model: it mirrors a `GridState` and adds what only Qt has, the item
roles, thumbnails, the clock's ticker and drags to other apps."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from contextlib import suppress
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    QUrl,
)
from PySide6.QtGui import QPixmap

from studio.core.domain import Flag, SlotStatus
from studio.core.engine.events import EngineEvent
from studio.core.library import DraftRecord, Library, LibraryError
from studio.core.library.files import THUMB_EDGE
from studio.core.library.opening import classified
from studio.core.ranking import Tournament
from studio.models.draft_rows import Batch, Tile
from studio.models.grid_geometry import GridFrame, GridGeometry
from studio.models.grid_mirror import GridMirror
from studio.models.grid_order import ranks_of
from studio.models.grid_roles import Role, RowKind, is_tile, item_data, role_name
from studio.models.grid_state import DraftFilter, GridOrder, GridState, RowAspect, ValueGroup
from studio.models.thumbnails import ThumbnailCache

__all__ = ["DraftListModel", "Role", "RowKind", "is_tile", "item_data"]

_Index = QModelIndex | QPersistentModelIndex
_TICK_MS = 1000
# A first screen at the smallest tiles on a large monitor shows a few hundred drafts.
FIRST_SCREEN_DRAFTS = 400
# Long edges originals are read at for large tiles; 1K images stop at their own size.
_SHARP_STEPS = (480, 640, 800, 1024, 1536, 2048)
_UNREADABLE_THUMBNAIL = "image file unreadable"


def _sharp_edge(picture_px: int, dpr: float) -> int:
    """The long edge to read originals at for a picture drawn this long: 0 when the
    thumbnail does, else the next of a few steps, so that nearby sizes share cached ones."""
    needed = picture_px * dpr
    if needed <= THUMB_EDGE * 1.1:  # a tenth larger is not visibly softer
        return 0
    return next((step for step in _SHARP_STEPS if step >= needed), _SHARP_STEPS[-1])


class DraftListModel(QAbstractListModel):
    """Rows for the draft grid. The culling model writes flags and ratings to the library and
    then mirrors them here with the `*_local` methods."""

    def __init__(
        self, library: Library, thumbnails: ThumbnailCache, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._thumbnails = thumbnails
        self._geometry = GridGeometry(lambda: self._state.row_aspects())
        self._mirror = GridMirror(self, self._geometry, self._sync_ticker)
        self._state = GridState(self._mirror)
        self._dpr = 1.0
        self._older_than: int | None = None  # batches below this id wait for load_older
        self._ticker = QTimer(self)
        self._ticker.setInterval(_TICK_MS)
        self._ticker.timeout.connect(self._tick)
        thumbnails.ready.connect(self._on_thumbnail)
        thumbnails.failed.connect(self._on_thumbnail)

    # -- Qt model interface --------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._state.row_count

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        names.update({int(role): role_name(role) for role in Role})
        return names

    def flags(self, index: _Index) -> Qt.ItemFlag:
        item = self._state.item_at(index.row()) if index.isValid() else None
        if item is None:
            return Qt.ItemFlag.NoItemFlags
        if not isinstance(item, Tile):
            return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren
        flags = (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )
        if item.status == SlotStatus.SUCCEEDED:
            flags |= Qt.ItemFlag.ItemIsDragEnabled  # only a finished image has a file to drag
        return flags

    def mimeTypes(self) -> list[str]:
        return ["text/uri-list"]

    def supportedDragActions(self) -> Qt.DropAction:
        # Copy only: a drop elsewhere must never move the library's own file away.
        return Qt.DropAction.CopyAction

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """File URLs of the originals, so other apps receive the full-size images."""
        urls: list[QUrl] = []
        for index in indexes:
            draft_id = self.draft_id_at(index.row())
            if draft_id is None:
                continue
            try:
                path = self._library.get(draft_id).path
            except LibraryError:
                continue
            if path is not None:
                urls.append(QUrl.fromLocalFile(str(path)))
        mime = QMimeData()
        mime.setUrls(urls)
        return mime

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self._state.item_at(index.row()) if index.isValid() else None
        if item is None:
            return None
        if isinstance(item, Batch):
            return self._header_data(item, role)
        if isinstance(item, ValueGroup):
            return self._group_data(item, role)
        if role == Qt.ItemDataRole.SizeHintRole:
            size = self._geometry.size_at(index.row())
            return None if size is None else QSize(*size)
        if role == Role.ThumbnailRole:
            return self._picture(item, index.row())
        return self._tile_data(item, role)

    def _header_data(self, batch: Batch, role: int) -> Any:
        if role == Role.KindRole:
            return RowKind.HEADER.value
        if role == Role.BatchIdRole:
            return batch.batch_id
        if role == Role.PromptRole:
            return batch.prompt
        if role == Role.HeaderTitleRole:
            return batch.title()
        if role == Role.HeaderDetailRole:
            return batch.detail()
        if role == Role.HeaderActionsRole:
            return batch.actions()
        if role in (Role.HeaderTextRole, Qt.ItemDataRole.DisplayRole):
            return batch.header_text()
        if role == Qt.ItemDataRole.ToolTipRole:
            return batch.tooltip()
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return batch.accessible_text()
        if role == Role.AxesRole:
            return [(axis.key, axis.label) for axis in batch.axes]
        if role == Role.GroupedByRole:
            return batch.grouped_by
        return None

    def _group_data(self, group: ValueGroup, role: int) -> Any:
        if role == Role.KindRole:
            return RowKind.GROUP.value
        if role == Role.BatchIdRole:
            return group.batch_id
        if role == Role.GroupAxisRole:
            return group.axis
        if role == Role.GroupValueRole:
            return group.value
        if role == Role.HeaderTitleRole:
            return group.title()
        shown, total = self._state.group_counts(group)
        if role == Role.HeaderDetailRole:
            return group.detail(shown, total)
        if role in (Role.HeaderTextRole, Qt.ItemDataRole.DisplayRole):
            return group.text(shown, total)
        if role == Qt.ItemDataRole.ToolTipRole:
            axis = self._state.batch(group.batch_id).axis(group.axis)
            label = axis.label if axis is not None else group.axis
            return f"{label}: {group.title()}\n{group.detail(shown, total)}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"Group {group.title()}, {group.detail(shown, total)}"
        return None

    def _tile_data(self, tile: Tile, role: int) -> Any:
        if role == Role.KindRole:
            return RowKind.TILE.value
        if role == Role.DraftIdRole:
            return tile.draft_id
        if role == Role.StatusRole:
            return tile.status
        if role == Role.FlagRole:
            return tile.flag
        if role == Role.RatingRole:
            return tile.rating
        if role == Role.AspectRole:
            return tile.aspect
        if role == Role.ElapsedRole:
            return tile.elapsed()
        if role == Role.RetryAtRole:
            return tile.retry_at if tile.status == SlotStatus.RETRYING else None
        if role == Role.ErrorRole:
            return self._error(tile)
        if role == Role.BatchIdRole:
            return tile.batch_id
        if role == Role.SeedRole:
            return tile.seed
        if role == Role.PromptRole:
            return tile.own_prompt or self._state.batch(tile.batch_id).prompt
        if role == Role.DerivationRole:
            return tile.derivation
        if role == Role.ParentRole:
            return tile.parent_id
        if role == Role.MatrixValuesRole:
            return tile.values
        if role == Qt.ItemDataRole.DisplayRole:
            return tile.state_text()
        if role == Qt.ItemDataRole.ToolTipRole:
            return tile.tooltip(self._state.batch(tile.batch_id), self._error(tile))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return tile.accessible_text()
        return None

    def _picture(self, tile: Tile, row: int) -> QPixmap | None:
        """The library's thumbnail, or for cells larger than that the original scaled to fit;
        while the larger one loads the thumbnail stands in, so nothing blinks."""
        if tile.thumb_path is None:
            return None
        edge = _sharp_edge(self._picture_edge(row), self._dpr)
        if edge and tile.image_path is not None:
            sharp = self._thumbnails.pixmap(tile.draft_id, tile.image_path, self._dpr, edge)
            if sharp is not None:
                return sharp  # the thumbnail is not even read once this is cached
        return self._thumbnails.pixmap(tile.draft_id, tile.thumb_path, self._dpr)

    def _picture_edge(self, row: int) -> int:
        """The long edge of the picture in this row's cell, 0 before the view lays out."""
        size, frame = self._geometry.size_at(row), self._geometry.frame
        return 0 if size is None or frame is None else max(size) - 2 * frame.pad

    def _error(self, tile: Tile) -> str | None:
        if tile.status == SlotStatus.SUCCEEDED:
            broken = tile.thumb_path is not None and self._thumbnails.failed_for(
                tile.draft_id, tile.thumb_path
            )
            return _UNREADABLE_THUMBNAIL if broken else None
        return tile.reason

    # -- the state, mirrored -------------------------------------------------------------------

    def reload(self, *, first_screen: bool = False) -> None:
        """Everything the library holds; with `first_screen`, only the newest batches (a
        screenful and more) of a large library, `load_older` bringing the rest."""
        cutoff = self._library.first_batches_cutoff(FIRST_SCREEN_DRAFTS) if first_screen else None
        self._older_than = cutoff
        self._state.reload(self._library.list_drafts(include_deleted=True, from_batch=cutoff))

    async def load_older(self) -> None:
        """The batches a first-screen reload left out, read off the GUI thread and added
        below the others."""
        cutoff, self._older_than = self._older_than, None
        if cutoff is None:
            return
        library = self._library

        def read() -> list[DraftRecord]:
            # Damage deeper in the file shows here, and is told as what it is.
            with classified(library.root, sqlite_only=True):
                return library.list_drafts(include_deleted=True, before_batch=cutoff)

        self._state.extend_older(await asyncio.to_thread(read))

    def set_filter(self, draft_filter: DraftFilter) -> None:
        self._state.set_filter(draft_filter)

    def set_order(self, order: GridOrder) -> None:
        """RANK order reads the latest finished tournament's ranking now, when it is chosen."""
        self._state.set_order(order, self.latest_ranks() if order == GridOrder.RANK else None)

    def models(self) -> list[str]:
        return self._state.models()

    def latest_ranks(self) -> dict[int, int]:
        """Each draft's place in the latest finished tournament (0 best); empty when none."""
        store = self._library.tournaments
        latest: dict[int, int] = {}
        # The store has no "latest finished" query; ids are never reused or removed, so
        # walking them up to the first gap sees every tournament (a user makes few).
        tournament_id = 1
        while True:
            try:
                record = store.get(tournament_id)
            except LibraryError:
                return latest
            if record.finished:
                # Answers that no longer replay rank nothing.
                with suppress(ValueError):
                    latest = ranks_of(Tournament(record.items, record.answers).ranking())
            tournament_id += 1

    def set_flag_local(self, draft_id: int, flag: Flag) -> None:
        self._state.set_flag(draft_id, flag)

    def set_rating_local(self, draft_id: int, rating: int) -> None:
        self._state.set_rating(draft_id, rating)

    def set_deleted_local(self, draft_id: int, deleted: bool) -> None:
        self._state.set_deleted(draft_id, deleted)

    def apply(self, event: EngineEvent) -> None:
        self._state.apply(event)

    def set_grouping(self, batch_id: int, axis: str | None) -> None:
        """Groups a matrix batch's drafts by the axis with this key; None ungroups them."""
        self._state.set_grouping(batch_id, axis)

    def grouping_of(self, batch_id: int) -> str | None:
        return self._state.grouping_of(batch_id)

    def axes_of(self, batch_id: int) -> list[tuple[str, str]]:
        """A matrix batch's axes as (key, label), in the template's order."""
        try:
            batch = self._state.batch(batch_id)
        except KeyError:
            return []
        return [(axis.key, axis.label) for axis in batch.axes]

    def header_row_of(self, batch_id: int) -> int | None:
        return self._state.header_row_of(batch_id)

    def has_drafts(self) -> bool:
        return self._state.has_drafts()

    def draft_id_at(self, row: int) -> int | None:
        return self._state.draft_id_at(row)

    def row_of(self, draft_id: int) -> int | None:
        return self._state.row_of(draft_id)

    def flag_of(self, draft_id: int) -> Flag | None:
        return self._state.flag_of(draft_id)

    def batch_of(self, draft_id: int) -> int | None:
        return self._state.batch_of(draft_id)

    def shown_in_batch(self, batch_id: int) -> list[int]:
        return self._state.shown_in_batch(batch_id)

    def retryable_in_batch(self, batch_id: int) -> list[int]:
        return self._state.retryable_in_batch(batch_id)

    # -- pictures and the clock ----------------------------------------------------------------

    def set_device_pixel_ratio(self, dpr: float) -> None:
        if dpr == self._dpr:
            return
        self._dpr = dpr
        if rows := self._state.row_count:
            role = [int(Role.ThumbnailRole)]
            self.dataChanged.emit(self.index(0), self.index(rows - 1), role)

    def set_frame(self, frame: GridFrame) -> None:
        """What the view lays the cells out in; each cell's size (SizeHintRole) follows.
        On large cells or HiDPI screens a cell holds more than a thumbnail has, and the
        originals are read instead. The view lays out and repaints after a change of frame
        anyway, so no rows are announced as changed here."""
        self._geometry.set_frame(frame)

    def _sync_ticker(self) -> None:
        if self._state.live and not self._ticker.isActive():
            self._ticker.start()
        elif not self._state.live and self._ticker.isActive():
            self._ticker.stop()

    @property
    def ticking(self) -> bool:
        return self._ticker.isActive()

    def _tick(self) -> None:
        # One signal per row: a multi-row dataChanged makes QListView repaint the whole viewport.
        for draft_id in self._state.live:
            row = self._state.row_of(draft_id)
            if row is not None:
                self._mirror.row_changed(row, RowAspect.CLOCK)

    def _on_thumbnail(self, draft_id: int) -> None:
        row = self._state.row_of(draft_id)
        if row is not None:
            self._mirror.row_changed(row, RowAspect.PICTURE)
