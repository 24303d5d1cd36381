"""Known errors: what went wrong, in the owner's words, and what to do next.

Every error the owner can meet is a subclass of :class:`OtokuiError` with a stable
``code``, a ``message`` (what happened) and ``advice`` (what to do). Anything else that
escapes is a bug and goes to the crash handler. This split follows qutebrowser's
``misc/sql.py`` (known errors versus bugs).

Messages are English source text marked for translation (see :mod:`app.i18n`); the UI
shows them through Qt's translator, the CLI prints them as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.i18n import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from app.csvio import RowProblem

_CTX = "errors"


class OtokuiError(Exception):
    """Base of every error the owner may see. Never carries secrets or personal data."""

    code = "error"
    # str, not Text: subclasses and callers set plain (already translated) strings too.
    message: str = QT_TRANSLATE_NOOP(_CTX, "Something went wrong.")
    advice: str = QT_TRANSLATE_NOOP(_CTX, "Please try again.")

    def __init__(self, detail: str = "", *, message: str | None = None,
                 advice: str | None = None) -> None:
        if message is not None:
            self.message = message
        if advice is not None:
            self.advice = advice
        #: Extra, non-personal detail for logs and the CLI (a line number, a file name).
        self.detail = detail
        super().__init__(self.one_line())

    def one_line(self) -> str:
        parts: list[str] = [self.message]
        if self.detail:
            parts.append(f"({self.detail})")
        if self.advice:
            parts.append(self.advice)
        return " ".join(parts)


# --- keys and unlocking -------------------------------------------------------------------

class WrongKeyError(OtokuiError):
    code = "wrong-key"
    message = QT_TRANSLATE_NOOP(_CTX, "The passphrase or key does not open this customer book.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Check the passphrase and try again. Nothing was changed.")


class DamagedBookError(OtokuiError):
    code = "damaged-book"
    message = QT_TRANSLATE_NOOP(_CTX, "The customer book file is damaged and cannot be read.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Restore it from a backup. The damaged file has been left as it was.")


class KeyringChangedError(OtokuiError):
    code = "keyring-changed"
    message = QT_TRANSLATE_NOOP(
        _CTX, "The key of this customer book was kept in a different password store.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Start Otokui where that password store is available, or open the book with "
        "its recovery passphrase. Nothing was changed.")


class KeyMissingError(OtokuiError):
    code = "key-missing"
    message = QT_TRANSLATE_NOOP(
        _CTX, "The key of this customer book is no longer in the password store.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Open the book with its recovery passphrase, or restore a backup. "
        "Nothing was changed.")


class NoKeyringError(OtokuiError):
    code = "no-keyring"
    message = QT_TRANSLATE_NOOP(_CTX, "This computer has no password store for the key.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Protect the customer book with a passphrase instead.")


class PassphraseRequiredError(OtokuiError):
    code = "passphrase-required"
    message = QT_TRANSLATE_NOOP(_CTX, "A passphrase is needed to open the customer book.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Type it when asked, or set OTOKUI_PASSPHRASE for scripts.")


class WeakPassphraseError(OtokuiError):
    code = "weak-passphrase"
    message = QT_TRANSLATE_NOOP(_CTX, "The passphrase is too short.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Use at least 8 characters.")


class BookExistsError(OtokuiError):
    code = "book-exists"
    message = QT_TRANSLATE_NOOP(_CTX, "A customer book already exists in this profile.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Open it instead, or choose another profile folder.")


class NoBookError(OtokuiError):
    code = "no-book"
    message = QT_TRANSLATE_NOOP(_CTX, "There is no customer book in this profile yet.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Create one first (otokui init), or restore a backup.")


class BookBusyError(OtokuiError):
    code = "book-busy"
    message = QT_TRANSLATE_NOOP(_CTX, "The customer book is busy with another change.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Wait a moment and try again. Nothing was lost.")


class ProfileInUseError(OtokuiError):
    code = "profile-in-use"
    message = QT_TRANSLATE_NOOP(
        _CTX, "The customer book is open in another Otokui window or command.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Close the other window, or wait until the other command has finished, then "
        "try again. Nothing was changed.")


# --- data ----------------------------------------------------------------------------------

class ValidationError(OtokuiError):
    code = "invalid-value"
    message = QT_TRANSLATE_NOOP(_CTX, "A value is not valid.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Correct it and try again.")


class NotFoundError(OtokuiError):
    code = "not-found"
    message = QT_TRANSLATE_NOOP(_CTX, "It no longer exists.")
    advice = QT_TRANSLATE_NOOP(_CTX, "It may have been deleted. Refresh the list.")


class AttachmentDamagedError(OtokuiError):
    code = "attachment-damaged"
    message = QT_TRANSLATE_NOOP(
        _CTX, "The attachment file is damaged or was changed outside Otokui.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Restore it from a backup.")


class AttachmentTruncatedError(AttachmentDamagedError):
    code = "attachment-truncated"
    message = QT_TRANSLATE_NOOP(_CTX, "The attachment file is incomplete (cut short).")


class CsvError(OtokuiError):
    code = "csv"
    message = QT_TRANSLATE_NOOP(_CTX, "The CSV file cannot be read.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Save it again as CSV (UTF-8 or Shift_JIS) and try again. Nothing was imported.")


class ImportRowsError(OtokuiError):
    """Raised by a real import when rows are bad: the import is all or nothing."""

    code = "import-rows"
    message = QT_TRANSLATE_NOOP(_CTX, "Some rows of the CSV file are not valid.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Correct the rows listed and import again. Nothing was imported.")

    def __init__(self, problems: list[RowProblem], detail: str = "") -> None:
        self.problems = problems
        super().__init__(detail or f"{len(problems)} problems")


class BackupError(OtokuiError):
    code = "backup"
    message = QT_TRANSLATE_NOOP(_CTX, "The backup file is damaged or not an Otokui backup.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Choose another backup file. The current customer book was not changed.")


class CancelledError(OtokuiError):
    code = "cancelled"
    message = QT_TRANSLATE_NOOP(_CTX, "Cancelled.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Nothing was changed.")


class DiskFullError(OtokuiError):
    code = "disk-full"
    message = QT_TRANSLATE_NOOP(_CTX, "The disk is full.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Free some space and try again. Nothing was lost.")


class ImportDiskFullError(DiskFullError):
    code = "import-disk-full"
    message = QT_TRANSLATE_NOOP(
        _CTX, "The disk is full, so the import could not be saved. Nothing was imported.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Free some space on the disk (move or delete large files you no longer need, "
        "empty the trash), then import the file again.")
