"""The Files API through the real SDK, and the resumable upload protocol on the wire."""

from __future__ import annotations

import io

import httpx2
import pytest
from google.genai import errors, types

from studio.sandbox import SandboxServer
from tests.sandbox.batch_helpers import jsonl_line, raw_get, upload_jsonl
from tests.sandbox.conftest import make_client

_LINES = [jsonl_line("a kite", "one"), jsonl_line("a lamp", "two")]


async def _start(sandbox: SandboxServer, size: int, key: str = "test-key") -> httpx2.Response:
    async with httpx2.AsyncClient(base_url=sandbox.base_url) as http:
        return await http.post(
            "/upload/v1/files",
            json={"file": {"displayName": "raw"}},
            headers={
                "x-goog-api-key": key,
                "X-Goog-Upload-Protocol": "resumable",
                "X-Goog-Upload-Command": "start",
                "X-Goog-Upload-Header-Content-Length": str(size),
                "X-Goog-Upload-Header-Content-Type": "application/jsonl",
            },
        )


async def _chunk(url: str, data: bytes, offset: int, command: str) -> httpx2.Response:
    async with httpx2.AsyncClient() as http:
        return await http.post(
            url,
            content=data,
            headers={"X-Goog-Upload-Command": command, "X-Goog-Upload-Offset": str(offset)},
        )


@pytest.mark.parametrize("version", ["v1", "v1beta"])
async def test_an_upload_is_stored_described_listed_and_deleted(sandbox, version):
    sdk = make_client(sandbox.base_url, api_version=version)
    try:
        uploaded = await upload_jsonl(sdk, _LINES)
        described = await sdk.aio.files.get(name=uploaded.name or "")
        listed = [file.name async for file in await sdk.aio.files.list()]
        await sdk.aio.files.delete(name=uploaded.name or "")
        with pytest.raises(errors.ClientError) as gone:
            await sdk.aio.files.get(name=uploaded.name or "")
    finally:
        await sdk.aio.aclose()

    assert uploaded.name is not None
    assert uploaded.name.startswith("files/")
    assert uploaded.mime_type == "jsonl"
    assert uploaded.size_bytes == len("\n".join(_LINES)) + 1
    assert uploaded.state == types.FileState.ACTIVE
    assert uploaded.source == types.FileSource.UPLOADED
    assert uploaded.download_uri is None
    assert described.uri == f"{sandbox.base_url}/{version}/{uploaded.name}"
    assert described.size_bytes == uploaded.size_bytes
    assert listed == [uploaded.name]
    assert gone.value.code == 403
    assert gone.value.status == "PERMISSION_DENIED"
    start, chunk = sandbox.requests[0], sandbox.requests[1]
    assert start.path == f"/upload/{version}/files"
    assert start.headers["x-goog-upload-command"] == "start"
    assert start.headers["x-goog-api-key"] != ""
    # The chunk goes to the address the start handed out, and without the key.
    assert chunk.path.startswith(f"/upload/{version}/files?upload_id=")
    assert chunk.headers["x-goog-upload-command"] == "upload, finalize"
    assert "x-goog-api-key" not in chunk.headers


async def test_an_upload_keeps_its_chosen_name_and_content(sandbox, client):
    uploaded = await client.aio.files.upload(
        file=io.BytesIO(b"hello\n"), config={"mime_type": "jsonl", "name": "my-input-1"}
    )
    with pytest.raises(errors.ClientError) as taken:
        await client.aio.files.upload(
            file=io.BytesIO(b"again\n"), config={"mime_type": "jsonl", "name": "my-input-1"}
        )

    assert uploaded.name == "files/my-input-1"
    assert sandbox.uploaded_file("files/my-input-1") == b"hello\n"
    assert taken.value.code == 409


async def test_a_path_prefix_is_kept_in_the_upload_address(sandbox):
    sdk = make_client(sandbox.base_url + "/proxy/")
    try:
        uploaded = await upload_jsonl(sdk, _LINES)
    finally:
        await sdk.aio.aclose()

    assert uploaded.uri == f"{sandbox.base_url}/proxy/v1/{uploaded.name}"
    assert sandbox.requests[1].path.startswith("/proxy/upload/v1/files?upload_id=")


async def test_uploaded_files_cannot_be_downloaded(sandbox, client):
    uploaded = await upload_jsonl(client, _LINES)

    with pytest.raises(ValueError, match="uploaded files can't be downloaded"):
        await client.aio.files.download(file=uploaded)  # the SDK refuses by itself
    with pytest.raises(errors.ClientError) as by_name:
        await client.aio.files.download(file=uploaded.name or "")

    assert by_name.value.code == 400


async def test_resumable_upload_in_chunks(sandbox):
    data = b"0123456789"
    started = await _start(sandbox, len(data))
    url = started.headers["X-Goog-Upload-URL"]

    first = await _chunk(url, data[:4], 0, "upload")
    query = await _chunk(url, b"", 0, "query")
    last = await _chunk(url, data[4:], 4, "upload, finalize")
    after = await _chunk(url, b"", 10, "upload, finalize")

    assert started.status_code == 200
    assert started.content == b""
    assert started.headers["x-goog-upload-status"] == "active"
    assert (first.status_code, first.headers["x-goog-upload-status"]) == (200, "active")
    assert query.headers["x-goog-upload-size-received"] == "4"
    assert (last.status_code, last.headers["x-goog-upload-status"]) == (200, "final")
    name = last.json()["file"]["name"]
    assert last.json()["file"]["displayName"] == "raw"
    assert sandbox.uploaded_file(name) == data
    # A finished upload's address is spent; the refusal still says "final" so the SDK stops.
    assert (after.status_code, after.headers["x-goog-upload-status"]) == (404, "final")


@pytest.mark.parametrize(
    ("chunks", "message"),
    [
        ([(b"0123", 2, "upload, finalize")], "does not follow"),
        ([(b"012", 0, "upload, finalize")], "declared 10 bytes but sent 3"),
    ],
)
async def test_a_broken_upload_is_refused_with_a_final_status(sandbox, chunks, message):
    url = (await _start(sandbox, 10)).headers["X-Goog-Upload-URL"]

    for data, offset, command in chunks:
        response = await _chunk(url, data, offset, command)

    assert response.status_code == 400
    assert response.headers["x-goog-upload-status"] == "final"
    assert message in response.json()["error"]["message"]


async def test_uploads_need_a_key_but_their_chunks_do_not(sandbox):
    without_key = await _start(sandbox, 3, key="")
    listing = await raw_get(sandbox, "/v1/files", key="")

    assert without_key.status_code == 403
    assert "X-Goog-Upload-URL" not in without_key.headers
    assert listing.status_code == 403


async def test_an_empty_file_list_is_an_empty_object(sandbox, client):
    response = await raw_get(sandbox, "/v1/files")

    assert response.json() == {}
    assert [file async for file in await client.aio.files.list()] == []
