"""build.spec is coherent with the code and this virtualenv, checked without running PyInstaller.

The spec keeps its lists as plain literals and its helpers above ``# --- the build``; the
top part has no side effects, so these tests execute it (with the ``SPECPATH`` PyInstaller
would give) and check what it would feed PyInstaller. Building for real takes a minute or
more: that is the slow test at the end, run with ``OTOKUI_TEST_BUNDLE=1``.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build.spec"
BUILD_MARKER = "# --- the build"


def _spec_namespace() -> dict:
    text = SPEC.read_text(encoding="utf-8")
    assert BUILD_MARKER in text, "build.spec must keep its lists and helpers above the build"
    top = text.split(BUILD_MARKER, 1)[0]
    namespace: dict = {"SPECPATH": str(ROOT), "__name__": "otokui_build_spec"}
    # Our own spec's side-effect-free top part, the way PyInstaller itself runs specs.
    exec(compile(top, str(SPEC), "exec"), namespace)  # noqa: S102
    return namespace


SPEC_NS = _spec_namespace()


@functools.cache
def _datas() -> frozenset[tuple[Path, str]]:
    """(source, destination folder) of every data file the spec hands PyInstaller."""
    return frozenset((Path(src).resolve(), Path(dest).as_posix())
                     for src, dest in SPEC_NS["_data_files"]())


def _py_files() -> list[Path]:
    files = [ROOT / "main.py"]
    for folder in ("app", "ui"):
        files += sorted((ROOT / folder).rglob("*.py"))
    return files


def _imports_of(path: Path) -> set[str]:
    """Absolute module names ``path`` imports; ``from PySide6 import QtPdf`` counts as
    ``PySide6.QtPdf`` too, since that is how Qt modules are usually imported."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _is_within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


# --- the lists --------------------------------------------------------------------------------


def test_spec_lists_are_plain_literals() -> None:
    """Others read and edit these lists: keep them literal, non-empty and free of repeats."""
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    literal = {node.targets[0].id for node in tree.body
               if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
               and isinstance(node.value, ast.List)}
    for name in ("HIDDEN_IMPORTS", "COLLECT_SUBMODULES", "COPY_METADATA",
                 "COPY_METADATA_IF_PRESENT", "QT_EXCLUDES", "PYTHON_EXCLUDES",
                 "MIGRATION_PATTERNS", "QT_LANGUAGES", "QT_CATALOGUES",
                 "LINUX_QT_PLUGIN_DROPS", "LINUX_SYSTEM_LIBRARIES"):
        assert name in literal, f"{name} is not a literal list in build.spec"
        values = SPEC_NS[name]
        assert values and len(values) == len(set(values)), f"{name} is empty or repeats"


def test_hidden_imports_are_importable() -> None:
    names = [*SPEC_NS["HIDDEN_IMPORTS"], *SPEC_NS["COLLECT_SUBMODULES"],
             *SPEC_NS["_migration_imports"]()]
    missing = []
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            missing.append(f"{name}: {exc}")
    assert not missing


def test_migration_scripts_imports_are_hidden_imports() -> None:
    """Alembic runs env.py and the revisions from files; what they import must be named."""
    found = SPEC_NS["_migration_imports"]()
    assert {"alembic", "app.store.models", "sqlalchemy"} <= set(found)
    assert "__future__" not in found


def test_no_module_is_both_hidden_and_excluded() -> None:
    excludes = SPEC_NS["QT_EXCLUDES"] + SPEC_NS["PYTHON_EXCLUDES"]
    wanted = SPEC_NS["HIDDEN_IMPORTS"] + SPEC_NS["COLLECT_SUBMODULES"]
    clashes = [(w, x) for w in wanted for x in excludes if _is_within(w, x)]
    assert not clashes


def test_every_keyring_backend_entry_point_is_collected() -> None:
    """keyring imports each entry point's module by name: each must be in the bundle
    (or deliberately excluded, like the plaintext keyrings.alt)."""
    collected = SPEC_NS["COLLECT_SUBMODULES"] + SPEC_NS["HIDDEN_IMPORTS"]
    excluded = SPEC_NS["PYTHON_EXCLUDES"]
    points = importlib.metadata.entry_points(group="keyring.backends")
    assert points, "keyring's entry points are not visible in this virtualenv"
    stray = [ep.value for ep in points
             if not any(_is_within(ep.module, p) for p in collected)
             and not any(_is_within(ep.module, p) for p in excluded)]
    assert not stray
    assert "keyring" in SPEC_NS["COPY_METADATA"]


def test_keyring_backend_packages_metadata_is_listed() -> None:
    """keyring's per-OS requirements are its backends' packages (SecretStorage and jeepney
    on Linux, pywin32-ctypes on Windows); their metadata goes into the bundle where present."""
    listed = {canonicalize_name(n) for n in SPEC_NS["COPY_METADATA_IF_PRESENT"]}
    per_os = set()
    for text in importlib.metadata.requires("keyring") or []:
        req = Requirement(text)
        marker = str(req.marker or "")
        if "sys_platform" in marker and "extra" not in marker:
            per_os.add(canonicalize_name(req.name))
    assert per_os, "keyring no longer names per-OS backend packages: review the spec"
    assert per_os <= listed


def test_selftest_dynamic_imports_reach_the_bundle() -> None:
    """app/selftest.py imports a list of modules with importlib, which the import scan cannot
    follow: each must be a hidden import or be imported plainly somewhere in the app."""
    tree = ast.parse((ROOT / "app" / "selftest.py").read_text(encoding="utf-8"))
    check = next(node for node in tree.body
                 if isinstance(node, ast.FunctionDef) and node.name == "_check_modules")
    names_node = next(node.value for node in ast.walk(check)
                      if isinstance(node, ast.Assign)
                      and isinstance(node.targets[0], ast.Name)
                      and node.targets[0].id == "names")
    names = ast.literal_eval(names_node)
    assert names
    static = set().union(*(_imports_of(p) for p in _py_files()))
    hidden = SPEC_NS["HIDDEN_IMPORTS"]
    unseen = [n for n in names
              if n not in hidden and not any(_is_within(s, n) for s in static)]
    assert not unseen


# --- excludes -----------------------------------------------------------------------------------


def test_no_excluded_module_is_imported_by_app_or_ui() -> None:
    excludes = SPEC_NS["QT_EXCLUDES"] + SPEC_NS["PYTHON_EXCLUDES"]
    offenders = sorted(
        f"{path.relative_to(ROOT)}: {name}"
        for path in _py_files()
        for name in _imports_of(path)
        for excluded in excludes
        if _is_within(name, excluded)
    )
    assert not offenders, "excluded in build.spec but imported: " + ", ".join(offenders)


def test_qt_modules_the_app_needs_are_not_excluded() -> None:
    needed = ["PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtPdf",
              "PySide6.QtPdfWidgets", "PySide6.QtPrintSupport", "PySide6.QtNetwork",
              "PySide6.QtSvg"]
    assert not set(needed) & set(SPEC_NS["QT_EXCLUDES"])


def test_excluded_qt_modules_are_real_names() -> None:
    """A misspelt exclude silently excludes nothing: each must name a PySide6 module here
    or one PyInstaller has a hook for (WebEngine, ActiveQt: not in these wheels)."""
    import PyInstaller
    import PySide6

    pyside = Path(PySide6.__file__).parent
    hooks = Path(PyInstaller.__file__).parent / "hooks"
    unknown = []
    for name in SPEC_NS["QT_EXCLUDES"]:
        short = name.removeprefix("PySide6.")
        present = any(pyside.glob(f"{short}.*")) or (pyside / short).is_dir()
        if not present and not (hooks / f"hook-{name}.py").exists():
            unknown.append(name)
    assert not unknown


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux plugin names")
def test_dropped_linux_qt_plugins_exist() -> None:
    import PySide6

    plugins = Path(PySide6.__file__).parent / "Qt" / "plugins"
    missing = [entry for entry in SPEC_NS["LINUX_QT_PLUGIN_DROPS"]
               if not (plugins / entry).exists()]
    assert not missing


# --- data files ---------------------------------------------------------------------------------


def test_migration_files_are_datas_where_alembic_looks() -> None:
    from app.store import migrate

    datas = _datas()
    migrations = ROOT / SPEC_NS["MIGRATIONS_DIR"]
    # app/store/migrate.py points Alembic at the folder beside itself, which in the bundle
    # is where datas puts the files.
    assert migrate.MIGRATIONS.resolve() == migrations.resolve()
    expected = [migrations / "env.py", migrations / "script.py.mako",
                *sorted((migrations / "versions").glob("*.py"))]
    assert any(p.name.startswith(migrate.HEAD) for p in expected)
    for path in expected:
        assert path.is_file()
        dest = path.parent.relative_to(ROOT).as_posix()
        assert (path.resolve(), dest) in datas, f"{path.relative_to(ROOT)} not in datas"


def test_resources_are_datas_where_the_ui_looks(tmp_path, monkeypatch) -> None:
    from ui import resources

    datas = _datas()
    skip = SPEC_NS["RESOURCES_SKIP_SUFFIXES"]
    for path in (ROOT / "resources").rglob("*"):
        if not path.is_file():
            continue
        entry = (path.resolve(), path.parent.relative_to(ROOT).as_posix())
        assert (entry in datas) == (path.suffix not in skip), path
    # In a bundle, ui/resources.py looks under sys._MEIPASS/<RESOURCES_DIR>.
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resources_dir() == tmp_path / SPEC_NS["RESOURCES_DIR"]


def test_keyring_metadata_is_collected() -> None:
    dests = [dest for _src, dest in _datas()]
    assert any(re.fullmatch(r"keyring-[\d.]+\.dist-info", d) for d in dests)


# --- what is dropped after analysis -------------------------------------------------------------


def test_qt_languages_cover_the_app_languages() -> None:
    tree = ast.parse((ROOT / "ui" / "i18n.py").read_text(encoding="utf-8"))
    languages = next(ast.literal_eval(node.value) for node in tree.body
                     if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
                     and node.targets[0].id == "LANGUAGES")
    assert {*languages, "en"} <= set(SPEC_NS["QT_LANGUAGES"])


def test_after_analysis_filter() -> None:
    wanted = SPEC_NS["_wanted"]
    tr = "PySide6/Qt/translations/"
    assert wanted(tr + "qtbase_ja.qm")
    assert wanted(tr + "qtbase_en.qm")
    assert wanted(tr + "qt_ja.qm")
    assert not wanted(tr + "qtbase_de.qm")
    assert not wanted(tr + "qt_help_ja.qm")
    assert not wanted(tr + "qt_zh_TW.qm")
    assert not wanted(tr + "qtbase_jam.qm")  # a language code merely starting with "ja"
    # Otokui's own translations and everything outside Qt's folder are never touched.
    assert wanted("resources/translations/otokui_core_ja.qm")
    assert wanted("keyring-25.7.0.dist-info/entry_points.txt")
    plugins = "PySide6/Qt/plugins/"
    assert wanted(plugins + "platforms/libqxcb.so")
    assert wanted(plugins + "platforms/libqwayland.so")
    assert wanted(plugins + "platforms/libqoffscreen.so")  # the self-test runs on it
    assert wanted(plugins + "platforminputcontexts/libibusplatforminputcontextplugin.so")
    dropped_on_linux = [plugins + "platforminputcontexts/libqtvirtualkeyboardplugin.so",
                        plugins + "generic/libqevdevmouseplugin.so",
                        plugins + "platforms/libqvnc.so"]
    for dest in dropped_on_linux:
        assert wanted(dest) is not sys.platform.startswith("linux"), dest
    # CUPS's client library comes from the user's system on Linux (and only there).
    assert wanted("libcups.so.2") is not sys.platform.startswith("linux")
    assert wanted("libssl.so.3") and wanted("PySide6/Qt/lib/libQt6PrintSupport.so.6")


def test_slim_icu_data_keeps_what_japanese_and_english_need() -> None:
    from release.icu_data import keep

    for item in ("coll/ucadata.icu", "coll/root.res", "coll/ja.res", "coll/en_US.res",
                 "brkitr/cjdict.dict", "brkitr/ja.res", "brkitr/line.brk", "uprops.icu",
                 "nfkc.nrm", "cnvalias.icu", "ibm-943_P15A-2003.cnv",
                 "ibm-33722_P12A_P12A-2009_U2.cnv", "jisx-212.cnv", "ja.res", "ja_JP.res",
                 "en_GB.res", "root.res", "res_index.res", "coll/res_index.res", "pool.res",
                 "zoneinfo64.res", "metaZones.res", "likelySubtags.res", "zone/ja.res"):
        assert keep(item), item
    for item in ("coll/zh.res", "coll/de__PHONEBOOK.res", "de.res", "sr_Latn_BA.res",
                 "es_419.res", "zone/fr.res", "translit/root.res", "rbnf/ja.res",
                 "unames.icu", "brkitr/thaidict.dict", "gb18030.cnv", "ibm-37_P100-1995.cnv"):
        assert not keep(item), item


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux ICU library")
def test_slim_icu_data_is_the_one_qt_links_to() -> None:
    import PySide6

    lib = Path(PySide6.__file__).parent / "Qt" / "lib" / SPEC_NS["LINUX_SLIM_ICU_DATA"]
    assert lib.is_file(), "PySide6's ICU version changed: update LINUX_SLIM_ICU_DATA"


# --- the real bundle (slow) ---------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("OTOKUI_TEST_BUNDLE") != "1",
                    reason="builds the PyInstaller bundle (a minute or more); "
                           "set OTOKUI_TEST_BUNDLE=1")
def test_real_bundle(tmp_path) -> None:
    """Builds the bundle into a temporary folder, or checks the one OTOKUI_BUNDLE_DIR names
    (.ci/run builds dist/otokui once, for this test and for the .deb)."""
    if os.environ.get("OTOKUI_BUNDLE_DIR"):
        bundle = Path(os.environ["OTOKUI_BUNDLE_DIR"])
        assert (bundle / "_internal").is_dir(), f"OTOKUI_BUNDLE_DIR={bundle} is no bundle"
    else:
        subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
                        "--distpath", str(tmp_path / "dist"),
                        "--workpath", str(tmp_path / "work"), str(SPEC)],
                       cwd=ROOT, check=True, capture_output=True, timeout=900)
        bundle = tmp_path / "dist" / "otokui"
    exe = bundle / ("otokui-cli.exe" if sys.platform == "win32" else "otokui")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "OTOKUI_PASSPHRASE": "bundle-test-pass",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(exe), *args], env=env, capture_output=True, text=True,
                              encoding="utf-8", timeout=120)

    result = run("self-test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "qtbase_ja.qm found" in result.stdout
    assert "Japanese collation" in result.stdout
    assert "self-test passed" in result.stdout

    profile = tmp_path / "profile"
    assert run("--profile", str(profile), "init", "--use-passphrase").returncode == 0
    csv = tmp_path / "customers.csv"
    # Shift-JIS, as Excel in Japan saves it: the cp932 codec must be in the bundle.
    csv.write_bytes("氏名,ふりがな,電話番号\n山田 花子,やまだ はなこ,090-1111-2222\n"
                    .encode("cp932"))
    result = run("--profile", str(profile), "import-csv", str(csv))
    assert result.returncode == 0, result.stderr
    assert "1 new" in result.stdout

    internal = bundle / "_internal"
    broken = [p for p in bundle.rglob("*") if p.is_symlink() and not p.exists()]
    assert not broken
    assert (internal / "app" / "store" / "migrations" / "env.py").is_file()
    entry_points = next(internal.glob("keyring-*.dist-info")) / "entry_points.txt"
    assert "keyring.backends.SecretService" in entry_points.read_text(encoding="utf-8")
    if sys.platform.startswith("linux"):
        qt_lib = internal / "PySide6" / "Qt" / "lib"
        # What the dropped plugins alone needed is gone: QtQuick/QtQml, a private GTK.
        assert not list(qt_lib.glob("libQt6Quick.so*"))
        assert not list(internal.glob("libgtk-3.so*"))
        # CUPS comes from the system, and its private GnuTLS went with it.
        assert not list(internal.glob("libcups.so*")) and not list(internal.glob("libgnutls*"))
        # Libraries of the build machine's own system are left to the user's system (the
        # .deb depends on their packages): no OpenSSL, libstdc++ or GLib of our own.
        for system_lib in ("libcrypto.so*", "libssl.so*", "libstdc++.so*", "libglib-2.0.so*",
                           "libX11.so*", "libfreetype.so*"):
            assert not list(internal.glob(system_lib)), system_lib
        # QtCharts (the analytics window's charts) is in, with its Qt library.
        assert list(internal.glob("PySide6/QtCharts.*")) and list(qt_lib.glob("libQt6Charts.so*"))
        # ICU's data is the slim copy (32 MB in the wheel).
        assert (qt_lib / SPEC_NS["LINUX_SLIM_ICU_DATA"]).stat().st_size < 12_000_000
        # Every Qt library any bundled binary links to is in the bundle.
        unresolved = []
        for binary in internal.rglob("*.so*"):
            out = subprocess.run(["ldd", str(binary)], capture_output=True, text=True,
                                 env={**os.environ, "LD_LIBRARY_PATH": str(qt_lib)}).stdout
            unresolved += [f"{binary.name}: {line.strip()}" for line in out.splitlines()
                           if "libQt6" in line and "not found" in line]
        assert not unresolved


def test_the_demo_relay_imports_without_what_the_bundle_leaves_out() -> None:
    """build.spec leaves the relay-only libraries out of the desktop bundle (stripe,
    psycopg) and Pillow; the demo runs the relay in the app's process, so importing it must
    not need them (they are imported where a shop's payment or a PostgreSQL database uses
    them), and the book's PDFs (fpdf2, text only) are made without Pillow."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('stripe', 'psycopg', 'PIL'):\n"
        "            raise ImportError('left out of the bundle: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import relay.app, relay.server, app.demo\n"
        "from app.privacy.policy import PolicySettings, generate, to_pdf\n"
        "pdf = to_pdf(generate(PolicySettings(business_name='木漏れ日'), version=1,\n"
        "                      effective_date='2026-12-01'))\n"
        "assert pdf.startswith(b'%PDF') and 'PIL' not in sys.modules\n"
        "print('ok')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_the_relays_page_files_are_datas_where_jinja_looks() -> None:
    """The demo's in-process relay renders its pages (and the builder's preview serves
    them) from files beside the relay's modules: each must be in the bundle, there."""
    datas = _datas()
    found = [p for p in (ROOT / "relay").rglob("*")
             if p.is_file() and p.suffix in (".html", ".css", ".js")]
    assert any(p.name == "form.html" for p in found) and any(p.name == "form.css"
                                                             for p in found)
    for path in found:
        dest = path.parent.relative_to(ROOT).as_posix()
        assert (path.resolve(), dest) in datas, f"{path.relative_to(ROOT)} not in datas"
