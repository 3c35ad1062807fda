"""The adapter between Draft Studio's request and outcome types and the google-genai SDK.

`GeminiAdapter` is loaded on first use: the SDK takes about half a second to import, which
neither the CLI's quick commands nor the app's first paint should wait for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from studio.core.gemini.adapter import ImageBackend
from studio.core.gemini.references import ReferenceError, load_reference

if TYPE_CHECKING:
    from studio.core.gemini.client import GeminiAdapter

__all__ = ["GeminiAdapter", "ImageBackend", "ReferenceError", "load_reference"]


def __getattr__(name: str) -> object:
    if name == "GeminiAdapter":
        from studio.core.gemini.client import GeminiAdapter

        return GeminiAdapter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
