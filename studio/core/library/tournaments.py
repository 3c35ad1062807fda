"""Tournaments in the library: the drafts being ranked and the answers given so far, saved
after every answer so that a tournament resumes where it was left, even after a restart."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from studio.core.library.database import Database
from studio.core.library.records import LibraryError
from studio.core.ranking.tournament import Answer, Choice

APPLIED_KINDS = ("picks", "ratings", "order")


@dataclass(frozen=True, slots=True)
class TournamentRecord:
    id: int
    created_at: float
    updated_at: float
    items: tuple[int, ...]  # draft ids, in the order they were given
    answers: tuple[Answer, ...]
    finished_at: float | None
    applied: str | None  # one of APPLIED_KINDS once the ranking was used

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


def _record(row: Any) -> TournamentRecord:
    return TournamentRecord(
        id=row["id"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        items=tuple(int(i) for i in json.loads(row["items"])),
        answers=tuple(
            (int(left), int(right), Choice(choice))
            for left, right, choice in json.loads(row["answers"])
        ),
        finished_at=row["finished_at"],
        applied=row["applied"],
    )


class TournamentStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def create(self, items: Sequence[int]) -> int:
        now = time.time()
        cursor = self._db.execute(
            "INSERT INTO tournaments (created_at, updated_at, items) VALUES (?, ?, ?)",
            (now, now, json.dumps([int(i) for i in items])),
        )
        return int(cursor.lastrowid or 0)

    def save(self, tournament_id: int, answers: Iterable[Answer], finished: bool) -> None:
        """Replaces the answers; an undo after the end reopens the tournament."""
        now = time.time()
        stored = [[int(left), int(right), str(choice)] for left, right, choice in answers]
        cursor = self._db.execute(
            """UPDATE tournaments SET answers = ?, updated_at = ?,
            finished_at = CASE WHEN ? THEN COALESCE(finished_at, ?) ELSE NULL END
            WHERE id = ?""",
            (json.dumps(stored), now, finished, now, tournament_id),
        )
        if cursor.rowcount != 1:
            raise LibraryError(f"There is no tournament with id {tournament_id}.")

    def applied(self, tournament_id: int, kind: str) -> None:
        if kind not in APPLIED_KINDS:
            raise ValueError(f"A ranking is applied as one of {', '.join(APPLIED_KINDS)}.")
        self._db.execute(
            "UPDATE tournaments SET applied = ?, updated_at = ? WHERE id = ?",
            (kind, time.time(), tournament_id),
        )

    def get(self, tournament_id: int) -> TournamentRecord:
        rows = self._db.rows("SELECT * FROM tournaments WHERE id = ?", (tournament_id,))
        if not rows:
            raise LibraryError(f"There is no tournament with id {tournament_id}.")
        return _record(rows[0])

    def latest_unfinished(self) -> TournamentRecord | None:
        rows = self._db.rows(
            """SELECT * FROM tournaments WHERE finished_at IS NULL
            ORDER BY updated_at DESC, id DESC LIMIT 1"""
        )
        return _record(rows[0]) if rows else None
