"""The embedded library: a SQLite file in WAL mode plus image files written atomically."""

from studio.core.library.jobs import JobRecord
from studio.core.library.opening import LibraryOpenError, OpenProblem, move_aside
from studio.core.library.records import (
    BatchRecord,
    DraftRecord,
    LibraryError,
    MatrixAxis,
    StoredImage,
)
from studio.core.library.store import Library
from studio.core.library.tournaments import TournamentRecord

__all__ = [
    "BatchRecord",
    "DraftRecord",
    "JobRecord",
    "Library",
    "LibraryError",
    "LibraryOpenError",
    "MatrixAxis",
    "OpenProblem",
    "StoredImage",
    "TournamentRecord",
    "move_aside",
]
