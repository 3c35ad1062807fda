"""`draft-studio presets list|save|delete`: the export presets, built-in and saved."""

from __future__ import annotations

import argparse
import json
import sys

from studio.cli.context import CliContext
from studio.cli.errors import EXIT_OK, CliError
from studio.cli.export_options import add_output_options, presets_of, settings_from
from studio.core.export import TemplateError
from studio.core.export.user_presets import PresetError, settings_to_json


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Export presets: the built-in ones and the ones you saved. "
        "The GUI's export dialog offers the same list."
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    listing = actions.add_parser("list", help="every preset, built-in first")
    listing.add_argument("--json", action="store_true", help="print one JSON array")
    listing.set_defaults(handler=run_list)

    save = actions.add_parser(
        "save",
        help="save a preset (replaces your own of the same name)",
        description="Save export settings under a name, for `export --preset` and the GUI. "
        "Start from --preset and change what you give.",
    )
    save.add_argument("label", metavar="NAME", help="e.g. 'Blog 1600'; its id is blog-1600")
    add_output_options(save, "the preset to start from (default original)")
    save.set_defaults(handler=run_save)

    delete = actions.add_parser("delete", help="delete a saved preset")
    delete.add_argument("preset_id", metavar="ID")
    delete.set_defaults(handler=run_delete)


def run_list(args: argparse.Namespace, context: CliContext) -> int:
    book = presets_of(context)
    presets = book.all()
    if args.json:
        entries = [
            {
                "id": p.id,
                "label": p.label,
                "builtin": book.is_builtin(p.id),
                "settings": settings_to_json(p.settings),
            }
            for p in presets
        ]
        sys.stdout.write(json.dumps(entries, ensure_ascii=False) + "\n")
        return EXIT_OK
    width = max(len(p.id) for p in presets)
    for p in presets:
        origin = "" if book.is_builtin(p.id) else "  (saved)"
        sys.stdout.write(f"{p.id:<{width}}  {p.label}: {p.settings.describe()}{origin}\n")
    return EXIT_OK


def run_save(args: argparse.Namespace, context: CliContext) -> int:
    book = presets_of(context)
    try:
        settings = settings_from(args, book)
        saved, replaced = book.save(args.label, settings)
    except (ValueError, TemplateError) as exc:
        raise CliError(str(exc)) from None
    verb = "Replaced" if replaced else "Saved"
    sys.stderr.write(
        f"{verb} preset '{saved.label}': {saved.settings.describe()}. "
        f"Use it with --preset {saved.id}.\n"
    )
    return EXIT_OK


def run_delete(args: argparse.Namespace, context: CliContext) -> int:
    try:
        removed = presets_of(context).delete(args.preset_id)
    except PresetError as exc:
        raise CliError(str(exc)) from None
    sys.stderr.write(f"Deleted preset '{removed.label}'.\n")
    return EXIT_OK
