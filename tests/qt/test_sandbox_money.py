"""Money in the app on the offline sandbox: every sum says what the work would cost and that
nothing is billed (the cost line, status bar, batch headers, tooltips; the derive panel's
is in test_derive); a budget stop pauses the
queue, raising the budget sends the rest, and a batch the CLI stopped says how many it never
sent."""

from __future__ import annotations

from PySide6.QtCore import Qt

from studio.app import build_services
from studio.core.catalog import DRAFT_MODEL, Catalog
from studio.core.domain import GeneratedImage, ResponseMeta, SlotStatus
from studio.core.engine import BatchSpec
from studio.core.library import Library
from studio.models.draft_list import Role
from studio.ui.main_window import MainWindow
from studio.ui.status_bar import StudioStatusBar
from tests.cli.helpers import library_dir
from tests.core.test_library import png
from tests.qt.conftest import until
from tests.qt.test_app import generate_all

NOTHING_BILLED = "sandbox: nothing billed"


def _header_rows(window: MainWindow) -> list[int]:
    drafts = window.services.drafts
    return [row for row in range(drafts.rowCount()) if drafts.draft_id_at(row) is None]


def _detail(window: MainWindow, row: int) -> str:
    drafts = window.services.drafts
    return str(drafts.data(drafts.index(row, 0), Role.HeaderDetailRole))


async def test_the_cost_line_before_generate_says_nothing_is_billed(window: MainWindow):
    window.prompt_panel.count.setValue(24)

    assert window.prompt_panel.cost.text() == (
        "24 × $0.0336 would cost $0.81 · sandbox: nothing billed"
    )


async def test_the_status_bar_spend_says_would_cost(window: MainWindow):
    await generate_all(window, "a paper boat", 2)

    status = window.statusBar()
    assert isinstance(status, StudioStatusBar)
    assert status.counts.text().endswith("· would cost $0.07 · sandbox: nothing billed")


async def test_the_batch_header_spend_says_would_cost(window: MainWindow):
    await generate_all(window, "a paper boat", 2)

    (header,) = _header_rows(window)
    assert _detail(window, header).endswith(" · 2 images · would cost $0.067 · " + NOTHING_BILLED)


async def test_a_tiles_tooltip_says_what_it_would_cost(window: MainWindow):
    await generate_all(window, "a paper boat", 1)

    drafts = window.services.drafts
    tooltip = str(drafts.data(drafts.index(1, 0), Qt.ItemDataRole.ToolTipRole))
    assert tooltip.splitlines()[-1].endswith(" · would cost $0.034 · " + NOTHING_BILLED)


async def test_a_budget_stop_keeps_the_rest_queued_and_raising_it_sends_them(
    window: MainWindow,
):
    services = window.services
    studio = services.studio
    notices: list[tuple[str, str]] = []
    studio.notice.connect(lambda kind, message, _: notices.append((kind, message)))
    services.settings.update(session_budget_usd=0.05)
    await generate_all(window, "a paper boat", 1)
    await until(lambda: studio.remaining_budget() is not None, studio.stats_changed)

    window.prompt_panel.editor.setPlainText("more boats")
    window.prompt_panel.count.setValue(4)
    services.studio.generate(services.prompt.spec())  # the panel would refuse: $0.02 left
    await until(lambda: notices != [], studio.notice)
    ((kind, message),) = notices
    assert kind == "budget"
    assert message.startswith("The session budget of $0.05 is reached: would cost $0.03")
    assert message.endswith(f"{NOTHING_BILLED}; raise it to continue.")
    newest = services.library.drafts_of_batch(services.library.list_drafts()[0].batch_id)
    assert [d.status for d in newest] == [SlotStatus.QUEUED] * 4

    services.settings.update(session_budget_usd=1.0)
    await until(lambda: studio.stats.succeeded == 5, studio.stats_changed)
    assert [services.library.get(d.id).status for d in newest] == [SlotStatus.SUCCEEDED] * 4


def _budget_stopped_batch(library: Library, billed: bool) -> None:
    """What `generate -n 5 --budget …` leaves: two images, three slots never sent."""
    plan = BatchSpec("a paper boat", DRAFT_MODEL, "1:1", "1K", 5).plan(Catalog())
    slots = library.create_batch(plan.record, billed=billed)
    meta = ResponseMeta(latency_s=1.0, cost_usd=0.0336)
    for slot in slots[:2]:
        library.save_images(slot.id, [GeneratedImage(png(), "image/png")], meta, None)
    library.spending.drop_not_sent([s.id for s in slots[2:]])


async def test_a_batch_header_counts_the_slots_a_budget_never_sent(qtbot, fast_sandbox):
    with Library.open(library_dir()) as library:
        _budget_stopped_batch(library, billed=True)  # sent to Gemini before
        _budget_stopped_batch(library, billed=False)  # on the sandbox
    services = await build_services(sandbox_in_process=True)
    window = MainWindow(services)
    qtbot.addWidget(window)
    try:
        await services.start()
        sandbox_header, gemini_header = _header_rows(window)
        assert services.drafts.rowCount() == 6  # two headers, two tiles each
        assert _detail(window, gemini_header).endswith(
            " · 2 images · 3 not sent: budget reached · $0.067"
        )
        assert _detail(window, sandbox_header).endswith(
            " · 2 images · 3 not sent: budget reached · would cost $0.067 · " + NOTHING_BILLED
        )
    finally:
        window.close()
        await services.aclose()
