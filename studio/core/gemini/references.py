"""Reference images: checked, guarded against decompression bombs, downscaled before sending."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from studio.core.domain import ReferenceImage

# Inline requests are capped at 20 MB in total; 1536 px keeps detail and leaves room for 14 refs.
MAX_REFERENCE_EDGE = 1536
MAX_REFERENCE_BYTES = 1_500_000
# Anything beyond this is far larger than a reference needs and is refused before decoding.
MAX_REFERENCE_PIXELS = 64_000_000
_SENDABLE = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}


class ReferenceError(ValueError):
    """A reference image cannot be used; the message is one sentence for the user."""


def load_reference(path: str | Path) -> ReferenceImage:
    path = Path(path)
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReferenceError(f"Cannot read reference image '{name}': {exc.strerror}.") from None
    return prepare_reference(raw, name)


def prepare_reference(raw: bytes, name: str) -> ReferenceImage:
    image = _decode(raw, name)
    fmt = image.format or ""
    small = max(image.size) <= MAX_REFERENCE_EDGE and len(raw) <= MAX_REFERENCE_BYTES
    if small and fmt in _SENDABLE:
        return ReferenceImage(raw, _SENDABLE[fmt], name)

    image.thumbnail((MAX_REFERENCE_EDGE, MAX_REFERENCE_EDGE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if image.mode in ("RGBA", "LA", "P"):
        image.convert("RGBA").save(out, "PNG", optimize=False)
        return ReferenceImage(out.getvalue(), "image/png", name)
    image.convert("RGB").save(out, "JPEG", quality=90)
    return ReferenceImage(out.getvalue(), "image/jpeg", name)


def _decode(raw: bytes, name: str) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))
    except UnidentifiedImageError:
        raise ReferenceError(f"'{name}' is not an image Draft Studio can read.") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ReferenceError(_too_large(name)) from None
    if image.width * image.height > MAX_REFERENCE_PIXELS:
        raise ReferenceError(_too_large(name, image.size))
    try:
        image.load()
    except (OSError, SyntaxError, ValueError):
        raise ReferenceError(f"'{name}' is damaged or not a complete image.") from None
    return image


def _too_large(name: str, size: tuple[int, int] | None = None) -> str:
    pixels = f" ({size[0]}×{size[1]} pixels)" if size else ""
    return f"Reference image '{name}' is too large{pixels}; use a smaller copy."
