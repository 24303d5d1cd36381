"""The relay's settings, read from the environment.

| variable               | meaning                                                     |
|------------------------|-------------------------------------------------------------|
| LINE_CHANNEL_SECRET    | the default shop's channel secret; signs LINE's webhooks    |
| RELAY_ADMIN_SECRET     | turns on the admin page (its password) and lets desktops    |
|                        | hand the relay their channel secret (kept sealed with it)   |
| RELAY_DATABASE_URL     | SQLAlchemy URL; default ``sqlite:///relay.db`` (cwd)        |
| RELAY_PUBLIC_URL       | the relay's public https base URL; media links start with it |
|                        | (default: what Render, Fly.io or Railway say it is)         |
| RELAY_RETENTION_DAYS   | unacknowledged events are purged after this; default 14     |
| RELAY_MEDIA_DAYS       | uploaded images are served, then purged, after; default 14  |
| RELAY_MEDIA_MAX_MB     | images one device may keep stored, in MB; default 500       |
| RELAY_HEADER_TIMEOUT   | seconds a request's headers may take to arrive; default 10  |
| RELAY_BODY_TIMEOUT     | seconds a request's body may take to arrive; default 120    |
| RELAY_KEEPALIVE_TIMEOUT| seconds an idle kept-alive connection stays open; default 5 |
| RELAY_MAX_CONNECTIONS  | open connections at most (more get 503); default 500        |
| RELAY_AUTOPILOT_KEY    | encrypts the autopilot's stored channel access token; the |
|                        | autopilot is refused without it (relay.autopilot)           |
| RELAY_LINE_API_BASE    | the Messaging API the autopilot calls; default api.line.me  |
| RELAY_TRUSTED_PROXIES  | proxies whose X-Forwarded-For is believed (IPs, networks, * |
|                        | for any); default none: the TCP peer is the client           |
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

DEFAULT_DATABASE_URL = "sqlite:///relay.db"
DEFAULT_RETENTION_DAYS = 14
DEFAULT_MEDIA_DAYS = 14
DEFAULT_MEDIA_MAX_MB = 500
DEFAULT_LINE_LOGIN_API = "https://api.line.me"
DEFAULT_LIFF_SDK_URL = "https://static.line-scdn.net/liff/edge/2/sdk.js"
DEFAULT_HEADER_TIMEOUT = 10.0
#: A 10 MB image from a shop's 1 Mbit/s uplink takes 80 s; LINE's webhooks take milliseconds.
DEFAULT_BODY_TIMEOUT = 120.0
DEFAULT_KEEPALIVE_TIMEOUT = 5.0  # uvicorn's own default
DEFAULT_MAX_CONNECTIONS = 500
MIN_ADMIN_SECRET_CHARS = 16

#: Every variable the relay reads (the deployment files' tests check they name no other).
ENV_VARS = ("LINE_CHANNEL_SECRET", "RELAY_ADMIN_SECRET", "RELAY_DATABASE_URL",
            "RELAY_PUBLIC_URL", "RELAY_RETENTION_DAYS", "RELAY_MEDIA_DAYS",
            "RELAY_MEDIA_MAX_MB", "RELAY_HEADER_TIMEOUT", "RELAY_BODY_TIMEOUT",
            "RELAY_KEEPALIVE_TIMEOUT", "RELAY_MAX_CONNECTIONS", "RELAY_TRUSTED_PROXIES",
            "PORT", "RELAY_AUTOPILOT_KEY", "RELAY_LINE_API_BASE")
#: What hosting platforms set by themselves, read for RELAY_PUBLIC_URL's default.
PLATFORM_URL_VARS = ("RENDER_EXTERNAL_URL", "FLY_APP_NAME", "RAILWAY_PUBLIC_DOMAIN")


class ConfigError(Exception):
    """A setting is missing or invalid. The message names the variable, never its value."""


@dataclass(frozen=True)
class Settings:
    # repr=False: a Settings printed in a traceback or a log must not show the secret.
    channel_secret: bytes | None = field(repr=False)
    database_url: str = DEFAULT_DATABASE_URL
    public_url: str | None = None
    retention_days: int = DEFAULT_RETENTION_DAYS
    media_days: int = DEFAULT_MEDIA_DAYS
    media_max_mb: int = DEFAULT_MEDIA_MAX_MB
    #: LIFF (docs/forms.md): both set, or LIFF pages are off.
    liff_id: str | None = None
    line_login_channel_id: str | None = None
    line_login_api: str = DEFAULT_LINE_LOGIN_API
    liff_sdk_url: str = DEFAULT_LIFF_SDK_URL
    header_timeout: float = DEFAULT_HEADER_TIMEOUT
    body_timeout: float = DEFAULT_BODY_TIMEOUT
    keepalive_timeout: float = DEFAULT_KEEPALIVE_TIMEOUT
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    #: Addresses or networks of the reverse proxy in front (e.g. ``("127.0.0.1",)`` for
    #: Caddy on the same host), or ``("*",)``; empty: X-Forwarded-For is ignored.
    trusted_proxies: tuple[str, ...] = ()
    admin_secret: bytes | None = field(default=None, repr=False)
    #: The autopilot's key (relay.autopilot): encrypts the stored channel access token.
    autopilot_key: bytes | None = field(default=None, repr=False)
    #: LINE's Messaging API base (the emulator's in tests).
    line_api_base: str = "https://api.line.me"
    #: Online payments (relay.payments): the key that encrypts the shop's Stripe secret
    #: key at rest (RELAY_PAYMENTS_KEY), and Stripe's API base (the stand-in's in tests).
    payments_key: bytes | None = field(default=None, repr=False)
    stripe_api_base: str = "https://api.stripe.com"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *,
                 require_secret: bool = True) -> Settings:
        """Read the settings; ``require_secret=False`` for host commands (pair, devices).

        ``serve`` needs LINE_CHANNEL_SECRET or RELAY_ADMIN_SECRET: with the second, each
        shop's desktop gives the relay its channel secret when it pairs."""
        env = os.environ if env is None else env
        secret = env.get("LINE_CHANNEL_SECRET", "").strip()
        admin = env.get("RELAY_ADMIN_SECRET", "").strip()
        if admin and len(admin) < MIN_ADMIN_SECRET_CHARS:
            raise ConfigError(f"RELAY_ADMIN_SECRET must be at least {MIN_ADMIN_SECRET_CHARS} "
                              "characters long (a random one is best)")
        if require_secret and not secret and not admin:
            raise ConfigError(
                "LINE_CHANNEL_SECRET is not set. Copy the channel secret from the LINE "
                "Developers console (Messaging API channel, Basic settings), or set "
                "RELAY_ADMIN_SECRET so that the shop's desktop can hand it over.")
        public_url = env.get("RELAY_PUBLIC_URL", "").strip() or platform_url(env)
        if public_url is not None:
            parts = urlsplit(public_url)
            if parts.scheme not in ("https", "http") or not parts.netloc:
                raise ConfigError("RELAY_PUBLIC_URL must be an absolute URL such as "
                                  "https://relay.example.jp")
            public_url = public_url.rstrip("/")
        return cls(
            channel_secret=secret.encode("utf-8") or None,
            admin_secret=admin.encode("utf-8") or None,
            database_url=normalize_database_url(
                env.get("RELAY_DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL),
            public_url=public_url,
            retention_days=_positive_int(env, "RELAY_RETENTION_DAYS", DEFAULT_RETENTION_DAYS),
            media_days=_positive_int(env, "RELAY_MEDIA_DAYS", DEFAULT_MEDIA_DAYS),
            media_max_mb=_positive_int(env, "RELAY_MEDIA_MAX_MB", DEFAULT_MEDIA_MAX_MB,
                                       unit="megabytes"),
            header_timeout=_positive_seconds(env, "RELAY_HEADER_TIMEOUT",
                                             DEFAULT_HEADER_TIMEOUT),
            body_timeout=_positive_seconds(env, "RELAY_BODY_TIMEOUT", DEFAULT_BODY_TIMEOUT),
            keepalive_timeout=_positive_seconds(env, "RELAY_KEEPALIVE_TIMEOUT",
                                                DEFAULT_KEEPALIVE_TIMEOUT),
            max_connections=_positive_int(env, "RELAY_MAX_CONNECTIONS",
                                          DEFAULT_MAX_CONNECTIONS, unit="connections"),
            trusted_proxies=_trusted_proxies(env.get("RELAY_TRUSTED_PROXIES", "")),
            autopilot_key=_autopilot_key(env),
            line_api_base=env.get("RELAY_LINE_API_BASE", "").strip() or "https://api.line.me",
            payments_key=_autopilot_key(env, "RELAY_PAYMENTS_KEY"),
            stripe_api_base=env.get("RELAY_STRIPE_API_BASE", "").strip()
            or "https://api.stripe.com",
        )


def platform_url(env: Mapping[str, str]) -> str | None:
    """The public https address a hosting platform gave the relay, if it says so.

    Render sets RENDER_EXTERNAL_URL, Fly.io FLY_APP_NAME (the app answers at
    ``<name>.fly.dev``), Railway RAILWAY_PUBLIC_DOMAIN once a domain is generated."""
    render = env.get("RENDER_EXTERNAL_URL", "").strip()
    if render:
        return render
    fly = env.get("FLY_APP_NAME", "").strip()
    if fly:
        return f"https://{fly}.fly.dev"
    railway = env.get("RAILWAY_PUBLIC_DOMAIN", "").strip()
    if railway:
        return f"https://{railway}"
    return None


def normalize_database_url(url: str) -> str:
    """Pick the psycopg 3 driver for the plain ``postgres://`` URLs managed databases give."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    if not (url.startswith("sqlite:") or url.startswith("postgresql+")):
        raise ConfigError("RELAY_DATABASE_URL must be a sqlite:/// or postgresql:// URL")
    return url


def _positive_int(env: Mapping[str, str], name: str, default: int, *,
                  unit: str = "days") -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number of {unit}") from None
    if value < 1:
        raise ConfigError(f"{name} must be at least 1")
    return value


def _positive_seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds") from None
    if not 0 < value <= 86_400:  # also refuses nan and inf
        raise ConfigError(f"{name} must be more than 0 and at most 86400 seconds")
    return value


def _trusted_proxies(raw: str) -> tuple[str, ...]:
    items = tuple(item.strip() for item in raw.split(",") if item.strip())
    for item in items:
        if item == "*":
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ConfigError("RELAY_TRUSTED_PROXIES must be a comma-separated list of IP "
                              "addresses or networks (such as 127.0.0.1 or 10.0.0.0/8), "
                              "or *") from None
    return items


def _url(env: Mapping[str, str], name: str, default: str) -> str:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    parts = urlsplit(raw)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ConfigError(f"{name} must be an absolute URL such as {default}")
    return raw.rstrip("/") if name != "RELAY_LIFF_SDK_URL" else raw


def _autopilot_key(env: Mapping[str, str], name: str = "RELAY_AUTOPILOT_KEY") -> bytes | None:
    raw = env.get(name, "").strip()
    if raw and len(raw) < MIN_ADMIN_SECRET_CHARS:
        raise ConfigError(f"{name} must be at least {MIN_ADMIN_SECRET_CHARS} "
                          "characters long (a random one is best)")
    return raw.encode("utf-8") or None
