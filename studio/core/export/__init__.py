"""Exporting picks to folders: presets, naming templates, embedded metadata, no overwrites.

Qt-free: the GUI runs `export()` on a worker thread, the CLI calls it directly."""

from studio.core.export.engine import (
    ExportInterrupted,
    ExportReport,
    ExportResult,
    Outcome,
    export,
)
from studio.core.export.naming import TemplateError, render_name, sanitise_component
from studio.core.export.presets import (
    PRESETS,
    ExportFormat,
    ExportSettings,
    Resize,
    ResizeMode,
    parse_colour,
    parse_resize,
    preset,
)

__all__ = [
    "PRESETS",
    "ExportFormat",
    "ExportInterrupted",
    "ExportReport",
    "ExportResult",
    "ExportSettings",
    "Outcome",
    "Resize",
    "ResizeMode",
    "TemplateError",
    "export",
    "parse_colour",
    "parse_resize",
    "preset",
    "render_name",
    "sanitise_component",
]
