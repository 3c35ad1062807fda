"""Runs an export for the dialog: picks the drafts, previews names, reports progress and the end.

The engine's `export()` blocks, so it runs in `asyncio.to_thread` inside a TaskRunner task;
its progress callback runs on that worker thread and only emits a signal, which Qt queues to
this object's (the GUI) thread, so no widget is ever touched off the GUI thread."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from studio.core.export import (
    ExportReport,
    ExportResult,
    ExportSettings,
    Outcome,
    TargetError,
    export,
    export_order,
    has_image,
    prepare_target,
    render_name,
)
from studio.core.export.naming import validate_template
from studio.core.export.presets import Preset
from studio.core.export.user_presets import PresetBook
from studio.core.library import DraftRecord, Library, LibraryError
from studio.models.tasks import TaskRunner

# Three lines of names at most, so the dialog keeps its height: two names and "… and N more"
# when there are more than three.
PREVIEW_LINES = 3


class Scope(StrEnum):
    SELECTION = "selection"
    PICKS = "picks"
    MIN_RATING = "min-rating"


def summary(report: ExportReport, target: Path, created: bool = False) -> str:
    """The closing sentence the dialog shows."""
    count = len(report.exported)
    files = "file" if count == 1 else "files"
    where = f"the new folder {target}" if created else str(target)
    sentence = f"Exported {count} {files} to {where}"
    extras = []
    if report.failed:
        extras.append(f"{len(report.failed)} failed")
    if report.skipped:
        extras.append(f"{len(report.skipped)} skipped after cancel")
    return sentence + (f" ({', '.join(extras)})." if extras else ".")


def _own_extension(draft: DraftRecord) -> str:
    return (draft.path.suffix.lower() if draft.path else "") or ".img"


class ExportModel(QObject):
    started = Signal(int, object)  # total, target Path
    progressed = Signal(int, int, str)  # done, total, failure sentence or ""
    finished = Signal(object, object)  # ExportReport, target Path
    refused = Signal(str)  # the target stopped taking files before the export began
    running_changed = Signal(bool)
    presets_changed = Signal()

    # Emitted on the worker thread; the auto connection queues it to the GUI thread.
    _worker_progress = Signal(int, int, object)

    def __init__(
        self,
        library: Library,
        tasks: TaskRunner,
        presets: PresetBook,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._tasks = tasks
        self._presets = presets
        self._cancel: threading.Event | None = None
        self._created = False
        self._worker_progress.connect(self._on_worker_progress)

    @property
    def running(self) -> bool:
        return self._cancel is not None

    @property
    def created_target(self) -> bool:
        """Whether the last export made its folder."""
        return self._created

    # -- presets -------------------------------------------------------------------------------

    def presets(self) -> list[Preset]:
        """Built-in first, then the user's, as last read."""
        return self._presets.all()

    def reload_presets(self) -> None:
        """Reads the presets file again, so one saved from the CLI shows up."""
        self._presets.reload()

    def preset(self, preset_id: str) -> Preset:
        return self._presets.get(preset_id)

    @property
    def preset_problems(self) -> list[str]:
        """Sentences about saved presets that could not be read."""
        return list(self._presets.problems)

    def is_builtin(self, preset_id: str) -> bool:
        return self._presets.is_builtin(preset_id)

    def save_preset(self, label: str, settings: ExportSettings) -> tuple[str, str]:
        """Saves; returns its id and the sentence to show. PresetError says why it cannot.

        A few hundred bytes written on the GUI thread, on a click: not worth a worker."""
        saved, replaced = self._presets.save(label, settings)
        self.presets_changed.emit()
        return saved.id, f"{'Updated' if replaced else 'Saved'} preset '{saved.label}'."

    def delete_preset(self, preset_id: str) -> str:
        removed = self._presets.delete(preset_id)
        self.presets_changed.emit()
        return (
            f"Deleted preset '{removed.label}'. Its settings are still shown; "
            "Save as preset… brings it back."
        )

    # -- what to export ------------------------------------------------------------------------

    def drafts_for(
        self, scope: Scope, selected_ids: Sequence[int] = (), min_rating: int = 3
    ) -> list[DraftRecord]:
        """The drafts with an image, in the order the CLI exports them too."""
        if scope == Scope.SELECTION:
            drafts = []
            for draft_id in selected_ids:
                try:
                    drafts.append(self._library.get(draft_id))
                except LibraryError:
                    continue  # deleted since it was selected
        elif scope == Scope.PICKS:
            drafts = self._library.list_drafts(picks_only=True)
        else:
            drafts = self._library.list_drafts(min_rating=min_rating)
        return export_order(d for d in drafts if has_image(d))

    @staticmethod
    def preview_names(
        template: str, drafts: Sequence[DraftRecord], extension: str | None
    ) -> list[str]:
        """The first file names the template gives, numbered as the engine numbers them;
        raises TemplateError for a bad template.

        `extension` None (Original) keeps each library file's own, as the engine does."""
        validate_template(template)
        shown = drafts if len(drafts) <= PREVIEW_LINES else drafts[: PREVIEW_LINES - 1]
        return [
            f"{render_name(template, draft, index)}"
            f"{extension if extension is not None else _own_extension(draft)}"
            for index, draft in enumerate(shown, start=1)
        ]

    # -- running -------------------------------------------------------------------------------

    def start(self, drafts: Sequence[DraftRecord], settings: ExportSettings, target: Path) -> None:
        """Raises ValueError (a sentence for the user) before anything starts."""
        if self.running:
            raise ValueError("An export is already running.")
        if not drafts:
            raise ValueError("There is nothing to export: no draft with an image matches.")
        settings.validate()
        validate_template(settings.name_template)
        # The same check export() makes, here so its sentence comes before anything starts.
        self._created = prepare_target(target)
        self._cancel = threading.Event()
        self.running_changed.emit(True)
        self.started.emit(len(drafts), target)
        self._tasks.run(self._run(list(drafts), settings, target, self._cancel), "Export")

    def cancel(self) -> None:
        """Files being written finish; the rest are skipped, so no partial file is left."""
        if self._cancel is not None:
            self._cancel.set()

    async def _run(
        self,
        drafts: list[DraftRecord],
        settings: ExportSettings,
        target: Path,
        cancel: threading.Event,
    ) -> None:
        def progress(done: int, total: int, result: ExportResult) -> None:
            self._worker_progress.emit(done, total, result)

        try:
            report = await asyncio.to_thread(
                export, drafts, settings, target, cancel=cancel, progress=progress
            )
        except TargetError as exc:
            # Removed or locked between the click and the worker's start.
            self._cancel = None
            self.running_changed.emit(False)
            self.refused.emit(str(exc))
            return
        except BaseException:
            # The app closing cancels this task; the thread keeps going, so tell it to stop.
            cancel.set()
            self._cancel = None
            self.running_changed.emit(False)
            raise
        self._cancel = None
        self.running_changed.emit(False)
        self.finished.emit(report, target)

    def _on_worker_progress(self, done: int, total: int, result: object) -> None:
        failure = ""
        if isinstance(result, ExportResult) and result.outcome == Outcome.FAILED:
            failure = result.message
        self.progressed.emit(done, total, failure)
