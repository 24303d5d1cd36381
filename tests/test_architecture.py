"""The layering the guide fixes, enforced: the core (app/) never imports Qt or the UI; the
relay and the LINE emulator are standalone services that import neither the desktop core
nor the UI nor Qt (the relay ships alone, in its own container).

Two checks per package: every import statement in its files, read with ``ast`` (imports
inside functions included, so a lazy import cannot slip through), and a fresh interpreter
importing every module of the package and then looking at ``sys.modules`` (which also
catches a third-party module pulling Qt in behind our back).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QT = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "pytestqt")

#: package -> top-level names it must never import.
FORBIDDEN = {
    "app": (*QT, "ui", "main"),
    "relay": (*QT, "app", "ui", "main", "emulator"),
    "emulator": (*QT, "app", "ui", "main", "relay"),
}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "import_module" and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.append((node.lineno, node.args[0].value))
    return found


def _top(name: str) -> str:
    return name.split(".", 1)[0]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_forbidden_import_statement(package: str) -> None:
    offenders = [f"{path.relative_to(ROOT)}:{line} imports {name}"
                 for path in sorted((ROOT / package).rglob("*.py"))
                 for line, name in _imports(path)
                 if _top(name) in FORBIDDEN[package]]
    assert not offenders, "\n".join(offenders)


def test_the_ui_holds_no_sql() -> None:
    """Queries live in app/: ui/ never imports a database layer (it calls app/)."""
    offenders = [f"{path.relative_to(ROOT)}:{line} imports {name}"
                 for path in sorted((ROOT / "ui").rglob("*.py"))
                 for line, name in _imports(path)
                 if _top(name) in ("sqlalchemy", "sqlcipher3", "sqlite3", "alembic")]
    assert not offenders, "\n".join(offenders)


_PROBE = """
import importlib, json, pkgutil, sys
package = sys.argv[1]
root = importlib.import_module(package)
failed = []
for info in pkgutil.walk_packages(root.__path__, package + "."):
    if info.name.endswith("__main__") or ".migrations" in info.name:
        continue
    try:
        importlib.import_module(info.name)
    except Exception as exc:
        failed.append(f"{info.name}: {exc!r}")
print(json.dumps({"modules": sorted(sys.modules), "failed": failed}))
"""


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_importing_the_whole_package_loads_nothing_forbidden(package: str) -> None:
    done = subprocess.run([sys.executable, "-c", _PROBE, package], cwd=ROOT, check=True,
                          capture_output=True, text=True, timeout=300)
    result = json.loads(done.stdout.splitlines()[-1])
    assert not result["failed"]
    assert f"{package}.store" in result["modules"] or package != "app"  # it really walked
    loaded = sorted({_top(m) for m in result["modules"]} & set(FORBIDDEN[package]))
    assert not loaded, f"importing {package} loaded {loaded}"


def test_the_checks_would_see_a_qt_import(tmp_path: Path) -> None:
    """The statement check finds a lazy Qt import and an import_module of the UI."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from PySide6 import QtCore\n"
                   "    import importlib\n    importlib.import_module('ui.app')\n",
                   encoding="utf-8")
    assert {_top(n) for _l, n in _imports(bad)} >= {"PySide6", "ui"}
