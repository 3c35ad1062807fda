"""What an export produces: format, size, colour and metadata choices, and the named presets."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum

Colour = tuple[int, int, int]

WHITE: Colour = (255, 255, 255)
DEFAULT_TEMPLATE = "{date}_{batch}-{index}_{prompt:40}"
YOUTUBE_MAX_BYTES = 2 * 1000 * 1000


class ExportFormat(StrEnum):
    ORIGINAL = "original"
    PNG = "png"
    JPEG = "jpeg"
    WEBP = "webp"

    @property
    def extension(self) -> str | None:
        """None for Original: the copy keeps whatever extension the library file has."""
        return {"png": ".png", "jpeg": ".jpg", "webp": ".webp"}.get(self.value)


class ResizeMode(StrEnum):
    NONE = "none"
    LONG_EDGE = "long-edge"
    FIT = "fit"  # exact W×H, whole image visible, padded with `pad_colour`
    FILL = "fill"  # exact W×H, centre crop


@dataclass(frozen=True, slots=True)
class Resize:
    mode: ResizeMode = ResizeMode.NONE
    width: int = 0  # the long edge for LONG_EDGE
    height: int = 0
    pad_colour: Colour = WHITE

    def describe(self) -> str:
        if self.mode == ResizeMode.NONE:
            return "none"
        if self.mode == ResizeMode.LONG_EDGE:
            return f"long edge {self.width} px"
        return f"{self.width}×{self.height} {self.mode.value}"


class MetadataChoice(StrEnum):
    """What the three metadata fields can mean together, as one choice (what the CLI's
    default, --sidecar and --strip-metadata say)."""

    EMBED = "embed"  # in each converted file; an Original copy stays byte for byte
    EMBED_AND_SIDECAR = "embed+sidecar"  # also a .json beside each, and an .xmp beside Originals
    STRIP = "strip"  # none at all


@dataclass(frozen=True, slots=True)
class ExportSettings:
    format: ExportFormat = ExportFormat.ORIGINAL
    quality: int = 90  # JPEG and lossy WebP, 1..100
    lossless: bool = False  # WebP only
    resize: Resize = Resize()
    background: Colour = WHITE  # what alpha is flattened onto for JPEG
    keep_icc: bool = True  # False: convert to sRGB and embed no profile
    max_bytes: int | None = None  # lossy formats step the quality down until the file fits
    name_template: str = DEFAULT_TEMPLATE
    embed_metadata: bool = True
    sidecar: bool = False  # JSON beside every file, plus XMP beside Original copies
    strip_metadata: bool = False  # wins over embed_metadata and sidecar

    def validate(self) -> None:
        """Raises ValueError with a sentence the CLI can print as it is."""
        if not 1 <= self.quality <= 100:
            raise ValueError("Quality is a whole number from 1 to 100.")
        if self.format == ExportFormat.ORIGINAL and self.resize.mode != ResizeMode.NONE:
            raise ValueError("Original copies the file byte for byte, so it cannot be resized.")
        if self.resize.mode != ResizeMode.NONE and self.resize.width < 1:
            raise ValueError("A resize needs a size of at least 1 pixel.")
        if self.resize.mode in (ResizeMode.FIT, ResizeMode.FILL) and self.resize.height < 1:
            raise ValueError("A resize to exact size needs both width and height.")
        if max(self.resize.width, self.resize.height) > 16384:
            raise ValueError("Exports are limited to 16384 pixels on a side.")
        if self.max_bytes is not None and self.max_bytes < 1:
            raise ValueError("The size limit must be positive.")

    def describe(self) -> str:
        """What the files will be, in a few words: 'JPEG · 1280×720 fill · quality 92'."""
        if self.format == ExportFormat.ORIGINAL:
            return "The library file, byte for byte"
        parts = [self.format.value.upper()]
        if self.resize.mode != ResizeMode.NONE:
            parts.append(self.resize.describe())
        if self.format == ExportFormat.WEBP and self.lossless:
            parts.append("lossless")
        elif self.format != ExportFormat.PNG:
            parts.append(f"quality {self.quality}")
        if self.max_bytes:
            parts.append(f"under {self.max_bytes / 1_000_000:g} MB")
        return " · ".join(parts)

    @property
    def writes_embedded_metadata(self) -> bool:
        return (
            self.embed_metadata and not self.strip_metadata and self.format != ExportFormat.ORIGINAL
        )

    @property
    def writes_sidecars(self) -> bool:
        return self.sidecar and not self.strip_metadata

    @property
    def metadata(self) -> MetadataChoice:
        """The choice these fields amount to; sidecars without embedding (a hand-edited
        preset) count as both, since the choice has no such option."""
        if self.strip_metadata or not (self.embed_metadata or self.sidecar):
            return MetadataChoice.STRIP
        return MetadataChoice.EMBED_AND_SIDECAR if self.sidecar else MetadataChoice.EMBED

    def with_metadata(self, choice: MetadataChoice) -> ExportSettings:
        return replace(
            self,
            embed_metadata=choice != MetadataChoice.STRIP,
            sidecar=choice == MetadataChoice.EMBED_AND_SIDECAR,
            strip_metadata=choice == MetadataChoice.STRIP,
        )


@dataclass(frozen=True, slots=True)
class Preset:
    id: str
    label: str
    settings: ExportSettings


def _exact(width: int, height: int, mode: ResizeMode = ResizeMode.FILL) -> Resize:
    return Resize(mode, width, height)


PRESETS: dict[str, Preset] = {
    preset.id: preset
    for preset in (
        Preset("original", "Original", ExportSettings()),
        Preset(
            "youtube",
            "YouTube thumbnail",
            # The best quality that fits: start at the top, step down until under 2 MB.
            ExportSettings(
                ExportFormat.JPEG,
                quality=100,
                resize=_exact(1280, 720),
                max_bytes=YOUTUBE_MAX_BYTES,
            ),
        ),
        Preset(
            "instagram-portrait",
            "Instagram portrait",
            ExportSettings(ExportFormat.JPEG, quality=92, resize=_exact(1080, 1350)),
        ),
        Preset(
            "square",
            "Square post",
            ExportSettings(ExportFormat.JPEG, quality=92, resize=_exact(1080, 1080)),
        ),
        Preset(
            "web",
            "Web",
            ExportSettings(
                ExportFormat.WEBP, quality=85, resize=Resize(ResizeMode.LONG_EDGE, 2048)
            ),
        ),
        Preset("print", "Print-ready PNG", ExportSettings(ExportFormat.PNG)),
    )
}


def preset(preset_id: str) -> ExportSettings:
    """A built-in preset's settings; PresetBook also knows the user's."""
    try:
        return PRESETS[preset_id].settings
    except KeyError:
        known = ", ".join(PRESETS)
        raise ValueError(f"There is no preset '{preset_id}'; choose one of {known}.") from None


def parse_colour(text: str) -> Colour:
    """'#RRGGBB', 'RRGGBB', 'white' or 'black'."""
    named = {"white": WHITE, "black": (0, 0, 0)}
    lowered = text.strip().lower()
    if lowered in named:
        return named[lowered]
    match = re.fullmatch(r"#?([0-9a-f]{6})", lowered)
    if match is None:
        raise ValueError(f"'{text}' is not a colour; use #RRGGBB, white or black.")
    value = int(match.group(1), 16)
    return (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF


_RESIZE = re.compile(
    r"(?P<w>\d+)\s*[x×]\s*(?P<h>\d+)(?:[-:](?P<mode>fit|pad|fill))?(?:[-:](?P<colour>#?\w+))?"
)


def parse_resize(text: str) -> Resize:
    """'none', '2048' (long edge), '1280x720' (fill), '1080x1350-fit', '1080x1350-fit-#000000'.

    'pad' is accepted as another word for fit, because the issue calls it that."""
    spec = text.strip().lower()
    if spec in ("", "none"):
        return Resize()
    if spec.isdigit():
        return Resize(ResizeMode.LONG_EDGE, int(spec))
    match = _RESIZE.fullmatch(spec)
    if match is None:
        raise ValueError(
            f"'{text}' is not a resize; use none, a long edge such as 2048, "
            "or WxH with -fill or -fit[-#RRGGBB] such as 1280x720-fill."
        )
    mode = ResizeMode.FIT if match["mode"] in ("fit", "pad") else ResizeMode.FILL
    colour = parse_colour(match["colour"]) if match["colour"] else WHITE
    if match["colour"] and mode != ResizeMode.FIT:
        raise ValueError("A pad colour only makes sense with -fit.")
    return Resize(mode, int(match["w"]), int(match["h"]), colour)
