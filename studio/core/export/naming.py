"""File names from a template: safe on every OS, inside the target folder, never reused."""

from __future__ import annotations

import re
import string
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from studio.core.library import DraftRecord

TOKENS = frozenset(
    {"date", "time", "batch", "index", "seed", "model", "rating", "flag", "id", "prompt"}
)
DEFAULT_PROMPT_CHARS = 40
MAX_SUFFIX = 9999
# 255 bytes is the limit of ext4, NTFS (in UTF-16 units) and APFS. Headroom is left for the
# "-12" suffix, the extension, a sidecar extension and the ".<name>.<hex>.partial" temp name.
MAX_COMPONENT_BYTES = 120
# Windows refuses these as names, with or without an extension, in any case.
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", "conin$", "conout$"}
    | {f"com{i}" for i in "123456789¹²³"}
    | {f"lpt{i}" for i in "123456789¹²³"}
)
# Separators, characters Windows forbids, and control characters.
_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


class TemplateError(ValueError):
    """A naming template the engine cannot render; the message says why."""


def _fields(template: str) -> list[tuple[str, str | None, str | None]]:
    """(literal text, token name or None, token argument or None) for each piece."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise TemplateError(f"The name template '{template}' is malformed: {exc}.") from None
    pieces: list[tuple[str, str | None, str | None]] = []
    for literal, name, spec, conversion in parsed:
        if name is None:
            pieces.append((literal, None, None))
            continue
        if conversion:
            raise TemplateError(f"'!{conversion}' is not allowed in a name template.")
        if name not in TOKENS:
            known = ", ".join("{" + t + "}" for t in sorted(TOKENS))
            raise TemplateError(f"'{{{name}}}' is not a name token; use {known}.")
        if spec and not (name == "prompt" and spec.isdigit() and int(spec) > 0):
            raise TemplateError(f"'{{{name}:{spec}}}': only {{prompt:N}} takes a number.")
        pieces.append((literal, name, spec or None))
    return pieces


def validate_template(template: str) -> None:
    if not template.strip():
        raise TemplateError("The name template is empty.")
    for component in template.replace("\\", "/").split("/"):
        _fields(component)


def prompt_slug(prompt: str, length: int) -> str:
    """Lower-case words joined by '-': no separators, dots or spaces survive from the prompt."""
    text = unicodedata.normalize("NFKC", prompt).lower()
    slug = re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-_")
    return slug[:length].rstrip("-_")


def _token_value(name: str, arg: str | None, draft: DraftRecord, index: int) -> str:
    generated = draft.finished_at or draft.created_at
    match name:
        case "date":
            return time.strftime("%Y-%m-%d", time.localtime(generated))
        case "time":
            return time.strftime("%H%M%S", time.localtime(generated))
        case "batch":
            return str(draft.batch_id)
        case "index":
            return f"{index:03d}"
        case "seed":
            return str(draft.seed)
        case "model":
            return draft.model
        case "rating":
            return str(draft.rating)
        case "flag":
            return draft.flag.value
        case "id":
            return str(draft.id)
        case _:  # prompt
            return prompt_slug(draft.prompt, int(arg) if arg else DEFAULT_PROMPT_CHARS)


def sanitise_component(text: str, fallback: str = "untitled") -> str:
    """One path component every OS accepts: no separators, traversal, reserved names,
    trailing dots or spaces (Windows drops them), and at most MAX_COMPONENT_BYTES in UTF-8."""
    cleaned = _FORBIDDEN.sub("_", unicodedata.normalize("NFC", text))
    cleaned = cleaned.strip().rstrip(". ")
    encoded = cleaned.encode("utf-8")
    if len(encoded) > MAX_COMPONENT_BYTES:
        cleaned = encoded[:MAX_COMPONENT_BYTES].decode("utf-8", "ignore").rstrip(". ")
    # Only dots left (".", ".."): traversal or nothing; a leading dot would hide the file.
    cleaned = cleaned.lstrip(".")
    if not cleaned:
        return fallback
    if cleaned.split(".")[0].strip().lower() in _RESERVED:
        cleaned = f"_{cleaned}"
    return cleaned


def render_name(template: str, draft: DraftRecord, index: int) -> PurePosixPath:
    """The relative path (subfolders from '/' in the template, then the stem, no extension).

    Token values never add folders: only the template's own '/' does."""
    components: list[str] = []
    parts = template.replace("\\", "/").split("/")
    for position, part in enumerate(parts):
        rendered = "".join(
            literal + (_token_value(name, arg, draft, index).replace("/", "_") if name else "")
            for literal, name, arg in _fields(part)
        )
        last = position == len(parts) - 1
        safe = sanitise_component(rendered, fallback=f"draft-{draft.id}" if last else "")
        if safe:
            components.append(safe)
    if not components:
        components.append(f"draft-{draft.id}")
    return PurePosixPath(*components)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One try at a free name: the image and the sidecars that go with it."""

    image: Path
    sidecars: tuple[Path, ...]


def candidates(
    folder: Path, stem: str, extension: str, sidecar_extensions: tuple[str, ...]
) -> Iterator[Candidate]:
    """stem.ext, stem-2.ext, stem-3.ext…: the order in which free names are tried."""
    for number in range(1, MAX_SUFFIX + 1):
        name = stem if number == 1 else f"{stem}-{number}"
        yield Candidate(
            folder / f"{name}{extension}",
            tuple(folder / f"{name}{ext}" for ext in sidecar_extensions),
        )


def inside(target: Path, path: Path) -> bool:
    """Belt and braces after sanitising: the resolved path must stay in the target folder."""
    try:
        path.resolve().relative_to(target.resolve())
    except ValueError:
        return False
    return True
