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


class NothingToAnnounceError(OtokuiError):
    code = "privacy-nothing-to-announce"
    message = QT_TRANSLATE_NOOP(_CTX, "Only the first version of the privacy policy is "
                                      "published: nobody agreed to an older one.")
    advice = QT_TRANSLATE_NOOP(_CTX, "After you publish a new version, tell those who agreed "
                                     "to an older one from here.")


class PolicyNotOnRelayError(OtokuiError):
    code = "privacy-not-on-relay"
    message = QT_TRANSLATE_NOOP(_CTX, "The newest version of the privacy policy is not on the "
                                      "relay yet, so friends cannot open it.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Publish the policy to the relay first, then tell your "
                                     "friends about it.")
