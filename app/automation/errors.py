"""The rules' known errors (their own translation context, see app/errors.py)."""

from __future__ import annotations

from app.errors import ValidationError
from app.i18n import QT_TRANSLATE_NOOP

CTX = "RuleError"


def invalid(detail: str, message: str) -> ValidationError:
    return ValidationError(detail, message=message)


EMPTY_KEYWORDS = QT_TRANSLATE_NOOP(CTX, "A keyword rule needs at least one keyword.")
UNKNOWN_TRIGGER = QT_TRANSLATE_NOOP(CTX, "This rule's When is not one Otokui knows.")
UNKNOWN_ACTION = QT_TRANSLATE_NOOP(CTX, "This rule has an action Otokui does not know.")
NO_ACTIONS = QT_TRANSLATE_NOOP(CTX, "A rule needs at least one action.")
NO_NAME = QT_TRANSLATE_NOOP(CTX, "A rule needs a name.")
NAME_TAKEN = QT_TRANSLATE_NOOP(CTX, "Another rule already has this name.")
UNKNOWN_TAG = QT_TRANSLATE_NOOP(CTX, "There is no tag with this name.")
UNKNOWN_FIELD = QT_TRANSLATE_NOOP(CTX, "There is no field with this name.")
UNKNOWN_SEGMENT = QT_TRANSLATE_NOOP(CTX, "There is no saved segment with this name.")
NOT_POINTS = QT_TRANSLATE_NOOP(CTX, "Points can only be added to a number or points field.")
BAD_VALUE = QT_TRANSLATE_NOOP(CTX, "A value in this rule is missing or not valid.")
CYCLE = QT_TRANSLATE_NOOP(CTX, "These rules would trigger each other in a loop.")
BAD_STATUS = QT_TRANSLATE_NOOP(CTX, "The chat status must be open, in_progress or done.")
NOT_AN_OBJECT = QT_TRANSLATE_NOOP(CTX, "A rule file holds one JSON object.")
UNKNOWN_SEQUENCE = QT_TRANSLATE_NOOP(CTX, "There is no step sequence with this name.")
EMPTY_TEXT = QT_TRANSLATE_NOOP(CTX, "A message to send needs a text.")
EMPTY_SEND = QT_TRANSLATE_NOOP(CTX, "A message to send needs a text or a photo.")
TOO_MANY_BUBBLES = QT_TRANSLATE_NOOP(
    CTX, "A message can have at most five bubbles (LINE's limit): the text counts as one, "
    "each photo as one. Remove some photos.")
BAD_IMAGES = QT_TRANSLATE_NOOP(
    CTX, "The photos of a message must be a list of JPEG or PNG files.")
UNKNOWN_IMAGE = QT_TRANSLATE_NOOP(
    CTX, "A photo of this message is no longer in the book. Add the photo again.")
PHOTO_TOO_LARGE = QT_TRANSLATE_NOOP(
    CTX, "A rule's photo can be at most 1 MB (LINE needs a preview, which a rule cannot "
    "make). Choose a smaller photo.")
NOT_A_DATE = QT_TRANSLATE_NOOP(CTX, "A date rule needs the birthday or a date field.")
# An instant rule is answered by the relay alone (app/automation/instant.py).
INSTANT_WHEN = QT_TRANSLATE_NOOP(
    CTX, "Only a greeting for every new friend or a keyword reply (at most 20 keywords) "
    "can be answered at once by the relay. Turn off the instant reply for this rule.")
INSTANT_IF = QT_TRANSLATE_NOOP(
    CTX, "The relay cannot check a segment. Remove the If, or turn off the instant reply.")
INSTANT_ONE_SEND = QT_TRANSLATE_NOOP(
    CTX, "An instant reply sends exactly one message. Keep one message, or turn off the "
    "instant reply.")
INSTANT_TEXT = QT_TRANSLATE_NOOP(
    CTX, "An instant reply is a text without photos, and may only fill in the friend's "
    "LINE name ({表示名}): the relay knows nothing else about friends. Change the "
    "message, or turn off the instant reply.")

# Why a saved rule is broken (shown in red, the rule does not run).
BROKEN_TAG = QT_TRANSLATE_NOOP(CTX, "A tag it uses was deleted.")
BROKEN_FIELD = QT_TRANSLATE_NOOP(CTX, "A field it uses was deleted.")
BROKEN_SEGMENT = QT_TRANSLATE_NOOP(CTX, "The segment it uses was deleted.")
BROKEN_FORM = QT_TRANSLATE_NOOP(CTX, "The form it uses was deleted.")
BROKEN_SEQUENCE = QT_TRANSLATE_NOOP(CTX, "The step sequence it uses was deleted.")
