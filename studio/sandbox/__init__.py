"""An offline, Gemini-compatible image server for new users without a key, tests and benchmarks."""

from studio.sandbox.config import Fault, JobMarker, SandboxConfig
from studio.sandbox.records import RecordedRequest, SandboxStats
from studio.sandbox.server import SandboxServer

__all__ = [
    "Fault",
    "JobMarker",
    "RecordedRequest",
    "SandboxConfig",
    "SandboxServer",
    "SandboxStats",
]
