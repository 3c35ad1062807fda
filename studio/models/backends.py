"""Makes the backend the app talks to: Gemini with the user's key, or the offline sandbox.

The SDK and the sandbox are imported when a backend is first made, which the app does on
its engine's thread once the window is up (see StudioModel.start)."""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING

from studio.core.settings import Settings

if TYPE_CHECKING:
    from studio.core.gemini import GeminiAdapter
    from studio.sandbox import SandboxServer
    from studio.sandbox.process import SandboxProcess

SANDBOX_KEY = "sandbox-key"


class BackendFactory:
    """`in_process` keeps the sandbox in this process, where tests can script its faults;
    the app runs it as a process of its own, like the real service."""

    def __init__(self, settings: Settings, *, in_process: bool = False) -> None:
        self.settings = settings
        self._in_process = in_process
        self._sandbox: SandboxServer | SandboxProcess | None = None
        # The engine's thread starts the sandbox at launch; a key removed later starts it
        # from a worker thread; closing may come from the GUI thread meanwhile.
        self._lock = threading.Lock()

    def gemini(self, api_key: str) -> GeminiAdapter:
        return self._adapter(api_key, api_version=self.settings.api_version)

    def start_sandbox(self) -> GeminiAdapter:
        """Blocks until the sandbox listens (a fraction of a second): never on the GUI thread."""
        from studio.sandbox import SandboxServer
        from studio.sandbox.environment import config_from_env
        from studio.sandbox.process import SandboxProcess

        with self._lock:
            if self._sandbox is None:
                config = config_from_env()
                server = SandboxServer(config) if self._in_process else SandboxProcess(config)
                self._sandbox = server.start()
            base_url = self._sandbox.base_url
        return self._adapter(SANDBOX_KEY, base_url=base_url)

    async def sandbox(self) -> GeminiAdapter:
        return await asyncio.to_thread(self.start_sandbox)

    @property
    def sandbox_server(self) -> SandboxServer | None:
        """The in-process sandbox, for tests and scripts that steer it."""
        from studio.sandbox import SandboxServer

        sandbox = self._sandbox
        return sandbox if isinstance(sandbox, SandboxServer) else None

    def close(self) -> None:
        with self._lock:
            if self._sandbox is not None:
                self._sandbox.stop()
                self._sandbox = None

    def _adapter(
        self, api_key: str, *, base_url: str | None = None, api_version: str | None = None
    ) -> GeminiAdapter:
        from studio.core.gemini import GeminiAdapter

        return GeminiAdapter(
            api_key,
            catalog=self.settings.catalog(),
            base_url=base_url,
            timeout_s=self.settings.request_timeout_s,
            api_version=api_version,
        )
