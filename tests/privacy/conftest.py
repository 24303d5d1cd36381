from tests.sync.conftest import book, connected, emulator, line, profile, relay  # noqa: F401
