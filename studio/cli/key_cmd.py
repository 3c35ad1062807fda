"""`draft-studio key set|test|delete|where`: the key goes to the keyring, never into argv."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from studio.cli.context import CliContext
from studio.cli.errors import EXIT_INCOMPLETE, EXIT_KEY, EXIT_OK, CliError
from studio.core.domain import ErrorKind
from studio.core.secrets import KeyringUnavailable, KeySource


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("set", help="read the key from stdin or a hidden prompt").set_defaults(
        handler=run_set
    )
    actions.add_parser("test", help="check the key with one cheap call").set_defaults(
        handler=run_test
    )
    actions.add_parser("delete", help="remove the key from the keyring").set_defaults(
        handler=run_delete
    )
    actions.add_parser("where", help="say where the key comes from").set_defaults(handler=run_where)


def _read_key() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("Paste your Gemini API key (input hidden): ")
    return sys.stdin.readline()


def run_set(args: argparse.Namespace, context: CliContext) -> int:
    try:
        context.keys.store(_read_key())
    except ValueError as exc:
        raise CliError(str(exc)) from None
    except KeyringUnavailable as exc:
        raise CliError(str(exc), EXIT_KEY) from None
    sys.stderr.write(f"Saved. {context.keys.backend().explanation}\n")
    return EXIT_OK


def run_delete(args: argparse.Namespace, context: CliContext) -> int:
    try:
        deleted = context.keys.delete()
    except KeyringUnavailable as exc:
        raise CliError(str(exc), 1) from None
    sys.stderr.write("Key removed from the keyring.\n" if deleted else "No key was stored.\n")
    return EXIT_OK


def run_where(args: argparse.Namespace, context: CliContext) -> int:
    backend = context.keys.backend()
    try:
        key = context.keys.resolve()
    except KeyringUnavailable as exc:
        raise CliError(str(exc), 1) from None
    if key is None:
        sys.stdout.write(f"Keyring backend: {backend.name}.\nNo key is set.\n")
        return EXIT_OK
    explanation = f" {backend.explanation}" if key.source == KeySource.KEYRING else ""
    sys.stdout.write(
        f"Keyring backend: {backend.name}.{explanation}\n"
        f"The key in use comes from: {key.source.value}.\n"
    )
    return EXIT_OK


_VERDICTS = {
    ErrorKind.INVALID_KEY: ("The key is not valid.", EXIT_KEY),
    ErrorKind.PERMISSION: ("The key is valid but has no permission for this model.", EXIT_KEY),
    ErrorKind.MODEL_NOT_FOUND: ("The key works, but this model is not available to it.", 1),
}


def run_test(args: argparse.Namespace, context: CliContext) -> int:
    key = context.api_key()
    model = context.settings.default_model

    async def check() -> str | None:
        from studio.core.gemini import GeminiAdapter

        adapter = GeminiAdapter(key, catalog=context.catalog)
        try:
            failure = await adapter.check_key(model)
        finally:
            await adapter.aclose()
        return None if failure is None else failure.kind

    kind = asyncio.run(check())
    if kind is None:
        sys.stdout.write(f"The key is valid and can use {model}.\n")
        return EXIT_OK
    message, code = _VERDICTS.get(
        ErrorKind(kind), ("The service could not be reached to check the key.", EXIT_INCOMPLETE)
    )
    sys.stdout.write(f"{message}\n")
    return code
