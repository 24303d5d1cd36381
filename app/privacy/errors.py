"""Known errors of the privacy feature, in the owner's words ("privacy" catalog)."""

from __future__ import annotations

from app.errors import OtokuiError
from app.i18n import QT_TRANSLATE_NOOP

_CTX = "privacy"


class PolicyNotPublishedError(OtokuiError):
    code = "privacy-not-published"
    message = QT_TRANSLATE_NOOP(_CTX, "No version of the privacy policy has been published "
                                      "yet.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Fill in the shop's details and publish the policy "
                                     "first.")


class RelayPrivacyUnsupportedError(OtokuiError):
    code = "privacy-relay-old"
    message = QT_TRANSLATE_NOOP(_CTX, "The relay cannot show a privacy policy yet.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Update the relay to the newest version, then publish "
                                     "again.")


class PrivacyCustomerNotFoundError(OtokuiError):
    code = "privacy-no-customer"
    message = QT_TRANSLATE_NOOP(_CTX, "There is no customer with this number in the book.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Check the customer's number and try again.")
