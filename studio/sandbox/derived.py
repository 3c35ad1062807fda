"""Answers to refine, edit and vary requests: the input image itself, scaled to the size
asked for, tinted and stamped with what was done, so a derived draft visibly comes from its
parent. The sandbox reads what the request asks for the way a person would: from its words
and from whether it continues an earlier answer."""

from __future__ import annotations

import colorsys
import io
import re

from PIL import Image, ImageDraw, ImageOps

from studio.sandbox.images import caption_font, image_dimensions, png_info
from studio.sandbox.parsing import ImageRequest

_TINTS = {"REFINE": (70, 150, 255), "EDIT": (255, 170, 40), "VARY": (190, 90, 255)}
_VARY = re.compile(r"\bvariation\b", re.IGNORECASE)
_REFINE = re.compile(r"\b(refine|render this image again|higher quality)\b", re.IGNORECASE)
_EDIT = re.compile(r"\bedit\b", re.IGNORECASE)
_BOLD = re.compile(r"\b(bold|strong)\b", re.IGNORECASE)


def derivation_of(request: ImageRequest) -> str | None:
    """REFINE, EDIT or VARY; None for a fresh image (references only guide it)."""
    if request.source_image is None:
        return None
    if request.continues:
        return "EDIT"
    for label, words in (("VARY", _VARY), ("REFINE", _REFINE), ("EDIT", _EDIT)):
        if words.search(request.prompt):
            return label
    return None


def _tint(label: str, seed: int) -> tuple[int, int, int]:
    """The kind's colour, its hue nudged by the seed so that variations differ visibly."""
    red, green, blue = (c / 255 for c in _TINTS[label])
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    hue = (hue + ((seed % 7) - 3) * 0.03) % 1.0
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, saturation)
    return round(red * 255), round(green * 255), round(blue * 255)


def render_derived(
    request: ImageRequest, label: str, model_id: str, seed: int, pixel_scale: float
) -> bytes:
    assert request.source_image is not None
    width, height = image_dimensions(request.aspect, request.size, pixel_scale)
    with Image.open(io.BytesIO(request.source_image)) as source:
        image = ImageOps.fit(source.convert("RGB"), (width, height), Image.Resampling.BILINEAR)
    if label == "VARY" and _BOLD.search(request.prompt):
        image = ImageOps.mirror(image)  # a bold variation moves things around
    tint = Image.new("RGB", image.size, _tint(label, seed))
    image = Image.blend(image, tint, 0.28)
    draw = ImageDraw.Draw(image)
    short_side = min(width, height)
    band = max(4, short_side // 6)
    draw.rectangle((0, 0, width, band), fill=(0, 0, 0))
    draw.text(
        (width / 2, band * 0.4), f"{label} · {model_id} · {request.size}",
        font=caption_font(max(4, short_side // 18)), anchor="mm", fill="white",
    )  # fmt: skip
    draw.text(
        (width / 2, band * 0.8), f"seed {seed}", font=caption_font(max(3, short_side // 30)),
        anchor="mm", fill=(200, 200, 200),
    )  # fmt: skip
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1, pnginfo=png_info())
    return buffer.getvalue()
