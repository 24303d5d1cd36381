"""Fixtures for the core's tests: real encrypted books in temporary folders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from app.book import Book
from app.profile import Profile
from tests.support.keyrings import MemoryKeyring

PASSPHRASE = "しっかりした合言葉 2026"


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    return Profile(tmp_path / "profile")


@pytest.fixture
def book(profile: Profile) -> Iterator[Book]:
    b = profile.create(passphrase=PASSPHRASE)
    try:
        yield b
    finally:
        b.close()


def profile_bytes(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its content (to prove nothing changed)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}
