"""Shared by the Batch API and Files API tests: requests, polling and raw reads."""

from __future__ import annotations

import asyncio
import io
import json
import time
from typing import Any

import httpx2
from google import genai
from google.genai import types
from PIL import Image

from studio.core.catalog import DRAFT_MODEL
from studio.sandbox import SandboxServer
from tests.sandbox.conftest import image_config


def inline(
    prompt: str, key: str, aspect: str = "1:1", seed: int | None = None
) -> types.InlinedRequest:
    return types.InlinedRequest(
        contents=prompt, config=image_config(aspect, "1K", seed=seed), metadata={"key": key}
    )


def jsonl_line(prompt: str, key: str, aspect: str = "1:1", seed: int | None = None) -> str:
    config: dict[str, Any] = {
        "responseModalities": ["IMAGE"],
        "imageConfig": {"aspectRatio": aspect, "imageSize": "1K"},
    }
    if seed is not None:
        config["seed"] = seed
    request = {"contents": [{"parts": [{"text": prompt}], "role": "user"}]}
    return json.dumps({"key": key, "request": {**request, "generationConfig": config}})


async def create(client: genai.Client, src: Any, display_name: str | None = None) -> types.BatchJob:
    config = types.CreateBatchJobConfig(display_name=display_name) if display_name else None
    return await client.aio.batches.create(model=DRAFT_MODEL, src=src, config=config)


async def wait_done(client: genai.Client, name: str, timeout_s: float = 5.0) -> types.BatchJob:
    deadline = time.monotonic() + timeout_s
    while True:
        job = await client.aio.batches.get(name=name)
        if job.done or time.monotonic() > deadline:
            return job
        await asyncio.sleep(0.02)


async def upload_jsonl(client: genai.Client, lines: list[str]) -> types.File:
    data = ("\n".join(lines) + "\n").encode()
    return await client.aio.files.upload(file=io.BytesIO(data), config={"mime_type": "jsonl"})


async def raw_get(sandbox: SandboxServer, path: str, key: str = "test-key") -> httpx2.Response:
    async with httpx2.AsyncClient(base_url=sandbox.base_url) as http:
        return await http.get(path, headers={"x-goog-api-key": key})


async def raw_job(sandbox: SandboxServer, name: str, version: str = "v1") -> dict[str, Any]:
    response = await raw_get(sandbox, f"/{version}/{name}")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def by_key(job: types.BatchJob) -> dict[str, types.InlinedResponse]:
    assert job.dest is not None
    assert job.dest.inlined_responses is not None
    return {(item.metadata or {})["key"]: item for item in job.dest.inlined_responses}


def png_of(response: types.GenerateContentResponse | None) -> bytes:
    assert response is not None
    assert response.parts is not None
    blob = response.parts[0].inline_data
    assert blob is not None
    assert blob.mime_type == "image/png"
    assert blob.data is not None
    return blob.data


def size_of(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as image:
        return image.size
