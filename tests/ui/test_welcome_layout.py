"""The first-run passphrase page fits at 100 %–200 % scaling: inputs at their full height,
hints and messages not clipped, and no stale error once both entries match (issue 9).

QT_SCALE_FACTOR is read when Qt starts, so each scale runs in a child process
(tests/ui/welcome_layout_probe.py) that prints what it measured."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("scale", ["1", "1.5", "2"])
def test_passphrase_page_is_not_squashed(scale: str) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR=scale,
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    done = subprocess.run([sys.executable, "-m", "tests.ui.welcome_layout_probe"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    steps = ("start", "refused", "short", "different", "same")
    # The hints change length as the owner types: the field below stays where it was.
    assert len({out[step]["second_y"] for step in steps}) == 1, out
    for step in steps:
        for height, wanted in out[step]["inputs"]:
            assert height >= wanted >= 20, (scale, step, out[step])
        for height, wanted in out[step]["labels"]:
            assert height >= wanted, (scale, step, out[step])
    assert out["refused"]["error"] is True
    assert out["different"]["error"] is False  # typing again clears the stale error
    assert out["same"]["error"] is False
