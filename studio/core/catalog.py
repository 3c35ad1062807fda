"""The image models Draft Studio knows: what each accepts and what it costs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

DRAFT_MODEL = "gemini-3.1-flash-lite-image"

# In the order of RATIO_GROUPS below, so that lists of them lead with the everyday shapes.
ALL_RATIOS: tuple[str, ...] = (
    "1:1", "16:9", "3:2", "4:3", "21:9", "5:4", "9:16",
    "2:3", "3:4", "4:5", "4:1", "8:1", "1:4", "1:8",
)  # fmt: skip
CLASSIC_RATIOS: tuple[str, ...] = (
    "1:1", "16:9", "3:2", "4:3", "21:9", "5:4", "9:16", "2:3", "3:4", "4:5",
)  # fmt: skip

# Output pixel sizes at 1K, from Google's published table; the four extreme ratios keep
# the same pixel budget on a 16 px grid.
_ONE_K_PIXELS: dict[str, tuple[int, int]] = {
    "1:1": (1024, 1024),
    "2:3": (832, 1248),
    "3:2": (1248, 832),
    "3:4": (864, 1184),
    "4:3": (1184, 864),
    "4:5": (896, 1152),
    "5:4": (1152, 896),
    "9:16": (768, 1344),
    "16:9": (1344, 768),
    "21:9": (1536, 672),
    "1:4": (512, 2048),
    "4:1": (2048, 512),
    "1:8": (384, 3072),
    "8:1": (3072, 384),
}
_SIZE_SCALE: dict[str, float] = {"512": 0.5, "1K": 1.0, "2K": 2.0, "4K": 4.0}
RATIO_NAMES = frozenset(_ONE_K_PIXELS)


@dataclass(frozen=True, slots=True)
class RatioChoice:
    ratio: str
    hint: str  # what the shape is for, in a few words


@dataclass(frozen=True, slots=True)
class RatioGroup:
    title: str
    choices: tuple[RatioChoice, ...]


# The ratios by what people make with them, the everyday shapes first: an aspect picker
# lists them in this order, under these titles.
RATIO_GROUPS: tuple[RatioGroup, ...] = (
    RatioGroup("Square", (RatioChoice("1:1", "avatar, feed"),)),
    RatioGroup(
        "Landscape",
        (
            RatioChoice("16:9", "YouTube thumbnail, slide"),
            RatioChoice("3:2", "photo print"),
            RatioChoice("4:3", "classic photo, tablet"),
            RatioChoice("21:9", "cinematic, website hero"),
            RatioChoice("5:4", "large print, frame"),
        ),
    ),
    RatioGroup(
        "Portrait",
        (
            RatioChoice("9:16", "story, short"),
            RatioChoice("2:3", "poster, pin"),
            RatioChoice("3:4", "phone photo, product"),
            RatioChoice("4:5", "feed post"),
        ),
    ),
    RatioGroup(
        "Banners",
        (
            RatioChoice("4:1", "site header, LinkedIn banner"),
            RatioChoice("8:1", "leaderboard ad, strip"),
            RatioChoice("1:4", "skyscraper ad"),
            RatioChoice("1:8", "tall side banner"),
        ),
    ),
)


def ratio_groups(ratios: Iterable[str]) -> list[RatioGroup]:
    """RATIO_GROUPS cut down to these ratios (a model's), empty groups left out."""
    offered = set(ratios)
    groups = []
    for group in RATIO_GROUPS:
        choices = tuple(choice for choice in group.choices if choice.ratio in offered)
        if choices:
            groups.append(RatioGroup(group.title, choices))
    return groups


def pixel_size(aspect: str, size: str) -> tuple[int, int]:
    """The width and height the service returns for an aspect ratio at a size."""
    width, height = _ONE_K_PIXELS[aspect]
    scale = _SIZE_SCALE[size]
    return int(width * scale), int(height * scale)


class CatalogError(ValueError):
    """A request asks for something the chosen model cannot do; the message says what."""


@dataclass(frozen=True, slots=True)
class ModelSpec:
    id: str
    label: str
    role: str  # "draft" or "refine"
    sizes: tuple[str, ...]
    ratios: tuple[str, ...]
    price_per_image: Mapping[str, float]  # USD per output image, by size
    input_price_per_mtok: float = 0.0
    thinking_levels: tuple[str, ...] = ()
    max_reference_images: int = 14
    # What a Batch API job pays of the live price, for images and input tokens alike.
    batch_factor: float = 0.5

    def price(self, size: str, *, batch: bool = False) -> float:
        return self.price_per_image[size] * (self.batch_factor if batch else 1.0)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "role": self.role,
            "sizes": list(self.sizes),
            "ratios": list(self.ratios),
            "price_per_image": dict(self.price_per_image),
            "input_price_per_mtok": self.input_price_per_mtok,
            "thinking_levels": list(self.thinking_levels),
            "max_reference_images": self.max_reference_images,
            "batch_factor": self.batch_factor,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ModelSpec:
        spec = cls(
            id=str(data["id"]),
            label=str(data.get("label", data["id"])),
            role=str(data.get("role", "refine")),
            sizes=tuple(str(s) for s in data["sizes"]),
            ratios=tuple(str(r) for r in data["ratios"]),
            price_per_image={str(k): float(v) for k, v in data["price_per_image"].items()},
            input_price_per_mtok=float(data.get("input_price_per_mtok", 0.0)),
            thinking_levels=tuple(str(t) for t in data.get("thinking_levels", ())),
            max_reference_images=int(data.get("max_reference_images", 14)),
            batch_factor=float(data.get("batch_factor", 0.5)),
        )
        spec.check()
        return spec

    def check(self) -> None:
        unknown_sizes = [s for s in self.sizes if s not in _SIZE_SCALE]
        unknown_ratios = [r for r in self.ratios if r not in _ONE_K_PIXELS]
        if unknown_sizes or unknown_ratios or not self.sizes or not self.ratios:
            raise CatalogError(f"Model {self.id} lists sizes or ratios Draft Studio cannot draw.")
        missing = [s for s in self.sizes if s not in self.price_per_image]
        if missing:
            raise CatalogError(f"Model {self.id} has no price for size {', '.join(missing)}.")
        if not 0 < self.batch_factor <= 1:
            raise CatalogError(f"Model {self.id} needs a batch_factor above 0 and at most 1.")


DEFAULT_MODELS: tuple[ModelSpec, ...] = (
    ModelSpec(
        id=DRAFT_MODEL,
        label="Nano Banana 2 Lite",
        role="draft",
        sizes=("1K",),
        ratios=ALL_RATIOS,
        price_per_image={"1K": 0.0336},
        input_price_per_mtok=0.25,
        thinking_levels=("minimal", "high"),
    ),
    ModelSpec(
        id="gemini-3.1-flash-image",
        label="Nano Banana 2",
        role="refine",
        sizes=("512", "1K", "2K", "4K"),
        ratios=ALL_RATIOS,
        price_per_image={"512": 0.045, "1K": 0.067, "2K": 0.101, "4K": 0.151},
        input_price_per_mtok=0.50,
        thinking_levels=("minimal", "high"),
    ),
    ModelSpec(
        id="gemini-3-pro-image-preview",
        label="Nano Banana Pro",
        role="refine",
        sizes=("1K", "2K", "4K"),
        ratios=CLASSIC_RATIOS,
        price_per_image={"1K": 0.134, "2K": 0.134, "4K": 0.24},
        input_price_per_mtok=2.0,
    ),
)


@dataclass(frozen=True, slots=True)
class Catalog:
    models: tuple[ModelSpec, ...] = field(default=DEFAULT_MODELS)

    def ids(self) -> list[str]:
        return [m.id for m in self.models]

    def get(self, model_id: str) -> ModelSpec:
        for model in self.models:
            if model.id == model_id:
                return model
        raise CatalogError(f"Unknown model '{model_id}'. Known models: {', '.join(self.ids())}.")

    def with_overrides(self, overrides: Iterable[Mapping[str, Any]]) -> Catalog:
        """The catalog with user-edited entries replacing or adding to the defaults."""
        by_id = {m.id: m for m in self.models}
        for entry in overrides:
            base = by_id.get(str(entry.get("id", "")))
            merged = {**base.to_json(), **entry} if base else dict(entry)
            by_id[str(merged["id"])] = ModelSpec.from_json(merged)
        return Catalog(tuple(by_id.values()))

    def validate(self, model_id: str, aspect: str, size: str) -> ModelSpec:
        """The model's spec, or a CatalogError that tells the user what the model supports."""
        spec = self.get(model_id)
        if aspect not in spec.ratios:
            raise CatalogError(
                f"{spec.label} does not make {aspect} images; "
                f"choose one of {', '.join(spec.ratios)}."
            )
        if size not in spec.sizes:
            raise CatalogError(
                f"{spec.label} does not make {size} images; choose {' or '.join(spec.sizes)}."
            )
        return spec

    def replace_model(self, spec: ModelSpec) -> Catalog:
        spec.check()
        return Catalog(tuple(spec if m.id == spec.id else m for m in self.models))


def cost_of(
    spec: ModelSpec, size: str, billed_images: int, prompt_tokens: int, *, batch: bool = False
) -> float:
    """USD for one response: every image the service returned (duplicates are billed too)
    plus the input tokens; at the batch price for an answer from a Batch API job."""
    output = spec.price(size) * billed_images
    tokens = prompt_tokens * spec.input_price_per_mtok / 1_000_000
    return round((output + tokens) * (spec.batch_factor if batch else 1.0), 6)
