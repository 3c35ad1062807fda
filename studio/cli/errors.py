"""Exit codes and the one-line errors the CLI prints instead of tracebacks."""

from __future__ import annotations

EXIT_OK = 0
EXIT_INCOMPLETE = 1
EXIT_USAGE = 2
EXIT_KEY = 3
EXIT_INTERRUPTED = 130


class CliError(Exception):
    """Ends the command with `code` after printing the message as one line."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code
