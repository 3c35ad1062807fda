"""The compare view: two drafts side by side or swiped over each other, zoomed and panned
together."""

from studio.ui.compare.captions import Caption
from studio.ui.compare.modes import HINTS, KEYS, Mode
from studio.ui.compare.pane import ImagePane
from studio.ui.compare.swipe import ComparePane
from studio.ui.compare.view import CompareView, Side
from studio.ui.compare.view_state import ViewState

__all__ = [
    "HINTS",
    "KEYS",
    "Caption",
    "ComparePane",
    "CompareView",
    "ImagePane",
    "Mode",
    "Side",
    "ViewState",
]
