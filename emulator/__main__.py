"""``python -m emulator --port P --channel-secret S --access-token T --webhook-url URL``"""

from __future__ import annotations

import argparse
import logging
import signal
import sys

from emulator.server import bind, make_server
from emulator.state import Emulator


def _quota(text: str) -> int | None:
    if text.lower() == "none":
        return None
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("quota must be none or a non-negative number")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m emulator",
        description="A local LINE Platform emulator (Messaging API + signed webhooks).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True, help="0 picks a free port")
    parser.add_argument("--data-port", type=int, default=0,
                        help="port of the data host (message content, api-data.line.me at "
                             "LINE); default 0 picks a free port")
    parser.add_argument("--channel-secret", required=True)
    parser.add_argument("--access-token", required=True)
    parser.add_argument("--webhook-url", default=None,
                        help="where to POST signed webhooks (none: API side only)")
    parser.add_argument("--quota", type=_quota, default=200,
                        help="monthly message limit, or 'none' (default 200, the free plan)")
    parser.add_argument("--seed", type=int, default=None, help="make ids reproducible")
    parser.add_argument("--bot-name", default="Otokui Demo Shop")
    parser.add_argument("--redelivery", action="store_true",
                        help="retry failed webhook deliveries with isRedelivery: true")
    parser.add_argument("--unverified", action="store_true",
                        help="an unverified account: followers ids answers 403")
    parser.add_argument("--webhook-batch-size", type=int, default=10,
                        help="most events in one webhook POST (default 10)")
    parser.add_argument("--log-level", default="info",
                        choices=["debug", "info", "warning", "error"])
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(),
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    emulator = Emulator(args.channel_secret, args.access_token, args.webhook_url,
                        seed=args.seed, quota=args.quota, bot_display_name=args.bot_name,
                        redelivery=args.redelivery, followers_api=not args.unverified,
                        webhook_batch_size=max(1, args.webhook_batch_size))
    sockets = []
    for port in (args.port, args.data_port):
        try:
            sockets.append(bind(args.host, port))
        except OSError as exc:
            print(f"cannot listen on {args.host}:{port}: {exc.strerror}", file=sys.stderr)
            for sock in sockets:
                sock.close()
            emulator.close()
            return 2
    sock, data_sock = sockets
    host, port = sock.getsockname()[:2]
    data_port = data_sock.getsockname()[1]
    # Printed (not logged) so scripts can read the ports; never the secret or token.
    print(f"LINE emulator listening on http://{host}:{port} "
          f"(content: http://{host}:{data_port})", flush=True)
    # uvicorn shuts down gracefully on SIGINT/SIGTERM, then re-raises the signal to the
    # handler found at start. Quiet handlers make that a clean exit (status 0).
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: None)
    try:
        make_server(emulator, log_level=args.log_level,
                    data_port=data_port).run(sockets=[sock, data_sock])
    finally:
        sock.close()
        data_sock.close()
        emulator.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
