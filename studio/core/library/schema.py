"""The library schema and its migrations; PRAGMA user_version holds the applied version."""

from __future__ import annotations

import sqlite3
import time

_V1 = """
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    pid INTEGER NOT NULL,
    started_at REAL NOT NULL
);
CREATE TABLE batches (
    id INTEGER PRIMARY KEY,
    created_at REAL NOT NULL,
    prompt TEXT NOT NULL,
    model TEXT NOT NULL,
    aspect TEXT NOT NULL,
    size TEXT NOT NULL,
    count INTEGER NOT NULL,
    base_seed INTEGER,
    thinking_level TEXT,
    reference_names TEXT NOT NULL DEFAULT '[]',
    parent_id INTEGER REFERENCES drafts(id)
);
CREATE TABLE drafts (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES batches(id),
    slot INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    status TEXT NOT NULL,
    session_id TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    error_kind TEXT,
    error_message TEXT,
    block_reason TEXT,
    text_note TEXT,
    path TEXT,
    thumb_path TEXT,
    sha256 TEXT,
    mime TEXT,
    width INTEGER,
    height INTEGER,
    byte_size INTEGER,
    response_id TEXT,
    model_version TEXT,
    latency_ms INTEGER,
    prompt_tokens INTEGER,
    output_tokens INTEGER,
    image_tokens INTEGER,
    thought_tokens INTEGER,
    cost_usd REAL NOT NULL DEFAULT 0,
    flag TEXT NOT NULL DEFAULT 'none' CHECK (flag IN ('none', 'pick', 'reject')),
    rating INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
    deleted_at REAL,
    sibling_of INTEGER REFERENCES drafts(id),
    created_at REAL NOT NULL,
    started_at REAL,
    finished_at REAL
);
CREATE INDEX drafts_by_batch ON drafts(batch_id, slot);
CREATE INDEX drafts_by_status ON drafts(status);
CREATE INDEX drafts_by_finish ON drafts(finished_at);
"""

# Lineage. A derived draft names its own parent (one batch may refine picks from several
# batches), keeps its own prompt and aspect where they differ from the batch's, the turns it
# was made from and its answer's signed parts, so that an edit chain continues after a
# restart. Reference images are kept too, once per distinct image (by content), so a retry,
# "Reuse settings" and later edits send them again. batches.parent_id was never written and
# stays unused.
_V2 = """
ALTER TABLE batches ADD COLUMN derivation TEXT
    CHECK (derivation IS NULL OR derivation IN ('refine', 'edit', 'vary'));
ALTER TABLE batches ADD COLUMN instruction TEXT;
ALTER TABLE drafts ADD COLUMN parent_id INTEGER REFERENCES drafts(id);
ALTER TABLE drafts ADD COLUMN own_prompt TEXT;
ALTER TABLE drafts ADD COLUMN own_aspect TEXT;
ALTER TABLE drafts ADD COLUMN conversation TEXT;
ALTER TABLE drafts ADD COLUMN model_turn TEXT;
CREATE INDEX drafts_by_parent ON drafts(parent_id);
CREATE TABLE reference_images (
    sha256 TEXT PRIMARY KEY,
    mime TEXT NOT NULL,
    path TEXT NOT NULL,
    byte_size INTEGER NOT NULL
);
CREATE TABLE batch_references (
    batch_id INTEGER NOT NULL REFERENCES batches(id),
    position INTEGER NOT NULL,
    sha256 TEXT NOT NULL REFERENCES reference_images(sha256),
    source_name TEXT NOT NULL,
    PRIMARY KEY (batch_id, position)
);
"""

# Honest money and budget stops. `billed` is 0 for a draft sent to the offline sandbox: its
# cost_usd is what the same work would cost on Gemini, which nobody paid. Drafts from before
# could have gone either way and stay billed, as they were shown. `not_sent` counts a batch's
# slots that a budget stopped before they were ever sent; their rows are removed instead of
# being kept as hundreds of failed drafts.
_V3 = """
ALTER TABLE drafts ADD COLUMN billed INTEGER NOT NULL DEFAULT 1 CHECK (billed IN (0, 1));
ALTER TABLE batches ADD COLUMN not_sent INTEGER NOT NULL DEFAULT 0 CHECK (not_sent >= 0);
"""

# Prompt matrices and Batch API jobs. A matrix batch keeps its template as the batch's prompt
# and its axes; each slot its expanded prompt (own_prompt) and the values it got. A job is
# recorded, with its slots waiting in it, before anything is sent, so that it outlives the
# process: `name` is the service's id once the job was created, and `display_name` finds it
# again when the process died between sending and recording the answer.
_V4 = """
ALTER TABLE batches ADD COLUMN axes TEXT;
ALTER TABLE drafts ADD COLUMN matrix_values TEXT;
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES batches(id),
    display_name TEXT NOT NULL UNIQUE,
    name TEXT UNIQUE,
    model TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('inline', 'file')),
    input_file TEXT,
    state TEXT NOT NULL,
    billed INTEGER NOT NULL CHECK (billed IN (0, 1)),
    request_count INTEGER NOT NULL,
    message TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    finished_at REAL,
    imported_at REAL
);
ALTER TABLE drafts ADD COLUMN job_id INTEGER REFERENCES jobs(id);
CREATE INDEX drafts_by_job ON drafts(job_id, status);
"""

# Tournaments. Only the answers are kept, since replaying them through the deterministic sort
# rebuilds the exact state, so a tournament resumes after Esc or a restart at the same
# question. `applied` says what the finished ranking was turned into (picks, ratings, or just
# the order kept), NULL while nothing was.
_V5 = """
CREATE TABLE tournaments (
    id INTEGER PRIMARY KEY,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    items TEXT NOT NULL,
    answers TEXT NOT NULL DEFAULT '[]',
    finished_at REAL,
    applied TEXT
);
CREATE INDEX tournaments_unfinished ON tournaments(finished_at, updated_at);
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4, _V5)
SCHEMA_VERSION = len(MIGRATIONS)


class SchemaTooNew(RuntimeError):
    """The library was written by a newer Draft Studio; the message says to update."""

    def __init__(self, found: int) -> None:
        super().__init__(
            f"This library was written by a newer Draft Studio (schema {found}); "
            "update the app to open it."
        )
        self.found = found


def use_wal(conn: sqlite3.Connection, timeout_s: float) -> None:
    """Switches to WAL. Doing so needs a moment alone with the file, and when another process
    opens a new library at the same instant SQLite says "locked" at once instead of waiting
    for its busy timeout; so the waiting happens here."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> None:
    version = _version(conn)
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(version)
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        try:
            # IMMEDIATE takes the write lock first, so two processes opening a new library
            # at once (the CLI run twice in a script) queue up instead of interleaving.
            conn.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
            )
        except sqlite3.OperationalError:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if _version(conn) >= number:
                continue  # the other process got there first and did the same work
            raise
