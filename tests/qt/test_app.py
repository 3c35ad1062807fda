"""The real app against the sandbox: type, generate, stream, cull, undo, compare, restart."""

from __future__ import annotations

import asyncio

import keyring
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from studio.app import build_services
from studio.core.domain import Flag, SlotStatus
from studio.core.secrets import KeyStore
from studio.sandbox import Fault
from studio.ui.compare.view import Side
from studio.ui.main_window import MainWindow
from tests.cli.helpers import db_rows
from tests.qt.conftest import until


async def generate_all(window: MainWindow, prompt: str, count: int) -> None:
    """Generates `count` drafts through the window and waits until every one has arrived."""
    studio = window.services.studio
    before = studio.stats.succeeded
    window.prompt_panel.editor.setPlainText(prompt)
    window.prompt_panel.count.setValue(count)
    window.generate()
    await until(lambda: studio.stats.succeeded == before + count, studio.stats_changed)


async def test_starts_in_sandbox_with_focus_on_the_prompt(window: MainWindow):
    assert window.services.studio.sandbox
    assert window.banner.sandbox
    assert QApplication.focusWidget() is window.prompt_panel.editor
    assert window.prompt_panel.editor.accessibleName() == "Prompt"
    assert window.grid.accessibleName() == "Drafts"


async def test_ctrl_enter_streams_every_tile(window: MainWindow, qtbot):
    services = window.services
    window.prompt_panel.editor.setPlainText("a red fox in snow")
    window.prompt_panel.count.setValue(8)
    window.prompt_panel.editor.setFocus()
    qtbot.keyClick(
        window.prompt_panel.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
    )
    # A header and eight placeholders, before any image.
    await until(lambda: services.drafts.rowCount() == 9, services.drafts.rowsInserted)
    assert services.studio.stats.succeeded < 8
    await until(lambda: services.studio.stats.succeeded == 8, services.studio.stats_changed)
    statuses = [d.status for d in services.library.list_drafts()]
    assert statuses == [SlotStatus.SUCCEEDED] * 8
    assert "a red fox in snow" in services.prompt.history


async def test_escape_cancels_mid_batch(window: MainWindow, qtbot, monkeypatch):
    services = window.services
    window.prompt_panel.editor.setPlainText("slow one [sandbox:hang]")
    window.prompt_panel.count.setValue(5)
    window.generate()
    await until(lambda: services.studio.stats.in_flight > 0, services.studio.stats_changed)
    qtbot.keyClick(window.prompt_panel.editor, Qt.Key.Key_Escape)
    await until(lambda: not services.studio.busy, services.studio.stats_changed, 5)
    statuses = {d.status for d in services.library.list_drafts()}
    assert statuses == {SlotStatus.CANCELLED}


async def test_keyboard_culling_with_undo_and_redo(window: MainWindow, qtbot):
    services = window.services
    await generate_all(window, "three owls", 3)
    drafts = services.drafts
    first_row = next(r for r in range(drafts.rowCount()) if drafts.draft_id_at(r) is not None)
    window.grid.setFocus()
    window.grid.setCurrentIndex(drafts.index(first_row, 0))
    first = drafts.draft_id_at(first_row)
    assert first is not None
    qtbot.keyClick(window.grid, Qt.Key.Key_P)
    assert services.library.get(first).flag == Flag.PICK
    # Auto-advance moved on: the next key rates the second draft.
    second = drafts.draft_id_at(window.grid.currentIndex().row())
    assert second is not None
    assert second != first
    qtbot.keyClick(window.grid, Qt.Key.Key_4)
    assert services.library.get(second).rating == 4
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert services.library.get(second).rating == 0
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert services.library.get(first).flag == Flag.NONE
    qtbot.keyClick(
        window,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert services.library.get(first).flag == Flag.PICK
    second_row = drafts.row_of(second)
    assert second_row is not None
    window.grid.setCurrentIndex(drafts.index(second_row, 0))
    qtbot.keyClick(window.grid, Qt.Key.Key_Delete)
    assert services.library.get(second).deleted
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not services.library.get(second).deleted


async def test_compare_two_with_synchronised_zoom(window: MainWindow, qtbot):
    await generate_all(window, "two mugs", 2)
    window.grid.setFocus()
    window.grid.selectAll()
    qtbot.keyClick(window.grid, Qt.Key.Key_C)
    assert window.pages.currentWidget() is window.compare
    compare = window.compare
    left, right = compare.pane(Side.LEFT), compare.pane(Side.RIGHT)
    await until(lambda: left.has_image and right.has_image, compare.loader.loaded)
    state = compare.view_state
    assert state.zoom is None  # fit
    qtbot.keyClick(compare, Qt.Key.Key_Z)
    assert state.zoom == 1.0
    # One shared state drives both panes: they report the same zoom.
    assert left.current_zoom() == right.current_zoom() == 1.0
    qtbot.keyClick(window.compare, Qt.Key.Key_Escape)
    assert window.pages.currentIndex() == 0


async def test_restart_restores_the_library(qtbot, fast_sandbox):
    services = await build_services(sandbox_in_process=True)
    first = MainWindow(services)
    qtbot.addWidget(first)
    await services.start()
    await generate_all(first, "persist me", 2)
    draft_id = services.library.list_drafts()[0].id
    services.culling.set_flag([draft_id], Flag.PICK)
    services.culling.set_rating([draft_id], 5)
    first.close()
    await services.aclose()

    again = await build_services(sandbox_in_process=True)
    second = MainWindow(again)
    qtbot.addWidget(second)
    try:
        assert again.drafts.rowCount() == 3
        restored = again.library.get(draft_id)
        assert (restored.flag, restored.rating) == (Flag.PICK, 5)
        assert again.prompt.history[0] == "persist me"
    finally:
        second.close()
        await again.aclose()


async def test_a_blocked_slot_says_why_and_retries_from_the_inspector(window: MainWindow, qtbot):
    services = window.services
    server = services.backends.sandbox_server
    assert server is not None
    server.script(Fault.PROMPT_BLOCK)
    window.prompt_panel.editor.setPlainText("a lighthouse")
    window.prompt_panel.count.setValue(1)
    window.generate()
    await until(lambda: services.studio.stats.blocked == 1, services.studio.stats_changed)
    drafts = services.drafts
    row = next(r for r in range(drafts.rowCount()) if drafts.draft_id_at(r) is not None)
    assert "Blocked" in str(drafts.data(drafts.index(row, 0)))
    window.grid.setCurrentIndex(drafts.index(row, 0))
    assert window.inspector.retry_button.isEnabled()
    qtbot.mouseClick(window.inspector.retry_button, Qt.MouseButton.LeftButton)
    draft_id = drafts.draft_id_at(row)
    assert draft_id is not None
    await until(
        lambda: services.library.get(draft_id).status == SlotStatus.SUCCEEDED,
        services.studio.stats_changed,
    )


async def test_saving_a_key_leaves_the_sandbox_and_removing_it_returns(
    qtbot, fast_sandbox, service
):
    store = KeyStore(service)
    services = await build_services(key_store=store)
    window = MainWindow(services)
    qtbot.addWidget(window)
    try:
        await services.start()
        assert services.studio.sandbox
        await services.keys.save("test-key-for-the-app")
        await until(lambda: not services.studio.sandbox, services.studio.backend_changed)
        assert not window.banner.sandbox
        assert keyring.get_password(service, "api-key") == "test-key-for-the-app"
        await services.keys.remove()
        await until(lambda: services.studio.sandbox, services.studio.backend_changed)
        assert window.banner.sandbox
        assert keyring.get_password(service, "api-key") is None
    finally:
        window.close()
        await services.aclose()


async def test_space_opens_a_full_window_loupe(window: MainWindow, qtbot):
    services = window.services
    await generate_all(window, "one kite", 2)
    drafts = services.drafts
    row = next(r for r in range(drafts.rowCount()) if drafts.draft_id_at(r) is not None)
    window.grid.setFocus()
    window.grid.setCurrentIndex(drafts.index(row, 0))
    qtbot.keyClick(window.grid, Qt.Key.Key_Space)
    assert window.pages.currentWidget() is window.loupe
    assert not window.prompt_panel.isVisible()
    assert not window.inspector.isVisible()
    qtbot.keyClick(window.loupe, Qt.Key.Key_Escape)
    assert window.pages.currentIndex() == 0
    assert window.prompt_panel.isVisible()
    assert window.inspector.isVisible()


async def test_closing_right_after_start_does_not_wait_for_the_key_check(qtbot, fast_sandbox):
    services = await build_services(sandbox_in_process=True)
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    services.start()
    assert services.keys.busy  # the startup check is still reading the keyring
    window.close()
    await asyncio.wait_for(services.aclose(), 10)


async def test_closing_when_the_event_loop_is_gone_still_closes_everything(qtbot, fast_sandbox):
    # What aboutToQuit does if the loop ends before the window closed: no awaiting.
    services = await build_services(sandbox_in_process=True)
    window = MainWindow(services)
    qtbot.addWidget(window)
    await services.start()
    window.prompt_panel.editor.setPlainText("slow one [sandbox:hang]")
    window.prompt_panel.count.setValue(3)
    window.generate()
    studio = services.studio
    await until(lambda: studio.stats.in_flight > 0, studio.stats_changed)
    window.close()

    services.close_now()

    unfinished = "SELECT id FROM drafts WHERE status IN ('queued', 'running', 'retrying')"
    assert db_rows(services.paths.library, unfinished) == []
    assert db_rows(services.paths.library, "SELECT id FROM sessions") == []
    assert services.backends.sandbox_server is None
    await services.aclose()  # nothing left to do
