"""Thumbnail pixmaps for the grid: read off the GUI thread, kept in an LRU bounded in bytes."""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 96 * 1024 * 1024
# JPEG decoding of a 320 px thumbnail takes about a millisecond; more threads only contend
# for the disk and steal cores from the event loop.
_LOADER_THREADS = 2

# (draft id, file, device pixel ratio, long edge to scale down to or 0 for as it is)
_Key = tuple[int, Path, float, int]


@dataclass(frozen=True, slots=True)
class CacheStats:
    hits: int
    misses: int
    bytes: int
    entries: int
    loads: int
    failures: int


class _Relay(QObject):
    """Carries results from the pool threads; queued, so the slots run on the GUI thread."""

    loaded = Signal(object, int, QImage)
    unreadable = Signal(object, int)


class _Loader(QRunnable):
    def __init__(self, relay: _Relay, key: _Key, generation: int) -> None:
        super().__init__()
        self._relay = relay
        self._key = key
        self._generation = generation

    def run(self) -> None:
        # QImage and QImageReader are safe off the GUI thread; QPixmap is not.
        reader = QImageReader(str(self._key[1]))
        reader.setAutoTransform(True)
        edge = self._key[3]
        size = reader.size()
        if edge and max(size.width(), size.height()) > edge:
            # Scaled while decoding, never up: a large tile gets the pixels it shows, no more.
            reader.setScaledSize(size.scaled(edge, edge, Qt.AspectRatioMode.KeepAspectRatio))
        image = reader.read()
        if image.isNull():
            log.warning("cannot read thumbnail %s: %s", self._key[1], reader.errorString())
            self._relay.unreadable.emit(self._key, self._generation)
        else:
            self._relay.loaded.emit(self._key, self._generation, image)


class ThumbnailCache(QObject):
    """`pixmap()` answers from memory at once or returns None and loads in the background;
    `ready(draft_id)` says when asking again will hit."""

    ready = Signal(int)
    failed = Signal(int)

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Created before the relay: Qt deletes children in creation order, so the pool waits
        # for running loads while the relay they report to still exists.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(_LOADER_THREADS)
        self._relay = _Relay(self)
        self._relay.loaded.connect(self._on_loaded, Qt.ConnectionType.QueuedConnection)
        self._relay.unreadable.connect(self._on_unreadable, Qt.ConnectionType.QueuedConnection)
        self._max_bytes = max_bytes
        self._entries: OrderedDict[_Key, tuple[QPixmap, int]] = OrderedDict()
        self._bytes = 0
        self._in_flight: set[_Key] = set()
        self._unreadable: set[tuple[int, Path]] = set()
        # Results of loads started before clear() describe files that may have changed.
        self._generation = 0
        # Newest request first: what the user scrolled to now matters more than what flew by.
        self._priority = 0
        self._hits = 0
        self._misses = 0
        self._loads = 0

    @property
    def max_bytes(self) -> int:
        return self._max_bytes

    @property
    def stats(self) -> CacheStats:
        return CacheStats(
            hits=self._hits,
            misses=self._misses,
            bytes=self._bytes,
            entries=len(self._entries),
            loads=self._loads,
            failures=len(self._unreadable),
        )

    def pixmap(self, draft_id: int, path: Path, dpr: float, edge: int = 0) -> QPixmap | None:
        """`edge` > 0 reads `path` scaled down to that long edge (for originals behind large
        tiles); 0 reads it as it is (the library's small thumbnails)."""
        key = (draft_id, path, dpr, edge)
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
            self._hits += 1
            return entry[0]
        self._misses += 1
        if key not in self._in_flight and (draft_id, path) not in self._unreadable:
            self._in_flight.add(key)
            self._loads += 1
            self._priority += 1
            self._pool.start(_Loader(self._relay, key, self._generation), self._priority)
        return None

    def failed_for(self, draft_id: int, path: Path) -> bool:
        return (draft_id, path) in self._unreadable

    def clear(self) -> None:
        self._pool.clear()
        self._generation += 1
        self._entries.clear()
        self._bytes = 0
        self._in_flight.clear()
        self._unreadable.clear()

    def _on_loaded(self, key: _Key, generation: int, image: QImage) -> None:
        if generation != self._generation:
            return
        self._in_flight.discard(key)
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(key[2])
        size = pixmap.width() * pixmap.height() * pixmap.depth() // 8
        self._entries[key] = (pixmap, size)
        self._bytes += size
        self._evict(keep=key)
        self.ready.emit(key[0])

    def _on_unreadable(self, key: _Key, generation: int) -> None:
        if generation != self._generation:
            return
        self._in_flight.discard(key)
        self._unreadable.add((key[0], key[1]))
        self.failed.emit(key[0])

    def _evict(self, keep: _Key) -> None:
        # The newest entry survives even alone over the limit: evicting it would make the
        # view ask again, load again and repaint forever.
        while self._bytes > self._max_bytes and self._entries:
            oldest = next(iter(self._entries))
            if oldest == keep:
                break
            _, size = self._entries.pop(oldest)
            self._bytes -= size
