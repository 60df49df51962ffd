"""The saved-revenue report as CSV: the group keys first, then the stable `COLUMNS`.

Money is in minor units, the deflection rate a share of 1 with four places, and a group with
no value ("none": no offer shown, no experiment) an empty cell.
"""

import csv
import io
from collections.abc import Iterable, Sequence

from saveflow.reports.saved_revenue import COLUMNS


def header(names: Sequence[str]) -> list[str]:
    """Return the CSV header for a report grouped by `names` (the query's group-key columns)."""
    return [*names, *COLUMNS]


def to_csv(report_rows: Iterable[dict], names: Sequence[str]) -> str:
    """Write report rows (from `saved_revenue.rows`) as CSV text with a header line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    columns = header(names)
    writer.writerow(columns)
    for row in report_rows:
        writer.writerow(["" if row.get(c) is None else row[c] for c in columns])
    return out.getvalue()
