"""Reads a GenerateContentResponse: the images worth keeping, or why there are none."""

from __future__ import annotations

import hashlib

from google.genai import types

from studio.core.catalog import ModelSpec, cost_of
from studio.core.domain import (
    BlockedOutcome,
    ErrorKind,
    FailedOutcome,
    GeneratedImage,
    ImagePart,
    ImagesOutcome,
    Outcome,
    Part,
    ResponseMeta,
    TextPart,
)

_BLOCK_SENTENCES: dict[str, str] = {
    "SAFETY": "The safety filter blocked this prompt.",
    "PROHIBITED_CONTENT": "The prompt asks for content the service does not allow.",
    "BLOCKLIST": "The prompt contains a blocked term.",
    "IMAGE_SAFETY": "The safety filter withheld the image.",
    "IMAGE_PROHIBITED_CONTENT": "The image showed content the service does not allow.",
    "IMAGE_RECITATION": "The image was too close to existing material and was withheld.",
    "RECITATION": "The answer was too close to existing material and was withheld.",
    "IMAGE_OTHER": "The service withheld the image without giving a reason.",
    "NO_IMAGE": "The model answered without an image; try rephrasing the prompt.",
    "SPII": "The prompt or image involved sensitive personal information.",
    "JAILBREAK": "The prompt was flagged as trying to get around the safety rules.",
    "MODEL_ARMOR": "The prompt was blocked by a content policy on this project.",
    "MAX_TOKENS": "The model ran out of output space before it drew the image.",
    "OTHER": "The service declined this prompt without giving a reason.",
}


def _reason(value: object) -> str:
    text = getattr(value, "value", value)
    return str(text or "OTHER").upper()


def block_sentence(reason: str) -> str:
    return _BLOCK_SENTENCES.get(reason, f"The service declined to draw this image ({reason}).")


def _meta(
    response: types.GenerateContentResponse,
    spec: ModelSpec,
    size: str,
    latency_s: float,
    billed_images: int,
    batch: bool,
) -> ResponseMeta:
    usage = response.usage_metadata
    prompt_tokens = (usage.prompt_token_count or 0) if usage else 0
    image_tokens = 0
    if usage and usage.candidates_tokens_details:
        image_tokens = sum(
            d.token_count or 0
            for d in usage.candidates_tokens_details
            if d.modality == types.MediaModality.IMAGE
        )
    return ResponseMeta(
        response_id=response.response_id,
        model_version=response.model_version,
        latency_s=latency_s,
        prompt_tokens=prompt_tokens,
        output_tokens=(usage.candidates_token_count or 0) if usage else 0,
        image_tokens=image_tokens,
        thought_tokens=(usage.thoughts_token_count or 0) if usage else 0,
        billed_images=billed_images,
        cost_usd=cost_of(spec, size, billed_images, prompt_tokens, batch=batch),
    )


def _model_turn(parts: list[types.Part]) -> tuple[Part, ...]:
    """The parts a later turn sends back, each with its signature exactly as received."""
    turn: list[Part] = []
    for part in parts:
        if part.text:
            turn.append(TextPart(part.text, part.thought_signature))
        elif part.inline_data is not None and part.inline_data.data:
            mime = part.inline_data.mime_type or "image/png"
            turn.append(ImagePart(part.inline_data.data, mime, part.thought_signature))
    return tuple(turn)


def read_response(
    response: types.GenerateContentResponse,
    spec: ModelSpec,
    size: str,
    latency_s: float,
    *,
    batch: bool = False,
) -> Outcome:
    """`batch`: the answer came from a Batch API job and is billed at the batch price."""
    feedback = response.prompt_feedback
    if feedback is not None and feedback.block_reason is not None:
        reason = _reason(feedback.block_reason)
        meta = _meta(response, spec, size, latency_s, billed_images=0, batch=batch)
        return BlockedOutcome(reason, block_sentence(reason), meta)

    candidate = response.candidates[0] if response.candidates else None
    parts = (candidate.content.parts if candidate and candidate.content else None) or []
    # Thought parts are the model's interim sketches, billed as thinking but not deliverables.
    final_parts = [p for p in parts if not p.thought]
    image_parts = [
        GeneratedImage(p.inline_data.data, p.inline_data.mime_type or "image/png")
        for p in final_parts
        if p.inline_data is not None
        and p.inline_data.data
        and (p.inline_data.mime_type or "").startswith("image/")
    ]
    text = " ".join(p.text.strip() for p in final_parts if p.text and p.text.strip()) or None
    meta = _meta(response, spec, size, latency_s, billed_images=len(image_parts), batch=batch)

    unique: dict[str, GeneratedImage] = {}
    for image in image_parts:
        unique.setdefault(hashlib.sha256(image.data).hexdigest(), image)
    if unique:
        return ImagesOutcome(tuple(unique.values()), meta, text, _model_turn(final_parts))

    if candidate is None:
        return FailedOutcome(
            ErrorKind.BAD_RESPONSE, "The service answered with nothing in it.", meta=meta
        )
    reason = _reason(candidate.finish_reason) if candidate.finish_reason else "NO_IMAGE"
    if reason == "STOP":
        reason = "NO_IMAGE"
    return BlockedOutcome(reason, block_sentence(reason), meta, text)
