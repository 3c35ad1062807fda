"""A prompt matrix's batch grouped by an axis, on the offscreen platform: the model's
sub-header rows, the header's "Group: … ▾" pill and right-click menu in the real app, and
the keys across sub-headers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QPoint, QRectF, Qt
from PySide6.QtWidgets import QAbstractItemView, QMenu

from studio.core.library import BatchRecord, Library, MatrixAxis
from studio.core.matrix import expand
from studio.models.draft_list import DraftListModel, Role, RowKind
from studio.models.draft_rows import BatchAction
from studio.models.thumbnails import ThumbnailCache
from studio.ui.grid import GridView
from studio.ui.grid.batch_header import action_area
from studio.ui.main_window import MainWindow
from tests.library_data import record
from tests.qt.conftest import until

SNEAKERS = "{red|teal|black} sneaker on {marble|sand}"
_DISPLAY = Qt.ItemDataRole.DisplayRole


def matrix(library: Library, template: str, count: int) -> list:
    expansion = expand(template, count, None, seed=3)
    return library.create_batch(
        BatchRecord(
            template,
            "gemini-3.1-flash-lite-image",
            "1:1",
            "1K",
            tuple(range(len(expansion.slots))),
            slot_prompts=tuple(slot.prompt for slot in expansion.slots),
            slot_values=tuple(slot.values for slot in expansion.slots),
            axes=tuple(MatrixAxis(a.key, a.label, a.values) for a in expansion.axes),
        )
    )


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library") as opened:
        yield opened


@pytest.fixture
def model(qtbot, library: Library) -> DraftListModel:
    drafts = DraftListModel(library, ThumbnailCache())
    return drafts


def kinds(model: DraftListModel) -> list[str]:
    return [str(model.data(model.index(row), Role.KindRole)) for row in range(model.rowCount())]


def texts(model: DraftListModel, kind: RowKind) -> list[str]:
    rows = [row for row, k in enumerate(kinds(model)) if k == kind]
    return [str(model.data(model.index(row), _DISPLAY)) for row in rows]


def test_the_model_exposes_sub_headers_for_a_grouped_batch(qtmodeltester, library, model):
    library.create_batch(record("a plain owl", 2))
    drafts = matrix(library, SNEAKERS, 2)
    batch_id = drafts[0].batch_id
    model.reload()
    header = model.index(0)
    assert model.data(header, Role.AxesRole) == [
        ("1", "red / teal / black"),
        ("2", "marble / sand"),
    ]
    assert model.data(header, Role.GroupedByRole) is None
    assert model.data(header, Role.HeaderActionsRole)[0] == (BatchAction.GROUP, "Group: none ▾")
    assert model.data(header, Role.HeaderTitleRole) == f"“{SNEAKERS}”"
    assert RowKind.GROUP not in kinds(model)

    with Resets(model) as resets:
        model.set_grouping(batch_id, "1")
    assert resets == ["about", "reset"]

    qtmodeltester.check(model)
    assert kinds(model)[:9] == ["header", "group", *["tile"] * 4, "group", *["tile"] * 2]
    assert texts(model, RowKind.GROUP) == ["red · 4 drafts", "teal · 4 drafts", "black · 4 drafts"]
    sub = model.index(1)
    assert model.data(sub, Role.BatchIdRole) == batch_id
    assert model.data(sub, Role.GroupAxisRole) == "1"
    assert model.data(sub, Role.GroupValueRole) == "red"
    assert model.data(sub, Role.HeaderTitleRole) == "red"
    assert model.data(sub, Role.HeaderDetailRole) == "4 drafts"
    assert model.data(sub, Qt.ItemDataRole.ToolTipRole) == "red / teal / black: red\n4 drafts"
    assert model.data(sub, Qt.ItemDataRole.AccessibleTextRole) == "Group red, 4 drafts"
    assert model.data(sub, Qt.ItemDataRole.SizeHintRole) is None  # spans the line
    assert not model.flags(sub) & Qt.ItemFlag.ItemIsSelectable
    assert model.draft_id_at(1) is None
    assert model.data(header, Role.GroupedByRole) == "1"
    assert model.grouping_of(batch_id) == "1"
    label = model.data(header, Role.HeaderActionsRole)[0][1]
    assert label == "Group: red / teal / black ▾"

    tile = model.index(2)
    assert model.data(tile, Role.MatrixValuesRole) == (("1", "red"), ("2", "marble"))
    tip = str(model.data(tile, Qt.ItemDataRole.ToolTipRole)).splitlines()
    assert tip[:2] == ["red sneaker on marble", "red · marble"]
    assert model.data(tile, Role.PromptRole) == "red sneaker on marble"

    model.set_grouping(batch_id, None)
    qtmodeltester.check(model)
    assert RowKind.GROUP not in kinds(model)


class Resets:
    """Records the model's reset signals while the block runs."""

    def __init__(self, model: DraftListModel) -> None:
        self._model = model
        self.calls: list[str] = []

    def __enter__(self) -> list[str]:
        self._model.modelAboutToBeReset.connect(self._about)
        self._model.modelReset.connect(self._reset)
        return self.calls

    def __exit__(self, *exc: object) -> None:
        self._model.modelAboutToBeReset.disconnect(self._about)
        self._model.modelReset.disconnect(self._reset)

    def _about(self) -> None:
        self.calls.append("about")

    def _reset(self) -> None:
        self.calls.append("reset")


@pytest.fixture
def view(qtbot, model: DraftListModel, library: Library) -> GridView:
    """A plain batch on top, so that the matrix below it must be scrolled to."""
    matrix(library, SNEAKERS, 2)
    library.create_batch(record("a plain owl", 12))
    model.reload()
    grid = GridView()
    qtbot.addWidget(grid)
    grid.setModel(model)
    grid.resize(720, 480)
    grid.show()
    qtbot.waitExposed(grid)
    last = model.index(model.rowCount() - 1)
    qtbot.waitUntil(lambda: not grid.visualRect(last).isEmpty(), timeout=3000)
    return grid


def matrix_header(model: DraftListModel) -> QModelIndex:
    row = next(r for r in range(model.rowCount()) if model.data(model.index(r), Role.AxesRole))
    return model.index(row)


def test_grouping_keeps_the_batch_header_where_it_was(qtbot, view, model):
    header = matrix_header(model)
    view.scrollTo(header, QAbstractItemView.ScrollHint.PositionAtCenter)
    before = view.visualRect(header).top()
    assert view.verticalScrollBar().value() > 0

    view.set_grouping(int(model.data(header, Role.BatchIdRole)), "2")

    header = matrix_header(model)
    assert RowKind.GROUP in kinds(model)
    assert view.visualRect(header).top() == before
    sub = model.index(header.row() + 1)
    assert view.visualRect(sub).left() == view.spacing()  # on a line of its own
    assert view.visualRect(sub).width() > view.viewport().width() * 0.8


def test_keys_move_across_sub_headers(qtbot, view, model):
    header = matrix_header(model)
    view.set_grouping(int(model.data(header, Role.BatchIdRole)), "1")
    rows = kinds(model)
    first_group = header.row() + 1
    second_group = rows.index("group", first_group + 1)
    view.setFocus()
    view.setCurrentIndex(model.index(second_group - 1))  # red's last tile

    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.currentIndex().row() == second_group + 1  # over the sub-header, to teal's first
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert view.currentIndex().row() == second_group - 1

    # Down from red's last line lands on teal's first line, past the sub-header.
    view.setCurrentIndex(model.index(second_group - 1))
    qtbot.keyClick(view, Qt.Key.Key_Down)
    landed = view.currentIndex()
    assert model.data(landed, Role.KindRole) == RowKind.TILE
    assert model.data(landed, Role.MatrixValuesRole)[0] == ("1", "teal")
    assert view.visualRect(landed).top() > view.visualRect(model.index(second_group)).top()
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert view.currentIndex().row() == second_group - 1

    # Up from the first line under a sub-header goes to the line above it, never onto it.
    view.setCurrentIndex(model.index(second_group + 1))
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert model.data(view.currentIndex(), Role.KindRole) == RowKind.TILE
    assert view.currentIndex().row() < second_group

    qtbot.keyClick(view, Qt.Key.Key_End)
    assert view.currentIndex().row() == model.rowCount() - 1
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.currentIndex().row() == 1
    view.selectAll()
    assert len(view.selected_draft_ids()) == 24


def test_sub_headers_paint_their_value(qtbot, view, model):
    header = matrix_header(model)
    view.set_grouping(int(model.data(header, Role.BatchIdRole)), "1")
    view.scrollTo(header, QAbstractItemView.ScrollHint.PositionAtTop)
    sub = model.index(header.row() + 1)
    rect = view.visualRect(sub)
    shot = view.viewport().grab().toImage()
    background = shot.pixelColor(rect.right() - 4, rect.center().y())
    inked = [
        x
        for x in range(rect.left(), rect.left() + 80)
        if shot.pixelColor(x, rect.center().y()) != background
    ]
    assert inked, "the sub-header painted nothing"


# -- the real app --------------------------------------------------------------------------


async def generate_matrix(window: MainWindow, prompt: str, count: int, total: int) -> None:
    studio = window.services.studio
    before = studio.stats.succeeded
    window.prompt_panel.editor.setPlainText(prompt)
    window.prompt_panel.count.setValue(count)
    window.generate()
    await until(lambda: studio.stats.succeeded == before + total, studio.stats_changed)


def _visible_menu(window: MainWindow) -> QMenu:
    menus = [m for m in window.findChildren(QMenu) if m.isVisible()]
    assert len(menus) == 1, [m.accessibleName() for m in menus]
    return menus[0]


def _group_by(menu: QMenu) -> QMenu:
    submenu = next(a for a in menu.actions() if a.text() == "Group by").menu()
    assert isinstance(submenu, QMenu)
    return submenu


def _click_group_pill(window: MainWindow, qtbot) -> None:
    grid, drafts = window.grid, window.services.drafts
    header = drafts.index(0, 0)
    area = action_area(header, QRectF(grid.visualRect(header)), grid.font(), BatchAction.GROUP)
    assert area is not None, "a matrix batch's header offers the group pill"
    where = QPoint(round(area.center().x()), round(area.center().y()))
    qtbot.mouseMove(grid.viewport(), where)
    assert grid.viewport().cursor().shape() == Qt.CursorShape.PointingHandCursor
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=where)


async def test_the_header_pill_and_menu_switch_grouping(window: MainWindow, qtbot):
    await generate_matrix(window, "{red|teal} owl on {snow|moss}", 2, 8)
    drafts, grid = window.services.drafts, window.grid
    assert kinds(drafts)[:1] == ["header"]
    assert RowKind.GROUP not in kinds(drafts)

    selected = grid.selected_draft_ids()
    _click_group_pill(window, qtbot)
    menu = _visible_menu(window)
    assert menu.accessibleName() == "Group drafts by"
    items = [a.text() for a in menu.actions()]
    assert items == ["No grouping", "red / teal", "snow / moss"]
    assert [a.isChecked() for a in menu.actions()] == [True, False, False]
    assert grid.selected_draft_ids() == selected  # a button, not a click on the batch
    menu.actions()[2].trigger()
    menu.close()

    assert texts(drafts, RowKind.GROUP) == ["snow · 4 drafts", "moss · 4 drafts"]
    header = drafts.index(0, 0)
    assert drafts.data(header, Role.HeaderActionsRole)[0][1] == "Group: snow / moss ▾"

    # Right-click: the header's menu has the same choice as a submenu, the current one ticked.
    grid.customContextMenuRequested.emit(grid.visualRect(header).center())
    menu = _visible_menu(window)
    assert menu.accessibleName() == "Batch actions"
    submenu = _group_by(menu)
    assert [(a.text(), a.isChecked()) for a in submenu.actions()] == [
        ("No grouping", False),
        ("red / teal", False),
        ("snow / moss", True),
    ]
    assert "Select all" in [a.text() for a in menu.actions()]
    submenu.actions()[1].trigger()
    menu.close()
    assert texts(drafts, RowKind.GROUP) == ["red · 4 drafts", "teal · 4 drafts"]

    # A tile's menu, which the Menu key opens, offers its batch's grouping as well.
    tile = drafts.index(2, 0)
    grid.customContextMenuRequested.emit(grid.visualRect(tile).center())
    menu = _visible_menu(window)
    assert menu.accessibleName() == "Draft actions"
    batch_by = next(a for a in menu.actions() if a.text() == "Group batch by").menu()
    assert isinstance(batch_by, QMenu)
    assert [a.isChecked() for a in batch_by.actions()] == [False, True, False]
    menu.close()

    # A sub-header offers its batch's menu too; "No grouping" returns to the plain batch.
    grid.customContextMenuRequested.emit(grid.visualRect(drafts.index(1, 0)).center())
    menu = _visible_menu(window)
    submenu = _group_by(menu)
    submenu.actions()[0].trigger()
    menu.close()
    assert RowKind.GROUP not in kinds(drafts)
    assert drafts.data(header, Role.HeaderActionsRole)[0][1] == "Group: none ▾"


async def test_drafts_streaming_in_while_grouped_land_under_their_value(window: MainWindow):
    studio, drafts = window.services.studio, window.services.drafts
    server = window.services.backends.sandbox_server
    assert server is not None
    server.config.latency_s = 0.4  # time to group before the images come
    before = studio.stats.succeeded
    window.prompt_panel.editor.setPlainText("{amber|jade|onyx} bead")
    window.prompt_panel.count.setValue(2)
    window.generate()
    await until(lambda: drafts.rowCount() == 7, drafts.rowsInserted)
    batch_id = int(drafts.data(drafts.index(0, 0), Role.BatchIdRole))
    window.grid.set_grouping(batch_id, "1")
    assert studio.stats.succeeded < before + 6, "the images came before the grouping"

    await until(lambda: studio.stats.succeeded == before + 6, studio.stats_changed)

    assert kinds(drafts) == ["header", *(["group", "tile", "tile"] * 3)]
    assert texts(drafts, RowKind.GROUP) == [
        "amber · 2 drafts",
        "jade · 2 drafts",
        "onyx · 2 drafts",
    ]
    for row, kind in enumerate(kinds(drafts)):
        if kind == RowKind.TILE:
            group = drafts.data(
                drafts.index(row - 1 if row % 3 == 2 else row - 2), Role.GroupValueRole
            )
            assert drafts.data(drafts.index(row), Role.MatrixValuesRole) == (("1", group),)
            assert drafts.data(drafts.index(row), Role.StatusRole) == "succeeded"
