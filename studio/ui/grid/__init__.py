"""The draft grid: batch headers and tiles in a QListView, with the filter strip above it."""

from studio.ui.grid.filter_bar import FilterBar
from studio.ui.grid.grid_page import GridPage
from studio.ui.grid.grid_view import GridView
from studio.ui.grid.tile_delegate import TileDelegate

__all__ = ["FilterBar", "GridPage", "GridView", "TileDelegate"]
