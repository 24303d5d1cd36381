"""Logging: one logger per subsystem ("otokui.store", "otokui.keys", …), one file per profile.

The file ``logs/otokui.log`` in the profile rotates at 1 MB (3 kept) and is owner-only.
What is logged never includes personal data (names, phones, message texts, LINE user ids)
or secrets (keys, tokens, passphrases): code logs ids, counts and error types only.

Exceptions are where personal data slips in: a message such as ``invalid literal for int():
'山田 090-1234-5678'``, or SQLAlchemy's ``[parameters: (...)]``. So every record passes one
filter (:class:`Redact`) on the way to a handler: its text is cleaned by :func:`redact`
(secrets, quoted values, non-ASCII text such as Japanese names and messages, phone numbers
and postcodes, e-mail addresses, LINE ids, SQL and its parameters), and a traceback is
written by :func:`safe_traceback`: code locations and exception types with their messages
redacted. Code that puts an exception into a message uses :func:`describe`.
"""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
import re
import sys
import traceback
from pathlib import Path

from app import fsutil

LOG_NAME = "otokui.log"
_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
_current_path: Path | None = None

# A 64-hex key, a bearer token, a pairing code or an explicit passphrase assignment.
_SECRETISH = re.compile(
    r"(?i)([0-9a-f]{64}|bearer\s+\S+|passphrase\s*[=:]\s*\S+|x'[0-9a-f]+')")

# What personal data looks like inside an exception's message, in the order applied.
_PERSONAL: list[tuple[re.Pattern[str], str]] = [
    # SQLAlchemy appends the statement and its bound values (names, phones, texts).
    (re.compile(r"\[(?:SQL|parameters|generated in)[^\]]*\].*", re.DOTALL), "[sql]"),
    (re.compile(r"\(Background on this error at:[^)]*\)"), ""),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[e-mail]"),
    # LINE user, group and room ids.
    (re.compile(r"\b[UCR][0-9a-f]{32}\b"), "[line-id]"),
    # Quoted values: repr() of a name, a phone, a memo (also Japanese brackets).
    # (Not a traceback's ``File "…"``: code locations, shortened by their writers.)
    (re.compile(r"(?<!File )(?:'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\")"
                r"|「[^」]*」|『[^』]*』"), "'…'"),
    # Any run of non-ASCII text: Japanese names, addresses, message texts, full-width
    # digits. Otokui's own log messages are in English.
    (re.compile(r"[^\x00-\x7f]+(?:[\s\-()]*[^\x00-\x7f]+)*"), "…"),
    # Japanese phone numbers (0X… or +81…, with or without separators) and postcodes.
    (re.compile(r"(?<![\w.])(?:\+81[\s-]?|0)\d{1,4}[\s-]?\(?\d{1,4}\)?[\s-]?\d{3,4}"
                r"(?![\w.])"), "[phone]"),
    (re.compile(r"(?<![\w.-])\d{3}-\d{4}(?![\w.-])"), "[postcode]"),
]


def redact(text: str) -> str:
    """``text`` without secrets or what looks like personal data (see the module doc)."""
    text = _SECRETISH.sub("[redacted]", text)
    for pattern, replacement in _PERSONAL:
        text = pattern.sub(replacement, text)
    return text


def describe(exc: BaseException) -> str:
    """An exception for the log: its type and its message, redacted."""
    kind = type(exc)
    name = kind.__qualname__ if kind.__module__ == "builtins" \
        else f"{kind.__module__}.{kind.__qualname__}"
    code = getattr(exc, "code", None)
    if isinstance(code, str):
        name += f" [{code}]"
    try:
        message = str(exc)
    except Exception:  # a broken __str__ must not hide the record
        message = ""
    message = redact(message).strip()
    return f"{name}: {message}" if message else name


def _short_path(filename: str) -> str:
    # The last two parts ("app/customers.py") say enough and leave out the home folder,
    # whose name is often the owner's own.
    parts = Path(filename).parts
    return "/".join(parts[-2:]) if len(parts) >= 2 else filename


def safe_traceback(exc: BaseException) -> str:
    """A traceback safe for the log: code locations, and each exception of the chain by
    :func:`describe` (its type, its message redacted)."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain and len(chain) < 8:
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__
                                        else current.__context__)
    lines: list[str] = []
    for i, item in enumerate(reversed(chain)):
        if i:
            lines.append("The above led to:")
        lines.append("Traceback (most recent call last):")
        # Frame summaries only: source lines come from Otokui's code, never from data.
        for frame in traceback.extract_tb(item.__traceback__):
            lines.append(f'  File "{_short_path(frame.filename)}", line {frame.lineno}, '
                         f"in {frame.name}")
            if frame.line:
                lines.append(f"    {frame.line.strip()}")
        lines.append(describe(item))
    return "\n".join(lines)


class Redact(logging.Filter):
    """The one way out of Otokui into a log: every handler of ours has this filter."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not hide the record entirely
            message = str(record.msg)
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, ()
        if record.exc_info and record.exc_info[1] is not None:
            # Formatters write exc_text as it is when it is set: the full message never
            # reaches the file.
            record.exc_text = safe_traceback(record.exc_info[1])
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True



class _PrivateRotatingHandler(logging.handlers.RotatingFileHandler):
    def _open(self) -> io.TextIOWrapper:
        stream = super()._open()
        fsutil.restrict(Path(self.baseFilename))
        return stream

    def handleError(self, record: logging.LogRecord) -> None:
        # The log is best effort: on a full disk a record is dropped quietly, instead of a
        # "--- Logging error ---" traceback on the owner's terminal after each line.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handleError(record)


def setup_logging(logs_dir: Path | None, *, verbose: bool = False) -> Path | None:
    """Route "otokui.*" (and "relay.*", "emulator.*") records to the profile's log file."""
    global _current_path
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for handler in list(root.handlers):
        if getattr(handler, "_otokui", False):
            root.removeHandler(handler)
            handler.close()
    redact = Redact()
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
