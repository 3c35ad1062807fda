"""Reading a generateContent body the way the live service does, rejecting what it would reject."""

from __future__ import annotations

import base64
import binascii
import io
import math
import re
from dataclasses import dataclass
from typing import Any

from PIL import Image

from studio.core.catalog import ModelSpec
from studio.sandbox import signatures
from studio.sandbox.config import Fault, JobMarker

_MARKER = re.compile(r"\[sandbox:([^\]]*)\]")
_JOB_MARKERS = frozenset(marker.value for marker in JobMarker)
_THINKING_LEVELS = frozenset({"minimal", "low", "medium", "high"})
_DEFAULT_SIZE = "1K"
_SQUARE = "1:1"


class RequestError(ValueError):
    """The body is one the service answers with 400 INVALID_ARGUMENT; the message says why."""


@dataclass(frozen=True, slots=True)
class ImageRequest:
    prompt: str  # the text of the last user turn
    aspect: str
    size: str
    seed: int | None
    reference_images: int  # input images in user turns
    thinking_level: str | None  # lower case; "dynamic" for a thinking budget without a level
    marker: Fault | None
    # The image to derive from: the model's own latest image when the request continues a
    # conversation, else the first input image of the last user turn.
    source_image: bytes | None = None
    continues: bool = False  # an earlier model turn with an image was sent back


@dataclass(slots=True)
class _Turn:
    role: str
    texts: list[str]
    images: list[tuple[bytes, tuple[int, int]]]


def parse_image_request(body: Any, spec: ModelSpec) -> ImageRequest:
    if not isinstance(body, dict):
        raise RequestError("Invalid JSON payload received. Expected an object.")
    contents = _get(body, "contents")
    if not isinstance(contents, list) or not contents:
        raise RequestError("* GenerateContentRequest.contents: contents is not specified")
    turns = [_read_content(content, position, spec) for position, content in enumerate(contents)]
    user_images = [size for turn in turns if turn.role == "user" for _, size in turn.images]
    if len(user_images) > spec.max_reference_images:
        raise RequestError(
            f"{spec.id} accepts at most {spec.max_reference_images} input images; "
            f"the request has {len(user_images)}."
        )
    last_user = next((turn for turn in reversed(turns) if turn.role == "user"), None)
    prompt = " ".join(last_user.texts).strip() if last_user else ""
    if not prompt:
        raise RequestError("The prompt is empty. Add text that describes the image.")
    config = _get(body, "generationConfig") or {}
    if not isinstance(config, dict):
        raise RequestError("Invalid value at 'generation_config': expected an object.")
    aspect, size = _read_image_config(_get(config, "imageConfig") or {}, spec, user_images)
    answered = [image for turn in turns if turn.role == "model" for image, _ in turn.images]
    given = last_user.images if last_user else []
    continues = bool(answered) and not given
    source = answered[-1] if continues else given[0][0] if given else None
    return ImageRequest(
        prompt=prompt,
        aspect=aspect,
        size=size,
        seed=_read_seed(_get(config, "seed")),
        reference_images=len(user_images),
        thinking_level=_read_thinking(_get(config, "thinkingConfig")),
        marker=_read_marker(prompt),
        source_image=source,
        continues=continues,
    )


def _get(obj: dict[str, Any], camel: str) -> Any:
    """A field under its camelCase or snake_case name: the SDK sends both (wire spec §2.2)."""
    if camel in obj:
        return obj[camel]
    return obj.get(re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), camel))


def _read_content(content: Any, position: int, spec: ModelSpec) -> _Turn:
    parts = _get(content, "parts") if isinstance(content, dict) else None
    if not isinstance(parts, list):
        raise RequestError("* GenerateContentRequest.contents: every content needs parts")
    turn = _Turn(str(content.get("role") or "user"), [], [])
    first_text = True
    for number, part in enumerate(parts, start=1):
        if not isinstance(part, dict):
            raise RequestError(
                "* GenerateContentRequest.contents.parts: each part must be an object"
            )
        if _get(part, "fileData") is not None:
            raise RequestError(
                "The sandbox cannot fetch fileData parts; send images as inlineData."
            )
        blob = _get(part, "inlineData")
        raw = _raw_image(blob, len(turn.images) + 1) if blob is not None else None
        text = part.get("text")
        if turn.role == "model" and signatures.signs(spec.id) and not part.get("thought"):
            # Like the service: an answer sent back must carry what the model signed.
            if raw is not None:
                _check_signature(part, "Image", raw, position, number)
            elif isinstance(text, str) and first_text:
                _check_signature(part, "Text", text.encode(), position, number)
        if raw is not None:
            turn.images.append((raw, _image_size(raw, len(turn.images) + 1)))
        if isinstance(text, str):
            first_text = False
            # Thought summaries are context, not what the user asks for.
            if not part.get("thought"):
                turn.texts.append(text)
    return turn


def _check_signature(
    part: dict[str, Any], kind: str, content: bytes, position: int, number: int
) -> None:
    where = f"in content position {position + 1}, part position {number}"
    raw = _get(part, "thoughtSignature")
    if not isinstance(raw, str) or not raw:
        raise RequestError(f"{kind} part is missing a thought_signature {where}.")
    try:
        signature = _b64(raw)
    except (binascii.Error, ValueError):
        signature = b""
    if not signatures.valid(signature, content):
        raise RequestError(f"Unable to submit request: the thought signature {where} is not valid.")


def _b64(data: str) -> bytes:
    # The SDK sends the URL-safe alphabet; other clients send the standard one, with or
    # without padding. Normalising to URL-safe accepts all of them.
    normalised = data.replace("+", "-").replace("/", "_") + "=" * (-len(data) % 4)
    return base64.urlsafe_b64decode(normalised)


def _raw_image(blob: Any, number: int) -> bytes:
    if not isinstance(blob, dict) or not isinstance(blob.get("data"), str):
        raise RequestError(f"Input image {number} has no data.")
    mime_type = _get(blob, "mimeType")
    if not isinstance(mime_type, str) or not mime_type.startswith("image/"):
        raise RequestError(f"Input image {number} has unsupported MIME type {mime_type!r}.")
    try:
        return _b64(blob["data"])
    except (binascii.Error, ValueError) as exc:
        raise RequestError(
            f"Unable to process input image {number}: the data is not a decodable image."
        ) from exc


def _image_size(raw: bytes, number: int) -> tuple[int, int]:
    try:
        with Image.open(io.BytesIO(raw)) as image:
            size = image.size
            image.verify()
    except (ValueError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise RequestError(
            f"Unable to process input image {number}: the data is not a decodable image."
        ) from exc
    return size


def _read_image_config(
    image_config: Any, spec: ModelSpec, reference_sizes: list[tuple[int, int]]
) -> tuple[str, str]:
    if not isinstance(image_config, dict):
        raise RequestError("Invalid value at 'generation_config.image_config': expected an object.")
    aspect = _get(image_config, "aspectRatio")
    if aspect is None:
        # Like the service: follow the first input image, else make a square.
        aspect = _nearest_ratio(reference_sizes[0], spec) if reference_sizes else _SQUARE
    size = _get(image_config, "imageSize") or _DEFAULT_SIZE
    if aspect not in spec.ratios:
        raise RequestError(
            f"Unsupported aspect ratio {aspect!r} for model {spec.id}. "
            f"Allowed values: {', '.join(spec.ratios)}."
        )
    if size not in spec.sizes:
        raise RequestError(
            f"Unsupported image size {size!r} for model {spec.id}. "
            f"Allowed values: {', '.join(spec.sizes)}."
        )
    return str(aspect), str(size)


def _nearest_ratio(size: tuple[int, int], spec: ModelSpec) -> str:
    target = math.log(size[0] / size[1])

    def distance(ratio: str) -> float:
        width, height = ratio.split(":")
        return abs(math.log(int(width) / int(height)) - target)

    return min(spec.ratios, key=distance)


def _read_seed(seed: Any) -> int | None:
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise RequestError(f"Invalid value at 'generation_config.seed' ({seed!r}): expected int32.")
    return seed


def _read_thinking(thinking: Any) -> str | None:
    if thinking is None:
        return None
    if not isinstance(thinking, dict):
        raise RequestError("Invalid value at 'generation_config.thinking_config'.")
    level = _get(thinking, "thinkingLevel")
    if level is not None:
        if not isinstance(level, str) or level.lower() not in _THINKING_LEVELS:
            raise RequestError(
                f"Invalid value at 'generation_config.thinking_config.thinking_level' ({level!r}). "
                f"Allowed values: {', '.join(sorted(name.upper() for name in _THINKING_LEVELS))}."
            )
        return level.lower()
    budget = _get(thinking, "thinkingBudget")
    return "dynamic" if isinstance(budget, int) and budget != 0 else None


def _read_marker(prompt: str) -> Fault | None:
    """The first fault marker; job markers concern only batch jobs (see JobMarker)."""
    for match in _MARKER.finditer(prompt):
        name = match.group(1)
        if name in _JOB_MARKERS:
            continue
        try:
            return Fault(name)
        except ValueError:
            known = [fault.value for fault in Fault] + sorted(_JOB_MARKERS)
            raise RequestError(
                f"Unknown sandbox marker [sandbox:{name}]. Known names: {', '.join(known)}."
            ) from None
    return None


def find_job_marker(body: Any) -> JobMarker | None:
    """The first job marker in any text of a request, valid or not: a request the service
    refuses still belongs to the job that the marker steers."""
    contents = _get(body, "contents") if isinstance(body, dict) else None
    for content in contents if isinstance(contents, list) else []:
        parts = _get(content, "parts") if isinstance(content, dict) else None
        for part in parts if isinstance(parts, list) else []:
            text = part.get("text") if isinstance(part, dict) else None
            for match in _MARKER.finditer(text if isinstance(text, str) else ""):
                if match.group(1) in _JOB_MARKERS:
                    return JobMarker(match.group(1))
    return None


# For the Batch API's bodies, which spell their fields the same two ways.
get_field = _get
