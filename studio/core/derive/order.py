"""What the user asks to derive: which drafts, how, on which model and size, how many."""

from __future__ import annotations

from dataclasses import dataclass

from studio.core.catalog import Catalog, CatalogError, ModelSpec
from studio.core.derive.instructions import Strength
from studio.core.domain import Derivation
from studio.core.library import DraftRecord

REFINE_MODEL = "gemini-3.1-flash-image"
REFINE_SIZE = "2K"
MAX_RESULTS = 50  # per draft


@dataclass(frozen=True, slots=True)
class DeriveOrder:
    kind: Derivation
    parent_ids: tuple[int, ...]
    model: str | None = None  # None: the kind's default
    size: str | None = None  # None: the kind's default on the chosen model
    count: int = 1  # results per draft
    instruction: str | None = None  # edit: required; refine: None keeps the default
    rerender: bool = False  # refine: same prompt and seed, no input image
    strength: Strength = Strength.SUBTLE  # vary

    @property
    def sends_image(self) -> bool:
        return not (self.kind == Derivation.REFINE and self.rerender)

    def model_for(self, catalog: Catalog, first_parent: DraftRecord | None) -> ModelSpec:
        """Refine goes to the stronger model; edit and vary stay on the draft's own model
        (the first draft's, for a selection)."""
        if self.model:
            return catalog.get(self.model)
        if self.kind == Derivation.REFINE or first_parent is None:
            return catalog.get(REFINE_MODEL) if REFINE_MODEL in catalog.ids() else catalog.models[0]
        try:
            return catalog.get(first_parent.model)
        except CatalogError:
            return catalog.get(REFINE_MODEL)

    def size_for(self, model: ModelSpec, first_parent: DraftRecord | None) -> str:
        if self.size:
            return self.size
        wanted = REFINE_SIZE if self.kind == Derivation.REFINE else None
        if wanted is None and first_parent is not None:
            wanted = first_parent.size
        if wanted in model.sizes:
            return str(wanted)
        return "1K" if "1K" in model.sizes else model.sizes[0]
