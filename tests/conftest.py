"""Suite-wide settings, applied before any test module imports Qt or keyring."""

from __future__ import annotations

import os

# Qt without a display (the offscreen platform); screenshots are taken under Xvfb instead.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The OS password store is never touched by tests: a Secret Service lookup can hang without
# a D-Bus session. Tests that need a keyring install tests.support.keyrings explicitly.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
os.environ.setdefault("OTOKUI_LOG_STDERR", "")

#: pytest-qt's waits (waitUntil, waitSignal ...) in this suite are guards against a hang,
#: never timing checks: the condition or signal is expected, and the timeout only bounds
#: how long a broken test takes to fail. On a loaded machine (CI's two cores, a stress run)
#: a 2-5 s guard on background work was a flaky failure, so every such wait gets at least
#: this long. Raising a guard never makes a passing test fail.
QT_WAIT_FLOOR_MS = 60_000


def _with_floor(method):
    import functools

    @functools.wraps(method)
    def wait(self, *args, **kwargs):
        timeout = kwargs.get("timeout", 5000)  # pytest-qt's default
        if timeout is not None and 0 < timeout < QT_WAIT_FLOOR_MS:
            kwargs["timeout"] = QT_WAIT_FLOOR_MS
        return method(self, *args, **kwargs)

    return wait


def pytest_configure(config) -> None:
    try:
        from pytestqt.qtbot import QtBot
    except ImportError:  # pytest-qt not installed: no Qt tests in this run
        return
    for name in ("waitUntil", "waitSignal", "waitSignals", "waitCallback"):
        method = getattr(QtBot, name)
        if not getattr(method, "_otokui_floor", False):
            floored = _with_floor(method)
            floored._otokui_floor = True
            setattr(QtBot, name, floored)
