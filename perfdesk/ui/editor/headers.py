"""Column headings of a table as the printed form gives them, read from `layout.body`.

A table row of the layout (`tree:`, `indicators:`, `repeat:`) is placed under the header rows that
come straight before it; each of its cells takes the text of the lowest header cell above it. That
gives the editor the printed wording and order ("1-{months}月支出进度%（支出数/安排数）", the three
“√” columns of 完成目标可能性) without this module knowing any form by name. `{months}` is filled
from the document's period; a table without header rows falls back to its column labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...domain.formdef import FormDef, TableDef
from ...domain.monitoring import months_of

MONTHS = "{months}"
PERIOD_FIELD = "period_months"  # the monitoring period, as the domain reads it (1-N月)
_TABLE_ROW_KEYS = ("tree", "indicators", "repeat")
_NOTE = re.compile(r"（[^（）]*）$")


@dataclass(frozen=True)
class PrintedColumn:
    """One column of the table row as printed: a data column, a derived one, or one option's tick."""
    key: str            # column or derived key
    option: str = ""    # for a tick column: the option it ticks
    header: str = ""    # printed header text (may hold {months}); "" when the layout has none


def _placements(header_rows: list[dict]) -> list[tuple[int, int, int, int, str]]:
    """(row, first column, span, rowspan, text) of every header cell, rowspans filled as on paper."""
    taken: dict[int, set[int]] = {}
    placed = []
    for r, row in enumerate(header_rows):
        x = 0
        for cell in row.get("cells") or []:
            while x in taken.get(r, set()):
                x += 1
            span, rowspan = int(cell.get("span", 1)), int(cell.get("rowspan", 1))
            placed.append((r, x, span, rowspan, str(cell.get("text") or "")))
            for dr in range(rowspan):
                taken.setdefault(r + dr, set()).update(range(x, x + span))
            x += span
    return placed


def _header_over(placed: list[tuple[int, int, int, int, str]], start: int, span: int) -> str:
    covering = [p for p in placed if p[1] <= start and start + span <= p[1] + p[2]]
    if not covering:
        return ""
    return max(covering, key=lambda p: p[0] + p[3])[4]


def _find(rows: list[dict], table_key: str) -> tuple[list[dict], dict] | None:
    """The table's layout row and the header rows straight before it (searching nested groups)."""
    headers: list[dict] = []
    for row in rows:
        if "group" in row:
            found = _find(row.get("rows") or [], table_key)
            if found is not None:
                return found
            headers = []
            continue
        if row.get("header"):
            headers.append(row)
            continue
        if any(row.get(k) == table_key for k in _TABLE_ROW_KEYS):
            return headers, row
        headers = []
    return None


def printed_columns(form: FormDef, table: TableDef) -> list[PrintedColumn]:
    """The table's columns in printed order with their printed headers; columns the layout does not
    show follow in file order, so every column stays reachable."""
    found = _find(form.layout.get("body") or [], table.key)
    out: list[PrintedColumn] = []
    if found is not None:
        header_rows, row = found
        placed = _placements(header_rows)
        x = sum(int(s) for s in row.get("spans") or [])
        for cell in row.get("cells") or []:
            span = int(cell.get("span", 1))
            text = _header_over(placed, x, span)
            if "column" in cell:
                out.append(PrintedColumn(cell["column"], "", text))
            elif "tick" in cell:
                out.append(PrintedColumn(cell["tick"], str(cell.get("option") or ""), text))
            x += span
    known = {c.key for c in table.columns} | set(table.derived)
    out = [c for c in out if c.key in known]
    shown = {c.key for c in out}
    out += [PrintedColumn(k) for k in [c.key for c in table.columns] + list(table.derived) if k not in shown]
    return out


def period_of(form: FormDef, doc: dict) -> str | None:
    """The period's last month as text ("6"), or None for a form without a period."""
    return str(months_of(doc)) if PERIOD_FIELD in form.fields else None


def fill_months(text: str, months: str | None) -> str:
    """'1-{months}月下达数' → '1-9月下达数'; a label's '1-XX月' likewise."""
    value = str(months) if months else "XX"
    return text.replace(MONTHS, value).replace("1-XX月", f"1-{value}月")


def short_header(text: str) -> str:
    """The heading line shown on screen: first line, without a trailing explanation in brackets."""
    first = text.split("\n")[0].strip()
    return _NOTE.sub("", first) or first
