"""The grid's justified layout, without Qt: cells shaped as their pictures, lines that fill
the width, one line height per batch."""

from __future__ import annotations

import pytest

from studio.core.catalog import pixel_size
from studio.models.grid_geometry import GridFrame, GridGeometry, justify, line_height

FRAME = GridFrame(room=1000, tile=192, spacing=8, pad=8)
WIDE = 1344 / 768  # what the service sends for 16:9


def picture(cell: tuple[int, int], frame: GridFrame = FRAME) -> tuple[int, int]:
    return cell[0] - 2 * frame.pad, cell[1] - 2 * frame.pad


def lines(cells: list[tuple[int, int]], frame: GridFrame = FRAME) -> list[list[tuple[int, int]]]:
    """The cells grouped as QListView flows them: on along a line while they fit."""
    grouped: list[list[tuple[int, int]]] = []
    used = frame.room + 1
    for cell in cells:
        if used + frame.spacing + cell[0] > frame.room:
            grouped.append([])
            used = -frame.spacing
        grouped[-1].append(cell)
        used += frame.spacing + cell[0]
    return grouped


def line_width(line: list[tuple[int, int]], frame: GridFrame = FRAME) -> int:
    return sum(width for width, _ in line) + frame.spacing * (len(line) - 1)


def test_a_16_9_batch_gets_16_9_cells_that_fill_each_line():
    cells = justify([WIDE] * 12, FRAME)

    assert len(cells) == 12
    for cell in cells:
        width, height = picture(cell)
        # No letterbox: the picture fills its cell but for rounding to whole pixels.
        assert width == pytest.approx(height * WIDE, abs=1.5)
    grouped = lines(cells)
    assert [len(line) for line in grouped] == [4, 4, 4]
    assert all(line_width(line) == FRAME.room for line in grouped)
    assert len(set(cells)) <= 2  # one shape, a pixel apart where the width does not divide


def test_square_drafts_stay_square_and_the_last_line_keeps_the_batch_height():
    cells = justify([1.0] * 7, FRAME)

    grouped = lines(cells)
    assert [len(line) for line in grouped] == [5, 2]
    assert line_width(grouped[0]) == FRAME.room
    for cell in cells:
        width, height = picture(cell)
        assert abs(width - height) <= 1
    # The short last line is not stretched to the width: its cells match the line above.
    assert grouped[1] == grouped[0][:2]
    assert line_width(grouped[1]) < FRAME.room


def test_a_batch_that_does_not_fill_a_line_keeps_the_tile_size():
    (cell,) = justify([1.0], FRAME)
    assert cell == (FRAME.tile, FRAME.tile)


def test_every_shape_gets_about_the_area_of_a_square_tile():
    square = (FRAME.tile - 2 * FRAME.pad) ** 2
    for ratio in ("16:9", "9:16", "3:2", "4:5", "21:9", "4:1"):
        width, height = pixel_size(ratio, "1K")
        (cell,) = justify([width / height], FRAME)
        inner = picture(cell)
        assert inner[0] * inner[1] == pytest.approx(square, rel=0.03), ratio
    # The extreme banners are held to a readable height or width.
    (tall,) = justify([1 / 8], FRAME)
    assert picture(tall)[1] == round(line_height(1 / 8, FRAME))
    assert picture(tall)[1] <= 2.5 * (FRAME.tile - 2 * FRAME.pad)


def test_larger_tiles_put_fewer_cells_on_a_line():
    small = lines(justify([WIDE] * 12, GridFrame(1000, 128, 8, 8)))
    large = lines(justify([WIDE] * 12, GridFrame(1000, 384, 8, 8)))
    assert len(small[0]) > 3 > len(large[0])


def test_a_picture_wider_than_the_view_gets_a_line_of_its_own_scaled_to_fit():
    cells = justify([8.0, 8.0], GridFrame(room=400, tile=384, spacing=8, pad=8))
    assert [width for width, _ in cells] == [400, 400]


def test_mixed_shapes_in_one_batch_share_a_line_height_and_fill_the_line():
    aspects = [WIDE, 1.0, 0.75, WIDE, 1.5, 1.0, 0.8, WIDE]
    cells = justify(aspects, FRAME)

    for cell, aspect in zip(cells, aspects, strict=True):
        width, height = picture(cell)
        assert width == pytest.approx(height * aspect, abs=1.5)
    grouped = lines(cells)
    for line in grouped[:-1]:
        assert line_width(line) == FRAME.room
        assert len({height for _, height in line}) == 1


def test_each_batch_starts_its_own_lines_and_headers_have_no_cell():
    rows: list[float | None] = [None, WIDE, WIDE, None, 1.0, 1.0, 1.0]
    geometry = GridGeometry(lambda: rows)
    assert geometry.size_at(1) is None  # no frame yet: nothing laid out

    geometry.set_frame(FRAME)

    assert geometry.size_at(0) is None
    assert geometry.size_at(3) is None
    assert [geometry.size_at(row) for row in (1, 2)] == justify([WIDE, WIDE], FRAME)
    assert [geometry.size_at(row) for row in (4, 5, 6)] == justify([1.0] * 3, FRAME)
    assert geometry.size_at(7) is None

    rows[1:3] = [1.0, 1.0]  # the rows changed: only an invalidation makes it lay out again
    assert geometry.size_at(1) == justify([WIDE, WIDE], FRAME)[0]
    geometry.invalidate()
    assert geometry.size_at(1) == justify([1.0, 1.0], FRAME)[0]
    wider = GridFrame(1400, FRAME.tile, FRAME.spacing, FRAME.pad)
    geometry.set_frame(wider)
    assert geometry.size_at(4) == justify([1.0] * 3, wider)[0]
