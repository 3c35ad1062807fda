"""The adapter between Draft Studio's request and outcome types and the google-genai SDK."""

from studio.core.gemini.adapter import GeminiAdapter, ImageBackend
from studio.core.gemini.references import ReferenceError, load_reference

__all__ = ["GeminiAdapter", "ImageBackend", "ReferenceError", "load_reference"]
