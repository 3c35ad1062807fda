"""The app's log file, with every API key scrubbed before a record reaches any handler."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from logging.handlers import RotatingFileHandler
from pathlib import Path

from studio.core.secrets import GOOGLE_KEY_PATTERN

LOG_FILE = "draft-studio.log"
REDACTED = "[redacted]"

# httpcore2 and hpack log raw headers at DEBUG; google_genai logs "AFC is enabled" on every
# call at INFO. Request lines from httpx2 stay: they carry the URL only.
_QUIETED_LOGGERS = ("google_genai", "httpcore2", "hpack")


class RedactingFilter(logging.Filter):
    """Replaces known secrets and anything shaped like a Google API key with [redacted].

    Put it on handlers, not loggers: a logger's filters skip records from its children.
    """

    def __init__(self, secrets: Callable[[], Iterable[str]]) -> None:
        super().__init__()
        self._secrets = secrets

    def redact(self, text: str) -> str:
        # Longest first, so a secret that contains another is not left half-visible.
        for secret in sorted(filter(None, self._secrets()), key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        return GOOGLE_KEY_PATTERN.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            # A bad format string must not raise into the caller; keep every piece visible.
            message = f"{record.msg} {record.args!r}"
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class _StudioFileHandler(RotatingFileHandler):
    """Marks the handler setup_logging owns, so a second call replaces it."""

    failed = False  # a record could not be written (a full disk)

    def handleError(self, record: logging.LogRecord) -> None:
        # logging's default prints its own traceback on stderr, over the sentence the user
        # is reading; a log that cannot be written is said so where it is pointed at.
        self.failed = True


def setup_logging(
    log_dir: Path,
    secrets: Callable[[], Iterable[str]],
    level: int = logging.INFO,
) -> Path:
    """Send the root logger to a rotating file in log_dir and return the file's path."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILE
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _StudioFileHandler)]:
        root.removeHandler(old)
        old.close()
    handler = _StudioFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root.addHandler(handler)
    root.setLevel(level)
    for name in _QUIETED_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    return path


def _file_handler() -> _StudioFileHandler | None:
    for handler in logging.getLogger().handlers:
        if isinstance(handler, _StudioFileHandler):
            return handler
    return None


def current_log_file() -> Path | None:
    """The file setup_logging sends the log to, None before it ran."""
    handler = _file_handler()
    return Path(handler.baseFilename) if handler is not None else None


def where_details_are() -> str:
    """Ends a sentence about an unexpected error: "details are in <the log file>"."""
    handler = _file_handler()
    if handler is None:
        return "details are in the log"
    if handler.failed:
        return f"the log {handler.baseFilename} could not be written"
    return f"details are in {handler.baseFilename}"
