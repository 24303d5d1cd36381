"""Suite-wide settings, applied before any test module imports Qt or keyring."""

from __future__ import annotations

import os

# Qt without a display (the offscreen platform); screenshots are taken under Xvfb instead.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The OS password store is never touched by tests: a Secret Service lookup can hang without
# a D-Bus session. Tests that need a keyring install tests.support.keyrings explicitly.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
os.environ.setdefault("OTOKUI_LOG_STDERR", "")
