"""What a batch job is asked to do: its requests, read from the create body or from a JSONL
upload, and what each will be answered with, settled when the job is created.

An entry is a JSON object: {"request", "metadata" | "key", "fault", "seed"} for a request
that will get a response, {"error", "metadata" | "key"} for one that will fail."""

from __future__ import annotations

import json
from typing import Any

from studio.core.catalog import ModelSpec
from studio.sandbox import batch_render, job_errors
from studio.sandbox.config import Fault, JobMarker, SandboxConfig
from studio.sandbox.parsing import RequestError, find_job_marker, get_field, parse_image_request

# A GenerateContentRequest's fields; the service refuses others (e.g. the SDK's `config`).
_REQUEST_FIELDS = frozenset(
    {
        "model", "contents", "tools", "toolConfig", "tool_config", "safetySettings",
        "safety_settings", "systemInstruction", "system_instruction", "generationConfig",
        "generation_config", "cachedContent", "cached_content",
    }
)  # fmt: skip


class BatchError(ValueError):
    """The create request is refused as a whole with 400 INVALID_ARGUMENT."""


def source_of(body: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(batch, batch.inputConfig) of a batchGenerateContent body."""
    batch = as_object(get_field(body, "batch") if isinstance(body, dict) else None, "batch")
    return batch, as_object(get_field(batch, "inputConfig"), "batch.input_config")


def file_name_of(source: dict[str, Any]) -> str | None:
    requests, file_name = get_field(source, "requests"), get_field(source, "fileName")
    if (requests is None) == (file_name is None):
        raise BatchError("batch.input_config needs exactly one of requests and file_name.")
    return None if file_name is None else str(file_name)


def inline_entries(source: dict[str, Any]) -> list[dict[str, Any]]:
    requests = as_object(get_field(source, "requests"), "batch.input_config.requests")
    items = get_field(requests, "requests")
    if not isinstance(items, list) or not items:
        raise BatchError("* BatchGenerateContentRequest.batch.input_config: no requests")
    entries = []
    for number, item in enumerate(items):
        where = f"batch.input_config.requests.requests[{number}]"
        item = as_object(item, where)
        request = as_object(item.get("request"), f"{where}.request")
        unknown = _unknown_field(request)
        # Inline requests are part of the body, which the service parses before accepting it.
        if unknown is not None:
            raise BatchError(_unknown_message(unknown, f"{where}.request"))
        metadata = item.get("metadata")
        if metadata is not None and not _string_map(metadata):
            raise BatchError(f"Invalid value at '{where}.metadata': expected strings.")
        entries.append({"request": request, "metadata": metadata})
    return entries


def file_entries(content: bytes, file_name: str) -> list[dict[str, Any]]:
    entries = []
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            row = None
        if not isinstance(row, dict):
            raise BatchError(f"Line {number} of {file_name} is not a JSON object.")
        key = row.get("key")
        entry: dict[str, Any] = {"key": None if key is None else str(key)}
        request = row.get("request")
        unknown = _unknown_field(request) if isinstance(request, dict) else None
        # A line is read after the job was accepted, so a bad one fails on its own.
        if not isinstance(request, dict):
            entry["error"] = job_errors.invalid_request(f"Line {number} has no request object.")
        elif unknown is not None:
            entry["error"] = job_errors.invalid_request(_unknown_message(unknown, "request"))
        else:
            entry["request"] = request
        entries.append(entry)
    if not entries:
        raise BatchError(f"{file_name} holds no requests.")
    return entries


def job_ending(entries: list[dict[str, Any]]) -> JobMarker | None:
    """The first job marker in request order decides how the job ends."""
    for entry in entries:
        marker = find_job_marker(entry.get("request"))
        if marker is not None:
            return marker
    return None


def plan(
    job_id: str, spec: ModelSpec, index: int, entry: dict[str, Any], config: SandboxConfig
) -> None:
    """Settles in place what the entry will be answered with, as generateContent would."""
    if "error" in entry:
        return
    try:
        request = parse_image_request(entry["request"], spec)
    except RequestError as exc:
        del entry["request"]
        entry["error"] = job_errors.invalid_request(str(exc))
        return
    fault = request.marker or _chance_fault(job_id, index, config)
    failure = job_errors.for_fault(fault)
    if failure is not None:
        del entry["request"]
        entry["error"] = failure
        return
    entry["fault"] = None if fault is None else fault.value
    seed = request.seed
    entry["seed"] = batch_render.derived_seed(job_id, index) if seed is None else seed


def _chance_fault(job_id: str, index: int, config: SandboxConfig) -> Fault | None:
    """The configured fault rates, with dice that every process throws alike."""
    draw = batch_render.draw(job_id, index)
    for fault in Fault:
        rate = max(config.fault_rates.get(fault, 0.0), 0.0)
        if draw < rate:
            return fault
        draw -= rate
    return None


def as_object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BatchError(f"Invalid value at '{where}': expected an object.")
    return value


def _string_map(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


def _unknown_field(request: dict[str, Any]) -> str | None:
    return next((name for name in request if name not in _REQUEST_FIELDS), None)


def _unknown_message(name: str, where: str) -> str:
    return (
        f"Invalid JSON payload received. Unknown name \"{name}\" at '{where}': Cannot find field."
    )
