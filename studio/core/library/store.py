"""The Library: SQLite (WAL) bookkeeping for batches and drafts, with the image files beside it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from studio.core.domain import ErrorKind, Flag, GeneratedImage, ResponseMeta, SlotStatus
from studio.core.library.files import (
    decode_and_thumbnail,
    extension_for,
    remove_partial_files,
    write_atomically,
)
from studio.core.library.records import BatchRecord, DraftRecord, LibraryError, StoredImage
from studio.core.library.schema import migrate, use_wal
from studio.core.library.sessions import SessionLock, is_abandoned

log = logging.getLogger(__name__)

DB_NAME = "library.sqlite3"
_BUSY_S = 10.0  # how long a write waits for another process's before giving up
_UNFINISHED = (SlotStatus.QUEUED, SlotStatus.RUNNING, SlotStatus.RETRYING)
_SELECT = """
SELECT d.*, b.prompt, b.model, b.aspect, b.size, b.parent_id
FROM drafts d JOIN batches b ON b.id = d.batch_id
"""


def _meta_columns(meta: ResponseMeta) -> dict[str, Any]:
    return {
        "response_id": meta.response_id,
        "model_version": meta.model_version,
        "latency_ms": round(meta.latency_s * 1000),
        "prompt_tokens": meta.prompt_tokens,
        "output_tokens": meta.output_tokens,
        "image_tokens": meta.image_tokens,
        "thought_tokens": meta.thought_tokens,
        "cost_usd": meta.cost_usd,
    }


class Library:
    """One open library. Thread-safe: image files are written by worker threads."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.images_root = root / "images"
        self._locks_root = root / "sessions"
        root.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(
            root / DB_NAME, check_same_thread=False, isolation_level=None, timeout=_BUSY_S
        )
        self._db.row_factory = sqlite3.Row
        self._mutex = threading.RLock()
        use_wal(self._db, _BUSY_S)
        # NORMAL for bookkeeping (running, queued…): in WAL mode it survives a killed process,
        # and recovery rewrites unfinished slots anyway. Image commits switch to FULL.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        migrate(self._db)
        self.session_id = uuid.uuid4().hex
        self._session_lock = SessionLock(self._locks_root, self.session_id)
        self._write(
            "INSERT INTO sessions (id, pid, started_at) VALUES (?, ?, ?)",
            (self.session_id, os.getpid(), time.time()),
        )
        self.recovered = self._recover_abandoned()

    @classmethod
    def open(cls, root: str | Path) -> Library:
        return cls(Path(root).expanduser())

    def close(self) -> None:
        with self._mutex:
            self._mark_unfinished_interrupted(self.session_id)
            self._db.execute("DELETE FROM sessions WHERE id = ?", (self.session_id,))
            self._db.close()
            self._session_lock.release()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- bookkeeping ---------------------------------------------------------------------------

    def _write(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        with self._mutex:
            return self._db.execute(sql, params)

    def _recover_abandoned(self) -> int:
        """Slots left unfinished by a process that died are shown as interrupted."""
        removed = remove_partial_files(
            self.images_root, lambda owner: is_abandoned(self._locks_root, owner)
        )
        if removed:
            log.info("removed %d partial image files left by a crash", removed)
        recovered = 0
        with self._mutex:
            rows = self._db.execute("SELECT id FROM sessions WHERE id != ?", (self.session_id,))
            for (session_id,) in rows.fetchall():
                if is_abandoned(self._locks_root, session_id):
                    recovered += self._mark_unfinished_interrupted(session_id)
                    self._db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
                    (self._locks_root / f"{session_id}.lock").unlink(missing_ok=True)
        return recovered

    def _mark_unfinished_interrupted(self, session_id: str) -> int:
        cursor = self._db.execute(
            f"""UPDATE drafts SET status = ?, error_kind = ?, error_message = ?, session_id = NULL
            WHERE session_id = ? AND status IN ({",".join("?" * len(_UNFINISHED))})""",
            (
                SlotStatus.INTERRUPTED,
                ErrorKind.INTERRUPTED,
                "Draft Studio stopped before this image arrived.",
                session_id,
                *_UNFINISHED,
            ),
        )
        return cursor.rowcount

    # -- batches and slots ---------------------------------------------------------------------

    def create_batch(self, batch: BatchRecord) -> list[DraftRecord]:
        now = time.time()
        with self._mutex:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                batch_id = self._db.execute(
                    """INSERT INTO batches (created_at, prompt, model, aspect, size, count,
                    base_seed, thinking_level, reference_names, parent_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    (
                        now,
                        batch.prompt,
                        batch.model,
                        batch.aspect,
                        batch.size,
                        len(batch.seeds),
                        batch.base_seed,
                        batch.thinking_level,
                        json.dumps(list(batch.reference_names)),
                        batch.parent_id,
                    ),
                ).lastrowid
                self._db.executemany(
                    """INSERT INTO drafts (batch_id, slot, seed, status, session_id, created_at)
                    VALUES (?, ?, ?, ?, ?, ?)""",
                    [
                        (batch_id, slot, seed, SlotStatus.QUEUED, self.session_id, now)
                        for slot, seed in enumerate(batch.seeds)
                    ],
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return self.drafts_of_batch(int(batch_id or 0))

    def mark_running(self, draft_id: int, attempt: int) -> None:
        self._write(
            """UPDATE drafts SET status = ?, attempts = ?, session_id = ?,
            started_at = COALESCE(started_at, ?) WHERE id = ?""",
            (SlotStatus.RUNNING, attempt, self.session_id, time.time(), draft_id),
        )

    def mark_retrying(self, draft_id: int, kind: ErrorKind, message: str, cost_usd: float) -> None:
        self._write(
            """UPDATE drafts SET status = ?, error_kind = ?, error_message = ?,
            cost_usd = cost_usd + ? WHERE id = ?""",
            (SlotStatus.RETRYING, kind, message, cost_usd, draft_id),
        )

    def mark_queued(self, draft_id: int, kind: ErrorKind, message: str, cost_usd: float) -> None:
        """Back in the queue after an answer that paused everything (daily quota, bad key)."""
        self._write(
            """UPDATE drafts SET status = ?, error_kind = ?, error_message = ?,
            cost_usd = cost_usd + ?, session_id = ? WHERE id = ?""",
            (SlotStatus.QUEUED, kind, message, cost_usd, self.session_id, draft_id),
        )

    def mark_finished(
        self,
        draft_id: int,
        status: SlotStatus,
        *,
        kind: str | None = None,
        message: str | None = None,
        block_reason: str | None = None,
        text_note: str | None = None,
        meta: ResponseMeta | None = None,
        extra_cost_usd: float = 0.0,
    ) -> None:
        columns: dict[str, Any] = {
            "status": status,
            "error_kind": kind,
            "error_message": message,
            "block_reason": block_reason,
            "text_note": text_note,
            "finished_at": time.time(),
        }
        extra_cost = extra_cost_usd
        if meta is not None:
            meta_columns = _meta_columns(meta)
            extra_cost = meta_columns.pop("cost_usd")
            columns.update(meta_columns)
        assignments = ", ".join(f"{name} = :{name}" for name in columns)
        self._write(
            f"UPDATE drafts SET {assignments}, session_id = NULL, cost_usd = cost_usd + :extra "
            "WHERE id = :id",
            {**columns, "extra": extra_cost, "id": draft_id},
        )

    def requeue(self, draft_id: int) -> DraftRecord:
        """Puts a failed, blocked, cancelled or interrupted slot back in the queue."""
        draft = self.get(draft_id)
        if not draft.status.finished or draft.status == SlotStatus.SUCCEEDED:
            raise LibraryError(f"Draft {draft_id} is {draft.status}; only unfinished ones retry.")
        self._write(
            """UPDATE drafts SET status = ?, session_id = ?, error_kind = NULL,
            error_message = NULL, block_reason = NULL, finished_at = NULL WHERE id = ?""",
            (SlotStatus.QUEUED, self.session_id, draft_id),
        )
        return self.get(draft_id)

    def save_images(
        self,
        draft_id: int,
        images: Sequence[GeneratedImage],
        meta: ResponseMeta,
        text_note: str | None,
    ) -> list[StoredImage]:
        """Writes the files, then commits them: success is only reported for durable images.

        Blocking and CPU-heavy (decode, thumbnail, fsync): call it from a worker thread.
        The first image fills the slot; further distinct images from the same response
        become sibling drafts so none of them is lost.
        """
        draft = self.get(draft_id)
        month = dt.datetime.now().strftime("%Y-%m")
        prepared = []
        for index, image in enumerate(images):
            decoded = decode_and_thumbnail(image.data)
            stem = f"{draft.batch_id:06d}-{draft.slot:03d}-{index}-{uuid.uuid4().hex[:8]}"
            relative = Path("images") / month / f"{stem}{extension_for(image.mime_type)}"
            thumb_relative = relative.with_name(f"{stem}.thumb.jpg")
            write_atomically(self.root / relative, image.data, self.session_id)
            write_atomically(self.root / thumb_relative, decoded.thumbnail_jpeg, self.session_id)
            prepared.append((image, decoded, relative, thumb_relative))

        stored: list[StoredImage] = []
        now = time.time()
        with self._mutex:
            # FULL: the commit is on disk before anyone is told the image arrived, even if the
            # power fails next.
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for index, (image, decoded, relative, thumb_relative) in enumerate(prepared):
                    target_id = draft_id if index == 0 else self._insert_sibling(draft, now)
                    columns = {
                        "status": SlotStatus.SUCCEEDED,
                        "path": relative.as_posix(),
                        "thumb_path": thumb_relative.as_posix(),
                        "sha256": hashlib.sha256(image.data).hexdigest(),
                        "mime": image.mime_type,
                        "width": decoded.width,
                        "height": decoded.height,
                        "byte_size": len(image.data),
                        "text_note": text_note,
                        "finished_at": now,
                        "error_kind": None,
                        "error_message": None,
                        **_meta_columns(meta),
                    }
                    # The response is billed once, to the slot; siblings carry no cost.
                    cost = columns.pop("cost_usd") if index == 0 else 0.0
                    columns.pop("cost_usd", None)
                    assignments = ", ".join(f"{name} = :{name}" for name in columns)
                    self._db.execute(
                        f"UPDATE drafts SET {assignments}, cost_usd = cost_usd + :cost, "
                        "session_id = NULL WHERE id = :id",
                        {**columns, "cost": cost, "id": target_id},
                    )
                    stored.append(
                        StoredImage(
                            target_id,
                            self.root / relative,
                            self.root / thumb_relative,
                            decoded.width,
                            decoded.height,
                        )
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            finally:
                self._db.execute("PRAGMA synchronous=NORMAL")
        return stored

    def _insert_sibling(self, draft: DraftRecord, now: float) -> int:
        cursor = self._db.execute(
            """INSERT INTO drafts (batch_id, slot, seed, status, session_id, created_at,
            sibling_of, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                draft.batch_id,
                draft.slot,
                draft.seed,
                SlotStatus.RUNNING,
                self.session_id,
                now,
                draft.id,
                draft.attempts,
            ),
        )
        return int(cursor.lastrowid or 0)

    # -- culling -------------------------------------------------------------------------------

    def _image_draft(self, draft_id: int) -> DraftRecord:
        draft = self.get(draft_id)
        if draft.path is None:
            raise LibraryError(f"Draft {draft_id} has no image ({draft.status}).")
        return draft

    def set_flag(self, draft_id: int, flag: Flag) -> None:
        self._image_draft(draft_id)
        self._write("UPDATE drafts SET flag = ? WHERE id = ?", (Flag(flag), draft_id))

    def set_rating(self, draft_id: int, rating: int) -> None:
        if not 0 <= rating <= 5:
            raise LibraryError("A rating is a whole number from 0 to 5.")
        self._image_draft(draft_id)
        self._write("UPDATE drafts SET rating = ? WHERE id = ?", (rating, draft_id))

    def set_deleted(self, draft_id: int, deleted: bool) -> None:
        self.get(draft_id)
        self._write(
            "UPDATE drafts SET deleted_at = ? WHERE id = ?",
            (time.time() if deleted else None, draft_id),
        )

    # -- queries -------------------------------------------------------------------------------

    def _query(self, where: str = "", params: Iterable[Any] = ()) -> list[DraftRecord]:
        sql = f"{_SELECT} {where} ORDER BY d.batch_id DESC, d.slot, d.id"
        with self._mutex:
            rows = self._db.execute(sql, tuple(params)).fetchall()
        return [DraftRecord.from_row(row, self.root) for row in rows]

    def get(self, draft_id: int) -> DraftRecord:
        found = self._query("WHERE d.id = ?", (draft_id,))
        if not found:
            raise LibraryError(f"There is no draft with id {draft_id}.")
        return found[0]

    def drafts_of_batch(self, batch_id: int) -> list[DraftRecord]:
        return self._query("WHERE d.batch_id = ?", (batch_id,))

    def list_drafts(
        self,
        *,
        picks_only: bool = False,
        min_rating: int | None = None,
        include_deleted: bool = False,
    ) -> list[DraftRecord]:
        clauses: list[str] = []
        params: list[Any] = []
        if not include_deleted:
            clauses.append("d.deleted_at IS NULL")
        if picks_only:
            clauses.append("d.flag = ?")
            params.append(Flag.PICK)
        if min_rating is not None:
            clauses.append("d.rating >= ?")
            params.append(min_rating)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        return self._query(where, params)

    def spent_since(self, since: float) -> float:
        with self._mutex:
            row = self._db.execute(
                "SELECT COALESCE(SUM(cost_usd), 0) FROM drafts WHERE COALESCE(finished_at, "
                "started_at, created_at) >= ?",
                (since,),
            ).fetchone()
        return float(row[0])

    def integrity_check(self) -> str:
        with self._mutex:
            return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])
