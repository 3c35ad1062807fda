"""A batch as the user asks for it, and the plan the engine queues: what to record, and for
every slot what to send at what price."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from studio.core.catalog import Catalog, ModelSpec
from studio.core.domain import GenerationRequest, ReferenceImage
from studio.core.library import BatchRecord
from studio.core.secrets import GOOGLE_KEY_PATTERN

MAX_COUNT = 1000
MAX_PROMPT_CHARS = 30_000
# The API's seed is a signed 32-bit integer.
SEED_LIMIT = 2**31


def check_text(text: str, what: str) -> None:
    """ValueError with one sentence when `text` may not be stored and sent."""
    if GOOGLE_KEY_PATTERN.search(text):
        # It would be stored in the library and sent along; neither may happen to a key.
        raise ValueError(f"The {what} contains what looks like an API key; remove it.")
    if len(text) > MAX_PROMPT_CHARS:
        raise ValueError(f"The {what} is longer than {MAX_PROMPT_CHARS:,} characters.")


def random_seeds(count: int) -> tuple[int, ...]:
    return tuple(secrets.randbelow(SEED_LIMIT) for _ in range(count))


@dataclass(frozen=True, slots=True)
class BatchPlan:
    record: BatchRecord
    requests: tuple[GenerationRequest, ...]  # one per slot, in slot order
    unit_price: float  # USD per image on the batch's model and size

    @property
    def count(self) -> int:
        return len(self.requests)

    @property
    def total_price(self) -> float:
        return self.unit_price * self.count

    def estimate_json(self, label: str, billed: bool) -> dict[str, object]:
        """What the batch will cost before it is sent, for --json summaries; `billed` is
        False on the sandbox, where the prices are what it would cost."""
        return {
            "count": self.count,
            "model": self.record.model,
            "model_label": label,
            "size": self.record.size,
            "unit_usd": self.unit_price,
            "total_usd": round(self.total_price, 4),
            "billed": billed,
        }


@dataclass(frozen=True, slots=True)
class BatchSpec:
    prompt: str
    model: str
    aspect: str
    size: str
    count: int = 1
    seed: int | None = None
    references: tuple[ReferenceImage, ...] = ()
    thinking_level: str | None = None

    def validate(self, catalog: Catalog) -> ModelSpec:
        """The model's spec, or ValueError with one sentence the user can act on."""
        if not self.prompt.strip():
            raise ValueError("The prompt is empty; describe the image you want.")
        check_text(self.prompt, "prompt")
        if not 1 <= self.count <= MAX_COUNT:
            raise ValueError(f"The count must be between 1 and {MAX_COUNT}.")
        if self.seed is not None and not 0 <= self.seed < SEED_LIMIT:
            raise ValueError(f"The seed must be between 0 and {SEED_LIMIT - 1}.")
        spec = catalog.validate(self.model, self.aspect, self.size)
        if len(self.references) > spec.max_reference_images:
            raise ValueError(
                f"{spec.label} takes at most {spec.max_reference_images} reference images."
            )
        return spec

    def seeds(self) -> tuple[int, ...]:
        """A fixed seed gives seed, seed+1, …; otherwise each slot gets its own random seed."""
        if self.seed is not None:
            return tuple((self.seed + i) % SEED_LIMIT for i in range(self.count))
        return random_seeds(self.count)

    def request(self, seed: int) -> GenerationRequest:
        return GenerationRequest(
            prompt=self.prompt.strip(),
            model=self.model,
            aspect=self.aspect,
            size=self.size,
            seed=seed,
            references=self.references,
            thinking_level=self.thinking_level,
        )

    def plan(self, catalog: Catalog) -> BatchPlan:
        model = self.validate(catalog)
        seeds = self.seeds()
        record = BatchRecord(
            prompt=self.prompt.strip(),
            model=self.model,
            aspect=self.aspect,
            size=self.size,
            seeds=seeds,
            base_seed=self.seed,
            thinking_level=self.thinking_level,
            references=self.references,
        )
        return BatchPlan(record, tuple(self.request(s) for s in seeds), model.price(self.size))
