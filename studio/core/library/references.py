"""Reference images, kept by content: each distinct image is stored once, under its SHA-256,
however many batches use it, so a retry, "Reuse settings" and an edit of a draft made with
references can send them again."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from studio.core.domain import ReferenceImage
from studio.core.library.database import Database
from studio.core.library.files import extension_for, write_atomically
from studio.core.library.records import LibraryError


@dataclass(frozen=True, slots=True)
class KeptReference:
    sha256: str
    image: ReferenceImage
    relative: Path


class ReferenceStore:
    def __init__(self, db: Database, root: Path, owner: str) -> None:
        self._db = db
        self._root = root
        self._owner = owner

    def write(self, references: tuple[ReferenceImage, ...]) -> list[KeptReference]:
        """Writes the files not there yet (blocking: not on the GUI thread)."""
        kept = []
        for reference in references:
            sha = hashlib.sha256(reference.data).hexdigest()
            relative = Path("references") / sha[:2] / f"{sha}{extension_for(reference.mime_type)}"
            if not (self._root / relative).is_file():
                write_atomically(self._root / relative, reference.data, self._owner)
            kept.append(KeptReference(sha, reference, relative))
        return kept

    def link(self, batch_id: int, kept: list[KeptReference]) -> None:
        """Inside the batch's transaction: the rows that tie the files to the batch."""
        self._db.executemany(
            "INSERT OR IGNORE INTO reference_images (sha256, mime, path, byte_size) "
            "VALUES (?, ?, ?, ?)",
            [(k.sha256, k.image.mime_type, k.relative.as_posix(), len(k.image.data)) for k in kept],
        )
        self._db.executemany(
            "INSERT INTO batch_references (batch_id, position, sha256, source_name) "
            "VALUES (?, ?, ?, ?)",
            [(batch_id, i, k.sha256, k.image.source_name) for i, k in enumerate(kept)],
        )

    def shas_of_batch(self, batch_id: int) -> list[str]:
        rows = self._db.rows(
            "SELECT sha256 FROM batch_references WHERE batch_id = ? ORDER BY position",
            (batch_id,),
        )
        return [str(row[0]) for row in rows]

    def of_batch(self, batch_id: int) -> tuple[ReferenceImage, ...]:
        rows = self._db.rows(
            """SELECT r.sha256, r.mime, r.path, b.source_name FROM batch_references b
            JOIN reference_images r ON r.sha256 = b.sha256
            WHERE b.batch_id = ? ORDER BY b.position""",
            (batch_id,),
        )
        return tuple(self._read(row[2], row[1], row[3]) for row in rows)

    def by_sha(self, sha256: str) -> ReferenceImage:
        rows = self._db.rows("SELECT mime, path FROM reference_images WHERE sha256 = ?", (sha256,))
        if not rows:
            raise LibraryError("A reference image of this draft is not in the library.")
        return self._read(rows[0][1], rows[0][0], Path(rows[0][1]).name)

    def _read(self, relative: str, mime: str, name: str) -> ReferenceImage:
        try:
            data = (self._root / relative).read_bytes()
        except OSError as exc:
            raise LibraryError(
                f"The reference image '{name}' cannot be read: {exc.strerror}."
            ) from None
        return ReferenceImage(data, mime, name)
