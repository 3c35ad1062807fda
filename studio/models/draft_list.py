"""The grid's rows: one header per batch, then its drafts, newest batch first.

Everything the library knows is held here; a filter only decides which rows are visible, so
flags, ratings and engine events keep every draft current even while it is hidden."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum, auto
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    QUrl,
)
from PySide6.QtGui import QPixmap

from studio.core.domain import Flag, SlotStatus
from studio.core.engine.events import (
    BatchQueued,
    EngineEvent,
    QueuePaused,
    QueueResumed,
    SlotBlocked,
    SlotCancelled,
    SlotFailed,
    SlotQueued,
    SlotRetrying,
    SlotStarted,
    SlotSucceeded,
)
from studio.core.library import DraftRecord, Library, LibraryError, StoredImage
from studio.core.library.files import THUMB_EDGE
from studio.models.draft_labels import (
    block_label,
    failure_label,
    format_money,
    state_label,
)
from studio.models.draft_rows import Batch, Tile, aspect_value
from studio.models.thumbnails import ThumbnailCache

log = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex
_LIVE = frozenset({SlotStatus.RUNNING, SlotStatus.RETRYING})
_TICK_MS = 1000
# Long edges originals are read at for large tiles; 1K images stop at their own size.
_SHARP_STEPS = (480, 640, 800, 1024, 1536, 2048)


class Role(IntEnum):
    KindRole = int(Qt.ItemDataRole.UserRole)
    DraftIdRole = auto()
    BatchIdRole = auto()
    StatusRole = auto()
    FlagRole = auto()
    RatingRole = auto()
    PromptRole = auto()
    SeedRole = auto()
    AspectRole = auto()
    ThumbnailRole = auto()
    ElapsedRole = auto()
    RetryAtRole = auto()
    ErrorRole = auto()
    HeaderTextRole = auto()
    HeaderDetailRole = auto()
    HeaderActionsRole = auto()


class RowKind(StrEnum):
    HEADER = "header"
    TILE = "tile"


class FilterMode(StrEnum):
    ALL = "all"
    PICKS = "picks"
    MIN_RATING = "min_rating"
    HIDE_REJECTS = "hide_rejects"


@dataclass(frozen=True, slots=True)
class DraftFilter:
    mode: FilterMode = FilterMode.ALL
    min_rating: int = 3  # only read in MIN_RATING mode
    text: str = ""


_ROLE_NAMES = {
    Role.KindRole: b"kind",
    Role.DraftIdRole: b"draftId",
    Role.BatchIdRole: b"batchId",
    Role.StatusRole: b"status",
    Role.FlagRole: b"flag",
    Role.RatingRole: b"rating",
    Role.PromptRole: b"prompt",
    Role.SeedRole: b"seed",
    Role.AspectRole: b"aspect",
    Role.ThumbnailRole: b"thumbnail",
    Role.ElapsedRole: b"elapsed",
    Role.RetryAtRole: b"retryAt",
    Role.ErrorRole: b"error",
    Role.HeaderTextRole: b"headerText",
    Role.HeaderDetailRole: b"headerDetail",
    Role.HeaderActionsRole: b"headerActions",
}
# The roles the 1 s tick refreshes: everything that is derived from the clock.
_CLOCK_ROLES = [
    int(Role.ElapsedRole),
    int(Role.RetryAtRole),
    int(Qt.ItemDataRole.DisplayRole),
    int(Qt.ItemDataRole.ToolTipRole),
    int(Qt.ItemDataRole.AccessibleTextRole),
]

_UNREADABLE_THUMBNAIL = "image file unreadable"


def item_data(index: QModelIndex | QPersistentModelIndex, role: int) -> Any:
    """What `index.data(role)` should give. With PySide6 6.12 on Python 3.11 that call drops
    a reference to None whenever the answer is empty, and the interpreter aborts
    ("none_dealloc") after a few thousand such calls; asking the Python model directly never
    turns the answer into a QVariant and back."""
    model = index.model()
    return None if model is None else model.data(index, role)


def _sharp_edge(tile_px: int, dpr: float) -> int:
    """The long edge to read originals at for tiles this size: 0 when the thumbnails do,
    else the next of a few steps, so that nearby tile sizes share cached pictures."""
    needed = tile_px * dpr
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
        self._filter = DraftFilter()
        self._needle = ""
        self._dpr = 1.0
        self._tile_px = 0  # the tiles' logical size, which the view reports
        self._sharp_edge = 0  # 0 while the thumbnails are big enough
        self._batches: list[Batch] = []  # newest first, hidden ones included
        self._batch_by_id: dict[int, Batch] = {}
        self._tiles: dict[int, Tile] = {}
        self._rows: list[Batch | Tile] = []
        self._tile_rows: dict[int, int] = {}
        self._header_rows: dict[int, int] = {}
        self._live: set[int] = set()
        self._ticker = QTimer(self)
        self._ticker.setInterval(_TICK_MS)
        self._ticker.timeout.connect(self._tick)
        thumbnails.ready.connect(self._on_thumbnail)
        thumbnails.failed.connect(self._on_thumbnail)

    # -- Qt model interface --------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        names.update({int(role): QByteArray(name) for role, name in _ROLE_NAMES.items()})
        return names

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid() or index.row() >= len(self._rows):
            return Qt.ItemFlag.NoItemFlags
        row = self._rows[index.row()]
        if isinstance(row, Batch):
            return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren
        flags = (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )
        if row.status == SlotStatus.SUCCEEDED:
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
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        if isinstance(item, Batch):
            return self._header_data(item, role)
        return self._tile_data(item, role)

    def _header_data(self, batch: Batch, role: int) -> Any:
        if role == Role.KindRole:
            return RowKind.HEADER.value
        if role == Role.BatchIdRole:
            return batch.batch_id
        if role == Role.PromptRole:
            return batch.prompt
        if role == Role.HeaderDetailRole:
            return batch.detail()
        if role == Role.HeaderActionsRole:
            return batch.actions()
        if role in (Role.HeaderTextRole, Qt.ItemDataRole.DisplayRole):
            return f"“{batch.one_line}” · {batch.detail()}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"{batch.prompt}\n{batch.model} · {batch.aspect} · {batch.size}\n{batch.detail()}"
            )
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"Batch “{batch.one_line}”, {batch.detail()}"
        return None

    def _tile_data(self, tile: Tile, role: int) -> Any:
        if role == Role.KindRole:
            return RowKind.TILE.value
        if role == Role.DraftIdRole:
            return tile.draft_id
        if role == Role.ThumbnailRole:
            return self._picture(tile)
        if role == Role.StatusRole:
            return tile.status
        if role == Role.FlagRole:
            return tile.flag
        if role == Role.RatingRole:
            return tile.rating
        if role == Role.AspectRole:
            return tile.aspect
        if role == Role.ElapsedRole:
            return self._elapsed(tile)
        if role == Role.RetryAtRole:
            return tile.retry_at if tile.status == SlotStatus.RETRYING else None
        if role == Role.ErrorRole:
            return self._error(tile)
        if role == Role.BatchIdRole:
            return tile.batch_id
        if role == Role.SeedRole:
            return tile.seed
        if role == Role.PromptRole:
            return self._batch_by_id[tile.batch_id].prompt
        if role == Qt.ItemDataRole.DisplayRole:
            return self._state_text(tile)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(tile)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._accessible_text(tile)
        return None

    # -- tile text -----------------------------------------------------------------------------

    def _elapsed(self, tile: Tile) -> float | None:
        if tile.status != SlotStatus.RUNNING or tile.started_at is None:
            return None
        return max(0.0, time.monotonic() - tile.started_at)

    def _picture(self, tile: Tile) -> QPixmap | None:
        """The library's thumbnail, or for tiles larger than that the original scaled to fit;
        while the larger one loads the thumbnail stands in, so nothing blinks."""
        if tile.thumb_path is None:
            return None
        if self._sharp_edge and tile.image_path is not None:
            sharp = self._thumbnails.pixmap(
                tile.draft_id, tile.image_path, self._dpr, self._sharp_edge
            )
            if sharp is not None:
                return sharp  # the thumbnail is not even read once this is cached
        return self._thumbnails.pixmap(tile.draft_id, tile.thumb_path, self._dpr)

    def _error(self, tile: Tile) -> str | None:
        if tile.status == SlotStatus.SUCCEEDED:
            broken = tile.thumb_path is not None and self._thumbnails.failed_for(
                tile.draft_id, tile.thumb_path
            )
            return _UNREADABLE_THUMBNAIL if broken else None
        return tile.reason

    def _state_text(self, tile: Tile) -> str:
        if tile.status == SlotStatus.SUCCEEDED:
            return f"Seed {tile.seed}"
        retry_in = None if tile.retry_at is None else tile.retry_at - time.monotonic()
        label = state_label(tile.status, self._elapsed(tile), retry_in)
        if tile.reason and tile.status in (SlotStatus.BLOCKED, SlotStatus.FAILED):
            return f"{label}: {tile.reason}"
        return label

    def _tooltip(self, tile: Tile) -> str:
        batch = self._batch_by_id[tile.batch_id]
        lines = [
            batch.prompt,
            f"{batch.model} · {batch.aspect} · {batch.size} · seed {tile.seed}",
        ]
        if tile.status == SlotStatus.SUCCEEDED:
            timing = f"{tile.latency_ms / 1000:.1f} s · " if tile.latency_ms else ""
            lines.append(f"Done · {timing}{format_money(tile.cost_usd)}")
            error = self._error(tile)
            if error:
                lines.append(error.capitalize())
        else:
            state = self._state_text(tile)
            if tile.attempts > 1:
                state += f" (attempt {tile.attempts})"
            lines.append(state)
            if tile.message:
                lines.append(tile.message)
        return "\n".join(lines)

    def _accessible_text(self, tile: Tile) -> str:
        parts = [f"Draft {tile.slot + 1}", self._state_text(tile)]
        if tile.flag == Flag.PICK:
            parts.append("picked")
        elif tile.flag == Flag.REJECT:
            parts.append("rejected")
        if tile.rating:
            parts.append(f"{tile.rating} star" + ("" if tile.rating == 1 else "s"))
        return ", ".join(parts)

    # -- lookups -------------------------------------------------------------------------------

    def has_drafts(self) -> bool:
        """Whether anything would show without a filter (the empty grid says which it is)."""
        return any(not tile.deleted for tile in self._tiles.values())

    def draft_id_at(self, row: int) -> int | None:
        if not 0 <= row < len(self._rows):
            return None
        item = self._rows[row]
        return item.draft_id if isinstance(item, Tile) else None

    def row_of(self, draft_id: int) -> int | None:
        return self._tile_rows.get(draft_id)

    def flag_of(self, draft_id: int) -> Flag | None:
        tile = self._tiles.get(draft_id)
        return tile.flag if tile is not None else None

    def batch_of(self, draft_id: int) -> int | None:
        tile = self._tiles.get(draft_id)
        return tile.batch_id if tile is not None else None

    def shown_in_batch(self, batch_id: int) -> list[int]:
        """The batch's drafts the grid shows now, under the current filter."""
        batch = self._batch_by_id.get(batch_id)
        tiles = batch.tiles if batch is not None else []
        return [t.draft_id for t in tiles if t.draft_id in self._tile_rows]

    def retryable_in_batch(self, batch_id: int) -> list[int]:
        """Drafts of the batch that ended without an image, shown or filtered out."""
        batch = self._batch_by_id.get(batch_id)
        return [t.draft_id for t in batch.live() if t.status.can_retry] if batch else []

    def set_device_pixel_ratio(self, dpr: float) -> None:
        if dpr == self._dpr:
            return
        self._dpr = dpr
        self._sharp_edge = _sharp_edge(self._tile_px, dpr)
        if self._rows:
            role = [int(Role.ThumbnailRole)]
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1), role)

    def set_tile_size(self, px: int) -> None:
        """The view's tiles are `px` logical pixels: on large tiles or HiDPI screens that is
        more than a thumbnail has, and the originals are read instead. The view repaints
        after a size change anyway, so no rows are announced as changed here."""
        self._tile_px = px
        self._sharp_edge = _sharp_edge(px, self._dpr)

    # -- loading and filtering -----------------------------------------------------------------

    def reload(self) -> None:
        records = self._library.list_drafts(include_deleted=True)
        previous = self._tiles
        batches: list[Batch] = []
        tiles: dict[int, Tile] = {}
        batch: Batch | None = None
        for draft in records:
            if batch is None or batch.batch_id != draft.batch_id:
                batch = Batch.from_record(draft)
                batches.append(batch)
            tile = Tile.from_record(draft)
            # The library does not keep the engine's clocks; a reload must not reset them.
            old = previous.get(draft.id)
            if old is not None and old.status == tile.status:
                tile.started_at, tile.retry_at = old.started_at, old.retry_at
            batch.tiles.append(tile)
            tiles[draft.id] = tile
        self.beginResetModel()
        self._batches = batches
        self._batch_by_id = {batch.batch_id: batch for batch in batches}
        self._tiles = tiles
        self._live = {tile.draft_id for tile in tiles.values() if tile.status in _LIVE}
        self._rows = self._visible_rows()
        self._reindex()
        self.endResetModel()
        self._sync_ticker()

    def set_filter(self, draft_filter: DraftFilter) -> None:
        if draft_filter == self._filter:
            return
        self.beginResetModel()
        self._filter = draft_filter
        self._needle = draft_filter.text.strip().casefold()
        self._rows = self._visible_rows()
        self._reindex()
        self.endResetModel()

    def _accepts(self, batch: Batch, tile: Tile) -> bool:
        if tile.deleted or (self._needle and self._needle not in batch.folded):
            return False
        mode = self._filter.mode
        if mode == FilterMode.PICKS:
            return tile.flag == Flag.PICK
        if mode == FilterMode.MIN_RATING:
            return tile.rating >= self._filter.min_rating
        if mode == FilterMode.HIDE_REJECTS:
            return tile.flag != Flag.REJECT
        return True

    def _visible_rows(self) -> list[Batch | Tile]:
        rows: list[Batch | Tile] = []
        for batch in self._batches:
            visible = [tile for tile in batch.tiles if self._accepts(batch, tile)]
            if visible:
                rows.append(batch)
                rows.extend(visible)
        return rows

    def _reindex(self) -> None:
        self._tile_rows = {}
        self._header_rows = {}
        for row, item in enumerate(self._rows):
            if isinstance(item, Tile):
                self._tile_rows[item.draft_id] = row
            else:
                self._header_rows[item.batch_id] = row

    # -- local edits from the culling model ----------------------------------------------------

    def set_flag_local(self, draft_id: int, flag: Flag) -> None:
        tile = self._tiles.get(draft_id)
        if tile is not None and tile.flag != flag:
            tile.flag = Flag(flag)
            self._refresh(tile, [Role.FlagRole])

    def set_rating_local(self, draft_id: int, rating: int) -> None:
        tile = self._tiles.get(draft_id)
        if tile is not None and tile.rating != rating:
            tile.rating = rating
            self._refresh(tile, [Role.RatingRole])

    def set_deleted_local(self, draft_id: int, deleted: bool) -> None:
        tile = self._tiles.get(draft_id)
        if tile is not None and tile.deleted != deleted:
            tile.deleted = deleted
            self._refresh(tile, [], header=True)

    def _refresh(self, tile: Tile, roles: list[Role], header: bool = False) -> None:
        """Shows, hides or repaints one tile after an edit that the filter may care about."""
        batch = self._batch_by_id[tile.batch_id]
        wanted = self._accepts(batch, tile)
        shown = tile.draft_id in self._tile_rows
        if wanted and not shown:
            self._show_tile(batch, tile)
        elif shown and not wanted:
            self._hide_tile(batch, tile)
        elif shown:
            self._changed(
                tile, [*roles, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole]
            )
        if header:
            self._changed_header(batch)

    def _batch_start(self, batch: Batch) -> int:
        """The row where this batch's header is, or would go if it became visible."""
        position = self._batches.index(batch)
        for older in self._batches[position:]:
            row = self._header_rows.get(older.batch_id)
            if row is not None:
                return row
        return len(self._rows)

    def _show_tile(self, batch: Batch, tile: Tile) -> None:
        header_row = self._header_rows.get(batch.batch_id)
        if header_row is None:
            start = self._batch_start(batch)
            self._insert(start, [batch, tile])
            return
        before = 0
        for other in batch.tiles:
            if other is tile:
                break
            before += other.draft_id in self._tile_rows
        self._insert(header_row + 1 + before, [tile])

    def _hide_tile(self, batch: Batch, tile: Tile) -> None:
        row = self._tile_rows[tile.draft_id]
        last_of_batch = not any(
            other is not tile and other.draft_id in self._tile_rows for other in batch.tiles
        )
        first = self._header_rows[batch.batch_id] if last_of_batch else row
        self.beginRemoveRows(QModelIndex(), first, row)
        del self._rows[first : row + 1]
        self._reindex()
        self.endRemoveRows()

    def _insert(self, row: int, items: list[Batch | Tile]) -> None:
        self.beginInsertRows(QModelIndex(), row, row + len(items) - 1)
        self._rows[row:row] = items
        self._reindex()
        self.endInsertRows()

    def _changed(self, tile: Tile, roles: Iterable[int]) -> None:
        row = self._tile_rows.get(tile.draft_id)
        if row is not None:
            index = self.index(row)
            self.dataChanged.emit(index, index, [int(role) for role in roles])

    def _changed_header(self, batch: Batch) -> None:
        row = self._header_rows.get(batch.batch_id)
        if row is not None:
            index = self.index(row)
            self.dataChanged.emit(index, index, [])

    # -- engine events -------------------------------------------------------------------------

    def apply(self, event: EngineEvent) -> None:
        if isinstance(event, BatchQueued):
            self._add_batch(event.drafts)
            return
        if isinstance(event, SlotSucceeded):
            self._succeeded(event.draft_id, event.images, event.meta.cost_usd, event.meta.latency_s)
            return
        if isinstance(event, QueuePaused | QueueResumed):
            return  # they concern the whole queue, not a row
        tile = self._tiles.get(event.draft_id)
        if tile is None:
            log.debug("ignoring %s for draft %s, not loaded", type(event).__name__, event.draft_id)
            return
        now = time.monotonic()
        tile.started_at = tile.retry_at = None
        if isinstance(event, SlotStarted):
            tile.status, tile.attempts, tile.started_at = SlotStatus.RUNNING, event.attempt, now
            tile.reason = tile.message = None
        elif isinstance(event, SlotRetrying):
            tile.status, tile.retry_at = SlotStatus.RETRYING, now + event.delay_s
            tile.reason, tile.message = failure_label(event.kind), event.message
        elif isinstance(event, SlotQueued):
            tile.status, tile.reason, tile.message = SlotStatus.QUEUED, None, None
        elif isinstance(event, SlotBlocked):
            tile.status, tile.reason = SlotStatus.BLOCKED, block_label(event.reason)
            tile.message = event.message
        elif isinstance(event, SlotFailed):
            tile.status, tile.reason = SlotStatus.FAILED, failure_label(event.kind)
            tile.message = event.message
        elif isinstance(event, SlotCancelled):
            tile.status, tile.reason, tile.message = SlotStatus.CANCELLED, None, None
        self._status_changed(tile)

    def _status_changed(self, tile: Tile) -> None:
        if tile.status in _LIVE:
            self._live.add(tile.draft_id)
        else:
            self._live.discard(tile.draft_id)
        self._sync_ticker()
        self._changed(tile, [])
        self._changed_header(self._batch_by_id[tile.batch_id])

    def _add_batch(self, drafts: Iterable[DraftRecord]) -> None:
        records = list(drafts)
        if not records or records[0].batch_id in self._batch_by_id:
            return
        batch = Batch.from_record(records[0])
        for draft in records:
            tile = Tile.from_record(draft)
            batch.tiles.append(tile)
            self._tiles[tile.draft_id] = tile
            if tile.status in _LIVE:
                self._live.add(tile.draft_id)
        position = next(
            (i for i, other in enumerate(self._batches) if other.batch_id < batch.batch_id),
            len(self._batches),
        )
        self._batches.insert(position, batch)
        self._batch_by_id[batch.batch_id] = batch
        visible = [tile for tile in batch.tiles if self._accepts(batch, tile)]
        if visible:
            self._insert(self._batch_start(batch), [batch, *visible])
        self._sync_ticker()

    def _succeeded(
        self, draft_id: int, images: Iterable[StoredImage], cost_usd: float, latency_s: float
    ) -> None:
        tile = self._tiles.get(draft_id)
        if tile is None:
            log.debug("ignoring images for draft %s, not loaded", draft_id)
            return
        batch = self._batch_by_id[tile.batch_id]
        tile.cost_usd += cost_usd
        for image in images:
            target = self._tiles.get(image.draft_id)
            if target is None:
                target = self._add_sibling(batch, tile, image.draft_id)
            target.status = SlotStatus.SUCCEEDED
            target.thumb_path, target.image_path = image.thumb_path, image.path
            target.aspect = aspect_value(image.width, image.height, batch.aspect)
            target.latency_ms = round(latency_s * 1000)
            target.started_at = target.retry_at = None
            target.reason = target.message = None
            self._live.discard(target.draft_id)
            self._changed(target, [])
        self._sync_ticker()
        self._changed_header(batch)

    def _add_sibling(self, batch: Batch, original: Tile, draft_id: int) -> Tile:
        """A second image from one response: a draft of its own, right after its slot."""
        sibling = Tile(
            draft_id=draft_id,
            batch_id=original.batch_id,
            slot=original.slot,
            seed=original.seed,
            status=SlotStatus.SUCCEEDED,
            flag=Flag.NONE,
            rating=0,
            deleted=False,
            aspect=original.aspect,
            thumb_path=None,
            image_path=None,
            cost_usd=0.0,
            attempts=original.attempts,
            latency_ms=None,
            reason=None,
            message=None,
        )
        position = max(i for i, other in enumerate(batch.tiles) if other.slot == original.slot)
        batch.tiles.insert(position + 1, sibling)
        self._tiles[draft_id] = sibling
        if self._accepts(batch, sibling):
            self._show_tile(batch, sibling)
        return sibling

    # -- the clock -----------------------------------------------------------------------------

    def _sync_ticker(self) -> None:
        if self._live and not self._ticker.isActive():
            self._ticker.start()
        elif not self._live and self._ticker.isActive():
            self._ticker.stop()

    @property
    def ticking(self) -> bool:
        return self._ticker.isActive()

    def _tick(self) -> None:
        # One signal per row: a multi-row dataChanged makes QListView repaint the whole viewport.
        for draft_id in self._live:
            self._changed(self._tiles[draft_id], _CLOCK_ROLES)

    def _on_thumbnail(self, draft_id: int) -> None:
        tile = self._tiles.get(draft_id)
        if tile is not None:
            self._changed(tile, [Role.ThumbnailRole, Role.ErrorRole])
