"""Saving the rows an import refused: Excel-friendly, owner-only, formulas defused."""

from __future__ import annotations

import csv
import os
import stat

import pytest

from app.csv_problems import write_problems_csv
from app.csvio import RowProblem


def test_written_for_excel_with_translated_headers_and_reasons(tmp_path) -> None:
    problems = [
        RowProblem(row=3, column="メールアドレス", reason="This is not an email address.",
                   value="taro.example.jp"),
        RowProblem(row=7, column="", reason="This row has more cells than the header row.",
                   value=""),
        RowProblem(row=9, column="表示名", reason="x", value="=HYPERLINK(\"http://x\")"),
    ]
    path = tmp_path / "errors.csv"
    n = write_problems_csv(problems, path, headers=("行", "列", "理由", "値"),
                           reason_text=lambda r: {"x": "ばつ"}.get(r, r))
    assert n == 3
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["行", "列", "理由", "値"]
    assert rows[1] == ["3", "メールアドレス", "This is not an email address.", "taro.example.jp"]
    assert rows[3] == ["9", "表示名", "ばつ", "'=HYPERLINK(\"http://x\")"]
    if os.name != "nt":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_unwritable_place_leaves_nothing(tmp_path) -> None:
    target = tmp_path / "missing-folder" / "errors.csv"
    with pytest.raises(OSError):
        write_problems_csv([], target)
    assert not target.exists()
