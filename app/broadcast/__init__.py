"""Broadcasts: one message to many customers, exactly once (``book.broadcasts``).

See docs/broadcasts.md. :mod:`.service` is the API, :mod:`.jobs` the stored job,
:mod:`.engine` the sending loop, :mod:`.ratelimit` LINE's rate limits.
"""

from app.broadcast.errors import (
    BroadcastFinishedError,
    BroadcastImagesExpiredError,
    NoOwnerError,
    NoRecipientsError,
    PlanChangedError,
    QuotaExceededError,
    ScheduledTooLateForImagesError,
)
from app.broadcast.model import (
    BroadcastImage,
    BroadcastInfo,
    BroadcastPlan,
    BroadcastReport,
    Counts,
    RecipientResult,
    Recipients,
)
from app.broadcast.ratelimit import Rate, TokenBucket
from app.broadcast.service import BroadcastService

__all__ = [
    "BroadcastFinishedError", "BroadcastImage", "BroadcastImagesExpiredError",
    "BroadcastInfo", "BroadcastPlan", "BroadcastReport", "BroadcastService", "Counts",
    "NoOwnerError", "NoRecipientsError", "PlanChangedError", "QuotaExceededError", "Rate",
    "RecipientResult",
    "Recipients", "ScheduledTooLateForImagesError", "TokenBucket",
]
