"""A folder nothing can be written into, even by root (CI runs the tests as root)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def read_only_folder(target: Path) -> Iterator[Path]:
    """A real read-only folder, even for root (tests run as root in CI, where chmod 555 does
    not stop writes): there the folder is made immutable with chattr +i."""
    folder = target / "locked"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(folder)], check=False).returncode:
        # A filesystem without immutable folders (tmpfs): a plain file where the folder should
        # be fails every write too (ENOTDIR), which is the next best thing.
        folder.rmdir()
        folder.write_bytes(b"not a folder")
        yield folder
        return
    try:
        yield folder
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)
