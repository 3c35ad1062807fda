"""The sandbox's answers to derived work, and its thought signatures, through the real SDK."""

from __future__ import annotations

import io

import pytest
from google.genai import errors, types
from PIL import Image, ImageStat

from studio.core.catalog import DRAFT_MODEL
from studio.sandbox import SandboxServer
from studio.sandbox.signatures import sign
from tests.sandbox.conftest import generate, image_config


def _png(colour: str, size: tuple[int, int] = (64, 36)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def _answer(response: types.GenerateContentResponse) -> tuple[types.Part, ...]:
    assert response.candidates
    content = response.candidates[0].content
    assert content is not None
    assert content.parts
    return tuple(content.parts)


def _image(response: types.GenerateContentResponse) -> bytes:
    for part in _answer(response):
        if part.inline_data is not None and part.inline_data.data:
            return part.inline_data.data
    raise AssertionError("no image in the answer")


async def test_gemini_3_answers_are_signed_part_by_part(client):
    (image,) = _answer(await generate(client))
    assert image.inline_data is not None
    assert image.inline_data.data is not None
    assert image.thought_signature == sign(image.inline_data.data)


async def test_a_refine_request_answers_with_its_input_scaled_tinted_and_stamped(sandbox, client):
    sandbox.config.pixel_scale = 0.1
    source = _png("white")
    part = types.Part.from_bytes(data=source, mime_type="image/png")
    response = await generate(
        client,
        ["Render this image again at a higher quality. The image shows: a boat", part],
        image_config("16:9", "2K"),
        model="gemini-3.1-flash-image",
    )
    text, _ = _answer(response)
    assert text.text == "Here is the image again, at a higher resolution."
    assert text.thought_signature == sign(text.text.encode())
    with Image.open(io.BytesIO(_image(response))) as picture:
        assert picture.size == (269, 154)  # 2K 16:9 at a tenth
        red, _, blue = ImageStat.Stat(picture.convert("RGB")).mean
    assert blue > red  # white, tinted blue for REFINE


async def test_variations_differ_by_seed(client):
    part = types.Part.from_bytes(data=_png("gray"), mime_type="image/png")
    prompt = ["Make a subtle variation of this image.", part]
    first = await generate(client, prompt, image_config(seed=1))
    second = await generate(client, prompt, image_config(seed=2))
    assert _image(first) != _image(second)


def _continuing(answer: types.Part) -> list[types.Content]:
    return [
        types.Content(role="user", parts=[types.Part.from_text(text="a boat")]),
        types.Content(role="model", parts=[answer]),
        types.Content(role="user", parts=[types.Part.from_text(text="make the sail red")]),
    ]


async def test_a_conversation_continues_from_the_models_own_image(client):
    (image,) = _answer(await generate(client, "a boat"))
    response = await client.aio.models.generate_content(
        model=DRAFT_MODEL, contents=_continuing(image), config=image_config()
    )
    text, edited = _answer(response)
    assert text.text == "Here is the edited image."
    assert edited.inline_data is not None
    assert image.inline_data is not None
    assert edited.inline_data.data != image.inline_data.data


@pytest.mark.parametrize(
    ("strip", "message"),
    [
        (
            lambda part: part.model_copy(update={"thought_signature": None}),
            "Image part is missing a thought_signature in content position 2, part position 1.",
        ),
        (
            lambda part: part.model_copy(update={"thought_signature": b"forged"}),
            "the thought signature in content position 2, part position 1 is not valid",
        ),
        (
            lambda part: types.Part.from_text(text="Here it is."),
            "Text part is missing a thought_signature in content position 2, part position 1.",
        ),
    ],
)
async def test_an_answer_sent_back_without_its_signature_is_refused(client, strip, message):
    (image,) = _answer(await generate(client, "a boat"))
    with pytest.raises(errors.ClientError) as caught:
        await client.aio.models.generate_content(
            model=DRAFT_MODEL, contents=_continuing(strip(image)), config=image_config()
        )
    assert caught.value.code == 400
    assert caught.value.status == "INVALID_ARGUMENT"
    assert message in (caught.value.message or "")


async def test_a_plain_reference_still_guides_a_fresh_image(sandbox: SandboxServer, client):
    part = types.Part.from_bytes(data=_png("white"), mime_type="image/png")
    response = await generate(client, ["a cat like this one", part])
    (image,) = _answer(response)  # no derived note: a fresh image
    assert image.inline_data is not None
