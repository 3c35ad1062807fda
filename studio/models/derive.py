"""What the refine / edit / more-like-this panel is about to send: which drafts, how, on which
model and size, how many, and what it costs. The panel binds to this; sending goes through
the studio model, so the engine, its budgets and its events are the same as for generation."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QObject, Signal

from studio.core.catalog import Catalog, CatalogError, ModelSpec
from studio.core.derive import DEFAULT_REFINE_INSTRUCTION, DeriveOrder, Strength
from studio.core.derive.order import MAX_RESULTS
from studio.core.domain import Derivation, SlotStatus
from studio.core.library import DraftRecord, Library, LibraryError
from studio.core.money import noted, priced, usd
from studio.models.studio import StudioModel

_DEFAULT_COUNTS = {Derivation.REFINE: 1, Derivation.EDIT: 1, Derivation.VARY: 4}


@dataclass(frozen=True, slots=True)
class Choice:
    """What the panel remembers per kind between openings (and, through the window, runs)."""

    model: str | None = None  # None: the kind's default
    size: str | None = None
    count: int = 1
    strength: Strength = Strength.SUBTLE
    rerender: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "size": self.size,
            "count": self.count,
            "strength": self.strength.value,
            "rerender": self.rerender,
        }

    @classmethod
    def from_json(cls, data: Any, kind: Derivation) -> Choice:
        """Whatever could be read; anything odd falls back to the kind's default."""
        if not isinstance(data, dict):
            return cls(count=_DEFAULT_COUNTS[kind])
        count = data.get("count")
        strength = data.get("strength")
        return cls(
            model=str(data["model"]) if isinstance(data.get("model"), str) else None,
            size=str(data["size"]) if isinstance(data.get("size"), str) else None,
            count=count if isinstance(count, int) and 1 <= count <= MAX_RESULTS else 1,
            strength=Strength(strength) if strength in set(Strength) else Strength.SUBTLE,
            rerender=data.get("rerender") is True,
        )


class DeriveModel(QObject):
    changed = Signal()
    opened = Signal()
    closed = Signal()
    sent = Signal()  # the window saves what is remembered

    def __init__(self, library: Library, studio: StudioModel) -> None:
        super().__init__()
        self._library = library
        self._studio = studio
        self.kind: Derivation | None = None  # None while the panel is closed
        self.parents: list[DraftRecord] = []
        self.instruction = ""
        self.choice = Choice()
        self.remembered: dict[Derivation, Choice] = {
            kind: Choice(count=count) for kind, count in _DEFAULT_COUNTS.items()
        }

    @property
    def catalog(self) -> Catalog:
        return self._studio.catalog

    # -- opening and closing -------------------------------------------------------------------

    def open(self, kind: Derivation, draft_ids: list[int]) -> str | None:
        """Opens the panel for these drafts; the sentence says why not (nothing to work on)."""
        parents = []
        for draft_id in dict.fromkeys(draft_ids):
            try:
                draft = self._library.get(draft_id)
            except LibraryError:
                continue
            if draft.status == SlotStatus.SUCCEEDED and draft.path is not None:
                parents.append(draft)
        if not parents:
            verb = {Derivation.REFINE: "refine", Derivation.EDIT: "edit"}.get(kind, "vary")
            return f"Select a finished image to {verb} it."
        self.kind = kind
        self.parents = parents
        self.choice = self.remembered[kind]
        if kind == Derivation.REFINE:
            self.instruction = DEFAULT_REFINE_INSTRUCTION
        elif kind == Derivation.EDIT:
            self.instruction = ""
        self.opened.emit()
        self.changed.emit()
        return None

    def close(self) -> None:
        if self.kind is not None:
            self.kind = None
            self.parents = []
            self.closed.emit()

    @property
    def is_open(self) -> bool:
        return self.kind is not None

    # -- edits ---------------------------------------------------------------------------------

    def _set(self, **changes: Any) -> None:
        choice = replace(self.choice, **changes)
        if choice != self.choice:
            self.choice = choice
            self.changed.emit()

    def set_model(self, model_id: str) -> None:
        spec = self.catalog.get(model_id)
        size = self.size if self.size in spec.sizes else None
        self._set(model=model_id, size=size)

    def set_size(self, size: str) -> None:
        self._set(size=size)

    def set_count(self, count: int) -> None:
        self._set(count=max(1, min(MAX_RESULTS, count)))

    def set_strength(self, strength: Strength) -> None:
        self._set(strength=Strength(strength))

    def set_rerender(self, rerender: bool) -> None:
        self._set(rerender=rerender)

    def set_instruction(self, text: str) -> None:
        if text != self.instruction:
            self.instruction = text
            self.changed.emit()

    # -- derived -------------------------------------------------------------------------------

    def order(self) -> DeriveOrder:
        assert self.kind is not None, "the panel is closed"
        return DeriveOrder(
            kind=self.kind,
            parent_ids=tuple(p.id for p in self.parents),
            model=self.choice.model,
            size=self.choice.size,
            count=self.choice.count,
            instruction=self.instruction if self.kind != Derivation.VARY else None,
            rerender=self.choice.rerender,
            strength=self.choice.strength,
        )

    @property
    def model(self) -> ModelSpec:
        try:
            return self.order().model_for(self.catalog, self.parents[0])
        except CatalogError:
            return self.catalog.models[0]  # a remembered model the settings no longer know

    @property
    def size(self) -> str:
        return self.order().size_for(self.model, self.parents[0])

    def models(self) -> list[ModelSpec]:
        return list(self.catalog.models)

    @property
    def images(self) -> int:
        return len(self.parents) * self.choice.count

    def title(self) -> str:
        one = len(self.parents) == 1
        what = f"draft {self.parents[0].id}" if one else f"{len(self.parents)} drafts"
        if self.kind == Derivation.REFINE:
            return f"Refine {what}"
        if self.kind == Derivation.EDIT:
            return f"Edit {what}"
        return f"More like {what}"

    def cost_text(self) -> str:
        """What pressing Send will cost, on which model and size, before anything is sent."""
        model = self.model
        price = model.price(self.size) if self.size in model.sizes else 0.0
        billed = not self._studio.sandbox
        text = f"{priced(self.images, price, billed, fine=True)} · {model.label} · {self.size}"
        remaining = self._studio.remaining_budget()
        if remaining is not None:
            text += f" · budget left {usd(remaining, fine=True)}"
        return noted(text, billed)

    def problem(self) -> str | None:
        """Why Send cannot be pressed now, in one sentence, or None. The quick checks only:
        the engine thread reads the images and says anything else in the banner."""
        if self.kind is None:
            return "Nothing to send."
        if self.kind == Derivation.EDIT and not self.instruction.strip():
            return "Say what to change."
        model = self.model
        order = self.order()
        if order.sends_image and model.max_reference_images < 1:
            return f"{model.label} cannot take input images."
        try:
            for parent in self.parents:
                self.catalog.validate(model.id, parent.aspect, self.size)
        except CatalogError as exc:
            return str(exc)
        remaining = self._studio.remaining_budget()
        if remaining is not None and model.price(self.size) * self.images > remaining + 1e-9:
            return f"This costs more than the {usd(remaining, fine=True)} left in the budget."
        return None

    def send(self) -> str | None:
        """Queues the work and closes the panel, or says why it cannot be sent."""
        problem = self.problem()
        if problem is not None:
            return problem
        assert self.kind is not None
        self._studio.derive(self.order(), self.images)
        self.remembered[self.kind] = self.choice
        self.sent.emit()
        self.close()
        return None

    # -- remembering ---------------------------------------------------------------------------

    def remembered_json(self) -> dict[str, Any]:
        return {kind.value: choice.to_json() for kind, choice in self.remembered.items()}

    def restore(self, data: Any) -> None:
        if isinstance(data, dict):
            for kind in Derivation:
                if kind.value in data:
                    self.remembered[kind] = Choice.from_json(data[kind.value], kind)
