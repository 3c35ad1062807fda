"""Refine, edit and vary through the real engine and SDK against the sandbox: what each sends
(the parent's exact bytes, model, size, aspect, words), the lineage it records, edit chains
with their thought signatures (also across a restart), cost and budget caps."""

from __future__ import annotations

import base64
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from studio.core.catalog import DRAFT_MODEL, Catalog
from studio.core.derive import (
    DEFAULT_REFINE_INSTRUCTION,
    DerivationError,
    DeriveOrder,
    Strength,
    plan_derivation,
    rebuild_request,
)
from studio.core.domain import (
    Derivation,
    ErrorKind,
    FailedOutcome,
    GenerationRequest,
    ImagePart,
    ImagesOutcome,
    SlotStatus,
    TextPart,
    Turn,
)
from studio.core.engine import JobEngine
from studio.core.gemini import GeminiAdapter
from studio.core.library import DraftRecord, Library
from studio.sandbox import SandboxConfig, SandboxServer
from studio.sandbox.signatures import sign
from tests.core.conftest import FAST_RETRY, SMALL, spec

FLASH = "gemini-3.1-flash-image"
PRO = "gemini-3-pro-image-preview"


async def generate(engine: JobEngine, prompt: str = "a paper boat", **fields: Any) -> DraftRecord:
    fields.setdefault("aspect", "16:9")
    (draft,) = engine.submit(spec(prompt, **fields))
    await engine.wait_idle()
    finished = engine.library.get(draft.id)
    assert finished.status == SlotStatus.SUCCEEDED, finished
    return finished


async def derive(engine: JobEngine, order: DeriveOrder) -> list[DraftRecord]:
    drafts = engine.submit_plan(plan_derivation(order, engine.library, engine.catalog))
    await engine.wait_idle()
    return [engine.library.get(d.id) for d in drafts]


def generate_bodies(sandbox: SandboxServer) -> list[dict[str, Any]]:
    return [r.body for r in sandbox.requests if r.body is not None and ":generateContent" in r.path]


def inline(part: dict[str, Any]) -> bytes | None:
    blob = part.get("inlineData") or part.get("inline_data")
    return base64.urlsafe_b64decode(blob["data"]) if blob else None


def signature(part: dict[str, Any]) -> bytes | None:
    raw = part.get("thoughtSignature") or part.get("thought_signature")
    return base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)) if raw else None


def model_of(path: str) -> str:
    return path.rsplit("/", 1)[-1].split(":")[0]


def size_of(draft: DraftRecord) -> tuple[int, int]:
    assert draft.path is not None
    with Image.open(draft.path) as image:
        return image.size


@pytest.fixture
def engine(engine_factory):
    made, _ = engine_factory()
    return made


async def test_refine_sends_the_parents_exact_bytes_to_the_stronger_model(engine, sandbox):
    parent = await generate(engine)
    assert parent.path is not None
    (child,) = await derive(engine, DeriveOrder(Derivation.REFINE, (parent.id,)))

    request = sandbox.requests[-1]
    assert model_of(request.path) == FLASH
    body = request.body
    assert body is not None
    (content,) = body["contents"]
    text, image = content["parts"]
    assert inline(image) == parent.path.read_bytes()
    assert DEFAULT_REFINE_INSTRUCTION in text["text"]
    assert parent.prompt in text["text"]
    assert body["generationConfig"]["imageConfig"] == {"aspectRatio": "16:9", "imageSize": "2K"}
    assert body["generationConfig"]["seed"] == parent.seed

    assert child.status == SlotStatus.SUCCEEDED
    assert (child.parent_id, child.derivation) == (parent.id, Derivation.REFINE)
    assert child.instruction == DEFAULT_REFINE_INSTRUCTION
    assert (child.model, child.size, child.aspect, child.prompt) == (
        FLASH,
        "2K",
        "16:9",
        parent.prompt,
    )
    # 2K is twice the 1K pixels, at the sandbox's small scale.
    assert size_of(child)[0] == pytest.approx(2 * size_of(parent)[0], abs=2)


async def test_refine_instruction_replaces_or_extends_the_default(engine, sandbox):
    parent = await generate(engine)
    (replaced,) = await derive(
        engine, DeriveOrder(Derivation.REFINE, (parent.id,), instruction="only fix the hands")
    )
    assert replaced.instruction == "only fix the hands"
    (extended,) = await derive(
        engine, DeriveOrder(Derivation.REFINE, (parent.id,), instruction="+ warmer light")
    )
    assert extended.instruction == f"{DEFAULT_REFINE_INSTRUCTION} warmer light"
    text = generate_bodies(sandbox)[-1]["contents"][0]["parts"][0]["text"]
    assert text.endswith(parent.prompt)
    assert "warmer light" in text


async def test_rerender_sends_the_prompt_and_seed_alone(engine, sandbox):
    parent = await generate(engine)
    (child,) = await derive(
        engine, DeriveOrder(Derivation.REFINE, (parent.id,), model=PRO, size="4K", rerender=True)
    )
    body = generate_bodies(sandbox)[-1]
    assert body["contents"] == [{"parts": [{"text": parent.prompt}], "role": "user"}]
    assert body["generationConfig"]["seed"] == parent.seed
    assert body["generationConfig"]["imageConfig"]["imageSize"] == "4K"
    assert (child.model, child.derivation, child.instruction) == (PRO, Derivation.REFINE, None)


async def test_refining_a_selection_makes_one_batch_with_each_parent(engine, sandbox):
    square = await generate(engine, "a kite", aspect="1:1")
    wide = await generate(engine, "a paper boat", aspect="16:9")
    children = await derive(engine, DeriveOrder(Derivation.REFINE, (square.id, wide.id)))
    assert len({c.batch_id for c in children}) == 1
    assert [(c.parent_id, c.prompt, c.aspect) for c in children] == [
        (square.id, "a kite", "1:1"),
        (wide.id, "a paper boat", "16:9"),
    ]
    sent = [b["generationConfig"]["imageConfig"]["aspectRatio"] for b in generate_bodies(sandbox)]
    assert sent[-2:] == ["1:1", "16:9"]


async def test_vary_sends_the_image_with_new_seeds(engine, sandbox):
    parent = await generate(engine)
    assert parent.path is not None
    children = await derive(
        engine, DeriveOrder(Derivation.VARY, (parent.id,), count=3, strength=Strength.STRONG)
    )
    assert len(children) == 3
    assert len({c.seed for c in children} | {parent.seed}) == 4
    assert all(c.derivation == Derivation.VARY and c.parent_id == parent.id for c in children)
    assert all(c.model == parent.model and c.size == "1K" for c in children)
    for body in generate_bodies(sandbox)[-3:]:
        text, image = body["contents"][0]["parts"]
        assert inline(image) == parent.path.read_bytes()
        assert "bold variation" in text["text"]
    assert len({c.path.read_bytes() for c in children if c.path}) == 3  # visibly different


async def test_edit_on_the_same_model_continues_the_conversation(engine, sandbox, library):
    parent = await generate(engine)
    assert parent.path is not None
    (child,) = await derive(
        engine, DeriveOrder(Derivation.EDIT, (parent.id,), instruction="make the sail red")
    )
    body = generate_bodies(sandbox)[-1]
    asked, answered, instruction = body["contents"]
    assert (asked["role"], answered["role"], instruction["role"]) == ("user", "model", "user")
    assert asked["parts"] == [{"text": parent.prompt}]
    assert instruction["parts"] == [{"text": "make the sail red"}]
    (image,) = answered["parts"]
    assert inline(image) == parent.path.read_bytes()
    # Sent back byte for byte as the sandbox issued it with the parent.
    assert signature(image) == sign(parent.path.read_bytes())
    assert child.status == SlotStatus.SUCCEEDED
    assert (child.parent_id, child.derivation, child.instruction) == (
        parent.id,
        Derivation.EDIT,
        "make the sail red",
    )
    assert child.model == parent.model


async def test_an_edit_of_an_edit_continues_from_the_latest_image(engine, sandbox):
    parent = await generate(engine)
    (first,) = await derive(
        engine, DeriveOrder(Derivation.EDIT, (parent.id,), instruction="red sail")
    )
    (second,) = await derive(
        engine, DeriveOrder(Derivation.EDIT, (first.id,), instruction="add a moon")
    )
    assert first.path is not None
    assert second.parent_id == first.id
    roles_and_texts = [
        (c["role"], [p.get("text") for p in c["parts"]])
        for c in generate_bodies(sandbox)[-1]["contents"]
    ]
    assert [role for role, _ in roles_and_texts] == ["user", "model", "user", "model", "user"]
    assert roles_and_texts[2][1] == ["red sail"]
    assert roles_and_texts[-1][1] == ["add a moon"]
    latest = generate_bodies(sandbox)[-1]["contents"][3]["parts"]
    # The derived answer carries a signed text part, then the image, both sent back.
    text, image = latest
    assert text["text"] == "Here is the edited image."
    assert signature(text) == sign(text["text"].encode())
    assert inline(image) == first.path.read_bytes()
    assert signature(image) == sign(first.path.read_bytes())


async def test_an_edit_chain_continues_after_a_restart(tmp_path: Path, catalog: Catalog):
    root = tmp_path / "library"

    async def session(action) -> tuple[Any, SandboxServer]:
        with (
            SandboxServer(SandboxConfig(pixel_scale=SMALL)) as server,
            Library.open(root) as library,
        ):
            adapter = GeminiAdapter("k", catalog=catalog, base_url=server.base_url, timeout_s=5)
            engine = JobEngine(adapter, library, catalog=catalog, retry=FAST_RETRY)
            try:
                return await action(engine), server
            finally:
                await engine.aclose()
                await adapter.aclose()

    parent, _ = await session(generate)
    edited, _ = await session(
        lambda e: derive(e, DeriveOrder(Derivation.EDIT, (parent.id,), instruction="red sail"))
    )
    # A new process, a new sandbox: the stored turns and signatures are all it has.
    (again,), server = await session(
        lambda e: derive(e, DeriveOrder(Derivation.EDIT, (edited[0].id,), instruction="a moon"))
    )
    assert again.status == SlotStatus.SUCCEEDED
    body = [r.body for r in server.requests if r.body][-1]
    assert [c["role"] for c in body["contents"]] == ["user", "model", "user", "model", "user"]


async def test_an_edit_on_another_model_sends_the_image_as_input(engine, sandbox):
    parent = await generate(engine)
    assert parent.path is not None
    (child,) = await derive(
        engine, DeriveOrder(Derivation.EDIT, (parent.id,), instruction="warmer", model=FLASH)
    )
    (content,) = generate_bodies(sandbox)[-1]["contents"]
    text, image = content["parts"]
    assert text["text"] == "Edit this image: warmer"
    assert inline(image) == parent.path.read_bytes()
    assert signature(image) is None
    assert (child.model, child.size) == (FLASH, "1K")


async def test_a_library_answer_without_signatures_is_edited_in_one_turn(engine, sandbox, library):
    parent = await generate(engine)
    library._db.execute("UPDATE drafts SET model_turn = NULL WHERE id = ?", (parent.id,))
    await derive(engine, DeriveOrder(Derivation.EDIT, (parent.id,), instruction="warmer"))
    (content,) = generate_bodies(sandbox)[-1]["contents"]
    assert content["role"] == "user"


async def test_retrying_a_derived_draft_sends_its_turns_again(engine, sandbox, library):
    parent = await generate(engine)
    (child,) = await derive(engine, DeriveOrder(Derivation.EDIT, (parent.id,), instruction="red"))
    first_send = generate_bodies(sandbox)[-1]
    library.mark_finished(child.id, SlotStatus.FAILED, kind="server_error", message="x")
    engine.retry(child.id, lambda d: rebuild_request(library, d))
    await engine.wait_idle()
    assert library.get(child.id).status == SlotStatus.SUCCEEDED
    assert generate_bodies(sandbox)[-1]["contents"] == first_send["contents"]


async def test_cost_before_sending_and_budget_caps(engine_factory, sandbox, library):
    engine, _ = engine_factory()
    parent = await generate(engine)
    plan = plan_derivation(
        DeriveOrder(Derivation.VARY, (parent.id,), count=5), library, engine.catalog
    )
    assert (plan.count, plan.unit_price) == (5, 0.0336)
    assert plan.total_price == pytest.approx(0.168)
    refine = plan_derivation(
        DeriveOrder(Derivation.REFINE, (parent.id,), model=PRO, size="4K"), library, engine.catalog
    )
    assert refine.estimate_json("Nano Banana Pro", True)["total_usd"] == 0.24

    capped, _ = engine_factory(session_budget_usd=0.25)  # two 2K refines fit, a third does not
    drafts = capped.submit_plan(
        plan_derivation(
            DeriveOrder(Derivation.REFINE, (parent.id,), count=3), library, capped.catalog
        )
    )
    await capped.wait_idle(until_stalled=True)
    assert capped.pause_reason is not None
    assert capped.pause_reason.kind == "budget"
    done = [library.get(d.id) for d in drafts]
    assert sum(d.status == SlotStatus.SUCCEEDED for d in done) == 2
    assert capped.budget.session_spent <= 0.25


async def test_trashing_a_parent_keeps_its_children(engine, library):
    parent = await generate(engine)
    (child,) = await derive(engine, DeriveOrder(Derivation.VARY, (parent.id,)))
    (grandchild,) = await derive(engine, DeriveOrder(Derivation.REFINE, (child.id,)))
    library.set_deleted(parent.id, True)
    assert [d.id for d in library.family.descendants(parent.id)] == [child.id, grandchild.id]
    assert [d.id for d in library.family.ancestors(grandchild.id)] == [parent.id, child.id]
    assert library.get(child.id).parent_id == parent.id
    assert [d.id for d in library.list_drafts()] == [grandchild.id, child.id]
    # A trashed draft can still be taken further: it is the user's to decide.
    await derive(engine, DeriveOrder(Derivation.VARY, (parent.id,)))


@pytest.mark.parametrize(
    ("order", "words"),
    [
        (DeriveOrder(Derivation.REFINE, (999,)), "There is no draft with id 999."),
        (DeriveOrder(Derivation.EDIT, (1,), instruction="  "), "the edit instruction is empty"),
        (DeriveOrder(Derivation.REFINE, (1,), size="512", model=PRO), "does not make 512"),
        (DeriveOrder(Derivation.VARY, (1,), count=0), "between 1 and 50"),
        (
            DeriveOrder(Derivation.EDIT, (1,), instruction="AIza" + "x" * 35),
            "looks like an API key",
        ),
        (DeriveOrder(Derivation.REFINE, ()), "Choose at least one draft."),
    ],
)
async def test_bad_orders_are_refused_with_one_sentence(engine, library, order, words):
    await generate(engine)
    with pytest.raises(DerivationError, match=words):
        plan_derivation(order, library, engine.catalog)


async def test_unfinished_drafts_and_unsupported_shapes_are_refused(engine, library, sandbox):
    (running,) = engine.submit(spec("slow [sandbox:hang]"))
    with pytest.raises(DerivationError, match=r"Draft \d+ has no image \((queued|running)\)"):
        plan_derivation(DeriveOrder(Derivation.REFINE, (running.id,)), library, engine.catalog)
    engine.cancel_all()
    tall = await generate(engine, "a tower", aspect="1:4")
    with pytest.raises(DerivationError, match="Nano Banana Pro does not make 1:4 images"):
        plan_derivation(
            DeriveOrder(Derivation.REFINE, (tall.id,), model=PRO), library, engine.catalog
        )


async def test_a_model_without_image_input_cannot_edit(engine, library):
    parent = await generate(engine)
    blind = Catalog().with_overrides([{"id": FLASH, "max_reference_images": 0}])
    with pytest.raises(DerivationError, match="Nano Banana 2 cannot take input images"):
        plan_derivation(DeriveOrder(Derivation.REFINE, (parent.id,)), library, blind)
    # A re-render sends no image, so the same model still can.
    plan_derivation(DeriveOrder(Derivation.REFINE, (parent.id,), rerender=True), library, blind)


async def test_an_answer_sent_back_without_its_signatures_is_refused(adapter, sandbox):
    first = await adapter.generate(GenerationRequest("a boat", DRAFT_MODEL, "1:1", "1K"))
    assert isinstance(first, ImagesOutcome)
    (image,) = first.model_turn
    assert isinstance(image, ImagePart)
    assert image.signature == sign(image.data)

    def edit(answer: ImagePart) -> GenerationRequest:
        history = (Turn("user", (TextPart("a boat"),)), Turn("model", (answer,)))
        return GenerationRequest("red sail", DRAFT_MODEL, "1:1", "1K", history=history)

    unsigned = await adapter.generate(edit(replace(image, signature=None)))
    assert isinstance(unsigned, FailedOutcome)
    assert unsigned.kind == ErrorKind.BAD_ARGUMENT
    assert "Image part is missing a thought_signature in content position 2, part position 1" in (
        unsigned.message
    )
    flipped = image.signature[:-1] + bytes([image.signature[-1] ^ 0xFF])
    altered = await adapter.generate(edit(replace(image, signature=flipped)))
    assert isinstance(altered, FailedOutcome)
    assert "thought signature in content position 2, part position 1 is not valid" in (
        altered.message
    )
    assert isinstance(await adapter.generate(edit(image)), ImagesOutcome)
