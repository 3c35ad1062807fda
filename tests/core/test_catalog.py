from __future__ import annotations

from dataclasses import replace

import pytest

from studio.core.catalog import (
    ALL_RATIOS,
    DRAFT_MODEL,
    Catalog,
    CatalogError,
    pixel_size,
    ratio_groups,
)
from studio.core.engine import BatchSpec


def test_default_models():
    catalog = Catalog()
    lite = catalog.get(DRAFT_MODEL)
    assert lite.sizes == ("1K",)
    assert len(lite.ratios) == 14
    assert lite.price("1K") == pytest.approx(0.0336)
    assert catalog.get("gemini-3.1-flash-image").sizes == ("512", "1K", "2K", "4K")
    pro = catalog.get("gemini-3-pro-image-preview")
    assert "512" not in pro.sizes
    assert "1:4" not in pro.ratios


@pytest.mark.parametrize(
    ("model", "aspect", "size", "message"),
    [
        ("dall-e", "1:1", "1K", "Unknown model 'dall-e'"),
        (DRAFT_MODEL, "7:3", "1K", "does not make 7:3 images"),
        (DRAFT_MODEL, "1:1", "4K", "does not make 4K images; choose 1K"),
        ("gemini-3-pro-image-preview", "1:8", "1K", "does not make 1:8"),
    ],
)
def test_validation_explains(model, aspect, size, message):
    with pytest.raises(CatalogError, match=message):
        Catalog().validate(model, aspect, size)


def test_pixel_sizes():
    assert pixel_size("16:9", "1K") == (1344, 768)
    assert pixel_size("1:1", "2K") == (2048, 2048)
    for ratio in ALL_RATIOS:
        width, height = pixel_size(ratio, "1K")
        w, h = map(int, ratio.split(":"))
        assert abs(width / height - w / h) / (w / h) < 0.1


def test_user_edits_replace_defaults_and_are_checked():
    edited = Catalog().with_overrides([{"id": DRAFT_MODEL, "price_per_image": {"1K": 0.05}}])
    assert edited.get(DRAFT_MODEL).price("1K") == 0.05
    with pytest.raises(CatalogError, match="no price for size 2K"):
        Catalog().with_overrides([{"id": DRAFT_MODEL, "sizes": ["1K", "2K"]}])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"prompt": "   "}, "prompt is empty"),
        ({"count": 0}, "between 1 and"),
        ({"count": -3}, "between 1 and"),
        ({"seed": -1}, "seed must be"),
    ],
)
def test_batch_validation(changes, message):
    fields = {"prompt": "a cat", "model": DRAFT_MODEL, "aspect": "1:1", "size": "1K", "count": 2}
    with pytest.raises(ValueError, match=message):
        BatchSpec(**{**fields, **changes}).validate(Catalog())


def _seeds(spec: BatchSpec) -> list[int | None]:
    return [request.seed for request in spec.plan(Catalog()).requests]


def test_seeds():
    fixed = BatchSpec("a", DRAFT_MODEL, "1:1", "1K", count=3, seed=2**31 - 2)
    assert _seeds(fixed) == [2**31 - 2, 2**31 - 1, 0]
    assert len(set(_seeds(BatchSpec("a", DRAFT_MODEL, "1:1", "1K", count=50)))) == 50


def test_a_fixed_seed_repeats_across_the_combinations_of_a_matrix():
    """Cells of a matrix then differ only by what their prompt says."""
    spec = BatchSpec("a {red|teal} boat", DRAFT_MODEL, "1:1", "1K", count=2, seed=7)
    plan = spec.plan(Catalog())
    assert [(r.prompt, r.seed) for r in plan.requests] == [
        ("a red boat", 7),
        ("a red boat", 8),
        ("a teal boat", 7),
        ("a teal boat", 8),
    ]
    assert plan.record.prompt == "a {red|teal} boat"
    assert plan.record.slot_values == ((("1", "red"),),) * 2 + ((("1", "teal"),),) * 2
    assert plan.expansion == "2 combinations × 2 = 4 drafts"


def test_a_batch_job_is_priced_at_the_batch_price():
    spec = BatchSpec("a boat", DRAFT_MODEL, "1:1", "1K", count=4)
    live, job = spec.plan(Catalog()), replace(spec, batch_job=True).plan(Catalog())
    assert live.unit_price == pytest.approx(0.0336)
    assert job.unit_price == pytest.approx(0.0168)
    assert job.total_price == pytest.approx(live.total_price / 2)


def test_ratios_are_grouped_by_use_with_a_hint_each():
    groups = ratio_groups(ALL_RATIOS)
    assert [group.title for group in groups] == ["Square", "Landscape", "Portrait", "Banners"]
    listed = [choice.ratio for group in groups for choice in group.choices]
    assert listed == list(ALL_RATIOS)  # every ratio once, in the order lists show them
    assert listed[:2] == ["1:1", "16:9"]
    assert all(choice.hint for group in groups for choice in group.choices)
    landscape = {choice.ratio: choice.hint for choice in groups[1].choices}
    assert landscape["16:9"] == "YouTube thumbnail, slide"
    pro = Catalog().get("gemini-3-pro-image-preview")
    assert [group.title for group in ratio_groups(pro.ratios)] == [
        "Square",
        "Landscape",
        "Portrait",
    ]
