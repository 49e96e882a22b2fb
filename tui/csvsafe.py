"""CSV that is safe to open in a spreadsheet (the OWASP "CSV injection" rule).

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula (`=HYPERLINK(...)`, `@SUM(...)`, DDE), so
a feed title could run one on the user's machine. Such cells get a leading `'`, which
every spreadsheet shows as text. Every CSV the project writes goes through here.
Every cell is quoted, so that a CR inside a cell cannot split a row.
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
    # Every cell quoted: with "\n" line ends the csv module leaves a bare CR in a cell
    # unquoted (it split the row in readers); CRLF line ends would put raw CRs on a
    # terminal. Quoted, a CR stays inside its cell.
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow([neutralise_cell(name) for name in fieldnames])
    for row in rows:
        writer.writerow([neutralise_cell(row.get(name)) for name in fieldnames])
    return buffer.getvalue()
