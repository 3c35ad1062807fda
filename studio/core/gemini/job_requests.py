"""A slot's request as the Batch API takes it from a JSONL file: the REST shape of what
`GeminiAdapter.generate` sends live (contents and generationConfig, base64 for bytes)."""

from __future__ import annotations

import base64
import json
from typing import Any

from studio.core.catalog import Catalog
from studio.core.domain import GenerationRequest, ImagePart, Part, TextPart

# The service takes inline jobs up to about 20 MB; above this a job goes as an uploaded file.
# An inline job also answers inline, in one JSON document the SDK holds whole; a file-based
# job's answers come as a file, read one line at a time. So what the answers will weigh
# (base64 PNGs, by size) counts too.
INLINE_LIMIT_BYTES = 19 * 1024 * 1024
_ANSWER_BYTES = {"512": 600_000, "1K": 2_000_000, "2K": 8_000_000, "4K": 30_000_000}


def inline_weight(keyed: list[tuple[str, GenerationRequest]], lines: bytes) -> int:
    """What an inline job would weigh, asked and answered."""
    answers = sum(_ANSWER_BYTES.get(request.size, 2_000_000) for _, request in keyed)
    return len(lines) + answers


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _part(part: Part) -> dict[str, Any]:
    rest: dict[str, Any]
    if isinstance(part, TextPart):
        rest = {"text": part.text}
    else:
        rest = {"inlineData": {"mimeType": part.mime_type, "data": _b64(part.data)}}
    if part.signature is not None:
        rest["thoughtSignature"] = _b64(part.signature)
    return rest


def rest_request(request: GenerationRequest, catalog: Catalog) -> dict[str, Any]:
    prompt_parts: list[Part] = [TextPart(request.prompt)]
    prompt_parts.extend(ImagePart(ref.data, ref.mime_type) for ref in request.references)
    contents = [
        {"role": turn.role, "parts": [_part(p) for p in turn.parts]} for turn in request.history
    ]
    contents.append({"role": "user", "parts": [_part(p) for p in prompt_parts]})
    config: dict[str, Any] = {
        "responseModalities": ["IMAGE"],
        "candidateCount": 1,
        "imageConfig": {"aspectRatio": request.aspect, "imageSize": request.size},
    }
    if request.seed is not None:
        config["seed"] = request.seed
    spec = catalog.get(request.model)
    if request.thinking_level and request.thinking_level in spec.thinking_levels:
        config["thinkingConfig"] = {"thinkingLevel": request.thinking_level.upper()}
    return {"contents": contents, "generationConfig": config}


def jsonl_lines(keyed: list[tuple[str, GenerationRequest]], catalog: Catalog) -> bytes:
    """One `{"key", "request"}` line per slot: the input file of a file-based job."""
    lines = (
        json.dumps({"key": key, "request": rest_request(request, catalog)}, separators=(",", ":"))
        for key, request in keyed
    )
    return ("\n".join(lines) + "\n").encode("utf-8")
