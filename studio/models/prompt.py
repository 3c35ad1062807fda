"""What the user is about to ask for: prompt, model, shape, count, seed, references, and
what it will cost. The prompt panel binds to this; it knows nothing about the engine."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage

from studio.core.catalog import Catalog, CatalogError, ModelSpec
from studio.core.domain import ReferenceImage
from studio.core.engine import BatchSpec
from studio.core.gemini import ReferenceError, load_reference
from studio.core.library import DraftRecord, Library, LibraryError
from studio.core.matrix import Expansion
from studio.core.money import noted, priced, usd
from studio.models.jobs import JOB_OFFER_SLOTS
from studio.models.tasks import TaskRunner

COUNT_RANGE = (1, 200)
QUICK_COUNTS = (4, 12, 24, 50)


def _thumbnail(reference: ReferenceImage) -> QImage:
    return QImage.fromData(reference.data).scaled(
        80, 80, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )


def _load_with_thumbnail(path: Path) -> tuple[ReferenceImage, QImage]:
    reference = load_reference(path)
    return reference, _thumbnail(reference)


class PromptModel(QObject):
    changed = Signal()
    references_changed = Signal()
    problem = Signal(str)  # a reference that could not be used, in one sentence

    def __init__(
        self, catalog: Catalog, tasks: TaskRunner, model_id: str, aspect: str, size: str
    ) -> None:
        super().__init__()
        self._catalog = catalog
        self._tasks = tasks
        self.prompt = ""
        self.model_id = model_id if model_id in catalog.ids() else catalog.ids()[0]
        spec = self.spec_of_model
        self.aspect = aspect if aspect in spec.ratios else spec.ratios[0]
        self.size = size if size in spec.sizes else spec.sizes[0]
        self.count = 24
        self.seed: int | None = None
        self.references: list[ReferenceImage] = []
        self.reference_paths: list[Path] = []
        self.reference_thumbnails: list[QImage] = []
        self.history: list[str] = []
        self.remaining_budget_usd: float | None = None
        self.billed = True  # False while the offline sandbox answers: nothing is billed
        self.wildcards: Path | None = None  # the folder `__name__` wildcards are read from
        self.as_job = False  # the user's choice; it applies while a job is offered

    @property
    def catalog(self) -> Catalog:
        return self._catalog

    @property
    def spec_of_model(self) -> ModelSpec:
        return self._catalog.get(self.model_id)

    def set_prompt(self, text: str) -> None:
        if text != self.prompt:
            self.prompt = text
            self.changed.emit()

    def set_model(self, model_id: str) -> None:
        spec = self._catalog.get(model_id)
        self.model_id = model_id
        # Keep the user's shape and size when the new model has them; else its first one.
        if self.aspect not in spec.ratios:
            self.aspect = "1:1" if "1:1" in spec.ratios else spec.ratios[0]
        if self.size not in spec.sizes:
            self.size = "1K" if "1K" in spec.sizes else spec.sizes[0]
        self.changed.emit()

    def set_aspect(self, aspect: str) -> None:
        if aspect in self.spec_of_model.ratios and aspect != self.aspect:
            self.aspect = aspect
            self.changed.emit()

    def set_size(self, size: str) -> None:
        if size in self.spec_of_model.sizes and size != self.size:
            self.size = size
            self.changed.emit()

    def set_count(self, count: int) -> None:
        count = max(COUNT_RANGE[0], min(COUNT_RANGE[1], count))
        if count != self.count:
            self.count = count
            self.changed.emit()

    def set_seed(self, seed: int | None) -> None:
        if seed != self.seed:
            self.seed = seed
            self.changed.emit()

    def set_remaining_budget(self, remaining: float | None) -> None:
        # Called on every status tick while images stream; only a new value is news.
        if remaining != self.remaining_budget_usd:
            self.remaining_budget_usd = remaining
            self.changed.emit()

    def set_as_job(self, as_job: bool) -> None:
        if as_job != self.as_job:
            self.as_job = as_job
            self.changed.emit()

    def set_billed(self, billed: bool) -> None:
        if billed != self.billed:
            self.billed = billed
            self.changed.emit()

    def add_reference(self, path: Path) -> None:
        """Reads, checks and downscales the image off the GUI thread."""

        async def load() -> None:
            try:
                reference, thumbnail = await asyncio.to_thread(_load_with_thumbnail, path)
            except ReferenceError as exc:
                self.problem.emit(str(exc))
                return
            limit = self.spec_of_model.max_reference_images
            if len(self.references) >= limit:
                self.problem.emit(f"{self.spec_of_model.label} takes at most {limit} references.")
                return
            self.references.append(reference)
            self.reference_paths.append(path)
            self.reference_thumbnails.append(thumbnail)
            self.references_changed.emit()
            self.changed.emit()

        self._tasks.run(load(), "Adding a reference image")

    def reuse_references(self, read: Callable[[], Sequence[ReferenceImage]]) -> None:
        """Replaces the references with a draft's, read (from the library) and thumbnailed
        off the GUI thread."""

        async def load() -> None:
            def read_all() -> tuple[list[ReferenceImage], list[QImage]]:
                references = list(read())
                return references, [_thumbnail(r) for r in references]

            try:
                references, thumbnails = await asyncio.to_thread(read_all)
            except LibraryError as exc:
                self.problem.emit(str(exc))
                return
            self.references = references
            self.reference_paths = [Path(r.source_name) for r in references]
            self.reference_thumbnails = thumbnails
            self.references_changed.emit()
            self.changed.emit()

        self._tasks.run(load(), "Reusing the reference images")

    def remove_reference(self, index: int) -> None:
        if 0 <= index < len(self.references):
            del self.references[index]
            del self.reference_paths[index]
            del self.reference_thumbnails[index]
            self.references_changed.emit()
            self.changed.emit()

    # -- derived -------------------------------------------------------------------------------

    def expansion(self) -> Expansion | None:
        """The drafts the prompt stands for; None while it cannot be expanded (the reason is
        `problem_with_request`)."""
        try:
            return self.spec().expansion()
        except ValueError:
            return None

    @property
    def job_offered(self) -> bool:
        """A batch big enough that half price is worth waiting for (a job also takes more
        drafts than a live batch)."""
        try:
            slots = len(self._spec(batch_job=True).expansion().slots)
        except ValueError:
            return False
        return slots >= JOB_OFFER_SLOTS

    @property
    def sends_job(self) -> bool:
        return self.as_job and self.job_offered

    @property
    def unit_price(self) -> float:
        return self.spec_of_model.price(self.size, batch=self.sends_job)

    def cost_text(self) -> str:
        """ "3 × 3 combinations × 4 = 36 drafts · 36 × $0.0336 = $1.21" """
        expansion = self.expansion()
        slots = len(expansion.slots) if expansion is not None else self.count
        text = priced(slots, self.unit_price, self.billed)
        if expansion is not None and expansion.is_matrix:
            text = f"{expansion.summary()} · {text}"
        if self.sends_job:
            text += " as a batch job (half price)"
        if self.remaining_budget_usd is not None:
            text += f" · budget left {usd(self.remaining_budget_usd)}"
        return noted(text, self.billed)

    def spec(self) -> BatchSpec:
        """What Generate sends: live, or as a batch job when that is chosen and offered."""
        return self._spec(batch_job=self.sends_job)

    def _spec(self, *, batch_job: bool) -> BatchSpec:
        return BatchSpec(
            prompt=self.prompt,
            model=self.model_id,
            aspect=self.aspect,
            size=self.size,
            count=self.count,
            seed=self.seed,
            references=tuple(self.references),
            wildcards=self.wildcards,
            batch_job=batch_job,
        )

    def problem_with_request(self) -> str | None:
        """Why Generate cannot be pressed right now, or None."""
        try:
            self.spec().validate(self._catalog)
        except (CatalogError, ValueError) as exc:
            return str(exc)
        if self.remaining_budget_usd is not None and self.unit_price > self.remaining_budget_usd:
            return "The budget is spent; raise it in Settings to generate more."
        return None

    def remember(self) -> None:
        prompt = self.prompt.strip()
        self.history = [prompt, *(p for p in self.history if p != prompt)][:200]

    def reuse(self, draft: DraftRecord, library: Library) -> None:
        """Loads a draft's settings back into the panel (Inspector → Reuse settings): its
        prompt, model, shape, size and seed at once, its reference images a moment later."""
        self.prompt = draft.prompt
        if draft.model in self._catalog.ids():
            self.model_id = draft.model
        spec = self.spec_of_model
        self.aspect = draft.aspect if draft.aspect in spec.ratios else self.aspect
        self.size = draft.size if draft.size in spec.sizes else spec.sizes[0]
        self.seed = draft.seed
        self.changed.emit()
        self.reuse_references(lambda: library.references.of_batch(draft.batch_id))

    def with_catalog(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self.set_model(self.model_id if self.model_id in catalog.ids() else catalog.ids()[0])
