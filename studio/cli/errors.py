"""Exit codes and the one-line errors the CLI prints instead of tracebacks."""

from __future__ import annotations

import logging
import sys

from studio.core.logs import current_log_file, where_details_are
from studio.core.secrets import GOOGLE_KEY_PATTERN

EXIT_OK = 0
EXIT_INCOMPLETE = 1
EXIT_FAILED = 1  # the command could not do its work: the library cannot be opened, a crash
EXIT_USAGE = 2
EXIT_KEY = 3
EXIT_INTERRUPTED = 130

# `extra` for a record meant for the log file only (stderr gets its own sentence).
LOG_ONLY = {"log_only": True}


class CliError(Exception):
    """Ends the command with `code` after printing the message as one line."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def report_unexpected() -> int:
    """For an exception no command expected (call it in the `except`): the traceback goes
    to the log, stderr gets one sentence naming the log file."""
    if current_log_file() is None:
        # No log to point at (it could not be set up): the error itself is all there is.
        error = sys.exc_info()[1]
        said = GOOGLE_KEY_PATTERN.sub("[redacted]", f"{type(error).__name__}: {error}")
        sys.stderr.write(f"draft-studio: unexpected error ({said}).\n")
    else:
        logging.getLogger("studio").error("unexpected error", exc_info=True, extra=LOG_ONLY)
        sys.stderr.write(f"draft-studio: unexpected error; {where_details_are()}.\n")
    return EXIT_FAILED
