"""Known errors of forms, in the owner's words (translated in the "forms" catalog)."""

from __future__ import annotations

from app.errors import OtokuiError
from app.i18n import QT_TRANSLATE_NOOP

_CTX = "forms"


class FormDefinitionError(OtokuiError):
    """The definition (a JSON file, or the builder's) is not valid; ``detail`` names the
    item and the property, e.g. ``item 3 ("visits"): "min" must be a number``."""

    code = "form-definition"
    message = QT_TRANSLATE_NOOP(_CTX, "The form cannot be used as it is.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Correct the item named and try again. Nothing was "
                                     "saved.")


class FormFileError(OtokuiError):
    code = "form-file"
    message = QT_TRANSLATE_NOOP(_CTX, "The form file cannot be read.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Check that the file exists and is a form definition "
                                     "(JSON, UTF-8).")


class FormNotFoundError(OtokuiError):
    code = "form-not-found"
    message = QT_TRANSLATE_NOOP(_CTX, "There is no such form in this book.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Check the form's id (python main.py form list shows "
                                     "them).")


class FormNotPublishedError(OtokuiError):
    code = "form-not-published"
    message = QT_TRANSLATE_NOOP(_CTX, "This form has not been published yet.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Publish it first; links open the published version.")


class FormNeedsRelayError(OtokuiError):
    code = "form-needs-relay"
    message = QT_TRANSLATE_NOOP(_CTX, "Form links need the shop's relay, and this book is "
                                      "not connected to one.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Connect to LINE first (Settings → LINE); the links "
                                     "are addresses on the relay.")


class FormLinkUserError(OtokuiError):
    code = "form-link-user"
    message = QT_TRANSLATE_NOOP(_CTX, "This is not a LINE user ID.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Use the friend's LINE user ID: U followed by 32 "
                                     "letters and digits.")


class FormAnswerNotFoundError(OtokuiError):
    code = "form-answer-not-found"
    message = QT_TRANSLATE_NOOP(_CTX, "There is no such answer.")
    advice = QT_TRANSLATE_NOOP(_CTX, "It may have been deleted with its form. Refresh the "
                                     "list.")


class FormAnswerNotPendingError(OtokuiError):
    code = "form-answer-not-pending"
    message = QT_TRANSLATE_NOOP(_CTX, "This answer has already been given to a customer.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Refresh the list.")
