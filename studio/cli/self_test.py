"""`draft-studio --self-test`: does this install work? Qt, image codecs, keyring, library,
and one image end to end through the offline sandbox.

Everything it needs is an importable module (no source tree), so the same checks run in a
frozen build. It never opens the user's library, settings, logs or keyring entries: the
library steps use throwaway folders, and the keyring step only asks which backend is in use.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from PIL import Image

from studio.core.secrets import ENV_VARS, KeyStore

# The exit code is FIRST_FAILURE_EXIT + the failed step's index in STEP_NAMES; the top-level
# --help lists them without importing this module (tests/cli/test_self_test.py compares).
FIRST_FAILURE_EXIT = 10
STEP_NAMES = ("qt", "images", "keyring", "library", "generate")
FORMATS = ("PNG", "JPEG", "WEBP")
GENERATE_TIMEOUT_S = 60.0


@dataclass(frozen=True, slots=True)
class StepResult:
    name: str
    ok: bool
    detail: str


class StepFailed(Exception):
    """A check that ran and found a problem; the message is the one sentence to show."""


class _Checks:
    def __init__(self) -> None:
        # The QGuiApplication must outlive the qt step: QImage decoding in the images step
        # loads its format plugins through it.
        self._app: object | None = None

    def qt(self) -> str:
        # As the desktop app does: no session bus to find must not autolaunch one for Qt.
        from studio.__main__ import _no_autolaunched_session_bus

        os.environ.setdefault("QT_API", "pyside6")
        _no_autolaunched_session_bus()
        _check_platform_plugin()
        from PySide6.QtGui import QGuiApplication

        app = QGuiApplication.instance() or QGuiApplication(["draft-studio"])
        self._app = app
        return f"platform {QGuiApplication.platformName()}"

    def images(self) -> str:
        from PySide6.QtGui import QImage

        sizes = []
        for fmt in FORMATS:
            source = Image.new("RGB", (16, 12), (200, 40, 90))
            buffer = io.BytesIO()
            try:
                source.save(buffer, fmt)
            except (KeyError, OSError) as exc:
                raise StepFailed(f"Pillow cannot encode {fmt} ({exc}).") from None
            data = buffer.getvalue()
            with Image.open(io.BytesIO(data)) as decoded:
                decoded.load()
                if decoded.size != source.size:
                    raise StepFailed(f"Pillow decoded {fmt} at {decoded.size}, not {source.size}.")
            image = QImage()
            if not image.loadFromData(data) or image.width() != source.width:
                raise StepFailed(
                    f"Qt cannot read {fmt} (its image format plugin is missing or broken)."
                )
            sizes.append(f"{fmt} {len(data)} B")
        return "Pillow and Qt round-trip " + ", ".join(sizes)

    def keyring(self) -> str:
        info = KeyStore().backend()
        if not info.secure:
            raise StepFailed(
                f"The keyring backend is '{info.name}', which is not a secure store, so "
                f"Draft Studio cannot save an API key; it would use the {ENV_VARS[0]} "
                "environment variable instead."
            )
        return f"{info.name} (secure)"

    def library(self) -> str:
        from studio.core.library import Library

        with tempfile.TemporaryDirectory(prefix="draft-studio-self-test-") as folder:
            root = Path(folder) / "library"
            with Library.open(root):
                probe = root / "self-test-probe"
                probe.write_bytes(b"ok")
                probe.unlink()
                db = sqlite3.connect(root / "library.sqlite3")
                try:
                    mode = str(db.execute("PRAGMA journal_mode").fetchone()[0])
                finally:
                    db.close()
            if mode.lower() != "wal":
                raise StepFailed(f"The library's SQLite journal mode is {mode}, not WAL.")
        return "opens, is writable, journal mode WAL"

    def generate(self) -> str:
        from studio.core.library import Library

        _sandbox_not_proxied()
        with (
            tempfile.TemporaryDirectory(prefix="draft-studio-self-test-") as folder,
            Library.open(Path(folder) / "library") as library,
        ):
            return asyncio.run(_generate_one(library))


async def _generate_one(library: object) -> str:
    from studio.core.catalog import Catalog
    from studio.core.domain import SlotStatus
    from studio.core.engine import BatchSpec, JobEngine
    from studio.core.gemini import GeminiAdapter
    from studio.core.library import Library
    from studio.core.settings import Settings
    from studio.sandbox import SandboxConfig, SandboxServer

    assert isinstance(library, Library)
    # Built-in defaults, never the user's settings file.
    defaults = Settings()
    catalog = Catalog()
    spec = BatchSpec(
        "a self-test draft",
        defaults.default_model,
        defaults.default_aspect,
        defaults.default_size,
        count=1,
        seed=1,
    )
    plan = spec.plan(catalog)
    with SandboxServer(SandboxConfig(pixel_scale=0.05)) as server:
        adapter = GeminiAdapter("self-test-key", catalog=catalog, base_url=server.base_url)
        try:
            engine = JobEngine(adapter, library, catalog=catalog, billed=False)
            drafts = engine.submit_plan(plan)
            try:
                async with asyncio.timeout(GENERATE_TIMEOUT_S):
                    await engine.wait_idle(until_stalled=True)
            finally:
                await engine.aclose()
            paused = engine.pause_reason
        finally:
            await adapter.aclose()
    draft = library.get(drafts[0].id)
    if draft.status != SlotStatus.SUCCEEDED or draft.path is None:
        why = paused.message if paused is not None else draft.error_message
        raise StepFailed(f"The sandbox image did not arrive ({draft.status.value}: {why}).")
    if draft.thumb_path is None or not draft.thumb_path.is_file():
        raise StepFailed("The image arrived but its thumbnail was not written.")
    sizes = []
    for path in (draft.path, draft.thumb_path):
        with Image.open(path) as image:
            image.load()
            sizes.append(f"{image.format} {image.width}x{image.height}")
    return f"image {sizes[0]} saved, thumbnail {sizes[1]}, both decoded"


def _check_platform_plugin() -> None:
    """Qt aborts the whole process (qFatal) when the platform plugin cannot be loaded, so a
    platform asked for by name is looked for first, to fail with a sentence instead."""
    wanted = os.environ.get("QT_QPA_PLATFORM", "").strip()
    if not wanted:
        return
    from PySide6.QtCore import QLibraryInfo

    folders = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"]
    folders += [Path(p) / "platforms" for p in os.environ.get("QT_PLUGIN_PATH", "").split(":") if p]
    if extra := os.environ.get("QT_QPA_PLATFORM_PLUGIN_PATH"):
        folders.append(Path(extra))
    available = set()
    for folder in folders:
        if folder.is_dir():
            for file in folder.iterdir():
                stem = file.name.split(".")[0].removeprefix("lib")
                if stem.startswith("q"):
                    available.add(stem[1:])
    # QT_QPA_PLATFORM is a ';'-separated list of fallbacks, each name followed by ':options'.
    names = [part.split(":")[0].strip() for part in wanted.split(";")]
    if not any(name in available for name in names):
        found = ", ".join(sorted(available)) or "none"
        raise StepFailed(
            f"QT_QPA_PLATFORM asks for '{wanted}', but Qt has no such platform plugin "
            f"(found: {found})."
        )


def _sandbox_not_proxied() -> None:
    """The in-process sandbox is on the loopback; a proxy from the environment must not be
    asked for it (httpx honours NO_PROXY)."""
    for name in ("NO_PROXY", "no_proxy"):
        current = [h for h in os.environ.get(name, "").split(",") if h.strip()]
        missing = [h for h in ("127.0.0.1", "localhost") if h not in current]
        if missing:
            os.environ[name] = ",".join(current + missing)


def run_checks() -> list[StepResult]:
    checks = _Checks()
    steps: list[Callable[[], str]] = [getattr(checks, name) for name in STEP_NAMES]
    results = []
    for name, step in zip(STEP_NAMES, steps, strict=True):
        try:
            results.append(StepResult(name, True, step()))
        except StepFailed as exc:
            results.append(StepResult(name, False, str(exc)))
        except Exception as exc:
            # An install problem can surface as any exception; the self-test reports it and
            # goes on, so one run shows every broken part.
            results.append(StepResult(name, False, f"{type(exc).__name__}: {exc}"))
    return results


def exit_code(results: list[StepResult]) -> int:
    for index, result in enumerate(results):
        if not result.ok:
            return FIRST_FAILURE_EXIT + index
    return 0


def run(as_json: bool) -> int:
    results = run_checks()
    code = exit_code(results)
    if as_json:
        report = {"ok": code == 0, "steps": [asdict(r) for r in results]}
        sys.stdout.write(json.dumps(report) + "\n")
    else:
        for result in results:
            sys.stderr.write(f"{result.name}: {'ok' if result.ok else 'FAILED'}: {result.detail}\n")
    return code
