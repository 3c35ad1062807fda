"""models.list and models.get, for a client's "Test API key" button (wire spec §5)."""

from __future__ import annotations

from typing import Any

from studio.core.catalog import DEFAULT_MODELS, ModelSpec
from studio.sandbox import responses
from studio.sandbox.responses import Reply
from studio.sandbox.routes import Route

MODELS: dict[str, ModelSpec] = {spec.id: spec for spec in DEFAULT_MODELS}
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000


def model_resource(spec: ModelSpec) -> dict[str, Any]:
    return {
        "name": f"models/{spec.id}",
        "version": "001",
        "displayName": spec.label,
        "description": f"{spec.label}, served by the Draft Studio sandbox (synthetic images).",
        "inputTokenLimit": 65536,
        "outputTokenLimit": 32768,
        "supportedGenerationMethods": ["generateContent", "batchGenerateContent"],
        "temperature": 1.0,
        "maxTemperature": 2.0,
        "topP": 0.95,
        "topK": 64,
        "thinking": bool(spec.thinking_levels),
    }


def page_window(query: dict[str, list[str]]) -> tuple[int, int] | None:
    """(start, end) of the page that pageSize and pageToken ask for; None if they are bad."""
    try:
        size = int(query.get("pageSize", [str(DEFAULT_PAGE_SIZE)])[0])
        start = int(query.get("pageToken", ["0"])[0] or 0)
    except ValueError:
        return None
    if start < 0:
        return None
    if size <= 0:
        size = DEFAULT_PAGE_SIZE
    return start, start + min(size, MAX_PAGE_SIZE)


def page_reply(key: str, items: list[Any], query: dict[str, list[str]]) -> Reply:
    window = page_window(query)
    if window is None:
        return responses.invalid_argument("Invalid pageSize or pageToken.")
    start, end = window
    page: dict[str, Any] = {}
    # Like the service: an empty page is an empty object, not an empty list.
    if items[start:end]:
        page[key] = items[start:end]
    if end < len(items):
        page["nextPageToken"] = str(end)
    return responses.json_reply(page)


def models_reply(route: Route, query: dict[str, list[str]]) -> Reply:
    if route.model_id:
        spec = MODELS.get(route.model_id)
        if spec is None:
            return responses.model_not_found(route.model_id, route.version, "get")
        return responses.json_reply(model_resource(spec))
    return page_reply("models", [model_resource(spec) for spec in MODELS.values()], query)
