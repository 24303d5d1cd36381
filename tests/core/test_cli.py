"""The headless commands, run as a shop owner's script would run them: a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PASS = "スクリプト用の合言葉 123"


def otokui(profile: Path, *args: str, env: dict[str, str] | None = None,
           passphrase: str | None = PASS, new: str | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("OTOKUI_")}
    full_env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    if passphrase is not None:
        full_env["OTOKUI_PASSPHRASE"] = passphrase
    if new is not None:
        full_env["OTOKUI_NEW_PASSPHRASE"] = new
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--profile", str(profile), *args],
        capture_output=True, text=True, env=full_env, stdin=subprocess.DEVNULL, timeout=120,
        cwd=ROOT)


@pytest.fixture
def inited(tmp_path: Path) -> Path:
    profile = tmp_path / "profile"
    result = otokui(profile, "init")
    assert result.returncode == 0, result.stderr
    assert "passphrase" in result.stdout
    return profile


def test_init_twice_is_refused(inited: Path) -> None:
    again = otokui(inited, "init")
    assert again.returncode == 1
    lines = again.stderr.strip().splitlines()
    assert len(lines) == 1 and "already exists" in lines[0]


def test_wrong_or_missing_passphrase_one_clear_line(inited: Path, tmp_path: Path) -> None:
    before = {p: p.read_bytes() for p in inited.rglob("*") if p.is_file() and p.suffix != ".log"}
    wrong = otokui(inited, "backup", str(tmp_path / "b"), passphrase="間違った合言葉")
    assert wrong.returncode == 1
    assert wrong.stderr.count("\n") == 1 and "passphrase" in wrong.stderr
    missing = otokui(inited, "backup", str(tmp_path / "b"), passphrase=None)
    assert missing.returncode == 1 and "OTOKUI_PASSPHRASE" in missing.stderr
    after = {p: p.read_bytes() for p in inited.rglob("*") if p.is_file() and p.suffix != ".log"}
    assert before == after
    assert not (tmp_path / "b").exists()


def test_no_book_yet(tmp_path: Path) -> None:
    result = otokui(tmp_path / "nothing", "export-csv", str(tmp_path / "x.csv"))
    assert result.returncode == 1 and "no customer book" in result.stderr.lower()


def test_csv_backup_restore_and_passphrase_change(inited: Path, tmp_path: Path) -> None:
    csv_in = tmp_path / "in.csv"
    csv_in.write_bytes(
        "氏名,ふりがな,電話番号,メールアドレス,誕生日,タグ\r\n"
        "佐藤 花子,さとう はなこ,090-1111-2222,hanako@example.jp,1990/04/01,VIP;常連\r\n"
        "高橋 健,たかはし けん,080-3333-4444,,,常連\r\n".encode("cp932"))
    dry = otokui(inited, "import-csv", str(csv_in), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Would import 2" in dry.stdout
    real = otokui(inited, "import-csv", str(csv_in))
    assert real.returncode == 0, real.stderr
    assert "2 new" in real.stdout

    bad = tmp_path / "bad.csv"
    bad.write_text("氏名,誕生日\n山本,2026-13-45\n", encoding="utf-8")
    refused = otokui(inited, "import-csv", str(bad))
    assert refused.returncode == 1
    assert "row 2" in refused.stderr
    # Or the good rows, with the bad ones written to a file to fix.
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("氏名,誕生日\n山本,2026-13-45\n中川,1991-02-03\n", encoding="utf-8")
    skipped = tmp_path / "skipped.csv"
    partial = otokui(inited, "import-csv", str(mixed), "--skip-bad-rows", str(skipped))
    assert partial.returncode == 0, partial.stderr
    assert "1 new" in partial.stdout and "1 bad rows" in partial.stdout
    assert skipped.read_bytes().decode("utf-8-sig").splitlines()[1].startswith("山本,2026-13-45,")

    out = tmp_path / "out.csv"
    exported = otokui(inited, "export-csv", str(out))
    assert exported.returncode == 0, exported.stderr
    text = out.read_bytes().decode("utf-8-sig")
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "佐藤 花子" in text and "高橋 健" in text and "山本" not in text

    bk = tmp_path / "book.otokui-backup"
    assert otokui(inited, "backup", str(bk)).returncode == 0
    changed = otokui(inited, "change-passphrase", new="次の合言葉 4567")
    assert changed.returncode == 0, changed.stderr
    assert otokui(inited, "export-csv", str(out)).returncode == 1  # old passphrase no more
    assert otokui(inited, "export-csv", str(out), passphrase="次の合言葉 4567").returncode == 0

    # The backup still opens with the passphrase it was made under, anywhere.
    elsewhere = tmp_path / "elsewhere"
    restored = otokui(elsewhere, "restore", str(bk))
    assert restored.returncode == 0, restored.stderr
    out2 = tmp_path / "out2.csv"
    assert otokui(elsewhere, "export-csv", str(out2)).returncode == 0
    assert "佐藤 花子" in out2.read_bytes().decode("utf-8-sig")


def test_rekey_command(inited: Path, tmp_path: Path) -> None:
    result = otokui(inited, "rekey", new="鍵を替えた合言葉 8")
    assert result.returncode == 0, result.stderr
    assert otokui(inited, "backup", str(tmp_path / "b1")).returncode == 1
    assert otokui(inited, "backup", str(tmp_path / "b2"),
                  passphrase="鍵を替えた合言葉 8").returncode == 0


def test_self_test_passes() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "self-test"],
                            capture_output=True, text=True, timeout=180, cwd=ROOT,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen",
                                 "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test passed" in result.stdout


def test_log_holds_no_secret_or_personal_data(inited: Path, tmp_path: Path) -> None:
    csv_in = tmp_path / "in.csv"
    csv_in.write_text("氏名,電話番号\n秘密 次郎,090-5555-6666\n", encoding="utf-8")
    otokui(inited, "import-csv", str(csv_in))
    otokui(inited, "backup", str(tmp_path / "b"), passphrase="wrong wrong wrong")
    log = (inited / "logs" / "otokui.log").read_text(encoding="utf-8")
    assert log  # something was logged
    for needle in (PASS, "秘密", "090-5555-6666", "wrong wrong wrong"):
        assert needle not in log
