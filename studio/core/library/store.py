"""The Library: SQLite (WAL) bookkeeping for batches and drafts, with the image files beside it."""

from __future__ import annotations

import hashlib
import logging
import os
import time
import uuid
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from studio.core.domain import (
    BlockedOutcome,
    ErrorKind,
    Flag,
    GeneratedImage,
    ImagePart,
    Part,
    ResponseMeta,
    SlotStatus,
)
from studio.core.library.batches import check_shape, insert_batch
from studio.core.library.database import Database
from studio.core.library.family import Family
from studio.core.library.files import remove_partial_files, write_image
from studio.core.library.jobs import JobStore
from studio.core.library.opening import classified
from studio.core.library.records import BatchRecord, DraftRecord, LibraryError, StoredImage
from studio.core.library.references import ReferenceStore
from studio.core.library.sessions import SessionLock, is_abandoned
from studio.core.library.spending import Spending
from studio.core.library.tournaments import TournamentStore
from studio.core.library.turns import answer_refs, dump_parts

log = logging.getLogger(__name__)

_UNFINISHED = (SlotStatus.QUEUED, SlotStatus.RUNNING, SlotStatus.RETRYING)


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
        """Raises LibraryOpenError, which says why the library cannot be opened."""
        self.root = root
        self.images_root = root / "images"
        self._locks_root = root / "sessions"
        self.session_id = uuid.uuid4().hex
        with classified(root), ExitStack() as undo:
            root.mkdir(parents=True, exist_ok=True)
            self._db = Database(root)
            undo.callback(self._db.close)
            self.family = Family(self._db)
            self.spending = Spending(self._db)
            self.references = ReferenceStore(self._db, root, self.session_id)
            self.jobs = JobStore(self._db, self.references, self.session_id)
            self.tournaments = TournamentStore(self._db)
            self._session_lock = SessionLock(self._locks_root, self.session_id)
            undo.callback(self._session_lock.release)
            self._db.execute(
                "INSERT INTO sessions (id, pid, started_at) VALUES (?, ?, ?)",
                (self.session_id, os.getpid(), time.time()),
            )
            self.recovered = self._recover_abandoned()
            undo.pop_all()

    @classmethod
    def open(cls, root: str | Path) -> Library:
        return cls(Path(root).expanduser())

    def close(self) -> None:
        with self._db.mutex:
            try:
                self._mark_unfinished_interrupted(self.session_id)
                self._db.execute("DELETE FROM sessions WHERE id = ?", (self.session_id,))
            finally:  # a damaged file fails the bookkeeping; it is closed all the same
                self._db.close()
                self._session_lock.release()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- bookkeeping ---------------------------------------------------------------------------

    def _recover_abandoned(self) -> int:
        """Slots left unfinished by a process that died are shown as interrupted."""
        removed = sum(
            remove_partial_files(folder, lambda owner: is_abandoned(self._locks_root, owner))
            for folder in (self.images_root, self.root / "references")
        )
        if removed:
            log.info("removed %d partial image files left by a crash", removed)
        recovered = 0
        with self._db.mutex:
            rows = self._db.rows("SELECT id FROM sessions WHERE id != ?", (self.session_id,))
            for (session_id,) in rows:
                if is_abandoned(self._locks_root, session_id):
                    recovered += self._mark_unfinished_interrupted(session_id)
                    self._db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
                    (self._locks_root / f"{session_id}.lock").unlink(missing_ok=True)
        return recovered

    def _mark_unfinished_interrupted(self, session_id: str) -> int:
        self.jobs.release(session_id)
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

    def create_batch(self, batch: BatchRecord, *, billed: bool = True) -> list[DraftRecord]:
        """`billed`: False when the slots go to the offline sandbox."""
        check_shape(batch)
        kept = self.references.write(batch.references)
        with self._db.transaction():
            batch_id = insert_batch(
                self._db, self.references, batch, kept, session_id=self.session_id, billed=billed
            )
        return self.drafts_of_batch(batch_id)

    def mark_running(self, draft_id: int, attempt: int, *, billed: bool = True) -> None:
        """`billed`: whether this attempt goes to a service that bills (not the sandbox)."""
        self._db.execute(
            """UPDATE drafts SET status = ?, attempts = ?, session_id = ?, billed = ?,
            started_at = COALESCE(started_at, ?) WHERE id = ?""",
            (SlotStatus.RUNNING, attempt, self.session_id, billed, time.time(), draft_id),
        )

    def mark_retrying(self, draft_id: int, kind: ErrorKind, message: str, cost_usd: float) -> None:
        self._db.execute(
            """UPDATE drafts SET status = ?, error_kind = ?, error_message = ?,
            cost_usd = cost_usd + ? WHERE id = ?""",
            (SlotStatus.RETRYING, kind, message, cost_usd, draft_id),
        )

    def mark_queued(self, draft_id: int, kind: ErrorKind, message: str, cost_usd: float) -> None:
        """Back in the queue after an answer that paused everything (daily quota, bad key)."""
        self._db.execute(
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
        self._db.execute(
            f"UPDATE drafts SET {assignments}, session_id = NULL, cost_usd = cost_usd + :extra "
            "WHERE id = :id",
            {**columns, "extra": extra_cost, "id": draft_id},
        )

    def mark_blocked(self, draft_id: int, outcome: BlockedOutcome) -> None:
        """The service declined to draw it: its reason, its sentence, and what it billed."""
        self.mark_finished(
            draft_id,
            SlotStatus.BLOCKED,
            block_reason=outcome.reason,
            message=outcome.message,
            text_note=outcome.text,
            meta=outcome.meta,
        )

    def requeue(self, draft_id: int) -> DraftRecord:
        """Puts a failed, blocked, cancelled or interrupted slot back in the queue."""
        draft = self.get(draft_id)
        if not draft.status.finished or draft.status == SlotStatus.SUCCEEDED:
            raise LibraryError(f"Draft {draft_id} is {draft.status}; only unfinished ones retry.")
        self._db.execute(
            # A retry goes live: the slot leaves the batch job it was sent in, whose answer
            # (or its absence) must not overwrite the retry's.
            """UPDATE drafts SET status = ?, session_id = ?, error_kind = NULL, job_id = NULL,
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
        model_turn: Sequence[Part] = (),
    ) -> list[StoredImage]:
        """Writes the files, then commits them: success is only reported for durable images.

        Blocking and CPU-heavy (decode, thumbnail, fsync): call it from a worker thread.
        The first image fills the slot; further distinct images from the same response
        become sibling drafts so none of them is lost. `model_turn` (the answer's signed
        parts) is kept with every one of them, so any can continue the conversation.
        """
        draft = self.get(draft_id)
        stem = f"{draft.batch_id:06d}-{draft.slot:03d}"
        prepared = [
            write_image(self.root, stem, i, image, self.session_id)
            for i, image in enumerate(images)
        ]

        stored: list[StoredImage] = []
        now = time.time()
        holder_by_sha: dict[str, int] = {}
        with self._db.transaction(durable=True):
            for index, (image, written) in enumerate(zip(images, prepared, strict=True)):
                target_id = draft_id if index == 0 else self._insert_sibling(draft, now)
                sha = hashlib.sha256(image.data).hexdigest()
                holder_by_sha[sha] = target_id
                columns = {
                    "status": SlotStatus.SUCCEEDED,
                    "path": written.relative.as_posix(),
                    "thumb_path": written.thumb_relative.as_posix(),
                    "sha256": sha,
                    "mime": image.mime_type,
                    "width": written.width,
                    "height": written.height,
                    "byte_size": len(image.data),
                    "text_note": text_note,
                    "finished_at": now,
                    "error_kind": None,
                    "error_message": None,
                    **_meta_columns(meta),
                }
                # The response is billed once, to the slot; siblings carry no cost.
                cost = columns.pop("cost_usd") if index == 0 else 0.0
                assignments = ", ".join(f"{name} = :{name}" for name in columns)
                self._db.execute(
                    f"UPDATE drafts SET {assignments}, cost_usd = cost_usd + :cost, "
                    "session_id = NULL WHERE id = :id",
                    {**columns, "cost": cost, "id": target_id},
                )
                stored.append(
                    StoredImage(
                        target_id,
                        self.root / written.relative,
                        self.root / written.thumb_relative,
                        written.width,
                        written.height,
                    )
                )
            if model_turn:
                answer = dump_parts(answer_refs(model_turn, holder_by_sha))
                self._db.executemany(
                    "UPDATE drafts SET model_turn = ? WHERE id = ?",
                    [(answer, image.draft_id) for image in stored],
                )
        return stored

    def _insert_sibling(self, draft: DraftRecord, now: float) -> int:
        """A second image of one answer: the slot's lineage and turns come with it."""
        cursor = self._db.execute(
            """INSERT INTO drafts (batch_id, slot, seed, status, session_id, created_at,
            sibling_of, attempts, parent_id, own_prompt, own_aspect, conversation, billed,
            matrix_values, job_id)
            SELECT batch_id, slot, seed, ?, ?, ?, id, attempts, parent_id, own_prompt,
                own_aspect, conversation, billed, matrix_values, job_id
            FROM drafts WHERE id = ?""",
            (SlotStatus.RUNNING, self.session_id, now, draft.id),
        )
        return int(cursor.lastrowid or 0)

    def read_image(self, draft: DraftRecord) -> ImagePart:
        """The draft's original bytes, exactly as the service returned them."""
        if draft.path is None:
            raise LibraryError(f"Draft {draft.id} has no image ({draft.status}).")
        try:
            data = draft.path.read_bytes()
        except OSError as exc:
            raise LibraryError(
                f"The image of draft {draft.id} cannot be read: {exc.strerror}."
            ) from None
        return ImagePart(data, draft.mime_type or "image/png")

    # -- culling -------------------------------------------------------------------------------

    def _image_draft(self, draft_id: int) -> DraftRecord:
        draft = self.get(draft_id)
        if draft.path is None:
            raise LibraryError(f"Draft {draft_id} has no image ({draft.status}).")
        return draft

    def set_flag(self, draft_id: int, flag: Flag) -> None:
        self._image_draft(draft_id)
        self._db.execute("UPDATE drafts SET flag = ? WHERE id = ?", (Flag(flag), draft_id))

    def set_rating(self, draft_id: int, rating: int) -> None:
        if not 0 <= rating <= 5:
            raise LibraryError("A rating is a whole number from 0 to 5.")
        self._image_draft(draft_id)
        self._db.execute("UPDATE drafts SET rating = ? WHERE id = ?", (rating, draft_id))

    def set_deleted(self, draft_id: int, deleted: bool) -> None:
        self.get(draft_id)
        self._db.execute(
            "UPDATE drafts SET deleted_at = ? WHERE id = ?",
            (time.time() if deleted else None, draft_id),
        )

    # -- queries -------------------------------------------------------------------------------

    def get(self, draft_id: int) -> DraftRecord:
        return self._db.draft(draft_id)

    def drafts_of_batch(self, batch_id: int) -> list[DraftRecord]:
        return self._db.drafts("WHERE d.batch_id = ?", (batch_id,))

    def first_batches_cutoff(self, drafts: int) -> int | None:
        """The oldest of the newest batches that together hold more than `drafts` drafts,
        None when the library holds no more: a first screen reads from there, the rest later."""
        rows = self._db.rows(
            "SELECT batch_id FROM drafts ORDER BY batch_id DESC LIMIT 1 OFFSET ?", (drafts,)
        )
        return int(rows[0][0]) if rows else None

    def list_drafts(
        self,
        *,
        picks_only: bool = False,
        min_rating: int | None = None,
        include_deleted: bool = False,
        from_batch: int | None = None,
        before_batch: int | None = None,
    ) -> list[DraftRecord]:
        """`from_batch` / `before_batch`: only batches with at least / less than this id."""
        clauses: list[str] = []
        params: list[Any] = []
        if from_batch is not None:
            clauses.append("d.batch_id >= ?")
            params.append(from_batch)
        if before_batch is not None:
            clauses.append("d.batch_id < ?")
            params.append(before_batch)
        if not include_deleted:
            clauses.append("d.deleted_at IS NULL")
        if picks_only:
            clauses.append("d.flag = ?")
            params.append(Flag.PICK)
        if min_rating is not None:
            clauses.append("d.rating >= ?")
            params.append(min_rating)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        return self._db.drafts(where, params)

    def integrity_check(self) -> str:
        return str(self._db.rows("PRAGMA integrity_check")[0][0])
