"""The main window: prompt panel, grid (or compare, loupe, survey, tournament), inspector,
banner, status."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from studio.core.export.user_presets import PresetBook
from studio.core.library import DraftRecord
from studio.models.export_model import ExportModel
from studio.models.image_loader import ImageLoader
from studio.models.services import Services
from studio.models.tournament import TournamentModel
from studio.ui import file_actions
from studio.ui.actions import ActionFactory
from studio.ui.banner import Banner
from studio.ui.compare import CompareView
from studio.ui.culling_actions import CullingActions
from studio.ui.current_draft import CurrentDraft
from studio.ui.derive_panel import DerivePanel
from studio.ui.desktop_notice import DesktopNotice
from studio.ui.first_run import FirstRunPanel
from studio.ui.focus import FocusFlow
from studio.ui.grid import GridPage
from studio.ui.grid_actions import GridActions
from studio.ui.inspector import Inspector
from studio.ui.jobs_section import JobsSection
from studio.ui.lineage_actions import LineageActions
from studio.ui.loupe import Loupe
from studio.ui.notices import Notices
from studio.ui.prompt_panel import PromptPanel
from studio.ui.status_bar import StudioStatusBar
from studio.ui.survey import SurveyView
from studio.ui.tournament import TournamentView
from studio.ui.views import GRID, WELCOME, Views
from studio.ui.window_dialogs import WindowDialogs


class MainWindow(QMainWindow):
    closed = Signal()

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.setWindowTitle("Draft Studio")
        self.resize(1440, 900)
        self.inspector_wanted = True
        self._named: dict[str, QAction] = {}  # actions by their text, for context menus
        presets = PresetBook(services.paths.export_presets_file)
        self.exporter = ExportModel(services.library, services.tasks, presets, self)
        self.dialogs = WindowDialogs(self, services, self.exporter)

        self.jobs_section = JobsSection(services.studio.jobs)
        self.desktop_notice = DesktopNotice(self)
        self.prompt_panel = PromptPanel(services.prompt, below=self.jobs_section)
        self.banner = Banner()
        self.notices = Notices(self.banner, services, self.open_settings)
        grid_page = GridPage(services.drafts, services.settings)
        grid_page.compare_requested.connect(self.open_compare)
        self.filter_bar, self.grid = grid_page.filter_bar, grid_page.grid
        # One loader for every full-size view: an image the inspector decoded opens at once
        # in the loupe or compare, and memory is bounded once.
        self.images = ImageLoader(self)
        self.compare = CompareView(self.images)
        self.loupe = Loupe(self.images)
        self.survey = SurveyView()  # its own loader: the shared one holds too few images
        tournament = TournamentModel(services.library, services.culling)
        self.tournament = TournamentView(tournament, services.thumbnails)
        self.welcome = FirstRunPanel(services.keys)
        self.inspector = Inspector(services.family, services.thumbnails, self.images)
        self.derive_panel = DerivePanel(services.derive)

        self.pages = QStackedWidget()
        pages = (grid_page, self.compare, self.loupe, self.welcome, self.survey, self.tournament)
        for page in pages:
            self.pages.addWidget(page)

        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.setSpacing(0)
        centre_layout.addWidget(self.banner)
        centre_layout.addWidget(self.derive_panel)
        centre_layout.addWidget(self.pages, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.prompt_panel)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.inspector)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([340, 780, 320])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        self.setStatusBar(StudioStatusBar(services.studio))

        self.current = CurrentDraft(self.grid, services, self.inspector)
        self._wire()
        self.focus = FocusFlow(
            self.grid,
            services.drafts,
            self.prompt_panel,
            services.studio,
            services.settings,
            self.back_to_grid,
        )
        self._named.update(self.inspector.named_actions())
        tell = self.notices.tell
        self.grid_actions = GridActions(
            self.grid, services.drafts, services.studio, services.culling, self._named, tell
        )
        self.views = Views(self)
        self.culling_actions = CullingActions(
            self.grid, services.drafts, services.culling, self.views.follow_in_loupe
        )
        self.lineage = LineageActions(self.grid, services, tell)
        self.inspector.relative_chosen.connect(self.lineage.go_to)
        self.inspector.compare_parent_requested.connect(self.compare_with_parent)
        self._add_actions()
        self._restore_state()
        self.banner.set_sandbox(services.studio.sandbox)
        # Until the keyring has been read, an empty library gets the welcome; a key found
        # there moves on to the grid (_backend_changed).
        show_welcome = not services.keys.has_key and services.drafts.rowCount() == 0
        self.pages.setCurrentIndex(WELCOME if show_welcome else GRID)
        self.prompt_panel.set_running(False)
        self.prompt_panel.focus_prompt()

    # -- wiring --------------------------------------------------------------------------------

    def _wire(self) -> None:
        services = self.services
        studio = services.studio
        self.prompt_panel.generate_requested.connect(self.generate)
        self.prompt_panel.stop_requested.connect(self.stop)
        self.grid.doubleClicked.connect(lambda _: self.toggle_loupe())
        self.notices.watch(self.grid, self.pages)
        studio.backend_changed.connect(self._backend_changed)
        studio.stats_changed.connect(self._stats_changed)
        self.banner.add_key_requested.connect(self.open_settings)
        services.keys.key_changed.connect(self._key_changed)
        self.welcome.sandbox_chosen.connect(lambda: self.pages.setCurrentIndex(GRID))
        services.culling.draft_changed.connect(self._draft_changed)
        studio.jobs.arrived.connect(self._job_arrived)
        services.settings.changed.connect(self._settings_changed)
        self.compare.flag_requested.connect(lambda i, f: services.culling.set_flag([i], f))
        self.compare.rating_requested.connect(lambda i, r: services.culling.set_rating([i], r))
        self.inspector.reuse_requested.connect(self._reuse)
        self.inspector.retry_requested.connect(studio.retry)
        self.inspector.reveal_requested.connect(file_actions.reveal)
        services.derive.closed.connect(self._derive_closed)
        services.derive.sent.connect(self._derive_sent)

    def _add_actions(self) -> None:
        # Every action with a key is in a menu: the menus show them, and F1 lists them all.
        factory = ActionFactory(self, self._named, self.notices)
        make = factory.make
        grid = self.grid
        menus = self.menuBar()
        app_menu = menus.addMenu("&Draft Studio")
        app_menu.addAction(make("Generate", ["Ctrl+Return", "Ctrl+Enter"], self.generate))
        app_menu.addAction(make("Stop", "Esc", self.stop, self.prompt_panel))
        app_menu.addAction(make("Focus prompt", "Ctrl+L", self.focus.focus_prompt))
        # G as in Lightroom; text fields keep the letter (they claim printable keys).
        app_menu.addAction(make("Focus grid", ["Ctrl+G", "G"], self.focus.focus_grid))
        app_menu.addSeparator()
        app_menu.addAction(make("Export…", "Ctrl+E", self.open_export))
        app_menu.addAction(make("Open in editor", "Ctrl+Shift+E", self.open_in_editor))
        app_menu.addSeparator()
        app_menu.addAction(make("Settings…", "Ctrl+,", self.open_settings))
        app_menu.addAction(make("Quit", "Ctrl+Q", self.close))

        edit = menus.addMenu("&Edit")
        edit.addAction(make("Undo", "Ctrl+Z", self.services.culling.undo))
        edit.addAction(make("Redo", ["Ctrl+Shift+Z", "Ctrl+Y"], self.services.culling.redo))
        # On the grid only: Ctrl+C in the prompt editor copies text.
        edit.addAction(make("Copy image", "Ctrl+C", self.copy_image, grid))

        make("Stop", "Esc", self.stop, grid)
        self.culling_actions.fill_menu(menus.addMenu("&Cull"), factory, self.grid_actions)

        refine = menus.addMenu("&Refine")
        lineage = self.lineage
        for text, key, slot, tip in (
            ("Refine…", "R", lineage.refine, "Re-render on a stronger model, bigger"),
            ("Edit…", "E", lineage.edit, "Change the draft by one instruction"),
            ("More like this…", "V", lineage.vary, "Variations of the draft"),
        ):
            refine.addAction(make(text, key, slot, grid, tip))
        refine.addSeparator()
        refine.addAction(
            make("Compare with parent", "Shift+C", self.compare_with_parent, grid, "Beside it")
        )

        view = menus.addMenu("&View")
        view.addAction(make("Compare selected", "C", self.open_compare, grid))
        view.addAction(make("Loupe", "Space", self.toggle_loupe, grid))
        view.addAction(make("Survey selected", "N", self.open_survey, grid, "All at once"))
        view.addAction(
            make("Tournament…", "T", self.open_tournament, grid, "Rank by this one or that one")
        )
        view.addAction(grid.zoom_in_action)
        view.addAction(grid.zoom_out_action)
        inspector = make("Show inspector", "Ctrl+I", self._toggle_inspector)
        inspector.setCheckable(True)
        inspector.setChecked(True)
        view.addAction(inspector)

        help_menu = menus.addMenu("&Help")
        help_menu.addAction(make("Keyboard shortcuts", "F1", self.open_cheat_sheet))
        # "?" is Shift+/ on most layouts; which of the two arrives depends on the platform.
        make("Keyboard shortcuts", ["?", "Shift+?"], self.open_cheat_sheet, grid)

    # -- generation ----------------------------------------------------------------------------

    def generate(self) -> None:
        services = self.services
        self.banner.settle()  # the Generate button is an action too
        problem = services.prompt.problem_with_request()
        if problem:
            self.notices.warn(problem)
            return
        as_job = services.prompt.sends_job
        try:
            if as_job:
                services.studio.send_as_job(services.prompt.spec())
            else:
                services.studio.generate(services.prompt.spec())
        except ValueError as exc:
            self.notices.warn(str(exc))
            return
        self.focus.expect_batch()
        services.prompt.remember()
        prompt = services.prompt
        services.settings.update(
            default_model=prompt.model_id,
            default_aspect=prompt.aspect,
            default_size=prompt.size,
            recent_prompts=tuple(prompt.history),
        )
        self.pages.setCurrentIndex(GRID)
        self.grid.scrollToTop()
        if not as_job:  # Stop ends live work; a job has its own Cancel
            self.prompt_panel.set_running(True)

    def stop(self) -> None:
        self.services.studio.stop()

    def _job_arrived(self, job_id: int, images: int) -> None:
        noun = "image" if images == 1 else "images"
        text = f"Batch job {job_id} has run: {images} {noun} arrived."
        self.notices.tell(text)
        self.desktop_notice.show("Draft Studio", text)

    def _stats_changed(self) -> None:
        studio = self.services.studio
        self.prompt_panel.set_running(studio.busy)
        self.services.prompt.set_remaining_budget(studio.remaining_budget())

    def _key_changed(self) -> None:
        self.services.tasks.run(self._switch_backend(), "Switching to the new key")

    async def _switch_backend(self) -> None:
        services = self.services
        key = await asyncio.to_thread(services.engine_key)
        backend = services.backends.gemini(key.value) if key else await services.backends.sandbox()
        services.studio.switch_backend(backend, sandbox=key is None)

    def _backend_changed(self, sandbox: bool) -> None:
        self.banner.set_sandbox(sandbox)
        self.services.prompt.set_billed(not sandbox)
        if not sandbox and self.pages.currentIndex() == WELCOME:
            self.pages.setCurrentIndex(GRID)

    def _settings_changed(self) -> None:
        self.services.studio.apply_settings(self.services.settings.settings)

    # -- selection and culling -----------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        return self.grid.chosen_draft_ids()

    def _toggle_inspector(self, checked: bool) -> None:
        self.inspector_wanted = checked
        self.inspector.setVisible(checked)

    def _draft_changed(self, draft: DraftRecord) -> None:
        drafts = self.services.drafts
        drafts.set_flag_local(draft.id, draft.flag)
        drafts.set_rating_local(draft.id, draft.rating)
        drafts.set_deleted_local(draft.id, draft.deleted)
        self.compare.update_draft(draft)
        self.survey.update_draft(draft)
        self.tournament.update_draft(draft)
        current = self.current.record()
        if current is not None and current.id == draft.id:
            self.inspector.show_draft(draft)

    # -- views ---------------------------------------------------------------------------------

    def open_compare(self) -> None:
        self.views.open_compare()

    def compare_with_parent(self) -> None:
        self.views.compare_with_parent()

    def toggle_loupe(self, keep_open: bool = False) -> None:
        self.views.toggle_loupe(keep_open)

    def open_survey(self) -> None:
        self.views.open_survey()

    def open_tournament(self) -> None:
        self.views.open_tournament()

    def back_to_grid(self) -> None:
        self.views.back_to_grid()

    def open_settings(self) -> None:
        self.dialogs.open_settings()

    def open_cheat_sheet(self) -> None:
        self.dialogs.open_cheat_sheet(self.menuBar())

    def open_export(self) -> None:
        # Unlike selected_ids(), no fallback to the current tile: no selection means a filter.
        self.dialogs.open_export(self.grid.selected_draft_ids())

    def _derive_sent(self) -> None:
        self.dialogs.remember("derive", self.services.derive.remembered_json())
        self.pages.setCurrentIndex(GRID)
        self.grid.scrollToTop()  # the new batch arrives at the top

    def _derive_closed(self) -> None:
        if self.pages.currentIndex() == GRID:
            self.grid.setFocus()

    def copy_image(self) -> None:
        if (problem := file_actions.copy_image(self.current.record())) is not None:
            self.notices.tell(problem)

    def open_in_editor(self) -> None:
        if (problem := file_actions.open_in_editor(self.current.record())) is not None:
            self.notices.tell(problem)

    def _reuse(self, draft_id: int) -> None:
        library = self.services.library
        self.services.prompt.reuse(library.get(draft_id), library)
        self.focus.focus_prompt()

    # -- state ---------------------------------------------------------------------------------

    def _restore_state(self) -> None:
        state = self.dialogs.state()
        geometry = state.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        splitter = state.value("splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        tile = state.value("tile_size")
        if tile is not None:
            self.grid.set_tile_size(int(str(tile)))
        self.services.derive.restore(state.value("derive"))

    def save_state(self) -> None:
        state = self.dialogs.state()
        state.setValue("geometry", self.saveGeometry())
        state.setValue("splitter", self.splitter.saveState())
        state.setValue("tile_size", self.grid.tile_size)
        state.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.images.close()
        self.survey.loader.close()
        self.tournament.loader.close()
        super().closeEvent(event)
        self.closed.emit()
