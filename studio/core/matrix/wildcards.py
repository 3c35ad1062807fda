"""Wildcard lists: one text file per name in the wildcards folder, one entry a line.

Entries are used as written: a '{a|b}' or '__name__' inside a list file is plain text, so a
list can never pull in another list (no cycles, no surprises in the cost preview).
"""

from __future__ import annotations

import re
from pathlib import Path

from studio.core.matrix.errors import MatrixError

# Letters and digits, joined by single '-' or '_': a doubled '_' would make `__a__b__`
# ambiguous, so it always ends the name.
NAME = r"[^\W_]+(?:[-_][^\W_]+)*"
_WHOLE_NAME = re.compile(NAME + r"\Z")


def wildcards_folder(config_dir: Path) -> Path:
    return config_dir / "wildcards"


def parse_entries(text: str) -> tuple[str, ...]:
    """The entries of a list file: stripped, without blank lines and '#' comment lines."""
    stripped = (line.strip() for line in text.splitlines())
    return tuple(line for line in stripped if line and not line.startswith("#"))


def list_wildcards(folder: Path) -> dict[str, int]:
    """name -> number of entries, sorted by name; files that cannot be read are left out
    here (expand() says what is wrong with them when a prompt uses them)."""
    try:
        paths = [p for p in folder.glob("*.txt") if _WHOLE_NAME.match(p.stem) and p.is_file()]
    except OSError:
        return {}
    counts: dict[str, int] = {}
    for path in sorted(paths, key=lambda p: (p.stem.casefold(), p.stem)):
        try:
            counts[path.stem] = len(parse_entries(_read(path)))
        except (OSError, UnicodeDecodeError):
            continue
    return counts


def load_list(folder: Path | None, name: str, written: str, position: int) -> tuple[str, ...]:
    """The entries of `name`, or a MatrixError naming the wildcard as written and where."""
    file_name = f"{name}.txt"
    if folder is None:
        raise MatrixError(
            f"Unknown wildcard {written} at position {position}: "
            "there is no wildcards folder to look for it in.",
            position,
        )
    path = folder / file_name
    try:
        text = _read(path)
    except FileNotFoundError:
        raise MatrixError(
            f"Unknown wildcard {written} at position {position}: "
            f"there is no {file_name} in {folder}.",
            position,
        ) from None
    except UnicodeDecodeError:
        raise MatrixError(
            f"The wildcard {written} at position {position} cannot be used: "
            f"{file_name} in {folder} is not UTF-8 text.",
            position,
        ) from None
    except OSError as exc:
        raise MatrixError(
            f"The wildcard {written} at position {position} cannot be used: "
            f"{file_name} in {folder} cannot be read ({exc.strerror or exc}).",
            position,
        ) from None
    entries = parse_entries(text)
    if not entries:
        raise MatrixError(
            f"The wildcard {written} at position {position} has nothing to draw from: "
            f"{file_name} in {folder} is empty (blank lines and # comments do not count).",
            position,
        )
    return entries


def _read(path: Path) -> str:
    # utf-8-sig: lists saved by Windows Notepad start with a byte-order mark.
    return path.read_text(encoding="utf-8-sig")
