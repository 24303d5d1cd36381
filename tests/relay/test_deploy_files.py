"""The one-click deployment files name what the relay really is: its Dockerfile, start
command, port, health path and environment variables (none of them can be deployed from
a test; this is what can be checked here). And, when asked for, the Dockerfile's steps run
in a plain virtual environment and the relay they install starts and answers."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import httpx
import pytest
import yaml

from relay.config import ENV_VARS, PLATFORM_URL_VARS
from tests.relay.harness import free_port

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "relay" / "Dockerfile"
HEALTH = "/healthz"


def _dockerfile() -> dict[str, object]:
    """The Dockerfile's ENV values, RUN lines, CMD and whether it declares a VOLUME."""
    text = DOCKERFILE.read_text()
    joined = re.sub(r"\\\n\s*", " ", text)
    env: dict[str, str] = {}
    runs: list[str] = []
    cmd: list[str] = []
    volume = False
    for line in joined.splitlines():
        line = line.strip()
        if line.startswith("ENV "):
            for pair in shlex.split(line[4:]):
                key, _, value = pair.partition("=")
                env[key] = value
        elif line.startswith("RUN "):
            runs.append(line[4:])
        elif line.startswith("CMD "):
            cmd = json.loads(line[4:])
        elif line.startswith("VOLUME"):
            volume = True
    return {"env": env, "runs": runs, "cmd": cmd, "volume": volume}


def _relay_routes() -> set[str]:
    from relay.app import RelayService, create_app
    from relay.config import Settings
    from relay.store import Store

    store = Store.open("sqlite:///:memory:")
    try:
        app = create_app(RelayService(Settings(channel_secret=b"s" * 32), store))
        return {getattr(r, "path", "") for r in app.routes}
    finally:
        store.close()


def test_the_dockerfile_starts_the_relay_on_port_and_knows_only_real_variables() -> None:
    docker = _dockerfile()
    cmd = " ".join(docker["cmd"])  # type: ignore[arg-type]
    assert "python -m relay serve" in cmd and "--host 0.0.0.0" in cmd
    assert '--port "${PORT:-8080}"' in cmd
    env = docker["env"]
    assert isinstance(env, dict)
    assert env["PORT"] == "8080" and env["RELAY_DATABASE_URL"] == "sqlite:////data/relay.db"
    relay_vars = {k for k in env if k.startswith(("RELAY_", "LINE_")) or k == "PORT"}
    assert relay_vars <= set(ENV_VARS)
    assert docker["volume"] is False, "Railway refuses a Dockerfile with VOLUME"
    assert HEALTH in _relay_routes()
    # the start command's options exist
    result = subprocess.run([sys.executable, "-m", "relay", "serve", "--help"], cwd=REPO,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0 and "--host" in result.stdout and "--port" in result.stdout


def test_render_blueprint() -> None:
    blueprint = yaml.safe_load((REPO / "render.yaml").read_text())
    (service,) = blueprint["services"]
    assert service["type"] == "web" and service["runtime"] == "docker"
    assert (REPO / service["dockerContext"] / service["dockerfilePath"]).resolve() == DOCKERFILE
    assert service["healthCheckPath"] == HEALTH
    env = {item["key"]: item for item in service["envVars"]}
    assert set(env) <= set(ENV_VARS)
    assert env["RELAY_ADMIN_SECRET"]["generateValue"] is True
    # behind the platform's proxy only: each client's wrong pairing codes counted apart
    assert env["RELAY_TRUSTED_PROXIES"]["value"] == "*"
    database = env["RELAY_DATABASE_URL"]["fromDatabase"]
    assert database["property"] == "connectionString"
    assert database["name"] in {db["name"] for db in blueprint["databases"]}
    # Render gives the relay its public address itself.
    assert "RENDER_EXTERNAL_URL" in PLATFORM_URL_VARS


def test_fly_config() -> None:
    fly = tomllib.loads((REPO / "fly.toml").read_text())
    assert (REPO / fly["build"]["dockerfile"]).resolve() == DOCKERFILE
    port = int(fly["env"]["PORT"])
    assert fly["http_service"]["internal_port"] == port == int(
        _dockerfile()["env"]["PORT"])  # type: ignore[index]
    assert set(fly["env"]) <= set(ENV_VARS)
    assert fly["env"]["RELAY_TRUSTED_PROXIES"] == "*"
    (mount,) = fly["mounts"]
    database = fly["env"]["RELAY_DATABASE_URL"]
    assert database.startswith("sqlite:///") and database[len("sqlite:///"):].startswith(
        mount["destination"] + "/")
    assert [c["path"] for c in fly["http_service"]["checks"]] == [HEALTH]
    # SQLite: exactly one machine, never stopped under LINE's 2-second limit
    assert fly["http_service"]["min_machines_running"] == 1
    assert fly["http_service"]["auto_stop_machines"] == "off"
    assert "FLY_APP_NAME" in PLATFORM_URL_VARS


def test_railway_config() -> None:
    railway = json.loads((REPO / "railway.json").read_text())
    assert railway["build"]["builder"] == "DOCKERFILE"
    assert (REPO / railway["build"]["dockerfilePath"]).resolve() == DOCKERFILE
    assert railway["deploy"]["healthcheckPath"] == HEALTH
    assert "RAILWAY_PUBLIC_DOMAIN" in PLATFORM_URL_VARS


def test_the_docs_name_the_same_variables() -> None:
    guide = (REPO / "docs" / "connect-line.md").read_text()
    for name in ("RELAY_ADMIN_SECRET", "RELAY_DATABASE_URL"):
        assert name in guide
    for name in re.findall(r"\b((?:RELAY|LINE)_[A-Z_]+)\b", guide):
        assert name in ENV_VARS, f"docs/connect-line.md names {name}, which the relay ignores"


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("OTOKUI_TEST_DOCKERFILE_STEPS"),
                    reason="installs relay/requirements.txt from the package index into a "
                    "fresh venv: set OTOKUI_TEST_DOCKERFILE_STEPS=1 to run it")
def test_the_dockerfiles_steps_in_a_plain_venv(tmp_path: Path) -> None:
    """RUN and COPY as the image does them (in a venv instead of the image's Python, a
    folder instead of /srv and /data), then CMD: the relay must answer /healthz and put
    the admin page's one-time link in its log."""
    docker = _dockerfile()
    srv, data = tmp_path / "srv", tmp_path / "data"
    subprocess.run([sys.executable, "-m", "venv", str(tmp_path / "venv")], check=True)
    bin_dir = tmp_path / "venv" / "bin"
    (srv / "relay").mkdir(parents=True)
    shutil.copy(REPO / "relay" / "requirements.txt", srv / "relay" / "requirements.txt")
    for run in docker["runs"]:  # type: ignore[union-attr]
        if run.startswith("pip install"):
            command = run.replace("/srv", str(srv))
            subprocess.run(command, shell=True, check=True, timeout=900,  # noqa: S602
                           env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"})
    shutil.rmtree(srv / "relay")
    shutil.copytree(REPO / "relay", srv / "relay",
                    ignore=shutil.ignore_patterns("__pycache__"))
    data.mkdir()
    env = {k: v.replace("/srv", str(srv)).replace("/data", str(data))
           for k, v in docker["env"].items()}  # type: ignore[union-attr]
    port = free_port()
    env.update({"PATH": f"{bin_dir}:/usr/bin:/bin", "PORT": str(port),
                "RELAY_ADMIN_SECRET": "a-deployment-secret-of-some-length"})
    log = (tmp_path / "relay.log").open("wb")
    proc = subprocess.Popen(docker["cmd"], cwd=tmp_path, env=env,  # type: ignore[arg-type]
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (tmp_path / "relay.log").read_text()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the relay did not answer"
            time.sleep(0.2)
        assert httpx.get(f"http://127.0.0.1:{port}/admin", timeout=5).status_code == 200
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()
    text = (tmp_path / "relay.log").read_text()
    assert "/admin/once/" in text
    assert "a-deployment-secret-of-some-length" not in text
    assert (data / "relay.db").exists()
