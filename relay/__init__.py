"""Otokui relay: receives LINE's webhooks for a shop and holds them, sealed, for its desktops.

LINE can only deliver webhooks to a public HTTPS address, and a shop's desktop has none. The
relay is that address: it verifies each webhook, seals every event for each paired desktop
(HPKE, see :mod:`relay.sealing`), stores it durably, and lets the desktops pull and
acknowledge. It holds no channel access token and no customer book, and never writes a
webhook body, message text or user id unsealed to disk or to its logs. It also serves the
images the shop sends on LINE (:mod:`relay.media`), which by necessity it can read.

Run it with ``python -m relay serve``; docs/relay.md has the HTTP contract and deployment.
This package imports neither Qt nor ``app/``.
"""

#: The HTTP contract version (docs/relay.md). Additive changes keep it; breaking ones bump it.
CONTRACT_VERSION = 1

__version__ = "1.0.0"
