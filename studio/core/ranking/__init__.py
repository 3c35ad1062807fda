"""Ranking a selection of drafts by asking only "this one or that one?"."""

from studio.core.ranking.tournament import MAX_ITEMS, MIN_ITEMS, Choice, Pair, Tournament

__all__ = ["MAX_ITEMS", "MIN_ITEMS", "Choice", "Pair", "Tournament"]
