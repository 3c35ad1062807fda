"""Batch API jobs in the library: recorded with their waiting slots before anything is sent,
so a job outlives the process that sent it, and each answer is imported exactly once."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

from studio.core.domain import JobState, SlotStatus
from studio.core.library.batches import check_shape, insert_batch
from studio.core.library.database import Database
from studio.core.library.records import BatchRecord, DraftRecord, LibraryError
from studio.core.library.references import ReferenceStore


@dataclass(frozen=True, slots=True)
class JobRecord:
    id: int
    batch_id: int
    display_name: str
    name: str | None  # the service's "batches/…", once it accepted the job
    model: str
    size: str
    source: str  # "inline" or "file"
    input_file: str | None
    state: JobState
    billed: bool
    request_count: int
    message: str | None
    created_at: float
    updated_at: float
    finished_at: float | None
    imported_at: float | None
    waiting: int  # slots whose answer has not been imported
    arrived: int

    @property
    def done(self) -> bool:
        """Nothing more will come: the service ended the job and what it returned is in."""
        return self.state.finished and self.waiting == 0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "batch_id": self.batch_id,
            "name": self.name,
            "model": self.model,
            "size": self.size,
            "source": self.source,
            "state": self.state.value,
            "billed": self.billed,
            "requests": self.request_count,
            "waiting": self.waiting,
            "arrived": self.arrived,
            "message": self.message,
            "created_at": self.created_at,
            "finished_at": self.finished_at,
        }


_SELECT = """
SELECT j.*, b.size AS size,
    (SELECT COUNT(*) FROM drafts d WHERE d.job_id = j.id AND d.status IN (?, ?)) AS waiting,
    (SELECT COUNT(*) FROM drafts d WHERE d.job_id = j.id AND d.status = ?) AS arrived
FROM jobs j JOIN batches b ON b.id = j.batch_id
"""
_COUNTS = (SlotStatus.SUBMITTED, SlotStatus.RUNNING, SlotStatus.SUCCEEDED)


def _record(row: Any) -> JobRecord:
    return JobRecord(
        id=row["id"],
        batch_id=row["batch_id"],
        display_name=row["display_name"],
        name=row["name"],
        model=row["model"],
        size=row["size"],
        source=row["source"],
        input_file=row["input_file"],
        state=JobState(row["state"]),
        billed=bool(row["billed"]),
        request_count=row["request_count"],
        message=row["message"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        finished_at=row["finished_at"],
        imported_at=row["imported_at"],
        waiting=row["waiting"],
        arrived=row["arrived"],
    )


class JobStore:
    def __init__(self, db: Database, references: ReferenceStore, session_id: str) -> None:
        self._db = db
        self._references = references
        self._session_id = session_id

    def create(self, batch: BatchRecord, *, source: str, billed: bool) -> JobRecord:
        """The batch, its slots waiting in the job, and the job, in one transaction."""
        check_shape(batch)
        kept = self._references.write(batch.references)
        now = time.time()
        with self._db.transaction():
            batch_id = insert_batch(
                self._db,
                self._references,
                batch,
                kept,
                session_id=None,
                billed=billed,
                status=SlotStatus.SUBMITTED,
            )
            job_id = int(
                self._db.execute(
                    """INSERT INTO jobs (batch_id, display_name, model, source, state, billed,
                    request_count, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    (
                        batch_id,
                        f"draft-studio-{uuid.uuid4().hex[:16]}",
                        batch.model,
                        source,
                        JobState.PREPARING,
                        billed,
                        len(batch.seeds),
                        now,
                        now,
                    ),
                ).lastrowid
                or 0
            )
            self._db.execute("UPDATE drafts SET job_id = ? WHERE batch_id = ?", (job_id, batch_id))
        return self.get(job_id)

    def get(self, job_id: int) -> JobRecord:
        rows = self._db.rows(f"{_SELECT} WHERE j.id = ?", (*_COUNTS, job_id))
        if not rows:
            raise LibraryError(f"There is no batch job with id {job_id}.")
        return _record(rows[0])

    def all(self) -> list[JobRecord]:
        """Newest first."""
        return [_record(row) for row in self._db.rows(f"{_SELECT} ORDER BY j.id DESC", _COUNTS)]

    def accepted(self, job_id: int, name: str, input_file: str | None = None) -> None:
        """The service took the job and named it."""
        self._db.execute(
            """UPDATE jobs SET name = ?, input_file = COALESCE(?, input_file), state = ?,
            updated_at = ? WHERE id = ? AND name IS NULL""",
            (name, input_file, JobState.PENDING, time.time(), job_id),
        )

    def set_state(self, job_id: int, state: JobState, message: str | None = None) -> None:
        now = time.time()
        self._db.execute(
            """UPDATE jobs SET state = ?, message = ?, updated_at = ?,
            finished_at = CASE WHEN ? THEN COALESCE(finished_at, ?) ELSE finished_at END
            WHERE id = ?""",
            (state, message, now, state.finished, now, job_id),
        )

    def waiting_drafts(self, job_id: int) -> list[DraftRecord]:
        return self._db.drafts(
            "WHERE d.job_id = ? AND d.status = ?", (job_id, SlotStatus.SUBMITTED)
        )

    def claim(self, draft_id: int) -> bool:
        """True when this process may import the draft's answer: no other process did or is
        doing so (two pollers of one job import each answer once)."""
        cursor = self._db.execute(
            """UPDATE drafts SET status = ?, session_id = ?, attempts = attempts + 1,
            started_at = COALESCE(started_at, ?) WHERE id = ? AND status = ?""",
            (SlotStatus.RUNNING, self._session_id, time.time(), draft_id, SlotStatus.SUBMITTED),
        )
        return cursor.rowcount == 1

    def release(self, session_id: str) -> int:
        """Answers a process claimed but never stored (it died) wait in their job again: the
        job still holds them, so the next poller imports them."""
        cursor = self._db.execute(
            """UPDATE drafts SET status = ?, session_id = NULL
            WHERE session_id = ? AND job_id IS NOT NULL AND status = ?""",
            (SlotStatus.SUBMITTED, session_id, SlotStatus.RUNNING),
        )
        return cursor.rowcount

    def end_waiting(self, job_id: int, status: SlotStatus, kind: str, message: str) -> int:
        """Slots the job will never answer (cancelled, expired, failed, or left out)."""
        cursor = self._db.execute(
            """UPDATE drafts SET status = ?, error_kind = ?, error_message = ?, finished_at = ?
            WHERE job_id = ? AND status = ?""",
            (status, kind, message, time.time(), job_id, SlotStatus.SUBMITTED),
        )
        return cursor.rowcount

    def imported(self, job_id: int) -> None:
        self._db.execute("UPDATE jobs SET imported_at = ? WHERE id = ?", (time.time(), job_id))
