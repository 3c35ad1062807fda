"""The window comes before anything slow. In a fresh interpreter, building the services and
showing the window import neither google-genai nor httpx2 nor the sandbox, and build no
engine; `Services.start`, once the window is up, does all of that on the engine's thread.
How long each step takes is measured in tests/bench/bench_gui_launch.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import studio

_CHECK = textwrap.dedent(
    """\
    import json, sys
    from studio.app import build_services, make_application
    from studio.ui.main_window import MainWindow
    from studio.event_loop import run

    HEAVY = ("google.genai", "httpx2", "studio.sandbox")
    app = make_application()

    def loaded():
        return sorted(h for h in HEAVY if h in sys.modules)

    async def main():
        services = await build_services()
        window = MainWindow(services)
        window.show()
        at_show = {"loaded": loaded(), "engine": services.studio.engine is not None}
        await services.start()
        started = {"loaded": loaded(), "engine": services.studio.engine is not None}
        window.close()
        await services.aclose()
        return {"at_show": at_show, "started": started}

    print(json.dumps(run(main())))
    """
)


def test_the_window_shows_before_the_sdk_the_sandbox_and_the_engine_load() -> None:
    env = {
        **os.environ,
        "QT_API": "pyside6",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    result = subprocess.run(
        [sys.executable, "-c", _CHECK],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(studio.__file__).resolve().parents[1],
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["at_show"] == {"loaded": [], "engine": False}
    assert report["started"] == {
        "loaded": ["google.genai", "httpx2", "studio.sandbox"],
        "engine": True,
    }
