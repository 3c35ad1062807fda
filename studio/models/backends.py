"""Makes the backend the app talks to: Gemini with the user's key, or the offline sandbox."""

from __future__ import annotations

import asyncio

from studio.core.gemini import GeminiAdapter
from studio.core.settings import Settings
from studio.sandbox import SandboxServer
from studio.sandbox.environment import config_from_env
from studio.sandbox.process import SandboxProcess

SANDBOX_KEY = "sandbox-key"


class BackendFactory:
    """`in_process` keeps the sandbox in this process, where tests can script its faults;
    the app runs it as a process of its own, like the real service."""

    def __init__(self, settings: Settings, *, in_process: bool = False) -> None:
        self.settings = settings
        self._in_process = in_process
        self._sandbox: SandboxServer | SandboxProcess | None = None

    def gemini(self, api_key: str) -> GeminiAdapter:
        return GeminiAdapter(
            api_key,
            catalog=self.settings.catalog(),
            timeout_s=self.settings.request_timeout_s,
            api_version=self.settings.api_version,
        )

    async def sandbox(self) -> GeminiAdapter:
        if self._sandbox is None:
            config = config_from_env()
            server = SandboxServer(config) if self._in_process else SandboxProcess(config)
            await asyncio.to_thread(server.start)
            self._sandbox = server
        sandbox: SandboxServer | SandboxProcess = self._sandbox
        return GeminiAdapter(
            SANDBOX_KEY,
            catalog=self.settings.catalog(),
            base_url=sandbox.base_url,
            timeout_s=self.settings.request_timeout_s,
        )

    @property
    def sandbox_server(self) -> SandboxServer | None:
        """The in-process sandbox, for tests and scripts that steer it."""
        return self._sandbox if isinstance(self._sandbox, SandboxServer) else None

    def close(self) -> None:
        if self._sandbox is not None:
            self._sandbox.stop()
            self._sandbox = None
