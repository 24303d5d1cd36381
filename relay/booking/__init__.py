"""Reservations on the relay: published free capacity and non-personal holds."""
