"""Turning the library's stored turns into the turns a request sends, bytes and signatures
exactly as they were, and choosing how much of an edit chain to send back."""

from __future__ import annotations

from studio.core.domain import ImagePart, Part, TextPart, Turn
from studio.core.library import DraftRecord, Library
from studio.core.library.turns import PartRef, ReferenceRef, TurnRef

# Each earlier image goes back inline; three answers keep the model on track without
# growing every request of a long chain. The service takes 20 MB per request in all.
MAX_ANSWERS = 3
MAX_INLINE_BYTES = 18_000_000


def resolve(library: Library, turns: tuple[TurnRef, ...]) -> tuple[Turn, ...]:
    """Reads every referenced image; LibraryError when one cannot be read."""
    images: dict[int, ImagePart] = {}

    def part(ref: PartRef) -> Part:
        if isinstance(ref, TextPart):
            return ref
        if isinstance(ref, ReferenceRef):
            given = library.references.by_sha(ref.sha256)
            return ImagePart(given.data, given.mime_type)
        if ref.draft_id not in images:
            images[ref.draft_id] = library.read_image(library.get(ref.draft_id))
        image = images[ref.draft_id]
        return ImagePart(image.data, image.mime_type, ref.signature)

    return tuple(Turn(turn.role, tuple(part(p) for p in turn.parts)) for turn in turns)


def inline_bytes(turns: tuple[Turn, ...]) -> int:
    return sum(len(p.data) for t in turns for p in t.parts if isinstance(p, ImagePart))


def continuation(library: Library, parent: DraftRecord) -> tuple[TurnRef, ...] | None:
    """The turns that made `parent`, then its answer: what an edit continuing from it sends
    before the new instruction. None when the answer was not kept (made before signatures
    were stored, or by a model that signs nothing)."""
    answer = library.family.answer(parent.id)
    if not answer:
        return None
    asked = library.family.conversation(parent.id) or (first_turn(library, parent),)
    return (*asked, TurnRef("model", answer))


def first_turn(library: Library, draft: DraftRecord) -> TurnRef:
    """What a fresh generation sent: its prompt, then its reference images."""
    references = library.references.shas_of_batch(draft.batch_id)
    return TurnRef("user", (TextPart(draft.prompt), *(ReferenceRef(s) for s in references)))


def trim(turns: tuple[TurnRef, ...], answers: int = MAX_ANSWERS) -> tuple[TurnRef, ...]:
    """The last `answers` exchanges: a user turn always comes first."""
    starts = [i for i, turn in enumerate(turns) if turn.role == "user"]
    model_turns = [i for i, turn in enumerate(turns) if turn.role == "model"]
    if len(model_turns) <= answers:
        return turns
    first_kept_answer = model_turns[-answers]
    start = max(i for i in starts if i < first_kept_answer)
    return turns[start:]
