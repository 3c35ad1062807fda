"""Rows of the library as the rest of the app sees them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from studio.core.domain import Derivation, Flag, ReferenceImage, SlotStatus
from studio.core.library.turns import TurnRef


class LibraryError(Exception):
    """A library operation the user asked for cannot be done; the message says why."""


@dataclass(frozen=True, slots=True)
class SlotOrigin:
    """Where a derived slot comes from: its parent, its prompt and shape, the turns it sends."""

    parent_id: int
    prompt: str
    aspect: str
    conversation: tuple[TurnRef, ...]


@dataclass(frozen=True, slots=True)
class MatrixAxis:
    key: str
    label: str
    values: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "values": list(self.values)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MatrixAxis:
        return cls(str(data["key"]), str(data["label"]), tuple(str(v) for v in data["values"]))


@dataclass(frozen=True, slots=True)
class BatchRecord:
    prompt: str
    model: str
    aspect: str
    size: str
    seeds: tuple[int, ...]
    base_seed: int | None = None
    thinking_level: str | None = None
    references: tuple[ReferenceImage, ...] = ()
    derivation: Derivation | None = None
    instruction: str | None = None
    origins: tuple[SlotOrigin, ...] = ()  # one per seed for derived work, else none
    # A prompt matrix: the prompt above is its template; per slot the expanded prompt and the
    # (axis or wildcard, value) pairs it got; the axes a grid can group by.
    slot_prompts: tuple[str, ...] = ()
    slot_values: tuple[tuple[tuple[str, str], ...], ...] = ()
    axes: tuple[MatrixAxis, ...] = ()


@dataclass(frozen=True, slots=True)
class StoredImage:
    draft_id: int
    path: Path
    thumb_path: Path
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class DraftRecord:
    id: int
    batch_id: int
    slot: int
    status: SlotStatus
    prompt: str
    model: str
    aspect: str
    size: str
    seed: int
    attempts: int
    error_kind: str | None
    error_message: str | None
    block_reason: str | None
    text_note: str | None
    path: Path | None
    thumb_path: Path | None
    width: int | None
    height: int | None
    response_id: str | None
    model_version: str | None
    latency_ms: int | None
    cost_usd: float
    flag: Flag
    rating: int
    deleted: bool
    parent_id: int | None
    sibling_of: int | None
    created_at: float
    finished_at: float | None
    derivation: Derivation | None = None
    instruction: str | None = None
    mime_type: str | None = None
    billed: bool = True  # False: sent to the offline sandbox, cost_usd is what it would cost
    batch_not_sent: int = 0  # the batch's slots a budget stopped before they were sent
    matrix_values: tuple[tuple[str, str], ...] = ()
    batch_axes: tuple[MatrixAxis, ...] = ()  # a matrix batch's axes, to group its drafts by
    job_id: int | None = None  # the Batch API job it was sent in

    @property
    def derived(self) -> bool:
        return self.derivation is not None

    @classmethod
    def from_row(cls, row: Mapping[str, Any], root: Path) -> DraftRecord:
        return cls(
            id=row["id"],
            batch_id=row["batch_id"],
            slot=row["slot"],
            status=_STATUSES[row["status"]],
            prompt=row["prompt"],
            model=row["model"],
            aspect=row["aspect"],
            size=row["size"],
            seed=row["seed"],
            attempts=row["attempts"],
            error_kind=row["error_kind"],
            error_message=row["error_message"],
            block_reason=row["block_reason"],
            text_note=row["text_note"],
            path=_in(root, row["path"]),
            thumb_path=_in(root, row["thumb_path"]),
            width=row["width"],
            height=row["height"],
            response_id=row["response_id"],
            model_version=row["model_version"],
            latency_ms=row["latency_ms"],
            cost_usd=row["cost_usd"],
            flag=_FLAGS[row["flag"]],
            rating=row["rating"],
            deleted=row["deleted_at"] is not None,
            parent_id=row["parent_id"],
            sibling_of=row["sibling_of"],
            created_at=row["created_at"],
            finished_at=row["finished_at"],
            derivation=Derivation(row["derivation"]) if row["derivation"] else None,
            instruction=row["instruction"],
            mime_type=row["mime"],
            billed=bool(row["billed"]),
            batch_not_sent=row["batch_not_sent"],
            matrix_values=_pairs(row["matrix_values"]),
            batch_axes=_axes(row["batch_axes"]),
            job_id=row["job_id"],
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("path", "thumb_path"):
            data[key] = str(data[key]) if data[key] is not None else None
        data["status"] = self.status.value
        data["flag"] = self.flag.value
        data["derivation"] = self.derivation.value if self.derivation else None
        return data


# A library's first screen reads every draft: these keep each row's reading to lookups. The
# enums by value without calling them, the image folders' paths made once per folder, and a
# matrix's axes and values, the same text for many drafts, parsed once each.
_STATUSES = {status.value: status for status in SlotStatus}
_FLAGS = {flag.value: flag for flag in Flag}


@lru_cache(maxsize=1024)
def _folder(root: Path, folder: str) -> Path:
    return root / folder


def _in(root: Path, relative: str | None) -> Path | None:
    if not relative:
        return None
    folder, _, name = relative.rpartition("/")
    return _folder(root, folder) / name if folder else root / name


@lru_cache(maxsize=1024)
def _axes(stored: str | None) -> tuple[MatrixAxis, ...]:
    return tuple(MatrixAxis.from_json(axis) for axis in json.loads(stored)) if stored else ()


@lru_cache(maxsize=4096)
def _pairs(stored: str | None) -> tuple[tuple[str, str], ...]:
    if not stored:
        return ()
    return tuple((str(key), str(value)) for key, value in json.loads(stored))
