"""The sandbox in a process of its own, as the desktop app runs it.

Drawing and encoding 1K images is CPU work under Python's GIL; in the app's own process it
would steal time from the GUI thread, which the real service never does."""

from __future__ import annotations

import subprocess
import sys

from studio.sandbox.config import SandboxConfig


class SandboxProcess:
    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self._process: subprocess.Popen[bytes] | None = None
        self.base_url = ""

    def _arguments(self) -> list[str]:
        config = self.config
        arguments = [
            sys.executable,
            "-m",
            "studio.sandbox",
            "--until-stdin-closes",
            f"--latency={config.latency_s}",
            f"--jitter={config.latency_jitter_s}",
            f"--rate-window={config.rate_window_s}",
            f"--pixel-scale={config.pixel_scale}",
            f"--batch-pending={config.batch_pending_s}",
            f"--batch-running={config.batch_running_s}",
            f"--inline-batch-limit={config.inline_batch_limit_bytes}",
        ]
        if config.rate_limit is not None:
            arguments.append(f"--rate-limit={config.rate_limit}")
        if config.batch_shuffle:
            arguments.append("--batch-shuffle")
        if config.state_dir is not None:
            arguments.append(f"--state-dir={config.state_dir}")
        return arguments

    def start(self) -> SandboxProcess:
        """Blocks until the server listens (a fraction of a second): call it off the GUI thread."""
        self._process = subprocess.Popen(
            self._arguments(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            # Out of the terminal's process group: Ctrl+C or a hang-up reaches only the app,
            # which cancels its requests before it closes this process (closing stdin).
            start_new_session=True,
        )
        stdout = self._process.stdout
        line = stdout.readline().decode().strip() if stdout is not None else ""
        if not line.startswith("http://127.0.0.1:"):
            self.stop()
            raise RuntimeError("The offline sandbox did not start.")
        self.base_url = line
        return self

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
