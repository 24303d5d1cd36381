"""Reservations (予約): setup, availability, bookings (Qt-free). See docs/reservations.md."""
