"""Conversation turns as the library keeps them: text as it was, images by the draft that
holds their bytes, every signature byte for byte (base64 in JSON)."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from studio.core.domain import ImagePart, Part, TextPart


@dataclass(frozen=True, slots=True)
class ImageRef:
    draft_id: int
    signature: bytes | None = None


@dataclass(frozen=True, slots=True)
class ReferenceRef:
    """A reference image the user gave, by its content's SHA-256."""

    sha256: str


PartRef = TextPart | ImageRef | ReferenceRef


@dataclass(frozen=True, slots=True)
class TurnRef:
    role: str  # "user" or "model"
    parts: tuple[PartRef, ...]


def _part_json(part: PartRef) -> dict[str, Any]:
    if isinstance(part, ReferenceRef):
        return {"reference": part.sha256}
    data: dict[str, Any] = (
        {"text": part.text} if isinstance(part, TextPart) else {"image": part.draft_id}
    )
    if part.signature is not None:
        data["signature"] = base64.b64encode(part.signature).decode("ascii")
    return data


def _part_from(data: dict[str, Any]) -> PartRef:
    if "reference" in data:
        return ReferenceRef(str(data["reference"]))
    raw = data.get("signature")
    signature = base64.b64decode(raw) if isinstance(raw, str) else None
    if "image" in data:
        return ImageRef(int(data["image"]), signature)
    return TextPart(str(data["text"]), signature)


def dump_parts(parts: Sequence[PartRef]) -> str:
    return json.dumps([_part_json(part) for part in parts])


def load_parts(text: str) -> tuple[PartRef, ...]:
    return tuple(_part_from(item) for item in json.loads(text))


def dump_turns(turns: Sequence[TurnRef]) -> str:
    return json.dumps(
        [{"role": turn.role, "parts": [_part_json(p) for p in turn.parts]} for turn in turns]
    )


def load_turns(text: str) -> tuple[TurnRef, ...]:
    return tuple(
        TurnRef(str(item["role"]), tuple(_part_from(p) for p in item["parts"]))
        for item in json.loads(text)
    )


def answer_refs(model_turn: Sequence[Part], holder_by_sha: Mapping[str, int]) -> list[PartRef]:
    """An answer's parts with each image named by the draft that stores its bytes."""
    return [
        ImageRef(holder_by_sha[hashlib.sha256(part.data).hexdigest()], part.signature)
        if isinstance(part, ImagePart)
        else part
        for part in model_turn
    ]
