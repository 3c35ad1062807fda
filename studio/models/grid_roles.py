"""The roles the draft grid's rows answer, and how a widget should ask for them."""

from __future__ import annotations

from enum import IntEnum, StrEnum, auto
from typing import Any

from PySide6.QtCore import QByteArray, QModelIndex, QPersistentModelIndex, Qt


class Role(IntEnum):
    KindRole = int(Qt.ItemDataRole.UserRole)
    DraftIdRole = auto()
    BatchIdRole = auto()
    StatusRole = auto()
    FlagRole = auto()
    RatingRole = auto()
    PromptRole = auto()
    SeedRole = auto()
    AspectRole = auto()
    ThumbnailRole = auto()
    ElapsedRole = auto()
    RetryAtRole = auto()
    ErrorRole = auto()
    HeaderTextRole = auto()
    HeaderTitleRole = auto()
    HeaderDetailRole = auto()
    HeaderActionsRole = auto()
    DerivationRole = auto()  # how a tile's draft was made from its parent, or None
    ParentRole = auto()
    # A prompt matrix: a header's axes as (key, label) and the key it is grouped by or
    # None; a sub-header's axis key and value; a tile's (axis or wildcard, value) pairs.
    AxesRole = auto()
    GroupedByRole = auto()
    GroupAxisRole = auto()
    GroupValueRole = auto()
    MatrixValuesRole = auto()


class RowKind(StrEnum):
    HEADER = "header"
    GROUP = "group"  # a grouped batch's sub-header: one value of the axis
    TILE = "tile"


def item_data(index: QModelIndex | QPersistentModelIndex, role: int) -> Any:
    """What `index.data(role)` should give. With PySide6 6.12 on Python 3.11 that call drops
    a reference to None whenever the answer is empty, and the interpreter aborts
    ("none_dealloc") after a few thousand such calls; asking the Python model directly never
    turns the answer into a QVariant and back."""
    model = index.model()
    return None if model is None else model.data(index, role)


def is_tile(index: QModelIndex | QPersistentModelIndex) -> bool:
    """Headers and sub-headers span a line and never hold the cursor or the selection."""
    return bool(item_data(index, Role.KindRole) == RowKind.TILE)


def role_name(role: Role) -> QByteArray:
    """DraftIdRole is "draftId" to QML and accessibility tools."""
    name = role.name.removesuffix("Role")
    return QByteArray((name[0].lower() + name[1:]).encode())
