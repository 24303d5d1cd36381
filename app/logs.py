"""Logging: one logger per subsystem ("otokui.store", "otokui.keys", …), one file per profile.

The file ``logs/otokui.log`` in the profile rotates at 1 MB (3 kept) and is owner-only.
What is logged never includes personal data (names, phones, message texts, LINE user ids)
or secrets (keys, tokens, passphrases): code logs ids, counts and error types only, and a
filter below drops any record that still looks like it carries a secret, as a last guard.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
from pathlib import Path

from app import fsutil

LOG_NAME = "otokui.log"
_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
_current_path: Path | None = None

# A 64-hex key, a bearer token, a pairing code or an explicit passphrase assignment.
_SECRETISH = re.compile(
    r"(?i)([0-9a-f]{64}|bearer\s+\S+|passphrase\s*[=:]\s*\S+|x'[0-9a-f]+')")


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not hide the record entirely
            return True
        if _SECRETISH.search(message):
            record.msg = _SECRETISH.sub("[redacted]", message)
            record.args = ()
        return True


class _PrivateRotatingHandler(logging.handlers.RotatingFileHandler):
    def _open(self):
        stream = super()._open()
        fsutil.restrict(Path(self.baseFilename))
        return stream


def setup_logging(logs_dir: Path | None, *, verbose: bool = False) -> Path | None:
    """Route "otokui.*" (and "relay.*", "emulator.*") records to the profile's log file."""
    global _current_path
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for handler in list(root.handlers):
        if getattr(handler, "_otokui", False):
            root.removeHandler(handler)
            handler.close()
    redact = RedactSecrets()
    if logs_dir is not None:
        fsutil.ensure_private_dir(logs_dir)
        path = logs_dir / LOG_NAME
        if not path.exists():
            fsutil.open_private(path, "xb").close()
        handler = _PrivateRotatingHandler(path, maxBytes=1_000_000, backupCount=3,
                                          encoding="utf-8")
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler.addFilter(redact)
        handler._otokui = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        _current_path = path
    if verbose or os.environ.get("OTOKUI_LOG_STDERR"):
        console = logging.StreamHandler()
        console.setFormatter(logging.Formatter(_FORMAT))
        console.addFilter(redact)
        console._otokui = True  # type: ignore[attr-defined]
        root.addHandler(console)
    # Libraries are chatty at INFO and may print SQL with values: keep them quiet.
    for noisy in ("sqlalchemy", "alembic", "httpx", "httpcore", "urllib3", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return _current_path


def log_path() -> Path | None:
    return _current_path
