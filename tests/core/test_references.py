"""Reference images: read, guarded, downscaled, refused in one sentence."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from studio.core.gemini import ReferenceError, load_reference
from studio.core.gemini.references import MAX_REFERENCE_EDGE


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def test_small_png_is_sent_as_is(tmp_path: Path):
    path = tmp_path / "ref.png"
    Image.new("RGB", (300, 200), "teal").save(path)
    reference = load_reference(path)
    assert reference.data == path.read_bytes()
    assert reference.mime_type == "image/png"
    assert reference.source_name == "ref.png"


def test_large_image_is_downscaled(tmp_path: Path):
    path = tmp_path / "big.jpg"
    Image.new("RGB", (4000, 3000), "orange").save(path, quality=95)
    reference = load_reference(path)
    with Image.open(io.BytesIO(reference.data)) as image:
        assert max(image.size) == MAX_REFERENCE_EDGE
    assert reference.mime_type == "image/jpeg"


def test_transparency_survives_downscaling(tmp_path: Path):
    path = tmp_path / "cut-out.png"
    Image.new("RGBA", (3000, 1000), (0, 0, 0, 0)).save(path)
    reference = load_reference(path)
    assert reference.mime_type == "image/png"
    with Image.open(io.BytesIO(reference.data)) as image:
        assert image.mode == "RGBA"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"just some text", "is not an image"),
        ("cut.png", None, "damaged"),
        ("bomb.png", _png_header_only(40_000, 40_000), "too large"),
        ("huge.png", _png_header_only(9_000, 9_000), "9000×9000 pixels"),
    ],
)
def test_bad_references_get_one_sentence(tmp_path: Path, name, content, message):
    path = tmp_path / name
    if content is None:
        full = io.BytesIO()
        Image.new("RGB", (500, 500), "red").save(full, "PNG")
        content = full.getvalue()[:200]
    path.write_bytes(content)
    with pytest.raises(ReferenceError, match=message) as caught:
        load_reference(path)
    assert "\n" not in str(caught.value)


def test_missing_file(tmp_path: Path):
    with pytest.raises(ReferenceError, match=r"Cannot read reference image 'nope\.png'"):
        load_reference(tmp_path / "nope.png")
