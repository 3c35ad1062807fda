"""The compare view: two drafts side by side, zoomed and panned together."""

from studio.ui.compare.pane import ImagePane
from studio.ui.compare.view import HINTS, KEYS, Caption, CompareView, Side
from studio.ui.compare.view_state import ViewState

__all__ = ["HINTS", "KEYS", "Caption", "CompareView", "ImagePane", "Side", "ViewState"]
