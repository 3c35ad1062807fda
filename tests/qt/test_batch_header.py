"""A batch header's pills, clicked with the mouse on the real grid: Stop, Retry N, Select all."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QAction

from studio.core.domain import SlotStatus
from studio.models.draft_list import Role
from studio.models.draft_rows import BatchAction
from studio.ui.grid.batch_header import place_actions
from studio.ui.main_window import MainWindow
from tests.qt.conftest import until
from tests.qt.test_app import generate_all


def _offered(window: MainWindow, header_row: int) -> list[tuple[BatchAction, str]]:
    drafts = window.services.drafts
    return list(drafts.data(drafts.index(header_row, 0), Role.HeaderActionsRole))


def _click(window: MainWindow, qtbot, header_row: int, action: BatchAction) -> None:
    grid = window.grid
    index = window.services.drafts.index(header_row, 0)
    placed = place_actions(index, QRectF(grid.visualRect(index)), grid.font())
    area = next(p.area for p in placed if p.action == action)
    where = QPoint(round(area.center().x()), round(area.center().y()))
    qtbot.mouseMove(grid.viewport(), where)
    assert grid.viewport().cursor().shape() == Qt.CursorShape.PointingHandCursor
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=where)


def _statuses(window: MainWindow) -> set[SlotStatus]:
    return {d.status for d in window.services.library.list_drafts()}


async def test_stop_then_retry_from_the_header(window: MainWindow, qtbot):
    studio = window.services.studio
    window.prompt_panel.editor.setPlainText("slow herons [sandbox:hang]")
    window.prompt_panel.count.setValue(3)
    window.generate()
    await until(lambda: studio.stats.in_flight == 3, studio.stats_changed)
    assert [a for a, _ in _offered(window, 0)] == [BatchAction.STOP, BatchAction.SELECT]

    _click(window, qtbot, 0, BatchAction.STOP)
    drafts = window.services.drafts
    await until(lambda: _offered(window, 0)[0][0] == BatchAction.RETRY, drafts.dataChanged, 5)
    assert _statuses(window) == {SlotStatus.CANCELLED}
    assert _offered(window, 0) == [
        (BatchAction.RETRY, "Retry 3"),
        (BatchAction.SELECT, "Select all"),
    ]

    _click(window, qtbot, 0, BatchAction.RETRY)
    await until(lambda: studio.stats.in_flight == 3, studio.stats_changed)
    assert SlotStatus.CANCELLED not in _statuses(window)
    window.stop()
    await until(lambda: not studio.busy, studio.stats_changed, 5)


async def test_select_all_selects_just_that_batch(window: MainWindow, qtbot):
    await generate_all(window, "first batch", 2)
    await generate_all(window, "second batch", 3)  # newest first: its header is row 0
    drafts = window.services.drafts
    older_header = next(
        row for row in range(1, drafts.rowCount()) if drafts.draft_id_at(row) is None
    )
    assert _offered(window, older_header) == [(BatchAction.SELECT, "Select all")]

    _click(window, qtbot, older_header, BatchAction.SELECT)
    selected = window.grid.selected_draft_ids()
    first_batch = {d.id for d in window.services.library.list_drafts() if d.prompt == "first batch"}
    assert set(selected) == first_batch
    assert len(selected) == 2
    # From the keyboard: the Cull menu does the same for the current tile's batch.
    window.grid.setCurrentIndex(drafts.index(1, 0))  # a tile of the newest batch
    menu_item = next(a for a in window.findChildren(QAction) if a.text() == "Select this batch")
    menu_item.trigger()
    assert len(window.grid.selected_draft_ids()) == 3
