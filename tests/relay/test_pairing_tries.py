"""relay.pairing_tries on its own: counting, forgetting, and a bounded memory."""

from __future__ import annotations

from relay.pairing_tries import PairingTries, network_of


def test_five_failures_lock_an_address_for_the_lock_time() -> None:
    tries = PairingTries(max_failures=5, lock_seconds=600)
    for _ in range(5):
        assert tries.begin("203.0.113.7", 1000.0) is None
    assert tries.begin("203.0.113.7", 1000.0) == 600.0
    assert tries.begin("203.0.113.7", 1599.0) == 1.0
    assert tries.begin("198.51.100.1", 1000.0) is None  # others are not affected
    assert tries.begin("203.0.113.7", 1600.0) is None  # forgotten after the lock time


def test_successes_and_non_guesses_do_not_count() -> None:
    tries = PairingTries(max_failures=2)
    for _ in range(10):
        assert tries.begin("203.0.113.7", 0.0) is None
        tries.succeeded("203.0.113.7")


def test_memory_is_bounded_by_forgetting_the_longest_unheard() -> None:
    tries = PairingTries(max_failures=1, max_tracked=3)
    for n in range(4):
        assert tries.begin(f"203.0.113.{n}", 0.0) is None
    assert tries.begin("203.0.113.0", 0.0) is None  # evicted: starts afresh
    assert tries.begin("203.0.113.3", 0.0) is not None


def test_what_is_counted() -> None:
    assert network_of("2001:db8:1:2::1") == network_of("2001:db8:1:2:ffff::9") == \
        "2001:db8:1:2::/64"
    assert network_of("::ffff:203.0.113.7") == "203.0.113.7"
    assert network_of(None) == "unknown"
