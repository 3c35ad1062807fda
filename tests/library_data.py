"""Small real library contents for tests of the grid: batches, PNGs, saved images."""

from __future__ import annotations

import io

from PIL import Image

from studio.core.domain import GeneratedImage, ResponseMeta
from studio.core.library import BatchRecord, Library, StoredImage

META = ResponseMeta(response_id="r1", model_version="m", latency_s=2.5, cost_usd=0.0336)


def png(size: tuple[int, int] = (160, 90), colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def record(prompt: str, count: int, aspect: str = "16:9") -> BatchRecord:
    return BatchRecord(prompt, "gemini-3.1-flash-lite-image", aspect, "1K", tuple(range(count)))


def save(library: Library, draft_id: int, *images: bytes) -> list[StoredImage]:
    generated = [GeneratedImage(data, "image/png") for data in images or (png(),)]
    return library.save_images(draft_id, generated, META, None)
