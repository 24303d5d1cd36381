"""Otokui's one entry point.

    python main.py                      open the app
    python main.py --demo               open the live demo (no LINE account needed)
    python main.py [--profile DIR] COMMAND ...   run a command headless (see --help)
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from app.cli import build_parser, profile_dir, run

    args = build_parser().parse_args(argv)
    if args.command == "self-test":
        from app import selftest
        from ui.selftest import check_qt

        selftest.register("qt", check_qt)
    if args.command is not None:
        return run(args)
    from ui.app import run as run_app

    return run_app(profile_dir(args), demo=args.demo)


if __name__ == "__main__":
    sys.exit(main())
