"""Keyring backends for tests only.

``MemoryKeyring`` stands in for the OS password store inside one test process.
``FileKeyring`` keeps entries in a JSON file named by ``OTOKUI_TEST_KEYRING_FILE`` so that
subprocesses (the CLI, a killed import) share them; select it with
``PYTHON_KEYRING_BACKEND=tests.support.keyrings.FileKeyring``. Both are plaintext and
exist only under ``tests/``: the app never selects such a backend on its own.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from jaraco.classes import properties
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class _ExplicitOnly(KeyringBackend):
    """Never chosen by keyring's own discovery (not "viable"); only when set explicitly.

    Importing this module must not change which backend the rest of the suite sees.
    """

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("a test backend, selected explicitly only")


class MemoryKeyring(_ExplicitOnly):
    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


class OtherMemoryKeyring(MemoryKeyring):
    """A second, different backend: to test that a backend change is refused."""


class FileKeyring(_ExplicitOnly):
    @property
    def _path(self) -> Path:
        return Path(os.environ["OTOKUI_TEST_KEYRING_FILE"])

    def _load(self) -> dict[str, str]:
        try:
            return json.loads(self._path.read_text())
        except FileNotFoundError:
            return {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}/{username}"] = password
        self._path.write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError("not found")
        self._path.write_text(json.dumps(data))
