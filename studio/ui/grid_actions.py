"""What the grid offers besides its keys: the batch headers' pills, the batch items of the
Cull menu, and right-click menus. The menus reuse the window's own actions, so each item
shows its key and follows the same enabled state as the menu bar and the inspector.
A prompt matrix's header also offers how to group its drafts, from its pill and its menu."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QItemSelectionModel, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QWidget

from studio.core.domain import Flag
from studio.models.culling import CullingModel
from studio.models.draft_list import DraftListModel, Role, RowKind
from studio.models.draft_rows import BatchAction
from studio.models.studio import StudioModel
from studio.ui.grid import GridView
from studio.ui.grid.batch_header import ACTION_TIPS
from studio.ui.grid.tile_actions import TileAction

RATING = "Rating"
NO_GROUPING = "No grouping"
GROUP_BY = "Group by"
GROUP_BATCH_BY = "Group batch by"
# Groups of action names, a separator between groups; RATING becomes a submenu of Rate 0–5.
TILE_ITEMS: tuple[tuple[str, ...], ...] = (
    ("Pick", "Reject", "Unflag", RATING),
    ("Compare selected", "Loupe"),
    ("Refine…", "Edit…", "More like this…", "Compare with parent"),
    ("Copy image", "Copy prompt", "Reuse settings", "Open in editor", "Reveal file"),
    ("Retry", "Export…"),
    ("Select this batch", "Move to trash"),
)


def tile_menu(parent: QWidget, actions: Mapping[str, QAction]) -> QMenu:
    menu = QMenu(parent)
    menu.setAccessibleName("Draft actions")
    for group in TILE_ITEMS:
        if menu.actions():
            menu.addSeparator()
        for name in group:
            if name == RATING:
                ratings = menu.addMenu(RATING)
                for stars in range(6):
                    ratings.addAction(actions[f"Rate {stars}"])
            else:
                menu.addAction(actions[name])
    return menu


@dataclass(frozen=True, slots=True)
class Grouping:
    """A matrix batch's axes as (key, label), the one it is grouped by, and how to choose."""

    axes: Sequence[tuple[str, str]]
    current: str | None
    choose: Callable[[str | None], None]


def fill_group_menu(menu: QMenu, grouping: Grouping) -> None:
    """One choice per axis and one to ungroup, the current one checked."""
    choices = QActionGroup(menu)
    for key, label in [(None, NO_GROUPING), *grouping.axes]:
        item = menu.addAction(label)
        item.setCheckable(True)
        item.setChecked(key == grouping.current)
        choices.addAction(item)
        item.triggered.connect(lambda _=False, chosen=key: grouping.choose(chosen))


def group_menu(parent: QWidget, grouping: Grouping) -> QMenu:
    menu = QMenu(parent)
    menu.setAccessibleName("Group drafts by")
    fill_group_menu(menu, grouping)
    return menu


def header_menu(
    parent: QWidget,
    offered: list[tuple[BatchAction, str]],
    run: Callable[[BatchAction], None],
    grouping: Grouping | None = None,
) -> QMenu:
    """The header's pills as menu items: the same choices, for right-click habits; the
    group pill's menu becomes a submenu."""
    menu = QMenu(parent)
    menu.setAccessibleName("Batch actions")
    menu.setToolTipsVisible(True)
    for action, label in offered:
        if action == BatchAction.GROUP:
            if grouping is not None:
                submenu = menu.addMenu(GROUP_BY)
                submenu.menuAction().setToolTip(ACTION_TIPS[action])
                fill_group_menu(submenu, grouping)
            continue
        item = menu.addAction(label)
        item.setToolTip(ACTION_TIPS[action])
        item.triggered.connect(lambda _=False, chosen=action: run(chosen))
    return menu


class GridActions(QObject):
    def __init__(
        self,
        grid: GridView,
        drafts: DraftListModel,
        studio: StudioModel,
        culling: CullingModel,
        actions: Mapping[str, QAction],
        tell: Callable[[str], None],
    ) -> None:
        super().__init__(grid)
        self._grid = grid
        self._drafts = drafts
        self._studio = studio
        self._culling = culling
        self._actions = actions  # filled in by the window as it builds its menus
        self._tell = tell
        grid.batch_action.connect(self.run_batch_action)
        grid.group_menu_requested.connect(self.show_group_menu)
        grid.tile_action.connect(self.run_tile_action)
        grid.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        grid.customContextMenuRequested.connect(self.show_menu)

    def run_batch_action(self, batch_id: int, action: str) -> None:
        if action == BatchAction.STOP:
            self._studio.cancel_batch(batch_id)
        elif action == BatchAction.RETRY:
            for draft_id in self._drafts.retryable_in_batch(batch_id):
                self._studio.retry(draft_id)
        elif action == BatchAction.SELECT:
            self._grid.select_drafts(self._drafts.shown_in_batch(batch_id))
        elif action == BatchAction.GROUP:
            self._grid.open_group_menu(batch_id)

    def grouping(self, batch_id: int) -> Grouping:
        return Grouping(
            self._drafts.axes_of(batch_id),
            self._drafts.grouping_of(batch_id),
            lambda axis: self._grid.set_grouping(batch_id, axis),
        )

    def show_group_menu(self, batch_id: int, where: QPoint) -> None:
        """`where` is on the screen, under the batch's pill."""
        if not self._drafts.axes_of(batch_id):
            return
        menu = group_menu(self._grid, self.grouping(batch_id))
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(where)

    def run_tile_action(self, draft_id: int, action: str, pos: QPoint) -> None:
        """The hover buttons: a flag button toggles (pressed on a pick, it unflags)."""
        if action == TileAction.MORE:
            self.show_menu(pos)
            return
        wanted = Flag.PICK if action == TileAction.PICK else Flag.REJECT
        current = self._drafts.flag_of(draft_id)
        self._culling.set_flag([draft_id], Flag.NONE if current == wanted else wanted)

    def on_current_batch(self, action: BatchAction) -> None:
        drafts = self._drafts
        draft_id = drafts.draft_id_at(self._grid.currentIndex().row())
        batch_id = drafts.batch_of(draft_id) if draft_id is not None else None
        if batch_id is None:
            self._tell("Move to a draft first; its batch is the one used.")
            return
        self.run_batch_action(batch_id, action)

    def show_menu(self, pos: QPoint) -> None:
        grid, drafts = self._grid, self._drafts
        index = grid.indexAt(pos)
        if not index.isValid():
            return
        if drafts.data(index, Role.KindRole) == RowKind.GROUP:
            # A sub-header stands for its batch: the same menu as the batch's header.
            row = drafts.header_row_of(int(drafts.data(index, Role.BatchIdRole)))
            index = drafts.index(row, 0) if row is not None else index
        if drafts.draft_id_at(index.row()) is None:
            batch_id = int(drafts.data(index, Role.BatchIdRole))
            offered = list(drafts.data(index, Role.HeaderActionsRole) or [])
            menu = header_menu(
                grid,
                offered,
                lambda a: self.run_batch_action(batch_id, a),
                self.grouping(batch_id),
            )
        else:
            # Right-clicking outside the selection acts on that tile alone, as file managers do.
            if not grid.selectionModel().isSelected(index):
                grid.setCurrentIndex(index)
            else:
                grid.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.NoUpdate
                )
            menu = tile_menu(grid, self._actions)
            batch_id = int(drafts.data(index, Role.BatchIdRole))
            if drafts.axes_of(batch_id):
                # Where the keyboard reaches grouping: the Menu key opens this menu.
                menu.addSeparator()
                fill_group_menu(menu.addMenu(GROUP_BATCH_BY), self.grouping(batch_id))
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(grid.viewport().mapToGlobal(pos))  # not exec(): no nested event loop
