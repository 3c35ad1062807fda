"""Synthetic stand-ins for model images: plainly fake, deterministic and quick to make."""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

from studio.core.catalog import pixel_size

SOFTWARE_TAG = "Draft Studio sandbox"
MIN_SIDE = 8
_EXCERPT_CHARS = 36

Colour = tuple[int, int, int]


def image_dimensions(aspect: str, size: str, pixel_scale: float) -> tuple[int, int]:
    width, height = pixel_size(aspect, size)
    return (
        max(MIN_SIDE, round(width * pixel_scale)),
        max(MIN_SIDE, round(height * pixel_scale)),
    )


@lru_cache(maxsize=64)
def render_png(
    prompt: str, seed: int, aspect: str, size: str, pixel_scale: float, *, thought: bool = False
) -> bytes:
    """A PNG for this prompt and seed; a `thought` image is a visibly different interim draft."""
    width, height = image_dimensions(aspect, size, pixel_scale)
    digest = hashlib.sha256(f"{seed}\x00{thought}\x00{prompt}".encode()).digest()
    image = _gradient(width, height, _colour(digest, 0), _colour(digest, 3), digest[6] / 255)
    if thought:
        image = image.convert("L").convert("RGB")
    draw = ImageDraw.Draw(image)
    _draw_shapes(draw, digest, width, height)
    _draw_caption(draw, width, height, seed, aspect, size, prompt, thought)
    buffer = io.BytesIO()
    # Speed matters more than size here: level 1 keeps a 1K image well under 50 ms.
    image.save(buffer, "PNG", compress_level=1, pnginfo=png_info())
    return buffer.getvalue()


def png_info() -> PngInfo:
    info = PngInfo()
    info.add_text("Software", SOFTWARE_TAG)
    return info


def _colour(digest: bytes, offset: int) -> Colour:
    return digest[offset], digest[offset + 1], digest[offset + 2]


def _gradient(width: int, height: int, start: Colour, end: Colour, tilt: float) -> Image.Image:
    vertical = Image.linear_gradient("L")
    # Blending the vertical ramp with its horizontal twin tilts it without leaving bare corners.
    mask = Image.blend(vertical, vertical.transpose(Image.Transpose.ROTATE_90), tilt)
    mask = mask.resize((width, height), Image.Resampling.BILINEAR)
    return Image.composite(
        Image.new("RGB", (width, height), end), Image.new("RGB", (width, height), start), mask
    )


def _draw_shapes(draw: ImageDraw.ImageDraw, digest: bytes, width: int, height: int) -> None:
    outline = max(1, min(width, height) // 200)
    for index in range(4):
        chunk = digest[8 + index * 6 : 14 + index * 6]
        x0, y0 = chunk[0] / 255 * width * 0.8, chunk[1] / 255 * height * 0.8
        x1 = x0 + (0.1 + chunk[2] / 255 * 0.3) * width
        y1 = y0 + (0.1 + chunk[3] / 255 * 0.3) * height
        fill = (chunk[4], chunk[5], chunk[0] ^ chunk[5])
        box = (x0, y0, x1, y1)
        if chunk[4] % 2:
            draw.ellipse(box, fill=fill, outline="white", width=outline)
        else:
            draw.rectangle(box, fill=fill, outline="white", width=outline)


def _draw_caption(
    draw: ImageDraw.ImageDraw,
    width: int,
    height: int,
    seed: int,
    aspect: str,
    size: str,
    prompt: str,
    thought: bool,
) -> None:
    short_side = min(width, height)
    title = "SANDBOX THOUGHT" if thought else "SANDBOX"
    excerpt = prompt if len(prompt) <= _EXCERPT_CHARS else prompt[: _EXCERPT_CHARS - 1] + "…"
    centre = width / 2
    lines = (
        (title, caption_font(max(6, short_side // 7)), height * 0.42),
        (f"seed {seed} · {aspect} · {size}", caption_font(max(4, short_side // 22)), height * 0.58),
        (excerpt, caption_font(max(4, short_side // 26)), height * 0.68),
    )
    stroke = max(1, short_side // 256)
    for text, font, y in lines:
        draw.text(
            (centre, y), text, font=font, anchor="mm", fill="white",
            stroke_width=stroke, stroke_fill="black",
        )  # fmt: skip


@lru_cache(maxsize=32)
def caption_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size)
