"""Broadcasts in the window: the composer, the history, scheduled sends (docs/broadcasts.md)."""
