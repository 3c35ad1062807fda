"""The justified grid on real widgets: cells shaped as their batch's pictures, lines that
fill the width, and arrow keys that move sensibly across lines of different widths."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor

from studio.core.catalog import pixel_size
from studio.core.domain import Flag
from studio.core.engine.events import SlotSucceeded
from studio.core.library import Library
from studio.models.draft_list import DraftListModel, Role, RowKind
from studio.models.grid_geometry import GridFrame
from studio.models.thumbnails import ThumbnailCache
from studio.ui.grid import GridView
from studio.ui.grid.tile_actions import CELL_PAD
from tests.library_data import META, png, record, save

WIDE = 1344 / 768  # the pixels the service sends for 16:9
BLUE = (30, 60, 200)
RED = (220, 40, 40)


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library") as opened:
        yield opened


@pytest.fixture
def model(qtbot, library: Library) -> DraftListModel:
    """A 1:1 batch of six, all in; above it a 16:9 batch of seven, five in, two queued."""
    squares = library.create_batch(record("red squares", 6, aspect="1:1"))
    for draft in squares:
        save(library, draft.id, png((256, 256), RED))
    wide = library.create_batch(record("koi pond", 7, aspect="16:9"))
    width, height = pixel_size("16:9", "1K")
    for draft in wide[:5]:
        save(library, draft.id, png((width // 4, height // 4), BLUE))
    library.set_flag(wide[0].id, Flag.PICK)
    library.set_rating(wide[0].id, 4)
    drafts = DraftListModel(library, ThumbnailCache())
    drafts.reload()
    return drafts


@pytest.fixture
def view(qtbot, model: DraftListModel) -> GridView:
    grid = GridView()
    qtbot.addWidget(grid)
    grid.setModel(model)
    grid.resize(900, 1200)
    grid.show()
    qtbot.waitExposed(grid)
    last = model.index(model.rowCount() - 1)
    qtbot.waitUntil(lambda: not grid.visualRect(last).isEmpty(), timeout=3000)
    return grid


def batches(model: DraftListModel) -> list[tuple[int, list[int]]]:
    """(header row, tile rows) per batch, top to bottom."""
    found: list[tuple[int, list[int]]] = []
    for row in range(model.rowCount()):
        if model.data(model.index(row), Role.KindRole) == RowKind.HEADER:
            found.append((row, []))
        else:
            found[-1][1].append(row)
    return found


def rect(view: GridView, row: int) -> QRect:
    return view.visualRect(view.model().index(row, 0))


def lines(view: GridView, rows: list[int]) -> list[list[int]]:
    grouped: dict[int, list[int]] = {}
    for row in rows:
        grouped.setdefault(rect(view, row).top(), []).append(row)
    return [grouped[top] for top in sorted(grouped)]


def picture_ratio(cell: QRect) -> float:
    pad = 2 * CELL_PAD
    return (cell.width() - pad) / (cell.height() - pad)


def test_the_model_sizes_each_cell_for_its_batchs_shape(model):
    (wide_header, wide), (square_header, squares) = batches(model)
    size_of = Qt.ItemDataRole.SizeHintRole
    model.set_frame(GridFrame(room=860, tile=192, spacing=8, pad=8))

    for row in wide:
        size = model.data(model.index(row), size_of)
        assert isinstance(size, QSize)
        assert (size.width() - 16) / (size.height() - 16) == pytest.approx(WIDE, rel=0.015)
    for row in squares:
        size = model.data(model.index(row), size_of)
        assert abs(size.width() - size.height()) <= 1
    # Headers span the line, which the delegate measures with the font.
    assert model.data(model.index(wide_header), size_of) is None
    assert model.data(model.index(square_header), size_of) is None

    before = model.data(model.index(wide[0]), size_of)
    model.set_frame(GridFrame(room=860, tile=384, spacing=8, pad=8))
    assert model.data(model.index(wide[0]), size_of).width() > before.width()


def test_16_9_cells_are_16_9_and_lines_fill_the_width(qtbot, view, model):
    (wide_header, wide), (square_header, squares) = batches(model)
    header = rect(view, wide_header)
    assert rect(view, square_header).right() == header.right()

    for row in wide:
        assert picture_ratio(rect(view, row)) == pytest.approx(WIDE, rel=0.015)
    for row in squares:
        cell = rect(view, row)
        assert abs(cell.width() - cell.height()) <= 1
    for rows in (wide, squares):
        grouped = lines(view, rows)
        assert len(grouped) >= 2
        for line in grouped[:-1]:  # full lines end exactly where the header does
            assert rect(view, line[-1]).right() == header.right()
            assert len({rect(view, row).height() for row in line}) == 1
        # The short last line keeps the batch's cell size rather than stretching.
        assert rect(view, grouped[-1][0]).size() == rect(view, grouped[0][0]).size()
    assert rect(view, wide[0]).height() < rect(view, squares[0]).height()


def test_pictures_fill_their_cells_and_badges_sit_on_them(qtbot, view, model):
    (_, wide), _ = batches(model)
    cell = rect(view, wide[4])

    def painted() -> bool:  # painting asks for the thumbnails, which load on the cache's pool
        return close_to(view.viewport().grab().toImage().pixelColor(cell.center()), BLUE)

    qtbot.waitUntil(painted, timeout=5000)
    shot = view.viewport().grab().toImage()
    pad = round(CELL_PAD)
    # Just inside the picture's top and bottom edges: picture, not a letterbox band.
    for y in (cell.top() + pad + 2, cell.bottom() - pad - 2):
        colour = shot.pixelColor(cell.center().x(), y)
        assert close_to(colour, BLUE), (y, colour.name())
    # The pick's green badge in the picture's top-left corner, the rating at its bottom.
    picked = rect(view, wide[0])
    badge = picked.topLeft() + QPoint(pad + 15, pad + 15)
    ring = [badge + QPoint(dx, dy) for dx in range(-8, 9, 2) for dy in range(-8, 9, 2)]
    assert any(greenish(shot.pixelColor(p)) for p in ring)
    assert not close_to(shot.pixelColor(picked.bottomLeft() + QPoint(pad + 10, -pad - 13)), BLUE)


def greenish(colour: QColor) -> bool:
    """The pick badge's green, in either theme."""
    return colour.green() > colour.red() + 40 and colour.green() > colour.blue() + 20


def close_to(colour: QColor, expected: tuple[int, int, int], tolerance: int = 16) -> bool:
    actual = (colour.red(), colour.green(), colour.blue())
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def test_arrow_keys_move_across_lines_of_different_widths(qtbot, view, model):
    (_, wide), (_, squares) = batches(model)
    wide_lines, square_lines = lines(view, wide), lines(view, squares)
    assert len(wide_lines[0]) != len(square_lines[0])  # the two batches' lines differ
    view.setFocus()

    def press(key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> int:
        qtbot.keyClick(view, key, modifier)
        return int(view.currentIndex().row())

    # Left and Right run on from the end of one line to the start of the next, and back.
    view.setCurrentIndex(model.index(wide_lines[0][-1]))
    assert press(Qt.Key.Key_Right) == wide_lines[1][0]
    assert press(Qt.Key.Key_Left) == wide_lines[0][-1]
    # The last 16:9 tile runs on into the square batch, over its header.
    view.setCurrentIndex(model.index(wide[-1]))
    assert press(Qt.Key.Key_Right) == squares[0]

    # Down lands on the tile under the cursor's column, even in a line of other widths …
    start = wide_lines[1][1]
    column = rect(view, start).center().x()
    view.setCurrentIndex(model.index(start))
    assert press(Qt.Key.Key_Down) == wide_lines[2][0]
    landed = press(Qt.Key.Key_Down)
    assert landed in square_lines[0]
    spacing = view.spacing()  # the column may fall in the gap between two cells
    assert rect(view, landed).left() - spacing <= column <= rect(view, landed).right() + spacing
    # … and coming back keeps to that column, not to whatever the short line pushed it to.
    assert press(Qt.Key.Key_Up) == wide_lines[2][0]
    assert press(Qt.Key.Key_Up) == start
    assert press(Qt.Key.Key_Up) in wide_lines[0]

    # Shift extends the selection the same way; the last line goes no further down.
    view.setCurrentIndex(model.index(square_lines[-1][0]))
    assert press(Qt.Key.Key_Down) == square_lines[-1][0]
    assert press(Qt.Key.Key_Up, Qt.KeyboardModifier.ShiftModifier) == square_lines[0][0]
    selected = {index.row() for index in view.selectedIndexes()}
    assert {square_lines[0][0], square_lines[-1][0]} <= selected


def test_an_image_of_another_shape_than_expected_resizes_its_cell(qtbot, library, model):
    (_, wide), _ = batches(model)
    queued = model.draft_id_at(wide[-1])
    assert queued is not None
    model.set_frame(GridFrame(room=860, tile=192, spacing=8, pad=8))
    size_of = Qt.ItemDataRole.SizeHintRole
    before = model.data(model.index(wide[-1]), size_of)
    relaid: list[bool] = []
    model.layoutChanged.connect(lambda *_: relaid.append(True))

    # A pixel off the expected shape is the same cell: nothing is laid out again.
    near = save(library, queued, png((1344 // 4 + 1, 768 // 4), BLUE))
    model.apply(SlotSucceeded(queued, tuple(near), META))
    assert relaid == []
    assert model.data(model.index(wide[-1]), size_of) == before

    other = model.draft_id_at(wide[-2])
    assert other is not None
    square = save(library, other, png((200, 200), BLUE))
    model.apply(SlotSucceeded(other, tuple(square), META))
    assert relaid == [True]
    cell = model.data(model.index(wide[-2]), size_of)
    assert abs(cell.width() - cell.height()) <= 1
