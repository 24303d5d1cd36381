"""Files with owner-only permissions, written atomically.

Everything Otokui writes into the profile (the book and its ``-wal``/``-shm`` files, the
key file, attachments, backups, logs) is readable by the owner only. Writes that replace a
file go to a sibling temporary file that is fsynced and then renamed over the target, so a
crash leaves either the old or the new content, never half of each.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

FILE_MODE = 0o600
DIR_MODE = 0o700


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) as owner-only folders; tighten it if it exists."""
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    with contextlib.suppress(OSError):  # Windows ignores POSIX modes; ACLs come from the profile
        os.chmod(path, DIR_MODE)
    return path


def open_private(path: Path, mode: str = "xb") -> BinaryIO:
    """Open a new file readable and writable by the owner only.

    ``mode`` is ``"xb"`` (must not exist) or ``"wb"`` (truncate). The permission is set by
    ``os.open`` itself, so there is no moment when the file is readable by others.
    """
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0)
    flags |= os.O_EXCL if "x" in mode else os.O_TRUNC
    fd = os.open(path, flags, FILE_MODE)
    return os.fdopen(fd, "wb")


def fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (no-op where folders cannot be opened)."""
    if os.name == "nt":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_sibling(path: Path, suffix: str = ".part") -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}{suffix}")


@contextlib.contextmanager
def atomic_write(path: Path) -> Iterator[BinaryIO]:
    """Write ``path`` atomically with owner-only permissions.

    The body writes to the yielded file; on success it is fsynced and renamed over ``path``;
    on any exception the partial file is removed and ``path`` is untouched.
    """
    tmp = temp_sibling(path)
    f = open_private(tmp, "xb")
    try:
        yield f
        f.flush()
        os.fsync(f.fileno())
        f.close()
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException:
        f.close()
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def write_private_bytes(path: Path, data: bytes) -> None:
    with atomic_write(path) as f:
        f.write(data)


def restrict(path: Path) -> None:
    """Tighten an existing file to owner-only (SQLite creates ``-wal``/``-shm`` itself)."""
    with contextlib.suppress(FileNotFoundError, OSError):
        os.chmod(path, FILE_MODE)
