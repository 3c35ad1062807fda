"""What the engine needs from an image service. The Gemini adapter (client.py) and the tests'
fakes implement it; it lives apart from the SDK so that importing the engine does not import
google-genai."""

from __future__ import annotations

from typing import Protocol

from studio.core.domain import GenerationRequest, Outcome


class ImageBackend(Protocol):
    async def generate(self, request: GenerationRequest) -> Outcome: ...

    async def aclose(self) -> None: ...
