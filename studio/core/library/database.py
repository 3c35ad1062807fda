"""The library's SQLite connection: one per open library, shared by threads under a lock."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from studio.core.library.records import DraftRecord, LibraryError
from studio.core.library.schema import migrate, use_wal

DB_NAME = "library.sqlite3"
_BUSY_S = 10.0  # how long a write waits for another process's before giving up
_SELECT = """
SELECT d.*, COALESCE(d.own_prompt, b.prompt) AS prompt, b.model,
    COALESCE(d.own_aspect, b.aspect) AS aspect, b.size, b.derivation, b.instruction,
    b.not_sent AS batch_not_sent, b.axes AS batch_axes
FROM drafts d JOIN batches b ON b.id = d.batch_id
"""


class Database:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._conn = sqlite3.connect(
            root / DB_NAME, check_same_thread=False, isolation_level=None, timeout=_BUSY_S
        )
        self._conn.row_factory = sqlite3.Row
        self.mutex = threading.RLock()
        try:
            use_wal(self._conn, _BUSY_S)
            # NORMAL for bookkeeping (running, queued…): in WAL mode it survives a killed
            # process, and recovery rewrites unfinished slots anyway. Image commits use FULL.
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            migrate(self._conn)
        except BaseException:
            # Closed now: a damaged file is moved aside next, which Windows refuses while open.
            self._conn.close()
            raise

    def close(self) -> None:
        with self.mutex:
            self._conn.close()

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        with self.mutex:
            return self._conn.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self.mutex:
            self._conn.executemany(sql, rows)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self.mutex:
            return self._conn.execute(sql, tuple(params)).fetchall()

    @contextmanager
    def transaction(self, *, durable: bool = False) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any error. `durable` commits with
        synchronous=FULL: on disk before anyone is told, even if the power fails next."""
        with self.mutex:
            if durable:
                self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            finally:
                if durable:
                    self._conn.execute("PRAGMA synchronous=NORMAL")

    def drafts(self, where: str = "", params: Iterable[Any] = ()) -> list[DraftRecord]:
        sql = f"{_SELECT} {where} ORDER BY d.batch_id DESC, d.slot, d.id"
        with self.mutex:
            cursor = self._conn.cursor()
            cursor.row_factory = None  # plain tuples
            found = cursor.execute(sql, tuple(params)).fetchall()
        # A dict per row: a sqlite3.Row finds a column by comparing names one by one, which
        # for thirty fields of 10,000 drafts is most of a library's first screen.
        names = [column[0] for column in cursor.description]
        root = self.root
        return [DraftRecord.from_row(dict(zip(names, row, strict=True)), root) for row in found]

    def draft(self, draft_id: int) -> DraftRecord:
        found = self.drafts("WHERE d.id = ?", (draft_id,))
        if not found:
            raise LibraryError(f"There is no draft with id {draft_id}.")
        return found[0]
