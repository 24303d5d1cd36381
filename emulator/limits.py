"""Per-endpoint rate limits, counted on the emulator's clock (sliding window).

LINE's defaults per channel: 2,000 requests/s for push, reply, profile, content and
most other calls; 200/s multicast; 60/hour narrowcast and broadcast; 100/s loading
animation. A limit of ``None`` switches the check off for that group.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping

# endpoint name -> rate-limit group
ENDPOINT_GROUPS: dict[str, str] = {
    "reply": "reply",
    "push": "push",
    "multicast": "multicast",
    "broadcast": "broadcast",
    "narrowcast": "narrowcast",
    "narrowcast_progress": "other",
    "profile": "profile",
    "content": "content",
    "content_preview": "content",
    "content_transcoding": "content",
    "quota": "other",
    "quota_consumption": "other",
    "followers": "other",
    "link_token": "other",
    "mark_as_read": "other",
    "loading": "loading",
    "bot_info": "other",
    "webhook_endpoint": "other",
    "webhook_test": "other",
}

# group -> (requests, per seconds)
DEFAULT_RATE_LIMITS: dict[str, tuple[int, float] | None] = {
    "push": (2000, 1.0),
    "reply": (2000, 1.0),
    "profile": (2000, 1.0),
    "content": (2000, 1.0),
    "multicast": (200, 1.0),
    "narrowcast": (60, 3600.0),
    "broadcast": (60, 3600.0),
    "loading": (100, 1.0),
    "other": (2000, 1.0),
}


def parse_limit(value: object) -> tuple[int, float] | None:
    """Accept ``None`` or a pair ``[requests, seconds]`` (list or tuple)."""
    if value is None:
        return None
    if (isinstance(value, list | tuple) and len(value) == 2
            and isinstance(value[0], int) and not isinstance(value[0], bool)
            and isinstance(value[1], int | float) and not isinstance(value[1], bool)
            and value[0] >= 1 and value[1] > 0):
        return int(value[0]), float(value[1])
    raise ValueError("a rate limit is null or [requests, seconds] with both positive")


class RateLimiter:
    def __init__(self, limits: dict[str, tuple[int, float] | None] | None = None) -> None:
        self._limits = dict(DEFAULT_RATE_LIMITS)
        if limits:
            self.configure(limits)
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def configure(self, limits: Mapping[str, object]) -> None:
        """Change the named groups; all are checked first, so a bad one changes nothing."""
        parsed: dict[str, tuple[int, float] | None] = {}
        for group, value in limits.items():
            if group not in DEFAULT_RATE_LIMITS:
                raise ValueError(f"unknown rate-limit group {group!r}")
            parsed[group] = parse_limit(value)
        self._limits.update(parsed)

    def limits(self) -> dict[str, list[float] | None]:
        return {g: (list(v) if v else None) for g, v in self._limits.items()}

    def allow(self, endpoint: str, now: float) -> bool:
        """Count one request; False when it is over the group's limit (and not counted)."""
        group = ENDPOINT_GROUPS.get(endpoint, "other")
        limit = self._limits.get(group)
        if limit is None:
            return True
        count, window = limit
        with self._lock:
            hits = self._hits.setdefault(group, deque())
            while hits and hits[0] <= now - window:
                hits.popleft()
            if len(hits) >= count:
                return False
            hits.append(now)
            return True

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()
