"""Translations: keeping the .ts sources up to date, compiling them, installing them.

English is the source language of every string; Japanese is shown by default. Three
translation sources, so that people working at the same time never edit the same file:

* ``otokui_window_ja.ts``: the main window, its models and widgets, previews, crash dialog;
* ``otokui_dialogs_ja.ts``: the dialogs in ``ui/dialogs``;
* ``otokui_core_ja.ts``: messages of the Qt-free core (``app/``), marked there with
  ``QT_TRANSLATE_NOOP(context, text)``;
* ``otokui_inbox_ja.ts``: the chat inbox (``ui/inbox``);
* ``otokui_broadcast_ja.ts``: broadcasts in the window (``ui/broadcast``);
* ``otokui_forms_ja.ts``: the forms window, builder and answers (``ui/forms``);
* a feature area added later keeps one catalog for its core package and its window code
  (``otokui_<area>``: ``app/<area>`` and ``ui/<area>``), left out of the broader ones (see
  :func:`catalog_files`).

``python -m ui.i18n update`` refreshes the .ts files from the code (pyside6-lupdate);
``python -m ui.i18n compile`` builds the .qm files next to them (pyside6-lrelease; they
are build outputs and not kept in git). :func:`install_translators` loads every
``otokui_*_<lang>.qm`` and Qt's own ``qtbase_<lang>.qm`` (so standard dialogs and buttons
speak the same language), as Picard's ``picard/i18n/qt.py`` does.
"""

from __future__ import annotations

import ast
import logging
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from ui.resources import translations_dir

log = logging.getLogger("otokui.ui.i18n")

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("ja",)  # translated into; English is the source

#: Which sources feed which translation file (paths relative to the repository).
TS_SOURCES: dict[str, list[str]] = {
    "otokui_window": ["ui/app.py", "ui/main_window.py", "ui/preview.py", "ui/crash.py",
                      "ui/errors.py", "ui/worker.py", "ui/formatting.py", "ui/lock.py",
                      "ui/models", "ui/widgets", "ui/photos.py"],
    "otokui_dialogs": ["ui/dialogs"],
    "otokui_core": ["app"],
    "otokui_inbox": ["ui/inbox"],
    "otokui_segments": ["ui/segments"],
    "otokui_broadcast": ["ui/broadcast"],
    "otokui_forms": ["ui/forms"],
    "otokui_booking": ["app/booking", "ui/booking"],
    "otokui_privacy": ["app/privacy", "ui/privacy"],
    "otokui_automation": ["app/automation", "ui/automation"],
    "otokui_purchases": ["app/purchases", "app/members", "ui/purchases"],
    "otokui_routes": ["app/routes", "ui/routes"],
    "otokui_analytics": ["app/analytics", "ui/analytics"],
}

_installed: list[QTranslator] = []
_language = "ja"


# --- at run time ---------------------------------------------------------------------------

def current_language() -> str:
    return _language


def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Load Otokui's and Qt's translations for ``language``; replaces earlier ones."""
    global _language
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    _language = language if language in (*LANGUAGES, "en") else "ja"
    locale = QLocale(QLocale.Language.Japanese, QLocale.Country.Japan) if _language == "ja" \
        else QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    QLocale.setDefault(locale)
    if _language == "en":
        return []
    found = sorted(translations_dir().glob(f"otokui_*_{_language}.qm"))
    if not found:
        log.warning("no compiled translations for %s (run: python -m ui.i18n compile)",
                    _language)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    candidates = [(p.parent, p.stem) for p in found]
    candidates.append((Path(qt_dir), f"qtbase_{_language}"))
    for folder, stem in candidates:
        translator = QTranslator(app)
        if translator.load(stem, str(folder)):
            app.installTranslator(translator)
            _installed.append(translator)
        else:
            log.info("translation %s not found", stem)
    return list(_installed)


def uninstall_translators(app: QCoreApplication) -> None:
    """Back to the source texts with Japanese formats, as before any install (tests)."""
    global _language
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    _language = "ja"
    QLocale.setDefault(QLocale(QLocale.Language.Japanese, QLocale.Country.Japan))


def compile_if_stale() -> None:
    """In a source checkout, build .qm files that are missing or older than their .ts.

    A convenience for running from source; bundles ship compiled .qm files and have no
    lrelease, so nothing happens there.
    """
    if getattr(sys, "frozen", False) or _tool("lrelease") is None:
        return
    stale = [ts for ts in translations_dir().glob("*.ts")
             if not ts.with_suffix(".qm").exists()
             or ts.with_suffix(".qm").stat().st_mtime < ts.stat().st_mtime]
    if stale:
        compile_all(stale)


# --- build time -----------------------------------------------------------------------------

def _tool(name: str) -> str | None:
    here = Path(sys.executable).parent / f"pyside6-{name}"
    if here.exists():
        return str(here)
    return shutil.which(f"pyside6-{name}")


def _python_files(entries: list[str]) -> list[Path]:
    files: list[Path] = []
    for entry in entries:
        path = ROOT / entry
        if path.is_dir():
            files += sorted(p for p in path.rglob("*.py") if "migrations" not in p.parts)
        elif path.exists():
            files.append(path)
    return files


def catalog_files(name: str) -> list[Path]:
    """The Python files whose messages go into catalog ``name``.

    A feature area may keep its own catalog for both its core and its window code (e.g.
    ``["app/automation", "ui/automation"]``), so that people working on different areas
    never edit the same .ts file: a path claimed by a more specific entry of another
    catalog is left out of the broader one (``app/automation`` out of ``otokui_core``).
    """
    entries = TS_SOURCES[name]
    mine = [ROOT / e for e in entries]
    claimed = [ROOT / e for other, es in TS_SOURCES.items() if other != name for e in es
               if any((ROOT / e) != m and (ROOT / e).is_relative_to(m) for m in mine)]
    return [f for f in _python_files(entries)
            if not any(f == c or f.is_relative_to(c) for c in claimed)]


def core_messages(files: list[Path]) -> list[tuple[str, str]]:
    """(context, text) of every ``QT_TRANSLATE_NOOP`` call in ``files``.

    lupdate only understands a literal context, while the core names its context once per
    module (``_CTX = "tags"``); this resolves such module-level constants.
    """
    found: list[tuple[str, str]] = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        constants: dict[str, str] = {}
        for stmt in tree.body:
            if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                    and isinstance(stmt.targets[0], ast.Name)
                    and isinstance(stmt.value, ast.Constant)
                    and isinstance(stmt.value.value, str)):
                constants[stmt.targets[0].id] = stmt.value.value
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "QT_TRANSLATE_NOOP" and len(node.args) == 2):
                continue
            ctx_node, text_node = node.args
            if isinstance(ctx_node, ast.Constant):
                ctx = ctx_node.value
            elif isinstance(ctx_node, ast.Name):
                ctx = constants.get(ctx_node.id)
            else:
                ctx = None
            text = _literal_text(text_node)
            if isinstance(ctx, str) and text is not None:
                found.append((ctx, text))
            else:
                log.warning("%s:%d: message not extracted", path.name, node.lineno)
    return found


def _literal_text(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def update(names: list[str] | None = None) -> list[Path]:
    """Refresh the .ts files from the code, keeping every translation already made."""
    lupdate = _tool("lupdate")
    if lupdate is None:
        raise SystemExit("pyside6-lupdate is not installed")
    out: list[Path] = []
    for name in TS_SOURCES:
        if names and name not in names:
            continue
        files = catalog_files(name)
        if not files:
            continue
        core = [f for f in files if f.is_relative_to(ROOT / "app")]
        for lang in LANGUAGES:
            ts = translations_dir() / f"{name}_{lang}.ts"
            ts.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory() as tmp:
                sources = [str(f) for f in files if f not in core]
                if core:
                    # Hand lupdate the core's messages with their contexts written out.
                    shim = Path(tmp) / "core_messages.py"
                    shim.write_text("".join(
                        f"QT_TRANSLATE_NOOP({ctx!r}, {text!r})\n"
                        for ctx, text in core_messages(core)), encoding="utf-8")
                    sources.append(str(shim))
                subprocess.run([lupdate, "-locations", "none", "-no-obsolete", *sources,
                                "-ts", str(ts)], check=True)
            out.append(ts)
    return out


def compile_all(ts_files: list[Path] | None = None) -> list[Path]:
    lrelease = _tool("lrelease")
    if lrelease is None:
        raise SystemExit("pyside6-lrelease is not installed")
    out = []
    for ts in ts_files or sorted(translations_dir().glob("*.ts")):
        qm = ts.with_suffix(".qm")
        subprocess.run([lrelease, "-silent", str(ts), "-qm", str(qm)], check=True)
        out.append(qm)
    return out


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("update", "compile"):
        print("usage: python -m ui.i18n update [ts-name ...] | compile")
        return 2
    if argv[0] == "update":
        for ts in update(argv[1:] or None):
            print(ts.relative_to(ROOT))
    else:
        for qm in compile_all():
            print(qm.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
