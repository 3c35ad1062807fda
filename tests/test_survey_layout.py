"""The survey's layout: every image at its own aspect, all inside the area, as large as the
row counts allow."""

from __future__ import annotations

import itertools

import pytest

from studio.ui.survey.layout import Rect, survey_layout


def _inside(rect: Rect, width: float, height: float) -> bool:
    eps = 1e-6
    return (
        rect.x >= -eps
        and rect.y >= -eps
        and rect.x + rect.width <= width + eps
        and rect.y + rect.height <= height + eps
    )


def _overlap(a: Rect, b: Rect) -> bool:
    return (
        a.x < b.x + b.width - 1e-6
        and b.x < a.x + a.width - 1e-6
        and a.y < b.y + b.height - 1e-6
        and b.y < a.y + a.height - 1e-6
    )


@pytest.mark.parametrize(
    "aspects",
    [
        [1.0, 1.0],
        [16 / 9, 9 / 16],
        [1.0] * 12,
        [16 / 9, 9 / 16, 1.0, 4 / 3, 3 / 4, 21 / 9],
        [3 / 2, 2 / 3, 1.0],
    ],
)
@pytest.mark.parametrize("size", [(1200.0, 700.0), (500.0, 900.0)])
def test_every_image_keeps_its_aspect_inside_the_area_without_overlap(aspects, size):
    width, height = size
    rects = survey_layout(aspects, width, height, gap=8, caption=20)
    assert len(rects) == len(aspects)
    for rect, aspect in zip(rects, aspects, strict=True):
        assert rect.width > 0
        assert rect.width / rect.height == pytest.approx(aspect)
        assert _inside(rect, width, height - 20)  # the last caption fits below too
    for a, b in itertools.combinations(rects, 2):
        assert not _overlap(a, b)


def test_two_wide_images_stack_in_a_tall_area_and_sit_side_by_side_in_a_wide_one():
    wide = [2.0, 2.0]
    tall_area = survey_layout(wide, 600, 900, gap=0)
    assert tall_area[0].x == tall_area[1].x  # one above the other
    assert tall_area[0].width == pytest.approx(600)
    wide_area = survey_layout(wide, 1600, 400, gap=0)
    assert wide_area[0].y == wide_area[1].y  # side by side
    assert wide_area[0].width + wide_area[1].width == pytest.approx(1600)


def test_the_row_count_that_shows_the_most_image_wins():
    aspects = [16 / 9, 9 / 16, 1.0, 4 / 3, 3 / 4, 21 / 9]
    rects = survey_layout(aspects, 1100, 760, gap=8)
    best = sum(r.width * r.height for r in rects)
    # Six in one row: each as tall as the row that fills the width.
    row_height = (1100 - 5 * 8) / sum(aspects)
    one_row = sum(a * row_height * row_height for a in aspects)
    assert best > 2 * one_row
    assert len({r.y for r in rects}) in (2, 3)
    # Two squares in a wide, low area: side by side, as tall as the area.
    pair = survey_layout([1.0, 1.0], 1000, 400, gap=8)
    assert pair[0].y == pair[1].y
    assert pair[0].height == pytest.approx(400)


def test_the_images_are_centred_and_touch_two_opposite_edges():
    rects = survey_layout([1.0, 1.0, 1.0], 1000, 400, gap=10)
    left = min(r.x for r in rects)
    right = max(r.x + r.width for r in rects)
    top = min(r.y for r in rects)
    bottom = max(r.y + r.height for r in rects)
    assert left == pytest.approx(1000 - right)
    assert top == pytest.approx(400 - bottom)
    assert top == pytest.approx(0) or left == pytest.approx(0)


def test_nothing_to_lay_out_or_no_room():
    assert survey_layout([], 800, 600) == []
    assert survey_layout([1.0], 0, 600) == []
    squeezed = survey_layout([1.0, 1.0], 800, 10, gap=8, caption=20)
    assert all(r.width == 0 for r in squeezed)
