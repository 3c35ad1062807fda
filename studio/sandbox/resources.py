"""The Batch API and Files API routes, behind the same keys as generateContent."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from studio.sandbox import responses
from studio.sandbox.batch_service import Batches
from studio.sandbox.config import SandboxConfig
from studio.sandbox.files_api import Files
from studio.sandbox.responses import Reply
from studio.sandbox.routes import Operation, ResourceRoute
from studio.sandbox.store import Store

Authenticate = Callable[[str, ResourceRoute], Reply | None]
# How long a poll may wait for a finished job's results to be drawn: as long as the
# client's X-Server-Timeout allows, less a margin for the answer to travel.
_DEFAULT_PATIENCE_S = 10.0
_PATIENCE_MARGIN_S = 1.0
_MAX_PATIENCE_S = 300.0


class Resources:
    def __init__(
        self,
        config: Callable[[], SandboxConfig],
        authenticate: Authenticate,
        base_url: Callable[[], str],
        stopped: threading.Event,
    ) -> None:
        self._config = config
        self._authenticate = authenticate
        store = Store(config().state_dir)
        self.files = Files(store, base_url)
        self.batches = Batches(store, self.files, stopped)

    def close(self) -> None:
        self.batches.close()

    def answer(
        self,
        route: ResourceRoute,
        key: str,
        raw: bytes,
        payload: Any,
        headers: Mapping[str, str],
        query: dict[str, list[str]],
    ) -> Reply:
        """`headers` with lower-case names; `payload` is `raw` parsed as JSON, or None."""
        operation = route.operation
        upload_id = query.get("upload_id", [""])[0]
        if operation is Operation.UPLOAD_FILE and upload_id:
            # The SDK sends chunks without the key: the upload's address is the credential.
            return self.files.upload_chunk(route, upload_id, headers, raw)
        refusal = self._authenticate(key, route)
        if refusal is not None:
            return refusal
        config = self._config()
        if operation is Operation.CREATE_BATCH:
            limit = config.inline_batch_limit_bytes
            if len(raw) > limit:
                return responses.invalid_argument(
                    f"Request payload size exceeds the limit: {limit} bytes."
                )
            return self.batches.create(route.name, route.version, payload, config)
        if operation is Operation.UPLOAD_FILE:
            return self.files.start_upload(route, headers, payload)
        answers: dict[Operation, Callable[[], Reply]] = {
            Operation.GET_BATCH: lambda: self.batches.get(route.name, _patience(headers)),
            Operation.LIST_BATCHES: lambda: self.batches.page(query),
            Operation.CANCEL_BATCH: lambda: self.batches.cancel(route.name),
            Operation.DELETE_BATCH: lambda: self.batches.delete(route.name),
            Operation.GET_FILE: lambda: self.files.get(route),
            Operation.LIST_FILES: lambda: self.files.page(route, query),
            Operation.DOWNLOAD_FILE: lambda: self.files.download(route, query),
            Operation.DELETE_FILE: lambda: self.files.delete(route),
        }
        return answers[operation]()


def _patience(headers: Mapping[str, str]) -> float:
    try:
        timeout = float(headers.get("x-server-timeout", ""))
    except ValueError:
        return _DEFAULT_PATIENCE_S
    return min(max(0.0, timeout - _PATIENCE_MARGIN_S), _MAX_PATIENCE_S)
