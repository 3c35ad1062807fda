"""Exporting picks to folders: presets, naming templates, embedded metadata, no overwrites.

Qt-free: the GUI runs `export()` on a worker thread, the CLI calls it directly."""

from studio.core.export.engine import (
    ExportInterrupted,
    ExportReport,
    ExportResult,
    Outcome,
    export,
)
from studio.core.export.folders import TargetError, prepare_target
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
from studio.core.export.selection import export_order, has_image

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
    "TargetError",
    "TemplateError",
    "export",
    "export_order",
    "has_image",
    "parse_colour",
    "parse_resize",
    "prepare_target",
    "preset",
    "render_name",
    "sanitise_component",
]
