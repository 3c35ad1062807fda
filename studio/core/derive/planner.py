"""Turns a DeriveOrder into a BatchPlan: the parents' exact bytes, the words, the lineage."""

from __future__ import annotations

from dataclasses import dataclass

from studio.core.catalog import Catalog, CatalogError, ModelSpec
from studio.core.derive.conversation import (
    MAX_ANSWERS,
    MAX_INLINE_BYTES,
    continuation,
    first_turn,
    inline_bytes,
    resolve,
    trim,
)
from studio.core.derive.instructions import (
    PAST_TENSE,
    edit_text,
    refine_instruction,
    refine_text,
    vary_instruction,
    vary_text,
)
from studio.core.derive.order import MAX_RESULTS, DeriveOrder
from studio.core.domain import (
    Derivation,
    GenerationRequest,
    ImagePart,
    ReferenceImage,
    SlotStatus,
    TextPart,
    Turn,
)
from studio.core.engine.batch import SEED_LIMIT, BatchPlan, check_text, random_seeds
from studio.core.library import BatchRecord, DraftRecord, Library, LibraryError
from studio.core.library.records import SlotOrigin
from studio.core.library.turns import ImageRef, TurnRef


class DerivationError(ValueError):
    """The order cannot be sent; the message is one sentence for the user."""


@dataclass(frozen=True, slots=True)
class _Slot:
    parent: DraftRecord
    seed: int
    request: GenerationRequest
    conversation: tuple[TurnRef, ...]


def _parents(library: Library, ids: tuple[int, ...], kind: Derivation) -> list[DraftRecord]:
    if not ids:
        raise DerivationError("Choose at least one draft.")
    parents = []
    for draft_id in dict.fromkeys(ids):
        try:
            draft = library.get(draft_id)
        except LibraryError as exc:
            raise DerivationError(str(exc)) from None
        if draft.status != SlotStatus.SUCCEEDED or draft.path is None:
            raise DerivationError(
                f"Draft {draft_id} has no image ({draft.status}); only a finished image "
                f"can be {PAST_TENSE[kind]}."
            )
        parents.append(draft)
    return parents


def _check(order: DeriveOrder, instruction: str) -> None:
    if not 1 <= order.count <= MAX_RESULTS:
        raise DerivationError(f"The count must be between 1 and {MAX_RESULTS} per draft.")
    if order.kind == Derivation.EDIT and not instruction:
        raise DerivationError("Say what to change: the edit instruction is empty.")
    try:
        check_text(instruction, "instruction")
    except ValueError as exc:
        raise DerivationError(str(exc)) from None


def _model(
    order: DeriveOrder, catalog: Catalog, parents: list[DraftRecord]
) -> tuple[ModelSpec, str]:
    try:
        model = order.model_for(catalog, parents[0])
        size = order.size_for(model, parents[0])
        for parent in parents:
            catalog.validate(model.id, parent.aspect, size)
    except CatalogError as exc:
        raise DerivationError(str(exc)) from None
    if order.sends_image and model.max_reference_images < 1:
        raise DerivationError(
            f"{model.label} cannot take input images, so it cannot {order.kind.value} drafts."
        )
    return model, size


def _image(library: Library, parent: DraftRecord) -> ReferenceImage:
    try:
        image = library.read_image(parent)
    except LibraryError as exc:
        raise DerivationError(str(exc)) from None
    if len(image.data) > MAX_INLINE_BYTES:
        megabytes = len(image.data) / 1_000_000
        raise DerivationError(
            f"The image of draft {parent.id} is {megabytes:.0f} MB, more than one request "
            "can carry; export it smaller and generate from it as a reference."
        )
    return ReferenceImage(image.data, image.mime_type, f"draft {parent.id}")


def _history(
    library: Library, parent: DraftRecord, model: ModelSpec
) -> tuple[tuple[TurnRef, ...], tuple[Turn, ...]]:
    """The chain to continue (as stored, and read), or nothing for a one-turn edit. Only the
    model that drew the image continues its own conversation: the signatures are its own
    reasoning, which another model cannot resume, so after a switch of model the image goes
    as a plain input instead. A chain too large to send is shortened from its start."""
    if parent.model != model.id:
        return (), ()
    turns = continuation(library, parent)
    for answers in range(MAX_ANSWERS, 0, -1):
        if turns is None:
            break
        kept = trim(turns, answers)
        try:
            resolved = resolve(library, kept)
        except LibraryError:
            break  # an earlier image is gone: start afresh from this one
        if inline_bytes(resolved) <= MAX_INLINE_BYTES:
            return kept, resolved
    return (), ()


def _slots(
    order: DeriveOrder,
    library: Library,
    parent: DraftRecord,
    model: ModelSpec,
    size: str,
    instruction: str,
) -> list[_Slot]:
    if order.kind == Derivation.REFINE:
        seeds = tuple((parent.seed + i) % SEED_LIMIT for i in range(order.count))
    else:
        seeds = random_seeds(order.count)
    history: tuple[TurnRef, ...] = ()
    resolved: tuple[Turn, ...] = ()
    references: tuple[ReferenceImage, ...] = ()
    if order.kind == Derivation.REFINE and order.rerender:
        text = parent.prompt
        turn = TurnRef("user", (TextPart(text),))
    else:
        if order.kind == Derivation.EDIT:
            history, resolved = _history(library, parent, model)
            text = edit_text(instruction, continues=bool(history))
        elif order.kind == Derivation.REFINE:
            text = refine_text(parent.prompt, instruction)
        else:
            text = vary_text(parent.prompt, order.strength)
        if history:
            turn = TurnRef("user", (TextPart(text),))
        else:
            references = (_image(library, parent),)
            turn = TurnRef("user", (TextPart(text), ImageRef(parent.id)))
    return [
        _Slot(
            parent,
            seed,
            GenerationRequest(
                prompt=text,
                model=model.id,
                aspect=parent.aspect,
                size=size,
                seed=seed,
                references=references,
                history=resolved,
            ),
            (*history, turn),
        )
        for seed in seeds
    ]


def plan_derivation(order: DeriveOrder, library: Library, catalog: Catalog) -> BatchPlan:
    """Reads the parents from the library (blocking file reads: not on the GUI thread) and
    plans one batch; DerivationError says in one sentence why it cannot be sent."""
    parents = _parents(library, order.parent_ids, order.kind)
    instruction = (
        refine_instruction(order.instruction)
        if order.kind == Derivation.REFINE
        else vary_instruction(order.strength)
        if order.kind == Derivation.VARY
        else (order.instruction or "").strip()
    )
    _check(order, instruction)
    model, size = _model(order, catalog, parents)
    slots = [
        slot
        for parent in parents
        for slot in _slots(order, library, parent, model, size, instruction)
    ]
    first = parents[0]
    record = BatchRecord(
        prompt=first.prompt,
        model=model.id,
        aspect=first.aspect,
        size=size,
        seeds=tuple(s.seed for s in slots),
        derivation=order.kind,
        instruction=None if order.kind == Derivation.REFINE and order.rerender else instruction,
        origins=tuple(
            SlotOrigin(s.parent.id, s.parent.prompt, s.parent.aspect, s.conversation) for s in slots
        ),
    )
    return BatchPlan(record, tuple(s.request for s in slots), model.price(size))


def rebuild_request(library: Library, draft: DraftRecord) -> GenerationRequest:
    """What a retry sends: the draft's turns again, bytes and signatures as they were."""
    turns = library.family.conversation(draft.id) or (first_turn(library, draft),)
    resolved = resolve(library, turns)
    last = resolved[-1]
    text = " ".join(p.text for p in last.parts if isinstance(p, TextPart))
    images = tuple(
        ReferenceImage(p.data, p.mime_type, "input image")
        for p in last.parts
        if isinstance(p, ImagePart)
    )
    return GenerationRequest(
        text, draft.model, draft.aspect, draft.size, draft.seed, images, history=resolved[:-1]
    )
