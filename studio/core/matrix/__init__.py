"""The prompt matrix: `{a|b}` groups and `__name__` wildcards expanded into one slot per draft.

Qt-free and fast enough to run on every keystroke for the cost preview. The syntax and the
choices behind it are described in syntax.py and spacing.py.
"""

from studio.core.matrix.errors import MatrixError
from studio.core.matrix.expand import MAX_SLOTS, expand
from studio.core.matrix.model import Axis, Expansion, MatrixSlot
from studio.core.matrix.wildcards import list_wildcards, wildcards_folder

__all__ = [
    "MAX_SLOTS",
    "Axis",
    "Expansion",
    "MatrixError",
    "MatrixSlot",
    "expand",
    "list_wildcards",
    "wildcards_folder",
]
