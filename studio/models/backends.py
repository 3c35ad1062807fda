"""Makes the backend the app talks to: Gemini with the user's key, or the offline sandbox."""

from __future__ import annotations

from studio.core.gemini import GeminiAdapter
from studio.core.settings import Settings
from studio.sandbox import SandboxServer
from studio.sandbox.environment import config_from_env

SANDBOX_KEY = "sandbox-key"


class BackendFactory:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._sandbox: SandboxServer | None = None

    def gemini(self, api_key: str) -> GeminiAdapter:
        return GeminiAdapter(
            api_key,
            catalog=self.settings.catalog(),
            timeout_s=self.settings.request_timeout_s,
            api_version=self.settings.api_version,
        )

    def sandbox(self) -> GeminiAdapter:
        if self._sandbox is None:
            self._sandbox = SandboxServer(config_from_env()).start()
        return GeminiAdapter(
            SANDBOX_KEY,
            catalog=self.settings.catalog(),
            base_url=self._sandbox.base_url,
            timeout_s=self.settings.request_timeout_s,
        )

    @property
    def sandbox_server(self) -> SandboxServer | None:
        return self._sandbox

    def close(self) -> None:
        if self._sandbox is not None:
            self._sandbox.stop()
            self._sandbox = None
