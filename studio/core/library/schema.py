"""The library schema and its migrations; PRAGMA user_version holds the applied version."""

from __future__ import annotations

import sqlite3

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

MIGRATIONS: tuple[str, ...] = (_V1,)
SCHEMA_VERSION = len(MIGRATIONS)


class SchemaTooNew(RuntimeError):
    """The library was written by a newer Draft Studio; the message says to update."""


def migrate(conn: sqlite3.Connection) -> None:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"This library was written by a newer Draft Studio (schema {version}); "
            "update the app to open it."
        )
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
