"""The tournament view (T): rank a selection by "this one or that one?"."""

from studio.ui.tournament.ranking_strip import RankingStrip, ranked_cells
from studio.ui.tournament.view import HINTS, KEYS, TournamentView

__all__ = ["HINTS", "KEYS", "RankingStrip", "TournamentView", "ranked_cells"]
