"""What every screenshot script needs: a virtual screen, and time for Qt to paint.

The scripts (bench/screenshots*.py) take the pictures in docs/screenshots; run without a
display, each re-runs itself under ``xvfb-run`` (Debian: xvfb, fonts-noto-cjk).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def under_xvfb(module: str, screen: str = "1600x1200x24") -> int | None:
    """Re-run ``python -m module`` (with this run's arguments) on a virtual screen unless
    one is already there; its exit status, or None when this process should go on."""
    if os.environ.get("DISPLAY") or os.environ.get("OTOKUI_SCREENSHOT_CHILD"):
        return None
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        raise SystemExit("xvfb-run is missing: apt-get install xvfb fonts-noto-cjk")
    env = dict(os.environ, OTOKUI_SCREENSHOT_CHILD="1", QT_QPA_PLATFORM="xcb")
    return subprocess.call([xvfb, "-a", "-s", f"-screen 0 {screen}", sys.executable,
                            "-m", module, *sys.argv[1:]], cwd=ROOT, env=env)


def settle(app: Any, ms: int = 300) -> None:
    """Let Qt run its events for ``ms`` (layouts, paints, timers) before a picture."""
    end = time.perf_counter() + ms / 1000
    while time.perf_counter() < end:
        app.processEvents()
