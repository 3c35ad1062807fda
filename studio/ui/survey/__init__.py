"""The survey view (N): the selection tiled at the largest size that fits."""

from studio.ui.survey.layout import Rect, survey_layout
from studio.ui.survey.pane import SurveyPane
from studio.ui.survey.view import HINTS, KEYS, MAX_DRAFTS, MIN_DRAFTS, SurveyView

__all__ = [
    "HINTS",
    "KEYS",
    "MAX_DRAFTS",
    "MIN_DRAFTS",
    "Rect",
    "SurveyPane",
    "SurveyView",
    "survey_layout",
]
