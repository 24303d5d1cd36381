"""The token bucket on a made-up clock: never over LINE's limit in any one-second window."""

from __future__ import annotations

import bisect

import pytest

from app.broadcast import Rate, TokenBucket
from app.broadcast.ratelimit import DEFAULT_RATES


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.now += seconds


@pytest.mark.parametrize(("endpoint", "limit"), [("multicast", 200), ("push", 2000)])
def test_no_window_over_lines_limit(endpoint: str, limit: int) -> None:
    clock = FakeClock()
    bucket = TokenBucket(DEFAULT_RATES[endpoint], clock=clock, sleep=clock.sleep)
    times = []
    for _ in range(limit * 5):
        bucket.acquire()
        times.append(clock.now)
    worst = max(bisect.bisect_left(times, t + 1.0) - i for i, t in enumerate(times))
    assert worst <= limit
    # ...and not much under it: the burst at once, then the steady rate.
    rate = DEFAULT_RATES[endpoint]
    assert times[-1] == pytest.approx((limit * 5 - rate.burst) / rate.rate)
    assert worst >= limit * 0.99


def test_bad_rates_are_refused() -> None:
    for bad in (Rate(0, 1), Rate(10, 0), Rate(-1, 5)):
        with pytest.raises(ValueError):
            TokenBucket(bad)
    assert Rate.under(200) == Rate(180.0, 20)
