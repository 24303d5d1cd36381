"""Running the relay app on uvicorn, for the CLI, the tests and the benchmark alike."""

from __future__ import annotations

import socket

import uvicorn

from relay.app import RelayService, create_app
from relay.connections import ConnectionLimits, guarded_protocol


class RelayServer(uvicorn.Server):
    """uvicorn's server, which first releases long-polls when it is asked to stop.

    Without this a stop would wait for every ``GET /v1/events?wait=30`` to time out.
    """

    def __init__(self, config: uvicorn.Config, service: RelayService) -> None:
        super().__init__(config)
        self.service = service

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.service.begin_shutdown()
        await super().shutdown(sockets=sockets)


def build_server(service: RelayService, host: str, port: int, *,
                 log_level: str = "info") -> RelayServer:
    app = create_app(service)
    settings = service.settings
    limits = ConnectionLimits(header_timeout=settings.header_timeout,
                              body_timeout=settings.body_timeout,
                              max_connections=settings.max_connections)
    config = uvicorn.Config(
        app, host=host, port=port,
        # The relay's own logging setup applies; uvicorn's access log stays off (it would
        # add a line per webhook and nothing the relay's counters do not already say).
        log_config=None, access_log=False, log_level=log_level,
        server_header=False, lifespan="on", timeout_graceful_shutdown=10,
        # httptools with header/body deadlines and a connection cap (relay.connections).
        # Not uvicorn's limit_concurrency: it answers 503 only once a request's headers
        # are in, so slow-header connections would each still hold a socket.
        http=guarded_protocol(limits),
        timeout_keep_alive=settings.keepalive_timeout,  # type: ignore[arg-type]
        # X-Forwarded-For only from the proxies named in RELAY_TRUSTED_PROXIES (uvicorn
        # would otherwise believe any local process); it decides whose pairing tries count.
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=list(settings.trusted_proxies),
    )
    return RelayServer(config, service)
