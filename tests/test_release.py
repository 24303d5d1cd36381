"""The release tooling (release/): icons, the Debian package and the tarball, built from a
small stand-in bundle so they run in seconds. The real bundle goes through the same code
in CI (.ci/run: release/check-deb.sh installs, self-tests and removes the .deb)."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from release import icons, linux

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not shutil.which("dpkg-deb"),
    reason="Debian packaging tools")


def test_ico_holds_every_size_as_png() -> None:
    data = icons.ico()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, len(icons.ICO_SIZES))
    for i, size in enumerate(icons.ICO_SIZES):
        width, _h, _c, _r, _planes, _bpp, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * i)
        assert width == (0 if size == 256 else size)
        assert data[offset:offset + 8] == b"\x89PNG\r\n\x1a\n"
        assert offset + length <= len(data)


def test_icns_holds_every_size_as_png() -> None:
    data = icons.icns()
    assert data[:4] == b"icns" and struct.unpack_from(">I", data, 4)[0] == len(data)
    found, pos = [], 8
    while pos < len(data):
        kind, length = data[pos:pos + 4], struct.unpack_from(">I", data, pos + 4)[0]
        assert data[pos + 8:pos + 16] == b"\x89PNG\r\n\x1a\n"
        found.append(kind)
        pos += length
    assert found == [icons.ICNS_TYPES[s] for s in icons.ICNS_SIZES]


@pytest.fixture
def small_bundle(tmp_path: Path) -> Path:
    """A folder shaped like dist/otokui: a real ELF program (linked to libc only)."""
    bundle = tmp_path / "dist" / "otokui"
    (bundle / "_internal").mkdir(parents=True)
    shutil.copy(shutil.which("true"), bundle / "otokui")
    (bundle / "_internal" / "data.txt").write_text("x", encoding="utf-8")
    (bundle / "_internal" / "link").symlink_to("data.txt")
    return bundle


@linux_only
def test_deb_layout_and_control(small_bundle: Path, tmp_path: Path) -> None:
    deb = linux.build_deb(small_bundle, tmp_path / "out", version="1.2.3")
    assert deb.name == "otokui_1.2.3_amd64.deb"
    info = subprocess.run(["dpkg-deb", "-f", str(deb)], capture_output=True, text=True,
                          check=True).stdout
    fields = dict(line.split(": ", 1) for line in info.splitlines() if ": " in line
                  and not line.startswith(" "))
    assert fields["Package"] == "otokui" and fields["Version"] == "1.2.3"
    assert fields["Architecture"] == "amd64"
    # `true` links only to libc: the Depends says so, with the build machine's glibc.
    assert fields["Depends"].startswith("libc6 (>= 2.") and "," not in fields["Depends"]
    assert "fonts-noto-cjk" in fields["Recommends"]
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True,
                             check=True).stdout
    assert "root/root" in listing and " ./opt/otokui/otokui" in listing
    assert "./usr/bin/otokui -> /opt/otokui/otokui" in listing
    assert "./opt/otokui/_internal/link -> data.txt" in listing
    assert "./usr/share/applications/otokui.desktop" in listing
    for size in (16, 48, 256, 512):
        assert f"./usr/share/icons/hicolor/{size}x{size}/apps/otokui.png" in listing
    assert "./usr/share/icons/hicolor/scalable/apps/otokui.svg" in listing
    extracted = tmp_path / "x"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(extracted)], check=True)
    entry = (extracted / "usr/share/applications/otokui.desktop").read_text(encoding="utf-8")
    assert "Exec=otokui %F" in entry and "Icon=otokui" in entry and "Name[ja]=お得意" in entry
    if shutil.which("desktop-file-validate"):
        subprocess.run(["desktop-file-validate",
                        str(extracted / "usr/share/applications/otokui.desktop")], check=True)


@linux_only
def test_system_libraries_are_what_the_bundle_does_not_carry(small_bundle: Path) -> None:
    assert "libc.so.6" in linux.system_libraries(small_bundle)
    shutil.copy(small_bundle / "otokui", small_bundle / "_internal" / "libc.so.6")
    assert "libc.so.6" not in linux.system_libraries(small_bundle)


def test_deb_refuses_a_folder_that_is_not_a_bundle(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="not a bundle"):
        linux.build_deb(tmp_path, tmp_path / "out")


def test_tarball_holds_the_bundle_desktop_entry_and_icon(small_bundle: Path,
                                                         tmp_path: Path) -> None:
    tarball = linux.build_tarball(small_bundle, tmp_path / "out", version="1.2.3")
    assert tarball.name == "otokui-1.2.3-linux-x86_64.tar.gz"
    with tarfile.open(tarball) as tar:
        names = tar.getnames()
        assert tar.getmember("otokui/_internal/link").issym()
        assert tar.getmember("otokui/otokui").mode & 0o111
    assert {"otokui/otokui", "otokui/otokui.desktop", "otokui/otokui.png"} <= set(names)
