"""The sync fixtures (real relay, real emulator, real book) for the automation tests."""

from tests.sync.conftest import book, connected, emulator, line, profile, relay  # noqa: F401
