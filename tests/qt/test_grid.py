"""The grid widgets on the offscreen platform: GridView, TileDelegate and FilterBar."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLineEdit, QSlider, QToolButton

from studio.core.domain import Flag, GeneratedImage, ResponseMeta
from studio.core.library import BatchRecord, Library
from studio.models.draft_list import DraftListModel, Role, RowKind
from studio.models.grid_state import DraftFilter, FilterMode
from studio.models.thumbnails import ThumbnailCache
from studio.ui.grid import FilterBar, GridView

RED = (220, 40, 40)


def png(colour: tuple[int, int, int], size: tuple[int, int] = (200, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library") as opened:
        yield opened


@pytest.fixture
def thumbnails(qtbot) -> ThumbnailCache:
    return ThumbnailCache()


@pytest.fixture
def model(library: Library, thumbnails: ThumbnailCache) -> DraftListModel:
    """Two batches: the older one finished in red, the newer one half done, half queued."""
    older = library.create_batch(BatchRecord("red squares", "m", "1:1", "1K", tuple(range(5))))
    for draft in older:
        library.save_images(draft.id, [GeneratedImage(png(RED), "image/png")], ResponseMeta(), None)
    library.set_flag(older[0].id, Flag.PICK)
    newer = library.create_batch(BatchRecord("koi pond", "m", "16:9", "1K", tuple(range(4))))
    for draft in newer[:2]:
        image = GeneratedImage(png((30, 60, 200), (320, 180)), "image/png")
        library.save_images(draft.id, [image], ResponseMeta(), None)
    drafts = DraftListModel(library, thumbnails)
    drafts.reload()
    return drafts


@pytest.fixture
def view(qtbot, model: DraftListModel) -> GridView:
    grid = GridView()
    qtbot.addWidget(grid)
    grid.setModel(model)
    grid.resize(800, 700)
    grid.show()
    qtbot.waitExposed(grid)
    wait_for_layout(qtbot, grid)
    return grid


def wait_for_layout(qtbot, grid: GridView) -> None:
    model = grid.model()
    last = model.index(model.rowCount() - 1, 0)
    qtbot.waitUntil(lambda: not grid.visualRect(last).isEmpty(), timeout=3000)


def kind(model: DraftListModel, row: int) -> str:
    return str(model.data(model.index(row), Role.KindRole))


def header_rows(model: DraftListModel) -> list[int]:
    return [row for row in range(model.rowCount()) if kind(model, row) == RowKind.HEADER]


def load_all_thumbnails(qtbot, grid: GridView, thumbnails: ThumbnailCache) -> None:
    grid.viewport().grab()  # painting asks for every visible thumbnail
    qtbot.waitUntil(lambda: thumbnails.stats.entries == 7, timeout=5000)


def close_to(colour: QColor, expected: tuple[int, int, int], tolerance: int = 12) -> bool:
    actual = (colour.red(), colour.green(), colour.blue())
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def test_renders_images_at_their_colour_and_placeholders_without_it(qtbot, view, model, thumbnails):
    load_all_thumbnails(qtbot, view, thumbnails)

    shot = view.viewport().grab().toImage()

    assert not view.grab().isNull()
    red_tile = model.index(model.rowCount() - 1)
    centre = view.visualRect(red_tile).center()
    assert close_to(shot.pixelColor(centre), RED)
    queued = model.index(4)  # newest batch: header, two images, then two queued slots
    assert model.data(queued, Role.StatusRole) == "queued"
    assert not close_to(shot.pixelColor(view.visualRect(queued).center()), RED, tolerance=60)
    assert view.accessibleName() == "Drafts"
    assert view.toolTip()


def test_headers_span_the_width_and_square_drafts_get_square_tiles(qtbot, view, model):
    viewport = view.viewport().width()
    spacing = view.spacing()
    for row in header_rows(model):
        rect = view.visualRect(model.index(row))
        assert rect.left() == spacing
        assert rect.right() < viewport
        assert rect.width() >= viewport - 2 * spacing - view.verticalScrollBar().sizeHint().width()
        # Alone on its line: the next tile starts a new line below it.
        below = view.visualRect(model.index(row + 1))
        assert below.left() == spacing
        assert below.top() > rect.bottom()
    square = view.visualRect(model.index(header_rows(model)[1] + 1))  # the red 1:1 batch
    assert square.width() == square.height()

    first_header = view.visualRect(model.index(0)).width()
    view.resize(1100, 700)
    qtbot.waitUntil(lambda: view.visualRect(model.index(0)).width() > first_header, timeout=3000)


def test_selection_skips_headers(qtbot, view, model):
    view.selectAll()
    selected = {index.row() for index in view.selectedIndexes()}
    assert selected == set(range(model.rowCount())) - set(header_rows(model))

    view.clearSelection()
    header = view.visualRect(model.index(0)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=header)
    assert view.selectedIndexes() == []
    tile = view.visualRect(model.index(2)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=tile)
    assert [index.row() for index in view.selectedIndexes()] == [2]
    assert view.selected_draft_ids() == [model.draft_id_at(2)]

    # The keyboard steps over headers too, keeping the column where it can.
    view.setFocus()
    view.setCurrentIndex(model.index(4))
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert kind(model, view.currentIndex().row()) == RowKind.TILE
    assert view.currentIndex().row() > header_rows(model)[1]
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.currentIndex().row() == 1


def test_ctrl_plus_and_minus_change_the_tile_size(qtbot, view, model):
    view.activateWindow()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    before = view.visualRect(model.index(1)).width()
    sizes: list[int] = []
    view.tile_size_changed.connect(sizes.append)

    qtbot.keyClick(view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)

    assert sizes == [240, 288]
    assert view.tile_size == 288
    qtbot.waitUntil(lambda: view.visualRect(model.index(1)).width() > before, timeout=3000)
    qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view.tile_size == 240
    view.set_tile_size(10_000)
    assert view.tile_size == 384
    view.zoom_in()
    assert sizes[-1] == 384
    assert len(sizes) == 4  # at the limit, nothing changes and nothing is announced


def test_a_filter_keeps_the_selection_it_can_still_show(qtbot, view, model):
    pick = next(
        row
        for row in range(model.rowCount())
        if model.data(model.index(row), Role.FlagRole) == Flag.PICK
    )
    other = pick + 1
    selection = view.selectionModel()
    selection.select(model.index(pick), QItemSelectionModel.SelectionFlag.Select)
    selection.select(model.index(other), QItemSelectionModel.SelectionFlag.Select)
    selection.setCurrentIndex(model.index(pick), QItemSelectionModel.SelectionFlag.NoUpdate)
    picked_id = model.draft_id_at(pick)

    model.set_filter(DraftFilter(FilterMode.PICKS))

    assert view.selected_draft_ids() == [picked_id]
    assert model.draft_id_at(view.currentIndex().row()) == picked_id


def test_the_filter_bar_emits_filters_and_tile_sizes(qtbot):
    bar = FilterBar()
    qtbot.addWidget(bar)
    own = Qt.FindChildOption.FindDirectChildrenOnly  # not the line edit's clear button
    buttons = {button.accessibleName(): button for button in bar.findChildren(QToolButton, "", own)}
    search = bar.findChild(QLineEdit)
    slider = bar.findChild(QSlider)
    assert search is not None
    assert slider is not None
    for widget in (*buttons.values(), search, slider):
        assert widget.accessibleName()
    assert search.placeholderText() == "Search prompts…"

    with qtbot.waitSignal(bar.filter_changed) as picks:
        qtbot.mouseClick(buttons["Show picks only"], Qt.MouseButton.LeftButton)
    assert picks.args == [DraftFilter(FilterMode.PICKS)]

    rating = buttons["Show drafts rated 3 or more stars"]
    with qtbot.waitSignal(bar.filter_changed) as four_stars:
        rating.menu().actions()[3].trigger()
    assert four_stars.args == [DraftFilter(FilterMode.MIN_RATING, min_rating=4)]
    assert rating.isChecked()
    assert rating.text() == "★ ≥ 4"

    with qtbot.waitSignal(bar.filter_changed) as hide:
        qtbot.mouseClick(buttons["Hide rejected drafts"], Qt.MouseButton.LeftButton)
    assert hide.args == [DraftFilter(FilterMode.HIDE_REJECTS, min_rating=4)]

    emitted: list[DraftFilter] = []
    bar.filter_changed.connect(emitted.append)
    with qtbot.waitSignal(bar.filter_changed, timeout=2000):
        qtbot.keyClicks(search, "koi")
    assert emitted == [DraftFilter(FilterMode.HIDE_REJECTS, min_rating=4, text="koi")]

    with qtbot.waitSignal(bar.tile_size_changed) as size:
        slider.setValue(300)
    assert size.args == [300]
    bar.set_tile_size(128)  # following the view must not echo back
    assert slider.value() == 128


def test_the_empty_grid_invites_a_first_prompt(qtbot, tmp_path):
    with Library.open(tmp_path / "empty") as library:
        empty = DraftListModel(library, ThumbnailCache())
        empty.reload()
        grid = GridView()
        qtbot.addWidget(grid)
        grid.setModel(empty)
        grid.resize(700, 500)
        grid.show()
        qtbot.waitExposed(grid)

        shot = grid.viewport().grab().toImage()

    background = QColor(shot.pixelColor(2, 2))
    assert inked_pixels(shot, background) > 200
    # The hint sits in the middle of the grid.
    middle = shot.copy(0, shot.height() // 3, shot.width(), shot.height() // 3)
    assert inked_pixels(middle, background) == inked_pixels(shot, background)


def test_a_filter_that_hides_everything_says_so(qtbot, view, model):
    model.set_filter(DraftFilter(FilterMode.MIN_RATING, min_rating=5))
    assert model.rowCount() == 0

    shot = view.viewport().grab().toImage()

    assert inked_pixels(shot, QColor(shot.pixelColor(2, 2))) > 100


def inked_pixels(image: QImage, background: QColor) -> int:
    return sum(
        image.pixelColor(x, y) != background
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
    )


def test_the_largest_tiles_draw_from_the_original_not_the_small_thumbnail(
    qtbot, library, thumbnails
):
    (draft,) = library.create_batch(BatchRecord("big one", "m", "1:1", "1K", (0,)))
    image = GeneratedImage(png(RED, (1024, 1024)), "image/png")
    library.save_images(draft.id, [image], ResponseMeta(), None)
    drafts = DraftListModel(library, thumbnails)
    drafts.reload()
    grid = GridView()
    qtbot.addWidget(grid)
    grid.setModel(drafts)
    grid.resize(900, 700)
    grid.show()
    qtbot.waitExposed(grid)
    grid.set_tile_size(384)
    row = drafts.row_of(draft.id)
    assert row is not None

    def drawn_width() -> int:
        grid.viewport().grab()  # painting asks for the picture
        picture = drafts.data(drafts.index(row), Role.ThumbnailRole)
        return picture.width() if picture is not None else 0

    qtbot.waitUntil(lambda: drawn_width() > 320, timeout=5000)
    tile = grid.visualRect(drafts.index(row))
    assert drawn_width() >= tile.width() * grid.devicePixelRatioF() - 16  # the padding
