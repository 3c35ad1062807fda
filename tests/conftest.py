from __future__ import annotations

import os
from pathlib import Path

import pytest

# A developer's real key or proxy must never reach a test, and the SDK must never pick Vertex mode.
_SCRUBBED_PREFIXES = (
    "GEMINI_",
    "GOOGLE_API_KEY",
    "GOOGLE_GENAI_",
    "GOOGLE_GEMINI_",
    "DRAFT_STUDIO_",
)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith(_SCRUBBED_PREFIXES):
            monkeypatch.delenv(name)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    home = tmp_path / "home"
    monkeypatch.setenv("DRAFT_STUDIO_CONFIG", str(home / "config"))
    monkeypatch.setenv("DRAFT_STUDIO_LIBRARY", str(home / "library"))
    monkeypatch.setenv("DRAFT_STUDIO_LOGS", str(home / "logs"))
    return home
