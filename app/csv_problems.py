"""The rows an import refused, saved as a CSV file the owner can open next to theirs.

One line per problem (行, 列, 理由, 値), UTF-8 with a BOM and CRLF line ends so that
Excel shows Japanese text on a double click, written atomically with owner-only
permissions (the values come from the owner's customer file). Cells that Excel would run
as a formula get a leading apostrophe, as in :func:`app.csvio.export_csv`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from app import fsutil
from app.csvio import RowProblem

_FORMULA_START = frozenset("=+-@\t\r")


def _guard(value: str) -> str:
    return "'" + value if value and value[0] in _FORMULA_START else value


def write_problems_csv(problems: list[RowProblem], path: Path, *,
                       headers: tuple[str, str, str, str] = ("row", "column", "reason", "value"),
                       reason_text: Callable[[str], str] = str) -> int:
    """Write ``problems`` to ``path``; returns the number of lines written.

    ``headers`` and ``reason_text`` let the caller put them in the owner's language
    (reasons are English source text marked for translation).
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(headers)
    for p in problems:
        writer.writerow([str(p.row), _guard(p.column), reason_text(p.reason), _guard(p.value)])
    fsutil.write_private_bytes(Path(path), b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
    return len(problems)



def write_skipped_rows(headers: list[str], rows: list[tuple[int, list[str]]],
                       problems: list[RowProblem], path: Path, *,
                       problem_header: str = "problem",
                       reason_text: Callable[[str], str] = str) -> int:
    """Write the rows named in ``problems`` to ``path``: the input's own columns, in its
    order, then one column saying what is wrong. Returns the rows written.

    The file is for fixing and importing again: same headers as the input (an import
    ignores the extra problem column), the cells exactly as they were read. Like an
    export it is written in full or not at all, readable by the owner only; cells Excel
    would run as formulas are guarded (the import takes the apostrophe off again).
    It is a file the owner chose to write, in plain CSV like an export (not encrypted);
    the caller records it in the audit log.
    """
    from app.errors import CsvError, DiskFullError
    from app.i18n import QT_TRANSLATE_NOOP

    reasons: dict[int, list[str]] = {}
    for p in problems:
        text = reason_text(p.reason)
        if p.column:
            text = f"{p.column}: {text}"
        if p.related_row is not None:
            text += f" (→ {p.related_row})"
        reasons.setdefault(p.row, []).append(text)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([_guard(h) for h in headers] + [problem_header])
    width = len(headers)
    written = 0
    for row, cells in rows:
        if row not in reasons:
            continue
        padded = cells + [""] * (width - len(cells))
        writer.writerow([_guard(c) for c in padded] + [" / ".join(reasons[row])])
        written += 1
    try:
        fsutil.write_private_bytes(Path(path),
                                   b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
    except OSError as exc:
        import errno

        if exc.errno == errno.ENOSPC:
            raise DiskFullError() from None
        raise CsvError(exc.strerror or type(exc).__name__, message=QT_TRANSLATE_NOOP(
            "csv", "The file of skipped rows cannot be written, so nothing was imported."),
            advice=QT_TRANSLATE_NOOP(
                "csv", "Choose another folder, or close the file if Excel has it open."),
        ) from None
    return written
