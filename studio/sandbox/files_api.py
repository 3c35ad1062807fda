"""The Files API: resumable uploads (how the SDK sends JSONL batch inputs), metadata,
downloads of generated files (batch results) and deletion.

The upload protocol, as the SDK speaks it (`_api_client.py:_async_upload_fd`): a start
request with the key returns X-Goog-Upload-URL; the chunks go there without the key (the
address is the credential), each answered with X-Goog-Upload-Status. An answer without that
header makes the SDK retry the chunk with growing pauses, so even refusals carry it."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import string
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from studio.sandbox import responses
from studio.sandbox.jobs import timestamp
from studio.sandbox.models_api import page_reply
from studio.sandbox.parsing import get_field
from studio.sandbox.responses import Reply
from studio.sandbox.routes import ResourceRoute
from studio.sandbox.store import Store

_ID_ALPHABET = string.ascii_lowercase + string.digits
_ID_LENGTH = 12
_VALID_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
_LIFETIME_S = 48 * 3600  # how long the live service keeps a file
_CHUNK_GRANULARITY = str(8 * 1024 * 1024)
_FINAL = (("X-Goog-Upload-Status", "final"),)


@dataclass
class _Upload:
    resource: dict[str, Any]
    size: int
    data: bytearray = field(default_factory=bytearray)


class Files:
    def __init__(self, store: Store, base_url: Callable[[], str]) -> None:
        self._store = store
        self._base_url = base_url
        self._uploads: dict[str, _Upload] = {}
        self._lock = threading.Lock()

    # What the Batch API needs.

    def content(self, file_id: str) -> bytes | None:
        if self._read(file_id) is None:
            return None
        return self._store.read(_data(file_id))

    def add_generated(self, file_id: str, data: bytes, mime_type: str) -> None:
        self._save(_resource(file_id, None, mime_type, data, "GENERATED"), data)

    def delete_file(self, file_id: str) -> None:
        self._store.delete(_meta(file_id))
        self._store.delete(_data(file_id))

    # Routes.

    def start_upload(self, route: ResourceRoute, headers: Mapping[str, str], body: Any) -> Reply:
        if headers.get("x-goog-upload-protocol", "").lower() != "resumable" or _commands(
            headers
        ) != {"start"}:
            return responses.invalid_argument(
                "The sandbox takes resumable uploads only (X-Goog-Upload-Protocol: resumable, "
                "X-Goog-Upload-Command: start)."
            )
        wanted = get_field(body, "file") if isinstance(body, dict) else None
        wanted = wanted if isinstance(wanted, dict) else {}
        mime_type = headers.get("x-goog-upload-header-content-type") or get_field(
            wanted, "mimeType"
        )
        try:
            size = int(headers.get("x-goog-upload-header-content-length") or -1)
        except ValueError:
            size = -1
        if not isinstance(mime_type, str) or not mime_type or size < 0:
            return responses.invalid_argument(
                "An upload needs X-Goog-Upload-Header-Content-Length and a MIME type."
            )
        file_id = str(wanted.get("name") or "").removeprefix("files/")
        if file_id and not _VALID_ID.fullmatch(file_id):
            return responses.invalid_argument(
                f"Invalid file name files/{file_id}: use up to 40 lower-case letters, digits "
                "and dashes, not starting with a dash."
            )
        if file_id and self._store.exists(_meta(file_id)):
            return responses.error(409, "ALREADY_EXISTS", f"File files/{file_id} already exists.")
        file_id = file_id or _new_id()
        display_name = get_field(wanted, "displayName")
        resource = _resource(file_id, display_name, mime_type, b"", "UPLOADED")
        upload_id = secrets.token_urlsafe(24)
        with self._lock:
            self._uploads[upload_id] = _Upload(resource, size)
        address = (
            f"{self._base_url()}{route.prefix}/upload/{route.version}/files"
            f"?upload_id={upload_id}&upload_protocol=resumable"
        )
        return Reply(
            200,
            b"",
            headers=(
                ("X-Goog-Upload-URL", address),
                ("X-Goog-Upload-Status", "active"),
                ("X-Goog-Upload-Chunk-Granularity", _CHUNK_GRANULARITY),
            ),
        )

    def upload_chunk(
        self, route: ResourceRoute, upload_id: str, headers: Mapping[str, str], raw: bytes
    ) -> Reply:
        with self._lock:
            upload = self._uploads.get(upload_id)
            if upload is None:
                return _final(responses.error(404, "NOT_FOUND", "Unknown or finished upload."))
            commands = _commands(headers)
            received = len(upload.data)
            if "query" in commands:
                return _status("active", received)
            try:
                offset = int(headers.get("x-goog-upload-offset", ""))
            except ValueError:
                offset = -1
            if "upload" not in commands or offset != received:
                del self._uploads[upload_id]
                return _final(
                    responses.invalid_argument(
                        f"Upload chunk at offset {offset} does not follow the {received} bytes "
                        "received."
                    )
                )
            upload.data += raw
            if "finalize" not in commands:
                return _status("active", len(upload.data))
            del self._uploads[upload_id]
        data = bytes(upload.data)
        if len(data) != upload.size:
            return _final(
                responses.invalid_argument(
                    f"The upload declared {upload.size} bytes but sent {len(data)}."
                )
            )
        file_id = upload.resource["name"].removeprefix("files/")
        resource = {**_resource(file_id, None, "", data, "UPLOADED"), **_kept(upload.resource)}
        self._save(resource, data)
        body = responses.json_reply({"file": self._shown(resource, route)}).body
        return Reply(200, body, headers=_FINAL)

    def get(self, route: ResourceRoute) -> Reply:
        resource = self._read(route.name)
        if resource is None:
            return responses.file_not_found(route.name)
        return responses.json_reply(self._shown(resource, route))

    def page(self, route: ResourceRoute, query: dict[str, list[str]]) -> Reply:
        names = [
            name[: -len(".json")] for name in self._store.names("files") if name.endswith(".json")
        ]
        found = [self._store.read_json(_meta(name)) for name in names if _VALID_ID.fullmatch(name)]
        resources = [resource for resource in found if isinstance(resource, dict)]
        resources.sort(key=lambda resource: resource.get("createTime", ""), reverse=True)
        shown = [self._shown(resource, route) for resource in resources]
        return page_reply("files", shown, query)

    def download(self, route: ResourceRoute, query: dict[str, list[str]]) -> Reply:
        if query.get("alt", [""])[0] != "media":
            return responses.invalid_argument("Downloads need ?alt=media.")
        resource = self._read(route.name)
        data = self._store.read(_data(route.name)) if resource is not None else None
        if resource is None or data is None:
            return responses.file_not_found(route.name)
        if resource.get("source") != "GENERATED":
            # As the live service: what was uploaded cannot be read back.
            return responses.invalid_argument(
                f"Only generated files can be downloaded; files/{route.name} was uploaded."
            )
        return Reply(200, data, "application/octet-stream")

    def delete(self, route: ResourceRoute) -> Reply:
        if self._read(route.name) is None:
            return responses.file_not_found(route.name)
        self.delete_file(route.name)
        return responses.json_reply({})

    # Helpers.

    def _read(self, file_id: str) -> dict[str, Any] | None:
        if not _VALID_ID.fullmatch(file_id):
            return None  # nothing by that name can exist; nor may it reach the disk
        resource = self._store.read_json(_meta(file_id))
        return resource if isinstance(resource, dict) else None

    def _save(self, resource: dict[str, Any], data: bytes) -> None:
        # Content first: a file whose metadata is readable always has its bytes.
        file_id = resource["name"].removeprefix("files/")
        self._store.write(_data(file_id), data)
        self._store.write_json(_meta(file_id), resource)

    def _shown(self, resource: dict[str, Any], route: ResourceRoute) -> dict[str, Any]:
        file_id = resource["name"].removeprefix("files/")
        base = f"{self._base_url()}{route.prefix}"
        shown = {**resource, "uri": f"{base}/{route.version}/files/{file_id}"}
        if resource.get("source") == "GENERATED":
            shown["downloadUri"] = (
                f"{base}/download/{route.version}/files/{file_id}:download?alt=media"
            )
        return shown


def _resource(
    file_id: str, display_name: Any, mime_type: str, data: bytes, source: str
) -> dict[str, Any]:
    now = time.time()
    resource: dict[str, Any] = {"name": f"files/{file_id}"}
    if isinstance(display_name, str) and display_name:
        resource["displayName"] = display_name
    resource.update(
        {
            "mimeType": mime_type,
            "sizeBytes": str(len(data)),
            "createTime": timestamp(now),
            "updateTime": timestamp(now),
            "expirationTime": timestamp(now + _LIFETIME_S),
            "sha256Hash": base64.b64encode(hashlib.sha256(data).hexdigest().encode()).decode(),
            "state": "ACTIVE",
            "source": source,
        }
    )
    return resource


def _kept(started: dict[str, Any]) -> dict[str, Any]:
    """What the start request fixed; size, hash and times come from the finished upload."""
    return {key: started[key] for key in ("displayName", "mimeType") if key in started}


def _commands(headers: Mapping[str, str]) -> set[str]:
    raw = headers.get("x-goog-upload-command", "")
    return {command.strip().lower() for command in raw.split(",") if command.strip()}


def _status(status: str, received: int) -> Reply:
    return Reply(
        200,
        b"",
        headers=(("X-Goog-Upload-Status", status), ("X-Goog-Upload-Size-Received", str(received))),
    )


def _final(reply: Reply) -> Reply:
    return Reply(reply.status, reply.body, reply.content_type, _FINAL)


def _new_id() -> str:
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(_ID_LENGTH))


def _meta(file_id: str) -> str:
    return f"files/{file_id}.json"


def _data(file_id: str) -> str:
    return f"files/{file_id}.data"
