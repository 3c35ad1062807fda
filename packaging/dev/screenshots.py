"""Takes the README's screenshots: the real app, on a real X server, against the sandbox.

Run through `bash packaging/dev/screenshots.sh`, which starts Xvfb; writes
resources/screenshots/first-window.png, main-window.png, grid-16x9.png, compare.png,
export.png, shortcuts.png, refine-panel.png, family.png, refined-vs-parent.png,
batch-job.png, batch-job-grouped.png, compare-swipe.png, survey.png, tournament.png and
tournament-done.png.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studio.models.studio import StudioModel
    from studio.ui.main_window import MainWindow

OUT = Path(__file__).resolve().parents[2] / "resources" / "screenshots"
BATCHES = (
    ("matte ceramic mug on linen, soft window light", "1:1", 8),
    ("neon koi pond, top view, long exposure", "16:9", 12),
)


def _isolate() -> None:
    home = Path(tempfile.mkdtemp(prefix="draft-studio-shots-"))
    for name in list(os.environ):
        if name.startswith(("GEMINI_", "GOOGLE_")):
            del os.environ[name]
    os.environ.update(
        {
            "DRAFT_STUDIO_LIBRARY": str(home / "library"),
            "DRAFT_STUDIO_CONFIG": str(home / "config"),
            "DRAFT_STUDIO_LOGS": str(home / "logs"),
            "DRAFT_STUDIO_SANDBOX_LATENCY": "0.6",
            "DRAFT_STUDIO_SANDBOX_JITTER": "0.6",
            "NO_PROXY": "127.0.0.1,localhost",
        }
    )


async def _settle(seconds: float) -> None:
    await asyncio.sleep(seconds)


async def _until_done(studio: StudioModel) -> None:
    # Generate hands the batch to the engine's thread; wait for it to start, then to finish.
    for _ in range(50):
        if studio.busy:
            break
        await _settle(0.05)
    while studio.busy:
        await _settle(0.2)


async def _shoot(app: object) -> int:
    from PySide6.QtCore import QItemSelectionModel

    from studio.app import build_services
    from studio.core.domain import Flag
    from studio.ui.main_window import MainWindow

    services = await build_services(sandbox_in_process=True)
    window = MainWindow(services)
    window.resize(1440, 900)
    window.show()
    await services.start()
    OUT.mkdir(parents=True, exist_ok=True)
    # What a newcomer without a key sees first: the welcome, before choosing the sandbox.
    await _settle(0.8)
    window.grab().save(str(OUT / "first-window.png"))
    window.pages.setCurrentIndex(0)
    studio = services.studio
    for prompt, aspect, count in BATCHES:
        services.prompt.set_prompt(prompt)
        services.prompt.set_aspect(aspect)
        services.prompt.set_count(count)
        window.generate()
        await _until_done(studio)
    # A batch still streaming in, so the screenshot shows live tile states too.
    server = services.backends.sandbox_server
    if server is not None:
        server.config.latency_s = 6.0
    services.prompt.set_prompt("paper boat on a rainy street, watercolour")
    services.prompt.set_aspect("3:4")
    services.prompt.set_count(8)
    window.generate()
    await _settle(2.5)

    drafts = services.library.list_drafts()
    done = [d for d in drafts if d.path is not None and d.aspect == "16:9"]
    services.culling.set_flag([done[0].id, done[3].id], Flag.PICK)
    services.culling.set_rating([done[0].id], 5)
    services.culling.set_rating([done[3].id], 4)
    services.culling.set_flag([done[5].id], Flag.REJECT)
    row = services.drafts.row_of(done[0].id)
    if row is not None:
        window.grid.setCurrentIndex(services.drafts.index(row, 0))
    await _settle(1.0)
    window.grab().save(str(OUT / "main-window.png"))
    await _grid_of_wide_batch(window, done[0].id)

    studio.stop()
    window.grid.selectionModel().clearSelection()
    for draft in (done[0], done[3]):
        row = services.drafts.row_of(draft.id)
        if row is not None:
            window.grid.selectionModel().select(
                services.drafts.index(row, 0), QItemSelectionModel.SelectionFlag.Select
            )
    window.open_compare()
    await _settle(1.5)
    window.grab().save(str(OUT / "compare.png"))
    window.compare.set_swipe(True)
    await _settle(0.8)
    window.grab().save(str(OUT / "compare-swipe.png"))
    window.compare.set_swipe(False)

    window.back_to_grid()
    # Survey: six drafts of both shapes at the largest size that fits, flags and stars under.
    square = [d for d in drafts if d.path is not None and d.aspect == "1:1"]
    window.grid.select_drafts([d.id for d in (*done[:4], *square[:2])])
    window.open_survey()
    await _settle(1.5)
    window.grab().save(str(OUT / "survey.png"))
    window.back_to_grid()
    await _tournament(window, [d.id for d in done[:5]])
    await _derived(window, done[0].id, done[3].id)

    window.open_export()
    dialog = window.dialogs.export_dialog
    if dialog is not None:
        dialog.set_target("~/Pictures/thumbnails")
        dialog.set_preset("youtube")
        await _settle(0.8)
        dialog.grab().save(str(OUT / "export.png"))
        dialog.close()

    window.open_cheat_sheet()
    sheet = window.dialogs.cheat_sheet
    if sheet is not None:
        await _settle(0.5)
        window.grab().save(str(OUT / "shortcuts.png"))
        sheet.close()
    await _batch_job(window)
    window.close()
    await services.aclose()
    return 0


async def _grid_of_wide_batch(window: MainWindow, draft_id: int) -> None:
    """The grid alone, scrolled to the 16:9 batch: cells follow the batch's shape."""
    from PySide6.QtWidgets import QAbstractItemView

    row = window.services.drafts.row_of(draft_id)
    if row is None:
        return
    # The batch's header (the row above its first draft) at the top, its lines below it.
    header = window.services.drafts.index(max(0, row - 1), 0)
    window.grid.scrollTo(header, QAbstractItemView.ScrollHint.PositionAtTop)
    await _settle(0.8)
    window.grid.grab().save(str(OUT / "grid-16x9.png"))


async def _derived(window: MainWindow, first: int, second: int) -> None:
    """Refines two picks, edits one of the results, and shows the family and a compare.

    Calls the actions the keys trigger (R, E, C): Xvfb without a window manager never
    activates the window, and shortcuts need an active one."""
    services = window.services
    studio = services.studio
    server = services.backends.sandbox_server
    if server is not None:
        server.config.latency_s = 1.0
    window.grid.select_drafts([first, second])
    window.lineage.refine()
    await _settle(0.6)
    window.grab().save(str(OUT / "refine-panel.png"))
    window.derive_panel.send()
    await _until_done(studio)
    refined = services.library.family.children(first)[0]
    window.grid.select_drafts([refined.id])
    window.lineage.edit()
    window.derive_panel.instruction.setText("warmer light, add a second koi")
    services.derive.set_instruction("warmer light, add a second koi")
    window.derive_panel.send()
    await _until_done(studio)
    window.grid.select_drafts([refined.id])
    await _settle(1.2)
    window.grab().save(str(OUT / "family.png"))
    window.open_compare()
    await _settle(2.0)
    window.grab().save(str(OUT / "refined-vs-parent.png"))
    window.back_to_grid()


async def _tournament(window: MainWindow, draft_ids: list[int]) -> None:
    """Five drafts ranked by "this one or that one?": a question, then the ranking."""
    from studio.core.ranking import Choice

    window.grid.select_drafts(draft_ids)
    window.open_tournament()
    model = window.tournament.model
    model.answer(Choice.LEFT)
    await _settle(1.2)
    window.grab().save(str(OUT / "tournament.png"))
    while (pair := model.pair()) is not None:
        left, right = pair
        model.answer(Choice.LEFT if left.seed > right.seed else Choice.RIGHT)
    await _settle(1.2)
    window.grab().save(str(OUT / "tournament-done.png"))
    window.back_to_grid()


async def _batch_job(window: MainWindow) -> None:
    """A prompt matrix sent as a batch job: its expansion and half price before sending, then
    its tiles waiting in the job and the Jobs section, then the images once it has run."""
    services = window.services
    server = services.backends.sandbox_server
    if server is not None:
        server.config.batch_pending_s = 6.0
        server.config.batch_running_s = 2.0
    jobs = services.studio.jobs
    jobs.first_poll_s = jobs.longest_poll_s = 0.5
    services.prompt.set_prompt("{red|teal|black} sneaker on {marble|sand|concrete}, studio shot")
    services.prompt.set_aspect("1:1")
    services.prompt.set_count(4)
    services.prompt.set_as_job(True)
    await _settle(0.5)
    window.generate()
    await _settle(2.5)
    window.grab().save(str(OUT / "batch-job.png"))
    for _ in range(80):
        if jobs.jobs and jobs.jobs[0].done:
            break
        await _settle(0.25)
    await _settle(1.5)
    # The matrix grouped by its second axis: a header per surface, the colours under each.
    batch_id = jobs.jobs[0].batch_id
    services.drafts.set_grouping(batch_id, "2")
    window.grid.scrollToTop()
    await _settle(1.0)
    window.grab().save(str(OUT / "batch-job-grouped.png"))


def main() -> int:
    _isolate()
    os.environ.setdefault("QT_API", "pyside6")
    from PySide6.QtWidgets import QApplication

    from studio.event_loop import run
    from studio.ui.theme import apply_theme

    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    apply_theme(app)
    return int(run(_shoot(app)))


if __name__ == "__main__":
    sys.exit(main())
