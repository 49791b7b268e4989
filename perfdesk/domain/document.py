"""A form's data document: a JSON-safe dict (amounts and dates as text) read through its definition.

Stored data is exactly what was typed (normalised); typed values are derived here, so a bad entry is
kept for the clerk to fix and reported by the checks rather than lost.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from perfdesk.domain import dates, money
from perfdesk.domain.formdef import FieldDef, FormDef, TableDef


def blank_document(form: FormDef, defaults: dict[str, Any] | None = None) -> dict:
    doc: dict[str, Any] = {key: f.default for key, f in form.fields.items()}
    for key, table in form.tables.items():
        if table.kind == "tree":
            doc[key] = {row.key: {c.key: None for c in table.columns} for row in table.tree}
        elif table.kind == "fixed":
            doc[key] = [{c.key: c.default for c in table.columns} for _ in range(table.fixed_rows)]
        else:
            doc[key] = []
    for key, value in (defaults or {}).items():
        if key in doc:
            doc[key] = value
    return doc


def typed(field: FieldDef, raw: Any) -> Any:
    """The typed value of a raw entry; raises AmountError/DateError for a bad one."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    if field.type == "amount":
        return money.parse_amount(raw)
    if field.type == "score":
        return money.parse_amount(raw, "分值")
    if field.type == "date":
        return dates.parse_date(raw)
    if isinstance(raw, str):
        return raw.strip()
    return raw


def lenient(field: FieldDef, raw: Any) -> Any:
    """Typed value, or None where the entry is invalid (the checks report it)."""
    try:
        return typed(field, raw)
    except (money.AmountError, dates.DateError):
        return None


def rows(data: dict, table: TableDef) -> list[dict]:
    value = data.get(table.key)
    return value if isinstance(value, list) else []


def tree_values(form: FormDef, data: dict, table_key: str, column: str) -> dict[str, Decimal | None]:
    """Each tree row's amount: a parent left blank (or in a `sum_parents` table, any parent) shows the sum
    of its children."""
    table = form.tables[table_key]
    col = table.column(column)
    raw = data.get(table_key) or {}
    own = {r.key: lenient(col, (raw.get(r.key) or {}).get(column)) for r in table.tree}
    result: dict[str, Decimal | None] = {}
    for row in reversed(table.tree):  # children before parents
        if row.children and (own[row.key] is None or table.sum_parents):
            kids = [result[k] for k in row.children]
            result[row.key] = money.total(kids) if any(v is not None for v in kids) else None
        else:
            result[row.key] = own[row.key]
    return result


def derived_values(form: FormDef, data: dict, table_key: str) -> dict[str, dict[str, Decimal | None]]:
    """Computed columns of a tree table, row by row: sums of columns, and rates in per cent
    (two decimals, half up); a zero or blank denominator gives None, shown as “—”."""
    table = form.tables[table_key]
    values = {c.key: tree_values(form, data, table_key, c.key) for c in table.columns}
    for name, rule in table.derived.items():
        result: dict[str, Decimal | None] = {}
        for row in table.tree:
            if "sum" in rule:
                parts = [values[k][row.key] for k in rule["sum"]]
                result[row.key] = money.total(parts) if any(p is not None for p in parts) else None
            else:
                numerator, denominator = (values[k][row.key] for k in rule["rate"])
                result[row.key] = money.percent(numerator, denominator)
        values[name] = result
    return {name: values[name] for name in table.derived}


def column_total(form: FormDef, data: dict, path: str) -> Decimal:
    """合计 of a table column, e.g. 'expense_details.this_year' or 'fund_sources.this_year'."""
    table_key, column = path.split(".")
    table = form.tables[table_key]
    if table.kind == "tree":
        values = tree_values(form, data, table_key, column)
        return money.total(values[r.key] for r in table.tree if r.depth == 0)
    col = table.column(column)
    return money.total(lenient(col, row.get(column)) for row in rows(data, table))


def scored_total(form: FormDef, data: dict, paths: list[str]) -> Decimal | None:
    """综合得分: the sum of several score (or amount) columns; None while none of them holds a value."""
    filled = False
    for path in paths:
        table_key, column = path.split(".")
        col = form.tables[table_key].column(column)
        filled = filled or any(lenient(col, r.get(column)) is not None for r in rows(data, form.tables[table_key]))
    if not filled:
        return None
    return money.total(column_total(form, data, p) for p in paths)


def headline_amount(form: FormDef, data: dict) -> Decimal | None:
    return column_total(form, data, form.headline_amount) if form.headline_amount else None


def display(field: FieldDef, raw: Any) -> str:
    """As the printed table shows it; an invalid entry prints as typed so nothing is hidden."""
    try:
        value = typed(field, raw)
    except (money.AmountError, dates.DateError):
        return str(raw)
    if value is None:
        return ""
    if field.type in ("amount", "score"):
        return money.format_amount(value)
    if field.type == "date":
        return dates.format_date(value)
    return str(value)


def value_at(data: dict, path: str) -> Any:
    """The value at a cell path such as 'fund_sources.appropriation.actual' or 'expense_details.2.note',
    or None where the path leads nowhere."""
    node: Any = data
    for part in path.split("."):
        if isinstance(node, list):
            node = node[int(part)] if part.isdigit() and int(part) < len(node) else None
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            return None
    return node
