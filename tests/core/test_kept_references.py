"""Reference images kept in the library by content, and sent again by a retry and an edit."""

from __future__ import annotations

import base64
import io
import sqlite3

from PIL import Image

from studio.core.catalog import Catalog
from studio.core.derive import DeriveOrder, plan_derivation, rebuild_request
from studio.core.domain import Derivation, ReferenceImage, SlotStatus
from studio.core.library import Library
from tests.core.conftest import spec


def reference(colour: str, name: str) -> ReferenceImage:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "PNG")
    return ReferenceImage(out.getvalue(), "image/png", name)


def inline_images(body: dict) -> list[bytes]:
    blobs = [
        p.get("inlineData") or p.get("inline_data") for c in body["contents"] for p in c["parts"]
    ]
    return [base64.urlsafe_b64decode(blob["data"]) for blob in blobs if blob]


def test_each_distinct_image_is_kept_once(library: Library, catalog: Catalog):
    sketch, mood = reference("teal", "sketch.png"), reference("orange", "mood.png")
    first = library.create_batch(spec(references=(sketch, mood)).plan(catalog).record)
    second = library.create_batch(spec(references=(sketch,)).plan(catalog).record)
    assert library.references.of_batch(first[0].batch_id) == (sketch, mood)
    assert library.references.of_batch(second[0].batch_id) == (sketch,)
    files = sorted(p for p in (library.root / "references").rglob("*") if p.is_file())
    assert len(files) == 2
    db = sqlite3.connect(library.root / "library.sqlite3")
    assert db.execute("SELECT COUNT(*) FROM reference_images").fetchone()[0] == 2


async def test_a_retry_sends_the_reference_images_again(engine_factory, sandbox, library):
    engine, _ = engine_factory()
    sketch = reference("teal", "sketch.png")
    (draft,) = engine.submit(spec("like this [sandbox:block]", references=(sketch,)))
    await engine.wait_idle()
    assert library.get(draft.id).status == SlotStatus.BLOCKED
    engine.retry(draft.id, lambda d: rebuild_request(library, d))
    await engine.wait_idle()
    bodies = [r.body for r in sandbox.requests if r.body and "contents" in r.body]
    assert inline_images(bodies[-1]) == [sketch.data]
    assert inline_images(bodies[-2]) == [sketch.data]


async def test_an_edit_of_a_draft_made_with_references_sends_them_in_its_first_turn(
    engine_factory, sandbox, library
):
    engine, _ = engine_factory()
    sketch = reference("teal", "sketch.png")
    (draft,) = engine.submit(spec("a boat like this", references=(sketch,)))
    await engine.wait_idle()
    order = DeriveOrder(Derivation.EDIT, (draft.id,), instruction="red sail")
    engine.submit_plan(plan_derivation(order, library, engine.catalog))
    await engine.wait_idle()
    body = [r.body for r in sandbox.requests if r.body and "contents" in r.body][-1]
    asked, answered, _ = body["contents"]
    assert asked["parts"][0] == {"text": "a boat like this"}
    assert inline_images({"contents": [asked]}) == [sketch.data]
    assert answered["role"] == "model"
