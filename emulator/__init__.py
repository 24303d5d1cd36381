"""A local stand-in for the LINE Platform (Messaging API + webhooks) for tests,
benchmarks and the demo. See docs/emulator.md.

    from emulator import run_in_thread
    with run_in_thread(channel_secret="s", access_token="t", webhook_url=url) as line:
        uid = line.emulator.add_user("山田 花子")
        ...  # point the SDK at line.base_url
"""

from emulator.clock import Clock, ManualClock, SystemClock
from emulator.server import RunningEmulator, create_app, run_in_thread
from emulator.state import ApiResult, ControlError, Emulator, LineApiError, Settings
from emulator.webhook import sign

__all__ = [
    "ApiResult", "Clock", "ControlError", "Emulator", "LineApiError", "ManualClock",
    "RunningEmulator", "Settings", "SystemClock", "create_app", "run_in_thread", "sign",
]
