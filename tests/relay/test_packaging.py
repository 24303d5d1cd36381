"""The relay ships on its own: its pins match the project's, and it needs neither Qt nor app/."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            name, _, version = line.partition("==")
            pins[name.split("[")[0].lower()] = line
            assert version, f"{path.name}: {line} is not pinned with =="
    return pins


def test_relay_requirements_are_the_projects_pins() -> None:
    relay = _pins(REPO / "relay" / "requirements.txt")
    project = _pins(REPO / "requirements.txt")
    assert {"starlette", "uvicorn", "sqlalchemy", "cryptography", "psycopg"} <= set(relay)
    for name, line in relay.items():
        assert project.get(name) == line, f"relay/requirements.txt {line} != requirements.txt"


def test_dockerfile_installs_only_the_relay() -> None:
    dockerfile = (REPO / "relay" / "Dockerfile").read_text()
    assert "pip install -r /srv/relay/requirements.txt" in dockerfile
    assert "COPY relay /srv/relay" in dockerfile
    assert "COPY . " not in dockerfile and "app/" not in dockerfile
    assert "USER relay" in dockerfile


def test_relay_imports_without_app_or_qt(tmp_path: Path) -> None:
    # A copy of relay/ alone, as the image has it: app/ and ui/ are not there to import.
    shutil.copytree(REPO / "relay", tmp_path / "relay",
                    ignore=shutil.ignore_patterns("__pycache__"))
    probe = (
        "import sys\n"
        "import relay.app, relay.cli, relay.sealing, relay.server\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'app', 'ui', 'PySide6'})\n"
        "assert not bad, bad\n"
        "print('ok')\n")
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True,
                            text=True, timeout=60, env={"PATH": "/usr/bin:/bin"}, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
