"""Argument types shared by the commands: a bad value is one argparse line, exit 2."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def bounded_int(low: int, high: int, what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"'{text}' is not {what} from {low} to {high}"
            ) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not {what} from {low} to {high}")
        return value

    return parse


rating = bounded_int(0, 5, "a rating")
quality = bounded_int(1, 100, "a quality")
