r"""The prompt matrix syntax, parsed into literal text, {a|b} groups and __name__ wildcards.

- `{a|b|c}` is a group: each option is one value of a matrix axis. A brace pair is a group
  only when it holds a '|' of its own, so `{red}` and JSON-like `{"style": 1}` stay literal
  text, braces included. A group may sit inside such literal braces (`{"colour": {red|blue}}`),
  but nothing brace-like may sit inside a group: that reads as nesting and is refused.
- Options are stripped; the whitespace a user typed around them is handled in spacing.py.
  An empty option is allowed (`{|very }large`).
- `\{`, `\}`, `\|`, `\\` and `\_` are the literal characters; a backslash before anything
  else is kept as it is (Windows paths, emoticons).
- `__name__` draws one entry of name.txt per slot, `__name:all__` makes the whole list an
  axis. Write `\__name__` for the text itself. A random draw may sit inside a group option;
  `__name:all__` may not, as an axis inside one value of another axis has no clear product.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from studio.core.matrix.errors import MatrixError
from studio.core.matrix.wildcards import NAME

_LITERAL_BRACES = r"write \{ and \} for literal braces"


@dataclass(frozen=True, slots=True)
class Wildcard:
    name: str
    every: bool  # __name:all__
    position: int  # 1-based, of the first '_'

    @property
    def written(self) -> str:
        return f"__{self.name}:all__" if self.every else f"__{self.name}__"


@dataclass(frozen=True, slots=True)
class Option:
    parts: tuple[str | Wildcard, ...]  # stripped at both ends; empty for an empty option
    value: str  # what is recorded and shown: the stripped text, wildcards as written
    lead: bool  # whitespace was typed before the text
    trail: bool  # ... and after it


@dataclass(frozen=True, slots=True)
class Group:
    number: int  # 1, 2, ... in order of appearance
    position: int  # of the '{'
    options: tuple[Option, ...]


Piece = str | Wildcard | Group

_TEXT, _OPEN, _CLOSE, _PIPE, _WILD = range(5)
_MARKS = {"{": _OPEN, "}": _CLOSE, "|": _PIPE}
_TOKEN = re.compile(r"\\([\\{}|_])|([{}|])|__(" + NAME + r")(:all)?__")

_Token = tuple[int, str | Wildcard, int]  # kind, text or wildcard, 1-based position


def has_syntax(template: str) -> bool:
    """False for a prompt that is certainly plain text (checked at C speed on each keystroke)."""
    return "{" in template or "}" in template or "\\" in template or "__" in template


@lru_cache(maxsize=256)
def parse(template: str) -> tuple[Piece, ...]:
    """The pieces of `template`, adjacent text merged; raises MatrixError."""
    tokens = _tokenize(template)
    return _build(tokens, _groups(tokens))


def _tokenize(template: str) -> list[_Token]:
    tokens: list[_Token] = []
    start = 0
    for match in _TOKEN.finditer(template):
        if match.start() > start:
            tokens.append((_TEXT, template[start : match.start()], start + 1))
        position = match.start() + 1
        escaped, mark, name = match.group(1, 2, 3)
        if escaped is not None:
            tokens.append((_TEXT, escaped, position))
        elif mark is not None:
            tokens.append((_MARKS[mark], mark, position))
        else:
            wildcard = Wildcard(name, match.group(4) is not None, position)
            tokens.append((_WILD, wildcard, position))
        start = match.end()
    if start < len(template):
        tokens.append((_TEXT, template[start:], start + 1))
    return tokens


def _groups(tokens: list[_Token]) -> set[int]:
    """Indexes of the '{' tokens that open a group; raises on unbalanced or nested braces."""
    stack: list[int] = []
    groups: set[int] = set()
    first_inside: dict[int, int] = {}
    for index, (kind, _, position) in enumerate(tokens):
        if kind == _OPEN:
            if stack:
                first_inside.setdefault(stack[-1], index)
            stack.append(index)
        elif kind == _CLOSE:
            if not stack:
                raise MatrixError(
                    f"The prompt has a '}}' at position {position} with no '{{' before it; "
                    r"write \} for a literal brace.",
                    position,
                )
            stack.pop()
        elif kind == _PIPE and stack:
            groups.add(stack[-1])
    if stack:
        position = tokens[stack[0]][2]
        raise MatrixError(
            f"The prompt has a '{{' at position {position} that is never closed; "
            r"write \{ for a literal brace.",
            position,
        )
    for index in sorted(groups):
        if index in first_inside:
            inner = first_inside[index]
            position = tokens[inner][2]
            hint = "" if inner in groups else f"; {_LITERAL_BRACES}"
            raise MatrixError(
                f"Groups cannot be nested: the '{{' at position {position} "
                f"is inside another group{hint}.",
                position,
            )
    return groups


def _build(tokens: list[_Token], groups: set[int]) -> tuple[Piece, ...]:
    pieces: list[Piece] = []
    options: list[list[Piece]] | None = None  # of the group being read
    opened_at = 0
    number = 0
    for index, (kind, value, position) in enumerate(tokens):
        if options is None:
            if kind == _OPEN and index in groups:
                options, opened_at, number = [[]], position, number + 1
            else:
                _append(pieces, value)
        elif kind == _PIPE:
            options.append([])
        elif kind == _CLOSE:
            pieces.append(Group(number, opened_at, tuple(_option(raw) for raw in options)))
            options = None
        else:
            if isinstance(value, Wildcard) and value.every:
                raise MatrixError(
                    f"The list {value.written} at position {position} cannot be inside "
                    "a {…} group; put it outside the group, "
                    f"or draw one entry with __{value.name}__.",
                    position,
                )
            _append(options[-1], value)
    return tuple(pieces)


def _append(parts: list[Piece], value: str | Wildcard) -> None:
    if isinstance(value, str) and parts and isinstance(parts[-1], str):
        parts[-1] += value
    else:
        parts.append(value)


def _option(raw: list[Piece]) -> Option:
    parts = [p for p in raw if not isinstance(p, Group)]
    lead = bool(parts) and isinstance(parts[0], str) and parts[0][:1].isspace()
    trail = bool(parts) and isinstance(parts[-1], str) and parts[-1][-1:].isspace()
    if parts and isinstance(parts[0], str):
        parts[0] = parts[0].lstrip()
    if parts and isinstance(parts[-1], str):
        parts[-1] = parts[-1].rstrip()
    kept = tuple(p for p in parts if p != "")
    value = "".join(p if isinstance(p, str) else p.written for p in kept)
    return Option(kept, value, lead, trail)
