"""The main window: prompt panel, grid (or compare / loupe), inspector, one banner, status."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import (
    QByteArray,
    QSettings,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QImage, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.app import Services
from studio.core.domain import Flag
from studio.core.export.user_presets import PresetBook
from studio.core.library import DraftRecord, LibraryError
from studio.models.draft_rows import BatchAction
from studio.models.export_model import ExportModel
from studio.models.image_loader import ImageLoader
from studio.ui.banner import Banner
from studio.ui.cheat_sheet import CheatSheet, menu_entries
from studio.ui.compare import KEYS as COMPARE_KEYS
from studio.ui.compare import CompareView
from studio.ui.export_dialog import ExportDialog
from studio.ui.first_run import FirstRunPanel
from studio.ui.grid import FilterBar, GridView
from studio.ui.grid_actions import GridActions
from studio.ui.inspector import Inspector
from studio.ui.loupe import Loupe
from studio.ui.prompt_panel import PromptPanel
from studio.ui.settings_dialog import SettingsDialog
from studio.ui.status_bar import StudioStatusBar

_GRID, _COMPARE, _LOUPE, _WELCOME = range(4)


class MainWindow(QMainWindow):
    closed = Signal()

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.setWindowTitle("Draft Studio")
        self.resize(1440, 900)
        self._auto_advance = True
        self._inspector_wanted = True
        self._settings_dialog: SettingsDialog | None = None
        self._export_dialog: ExportDialog | None = None
        self._cheat_sheet: CheatSheet | None = None
        self._named: dict[str, QAction] = {}  # actions by their text, for context menus
        presets = PresetBook(services.paths.export_presets_file)
        self.exporter = ExportModel(services.library, services.tasks, presets, self)

        self.prompt_panel = PromptPanel(services.prompt)
        self.banner = Banner()
        self.filter_bar = FilterBar()
        self.grid = GridView()
        self.grid.setModel(services.drafts)
        # Tiles drag out as file URLs of the originals; nothing is dropped onto the grid.
        self.grid.setDragEnabled(True)
        self.grid.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        # One loader for every full-size view: an image the inspector decoded opens at once
        # in the loupe or compare, and memory is bounded once.
        self.images = ImageLoader(self)
        self.compare = CompareView(self.images)
        self.loupe = Loupe(self.images)
        self.welcome = FirstRunPanel(services.keys)
        self.inspector = Inspector(self.images)

        self.pages = QStackedWidget()
        grid_page = QWidget()
        grid_layout = QVBoxLayout(grid_page)
        grid_layout.setContentsMargins(0, 0, 0, 0)
        grid_layout.setSpacing(0)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 8, 0)
        top.addWidget(self.filter_bar, 1)
        self.compare_button = QToolButton()
        self.compare_button.setText("Compare")
        self.compare_button.setAccessibleName("Compare selected")
        self.compare_button.setToolTip("Compare the selected drafts side by side (C)")
        self.compare_button.clicked.connect(self.open_compare)
        top.addWidget(self.compare_button)
        grid_layout.addLayout(top)
        grid_layout.addWidget(self.grid, 1)
        for page in (grid_page, self.compare, self.loupe, self.welcome):
            self.pages.addWidget(page)

        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.setSpacing(0)
        centre_layout.addWidget(self.banner)
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

        self._wire()
        inspector = self.inspector
        self._named.update(
            {
                "Copy prompt": inspector.copy_action,
                "Reuse settings": inspector.reuse_action,
                "Retry": inspector.retry_action,
                "Reveal file": inspector.reveal_action,
            }
        )
        self.grid_actions = GridActions(
            self.grid,
            services.drafts,
            services.studio,
            services.culling,
            self._named,
            lambda text: self.banner.show_message("info", text),
        )
        self._add_actions()
        self._restore_state()
        self.banner.set_sandbox(services.studio.sandbox)
        show_welcome = not services.had_key_at_start and services.drafts.rowCount() == 0
        self.pages.setCurrentIndex(_WELCOME if show_welcome else _GRID)
        self.prompt_panel.set_running(False)
        self.prompt_panel.focus_prompt()

    # -- wiring --------------------------------------------------------------------------------

    def _wire(self) -> None:
        services = self.services
        studio = services.studio
        self.prompt_panel.generate_requested.connect(self.generate)
        self.prompt_panel.stop_requested.connect(self.stop)
        self.filter_bar.filter_changed.connect(services.drafts.set_filter)
        self.filter_bar.tile_size_changed.connect(self.grid.set_tile_size)
        self.grid.tile_size_changed.connect(self.filter_bar.set_tile_size)
        self.grid.selectionModel().currentChanged.connect(lambda *_: self._show_current())
        self.grid.doubleClicked.connect(lambda _: self.toggle_loupe())
        studio.notice.connect(self._notice)
        studio.notice_cleared.connect(self.banner.clear)
        studio.backend_changed.connect(self.banner.set_sandbox)
        studio.stats_changed.connect(self._stats_changed)
        self.banner.add_key_requested.connect(self.open_settings)
        services.keys.key_changed.connect(self._key_changed)
        self.welcome.sandbox_chosen.connect(lambda: self.pages.setCurrentIndex(_GRID))
        services.culling.draft_changed.connect(self._draft_changed)
        services.culling.problem.connect(lambda text: self.banner.show_message("warning", text))
        services.prompt.problem.connect(lambda text: self.banner.show_message("warning", text))
        services.tasks.failed.connect(lambda _, text: self.banner.show_message("error", text))
        services.settings.changed.connect(self._settings_changed)
        self.compare.flag_requested.connect(lambda i, f: services.culling.set_flag([i], f))
        self.compare.rating_requested.connect(lambda i, r: services.culling.set_rating([i], r))
        self.compare.closed.connect(self.back_to_grid)
        self.loupe.closed.connect(self.back_to_grid)
        self.loupe.step.connect(self._step)
        self.inspector.reuse_requested.connect(self._reuse)
        self.inspector.retry_requested.connect(studio.retry)
        self.inspector.reveal_requested.connect(self._reveal)

    def _action(
        self,
        text: str,
        shortcuts: list[str] | str,
        slot: object,
        widget: QWidget | None = None,
    ) -> QAction:
        action = QAction(text, self)
        keys = [shortcuts] if isinstance(shortcuts, str) else shortcuts
        action.setShortcuts([QKeySequence(k) for k in keys])
        # Single-letter culling keys belong to the grid: typing "p" in the prompt is text.
        if widget is not None:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            widget.addAction(action)
        else:
            self.addAction(action)
        action.triggered.connect(slot)
        self._named.setdefault(text, action)  # the menu bar's, when the grid has a twin
        return action

    def _add_actions(self) -> None:
        # Every action with a key is in a menu: the menus show them, and F1 lists them all.
        menus = self.menuBar()
        app_menu = menus.addMenu("&Draft Studio")
        app_menu.addAction(self._action("Generate", ["Ctrl+Return", "Ctrl+Enter"], self.generate))
        app_menu.addAction(self._action("Stop", "Esc", self.stop, self.prompt_panel))
        app_menu.addAction(self._action("Focus prompt", "Ctrl+L", self.prompt_panel.focus_prompt))
        app_menu.addSeparator()
        app_menu.addAction(self._action("Export…", "Ctrl+E", self.open_export))
        app_menu.addAction(self._action("Open in editor", "Ctrl+Shift+E", self.open_in_editor))
        app_menu.addSeparator()
        app_menu.addAction(self._action("Settings…", "Ctrl+,", self.open_settings))
        app_menu.addAction(self._action("Quit", "Ctrl+Q", self.close))

        edit = menus.addMenu("&Edit")
        edit.addAction(self._action("Undo", "Ctrl+Z", self.undo))
        edit.addAction(self._action("Redo", ["Ctrl+Shift+Z", "Ctrl+Y"], self.redo))
        # On the grid only: Ctrl+C in the prompt editor copies text.
        edit.addAction(self._action("Copy image", "Ctrl+C", self.copy_image, self.grid))

        grid = self.grid
        self._action("Stop", "Esc", self.stop, grid)
        cull = menus.addMenu("&Cull")
        cull.addAction(self._action("Pick", "P", lambda: self._flag(Flag.PICK), grid))
        cull.addAction(self._action("Reject", "X", lambda: self._flag(Flag.REJECT), grid))
        cull.addAction(self._action("Unflag", "U", lambda: self._flag(Flag.NONE), grid))
        for rating in range(6):
            cull.addAction(
                self._action(
                    f"Rate {rating}", str(rating), lambda _=False, r=rating: self._rate(r), grid
                )
            )
        cull.addAction(self._action("Move to trash", ["Delete", "Backspace"], self._delete, grid))
        cull.addSeparator()
        # The batch header's pills, for the batch of the current tile, from the keyboard too.
        batch_actions = (
            ("Select this batch", BatchAction.SELECT),
            ("Retry this batch's failures", BatchAction.RETRY),
            ("Stop this batch", BatchAction.STOP),
        )
        for text, batch_action in batch_actions:
            cull.addAction(
                self._action(
                    text, [], lambda _=False, a=batch_action: self.grid_actions.on_current_batch(a)
                )
            )
        cull.addSeparator()
        auto = self._action("Auto-advance after flag", "Ctrl+Shift+A", self._toggle_advance)
        auto.setCheckable(True)
        auto.setChecked(self._auto_advance)
        cull.addAction(auto)

        view = menus.addMenu("&View")
        view.addAction(self._action("Compare selected", "C", self.open_compare, grid))
        view.addAction(self._action("Loupe", "Space", self.toggle_loupe, grid))
        view.addAction(grid.zoom_in_action)
        view.addAction(grid.zoom_out_action)
        inspector = self._action("Show inspector", "Ctrl+I", self._toggle_inspector)
        inspector.setCheckable(True)
        inspector.setChecked(True)
        view.addAction(inspector)

        help_menu = menus.addMenu("&Help")
        help_menu.addAction(self._action("Keyboard shortcuts", "F1", self.open_cheat_sheet))
        # "?" is Shift+/ on most layouts; which of the two arrives depends on the platform.
        self._action("Keyboard shortcuts", ["?", "Shift+?"], self.open_cheat_sheet, grid)

    # -- generation ----------------------------------------------------------------------------

    def generate(self) -> None:
        services = self.services
        problem = services.prompt.problem_with_request()
        if problem:
            self.banner.show_message("warning", problem)
            return
        try:
            services.studio.generate(services.prompt.spec())
        except ValueError as exc:
            self.banner.show_message("warning", str(exc))
            return
        services.prompt.remember()
        prompt = services.prompt
        services.settings.update(
            default_model=prompt.model_id,
            default_aspect=prompt.aspect,
            default_size=prompt.size,
            recent_prompts=tuple(prompt.history),
        )
        self.pages.setCurrentIndex(_GRID)
        self.grid.scrollToTop()
        self.prompt_panel.set_running(True)

    def stop(self) -> None:
        self.services.studio.stop()

    def _stats_changed(self) -> None:
        studio = self.services.studio
        self.prompt_panel.set_running(studio.busy)
        self.services.prompt.set_remaining_budget(studio.remaining_budget())

    def _notice(self, kind: str, message: str, action_text: str) -> None:
        actions = {
            "Open Settings": self.open_settings,
            "Raise budget": self.open_settings,
            "Resume": self.services.studio.resume,
        }
        action = actions.get(action_text)
        self.banner.show_message("error", message, action_text or None, action)

    def _key_changed(self) -> None:
        self.services.tasks.run(self._switch_backend(), "Switching to the new key")

    async def _switch_backend(self) -> None:
        services = self.services
        key = await asyncio.to_thread(services.key_store.resolve)
        backend = services.backends.gemini(key.value) if key else await services.backends.sandbox()
        services.studio.switch_backend(backend, sandbox=key is None)
        if key is not None and self.pages.currentIndex() == _WELCOME:
            self.pages.setCurrentIndex(_GRID)

    def _settings_changed(self) -> None:
        self.services.studio.apply_settings(self.services.settings.settings)

    # -- selection and culling -----------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        drafts = self.services.drafts
        rows = sorted(index.row() for index in self.grid.selectionModel().selectedIndexes())
        ids = [drafts.draft_id_at(row) for row in rows]
        if not ids:
            current = drafts.draft_id_at(self.grid.currentIndex().row())
            ids = [current]
        return [draft_id for draft_id in ids if draft_id is not None]

    def _current_draft(self) -> DraftRecord | None:
        draft_id = self.services.drafts.draft_id_at(self.grid.currentIndex().row())
        if draft_id is None:
            return None
        try:
            return self.services.library.get(draft_id)
        except LibraryError:
            return None

    def _show_current(self) -> None:
        self.inspector.show_draft(self._current_draft())

    def _flag(self, flag: Flag) -> None:
        self.services.culling.set_flag(self.selected_ids(), flag)
        if self._auto_advance and len(self.selected_ids()) == 1:
            self._step(1)

    def _rate(self, rating: int) -> None:
        self.services.culling.set_rating(self.selected_ids(), rating)

    def _delete(self) -> None:
        self.services.culling.delete(self.selected_ids())

    def undo(self) -> None:
        self.services.culling.undo()

    def redo(self) -> None:
        self.services.culling.redo()

    def _toggle_inspector(self, checked: bool) -> None:
        self._inspector_wanted = checked
        self.inspector.setVisible(checked)

    def _toggle_advance(self, checked: bool) -> None:
        self._auto_advance = checked

    def _draft_changed(self, draft: DraftRecord) -> None:
        drafts = self.services.drafts
        drafts.set_flag_local(draft.id, draft.flag)
        drafts.set_rating_local(draft.id, draft.rating)
        drafts.set_deleted_local(draft.id, draft.deleted)
        self.compare.update_draft(draft)
        current = self._current_draft()
        if current is not None and current.id == draft.id:
            self.inspector.show_draft(draft)

    def _step(self, delta: int) -> None:
        drafts = self.services.drafts
        row = self.grid.currentIndex().row()
        while 0 <= row + delta < drafts.rowCount():
            row += delta
            if drafts.draft_id_at(row) is not None:
                self.grid.setCurrentIndex(drafts.index(row, 0))
                if self.pages.currentIndex() == _LOUPE:
                    self.toggle_loupe(keep_open=True)
                return

    # -- views ---------------------------------------------------------------------------------

    def open_compare(self) -> None:
        drafts = [self.services.library.get(i) for i in self.selected_ids()]
        with_images = [d for d in drafts if d.path is not None]
        if len(with_images) < 2:
            self.banner.show_message("info", "Select two or more images to compare (C).")
            return
        self.compare.set_candidates(with_images)
        self.pages.setCurrentIndex(_COMPARE)
        self.inspector.hide()  # the two images get the room
        self.compare.setFocus()

    def toggle_loupe(self, keep_open: bool = False) -> None:
        if self.pages.currentIndex() == _LOUPE and not keep_open:
            self.back_to_grid()
            return
        draft = self._current_draft()
        if draft is None or draft.path is None:
            return
        self.loupe.show_draft(draft)
        self.pages.setCurrentIndex(_LOUPE)
        # Full window: only the image (and the one banner) stay.
        self.inspector.hide()
        self.prompt_panel.hide()
        self.loupe.setFocus()

    def back_to_grid(self) -> None:
        self.pages.setCurrentIndex(_GRID)
        self.prompt_panel.show()
        self.inspector.setVisible(self._inspector_wanted)
        self.grid.setFocus()

    def open_settings(self) -> None:
        if self._settings_dialog is None:
            self._settings_dialog = SettingsDialog(self.services.keys, self.services.settings, self)
        # show(), never exec(): no nested event loop while work streams in.
        self._settings_dialog.show()
        self._settings_dialog.raise_()

    def open_cheat_sheet(self) -> None:
        if self._cheat_sheet is None:
            moving = [
                ("Arrows", "Move through the grid"),
                ("Shift+arrows", "Extend the selection"),
                ("Ctrl+A", "Select every draft shown"),
                ("Double-click", "Loupe"),
            ]
            compare = [(keys, what[:1].upper() + what[1:]) for keys, what in COMPARE_KEYS]
            sections = [
                # Help holds only this sheet: listing it inside itself says nothing.
                *(s for s in menu_entries(self.menuBar()) if s[0] != "Help"),
                ("Grid", moving),
                ("Compare view", compare),
            ]
            self._cheat_sheet = CheatSheet(sections, self)
        # show(), never exec(): the sheet can stay open beside the work.
        self._cheat_sheet.show()
        self._cheat_sheet.raise_()

    def open_export(self) -> None:
        if self._export_dialog is None:
            folder = self._window_state().value("export_folder")
            self._export_dialog = ExportDialog(self.exporter, str(folder or ""), self)
            self._export_dialog.set_preset(str(self._window_state().value("export_preset") or ""))
            self._export_dialog.target_chosen.connect(
                lambda folder: self._remember("export_folder", folder)
            )
            self._export_dialog.preset_chosen.connect(
                lambda preset_id: self._remember("export_preset", preset_id)
            )
        self._export_dialog.set_selection(self._selected_only())
        # show(), never exec(): generation keeps streaming while the export runs.
        self._export_dialog.show()
        self._export_dialog.raise_()

    def _selected_only(self) -> list[int]:
        """Unlike selected_ids(), no fallback to the current tile: no selection means a filter."""
        drafts = self.services.drafts
        rows = sorted(index.row() for index in self.grid.selectionModel().selectedIndexes())
        return [i for i in (drafts.draft_id_at(row) for row in rows) if i is not None]

    def _remember(self, key: str, value: str) -> None:
        state = self._window_state()
        state.setValue(key, value)
        state.sync()

    def copy_image(self) -> None:
        draft = self._current_draft()
        image = QImage(str(draft.path)) if draft is not None and draft.path else QImage()
        if image.isNull():
            self.banner.show_message("info", "Select a draft with an image to copy it (Ctrl+C).")
            return
        QApplication.clipboard().setImage(image)

    def open_in_editor(self) -> None:
        draft = self._current_draft()
        if draft is None or draft.path is None:
            self.banner.show_message("info", "Select a draft with an image to open it.")
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(draft.path)))

    def _reuse(self, draft_id: int) -> None:
        draft = self.services.library.get(draft_id)
        self.services.prompt.reuse(draft.prompt, draft.model, draft.aspect, draft.size, draft.seed)
        self.prompt_panel.focus_prompt()

    def _reveal(self, path: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))

    # -- state ---------------------------------------------------------------------------------

    def _window_state(self) -> QSettings:
        path = self.services.paths.config / "window.ini"
        return QSettings(str(path), QSettings.Format.IniFormat)

    def _restore_state(self) -> None:
        state = self._window_state()
        geometry = state.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        splitter = state.value("splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        tile = state.value("tile_size")
        if tile is not None:
            self.grid.set_tile_size(int(str(tile)))

    def save_state(self) -> None:
        state = self._window_state()
        state.setValue("geometry", self.saveGeometry())
        state.setValue("splitter", self.splitter.saveState())
        state.setValue("tile_size", self.grid.tile_size)
        state.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.images.close()
        super().closeEvent(event)
        self.closed.emit()
