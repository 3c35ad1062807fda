"""The options that say how files are exported, and the presets they start from; shared by
`export` and `presets save`.

Every option left out keeps the preset's value, so `--preset blog --quality 70` is the blog
preset at quality 70, and a saved preset's own name template survives a bare `export`."""

from __future__ import annotations

import argparse
import logging
from dataclasses import replace
from typing import Any

from studio.cli import arguments
from studio.cli.context import CliContext
from studio.core.export import ExportFormat, ExportSettings, parse_colour, parse_resize
from studio.core.export.naming import validate_template
from studio.core.export.user_presets import PresetBook

logger = logging.getLogger(__name__)

_FORMATS = {"original": "original", "png": "png", "jpeg": "jpeg", "jpg": "jpeg", "webp": "webp"}


def add_output_options(parser: argparse.ArgumentParser, preset_help: str) -> None:
    parser.add_argument("--preset", metavar="NAME", help=preset_help)
    parser.add_argument("--format", choices=list(_FORMATS), help="instead of the preset's")
    parser.add_argument(
        "--quality", type=arguments.quality, metavar="Q", help="JPEG/WebP quality 1-100"
    )
    parser.add_argument(
        "--resize", metavar="SPEC", help="none, 2048 (long edge), 1280x720-fill, 1080x1350-fit"
    )
    parser.add_argument("--lossless", action="store_true", default=None, help="lossless WebP")
    parser.add_argument(
        "--background", metavar="COLOUR", help="what JPEG flattens alpha onto (#RRGGBB)"
    )
    parser.add_argument(
        "--name",
        metavar="TEMPLATE",
        help="file name, with {date} {time} {batch} {index} {seed} {model} {rating} {flag} "
        "{id} {prompt:N}; '/' makes subfolders (default: the preset's)",
    )
    parser.add_argument(
        "--sidecar",
        action="store_true",
        default=None,
        help="also a JSON (and for Original, XMP) file beside each",
    )
    parser.add_argument(
        "--strip-metadata",
        action="store_true",
        default=None,
        help="no metadata in the files and no sidecar files",
    )


def settings_from(args: argparse.Namespace, presets: PresetBook) -> ExportSettings:
    """The preset, then the explicit options on top; ValueError says what is wrong."""
    base = presets.get(args.preset or "original").settings
    changes: dict[str, Any] = {}
    if args.format is not None:
        changes["format"] = ExportFormat(_FORMATS[args.format])
    if args.quality is not None:
        changes["quality"] = args.quality
    if args.resize is not None:
        changes["resize"] = parse_resize(args.resize)
    if args.background is not None:
        changes["background"] = parse_colour(args.background)
    for option, field in (
        ("name", "name_template"),
        ("lossless", "lossless"),
        ("sidecar", "sidecar"),
        ("strip_metadata", "strip_metadata"),
    ):
        if getattr(args, option) is not None:
            changes[field] = getattr(args, option)
    settings = replace(base, **changes)
    if args.lossless and settings.format != ExportFormat.WEBP:
        raise ValueError("--lossless only applies to --format webp.")
    if args.quality is not None and settings.format in (ExportFormat.ORIGINAL, ExportFormat.PNG):
        raise ValueError(f"--quality does not apply to {settings.format.value} exports.")
    settings.validate()
    validate_template(settings.name_template)
    return settings


def presets_of(context: CliContext) -> PresetBook:
    """The built-in and saved presets; a saved one that is skipped is said on stderr."""
    book = PresetBook(context.paths.export_presets_file)
    for problem in book.problems:
        logger.warning("%s", problem)
    return book
