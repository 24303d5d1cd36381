"""A slim ICU data library for the Linux bundle: ~32 MB of ICU data cut to what Otokui uses.

PySide6's Linux wheels link QtCore against ICU, whose data library (``libicudata.so.73``)
carries every locale, converter and dictionary ICU has: 32 MB, the largest file in the
bundle. Qt only reaches ICU for collation (``QCollator``), locale-aware case mapping,
legacy text codecs (``QStringConverter``) and time-zone names; Otokui speaks Japanese and
English. So the build keeps ICU's core tables, the Japanese and English locale data
(collation, break rules with the CJK dictionary, names), Japanese and Western legacy
codecs, and drops the rest (other locales, 180 EBCDIC/Asian codecs, transliteration,
character names, the Thai/Lao/Khmer/Burmese dictionaries).

How: the data package is read out of the wheel's library (the ``icudt73_dat`` symbol),
filtered with ICU's own ``icupkg`` (Debian: ``icu-devtools``), and linked back into a
library of the same name and soname with ``gcc`` (data only, no code). ``ui/selftest.py``
proves in the bundle that Japanese collation and Shift_JIS still work.

    python -m release.icu_data LIBICUDATA OUTPUT   # by hand; build.spec calls slim_library()
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

#: Locale data kept (with every regional variant: en_GB, ja_JP, ...); ``root`` is the fallback.
KEEP_LANGUAGES = ("root", "en", "ja")
#: Whole trees dropped: transliteration (Qt never uses it) and spelled-out numbers.
DROP_TREES = ("translit", "rbnf")
#: Single items dropped: character names (u_charName) and dictionaries for other scripts.
DICTIONARIES_NOT_NEEDED = ("brkitr/khmerdict.dict", "brkitr/burmesedict.dict",
                           "brkitr/laodict.dict", "brkitr/thaidict.dict")
DROP_ITEMS = ("unames.icu", *DICTIONARIES_NOT_NEEDED)
#: Table-driven codecs kept (UTF-*, ASCII and Latin-1 are built into ICU's code): Shift_JIS
#: / windows-31j (ibm-943, ibm-942), EUC-JP (ibm-33722, ibm-954, euc-jp-2007), JIS X 0212
#: for ISO-2022-JP, and windows-1252 (ibm-5348, ibm-1252).
KEEP_CONVERTER_PREFIXES = ("ibm-943_", "ibm-942_", "ibm-33722_", "ibm-954_", "euc-jp-",
                           "jisx-", "ibm-5348_", "ibm-1252_")
#: Locale-shaped names that are not locales.
NOT_LOCALES = ("res_index",)

_LOCALE = re.compile(r"[a-z]{2,3}(_\w*)*")
DATA_SYMBOL = re.compile(r"icudt\d+_dat")


def keep(item: str) -> bool:
    """Whether an item of the package (``coll/ja.res``, ``ibm-943_P15A-2003.cnv``) stays."""
    if item in DROP_ITEMS or item.split("/", 1)[0] in DROP_TREES:
        return False
    name = item.rsplit("/", 1)[-1]
    if name.endswith(".cnv"):
        return name.startswith(KEEP_CONVERTER_PREFIXES)
    if name.endswith(".res"):
        stem = name[:-4]
        if stem not in NOT_LOCALES and _LOCALE.fullmatch(stem):
            return stem.split("_", 1)[0] in KEEP_LANGUAGES
    return True


def _run(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(args, cwd=cwd, check=True, capture_output=True, text=True).stdout


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise SystemExit(f"otokui build: `{name}` is needed to slim ICU's data "
                         f"(Debian: apt-get install {package})")
    return path


def read_package(library: Path) -> tuple[str, bytes]:
    """The data symbol's name and the ICU common-data package inside ``library``."""
    symbols = _run("nm", "-D", "--defined-only", "-S", str(library)).split()
    index = next(i for i, word in enumerate(symbols) if DATA_SYMBOL.fullmatch(word))
    address, size = int(symbols[index - 3], 16), int(symbols[index - 2], 16)
    raw = library.read_bytes()
    for line in _run("readelf", "-lW", str(library)).splitlines():
        fields = line.split()
        if fields[:1] == ["LOAD"]:
            offset, vaddr, filesz = int(fields[1], 16), int(fields[2], 16), int(fields[4], 16)
            if vaddr <= address < vaddr + filesz:
                start = offset + address - vaddr
                return symbols[index], raw[start:start + size]
    raise SystemExit(f"otokui build: {DATA_SYMBOL.pattern} not found in a LOAD segment "
                     f"of {library}")


def slim_library(library: Path, output: Path) -> tuple[int, int]:
    """Write the slimmed copy of ICU's data ``library`` to ``output``; (old, new) sizes."""
    icupkg = _tool("icupkg", "icu-devtools")
    gcc = _tool("gcc", "gcc")
    symbol, package = read_package(library)
    soname = next(line.split("[", 1)[1].rstrip("]") for line in
                  _run("readelf", "-dW", str(library)).splitlines() if "(SONAME)" in line)
    # icupkg names the items after the package file (icudt73l/coll/ja.res): both copies
    # keep ICU's name, in two folders. "l": little-endian, as on every Linux we build for.
    dat = symbol.removesuffix("_dat") + "l.dat"
    with tempfile.TemporaryDirectory(prefix="otokui-icu-") as tmp:
        work = Path(tmp)
        (work / "full").mkdir()
        (work / "slim").mkdir()
        (work / "full" / dat).write_bytes(package)
        items = _run(icupkg, "-l", f"full/{dat}", cwd=work).split()
        dropped = [item for item in items if not keep(item)]
        (work / "drop.txt").write_text("\n".join(dropped) + "\n", encoding="ascii")
        args = [icupkg, "-r", "drop.txt", f"full/{dat}", f"slim/{dat}"]
        check = subprocess.run(args, cwd=work, capture_output=True, text=True)
        if check.returncode != 0:
            # icupkg refuses to drop an item something kept refers to. Only the other
            # scripts' dictionaries may be missing: ICU then breaks Thai, Lao, Khmer and
            # Burmese text without a dictionary instead of failing.
            missing = set(re.findall(r"depends on missing item (\S+)", check.stderr))
            unexpected = missing - set(DICTIONARIES_NOT_NEEDED)
            if not missing or unexpected:
                raise SystemExit(f"otokui build: icupkg failed: {check.stderr.strip()}")
            _run(*args, "--ignore-deps", cwd=work)
        remaining = _run(icupkg, "--ignore-deps", "-l", f"slim/{dat}", cwd=work).split()
        if len(remaining) != len(items) - len(dropped):
            raise SystemExit("otokui build: icupkg did not remove the ICU items asked for")
        # Data only: the symbol ICU's code looks up, 16-byte aligned as ICU requires.
        (work / "data.S").write_text(
            f'.section .rodata\n.globl {symbol}\n.type {symbol}, @object\n.balign 16\n'
            f'{symbol}:\n.incbin "slim/{dat}"\n.size {symbol}, . - {symbol}\n'
            '.section .note.GNU-stack,"",@progbits\n', encoding="ascii")
        _run(gcc, "-shared", "-nostdlib", f"-Wl,-soname,{soname}", "-o", "slim.so", "data.S",
             cwd=work)
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(work / "slim.so", output)
    return library.stat().st_size, output.stat().st_size


if __name__ == "__main__":
    before, after = slim_library(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"ICU data: {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB")
