"""A batch as the user asks for it, and the plan the engine queues: what to record, and for
every slot what to send at what price."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from studio.core.catalog import Catalog, ModelSpec
from studio.core.domain import GenerationRequest, ReferenceImage
from studio.core.library import BatchRecord, MatrixAxis
from studio.core.matrix import Expansion, expand
from studio.core.secrets import GOOGLE_KEY_PATTERN

MAX_COUNT = 1000
# Batch API jobs are for catalogue work: more per job, where live batches stop at MAX_COUNT.
MAX_JOB_SLOTS = 5000
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
    batch_job: bool = False  # priced for a Batch API job
    expansion: str | None = None  # a matrix's "3 × 3 combinations × 4 = 36 drafts"

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
            "batch_job": self.batch_job,
            "expansion": self.expansion,
        }


@dataclass(frozen=True, slots=True)
class BatchSpec:
    """`prompt` may be a prompt matrix (`{a|b}` groups, `__name__` wildcards from the
    `wildcards` folder): `count` drafts are made of each combination."""

    prompt: str
    model: str
    aspect: str
    size: str
    count: int = 1
    seed: int | None = None
    references: tuple[ReferenceImage, ...] = ()
    thinking_level: str | None = None
    wildcards: Path | None = None
    batch_job: bool = False  # sent as a Batch API job, at the batch price

    @property
    def max_slots(self) -> int:
        return MAX_JOB_SLOTS if self.batch_job else MAX_COUNT

    def validate(self, catalog: Catalog) -> ModelSpec:
        """The model's spec, or ValueError with one sentence the user can act on."""
        return self._checked(catalog)[0]

    def expansion(self) -> Expansion:
        """The drafts the prompt stands for; MatrixError (a ValueError) says what is wrong."""
        return expand(
            self.prompt.strip(), self.count, self.wildcards, seed=self.seed, limit=self.max_slots
        )

    def _checked(self, catalog: Catalog) -> tuple[ModelSpec, Expansion]:
        if not self.prompt.strip():
            raise ValueError("The prompt is empty; describe the image you want.")
        check_text(self.prompt, "prompt")
        if not 1 <= self.count <= self.max_slots:
            raise ValueError(f"The count must be between 1 and {self.max_slots:,}.")
        if self.seed is not None and not 0 <= self.seed < SEED_LIMIT:
            raise ValueError(f"The seed must be between 0 and {SEED_LIMIT - 1}.")
        spec = catalog.validate(self.model, self.aspect, self.size)
        if len(self.references) > spec.max_reference_images:
            raise ValueError(
                f"{spec.label} takes at most {spec.max_reference_images} reference images."
            )
        expansion = self.expansion()
        if expansion.is_matrix:
            for slot in expansion.slots:
                check_text(slot.prompt, "expanded prompt")
        return spec, expansion

    def seeds(self, expansion: Expansion) -> tuple[int, ...]:
        """A fixed seed gives copy j of every combination the seed seed+j, so that cells of a
        matrix differ only by what the prompt says; otherwise each slot gets its own."""
        total = len(expansion.slots)
        if self.seed is None:
            return random_seeds(total)
        return tuple((self.seed + i % expansion.count) % SEED_LIMIT for i in range(total))

    def request(self, seed: int, prompt: str | None = None) -> GenerationRequest:
        return GenerationRequest(
            prompt=prompt or self.prompt.strip(),
            model=self.model,
            aspect=self.aspect,
            size=self.size,
            seed=seed,
            references=self.references,
            thinking_level=self.thinking_level,
        )

    def plan(self, catalog: Catalog) -> BatchPlan:
        model, expansion = self._checked(catalog)
        seeds = self.seeds(expansion)
        matrix = expansion.is_matrix
        record = BatchRecord(
            prompt=self.prompt.strip(),
            model=self.model,
            aspect=self.aspect,
            size=self.size,
            seeds=seeds,
            base_seed=self.seed,
            thinking_level=self.thinking_level,
            references=self.references,
            slot_prompts=tuple(s.prompt for s in expansion.slots) if matrix else (),
            slot_values=tuple(s.values for s in expansion.slots) if matrix else (),
            axes=tuple(MatrixAxis(a.key, a.label, a.values) for a in expansion.axes),
        )
        return BatchPlan(
            record,
            tuple(
                self.request(seed, slot.prompt)
                for seed, slot in zip(seeds, expansion.slots, strict=True)
            ),
            model.price(self.size, batch=self.batch_job),
            batch_job=self.batch_job,
            expansion=expansion.summary() if matrix else None,
        )
