"""Presets the user saved, offered after the built-in ones; one JSON file in the config folder.

The file is meant to be readable and editable by hand: a resize is written as the same spec
the CLI takes ("1280x720-fill"), colours as "#rrggbb". An entry that does not make sense is
skipped with a sentence saying why; it never takes the other presets down with it."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

from studio.core.export.naming import TemplateError, validate_template
from studio.core.export.presets import (
    PRESETS,
    Colour,
    ExportFormat,
    ExportSettings,
    Preset,
    Resize,
    ResizeMode,
    parse_colour,
    parse_resize,
)
from studio.core.jsonfile import keep_damaged, write_json_atomically

FILE_VERSION = 1
MAX_LABEL_CHARS = 60


class PresetError(ValueError):
    """A preset that cannot be found, named, saved or deleted; the message says why."""


def preset_id_for(label: str) -> str:
    """'My Blog — 1600 px' → 'my-blog-1600-px': what `--preset` takes on the command line."""
    folded = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    return "-".join(re.findall(r"[a-z0-9]+", folded))


def format_colour(colour: Colour) -> str:
    return "#{:02x}{:02x}{:02x}".format(*colour)


def format_resize(resize: Resize) -> str:
    """The inverse of parse_resize."""
    if resize.mode == ResizeMode.NONE:
        return "none"
    if resize.mode == ResizeMode.LONG_EDGE:
        return str(resize.width)
    spec = f"{resize.width}x{resize.height}-{resize.mode.value}"
    if resize.mode == ResizeMode.FIT:
        spec += f"-{format_colour(resize.pad_colour)}"
    return spec


def settings_to_json(settings: ExportSettings) -> dict[str, Any]:
    return {
        "format": settings.format.value,
        "quality": settings.quality,
        "lossless": settings.lossless,
        "resize": format_resize(settings.resize),
        "background": format_colour(settings.background),
        "keep_icc": settings.keep_icc,
        "max_bytes": settings.max_bytes,
        "name_template": settings.name_template,
        "embed_metadata": settings.embed_metadata,
        "sidecar": settings.sidecar,
        "strip_metadata": settings.strip_metadata,
    }


_DEFAULTS = ExportSettings()
_FLAGS = ("lossless", "keep_icc", "embed_metadata", "sidecar", "strip_metadata")


def settings_from_json(data: Mapping[str, Any]) -> ExportSettings:
    """Missing keys take their defaults, so older files keep working; raises PresetError."""
    unknown = set(data) - {f.name for f in fields(ExportSettings)}
    if unknown:
        raise PresetError(
            f"it has settings this version does not know: {', '.join(sorted(unknown))}"
        )
    values: dict[str, Any] = {}
    try:
        values["format"] = _format(_typed(data, "format", str, _DEFAULTS.format.value))
        values["quality"] = _typed(data, "quality", int, _DEFAULTS.quality)
        values["resize"] = parse_resize(_typed(data, "resize", str, "none"))
        values["background"] = parse_colour(_typed(data, "background", str, "#ffffff"))
        values["max_bytes"] = _typed(data, "max_bytes", int | None, None)
        values["name_template"] = _typed(data, "name_template", str, _DEFAULTS.name_template)
        for flag in _FLAGS:
            values[flag] = _typed(data, flag, bool, getattr(_DEFAULTS, flag))
        settings = ExportSettings(**values)
        settings.validate()
        validate_template(settings.name_template)
    except (ValueError, TemplateError) as exc:
        # Read back as "The saved preset 'X' is skipped: <this>.", so a clause, not a sentence.
        text = str(exc).rstrip(".")
        raise PresetError(text[:1].lower() + text[1:]) from None
    return settings


def _format(value: str) -> ExportFormat:
    try:
        return ExportFormat(value)
    except ValueError:
        known = ", ".join(f.value for f in ExportFormat)
        raise PresetError(f"'format' cannot be {json.dumps(value)}; use {known}") from None


def _typed(data: Mapping[str, Any], key: str, kind: Any, default: Any) -> Any:
    value = data.get(key, default)
    # bool is an int in Python, but `"quality": true` is a mistake, not quality 1.
    if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
        raise PresetError(f"'{key}' cannot be {json.dumps(value)}")
    return value


class PresetBook:
    """The built-in presets plus the user's, read from `path`.

    Saving and deleting re-read the file first, so a preset saved from the CLI while the app
    is open is not lost when the app saves another."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.user: dict[str, Preset] = {}
        self.problems: list[str] = []  # sentences about what reading the file had to skip
        self.reload()

    def reload(self) -> None:
        self.user, self.problems = _read(self.path)

    def all(self) -> list[Preset]:
        """Built-in first, in their fixed order, then the user's by name."""
        mine = sorted(self.user.values(), key=lambda p: p.label.casefold())
        return [*PRESETS.values(), *mine]

    def get(self, preset_id: str) -> Preset:
        found = PRESETS.get(preset_id) or self.user.get(preset_id)
        if found is None:
            known = ", ".join(p.id for p in self.all())
            raise PresetError(f"There is no preset '{preset_id}'; choose one of {known}.")
        return found

    @staticmethod
    def is_builtin(preset_id: str) -> bool:
        return preset_id in PRESETS

    def save(self, label: str, settings: ExportSettings) -> tuple[Preset, bool]:
        """Saves under `label`, replacing the user's preset of the same id.

        Returns the preset and whether it replaced one. Built-in presets cannot be replaced."""
        label = " ".join(label.split())
        preset_id = preset_id_for(label)
        if not preset_id:
            raise PresetError("A preset name needs at least one letter or digit.")
        if len(label) > MAX_LABEL_CHARS:
            raise PresetError(f"A preset name has at most {MAX_LABEL_CHARS} characters.")
        if self.is_builtin(preset_id):
            raise PresetError(f"'{label}' is the name of a built-in preset; choose another name.")
        try:
            settings.validate()
            validate_template(settings.name_template)
        except (ValueError, TemplateError) as exc:
            raise PresetError(str(exc)) from None
        self.reload()
        replaced = preset_id in self.user
        saved = Preset(preset_id, label, settings)
        self.user[preset_id] = saved
        self._write()
        return saved, replaced

    def delete(self, preset_id: str) -> Preset:
        if self.is_builtin(preset_id):
            raise PresetError(f"'{preset_id}' is a built-in preset and cannot be deleted.")
        self.reload()
        removed = self.user.pop(preset_id, None)
        if removed is None:
            raise PresetError(f"There is no saved preset '{preset_id}'.")
        self._write()
        return removed

    def _write(self) -> None:
        entries = [
            {"id": p.id, "label": p.label, "settings": settings_to_json(p.settings)}
            for p in sorted(self.user.values(), key=lambda p: p.id)
        ]
        try:
            write_json_atomically(self.path, {"version": FILE_VERSION, "presets": entries})
        except OSError as exc:
            reason = (exc.strerror or type(exc).__name__).lower()
            raise PresetError(
                f"The presets could not be saved to '{self.path}': {reason}."
            ) from None
        self.problems = []


def _read(path: Path) -> tuple[dict[str, Preset], list[str]]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}, []
    except OSError as exc:
        reason = (exc.strerror or type(exc).__name__).lower()
        return {}, [f"The saved export presets could not be read ({reason}); using built-in ones."]
    try:
        data = json.loads(raw)
        entries = data["presets"]
        if not isinstance(entries, list):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        backup = keep_damaged(path)
        kept = f" The damaged file is kept as {backup.name}." if backup else ""
        return {}, [f"{path.name} is damaged, so only built-in presets are offered.{kept}"]
    presets: dict[str, Preset] = {}
    problems: list[str] = []
    for number, entry in enumerate(entries, start=1):
        try:
            preset = _entry(entry)
        except PresetError as exc:
            name = entry.get("label") if isinstance(entry, dict) else None
            shown = f"'{name}'" if isinstance(name, str) else f"number {number}"
            problems.append(f"The saved preset {shown} is skipped: {exc}.")
            continue
        presets[preset.id] = preset
    return presets, problems


def _entry(entry: Any) -> Preset:
    if not isinstance(entry, dict):
        raise PresetError("it is not a preset")
    label = entry.get("label")
    if not isinstance(label, str) or not preset_id_for(label):
        raise PresetError("it has no name")
    preset_id = preset_id_for(label)
    if preset_id in PRESETS:
        raise PresetError("it has the name of a built-in preset")
    settings = entry.get("settings", {})
    if not isinstance(settings, dict):
        raise PresetError("its settings are not a set of values")
    return Preset(preset_id, label, settings_from_json(settings))
