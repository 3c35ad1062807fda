"""Routes, auth, validation, models, streaming and the request log."""

from __future__ import annotations

import base64
import io
import subprocess
import sys
from pathlib import Path

import httpx2
import pytest
from google.genai import errors, types
from PIL import Image

from studio.sandbox import SandboxServer
from studio.sandbox.records import REDACTED
from tests.sandbox.conftest import generate, image_config, make_client

_LITE = "gemini-3.1-flash-lite-image"
_PROJECT_ROOT = Path(__file__).resolve().parents[2]
_IMAGE_PROMPT = {"contents": [{"parts": [{"text": "a boat"}], "role": "user"}]}


async def _raw_post(sandbox: SandboxServer, path: str, body: object, **headers: str):
    async with httpx2.AsyncClient(base_url=sandbox.base_url) as http:
        return await http.post(path, json=body, headers=headers)


@pytest.mark.parametrize("prefix", ["", "/proxy"])
async def test_v1beta_and_a_path_prefix_are_served(sandbox, prefix):
    sdk = make_client(sandbox.base_url + prefix + "/", api_version="v1beta")
    try:
        response = await generate(sdk)
    finally:
        await sdk.aio.aclose()

    assert response.parts is not None
    assert sandbox.requests[-1].path == f"{prefix}/v1beta/models/{_LITE}:generateContent"


async def test_invalid_key_is_400_api_key_invalid(sandbox):
    sdk = make_client(sandbox.base_url, api_key="invalid-123")
    with pytest.raises(errors.ClientError) as caught:
        await generate(sdk)
    await sdk.aio.aclose()

    assert caught.value.code == 400
    assert caught.value.message == "API key not valid. Please pass a valid API key."
    assert caught.value.details["error"]["details"][0]["reason"] == "API_KEY_INVALID"


async def test_noperm_key_is_403(sandbox):
    sdk = make_client(sandbox.base_url, api_key="noperm-1")
    with pytest.raises(errors.ClientError) as caught:
        await sdk.aio.models.get(model=_LITE)
    await sdk.aio.aclose()

    assert caught.value.code == 403
    assert caught.value.status == "PERMISSION_DENIED"


async def test_missing_key_is_403_with_the_live_message(sandbox):
    response = await _raw_post(sandbox, f"/v1/models/{_LITE}:generateContent", _IMAGE_PROMPT)

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/json; charset=UTF-8"
    assert "unregistered callers" in response.json()["error"]["message"]


async def test_valid_keys_restrict_access_and_query_key_is_accepted(sandbox):
    sandbox.config.valid_keys = frozenset({"good"})
    path = f"/v1/models/{_LITE}:generateContent"

    refused = await _raw_post(sandbox, path, _IMAGE_PROMPT, **{"x-goog-api-key": "test-key"})
    accepted = await _raw_post(sandbox, f"{path}?key=good", _IMAGE_PROMPT)

    assert refused.status_code == 400
    assert accepted.status_code == 200
    assert accepted.headers["content-type"] == "application/json; charset=UTF-8"


async def test_request_log_redacts_the_key(sandbox, client):
    await generate(client, config=image_config(seed=5))
    await _raw_post(sandbox, f"/v1/models/{_LITE}:generateContent?key=secret&x=1", _IMAGE_PROMPT)

    header_request, query_request = sandbox.requests
    assert header_request.method == "POST"
    assert header_request.headers["x-goog-api-key"] == REDACTED
    assert header_request.body is not None
    assert header_request.body["generationConfig"]["seed"] == 5
    assert "secret" not in query_request.path
    assert query_request.path.endswith(f"?key={REDACTED}&x=1")
    assert header_request.received_at <= query_request.received_at


async def test_unknown_model_is_404(client):
    with pytest.raises(errors.ClientError) as caught:
        await generate(client, model="gemini-9-imaginary")

    assert caught.value.code == 404
    assert caught.value.message is not None
    assert caught.value.message.startswith(
        "models/gemini-9-imaginary is not found for API version v1"
    )

    with pytest.raises(errors.ClientError) as caught:
        await client.aio.models.get(model="gemini-9-imaginary")
    assert caught.value.code == 404


@pytest.mark.parametrize(
    ("model", "aspect", "size", "named"),
    [
        (_LITE, "7:3", "1K", "21:9"),
        (_LITE, "1:1", "2K", "1K"),
        (_LITE, "1:1", "1k", "1K"),
        ("gemini-3-pro-image-preview", "1:4", "1K", "16:9"),
        ("gemini-3-pro-image-preview", "1:1", "512", "4K"),
    ],
)
async def test_bad_ratio_or_size_is_400_naming_the_allowed_values(
    client, model, aspect, size, named
):
    with pytest.raises(errors.ClientError) as caught:
        await generate(client, config=image_config(aspect, size), model=model)

    assert caught.value.code == 400
    assert caught.value.status == "INVALID_ARGUMENT"
    assert named in (caught.value.message or "")


async def test_request_without_prompt_text_is_400(client):
    reference = io.BytesIO()
    Image.new("RGB", (8, 8)).save(reference, "PNG")
    part = types.Part.from_bytes(data=reference.getvalue(), mime_type="image/png")

    with pytest.raises(errors.ClientError) as caught:
        await generate(client, [part])

    assert caught.value.code == 400
    assert "prompt is empty" in (caught.value.message or "")


async def test_camel_case_and_standard_base64_are_accepted(sandbox):
    reference = io.BytesIO()
    Image.new("RGB", (30, 10), "red").save(reference, "PNG")
    data = base64.b64encode(reference.getvalue()).decode().rstrip("=")
    body = {
        "contents": [
            {
                "parts": [
                    {"text": "a boat"},
                    {"inline_data": {"mimeType": "image/png", "data": data}},
                ]
            }
        ],
        "generation_config": {"thinkingConfig": {"thinkingLevel": "HIGH"}},
    }

    response = await _raw_post(
        sandbox, f"/v1/models/{_LITE}:generateContent", body, **{"x-goog-api-key": "k"}
    )

    usage = response.json()["usageMetadata"]
    assert response.status_code == 200
    assert usage["promptTokenCount"] == 2 + 258
    assert usage["thoughtsTokenCount"] > 0


async def test_models_get_and_paged_list(client):
    model = await client.aio.models.get(model=_LITE)
    pager = await client.aio.models.list(config={"page_size": 1})
    names = [m.name async for m in pager]

    assert model.name == f"models/{_LITE}"
    assert model.display_name == "Nano Banana 2 Lite"
    assert names == [
        f"models/{_LITE}",
        "models/gemini-3.1-flash-image",
        "models/gemini-3-pro-image-preview",
    ]


async def test_stream_sends_one_event_with_the_image(sandbox, client):
    stream = await client.aio.models.generate_content_stream(
        model=_LITE, contents="a boat", config=image_config()
    )
    chunks = [chunk async for chunk in stream]

    assert len(chunks) == 1
    assert chunks[0].parts is not None
    assert chunks[0].parts[0].inline_data is not None
    assert sandbox.requests[-1].path.endswith(":streamGenerateContent?alt=sse")


async def test_stream_error_comes_before_the_stream(client):
    async def consume() -> None:
        stream = await client.aio.models.generate_content_stream(
            model=_LITE, contents="a boat [sandbox:500]", config=image_config()
        )
        async for _ in stream:
            pytest.fail("an error before the stream yields no chunk")

    # Depending on the SDK version the error surfaces on await or on the first iteration.
    with pytest.raises(errors.ServerError) as caught:
        await consume()

    assert caught.value.code == 500


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/cachedContents"),
        ("PATCH", "/v1/batches/abc"),
        ("POST", "/upload/v1/batches"),
        ("GET", f"/v1/models/{_LITE}:generateContent"),
        ("POST", f"/v1/models/{_LITE}:countTokens"),
        ("DELETE", f"/v1/models/{_LITE}"),
        ("GET", "/v2/models"),
    ],
)
async def test_everything_else_is_a_json_404(sandbox, method, path):
    async with httpx2.AsyncClient(base_url=sandbox.base_url) as http:
        response = await http.request(method, path, headers={"x-goog-api-key": "k"})

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json; charset=UTF-8"
    assert response.json()["error"]["status"] == "NOT_FOUND"


def test_cli_prints_its_base_url_and_serves():
    process = subprocess.Popen(
        [sys.executable, "-m", "studio.sandbox", "--latency", "0", "--fault", "503=0.5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=_PROJECT_ROOT,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        response = httpx2.get(f"{base_url}/v1/models", headers={"x-goog-api-key": "k"})
    finally:
        process.terminate()
        process.wait(timeout=5)

    assert base_url.startswith("http://127.0.0.1:")
    assert len(response.json()["models"]) == 3


def test_cli_rejects_an_unknown_fault_name():
    result = subprocess.run(
        [sys.executable, "-m", "studio.sandbox", "--fault", "meltdown=1"],
        capture_output=True,
        text=True,
        timeout=10,
        cwd=_PROJECT_ROOT,
    )

    assert result.returncode == 2
    assert "image-safety" in result.stderr
