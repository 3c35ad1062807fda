"""One image in, the bytes of the exported file out: resize, colour, encode, size limit.

Pure and CPU-bound (Pillow releases the GIL while it resizes and encodes), so the engine
can run several at once."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageCms, ImageOps

from studio.core.export.metadata import DraftFacts, exif_bytes, png_info, xmp_packet
from studio.core.export.presets import Colour, ExportFormat, ExportSettings, ResizeMode

RESAMPLE = Image.Resampling.LANCZOS
QUALITY_STEP = 5
MIN_QUALITY = 30  # below this a thumbnail looks broken; failing says so instead


class EncodeError(Exception):
    """The image cannot be exported with these settings; the message says why."""


@dataclass(frozen=True, slots=True)
class Encoded:
    data: bytes
    width: int
    height: int
    quality: int | None  # what the lossy encoder ended up using


def resize(image: Image.Image, settings: ExportSettings) -> Image.Image:
    spec = settings.resize
    if spec.mode == ResizeMode.NONE:
        return image
    if spec.mode == ResizeMode.LONG_EDGE:
        scale = spec.width / max(image.size)
        if scale >= 1:
            return image  # never upscale to reach a long edge: it only adds blur and bytes
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        return image.resize(size, RESAMPLE, reducing_gap=3.0)
    target = (spec.width, spec.height)
    if spec.mode == ResizeMode.FILL:
        return ImageOps.fit(image, target, RESAMPLE, centering=(0.5, 0.5))
    pad: Colour | tuple[int, int, int, int] = spec.pad_colour
    if image.mode in ("RGBA", "LA"):
        pad = (*spec.pad_colour, 255)
    return ImageOps.pad(image, target, RESAMPLE, color=pad, centering=(0.5, 0.5))


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )


def _normalise_mode(image: Image.Image, fmt: ExportFormat, background: Colour) -> Image.Image:
    """Modes each encoder accepts; alpha is flattened onto `background` for JPEG."""
    alpha = _has_alpha(image)
    if fmt == ExportFormat.JPEG:
        if alpha:
            rgba = image.convert("RGBA")
            flat = Image.new("RGB", rgba.size, background)
            flat.paste(rgba, mask=rgba.getchannel("A"))
            return flat
        return image if image.mode in ("RGB", "L") else image.convert("RGB")
    if fmt == ExportFormat.WEBP:
        wanted = "RGBA" if alpha else "RGB"
        return image if image.mode == wanted else image.convert(wanted)
    # PNG stores almost anything; only CMYK and the odd modes need converting.
    if image.mode in ("RGB", "RGBA", "L", "LA", "P", "I;16"):
        return image
    return image.convert("RGBA" if alpha else "RGB")


def _to_srgb(image: Image.Image, icc: bytes) -> Image.Image:
    """When the profile is not kept, the pixels are converted so that 'sRGB assumed' is true."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        srgb = ImageCms.createProfile("sRGB")
        mode = "RGBA" if _has_alpha(image) else "RGB"
        converted = ImageCms.profileToProfile(image.convert(mode), source, srgb, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # an unreadable profile: the pixels are most likely sRGB already
    return converted if converted is not None else image


def _save(image: Image.Image, fmt: ExportFormat, options: dict[str, Any]) -> bytes:
    out = io.BytesIO()
    name = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}[fmt.value]
    try:
        image.save(out, name, **options)
    except OSError:
        if not options.get("optimize") and not options.get("progressive"):
            raise
        # Pillow sizes the buffer of an optimised JPEG at one byte per pixel; very detailed
        # images at high quality need more and fail ("Suspension not allowed here"). A
        # baseline JPEG streams instead, at a few per cent more bytes.
        out = io.BytesIO()
        image.save(out, name, **{**options, "optimize": False, "progressive": False})
    return out.getvalue()


def encode(source: Path, settings: ExportSettings, facts: DraftFacts) -> Encoded:
    """Reads `source` and returns the exported file's bytes (Original is handled by the caller)."""
    fmt = settings.format
    try:
        with Image.open(source) as opened:
            opened.load()
            image: Image.Image = opened.copy()
    except FileNotFoundError:
        raise EncodeError("the original image file is missing from the library") from None
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise EncodeError("the original image file cannot be decoded") from None
    icc = image.info.get("icc_profile")
    if icc and not settings.keep_icc:
        image = _to_srgb(image, icc)
        icc = None
    image = _normalise_mode(resize(image, settings), fmt, settings.background)

    options: dict[str, Any] = {}
    if icc:
        options["icc_profile"] = icc
    if settings.writes_embedded_metadata:
        xmp = xmp_packet(facts)
        if fmt == ExportFormat.PNG:
            options["pnginfo"] = png_info(facts, xmp)
        else:
            options["xmp"] = xmp
            options["exif"] = exif_bytes(facts)
    if fmt == ExportFormat.PNG:
        options["optimize"] = False  # optimize triples the time for a few per cent
        options["compress_level"] = 6
        return Encoded(_save(image, fmt, options), image.width, image.height, None)
    if fmt == ExportFormat.WEBP and settings.lossless:
        options.update(lossless=True, quality=80, method=4)
        data = _save(image, fmt, options)
        if settings.max_bytes is not None and len(data) > settings.max_bytes:
            raise EncodeError(
                f"a lossless WebP is {len(data):,} bytes, over the {settings.max_bytes:,} limit"
            )
        return Encoded(data, image.width, image.height, None)

    if fmt == ExportFormat.JPEG:
        options.update(optimize=True, progressive=True)
    else:
        options.update(method=4)
    quality = settings.quality
    while True:
        if fmt == ExportFormat.JPEG:
            # Full-resolution colour at high quality keeps red text and thin edges crisp
            # (what thumbnails are full of); below 90 halving it is not visible.
            options["subsampling"] = "4:4:4" if quality >= 90 else "4:2:0"
        data = _save(image, fmt, {**options, "quality": quality})
        if settings.max_bytes is None or len(data) <= settings.max_bytes:
            return Encoded(data, image.width, image.height, quality)
        if quality <= MIN_QUALITY:
            raise EncodeError(
                f"even at quality {quality} the file is {len(data):,} bytes, "
                f"over the {settings.max_bytes:,} limit"
            )
        # Step down, not bisect: the first size that fits is the best-looking one.
        quality = max(MIN_QUALITY, quality - QUALITY_STEP)
