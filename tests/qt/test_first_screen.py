"""A large library shows its newest batches first; the rest follow once the window is up."""

from __future__ import annotations

from studio.app import build_services
from studio.core.library import Library
from studio.core.paths import AppPaths
from studio.models.draft_list import FIRST_SCREEN_DRAFTS, Role
from studio.ui.main_window import MainWindow
from tests.library_data import record
from tests.qt.conftest import until


async def test_the_newest_batches_come_first_and_the_rest_after_the_window(qtbot, fast_sandbox):
    per_batch = FIRST_SCREEN_DRAFTS // 2 + 10
    with Library.open(AppPaths.resolve().library) as library:
        batch_ids = [
            library.create_batch(record(f"the {name} kites", per_batch))[0].batch_id
            for name in ("oldest", "older", "newer", "newest")
        ]
    services = await build_services(sandbox_in_process=True)
    window = MainWindow(services)
    qtbot.addWidget(window)
    try:
        drafts = services.drafts
        # The two newest batches hold more than a first screen: they alone are read at once.
        assert drafts.rowCount() == 2 * (per_batch + 1)
        await services.start()
        await until(lambda: drafts.rowCount() == 4 * (per_batch + 1), drafts.rowsInserted)
        headers = [
            drafts.index(row, 0).data(Role.BatchIdRole)
            for row in range(0, drafts.rowCount(), per_batch + 1)
        ]
        assert headers == batch_ids[::-1]
    finally:
        window.close()
        await services.aclose()
