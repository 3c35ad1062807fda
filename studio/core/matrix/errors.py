"""The one error the prompt matrix raises: a sentence a designer can act on."""

from __future__ import annotations


class MatrixError(ValueError):
    """One clear sentence for the user, naming the 1-based character position where relevant."""

    position: int | None

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position
