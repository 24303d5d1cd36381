"""Hypothesis strategies for LINE webhook bodies, near-valid and not, and how many to try.

``OTOKUI_FUZZ_EXAMPLES`` sets the number of examples per fuzz test (default 2000, a few
seconds each); a nightly run can raise it. Runs are derandomised: the same examples each
time, so a failure in CI is a failure on the developer's machine too.
"""

from __future__ import annotations

import os
import time
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ_ENV = "OTOKUI_FUZZ_EXAMPLES"


def fuzz_settings(default: int = 2000, *, scale: float = 1.0) -> settings:
    examples = int(os.environ.get(FUZZ_ENV, default))
    return settings(max_examples=max(1, int(examples * scale)), deadline=None,
                    derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large])


NOW_MS = int(time.time() * 1000)

leaves = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([10**30, 253_402_300_800_000, -1, 0, 2**63, 2**64, NOW_MS]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["", "U" + "0" * 32, "\ud800", "\x00", "🍣" * 5, "a" * 300]),
)
json_values = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.text(max_size=12), inner, max_size=3)), max_leaves=6)

user_ids = st.one_of(st.sampled_from(["U" + "a" * 32, "U" + "0123456789abcdef" * 2]),
                     st.text(max_size=40), st.integers(), st.none())
message_ids = st.one_of(st.integers(min_value=0, max_value=10**20).map(str),
                        st.integers(), st.text(max_size=40), st.none())
timestamps = st.one_of(st.integers(min_value=NOW_MS - 10**10, max_value=NOW_MS + 10**10),
                       leaves)


def _maybe(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(value, json_values)


messages = st.fixed_dictionaries(
    {"type": _maybe(st.sampled_from(["text", "image", "video", "audio", "file", "location",
                                     "sticker", "somethingNew"])),
     "id": _maybe(message_ids)},
    optional={"text": _maybe(st.text(max_size=50)), "fileName": json_values,
              "fileSize": json_values, "quoteToken": json_values, "emojis": json_values,
              "contentProvider": json_values, "packageId": json_values,
              "latitude": json_values, "keywords": json_values, "quotedMessageId": json_values})

events = st.fixed_dictionaries(
    {"type": _maybe(st.sampled_from(["message", "follow", "unfollow", "unsend",
                                     "messageEdited", "postback", "accountLink", "beacon",
                                     "memberJoined", "join", "videoPlayComplete"])),
     "webhookEventId": _maybe(st.text(alphabet="0123456789ABCDEFGHJKMNPQRSTVWXYZ",
                                      min_size=1, max_size=26)),
     "timestamp": timestamps},
    optional={"source": _maybe(st.fixed_dictionaries(
                  {"type": _maybe(st.sampled_from(["user", "group", "room"])),
                   "userId": user_ids})),
              "message": _maybe(messages),
              "replyToken": json_values, "mode": json_values, "deliveryContext": json_values,
              "follow": _maybe(st.fixed_dictionaries({"isUnblocked": json_values})),
              "unsend": _maybe(st.fixed_dictionaries({"messageId": _maybe(message_ids)})),
              "postback": json_values, "link": json_values, "extra": json_values})

bodies = st.fixed_dictionaries(
    {"destination": _maybe(st.just("U" + "f" * 32)),
     "events": _maybe(st.lists(_maybe(events), max_size=5))},
    optional={"extra": json_values})
