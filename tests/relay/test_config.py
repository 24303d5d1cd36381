"""relay.config: settings from the environment, and nothing secret in their repr."""

from __future__ import annotations

import pytest

from relay.config import ConfigError, Settings


def test_defaults_and_postgres_urls() -> None:
    settings = Settings.from_env({"LINE_CHANNEL_SECRET": "s3cret"})
    assert settings.database_url == "sqlite:///relay.db"
    assert (settings.retention_days, settings.media_days, settings.public_url) == (14, 14, None)
    assert settings.media_max_mb == 500
    for given in ("postgres://u:p@db.example/relay", "postgresql://u:p@db.example/relay"):
        url = Settings.from_env({"LINE_CHANNEL_SECRET": "s", "RELAY_DATABASE_URL": given})
        assert url.database_url == "postgresql+psycopg://u:p@db.example/relay"


def test_public_url_and_days() -> None:
    settings = Settings.from_env({
        "LINE_CHANNEL_SECRET": "s", "RELAY_PUBLIC_URL": "https://relay.example.jp/",
        "RELAY_RETENTION_DAYS": "30", "RELAY_MEDIA_DAYS": "7", "RELAY_MEDIA_MAX_MB": "50"})
    assert settings.public_url == "https://relay.example.jp"
    assert (settings.retention_days, settings.media_days) == (30, 7)
    assert settings.media_max_mb == 50


def test_connection_limits() -> None:
    defaults = Settings.from_env({"LINE_CHANNEL_SECRET": "s"})
    assert (defaults.header_timeout, defaults.body_timeout, defaults.keepalive_timeout,
            defaults.max_connections) == (10.0, 120.0, 5.0, 500)
    settings = Settings.from_env({
        "LINE_CHANNEL_SECRET": "s", "RELAY_HEADER_TIMEOUT": "2.5", "RELAY_BODY_TIMEOUT": "30",
        "RELAY_KEEPALIVE_TIMEOUT": "1", "RELAY_MAX_CONNECTIONS": "64"})
    assert (settings.header_timeout, settings.body_timeout, settings.keepalive_timeout,
            settings.max_connections) == (2.5, 30.0, 1.0, 64)
    assert defaults.trusted_proxies == ()
    assert Settings.from_env({"LINE_CHANNEL_SECRET": "s", "RELAY_TRUSTED_PROXIES":
                              " 127.0.0.1, ::1,10.0.0.0/8 "}).trusted_proxies == (
        "127.0.0.1", "::1", "10.0.0.0/8")
    assert Settings.from_env({"LINE_CHANNEL_SECRET": "s", "RELAY_TRUSTED_PROXIES": "*"}
                             ).trusted_proxies == ("*",)


@pytest.mark.parametrize("env, named", [
    ({}, "LINE_CHANNEL_SECRET"),
    ({"LINE_CHANNEL_SECRET": "   "}, "LINE_CHANNEL_SECRET"),
    ({"LINE_CHANNEL_SECRET": "s", "RELAY_RETENTION_DAYS": "0"}, "RELAY_RETENTION_DAYS"),
    ({"LINE_CHANNEL_SECRET": "s", "RELAY_MEDIA_DAYS": "1.5"}, "RELAY_MEDIA_DAYS"),
    ({"LINE_CHANNEL_SECRET": "s", "RELAY_MEDIA_MAX_MB": "0"}, "RELAY_MEDIA_MAX_MB"),
    ({"LINE_CHANNEL_SECRET": "s", "RELAY_MEDIA_MAX_MB": "1GB"}, "RELAY_MEDIA_MAX_MB .* megabytes"),
    ({"LINE_CHANNEL_SECRET": "s", "RELAY_PUBLIC_URL": "relay.example.jp"}, "RELAY_PUBLIC_URL"),
    ({"LINE_CHANNEL_SECRET": "s", "RELAY_DATABASE_URL": "mysql://x/y"}, "RELAY_DATABASE_URL"),
    ({"LINE_CHANNEL_SECRET": "s", "RELAY_HEADER_TIMEOUT": "0"}, "RELAY_HEADER_TIMEOUT"),
    ({"LINE_CHANNEL_SECRET": "s", "RELAY_BODY_TIMEOUT": "nan"}, "RELAY_BODY_TIMEOUT"),
    ({"LINE_CHANNEL_SECRET": "s", "RELAY_KEEPALIVE_TIMEOUT": "5s"}, "RELAY_KEEPALIVE_TIMEOUT"),
    ({"LINE_CHANNEL_SECRET": "s", "RELAY_MAX_CONNECTIONS": "-1"}, "RELAY_MAX_CONNECTIONS"),
    ({"LINE_CHANNEL_SECRET": "s", "RELAY_TRUSTED_PROXIES": "caddy"}, "RELAY_TRUSTED_PROXIES"),
    ({"RELAY_ADMIN_SECRET": "short"}, "RELAY_ADMIN_SECRET must be at least 16"),
])
def test_bad_settings_name_the_variable(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        Settings.from_env(env)


def test_secret_is_not_in_repr_and_optional_for_host_commands() -> None:
    settings = Settings.from_env({"LINE_CHANNEL_SECRET": "channel-secret-value"})
    assert "channel-secret-value" not in repr(settings)
    assert Settings.from_env({}, require_secret=False).channel_secret is None


def test_an_admin_secret_alone_is_enough_to_serve_and_stays_out_of_repr() -> None:
    settings = Settings.from_env({"RELAY_ADMIN_SECRET": "a-long-admin-secret-value"})
    assert settings.channel_secret is None
    assert settings.admin_secret == b"a-long-admin-secret-value"
    assert "a-long-admin-secret-value" not in repr(settings)


@pytest.mark.parametrize("env, url", [
    ({"RENDER_EXTERNAL_URL": "https://otokui-relay.onrender.com"},
     "https://otokui-relay.onrender.com"),
    ({"FLY_APP_NAME": "otokui-relay-sakura"}, "https://otokui-relay-sakura.fly.dev"),
    ({"RAILWAY_PUBLIC_DOMAIN": "relay-production.up.railway.app"},
     "https://relay-production.up.railway.app"),
    ({"FLY_APP_NAME": "x", "RELAY_PUBLIC_URL": "https://relay.example.jp"},
     "https://relay.example.jp"),
])
def test_public_url_defaults_to_what_the_platform_says(env: dict[str, str], url: str) -> None:
    assert Settings.from_env({"LINE_CHANNEL_SECRET": "s", **env}).public_url == url
