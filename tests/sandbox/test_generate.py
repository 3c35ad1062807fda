"""Images and fault shapes as the real google-genai SDK sees them."""

from __future__ import annotations

import io
import json

import httpx2
import pytest
from google import genai
from google.genai import errors, types
from PIL import Image

from studio.sandbox import Fault, SandboxConfig, SandboxServer
from studio.sandbox.images import SOFTWARE_TAG
from tests.sandbox.conftest import eventually, generate, image_config, make_client


def _png(response: types.GenerateContentResponse, index: int = 0) -> bytes:
    assert response.parts is not None
    blob = response.parts[index].inline_data
    assert blob is not None
    assert blob.data is not None
    assert blob.mime_type == "image/png"
    return blob.data


async def test_image_has_the_real_size_and_depends_only_on_prompt_and_seed(sandbox, client):
    sandbox.config.pixel_scale = 1.0
    config = image_config("16:9", "1K", seed=7)

    first = await generate(client, "a red fox", config)
    again = await generate(client, "a red fox", config)
    other_seed = await generate(client, "a red fox", image_config("16:9", "1K", seed=8))

    image = Image.open(io.BytesIO(_png(first)))
    assert image.size == (1344, 768)
    assert image.format == "PNG"
    assert image.info["Software"] == SOFTWARE_TAG
    assert _png(again) == _png(first)
    assert _png(other_seed) != _png(first)
    assert first.candidates is not None
    assert first.candidates[0].finish_reason == types.FinishReason.STOP
    assert first.model_version == "gemini-3.1-flash-lite-image"
    assert first.response_id
    assert first.response_id != again.response_id
    usage = first.usage_metadata
    assert usage is not None
    assert usage.candidates_tokens_details is not None
    assert usage.prompt_token_count == 3
    assert usage.candidates_token_count == 1120
    assert usage.candidates_tokens_details[0].modality == types.MediaModality.IMAGE
    assert usage.thoughts_token_count is None


async def test_requests_without_a_seed_get_different_images(client):
    first = await generate(client, "a red fox", image_config(seed=None))
    second = await generate(client, "a red fox", image_config(seed=None))

    assert _png(first) != _png(second)


@pytest.mark.parametrize(
    ("model", "size", "tokens", "pixels"),
    [
        ("gemini-3.1-flash-image", "512", 560, (512, 512)),
        ("gemini-3.1-flash-image", "2K", 1680, (2048, 2048)),
        ("gemini-3-pro-image-preview", "4K", 2520, (4096, 4096)),
    ],
)
async def test_size_sets_pixels_and_image_tokens(sandbox, client, model, size, tokens, pixels):
    sandbox.config.pixel_scale = 1 / 64

    response = await generate(client, config=image_config("1:1", size), model=model)

    image = Image.open(io.BytesIO(_png(response)))
    assert image.size == (pixels[0] // 64, pixels[1] // 64)
    assert response.usage_metadata is not None
    assert response.usage_metadata.candidates_token_count == tokens


@pytest.mark.parametrize(
    ("fault", "error_type", "code", "status"),
    [
        (Fault.RATE_LIMIT, errors.ClientError, 429, "RESOURCE_EXHAUSTED"),
        (Fault.DAILY_QUOTA, errors.ClientError, 429, "RESOURCE_EXHAUSTED"),
        (Fault.OVERLOADED, errors.ServerError, 503, "UNAVAILABLE"),
        (Fault.INTERNAL, errors.ServerError, 500, "INTERNAL"),
        (Fault.DEADLINE, errors.ServerError, 504, "DEADLINE_EXCEEDED"),
    ],
)
async def test_error_faults_raise_the_sdk_errors(sandbox, client, fault, error_type, code, status):
    sandbox.script(fault)

    with pytest.raises(error_type) as caught:
        await generate(client)

    assert caught.value.code == code
    assert caught.value.status == status
    assert sandbox.stats.faults_served[fault] == 1


async def test_rate_limit_fault_carries_retry_info_and_a_per_minute_quota(sandbox, client):
    sandbox.config.fault_retry_delay_s = 0.25
    sandbox.script(Fault.RATE_LIMIT)

    with pytest.raises(errors.ClientError) as caught:
        await generate(client)

    details = _details_by_type(caught.value)
    assert details["RetryInfo"]["retryDelay"] == "0.250s"
    assert "PerMinute" in details["QuotaFailure"]["violations"][0]["quotaId"]


async def test_daily_quota_fault_names_a_per_day_quota_and_no_retry_delay(sandbox, client):
    sandbox.script(Fault.DAILY_QUOTA)

    with pytest.raises(errors.ClientError) as caught:
        await generate(client)

    details = _details_by_type(caught.value)
    assert "RetryInfo" not in details
    assert "PerDay" in details["QuotaFailure"]["violations"][0]["quotaId"]
    assert "daily" in (caught.value.message or "")


def _details_by_type(error: errors.APIError) -> dict[str, dict]:
    return {d["@type"].rsplit(".", 1)[-1]: d for d in error.details["error"]["details"]}


async def test_overloaded_uses_the_live_message(sandbox, client):
    sandbox.script(Fault.OVERLOADED)

    with pytest.raises(errors.ServerError) as caught:
        await generate(client)

    assert caught.value.message == "The model is overloaded. Please try again later."


async def test_prompt_block_has_no_candidates(sandbox, client):
    sandbox.script(Fault.PROMPT_BLOCK)

    response = await generate(client)

    assert response.candidates is None
    assert response.parts is None
    assert response.prompt_feedback is not None
    assert response.prompt_feedback.block_reason == types.BlockedReason.PROHIBITED_CONTENT


@pytest.mark.parametrize(
    ("fault", "reason", "has_text"),
    [
        (Fault.IMAGE_SAFETY, types.FinishReason.IMAGE_SAFETY, False),
        (Fault.NO_IMAGE, types.FinishReason.NO_IMAGE, True),
    ],
)
async def test_withheld_image_shapes(sandbox, client, fault, reason, has_text):
    sandbox.script(fault)

    response = await generate(client)

    assert response.candidates is not None
    assert response.candidates[0].finish_reason == reason
    if has_text:
        assert response.parts is not None
        assert all(part.inline_data is None for part in response.parts)
        assert response.text
    else:
        assert response.parts is None


async def test_duplicate_gives_two_identical_image_parts(sandbox, client):
    sandbox.script(Fault.DUPLICATE)

    response = await generate(client)

    assert response.parts is not None
    assert len(response.parts) == 2
    assert _png(response, 0) == _png(response, 1)
    assert response.usage_metadata is not None
    assert response.usage_metadata.candidates_token_count == 2240


async def test_thought_part_comes_before_the_final_image(sandbox, client):
    sandbox.script(Fault.THOUGHT)

    response = await generate(client)

    assert response.parts is not None
    assert len(response.parts) == 2
    interim, final = response.parts
    assert interim.thought is True
    assert not final.thought
    assert final.thought_signature
    assert _png(response, 0) != _png(response, 1)


async def test_text_note_comes_with_the_image(sandbox, client):
    sandbox.script(Fault.TEXT_NOTE)

    response = await generate(client)

    assert response.parts is not None
    assert len(response.parts) == 2
    assert response.parts[0].text == "Here is your image."
    assert _png(response, 1)


async def test_malformed_body_fails_to_parse(sandbox, client):
    sandbox.script(Fault.MALFORMED)

    with pytest.raises(json.JSONDecodeError):
        await generate(client)


async def test_drop_closes_the_connection_without_an_answer(sandbox, client):
    sandbox.script(Fault.DROP)

    with pytest.raises(httpx2.TransportError):
        await generate(client)


async def test_hang_trips_the_client_timeout_and_the_server_lets_go(sandbox):
    sandbox.script(Fault.HANG)
    impatient = make_client(sandbox.base_url, timeout_ms=300)
    try:
        with pytest.raises(httpx2.TimeoutException):
            await generate(impatient)
    finally:
        await impatient.aio.aclose()

    assert await eventually(lambda: sandbox.stats.in_flight == 0)


async def test_script_applies_to_the_next_requests_in_order(sandbox, client):
    sandbox.script(Fault.OVERLOADED, Fault.PROMPT_BLOCK)

    with pytest.raises(errors.ServerError):
        await generate(client)
    blocked = await generate(client)
    normal = await generate(client)

    assert blocked.prompt_feedback is not None
    assert normal.parts is not None


async def test_prompt_marker_forces_its_fault_every_time(client):
    for _ in range(2):
        with pytest.raises(errors.ServerError) as caught:
            await generate(client, "a cat [sandbox:503]")
        assert caught.value.code == 503

    blocked = await generate(client, "[sandbox:block] a cat")
    assert blocked.prompt_feedback is not None


async def test_unknown_marker_is_rejected_with_the_known_names(client):
    with pytest.raises(errors.ClientError) as caught:
        await generate(client, "a cat [sandbox:nope]")

    assert caught.value.code == 400
    assert "image-safety" in (caught.value.message or "")


async def test_fault_rates_use_the_seeded_dice_and_can_change_at_run_time(sandbox, client):
    sandbox.config.fault_rates = {Fault.OVERLOADED: 1.0}
    with pytest.raises(errors.ServerError):
        await generate(client)

    sandbox.config.fault_rates = {}
    assert (await generate(client)).parts is not None


async def test_same_seed_gives_the_same_fault_sequence():
    outcomes = []
    for _ in range(2):
        config = SandboxConfig(pixel_scale=0.01, fault_rates={Fault.PROMPT_BLOCK: 0.5}, seed=3)
        with SandboxServer(config) as server:
            sdk = make_client(server.base_url)
            runs = [await generate(sdk) for _ in range(8)]
            await sdk.aio.aclose()
        outcomes.append([r.prompt_feedback is None for r in runs])

    assert outcomes[0] == outcomes[1]
    assert len(set(outcomes[0])) == 2


async def test_thinking_level_adds_thought_tokens(client):
    config = image_config(
        thinking_config=types.ThinkingConfig(thinking_level=types.ThinkingLevel.MINIMAL)
    )

    response = await generate(client, config=config)

    assert response.usage_metadata is not None
    assert response.usage_metadata.thoughts_token_count


async def test_reference_images_are_counted_and_set_the_default_ratio(sandbox, client):
    reference = io.BytesIO()
    Image.new("RGB", (160, 90), "teal").save(reference, "PNG")
    part = types.Part.from_bytes(data=reference.getvalue(), mime_type="image/png")
    sandbox.config.pixel_scale = 0.1

    response = await generate(client, ["make it pink", part], image_config(aspect=None))

    assert response.usage_metadata is not None
    assert response.usage_metadata.prompt_token_count == 3 + 258
    assert Image.open(io.BytesIO(_png(response))).size == (134, 77)


async def test_undecodable_reference_image_is_rejected(client):
    part = types.Part.from_bytes(data=b"\xfb\xff\xfe not an image", mime_type="image/png")

    with pytest.raises(errors.ClientError) as caught:
        await generate(client, ["make it pink", part])

    assert caught.value.code == 400
    assert "input image 1" in (caught.value.message or "")


async def test_client_can_be_reused_across_faults(sandbox):
    sdk: genai.Client = make_client(sandbox.base_url)
    sandbox.script(Fault.DROP, Fault.OVERLOADED)
    with pytest.raises(httpx2.TransportError):
        await generate(sdk)
    with pytest.raises(errors.ServerError):
        await generate(sdk)

    assert (await generate(sdk)).parts is not None
    await sdk.aio.aclose()
