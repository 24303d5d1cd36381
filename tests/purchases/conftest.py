from tests.core.conftest import book, memory_keyring, profile  # noqa: F401
from tests.core.test_cli import inited  # noqa: F401
