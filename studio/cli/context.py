"""What every command needs: paths, settings, the key, and a backend (real or sandbox)."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from studio.cli.errors import EXIT_FAILED, EXIT_KEY, LOG_ONLY, CliError
from studio.core.catalog import Catalog
from studio.core.library import Library, LibraryOpenError
from studio.core.library.opening import classified
from studio.core.logs import RedactingFilter, setup_logging
from studio.core.paths import AppPaths
from studio.core.secrets import KeyringUnavailable, KeyStore
from studio.core.settings import Settings

if TYPE_CHECKING:
    from studio.core.gemini import GeminiAdapter
    from studio.sandbox import SandboxServer

SANDBOX_KEY = "sandbox-key"
NO_KEY_HINT = (
    "No API key is set. Run 'draft-studio key set', set GEMINI_API_KEY, "
    "or try the offline sandbox with --sandbox."
)


@dataclass
class CliContext:
    paths: AppPaths
    settings: Settings
    keys: KeyStore = field(default_factory=KeyStore)

    @classmethod
    def create(cls, library: str | None) -> CliContext:
        paths = AppPaths.resolve(library)
        settings = Settings.load(paths.settings_file)
        context = cls(paths, settings)
        setup_logging(paths.logs, context.keys.known_secrets)
        for warning in settings.warnings:
            logging.getLogger("studio.settings").warning("%s", warning)
        return context

    @property
    def catalog(self) -> Catalog:
        return self.settings.catalog()

    @contextmanager
    def library(self) -> Iterator[Library]:
        """The open library; one that cannot be opened, or turns out damaged deeper in the
        file than opening reads, ends the command with its one sentence."""
        root = self.paths.library
        try:
            with classified(root, sqlite_only=True), Library.open(root) as library:
                yield library
        except LibraryOpenError as exc:
            logging.getLogger("studio.library").info("%s", exc, exc_info=exc, extra=LOG_ONLY)
            raise CliError(str(exc), EXIT_FAILED) from None

    def api_key(self) -> str:
        try:
            key = self.keys.resolve()
        except KeyringUnavailable as exc:
            raise CliError(f"{exc} {NO_KEY_HINT}", EXIT_KEY) from None
        if key is None:
            raise CliError(NO_KEY_HINT, EXIT_KEY)
        return key.value

    @asynccontextmanager
    async def backend(self, sandbox: bool) -> AsyncIterator[GeminiAdapter]:
        # Only the commands that send requests pay for importing the SDK and the sandbox.
        from studio.core.gemini import GeminiAdapter
        from studio.sandbox import SandboxServer
        from studio.sandbox.environment import config_from_env

        server: SandboxServer | None = None
        if sandbox:
            try:
                config = config_from_env()
            except ValueError as exc:
                raise CliError(str(exc)) from None
            server = SandboxServer(config).start()
            key, base_url = SANDBOX_KEY, server.base_url
        else:
            key, base_url = self.api_key(), None
        adapter = GeminiAdapter(
            key,
            catalog=self.catalog,
            base_url=base_url,
            timeout_s=self.settings.request_timeout_s,
            api_version=self.settings.api_version,
        )
        try:
            yield adapter
        finally:
            await adapter.aclose()
            if server is not None:
                server.stop()


class _OneLine(logging.Formatter):
    """A record as one line: its traceback, if any, is for the log file."""

    def format(self, record: logging.LogRecord) -> str:
        return f"draft-studio: {record.getMessage()}"


def stderr_logging(keys: KeyStore, verbose: bool) -> None:
    handler = logging.StreamHandler()
    handler.setLevel(logging.INFO if verbose else logging.WARNING)
    handler.setFormatter(_OneLine())
    handler.addFilter(lambda record: not getattr(record, "log_only", False))
    handler.addFilter(RedactingFilter(keys.known_secrets))
    logging.getLogger().addHandler(handler)


def resolve_out_dir(path: str, *, require_writable: bool = True) -> Path:
    """Creates the folder if needed. `require_writable=False` leaves finding out to the
    writes themselves, for commands that report a failure per file."""
    out = Path(path).expanduser()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(f"Cannot create the folder '{out}': {exc.strerror}.") from None
    if require_writable and not os.access(out, os.W_OK):
        raise CliError(f"The output folder '{out}' is not writable.")
    return out
