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
