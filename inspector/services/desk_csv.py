"""CSV of any desk table: the fields of its rows (frozen dataclasses), rates with k, n and interval."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, fields, is_dataclass
from datetime import datetime
from typing import Any

from inspector.services.rates import Rate


def _flat(row: Any) -> dict[str, object]:
    values: dict[str, object] = {}
    for name, value in asdict(row).items():
        if isinstance(value, dict):  # a matrix's cells: one column per (from, to)
            for key, count in sorted(value.items()):
                values[f"{name}_{'_to_'.join(map(str, key)) if isinstance(key, tuple) else key}"] = count
        elif isinstance(value, list | tuple):  # reasons, people: one cell, "; "-separated
            values[name] = "; ".join(map(str, value))
        elif isinstance(value, datetime):
            values[name] = value.isoformat()
        else:
            values[name] = "" if value is None else value
    rates = getattr(row, "rates", None) or getattr(row, "agreement", None)
    if callable(rates):
        found = rates()
        for rate_name, rate in (found.items() if isinstance(found, dict) else [("agreement", found)]):
            if isinstance(rate, Rate):
                values.update(rate.csv_fields(rate_name))
    return values


def to_csv(rows: list[Any]) -> str:
    """Every row's fields as columns (the union, in first-seen order), one line per row."""
    flat = [_flat(row) for row in rows if is_dataclass(row)]
    header: list[str] = []
    for values in flat:
        header += [k for k in values if k not in header]
    if not header and rows and is_dataclass(rows[0]):
        header = [f.name for f in fields(rows[0])]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for values in flat:
        writer.writerow([values.get(k, "") for k in header])
    return out.getvalue()
