"""What goes on the window's one banner, and when it goes again.

A word about the user's last action (a hint, a refused request, a failed task) lasts until
their next action or a change of selection or view, a hint also only a few seconds; a state
(a pause, the network down) lasts until it is over. Whatever a message covered, the sandbox
strip included, comes back when it goes."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QAbstractItemView, QStackedWidget

from studio.core.domain import ErrorKind
from studio.core.engine import SlotSucceeded
from studio.models.services import Services
from studio.ui.banner import Banner, Lifetime

# The studio model's notice kind for work the engine refused: about the request just made.
ENGINE_REFUSED = "engine"


class Notices(QObject):
    def __init__(
        self, banner: Banner, services: Services, open_settings: Callable[[], None]
    ) -> None:
        super().__init__(banner)
        self._banner = banner
        self._acting = False
        self._network_text: str | None = None
        studio = services.studio
        self._actions = {
            "Open Settings": open_settings,
            "Raise budget": open_settings,
            "Resume": studio.resume,
        }
        studio.notice.connect(self._on_notice)
        studio.notice_cleared.connect(banner.clear)
        studio.engine_event.connect(self._on_event)
        services.culling.problem.connect(self.warn)
        services.prompt.problem.connect(self.warn)
        services.tasks.failed.connect(
            lambda _, text: banner.show_message("error", text, lifetime=Lifetime.UNTIL_NEXT_ACTION)
        )

    def tell(self, text: str) -> None:
        self._banner.show_message("info", text, lifetime=Lifetime.TRANSIENT)

    def warn(self, text: str) -> None:
        self._banner.show_message("warning", text, lifetime=Lifetime.TRANSIENT)

    def watch(self, grid: QAbstractItemView, pages: QStackedWidget) -> None:
        """A new selection or another view is a new context: the last word goes."""
        grid.selectionModel().selectionChanged.connect(self._moved_on)
        grid.selectionModel().currentChanged.connect(self._moved_on)
        pages.currentChanged.connect(self._moved_on)

    def action_started(self) -> None:
        """Before an action's slot: what was said about the last one goes; until it ends,
        its own moves (auto-advance after a flag) do not clear what it says."""
        self._banner.settle()
        self._acting = True

    def action_ended(self) -> None:
        self._acting = False

    def _moved_on(self) -> None:
        if not self._acting:
            self._banner.settle()

    def _on_notice(self, kind: str, message: str, action_text: str) -> None:
        action = self._actions.get(action_text)
        lifetime = Lifetime.UNTIL_NEXT_ACTION if kind == ENGINE_REFUSED else Lifetime.UNTIL_CLEARED
        self._banner.show_message("error", message, action_text or None, action, lifetime=lifetime)
        if kind == ErrorKind.NETWORK.value:
            self._network_text = message

    def _on_event(self, event: object) -> None:
        # An image arrived: whatever the network notice said is over.
        if isinstance(event, SlotSucceeded) and self._network_text is not None:
            self._banner.clear(self._network_text)
            self._network_text = None
