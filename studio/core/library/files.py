"""Image files on disk: written whole or not at all, with a small thumbnail beside each."""

from __future__ import annotations

import datetime as dt
import io
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from studio.core.domain import GeneratedImage

THUMB_EDGE = 320
TEMP_SUFFIX = ".partial"
_EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}


@dataclass(frozen=True, slots=True)
class DecodedImage:
    width: int
    height: int
    thumbnail_jpeg: bytes


class UnreadableImage(ValueError):
    """The bytes the service sent do not decode as an image."""


def extension_for(mime_type: str) -> str:
    return _EXTENSIONS.get(mime_type, ".img")


def decode_and_thumbnail(data: bytes) -> DecodedImage:
    """Proves the bytes are a whole image and makes its thumbnail (CPU-heavy: run off the loop)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            width, height = image.size
            thumb = image.convert("RGB")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise UnreadableImage("The service returned image data that does not decode.") from exc
    thumb.thumbnail((THUMB_EDGE, THUMB_EDGE), Image.Resampling.BILINEAR, reducing_gap=2.0)
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=82, optimize=False)
    return DecodedImage(width, height, out.getvalue())


@dataclass(frozen=True, slots=True)
class WrittenImage:
    relative: Path  # to the library root
    thumb_relative: Path
    width: int
    height: int


def write_image(
    root: Path, stem: str, index: int, image: GeneratedImage, owner: str
) -> WrittenImage:
    """Decodes, thumbnails and durably writes one image under this month's folder."""
    decoded = decode_and_thumbnail(image.data)
    name = f"{stem}-{index}-{uuid.uuid4().hex[:8]}"
    folder = Path("images") / dt.datetime.now().strftime("%Y-%m")
    relative = folder / f"{name}{extension_for(image.mime_type)}"
    thumb_relative = folder / f"{name}.thumb.jpg"
    write_atomically(root / relative, image.data, owner)
    write_atomically(root / thumb_relative, decoded.thumbnail_jpeg, owner)
    return WrittenImage(relative, thumb_relative, decoded.width, decoded.height)


def write_atomically(path: Path, data: bytes, owner: str) -> None:
    """Temp file, fsync, rename, fsync the folder: after a crash the name holds all or nothing.

    The temp name carries the writing session, so that cleanup after a crash never touches
    a file another live process is still writing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.{owner}{TEMP_SUFFIX}")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_folder(path.parent)


def fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a folder for fsync; NTFS journals the rename itself.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_partial_files(images_root: Path, owner_is_dead: Callable[[str], bool]) -> int:
    """Deletes temp files that dead sessions left behind; returns how many."""
    removed = 0
    if images_root.is_dir():
        for temp in images_root.rglob(f"*{TEMP_SUFFIX}"):
            owner = temp.name.removesuffix(TEMP_SUFFIX).rsplit(".", 1)[-1]
            if owner_is_dead(owner):
                temp.unlink(missing_ok=True)
                removed += 1
    return removed
