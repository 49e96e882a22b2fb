"""CSV that is safe to open in a spreadsheet (the OWASP "CSV injection" rule).

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula (`=HYPERLINK(...)`, `@SUM(...)`, DDE), so
a feed title could run one on the user's machine. Such cells get a leading `'`, which
every spreadsheet shows as text. Every CSV the project writes goes through here.
Lines end in CRLF (RFC 4180), so that a CR inside a cell is quoted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """`value` with a `'` prefix when it is text that a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(fieldnames: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """A header line and one line per row, every cell (header included) neutralised."""
    buffer = io.StringIO()
    # RFC 4180 line ends: the csv module quotes a cell holding any character of the
    # line terminator, so with "\n" alone a bare CR in a cell split the row in readers.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise_cell(name) for name in fieldnames])
    for row in rows:
        writer.writerow([neutralise_cell(row.get(name)) for name in fieldnames])
    return buffer.getvalue()
