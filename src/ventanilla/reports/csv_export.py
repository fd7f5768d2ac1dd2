"""A report table as CSV, safe to open in a spreadsheet.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run as
a formula by spreadsheet programs (CSV injection, OWASP): such cells get a leading
apostrophe, which the programs show as text. Tag names and organisation names come from
users, so any cell may be one. Numbers never start with those characters here (counts are
never negative in a table), so they are left alone.
"""

from __future__ import annotations

import csv
import io

from ventanilla.reports.tables import Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """``value`` made harmless for a spreadsheet."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def table_csv(table: Table) -> str:
    """The CSV text of ``table``: its header, then its rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(c) for c in table.header])
    writer.writerows([csv_cell(c) for c in row] for row in table.rows)
    return out.getvalue()
