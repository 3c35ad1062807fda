"""The adapter against the sandbox through the real google-genai SDK: every outcome kind."""

from __future__ import annotations

import base64
import io
import socket

import pytest
from PIL import Image

from studio.core.catalog import DRAFT_MODEL, Catalog
from studio.core.domain import (
    BlockedOutcome,
    ErrorKind,
    FailedOutcome,
    GenerationRequest,
    ImagesOutcome,
    ReferenceImage,
)
from studio.core.gemini import GeminiAdapter
from studio.sandbox import Fault, SandboxServer


def request(prompt: str = "a lighthouse at dawn", **fields) -> GenerationRequest:
    fields.setdefault("model", DRAFT_MODEL)
    fields.setdefault("aspect", "16:9")
    fields.setdefault("size", "1K")
    return GenerationRequest(prompt=prompt, **fields)


async def failure(adapter: GeminiAdapter, prompt: str = "x", **fields) -> FailedOutcome:
    outcome = await adapter.generate(request(prompt, **fields))
    assert isinstance(outcome, FailedOutcome), outcome
    return outcome


async def test_image_arrives_with_metadata_and_cost(adapter, sandbox: SandboxServer):
    outcome = await adapter.generate(request(seed=42))
    assert isinstance(outcome, ImagesOutcome)
    (image,) = outcome.images
    with Image.open(io.BytesIO(image.data)) as decoded:
        assert decoded.format == "PNG"
        assert decoded.width > decoded.height  # 16:9 at the sandbox's small scale
    meta = outcome.meta
    assert meta.response_id
    assert meta.model_version == DRAFT_MODEL
    assert meta.image_tokens == 1120
    assert meta.billed_images == 1
    assert meta.cost_usd == pytest.approx(0.0336, abs=1e-4)
    assert meta.latency_s > 0
    body = sandbox.requests[-1].body
    assert body is not None
    config = body["generationConfig"]
    assert config["responseModalities"] == ["IMAGE"]
    assert config["candidateCount"] == 1
    assert config["seed"] == 42
    assert config["imageConfig"] == {"aspectRatio": "16:9", "imageSize": "1K"}


async def test_every_request_carries_a_timeout(adapter, sandbox: SandboxServer):
    await adapter.generate(request())
    headers = {k.lower(): v for k, v in sandbox.requests[-1].headers.items()}
    assert headers["x-server-timeout"] == "5"
    assert headers["x-goog-api-key"] == "<redacted>"  # the log hides it, but it was sent


async def test_reference_images_and_thinking_level_are_sent(adapter, sandbox: SandboxServer):
    png = io.BytesIO()
    Image.new("RGB", (40, 30), (250, 251, 254)).save(png, "PNG")
    reference = ReferenceImage(png.getvalue(), "image/png", "ref.png")
    outcome = await adapter.generate(
        request(references=(reference, reference), thinking_level="high")
    )
    assert isinstance(outcome, ImagesOutcome)
    body = sandbox.requests[-1].body
    assert body is not None
    parts = body["contents"][0]["parts"]
    inline = [p.get("inlineData") or p.get("inline_data") for p in parts[1:]]
    assert len(inline) == 2
    assert base64.urlsafe_b64decode(inline[0]["data"]) == png.getvalue()
    thinking = body["generationConfig"]["thinkingConfig"]
    assert (thinking.get("thinkingLevel") or thinking.get("thinking_level")) == "HIGH"
    assert outcome.meta.prompt_tokens > 2 * 258 - 1


async def test_thinking_level_is_left_out_where_the_model_has_none(adapter, sandbox):
    await adapter.generate(request(model="gemini-3-pro-image-preview", thinking_level="high"))
    body = sandbox.requests[-1].body
    assert body is not None
    assert "thinkingConfig" not in body["generationConfig"]


async def test_duplicate_parts_are_saved_once_but_billed_twice(adapter, sandbox):
    sandbox.script(Fault.DUPLICATE)
    outcome = await adapter.generate(request())
    assert isinstance(outcome, ImagesOutcome)
    assert len(outcome.images) == 1
    assert outcome.meta.billed_images == 2
    assert outcome.meta.cost_usd == pytest.approx(2 * 0.0336, abs=1e-4)


async def test_thought_images_are_skipped(adapter, sandbox):
    plain = await adapter.generate(request(seed=5))
    sandbox.script(Fault.THOUGHT)
    thinking = await adapter.generate(request(seed=5))
    assert isinstance(plain, ImagesOutcome)
    assert isinstance(thinking, ImagesOutcome)
    assert [i.data for i in thinking.images] == [i.data for i in plain.images]


async def test_text_note_is_kept_beside_the_image(adapter, sandbox):
    sandbox.script(Fault.TEXT_NOTE)
    outcome = await adapter.generate(request())
    assert isinstance(outcome, ImagesOutcome)
    assert outcome.text == "Here is your image."


@pytest.mark.parametrize(
    ("fault", "reason", "words"),
    [
        (Fault.PROMPT_BLOCK, "PROHIBITED_CONTENT", "not allow"),
        (Fault.IMAGE_SAFETY, "IMAGE_SAFETY", "withheld"),
        (Fault.NO_IMAGE, "NO_IMAGE", "without an image"),
    ],
)
async def test_safety_blocks_are_outcomes_not_errors(adapter, sandbox, fault, reason, words):
    sandbox.script(fault)
    outcome = await adapter.generate(request())
    assert isinstance(outcome, BlockedOutcome)
    assert outcome.reason == reason
    assert words in outcome.message
    assert outcome.message.endswith(".")


@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        (Fault.OVERLOADED, ErrorKind.OVERLOADED),
        (Fault.INTERNAL, ErrorKind.SERVER_ERROR),
        (Fault.DEADLINE, ErrorKind.TIMEOUT),
        (Fault.MALFORMED, ErrorKind.BAD_RESPONSE),
        (Fault.DROP, ErrorKind.NETWORK),
        (Fault.DAILY_QUOTA, ErrorKind.DAILY_QUOTA),
    ],
)
async def test_service_faults_map_to_kinds(adapter, sandbox, fault, kind):
    sandbox.script(fault)
    outcome = await failure(adapter)
    assert outcome.kind == kind
    assert outcome.message.endswith(".")
    assert "Traceback" not in outcome.message


async def test_rate_limit_carries_the_servers_retry_delay(adapter, sandbox):
    sandbox.config.fault_retry_delay_s = 7.25
    sandbox.script(Fault.RATE_LIMIT)
    outcome = await failure(adapter)
    assert outcome.kind == ErrorKind.RATE_LIMITED
    assert outcome.retry_after_s == pytest.approx(7.25)
    assert "7.25" in outcome.message


async def test_a_hanging_server_times_out(sandbox: SandboxServer, catalog):
    adapter = GeminiAdapter("k", catalog=catalog, base_url=sandbox.base_url, timeout_s=1)
    sandbox.script(Fault.HANG)
    try:
        outcome = await failure(adapter)
    finally:
        await adapter.aclose()
    assert outcome.kind == ErrorKind.TIMEOUT
    assert 0.9 < outcome.meta.latency_s < 4


async def test_nobody_listening_is_network_down(catalog):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    adapter = GeminiAdapter("k", catalog=catalog, base_url=f"http://127.0.0.1:{port}")
    try:
        outcome = await failure(adapter)
    finally:
        await adapter.aclose()
    assert outcome.kind == ErrorKind.NETWORK


@pytest.mark.parametrize(
    ("key", "kind"), [("invalid-key", ErrorKind.INVALID_KEY), ("noperm-key", ErrorKind.PERMISSION)]
)
async def test_key_problems(sandbox: SandboxServer, catalog, key, kind):
    adapter = GeminiAdapter(key, catalog=catalog, base_url=sandbox.base_url)
    try:
        outcome = await failure(adapter)
        checked = await adapter.check_key(DRAFT_MODEL)
    finally:
        await adapter.aclose()
    assert outcome.kind == kind
    assert checked is not None
    assert checked.kind == kind
    assert key not in outcome.message


async def test_check_key_passes_for_a_good_key(adapter):
    assert await adapter.check_key(DRAFT_MODEL) is None


async def test_unknown_model_on_the_service(sandbox: SandboxServer):
    edited = Catalog().with_overrides(
        [{**Catalog().get(DRAFT_MODEL).to_json(), "id": "gemini-9-imaginary-image"}]
    )
    adapter = GeminiAdapter("k", catalog=edited, base_url=sandbox.base_url)
    try:
        outcome = await failure(adapter, model="gemini-9-imaginary-image")
    finally:
        await adapter.aclose()
    assert outcome.kind == ErrorKind.MODEL_NOT_FOUND
    assert "gemini-9-imaginary-image" in outcome.message


async def test_bad_argument_keeps_the_servers_message(sandbox: SandboxServer):
    # A user edit of the model table claims Pro can do 1:8; the service says otherwise.
    pro = Catalog().get("gemini-3-pro-image-preview")
    edited = Catalog().with_overrides([{"id": pro.id, "ratios": [*pro.ratios, "1:8"]}])
    adapter = GeminiAdapter("k", catalog=edited, base_url=sandbox.base_url)
    try:
        outcome = await failure(adapter, model=pro.id, aspect="1:8")
    finally:
        await adapter.aclose()
    assert outcome.kind == ErrorKind.BAD_ARGUMENT
    assert "1:8" in outcome.message


async def test_unsupported_combination_is_refused_before_sending(adapter, sandbox):
    before = len(sandbox.requests)
    with pytest.raises(ValueError, match="does not make 4K images"):
        await adapter.generate(request(size="4K"))
    assert len(sandbox.requests) == before


async def test_base_url_comes_from_the_sdk_variable(sandbox, catalog, monkeypatch):
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", sandbox.base_url)
    adapter = GeminiAdapter("k", catalog=catalog)
    try:
        outcome = await adapter.generate(request())
    finally:
        await adapter.aclose()
    assert isinstance(outcome, ImagesOutcome)
