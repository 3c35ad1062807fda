"""Full-size images for the compare view, loupe and inspector, decoded off the GUI thread."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Hashable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage, QImageReader

log = logging.getLogger(__name__)

# Halving stops here: below this the inspector and the panes only ever need the next level up.
_SMALLEST_LEVEL = 256


@dataclass(frozen=True, slots=True)
class _Decoded:
    levels: tuple[QImage, ...]  # the full image first, then halves

    @property
    def nbytes(self) -> int:
        return sum(level.sizeInBytes() for level in self.levels)


@dataclass(slots=True)
class _Job:
    path: Path
    # Read by the worker without a lock: a bool flip is atomic under the GIL, and a late read
    # costs one wasted decode, nothing worse.
    wanted: bool = True
    requesters: set[tuple[Hashable, int]] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class _Result:
    owner: object
    job: _Job
    decoded: _Decoded | None
    error: str | None
    skipped: bool


class _Relay(QObject):
    """Lives on the GUI thread, so a worker's emit arrives there as a queued call. One for the
    whole app and never deleted, so a worker can always emit, whatever became of its loader."""

    finished = Signal(object)


_relay: _Relay | None = None


def _shared_relay() -> _Relay:
    global _relay
    if _relay is None:
        _relay = _Relay()
    return _relay


def _decode(path: Path) -> _Decoded:
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    image = reader.read()
    if image.isNull():
        raise OSError(reader.errorString() or "unreadable image")
    # The painter's fast paths want premultiplied (or opaque 32-bit) pixels; converting here
    # keeps that work off the GUI thread too.
    target = (
        QImage.Format.Format_ARGB32_Premultiplied
        if image.hasAlphaChannel()
        else QImage.Format.Format_RGB32
    )
    image = image.convertToFormat(target)
    levels = [image]
    # QPainter's smooth transform is bilinear and aliases badly past 2:1, so fit-to-window
    # views draw from the nearest pre-halved level instead (area-averaged here, once).
    while max(levels[-1].width(), levels[-1].height()) >= 2 * _SMALLEST_LEVEL:
        last = levels[-1]
        levels.append(
            last.scaled(
                max(1, last.width() // 2),
                max(1, last.height() // 2),
                Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
    return _Decoded(tuple(levels))


def _run(owner: object, job: _Job, relay: _Relay) -> None:
    if not job.wanted:
        relay.finished.emit(_Result(owner, job, None, None, skipped=True))
        return
    try:
        decoded = _decode(job.path)
    except Exception as error:
        relay.finished.emit(_Result(owner, job, None, str(error), skipped=False))
    else:
        relay.finished.emit(_Result(owner, job, decoded, None, skipped=False))


class ImageLoader(QObject):
    """Decodes whole images on a small thread pool and keeps the last few in memory, so
    flipping between two drafts never waits on the disk.

    Each caller requests on its own `channel` (a compare pane, the loupe, the inspector): a new
    request on a channel supersedes that channel's previous one. A superseded image that has
    not started decoding is skipped, and one that finishes anyway is cached but not announced.
    A cached image is announced before `request` returns."""

    loaded = Signal(Path, QImage)
    failed = Signal(Path, str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        max_images: int = 6,
        max_bytes: int = 256 * 1024 * 1024,
        threads: int = 2,
    ) -> None:
        super().__init__(parent)
        self._max_images = max_images
        self._max_bytes = max_bytes
        self._cache: OrderedDict[Path, _Decoded] = OrderedDict()
        self._cache_bytes = 0
        self._jobs: dict[Path, _Job] = {}
        self._channels: dict[Hashable, tuple[int, Path]] = {}
        self._generation = 0
        # An image too large for the cache still has to reach `levels()` while it is announced.
        self._announcing: tuple[Path, _Decoded] | None = None
        # Python threads, not a QThreadPool: ~QThreadPool waits for its workers while the GUI
        # thread holds the GIL those workers need to finish, and deleting a view mid-decode
        # then hangs the app. Nothing here ever waits in C++.
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="image-loader")
        self._futures: set[Future[None]] = set()
        self._owner = object()
        self._relay = _shared_relay()
        self._relay.finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)

    def request(self, path: Path, channel: Hashable = None) -> None:
        self._generation += 1
        previous = self._channels.get(channel)
        self._channels[channel] = (self._generation, path)
        if previous is not None and previous[1] != path:
            self._drop_interest(previous[1])
        decoded = self._cache.get(path)
        if decoded is not None:
            self._cache.move_to_end(path)
            self._announce(path, decoded)
            return
        job = self._jobs.get(path)
        if job is None:
            job = self._start(path)
        job.wanted = True
        job.requesters.add((channel, self._generation))

    def cancel(self, channel: Hashable = None) -> None:
        """Stop announcing the channel's pending image, e.g. when its view closes."""
        previous = self._channels.pop(channel, None)
        if previous is not None:
            self._drop_interest(previous[1])

    def cached(self, path: Path) -> QImage | None:
        decoded = self._cache.get(path)
        return decoded.levels[0] if decoded is not None else None

    def levels(self, path: Path) -> tuple[QImage, ...]:
        """The image and its successive halves (largest first), for drawing at any zoom
        without resampling on the GUI thread; empty when the image is not loaded."""
        if self._announcing is not None and self._announcing[0] == path:
            return self._announcing[1].levels
        decoded = self._cache.get(path)
        return decoded.levels if decoded is not None else ()

    def forget(self, path: Path) -> None:
        """Drop a cached image whose file has been replaced."""
        decoded = self._cache.pop(path, None)
        if decoded is not None:
            self._cache_bytes -= decoded.nbytes

    @property
    def pending(self) -> int:
        return len(self._jobs)

    def wait_for_idle(self, timeout_s: float | None = None) -> bool:
        """Block until every started decode has finished (their results are still queued for
        the GUI thread); for shutdown and tests."""
        _, running = wait(list(self._futures), timeout=timeout_s)
        return not running

    def close(self) -> None:
        """Drop queued decodes and stop announcing; running ones finish in the background."""
        self._channels.clear()
        for job in self._jobs.values():
            job.wanted = False
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _start(self, path: Path) -> _Job:
        job = _Job(path)
        self._jobs[path] = job
        future = self._pool.submit(_run, self._owner, job, self._relay)
        self._futures.add(future)
        future.add_done_callback(self._futures.discard)
        return job

    def _wanted_by(self, path: Path) -> set[Hashable]:
        return {channel for channel, (_, wanted) in self._channels.items() if wanted == path}

    def _drop_interest(self, path: Path) -> None:
        job = self._jobs.get(path)
        if job is not None and not self._wanted_by(path):
            job.wanted = False

    def _finished(self, result: _Result) -> None:
        if result.owner is not self._owner:
            return
        job = result.job
        if self._jobs.get(job.path) is job:
            del self._jobs[job.path]
        live = {
            channel
            for channel, generation in job.requesters
            if self._channels.get(channel, (None, None))[0] == generation
        }
        if result.skipped:
            if live:
                # Wanted again after the worker had already decided to skip it.
                retry = self._start(job.path)
                retry.requesters = {r for r in job.requesters if r[0] in live}
            return
        if result.decoded is None:
            log.warning("Could not open %s: %s", job.path, result.error)
            if live:
                self.failed.emit(job.path, result.error or "unreadable image")
            return
        self._store(job.path, result.decoded)
        if live:
            self._announce(job.path, result.decoded)

    def _announce(self, path: Path, decoded: _Decoded) -> None:
        self._announcing = (path, decoded)
        try:
            self.loaded.emit(path, decoded.levels[0])
        finally:
            self._announcing = None

    def _store(self, path: Path, decoded: _Decoded) -> None:
        if decoded.nbytes > self._max_bytes:
            return
        old = self._cache.pop(path, None)
        if old is not None:
            self._cache_bytes -= old.nbytes
        self._cache[path] = decoded
        self._cache_bytes += decoded.nbytes
        while len(self._cache) > self._max_images or self._cache_bytes > self._max_bytes:
            _, evicted = self._cache.popitem(last=False)
            self._cache_bytes -= evicted.nbytes
