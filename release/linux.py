"""Linux release files made from the PyInstaller bundle: a tarball and a Debian package.

    python -m release.linux tarball dist/otokui dist/     # otokui-VERSION-linux-x86_64.tar.gz
    python -m release.linux deb dist/otokui dist/         # otokui_VERSION_amd64.deb

The .deb installs the bundle in /opt/otokui, the command /usr/bin/otokui (a link), a
desktop entry and the icon in the hicolor theme (PNG sizes and the SVG). Its Depends are
worked out from the bundle itself: every library a bundled binary links to that the
bundle does not carry is looked up with ``dpkg -S`` on the build machine (Debian 12, the
oldest system supported), so the list cannot drift from what build.spec leaves out.
CUPS is only recommended: without it Qt prints to PDF files only. Built with
``dpkg-deb --root-owner-group``; no maintainer scripts are needed, as dpkg's triggers
refresh the desktop and icon caches.

The tarball holds the same folder plus ``otokui.desktop`` and ``otokui.png``, for other
distributions (unpack anywhere, run ``otokui/otokui``).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import __version__  # noqa: E402
from release import icons  # noqa: E402

PACKAGE = "otokui"
INSTALL_DIR = "opt/otokui"
MAINTAINER = "Otokui maintainers <otokui@example.invalid>"
HOMEPAGE = "https://github.com/otokui/otokui"
#: Libraries from the system that the app can do without (recommended, not required).
OPTIONAL_LIBRARIES = {"libcups.so.2"}
#: Debian 12 package names for libraries the build machine may not have installed
#: (dpkg -S answers for the ones it has).
KNOWN_PACKAGES = {
    "libc.so.6": "libc6", "libm.so.6": "libc6", "libdl.so.2": "libc6",
    "libpthread.so.0": "libc6", "librt.so.1": "libc6", "libresolv.so.2": "libc6",
    "ld-linux-x86-64.so.2": "libc6", "libGL.so.1": "libgl1", "libEGL.so.1": "libegl1",
    "libOpenGL.so.0": "libopengl0", "libxcb.so.1": "libxcb1", "libcups.so.2": "libcups2",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0", "libwayland-egl.so.1": "libwayland-egl1",
    # Qt's xcb platform plugin (a build machine without a desktop may lack them).
    "libxcb-cursor.so.0": "libxcb-cursor0", "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0", "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-render-util.so.0": "libxcb-render-util0", "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1", "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0", "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0", "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1", "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-glx.so.0": "libxcb-glx0", "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-util.so.1": "libxcb-util1", "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1", "libSM.so.6": "libsm6", "libICE.so.6": "libice6",
}
RECOMMENDS = ["fonts-noto-cjk | fonts-ipafont-gothic | fonts-vlgothic",
              "gnome-keyring | kwalletmanager | keepassxc"]

DESKTOP_ENTRY = """[Desktop Entry]
Type=Application
Version=1.4
Name=Otokui
Name[ja]=お得意
GenericName=Customer book for LINE Official Accounts
GenericName[ja]=LINE公式アカウントの顧客台帳
Comment=Your customers and their LINE chats, encrypted on this computer
Comment[ja]=お客さまの情報とLINEのやりとりを、このパソコンに暗号化して保管します
Exec={exec} %F
Icon=otokui
Terminal=false
Categories=Office;Database;
Keywords=LINE;customers;CRM;顧客;台帳;
StartupWMClass=otokui
"""


def _elf_files(bundle: Path) -> list[Path]:
    out = []
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    out.append(path)
    return out


def system_libraries(bundle: Path) -> set[str]:
    """Libraries the bundle's binaries link to that the bundle does not carry."""
    carried = {p.name for p in bundle.rglob("*")}
    needed: set[str] = set()
    for path in _elf_files(bundle):
        out = subprocess.run(["readelf", "-dW", str(path)], capture_output=True, text=True,
                             check=True).stdout
        needed.update(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out))
    return needed - carried


def _package_of(library: str) -> str:
    cache = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    match = re.search(rf"^\s*{re.escape(library)} \(libc6,x86-64[^)]*\) => (\S+)$", cache,
                      re.MULTILINE)
    if match:
        for path in {match.group(1), str(Path(match.group(1)).resolve())}:
            found = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
            if found.returncode == 0:
                return found.stdout.split(":", 1)[0].strip()
    if library in KNOWN_PACKAGES:
        return KNOWN_PACKAGES[library]
    raise SystemExit(f"release: no Debian package known for {library}; install it on the "
                     f"build machine or add it to KNOWN_PACKAGES")


def _glibc_version() -> str:
    out = subprocess.run(["ldd", "--version"], capture_output=True, text=True).stdout
    return re.search(r"(\d+\.\d+)\s*$", out.splitlines()[0]).group(1)


def dependencies(bundle: Path) -> tuple[list[str], list[str]]:
    """(Depends, Recommends) for the bundle, as Debian relation strings."""
    libraries = system_libraries(bundle)
    depends = {_package_of(lib) for lib in libraries - OPTIONAL_LIBRARIES}
    depends.discard("libc6")
    recommends = sorted({_package_of(lib) for lib in libraries & OPTIONAL_LIBRARIES})
    return ([f"libc6 (>= {_glibc_version()})", *sorted(depends)],
            [*recommends, *RECOMMENDS])


def _installed_size_kib(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()
               and not p.is_symlink()) // 1024 + 1


def control(bundle: Path, staged: Path, version: str) -> str:
    depends, recommends = dependencies(bundle)
    return (f"Package: {PACKAGE}\nVersion: {version}\nArchitecture: amd64\n"
            f"Maintainer: {MAINTAINER}\nInstalled-Size: {_installed_size_kib(staged)}\n"
            f"Depends: {', '.join(depends)}\nRecommends: {', '.join(recommends)}\n"
            f"Section: misc\nPriority: optional\nHomepage: {HOMEPAGE}\n"
            "Description: customer book for shops on LINE Official Accounts\n"
            " Otokui keeps a shop's customers, their LINE chats, files and photos in an\n"
            " encrypted book (SQLCipher) on the owner's computer, and does the LINE work:\n"
            " receiving and answering chats, and broadcasts to tagged customers.\n")


def _stage_desktop_files(share: Path, exec_path: str) -> None:
    (share / "applications").mkdir(parents=True, exist_ok=True)
    (share / "applications" / f"{PACKAGE}.desktop").write_text(
        DESKTOP_ENTRY.format(exec=exec_path), encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        made = icons.make_all(Path(tmp))
        for size in icons.PNG_SIZES:
            if size > 512:  # the hicolor theme goes up to 512
                continue
            target = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{PACKAGE}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(next(p for p in made if p.name == f"otokui-{size}.png"), target)
    scalable = share / "icons" / "hicolor" / "scalable" / "apps" / f"{PACKAGE}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(icons.SOURCE, scalable)


def build_deb(bundle: Path, outdir: Path, version: str = __version__) -> Path:
    if not (bundle / PACKAGE).is_file():
        raise SystemExit(f"release: {bundle} is not a bundle (no {PACKAGE} program in it)")
    with tempfile.TemporaryDirectory(prefix="otokui-deb-") as tmp:
        staged = Path(tmp) / "root"
        shutil.copytree(bundle, staged / INSTALL_DIR, symlinks=True)
        (staged / "usr" / "bin").mkdir(parents=True)
        (staged / "usr" / "bin" / PACKAGE).symlink_to(f"/{INSTALL_DIR}/{PACKAGE}")
        _stage_desktop_files(staged / "usr" / "share", PACKAGE)
        (staged / "DEBIAN").mkdir()
        (staged / "DEBIAN" / "control").write_text(control(bundle, staged, version),
                                                   encoding="utf-8")
        for path in staged.rglob("*"):  # dpkg wants 0755 folders and no group writes
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() or path.stat().st_mode & 0o111 else 0o644)
        outdir.mkdir(parents=True, exist_ok=True)
        deb = outdir / f"{PACKAGE}_{version}_amd64.deb"
        subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(staged),
                        str(deb)], check=True, stdout=subprocess.DEVNULL)
    return deb


def build_tarball(bundle: Path, outdir: Path, version: str = __version__) -> Path:
    outdir.mkdir(parents=True, exist_ok=True)
    tarball = outdir / f"{PACKAGE}-{version}-linux-x86_64.tar.gz"
    with tempfile.TemporaryDirectory() as tmp:
        extra = Path(tmp)
        (extra / f"{PACKAGE}.desktop").write_text(
            DESKTOP_ENTRY.format(exec=f"/opt/{PACKAGE}/{PACKAGE}"), encoding="utf-8")
        made = icons.make_all(extra / "icons")
        with tarfile.open(tarball, "w:gz", compresslevel=9) as tar:
            tar.add(bundle, arcname=PACKAGE)
            tar.add(extra / f"{PACKAGE}.desktop", arcname=f"{PACKAGE}/{PACKAGE}.desktop")
            tar.add(next(p for p in made if p.name == "otokui-256.png"),
                    arcname=f"{PACKAGE}/{PACKAGE}.png")
    return tarball


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m release.linux")
    parser.add_argument("kind", choices=["deb", "tarball"])
    parser.add_argument("bundle", type=Path, help="the PyInstaller folder, e.g. dist/otokui")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--version", default=__version__)
    args = parser.parse_args(argv)
    build = build_deb if args.kind == "deb" else build_tarball
    print(build(args.bundle.resolve(), args.outdir, args.version))
    return 0


if __name__ == "__main__":
    sys.exit(main())
