"""Prompt matrices and batch jobs in the app: the cost line, the choice beside Generate, the
Jobs section, the tiles filling in when the job has run, cancel, and polling after a restart."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QToolButton

from studio.app import build_services
from studio.core.domain import JobState, SlotStatus
from studio.models.draft_rows import BatchAction
from studio.ui.main_window import MainWindow
from tests.qt.conftest import until


@pytest.fixture
def quick_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRAFT_STUDIO_SANDBOX_BATCH_PENDING", "0.3")
    monkeypatch.setenv("DRAFT_STUDIO_SANDBOX_BATCH_RUNNING", "0")


def _fast_polling(window: MainWindow) -> None:
    jobs = window.services.studio.jobs
    jobs.first_poll_s = jobs.longest_poll_s = 0.1


async def test_a_matrix_shows_its_expansion_and_the_batch_price_before_sending(
    quick_jobs, window: MainWindow
):
    panel = window.prompt_panel
    panel.editor.setPlainText("a {red|teal} kite over {sea|hills|city}")
    panel.count.setValue(4)
    assert panel.cost.text().startswith(
        "2 × 3 combinations × 4 = 24 drafts · 24 × $0.0336 would cost $0.81"
    )
    assert panel.as_job.isVisibleTo(window)
    panel.as_job.setChecked(True)
    assert "24 × $0.0168 would cost $0.40 as a batch job (half price)" in panel.cost.text()
    assert panel.generate.text() == "Send batch job"
    panel.count.setValue(1)  # 6 drafts: live is quick enough, the choice goes away
    assert not panel.as_job.isVisibleTo(window)
    assert panel.generate.text() == "Generate"
    panel.editor.setPlainText("a {red|teal kite")
    assert "never closed" in panel.problem.text()
    assert not panel.generate.isEnabled()


async def test_a_batch_job_fills_its_tiles_when_it_has_run(quick_jobs, window: MainWindow):
    _fast_polling(window)
    services = window.services
    jobs = services.studio.jobs
    panel = window.prompt_panel
    panel.editor.setPlainText("a {red|teal} kite")
    panel.count.setValue(10)
    panel.as_job.setChecked(True)
    panel.generate.click()
    # The tiles come at once, waiting in the job; the Jobs section names it.
    await until(lambda: services.drafts.rowCount() == 21, services.drafts.rowsInserted)
    await until(lambda: bool(jobs.jobs), jobs.changed)
    assert window.jobs_section.isVisibleTo(window)
    assert window.jobs_section.rows[0].label.text().startswith("Job 1 · ")
    await until(lambda: bool(jobs.jobs) and jobs.jobs[0].done, jobs.changed, 20)
    drafts = services.library.list_drafts()
    assert [d.status for d in drafts] == [SlotStatus.SUCCEEDED] * 20
    assert {d.prompt for d in drafts} == {"a red kite", "a teal kite"}
    await until(lambda: window.desktop_notice.last is not None, jobs.changed)
    assert window.desktop_notice.last == (
        "Draft Studio",
        "Batch job 1 has run: 20 images arrived.",
    )
    assert all(0.0168 <= d.cost_usd < 0.0169 for d in drafts)
    window.inspector.show_draft(drafts[0])
    assert window.inspector.fields["Latency"].text() == "batch job"
    assert window.inspector.fields["Cost"].text().endswith("· batch price")


async def test_cancel_from_the_jobs_section(quick_jobs, window: MainWindow):
    _fast_polling(window)
    services = window.services
    jobs = services.studio.jobs
    window.prompt_panel.editor.setPlainText("a {red|teal} kite [sandbox:job-pending]")
    window.prompt_panel.count.setValue(10)
    window.prompt_panel.as_job.setChecked(True)
    window.generate()
    await until(lambda: bool(jobs.jobs) and jobs.jobs[0].name is not None, jobs.changed)
    (cancel,) = [b for b in window.jobs_section.findChildren(QToolButton) if b.text() == "Cancel"]
    cancel.click()
    await until(lambda: jobs.jobs[0].state == JobState.CANCELLED, jobs.changed)
    drafts = services.library.list_drafts()
    assert {d.status for d in drafts} == {SlotStatus.CANCELLED}


async def test_stop_on_the_batch_header_cancels_its_job(quick_jobs, window: MainWindow):
    _fast_polling(window)
    services = window.services
    jobs = services.studio.jobs
    services.prompt.set_prompt("a {red|teal} kite [sandbox:job-pending]")
    services.prompt.set_count(10)
    services.prompt.set_as_job(True)
    window.generate()
    await until(lambda: bool(jobs.jobs) and jobs.jobs[0].name is not None, jobs.changed)
    window.grid_actions.run_batch_action(jobs.jobs[0].batch_id, BatchAction.STOP)
    await until(lambda: jobs.jobs[0].state == JobState.CANCELLED, jobs.changed)
    assert {d.status for d in services.library.list_drafts()} == {SlotStatus.CANCELLED}


async def test_a_job_left_by_an_earlier_session_is_polled_after_a_restart(
    qtbot, fast_sandbox, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DRAFT_STUDIO_SANDBOX_BATCH_PENDING", "2")
    monkeypatch.setenv("DRAFT_STUDIO_SANDBOX_BATCH_RUNNING", "0")
    first = await build_services(sandbox_in_process=True)
    window = MainWindow(first)
    qtbot.addWidget(window)
    await first.start()
    first.prompt.set_prompt("a {red|teal} kite")
    first.prompt.set_count(10)
    first.prompt.set_as_job(True)
    window.generate()
    jobs = first.studio.jobs
    await until(lambda: bool(jobs.jobs) and jobs.jobs[0].name is not None, jobs.changed)
    window.close()
    await first.aclose()

    # The sandbox keeps its jobs in a state folder, as Google keeps a real one: the next
    # session finds the job still waiting, polls it, and fills the tiles.
    again = await build_services(sandbox_in_process=True)
    second = MainWindow(again)
    qtbot.addWidget(second)
    try:
        _fast_polling(second)
        assert [j.state for j in again.studio.jobs.jobs] == [JobState.PENDING]
        assert second.jobs_section.isVisibleTo(second)
        await again.start()
        later = again.studio.jobs
        await until(lambda: bool(later.jobs) and later.jobs[0].done, later.changed, 20)
        statuses = [d.status for d in again.library.list_drafts()]
        assert statuses == [SlotStatus.SUCCEEDED] * 20
    finally:
        second.close()
        await again.aclose()
