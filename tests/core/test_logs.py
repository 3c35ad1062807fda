from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from studio.core.logs import LOG_FILE, RedactingFilter, setup_logging
from studio.core.secrets import KeyStore

SECRET = "my-very-secret-key-123"
GOOGLE_SHAPED = "AIzaSyD3m0-k3y_f0r-T3sts-0nly-aBcDeFgHi"
log = logging.getLogger("studio.test")


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    quieted = {name: logging.getLogger(name).level for name in ("google_genai", "httpcore2")}
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    for name, old in quieted.items():
        logging.getLogger(name).setLevel(old)


@pytest.fixture
def log_dir(tmp_path: Path) -> Path:
    return tmp_path / "logs"


def read(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def test_secrets_in_message_and_args_are_redacted(log_dir: Path) -> None:
    path = setup_logging(log_dir, lambda: [SECRET])

    log.info("key is %s", SECRET)
    log.warning(f"key inline {SECRET} and a google one {GOOGLE_SHAPED}")
    log.info("as a mapping %(key)s", {"key": SECRET})

    text = read(path)
    assert path == log_dir / LOG_FILE
    assert SECRET not in text
    assert GOOGLE_SHAPED not in text
    assert "key is [redacted]" in text
    assert "key inline [redacted] and a google one [redacted]" in text
    assert "as a mapping [redacted]" in text


def test_tracebacks_are_redacted(log_dir: Path) -> None:
    path = setup_logging(log_dir, lambda: [SECRET])

    try:
        raise RuntimeError(f"request failed with {SECRET}")
    except RuntimeError:
        log.exception("call failed")

    text = read(path)
    assert "RuntimeError: request failed with [redacted]" in text
    assert SECRET not in text


def test_secrets_learned_after_setup_are_redacted(
    log_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = KeyStore()
    path = setup_logging(log_dir, store.known_secrets)

    store.use_for_session(SECRET)
    monkeypatch.setenv("GOOGLE_API_KEY", "env-key-value")
    log.info("session %s, env %s", SECRET, "env-key-value")

    assert "session [redacted], env [redacted]" in read(path)


def test_setup_twice_keeps_one_file_handler(log_dir: Path) -> None:
    setup_logging(log_dir, list)
    path = setup_logging(log_dir, lambda: [SECRET])

    log.info("once %s", SECRET)

    assert read(path).count("once [redacted]") == 1


def test_noisy_library_loggers_are_quiet(log_dir: Path) -> None:
    path = setup_logging(log_dir, list, level=logging.DEBUG)

    logging.getLogger("google_genai.models").info("AFC is enabled with max remote calls: 10.")
    logging.getLogger("httpcore2.http11").debug("receive_response_headers.complete")
    logging.getLogger("httpx2").info('HTTP Request: POST https://example.test "HTTP/1.1 200 OK"')

    text = read(path)
    assert "AFC is enabled" not in text
    assert "headers" not in text
    assert "HTTP Request: POST" in text


def test_filter_works_on_a_stderr_handler_too() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter(lambda: [SECRET]))
    logger = logging.getLogger("studio.test.stderr")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.error("leaked %s?", SECRET)
        logger.error("bad format %d", "not a number", SECRET)
    finally:
        logger.removeHandler(handler)
        logger.propagate = True

    assert stream.getvalue().splitlines()[0] == "leaked [redacted]?"
    assert SECRET not in stream.getvalue()
