"""How big the PyInstaller bundle is, unpacked and compressed, and what takes the room.

    .venv/bin/python -m bench.bundle_size [dist/otokui] [--xz]

Prints the unpacked size (bytes, MiB, files), the .tar.gz size (gzip -9, as the Linux
tarball is made) and with --xz the .tar.xz size (xz -6, as in the .deb), the share of
the main groups (Qt libraries, Qt plugins, ICU, Python extension modules, other shared
libraries, the program with its Python archive), and the 15 largest files. The targets
from issue 11 are printed beside the figures: <= 150 MiB unpacked, <= 70 MB compressed.
"""

from __future__ import annotations

import argparse
import io
import lzma
import tarfile
import zlib
from collections import Counter
from pathlib import Path

TARGET_UNPACKED_MIB = 150
TARGET_COMPRESSED_MB = 70
#: Last measured on Linux (docs/packaging.md, 2026-12-06, milestone 2 merged): what a build
#: should come close to; a jump means something new was pulled in.
MEASURED_UNPACKED_BYTES = 145_138_199
MEASURED_COMPRESSED_MB = 68.5


def _group(rel: Path) -> str:
    parts = rel.parts
    name = rel.name
    if "libicu" in name:
        return "ICU (libicu*)"
    if parts[:3] == ("_internal", "PySide6", "Qt") and len(parts) > 3:
        return {"lib": "Qt libraries", "plugins": "Qt plugins",
                "translations": "Qt translations"}.get(parts[3], "Qt other")
    if parts[0] != "_internal":
        return "the program (bootloader + Python archive)"
    if ".cpython-" in name or name.endswith(".abi3.so") or name.endswith(".pyd"):
        return "Python extension modules"
    if ".so" in name or name.endswith(".dll") or name.endswith(".dylib"):
        return "other shared libraries"
    return "data (resources, metadata, base_library.zip)"


class _Count(io.RawIOBase):
    def __init__(self, compress) -> None:
        self.compress, self.size = compress, 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.size += len(self.compress(bytes(data)))
        return len(data)


def compressed_size(bundle: Path, kind: str) -> int:
    if kind == "gz":
        z = zlib.compressobj(9, zlib.DEFLATED, 31)
        sink = _Count(z.compress)
    else:
        z = lzma.LZMACompressor(preset=6)
        sink = _Count(z.compress)
    with tarfile.open(fileobj=sink, mode="w|") as tar:
        tar.add(bundle, arcname=bundle.name)
    sink.size += len(z.flush())
    return sink.size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bundle_size")
    parser.add_argument("bundle", type=Path, nargs="?", default=Path("dist/otokui"))
    parser.add_argument("--xz", action="store_true", help="also measure .tar.xz (slow)")
    args = parser.parse_args(argv)
    files = [p for p in args.bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    total = sum(p.stat().st_size for p in files)
    groups: Counter[str] = Counter()
    for path in files:
        groups[_group(path.relative_to(args.bundle))] += path.stat().st_size
    mib = total / 2**20
    met = "met" if mib <= TARGET_UNPACKED_MIB else "NOT met"
    print(f"unpacked: {total:,} bytes = {mib:.1f} MiB in {len(files)} files "
          f"(target <= {TARGET_UNPACKED_MIB} MiB: {met})")
    gz = compressed_size(args.bundle, "gz") / 1e6
    met = "met" if gz <= TARGET_COMPRESSED_MB else "NOT met"
    print(f".tar.gz (gzip -9): {gz:.1f} MB (target <= {TARGET_COMPRESSED_MB} MB: {met})")
    if args.xz:
        print(f".tar.xz (xz -6, as in the .deb): {compressed_size(args.bundle, 'xz') / 1e6:.1f} MB")
    print("\nby group:")
    for name, size in groups.most_common():
        print(f"  {size / 2**20:7.1f} MiB  {size / total:5.1%}  {name}")
    print("\nlargest files:")
    for path in sorted(files, key=lambda p: -p.stat().st_size)[:15]:
        print(f"  {path.stat().st_size / 1e6:6.1f} MB  {path.relative_to(args.bundle)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
