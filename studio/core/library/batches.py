"""Writing a new batch and its slots: plain, derived (one origin per slot) or a prompt matrix
(one expanded prompt and its values per slot)."""

from __future__ import annotations

import json
import time

from studio.core.domain import SlotStatus
from studio.core.library.database import Database
from studio.core.library.records import BatchRecord
from studio.core.library.references import KeptReference, ReferenceStore
from studio.core.library.turns import dump_turns


def check_shape(batch: BatchRecord) -> None:
    slots = len(batch.seeds)
    if batch.origins and len(batch.origins) != slots:
        raise ValueError("A derived batch needs one origin per slot.")
    if batch.slot_prompts and len(batch.slot_prompts) != slots:
        raise ValueError("A matrix batch needs one prompt per slot.")
    if batch.slot_values and len(batch.slot_values) != slots:
        raise ValueError("A matrix batch needs one set of values per slot.")


def insert_batch(
    db: Database,
    references: ReferenceStore,
    batch: BatchRecord,
    kept: list[KeptReference],
    *,
    session_id: str | None,
    billed: bool,
    status: SlotStatus = SlotStatus.QUEUED,
) -> int:
    """Inside the caller's transaction; `kept` are the batch's reference images, written
    to disk before it (`ReferenceStore.write`) so that no file I/O holds the write lock."""
    check_shape(batch)
    now = time.time()
    batch_id = int(
        db.execute(
            """INSERT INTO batches (created_at, prompt, model, aspect, size, count,
            base_seed, thinking_level, reference_names, derivation, instruction, axes)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                now,
                batch.prompt,
                batch.model,
                batch.aspect,
                batch.size,
                len(batch.seeds),
                batch.base_seed,
                batch.thinking_level,
                json.dumps([r.source_name for r in batch.references]),
                batch.derivation,
                batch.instruction,
                json.dumps([axis.to_json() for axis in batch.axes]) if batch.axes else None,
            ),
        ).lastrowid
        or 0
    )
    references.link(batch_id, kept)
    slots = len(batch.seeds)
    origins = batch.origins or (None,) * slots
    prompts: tuple[str | None, ...] = batch.slot_prompts or (None,) * slots
    values = batch.slot_values or ((),) * slots
    rows = []
    for slot, (seed, origin, prompt, pairs) in enumerate(
        zip(batch.seeds, origins, prompts, values, strict=True)
    ):
        own_prompt = origin.prompt if origin else prompt
        rows.append(
            (
                batch_id,
                slot,
                seed,
                status,
                session_id,
                now,
                origin.parent_id if origin else None,
                own_prompt if own_prompt is not None and own_prompt != batch.prompt else None,
                origin.aspect if origin and origin.aspect != batch.aspect else None,
                dump_turns(origin.conversation) if origin else None,
                billed,
                json.dumps(pairs) if pairs else None,
            )
        )
    db.executemany(
        """INSERT INTO drafts (batch_id, slot, seed, status, session_id, created_at,
        parent_id, own_prompt, own_aspect, conversation, billed, matrix_values)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        rows,
    )
    return batch_id
