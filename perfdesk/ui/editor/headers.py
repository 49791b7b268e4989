"""Column headings of a table as the printed form gives them, from the form's typed layout.

A table row node of the layout (repeat, tree, indicators) is placed under the header rows that come
straight before it, cell by cell as the printed grid places them (layout.Occupancy); each of its cells takes the text of the lowest header cell above it. That
gives the editor the printed wording and order ("1-{months}月支出进度%（支出数/安排数）", the three
“√” columns of 完成目标可能性) without this module knowing any form by name. `{months}` is filled
from the document's period; a table without header rows falls back to its column labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from perfdesk.domain import layout as L
from perfdesk.domain.formdef import FormDef, TableDef
from perfdesk.domain.layout import Occupancy
from perfdesk.domain.monitoring import months_of

MONTHS = "{months}"
PERIOD_FIELD = "period_months"  # the monitoring period, as the domain reads it (1-N月)
_NOTE = re.compile(r"（[^（）]*）$")


@dataclass(frozen=True)
class PrintedColumn:
    """One column of the table row as printed: a data column, a derived one, or one option's tick."""
    key: str            # column or derived key
    option: str = ""    # for a tick column: the option it ticks
    header: str = ""    # printed header text (may hold {months}); "" when the layout has none


def _placements(header_rows: list[L.Row]) -> list[tuple[int, int, int, int, str]]:
    """(row, first column, span, rowspan, text) of every header cell, placed as the grid places them."""
    occupancy, placed = Occupancy(), []
    for r, row in enumerate(header_rows):
        columns, _ = occupancy.place(r, 0, [(c.span, c.rowspan) for c in row.cells])
        placed += [(r, x, c.span, c.rowspan, c.text if isinstance(c, L.TextCell) else "")
                   for c, x in zip(row.cells, columns)]
    return placed


def _header_over(placed: list[tuple[int, int, int, int, str]], start: int, span: int) -> str:
    covering = [p for p in placed if p[1] <= start and start + span <= p[1] + p[2]]
    if not covering:
        return ""
    return max(covering, key=lambda p: p[0] + p[3])[4]


def printed_columns(form: FormDef, table: TableDef) -> list[PrintedColumn]:
    """The table's columns in printed order with their printed headers; columns the layout does not
    show follow in file order, so every column stays reachable."""
    found = next(((row, headers) for row, headers in L.table_rows_with_headers(form.layout.body)
                  if row.table_key() == table.key), None)
    out: list[PrintedColumn] = []
    if found is not None:
        row, header_rows = found
        placed = _placements(header_rows)
        x = sum(row.spans) if isinstance(row, L.IndicatorRows) else 0
        for cell in row.cells:
            text = _header_over(placed, x, cell.span)
            if isinstance(cell, L.ColumnCell):
                out.append(PrintedColumn(cell.column, "", text))
            elif isinstance(cell, L.TickCell):
                out.append(PrintedColumn(cell.tick, cell.option, text))
            x += cell.span
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
