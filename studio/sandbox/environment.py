"""The sandbox a person meets feels like the real service; these variables tune it."""

from __future__ import annotations

import os
from pathlib import Path

from studio.core.paths import AppPaths
from studio.sandbox.config import SandboxConfig

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


def _number(name: str) -> float | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, not '{raw}'.") from None


def _at_least(name: str, default: float, minimum: float, strict: bool) -> float:
    value = _number(name)
    if value is None:
        return default
    if value < minimum or (strict and value == minimum):
        bound = "more than" if strict else "at least"
        raise ValueError(f"{name} must be {bound} {minimum:g}.")
    return value


def _flag(name: str) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(f"{name} must be 1 or 0, not '{raw}'.")


def _state_dir() -> Path:
    chosen = os.environ.get("DRAFT_STUDIO_SANDBOX_STATE", "").strip()
    if chosen:
        return Path(chosen).expanduser().absolute()
    # Beside the app's settings, so a CLI restarted after a crash finds its batch jobs.
    return AppPaths.resolve().config / "sandbox"


def config_from_env() -> SandboxConfig:
    """DRAFT_STUDIO_SANDBOX_LATENCY / _JITTER / _RATE_LIMIT / _RATE_WINDOW / _PIXEL_SCALE /
    _BATCH_PENDING / _BATCH_RUNNING / _BATCH_SHUFFLE / _STATE."""
    limit = None
    if _number("DRAFT_STUDIO_SANDBOX_RATE_LIMIT") is not None:
        limit = int(_at_least("DRAFT_STUDIO_SANDBOX_RATE_LIMIT", 1, 1, strict=False))
    return SandboxConfig(
        latency_s=_at_least("DRAFT_STUDIO_SANDBOX_LATENCY", 1.5, 0, strict=False),
        latency_jitter_s=_at_least("DRAFT_STUDIO_SANDBOX_JITTER", 0.5, 0, strict=False),
        rate_limit=limit,
        rate_window_s=_at_least("DRAFT_STUDIO_SANDBOX_RATE_WINDOW", 60.0, 0, strict=True),
        pixel_scale=_at_least("DRAFT_STUDIO_SANDBOX_PIXEL_SCALE", 1.0, 0, strict=True),
        batch_pending_s=_at_least("DRAFT_STUDIO_SANDBOX_BATCH_PENDING", 2.0, 0, strict=False),
        batch_running_s=_at_least("DRAFT_STUDIO_SANDBOX_BATCH_RUNNING", 5.0, 0, strict=False),
        batch_shuffle=_flag("DRAFT_STUDIO_SANDBOX_BATCH_SHUFFLE"),
        state_dir=_state_dir(),
    )
