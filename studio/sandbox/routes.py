"""Which Gemini API call a request path names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

GENERATE = "generateContent"
STREAM = "streamGenerateContent"
BATCH = "batchGenerateContent"
_VERSION = r"(v1|v1beta|v1alpha)"
# Any prefix before the version is tolerated, as the SDK keeps a base_url's path (wire spec §1.2).
_ROUTE = re.compile(rf"(?:^|/){_VERSION}/models(?:/([^/:]+)(?::([A-Za-z]+))?)?/?$")
# The SDK uploads to upload/{ver}/files and downloads from {ver}/files/NAME:download; the
# live service hands out download/{ver}/... addresses, so both spellings are served.
_RESOURCE = re.compile(
    rf"(?:^|/)(?:(upload|download)/)?{_VERSION}/(batches|files)(?:/([^/:]+)(?::([A-Za-z]+))?)?/?$"
)


@dataclass(frozen=True, slots=True)
class Route:
    version: str
    model_id: str  # empty for the model list
    action: str  # GENERATE, STREAM, or empty for a GET of the model list or of one model

    @property
    def rpc(self) -> str:
        names = {
            "": "ModelService.GetModel" if self.model_id else "ModelService.ListModels",
            GENERATE: "GenerativeService.GenerateContent",
            STREAM: "GenerativeService.StreamGenerateContent",
        }
        return f"google.ai.generativelanguage.{self.version}.{names[self.action]}"


class Operation(StrEnum):
    """A Batch API or Files API call; the value is its RPC name."""

    CREATE_BATCH = "GenerativeService.BatchGenerateContent"
    GET_BATCH = "BatchService.GetBatch"
    LIST_BATCHES = "BatchService.ListBatches"
    CANCEL_BATCH = "BatchService.CancelBatch"
    DELETE_BATCH = "BatchService.DeleteBatch"
    UPLOAD_FILE = "FileService.CreateFile"
    GET_FILE = "FileService.GetFile"
    LIST_FILES = "FileService.ListFiles"
    DOWNLOAD_FILE = "FileService.DownloadFile"
    DELETE_FILE = "FileService.DeleteFile"


@dataclass(frozen=True, slots=True)
class ResourceRoute:
    version: str
    operation: Operation
    name: str  # the batch or file id without its collection; the model id for CREATE_BATCH
    prefix: str  # the path before the version, kept in the addresses the sandbox hands out

    @property
    def rpc(self) -> str:
        return f"google.ai.generativelanguage.{self.version}.{self.operation.value}"


def resolve_route(method: str, path: str) -> Route | None:
    match = _ROUTE.search(path)
    if match is None:
        return None
    version, model_id, action = match.groups(default="")
    if not action and method == "GET":
        return Route(version, model_id, action)
    if action in (GENERATE, STREAM) and model_id and method == "POST":
        return Route(version, model_id, action)
    return None


_OPERATIONS: dict[tuple[str, str, bool, str], Operation] = {
    # (collection, method, names one resource, verb)
    ("batches", "GET", True, ""): Operation.GET_BATCH,
    ("batches", "GET", False, ""): Operation.LIST_BATCHES,
    ("batches", "POST", True, "cancel"): Operation.CANCEL_BATCH,
    ("batches", "DELETE", True, ""): Operation.DELETE_BATCH,
    ("files", "GET", True, ""): Operation.GET_FILE,
    ("files", "GET", False, ""): Operation.LIST_FILES,
    ("files", "GET", True, "download"): Operation.DOWNLOAD_FILE,
    ("files", "DELETE", True, ""): Operation.DELETE_FILE,
}


def resolve_resource(method: str, path: str) -> ResourceRoute | None:
    """A Batch API or Files API route, or None for any other path."""
    model = _ROUTE.search(path)
    if model is not None:
        version, model_id, action = model.groups(default="")
        if action == BATCH and model_id and method == "POST":
            return ResourceRoute(version, Operation.CREATE_BATCH, model_id, path[: model.start()])
        return None
    match = _RESOURCE.search(path)
    if match is None:
        return None
    media, version, collection, name, verb = match.groups(default="")
    prefix = path[: match.start()]
    if media == "upload":
        ok = collection == "files" and not name and method == "POST"
        return ResourceRoute(version, Operation.UPLOAD_FILE, "", prefix) if ok else None
    operation = _OPERATIONS.get((collection, method, bool(name), verb))
    if operation is None or (media == "download" and operation is not Operation.DOWNLOAD_FILE):
        return None
    return ResourceRoute(version, operation, name, prefix)
