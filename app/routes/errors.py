"""Known errors of inflow routes, in the owner's words (translated in the "routes" catalog)."""

from __future__ import annotations

from app.errors import OtokuiError
from app.i18n import QT_TRANSLATE_NOOP

_CTX = "routes"


class RouteNotFoundError(OtokuiError):
    code = "route-not-found"
    message = QT_TRANSLATE_NOOP(_CTX, "There is no such inflow route in this book.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Check the route's number (python main.py route list "
                                     "shows them).")


class RouteNameError(OtokuiError):
    code = "route-name"
    message = QT_TRANSLATE_NOOP(_CTX, "An inflow route needs a name of 1 to 100 characters "
                                      "that no other route has.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Choose another name. Nothing was saved.")


class RouteNeedsRelayError(OtokuiError):
    code = "route-needs-relay"
    message = QT_TRANSLATE_NOOP(_CTX, "Inflow routes need the shop's relay, and this book is "
                                      "not connected to one.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Connect to LINE first (Settings → LINE); a route's URL "
                                     "is an address on the relay.")


class RouteAddFriendUrlError(OtokuiError):
    code = "route-add-friend-url"
    message = QT_TRANSLATE_NOOP(_CTX, "The add-friend URL must be an https:// address of at "
                                      "most 500 characters.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Copy it from LINE Official Account Manager (友だち追加"
                                     " → URL), e.g. https://lin.ee/….")


class RouteRelayRefusedError(OtokuiError):
    code = "route-relay-refused"
    message = QT_TRANSLATE_NOOP(_CTX, "The relay did not take the inflow routes.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Update the relay to this version of Otokui, then "
                                     "publish again.")
