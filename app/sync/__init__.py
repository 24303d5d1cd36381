"""Filling the book from LINE: pairing with the relay, pulling and opening sealed events,
applying them once each, in order. See docs/sync.md."""
