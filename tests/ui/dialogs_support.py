"""Helpers for the dialog tests (engineer B): closed profiles to unlock, file hashes.

Creating a passphrase book runs Argon2id, so each kind of closed profile is made once per
session and copied per test (like the ``seeded`` fixture in conftest.py).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from app.profile import Profile

PASSPHRASE = "いつもの合言葉 2026"
RECOVERY = "7KQM-2XHC-9DTR-WP4A-MN3E-UVY8"

_templates: dict[str, Path] = {}


def hash_tree(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root`` (by relative path): proof nothing changed."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def passphrase_profile(tmp_path: Path, template_dir: Path, *, customers: int = 2
                       ) -> Profile:
    """A closed passphrase-mode book (with a recovery passphrase) copied into tmp_path."""
    key = f"passphrase-{customers}"
    if key not in _templates:
        profile = Profile(template_dir / key)
        book = profile.create(passphrase=PASSPHRASE, recovery_passphrase=RECOVERY)
        for i in range(customers):
            book.customers.create(name=f"顧客 {i}", phone=f"090-0000-{i:04d}")
        book.db.checkpoint()
        book.close()
        _templates[key] = profile.root
    root = tmp_path / "profile"
    shutil.copytree(_templates[key], root)
    return Profile(root)


def keyring_profile(tmp_path: Path, *, recovery: bool = True) -> Profile:
    """A closed keyring-mode book (the key goes to whatever keyring is installed)."""
    profile = Profile(tmp_path / "profile")
    book = profile.create(recovery_passphrase=RECOVERY if recovery else None)
    book.customers.create(name="顧客 0")
    book.close()
    return profile
