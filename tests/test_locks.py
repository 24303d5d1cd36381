"""The hashed lock files agree with the human-edited requirement files (offline check).

requirements*.txt are edited by people; requirements*.lock are written from them by
`bash .ci/lock` and are what CI and the README install, with --require-hashes. When
someone adds or changes a pin and forgets to re-run the lock, this fails and says so.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PAIRS = [("requirements.txt", "requirements.lock"),
         ("requirements-dev.txt", "requirements-dev.lock")]
RERUN = "run `bash .ci/lock` and commit the .lock files"


def _requirements(path: Path) -> list[Requirement]:
    out: list[Requirement] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("-r "):
            out += _requirements(path.parent / line[3:].strip())
            continue
        out.append(Requirement(line))
    return out


def _locked(path: Path) -> dict[str, list[tuple[str, str, int]]]:
    """name -> [(version, marker, number of hashes)] (a name may be locked per marker)."""
    text = path.read_text(encoding="utf-8")
    entries: dict[str, list[tuple[str, str, int]]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = re.match(r"([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^\s;\\]+)\s*(?:;\s*([^\\\n]+))?",
                         block)
        if match:
            name, version, marker = match.groups()
            entries.setdefault(canonicalize_name(name), []).append(
                (version, (marker or "").strip(), block.count("--hash=sha256:")))
    return entries


@pytest.mark.parametrize(("source", "lock"), PAIRS)
def test_every_pin_is_locked_at_its_version(source: str, lock: str) -> None:
    locked = _locked(ROOT / lock)
    problems = []
    for req in _requirements(ROOT / source):
        versions = {v for v, _m, _h in locked.get(canonicalize_name(req.name), [])}
        if not versions:
            problems.append(f"{req.name} is not in {lock}")
        elif not all(req.specifier.contains(v, prereleases=True) for v in versions):
            problems.append(f"{req.name}{req.specifier} but {lock} has {sorted(versions)}")
    assert not problems, "; ".join(problems) + f": {RERUN}"


@pytest.mark.parametrize("lock", [lock for _s, lock in PAIRS])
def test_every_locked_package_has_hashes(lock: str) -> None:
    locked = _locked(ROOT / lock)
    assert len(locked) > 20
    bare = [name for name, entries in locked.items() for _v, _m, hashes in entries if not hashes]
    assert not bare, f"no hashes for {bare}: {RERUN}"


def test_per_system_packages_keep_their_markers() -> None:
    """One lock serves every system: what only some systems install is under a marker."""
    locked = _locked(ROOT / "requirements.lock")
    assert locked["uvloop"][0][1] == "sys_platform != 'win32'"
    assert locked["pywin32-ctypes"][0][1] == "sys_platform == 'win32'"
    assert locked["secretstorage"][0][1] == "sys_platform == 'linux'"


def test_the_dev_lock_holds_the_runtime_lock() -> None:
    runtime, dev = _locked(ROOT / "requirements.lock"), _locked(ROOT / "requirements-dev.lock")
    differ = [name for name, entries in runtime.items()
              if {v for v, _m, _h in entries} != {v for v, _m, _h in dev.get(name, [])}]
    assert not differ, f"runtime and dev locks disagree on {differ}: {RERUN}"
