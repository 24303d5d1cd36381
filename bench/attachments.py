"""Attachment encryption (app/crypto/stream.py): throughput and memory on a large file.

Run from the repository root::

    .venv/bin/python -m bench.attachments                # 1024 MiB file, 3 repeats
    .venv/bin/python -m bench.attachments --size-mb 256 --repeat 1

What is compared, all in this run and on the same bytes:

* ``stream``: ``encrypt_stream`` / ``decrypt_stream`` between two real files (format,
  look-ahead, final flag, SHA-256 of the plaintext, progress-free).
* ``bare``: the baseline, the *same chunking loop* without any file format: read a chunk,
  one ``AESGCM.encrypt_into``/``decrypt_into`` with a counter nonce, write it. No header,
  no look-ahead, no hash. It is the floor for "AES-GCM over a file" in Python.
* ``encrypt_file`` (the real API: atomic temp file, owner-only, fsync) against the bare
  loop followed by one fsync, so the disk's sustained write speed is in both.
* an in-memory AES-GCM ceiling: one ``AESGCM.encrypt`` per 64 MiB block, no I/O, and
  SHA-256 alone (``StreamInfo.sha256`` costs a digest of the plaintext each way).

Every timed operation runs in a fresh subprocess that also measures its memory: the peak
resident set (``VmHWM``) is reset through ``/proc/self/clear_refs`` just before the work,
so "extra memory" is the peak RSS reached during the work minus the RSS before it (on
systems without that file, ``ru_maxrss`` growth, which can under-report). The key goes to
the child on stdin, never on its command line. Outputs are deleted between runs so dirty
pages do not pile up. Throughput is given per wall-clock second and per CPU second of the
child (user + system): on a shared, loaded machine the second is the steadier figure.
The timed figures are medians of ``--repeat`` rounds, each round
running every operation once (interleaved, so load from elsewhere hits all alike).

Targets: at least 300 MB/s each way with at most 64 MB extra memory (MB = 10^6 bytes).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cryptography
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.crypto import stream

REPO = Path(__file__).resolve().parent.parent
MB = 1_000_000
MIB = 1024 * 1024
TARGET_MBPS = 300
TARGET_EXTRA_MB = 64
CHUNK_SIZES = (64 * 1024, 256 * 1024, 1024 * 1024)
BLOCK = 64 * MIB  # in-memory ceiling block


# --- child side: one operation, timed, with its memory --------------------------------------

def _status_kib(field: str) -> int | None:
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return None
    m = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return int(m.group(1)) if m else None


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _maxrss_kib() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # macOS reports bytes


def _bare_encrypt(src: Path, dst: Path, key: bytes, chunk: int, durable: bool) -> None:
    aead = AESGCM(key)
    buf = memoryview(bytearray(chunk))
    out = memoryview(bytearray(chunk + 16))
    counter = 0
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        while n := fin.readinto(buf):
            m = aead.encrypt_into(counter.to_bytes(12, "big"), buf[:n], None, out[:n + 16])
            fout.write(out[:m])
            counter += 1
        if durable:
            fout.flush()
            os.fsync(fout.fileno())


def _bare_decrypt(src: Path, dst: Path, key: bytes, chunk: int) -> None:
    aead = AESGCM(key)
    buf = memoryview(bytearray(chunk + 16))
    out = memoryview(bytearray(chunk))
    counter = 0
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        while n := fin.readinto(buf):
            m = aead.decrypt_into(counter.to_bytes(12, "big"), buf[:n], None, out[:n - 16])
            fout.write(out[:m])
            counter += 1


def run_child(op: str, src: Path, dst: Path, chunk: int) -> None:
    key = bytes.fromhex(sys.stdin.readline().strip())
    rss_before = _status_kib("VmRSS")
    reset = _reset_peak()
    maxrss_before = _maxrss_kib()
    t0 = time.perf_counter()
    c0 = time.process_time()
    if op == "enc-stream":
        with open(src, "rb") as fin, open(dst, "wb") as fout:
            stream.encrypt_stream(fin, fout, key, chunk_size=chunk)
    elif op == "dec-stream":
        with open(src, "rb") as fin, open(dst, "wb") as fout:
            stream.decrypt_stream(fin, fout, key)
    elif op == "enc-file":
        stream.encrypt_file(src, dst, key)
    elif op == "enc-bare":
        _bare_encrypt(src, dst, key, chunk, durable=False)
    elif op == "enc-bare-fsync":
        _bare_encrypt(src, dst, key, chunk, durable=True)
    elif op == "dec-bare":
        _bare_decrypt(src, dst, key, chunk)
    else:
        raise SystemExit(f"unknown op {op}")
    seconds = time.perf_counter() - t0
    cpu_seconds = time.process_time() - c0
    hwm = _status_kib("VmHWM")
    if reset and hwm is not None and rss_before is not None:
        extra_kib = hwm - rss_before
    else:
        extra_kib = _maxrss_kib() - maxrss_before
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds,
                      "extra_kib": max(0, extra_kib), "exact": reset}))


# --- parent side ----------------------------------------------------------------------------

class Runner:
    def __init__(self, workdir: Path, key: bytes, size: int, repeat: int) -> None:
        self.workdir = workdir
        self.key = key
        self.size = size
        self.repeat = repeat

    def once(self, op: str, src: Path, chunk: int) -> dict:
        dst = self.workdir / f"out-{op}.bin"
        proc = subprocess.run(
            [sys.executable, "-m", "bench.attachments", "--child", op, str(src), str(dst),
             str(chunk)],
            input=self.key.hex() + "\n", capture_output=True, text=True, cwd=REPO, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"{op} failed:\n{proc.stderr}")
        with contextlib.suppress(FileNotFoundError):
            dst.unlink()  # drop its dirty pages before the next run
        os.sync()
        return json.loads(proc.stdout)

    def measure_all(self, plan: dict[str, tuple[str, Path, int]]) -> dict[str, dict]:
        """Run every planned operation ``repeat`` times, interleaved round by round, so
        a burst of load from elsewhere hits ours and the baseline alike."""
        runs: dict[str, list[dict]] = {name: [] for name in plan}
        for _ in range(self.repeat):
            for name, (op, src, chunk) in plan.items():
                runs[name].append(self.once(op, src, chunk))
        results = {}
        for name, rs in runs.items():
            seconds = statistics.median(r["seconds"] for r in rs)
            cpu_seconds = statistics.median(r["cpu_seconds"] for r in rs)
            results[name] = {"mbps": self.size / seconds / MB,
                             "cpu_mbps": self.size / cpu_seconds / MB,
                             "extra_mb": max(r["extra_kib"] for r in rs) * 1024 / MB,
                             "exact": all(r["exact"] for r in rs)}
        return results


def make_plaintext(path: Path, size: int) -> None:
    with open(path, "wb") as f:
        left = size
        while left:
            n = min(left, 16 * MIB)
            f.write(os.urandom(n))
            left -= n


def in_memory_ceiling(key: bytes, size: int) -> float:
    aead = AESGCM(key)
    block = os.urandom(min(BLOCK, size))
    blocks = max(1, size // len(block))
    t0 = time.perf_counter()
    for i in range(blocks):
        aead.encrypt(i.to_bytes(12, "big"), block, None)
    return blocks * len(block) / (time.perf_counter() - t0) / MB


def sha256_in_memory(size: int) -> float:
    """SHA-256 alone, to show how much of the format's cost is the plaintext digest."""
    block = os.urandom(min(BLOCK, size))
    blocks = max(1, size // len(block))
    digest = hashlib.sha256()
    t0 = time.perf_counter()
    for _ in range(blocks):
        digest.update(block)
    return blocks * len(block) / (time.perf_counter() - t0) / MB


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"cryptography {cryptography.__version__}, {platform.system()} "
            f"{platform.release()}")


def fmt_row(cells: list[str], widths: list[int]) -> str:
    return "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in
                     enumerate(zip(cells, widths, strict=True)))


def print_table(title: str, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print(f"\n{title}")
    print(fmt_row(header, widths))
    print(fmt_row(["-" * w for w in widths], widths))
    for r in rows:
        print(fmt_row(r, widths))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mb", type=int, default=1024, help="file size in MiB")
    ap.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    ap.add_argument("--tmpdir", type=Path, default=None, help="where the temp files go")
    ap.add_argument("--child", nargs=4, metavar=("OP", "SRC", "DST", "CHUNK"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        op, src, dst, chunk = args.child
        run_child(op, Path(src), Path(dst), int(chunk))
        return 0

    size = args.size_mb * MIB
    key = stream.new_key()
    workdir = Path(tempfile.mkdtemp(prefix="otokui-bench-", dir=args.tmpdir))
    try:
        print(f"Attachments benchmark: {args.size_mb} MiB ({size / MB:.0f} MB), "
              f"median of {args.repeat}, temp folder {workdir}")
        print(machine())
        print("load average before: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
        plain = workdir / "plain.bin"
        make_plaintext(plain, size)
        runner = Runner(workdir, key, size, args.repeat)

        # Inputs for the decrypt runs, one per chunk size, made untimed in this process.
        sealed: dict[int, Path] = {}
        bare_sealed: dict[int, Path] = {}
        for cs in CHUNK_SIZES:
            sealed[cs] = workdir / f"sealed-{cs}.otks"
            with open(plain, "rb") as fin, open(sealed[cs], "wb") as fout:
                stream.encrypt_stream(fin, fout, key, chunk_size=cs)
            bare_sealed[cs] = workdir / f"bare-{cs}.bin"
            _bare_encrypt(plain, bare_sealed[cs], key, cs, durable=False)
        os.sync()

        plan: dict[str, tuple[str, Path, int]] = {}
        for cs in CHUNK_SIZES:
            plan[f"enc-bare/{cs}"] = ("enc-bare", plain, cs)
            plan[f"enc-stream/{cs}"] = ("enc-stream", plain, cs)
            plan[f"dec-bare/{cs}"] = ("dec-bare", bare_sealed[cs], cs)
            plan[f"dec-stream/{cs}"] = ("dec-stream", sealed[cs], cs)
        plan["enc-bare-fsync"] = ("enc-bare-fsync", plain, stream.CHUNK_SIZE)
        plan["enc-file"] = ("enc-file", plain, stream.CHUNK_SIZE)
        results = runner.measure_all(plan)
        per_chunk = {cs: {op: results[f"{op}/{cs}"] for op in
                          ("enc-bare", "enc-stream", "dec-bare", "dec-stream")}
                     for cs in CHUNK_SIZES}
        durable_bare = results["enc-bare-fsync"]
        durable_file = results["enc-file"]
        ceiling = in_memory_ceiling(key, size)
        sha_rate = sha256_in_memory(size)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print("load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    default = per_chunk[stream.CHUNK_SIZE]
    rows = []
    for label, ours, base in (
            ("encrypt (encrypt_stream, file to file)", default["enc-stream"],
             default["enc-bare"]),
            ("decrypt (decrypt_stream, file to file)", default["dec-stream"],
             default["dec-bare"]),
            ("encrypt_file (atomic + fsync)", durable_file, durable_bare)):
        rows.append([label, f"{ours['mbps']:.0f}", f"{base['mbps']:.0f}",
                     f"{ours['mbps'] / base['mbps']:.2f}", f"{ours['cpu_mbps']:.0f}",
                     f"{base['cpu_mbps']:.0f}", f"{ours['cpu_mbps'] / base['cpu_mbps']:.2f}",
                     f"{ours['extra_mb']:.1f}", f"{base['extra_mb']:.1f}"])
    print_table(f"Chunk size {stream.CHUNK_SIZE // 1024} KiB (MB/s, MB = 10^6 bytes; wall "
                "clock, then per CPU second of the process)",
                ["operation", "ours MB/s", "bare MB/s", "ratio", "ours/cpu", "bare/cpu",
                 "ratio", "ours extra MB", "bare extra MB"], rows)
    print(f"In-memory AES-GCM ceiling (64 MiB blocks, no I/O): {ceiling:.0f} MB/s")
    print(f"In-memory SHA-256 (the plaintext digest stream.py adds): {sha_rate:.0f} MB/s")

    rows = []
    for cs in CHUNK_SIZES:
        r = per_chunk[cs]
        rows.append([f"{cs // 1024} KiB",
                     *(f"{r[op][unit]:.0f}" for unit in ("mbps", "cpu_mbps")
                       for op in ("enc-stream", "enc-bare", "dec-stream", "dec-bare")),
                     f"{max(r['enc-stream']['extra_mb'], r['dec-stream']['extra_mb']):.1f}"])
    print_table("Chunk sizes (stream vs bare at the same chunk size; MB/s wall, then per CPU "
                "second)",
                ["chunk", "enc", "bare enc", "dec", "bare dec", "enc/cpu", "bare enc/cpu",
                 "dec/cpu", "bare dec/cpu", "extra MB"], rows)

    ok = all(default[k]["mbps"] >= TARGET_MBPS and default[k]["extra_mb"] <= TARGET_EXTRA_MB
             for k in ("enc-stream", "dec-stream"))
    exact = all(r["exact"] for r in results.values())
    print(f"\nTarget >= {TARGET_MBPS} MB/s and <= {TARGET_EXTRA_MB} MB extra each way at "
          f"{stream.CHUNK_SIZE // 1024} KiB: {'met' if ok else 'NOT met'}"
          + ("" if exact else " (memory from ru_maxrss growth: may under-report)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
