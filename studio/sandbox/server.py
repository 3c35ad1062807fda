"""The HTTP side of the sandbox: auth, quotas and fault injection around the bodies."""

from __future__ import annotations

import itertools
import json
import logging
import random
import re
import select
import socket
import socketserver
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from studio.sandbox import responses
from studio.sandbox.config import Fault, SandboxConfig
from studio.sandbox.limits import SlidingWindow
from studio.sandbox.models_api import MODELS, models_reply
from studio.sandbox.parsing import ImageRequest, RequestError, parse_image_request
from studio.sandbox.records import REDACTED, RecordedRequest, SandboxStats
from studio.sandbox.resources import Resources
from studio.sandbox.responses import Reply
from studio.sandbox.routes import STREAM, ResourceRoute, Route, resolve_resource, resolve_route

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
_KEY_IN_QUERY = re.compile(r"([?&]key=)[^&\s]*")
_REDACT = rf"\g<1>{REDACTED}"
_POLL_S = 0.05


@dataclass(frozen=True, slots=True)
class _Admission:
    fault: Fault | None
    seed: int
    due: float  # time.monotonic() before which the answer must not leave
    pixel_scale: float


class SandboxServer:
    """An offline stand-in for the Gemini API on 127.0.0.1, served from a background thread."""

    def __init__(self, config: SandboxConfig | None = None, port: int = 0) -> None:
        self.config = config or SandboxConfig()
        self.port = port
        self.requests: list[RecordedRequest] = []
        self.stats = SandboxStats()
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._script: deque[Fault] = deque()
        self._window = SlidingWindow()
        self._rng = random.Random(self.config.seed)
        self._auto_seeds = itertools.count(1)
        self._connections: set[socket.socket] = set()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        # Batch jobs and files: their routes, records and background drawing.
        self._resources = Resources(
            lambda: self.config, self._authenticate, lambda: self.base_url, self._stopped
        )

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> SandboxServer:
        if self._httpd is not None or self._stopped.is_set():
            raise RuntimeError("A SandboxServer can be started only once.")
        self._httpd = _HTTPServer((HOST, self.port), self)
        self.port = self._httpd.server_port
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            name=f"sandbox-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Returns promptly: hanging and delayed answers watch the stop event, and open
        keep-alive connections are shut so that their threads end too."""
        httpd, thread = self._httpd, self._thread
        if httpd is None or thread is None or self._stopped.is_set():
            return
        self._stopped.set()
        self._resources.close()
        shutdown = threading.Thread(target=httpd.shutdown)
        shutdown.start()
        # serve_forever notices a shutdown only when its select() returns; a connection wakes it
        # at once instead of after the poll interval.
        while shutdown.is_alive():
            with suppress(OSError):
                socket.create_connection((HOST, self.port), timeout=1).close()
            shutdown.join(_POLL_S)
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        httpd.server_close()
        thread.join()

    def __enter__(self) -> SandboxServer:
        return self if self._httpd is not None else self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def script(self, *faults: Fault) -> None:
        """The next len(faults) accepted generateContent requests get these faults, in order."""
        with self._lock:
            self._script.extend(faults)

    def uploaded_file(self, name: str) -> bytes:
        """The content of a file in the Files API ("files/NAME" or "NAME"), for tests."""
        content = self._resources.files.content(name.removeprefix("files/"))
        if content is None:
            raise KeyError(name)
        return content

    # Called from handler threads.

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _track(self, connection: socket.socket, *, open_: bool) -> None:
        with self._lock:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def _answered(self) -> None:
        with self._lock:
            self.stats.last_answered_at = time.monotonic()

    @contextmanager
    def _in_flight(self) -> Iterator[None]:
        with self._lock:
            if self.stats.first_received_at is None:
                self.stats.first_received_at = time.monotonic()
            self.stats.in_flight += 1
            self.stats.max_in_flight = max(self.stats.max_in_flight, self.stats.in_flight)
        try:
            yield
        finally:
            with self._lock:
                self.stats.in_flight -= 1

    def _authenticate(self, key: str, route: Route | ResourceRoute) -> Reply | None:
        if not key:
            return responses.key_missing()
        valid_keys = self.config.valid_keys
        if valid_keys is not None:
            return None if key in valid_keys else responses.api_key_invalid()
        if key.startswith("invalid"):
            return responses.api_key_invalid()
        if key.startswith("noperm"):
            return responses.permission_denied(route.rpc)
        return None

    def _admit(self, request: ImageRequest, model_id: str) -> Reply | _Admission:
        """Applies the daily quota and the rate limit, then picks the request's fault."""
        config = self.config
        now = time.monotonic()
        with self._lock:
            if config.daily_quota is not None and self.stats.accepted >= config.daily_quota:
                self.stats.faults_served[Fault.DAILY_QUOTA] += 1
                return responses.daily_quota_exhausted(model_id, config.daily_quota)
            if config.rate_limit is not None:
                wait = self._window.try_acquire(now, config.rate_limit, config.rate_window_s)
                if wait is not None:
                    self.stats.rate_limited += 1
                    return responses.rate_limited(model_id, config.rate_limit, wait)
            self.stats.accepted += 1
            fault = self._choose_fault(request, config)
            if fault is not None:
                self.stats.faults_served[fault] += 1
            seed = next(self._auto_seeds) if request.seed is None else request.seed
            delay = config.latency_s
            if config.latency_jitter_s > 0:
                delay += self._rng.uniform(0, config.latency_jitter_s)
        if fault is Fault.RATE_LIMIT:
            return responses.rate_limited(model_id, config.rate_limit, config.fault_retry_delay_s)
        if fault is Fault.DAILY_QUOTA:
            return responses.daily_quota_exhausted(model_id, config.daily_quota)
        return _Admission(fault, seed, now + delay, config.pixel_scale)

    def _choose_fault(self, request: ImageRequest, config: SandboxConfig) -> Fault | None:
        if self._script:
            return self._script.popleft()
        if request.marker is not None:
            return request.marker
        rates = [(fault, config.fault_rates.get(fault, 0.0)) for fault in Fault]
        rates = [(fault, rate) for fault, rate in rates if rate > 0]
        if not rates:
            return None
        draw = self._rng.random()
        for fault, rate in rates:
            if draw < rate:
                return fault
            draw -= rate
        return None


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # The default backlog of 5 turns a burst of parallel requests into connection retries.
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], sandbox: SandboxServer) -> None:
        self.sandbox = sandbox
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host's FQDN, which can stall on a machine without DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name = HOST
        self.server_port = self.socket.getsockname()[1]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "DraftStudioSandbox"
    sys_version = ""
    # Headers and body go out in separate writes; Nagle would hold the body for a delayed ACK.
    disable_nagle_algorithm = True
    server: _HTTPServer

    def handle(self) -> None:
        sandbox = self.server.sandbox
        sandbox._track(self.connection, open_=True)
        try:
            # A client that gave up (timeout, cancel) is normal; nobody is left to tell.
            with suppress(ConnectionError):
                super().handle()
        finally:
            sandbox._track(self.connection, open_=False)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self.address_string(), _KEY_IN_QUERY.sub(_REDACT, format % args))

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _dispatch(self) -> None:
        sandbox = self.server.sandbox
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            # Without a usable length the body cannot be skipped, so the connection must end.
            self.close_connection = True
            self._send(responses.invalid_argument("Invalid Content-Length header."))
            return
        raw = self.rfile.read(length)
        try:
            payload: Any = json.loads(raw) if raw else None
        except ValueError:
            payload = None
        key = (self.headers.get("x-goog-api-key") or query.get("key", [""])[0]).strip()
        sandbox._record(self._recorded(payload))
        if sandbox._stopped.is_set():
            self.close_connection = True
            return
        route = resolve_route(self.command, url.path)
        resource = None if route else resolve_resource(self.command, url.path)
        if resource is not None:
            headers = {name.lower(): value for name, value in self.headers.items()}
            self._send(sandbox._resources.answer(resource, key, raw, payload, headers, query))
        elif route is None:
            self._send(responses.route_not_found(self.command, url.path))
        elif route.action:
            with sandbox._in_flight():
                self._generate(route, key, payload)
        else:
            self._send(sandbox._authenticate(key, route) or models_reply(route, query))

    def _recorded(self, payload: Any) -> RecordedRequest:
        headers = {name.lower(): value for name, value in self.headers.items()}
        if "x-goog-api-key" in headers:
            headers["x-goog-api-key"] = REDACTED
        return RecordedRequest(
            method=self.command,
            path=_KEY_IN_QUERY.sub(_REDACT, self.path),
            headers=headers,
            body=payload if isinstance(payload, dict) else None,
            received_at=time.monotonic(),
        )

    def _generate(self, route: Route, key: str, payload: Any) -> None:
        sandbox = self.server.sandbox
        refusal = sandbox._authenticate(key, route)
        if refusal is not None:
            self._send(refusal)
            return
        spec = MODELS.get(route.model_id)
        if spec is None:
            self._send(responses.model_not_found(route.model_id, route.version, route.action))
            return
        try:
            request = parse_image_request(payload, spec)
        except RequestError as exc:
            self._send(responses.invalid_argument(str(exc)))
            return
        admission = sandbox._admit(request, spec.id)
        if isinstance(admission, Reply):
            self._send(admission)
            return
        if admission.fault is Fault.HANG:
            self._hang()
            return
        reply = None
        if admission.fault is not Fault.DROP:
            reply = responses.generation_reply(
                spec.id, request, admission.seed, admission.pixel_scale, admission.fault
            )
        # Rendering counts towards the latency, so a configured delay is the delay clients see.
        if sandbox._stopped.wait(max(0.0, admission.due - time.monotonic())) or reply is None:
            # DROP (or shutdown): end the connection without a single byte of answer.
            self.close_connection = True
            return
        self._send(reply.as_event_stream() if route.action == STREAM else reply)
        if reply.status == 200:
            sandbox._answered()

    def _hang(self) -> None:
        """Holds the request until the client goes away or the server stops."""
        self.close_connection = True
        while not self.server.sandbox._stopped.wait(_POLL_S):
            if _peer_closed(self.connection):
                return

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)


def _peer_closed(connection: socket.socket) -> bool:
    readable, _, _ = select.select([connection], [], [], 0)
    if not readable:
        return False
    try:
        return connection.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True
