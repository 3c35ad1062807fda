"""Exporting drafts to a folder: in parallel, every file complete or absent, nothing overwritten.

`export()` blocks until done; the GUI calls it from a worker thread and hears about each file
through `progress`, which runs on that calling thread, never on an encoder thread."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    BrokenExecutor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath

from studio.core.export.encode import Encoded, EncodeError, encode
from studio.core.export.folders import (
    FolderSweep,
    NameTaken,
    ensure_folder,
    failure_reason,
    prepare_target,
    publish,
    write_temp,
)
from studio.core.export.metadata import DraftFacts, sidecar_json, xmp_packet
from studio.core.export.naming import candidates, inside, render_name, validate_template
from studio.core.export.presets import ExportFormat, ExportSettings
from studio.core.library import DraftRecord
from studio.core.library.files import fsync_folder

# Threads for most formats: Pillow drops the GIL in resize and in the PNG and WebP encoders,
# so two threads keep both cores busy. Measured on 2 cores, 12 noisy 1024² images: Web 1.85 s
# serial, 0.92 s with two threads, 1.04 s with two spawned processes; Print PNG 1.40 / 0.70 /
# 0.83 s. The JPEG encoder holds the GIL (200 YouTube exports: 1.15× with two threads), so
# large JPEG exports encode in worker processes instead (see _encoder).
DEFAULT_WORKERS = max(1, min(4, os.cpu_count() or 1))
PROCESS_POOL_MIN_JOBS = 8


class Outcome(StrEnum):
    EXPORTED = "exported"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class ExportResult:
    draft_id: int
    outcome: Outcome
    path: Path | None = None
    sidecars: tuple[Path, ...] = ()
    reason: str | None = None
    width: int | None = None
    height: int | None = None
    quality: int | None = None
    byte_size: int = 0

    @property
    def message(self) -> str:
        """One sentence for the user."""
        if self.outcome == Outcome.EXPORTED:
            return f"Draft {self.draft_id} exported to {self.path}."
        if self.outcome == Outcome.CANCELLED:
            return f"Draft {self.draft_id} was not exported: the export was cancelled."
        return f"Draft {self.draft_id} was not exported: {self.reason}."


@dataclass(frozen=True, slots=True)
class ExportReport:
    results: tuple[ExportResult, ...]
    cancelled: bool
    elapsed_s: float

    def _with(self, outcome: Outcome) -> list[ExportResult]:
        return [r for r in self.results if r.outcome == outcome]

    @property
    def exported(self) -> list[ExportResult]:
        return self._with(Outcome.EXPORTED)

    @property
    def failed(self) -> list[ExportResult]:
        return self._with(Outcome.FAILED)

    @property
    def skipped(self) -> list[ExportResult]:
        return self._with(Outcome.CANCELLED)

    @property
    def complete(self) -> bool:
        return not self.cancelled and len(self.exported) == len(self.results)


ProgressCallback = Callable[[int, int, ExportResult], None]


class ExportInterrupted(KeyboardInterrupt):
    """Ctrl+C during `export()`, raised once the files in flight are complete; `report` says
    what was exported, what failed and what was skipped."""

    def __init__(self, report: ExportReport) -> None:
        super().__init__("the export was interrupted")
        self.report = report


@dataclass(frozen=True, slots=True)
class _Job:
    facts: DraftFacts
    source: Path | None
    relative: PurePosixPath  # subfolders and stem, from the name template


Encoder = Callable[[Path, ExportSettings, DraftFacts], Encoded]


def _export_one(
    job: _Job,
    settings: ExportSettings,
    target: Path,
    cancel: threading.Event,
    encoder: Encoder,
    sweep: FolderSweep,
) -> ExportResult:
    draft_id = job.facts.id
    if cancel.is_set():
        return ExportResult(draft_id, Outcome.CANCELLED)
    if job.source is None:
        return ExportResult(draft_id, Outcome.FAILED, reason="it has no image")
    width = height = quality = None
    try:
        if settings.format == ExportFormat.ORIGINAL:
            data = job.source.read_bytes()  # byte for byte: not even the metadata changes
            extension = job.source.suffix.lower() or ".img"
        else:
            encoded = encoder(job.source, settings, job.facts)
            data, width, height = encoded.data, encoded.width, encoded.height
            quality = encoded.quality
            extension = settings.format.extension or ""
    except FileNotFoundError:
        return ExportResult(
            draft_id, Outcome.FAILED, reason="the original image file is missing from the library"
        )
    except EncodeError as exc:
        return ExportResult(draft_id, Outcome.FAILED, reason=str(exc))
    except OSError as exc:
        reason = f"the original image cannot be read ({(exc.strerror or str(exc)).lower()})"
        return ExportResult(draft_id, Outcome.FAILED, reason=reason)

    sidecars: list[tuple[str, bytes]] = []
    if settings.writes_sidecars:
        if settings.format == ExportFormat.ORIGINAL:
            sidecars.append((".xmp", xmp_packet(job.facts)))
        sidecars.append((".json", sidecar_json(job.facts, settings.format.value)))

    folder = target
    temps: list[Path] = []
    try:
        folder = ensure_folder(target, job.relative)
        sweep(folder)
        temps = [write_temp(folder, data)]
        temps += [write_temp(folder, payload) for _, payload in sidecars]
        for candidate in candidates(
            folder, job.relative.name, extension, tuple(ext for ext, _ in sidecars)
        ):
            if not inside(target, candidate.image):
                return ExportResult(draft_id, Outcome.FAILED, reason="its name leaves the folder")
            published: list[Path] = []
            try:
                for temp, final in zip(temps, (candidate.image, *candidate.sidecars), strict=True):
                    publish(temp, final)
                    published.append(final)
            except NameTaken:
                # A sidecar name was taken: this image name is given back, the next one tried.
                for path in published:
                    path.unlink(missing_ok=True)
                continue
            except BaseException:
                for path in published:
                    path.unlink(missing_ok=True)
                raise
            fsync_folder(folder)
            return ExportResult(
                draft_id,
                Outcome.EXPORTED,
                candidate.image,
                candidate.sidecars,
                width=width,
                height=height,
                quality=quality,
                byte_size=len(data),
            )
        return ExportResult(draft_id, Outcome.FAILED, reason="every numbered name is taken")
    except OSError as exc:
        return ExportResult(draft_id, Outcome.FAILED, reason=failure_reason(exc, folder))
    finally:
        for temp in temps:
            temp.unlink(missing_ok=True)


@contextlib.contextmanager
def _encoder(settings: ExportSettings, count: int, workers: int) -> Iterator[Encoder]:
    """Where the pixels are encoded: JPEG in worker processes, because its encoder holds the
    GIL; everything else here. Spawning workers costs a few hundred ms, so small exports stay
    in this process. Spawn, not fork: the caller may be a Qt app with threads. The workers
    ignore SIGINT: Ctrl+C in a terminal reaches the whole process group, and the files in
    flight must still be encoded while `export()` winds down."""
    if workers < 2 or count < PROCESS_POOL_MIN_JOBS or settings.format != ExportFormat.JPEG:
        yield encode
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=signal.signal,
        initargs=(signal.SIGINT, signal.SIG_IGN),
    ) as processes:

        def in_process(source: Path, chosen: ExportSettings, facts: DraftFacts) -> Encoded:
            try:
                return processes.submit(encode, source, chosen, facts).result()
            except BrokenExecutor:
                # A worker killed from outside (or by Ctrl+C before it started ignoring it):
                # this file fails with a reason instead of the whole report being lost.
                raise EncodeError("the encoder process stopped unexpectedly") from None

        yield in_process


def export(
    drafts: Sequence[DraftRecord],
    settings: ExportSettings,
    target: Path,
    *,
    cancel: threading.Event | None = None,
    progress: ProgressCallback | None = None,
    workers: int = DEFAULT_WORKERS,
) -> ExportReport:
    """Exports `drafts` into `target` and reports on each, in the order given (callers put
    them in `export_order`, which `{index}` counts in).

    The target is created if missing and tried for writing first: one that cannot take files
    raises TargetError before anything is exported. After that a file that fails is reported
    and the rest continue. Setting `cancel` lets files already being written finish and skips
    the others, so only complete files are left behind. Ctrl+C does the same, then raises
    ExportInterrupted, which carries the report."""
    settings.validate()
    validate_template(settings.name_template)
    prepare_target(target)
    started = time.monotonic()
    cancel = cancel or threading.Event()
    jobs = [
        _Job(DraftFacts.of(draft), draft.path, render_name(settings.name_template, draft, index))
        for index, draft in enumerate(drafts, start=1)
    ]
    sweep = FolderSweep()
    workers = max(1, workers)
    interrupted: KeyboardInterrupt | None = None
    with (
        _encoder(settings, len(jobs), workers) as encoder,
        ThreadPoolExecutor(max_workers=workers, thread_name_prefix="export") as pool,
    ):
        futures = [
            pool.submit(_export_one, job, settings, target, cancel, encoder, sweep) for job in jobs
        ]
        # Ctrl+C and a failing progress callback both cancel: the files in flight finish (the
        # pools wait for them on exit) and the rest are skipped, so no partial file is left.
        try:
            _report_progress(futures, progress)
        except KeyboardInterrupt as exc:
            cancel.set()
            interrupted = exc  # raised below, once every job has its result for the report
        except BaseException:
            cancel.set()
            raise
    report = ExportReport(
        tuple(future.result() for future in futures),
        cancelled=cancel.is_set(),
        elapsed_s=time.monotonic() - started,
    )
    if interrupted is not None:
        raise ExportInterrupted(report) from interrupted
    return report


def _report_progress(
    futures: Sequence[Future[ExportResult]], progress: ProgressCallback | None
) -> None:
    """Calls `progress` on this thread as each job finishes; a job's unexpected error is
    raised here, so that the rest are cancelled."""
    pending = set(futures)
    done = 0
    while pending:
        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in finished:
            result = future.result()
            done += 1
            if progress is not None:
                progress(done, len(futures), result)
