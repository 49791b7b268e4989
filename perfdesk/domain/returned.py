"""The fields a reviewer returned with a reason (退回理由 per field), as findings: each stays until the
clerk changes that field, so the checks dock lists it, F8 reaches it and the editor marks it.

A reason names a cell path as the form was returned (`necessity`, `annual_indicators.1.value`, a whole
row `annual_indicators.1` or a whole table); a row is followed by what it is (form_diff.pair_rows), so
an indicator inserted above it moves the mark with the row, and a row deleted counts as changed."""

from __future__ import annotations

from perfdesk.domain.document import display, rows
from perfdesk.domain.findings import Finding, Severity
from perfdesk.domain.form_diff import pair_rows, row_label
from perfdesk.domain.formdef import FormDef

RETURNED_CODE = "returned:"


def returned_findings(form: FormDef, reasons: dict[str, str], returned: dict, current: dict) -> list[Finding]:
    """One RETURNED finding per reason whose field still shows what it showed when returned, named
    by where that field is now; in the form's order (its fields, then its tables)."""
    order = {key: i for i, key in enumerate([*form.fields, *form.tables])}
    found = []
    for given, reason in reasons.items():
        path = _known_part(form, given)
        if path is None:
            continue  # a field this form version does not have
        now = _follow(form, path, returned, current)
        if now is None or _shown(form, path, returned) != _shown(form, now, current):
            continue
        label = row_label(form, now, _row(form, now, current))
        found.append(Finding(Severity.RETURNED, f"{RETURNED_CODE}{path}", now, label, reason.strip()))
    return sorted(found, key=lambda f: (order[f.field.split(".")[0]], _row_number(f.field)))


def _row(form: FormDef, path: str, doc: dict) -> dict:
    """The row a path inside a list table names ({} for anything else)."""
    head, _, rest = path.partition(".")
    index = rest.partition(".")[0]
    listed = rows(doc, form.tables[head]) if head in form.tables else []
    return listed[int(index)] if index.isdigit() and int(index) < len(listed) else {}


def _row_number(path: str) -> int:
    parts = path.split(".")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else -1


def _known_part(form: FormDef, path: str) -> str | None:
    """The path as far as this form has it: a field, a table, a row of it, a cell (None: no such field)."""
    head, *parts = path.split(".")
    if head in form.fields:
        return head
    table = form.tables.get(head)
    if table is None:
        return None
    rows_known = {r.key for r in table.tree} if table.kind == "tree" else None
    if not parts or not (parts[0] in rows_known if rows_known is not None else parts[0].isdigit()):
        return head
    if len(parts) < 2 or parts[1] not in {c.key for c in table.columns}:
        return f"{head}.{parts[0]}"
    return f"{head}.{parts[0]}.{parts[1]}"


def _follow(form: FormDef, path: str, returned: dict, current: dict) -> str | None:
    """The path in `current` of what `path` named in `returned`; None when that row is gone."""
    head, _, rest = path.partition(".")
    table = form.tables.get(head)
    if table is None:
        return path
    index, _, column = rest.partition(".")
    if table.kind == "tree" or not index.isdigit():
        return path
    pairs = dict(p for p in pair_rows(table, rows(returned, table), rows(current, table)) if p[0] is not None)
    moved = pairs.get(int(index))
    return None if moved is None else ".".join(p for p in (head, str(moved), column) if p)


def _shown(form: FormDef, path: str, doc: dict):
    """What the path shows: a field's or cell's printed text, a row's or table's cells."""
    head, _, rest = path.partition(".")
    if head in form.fields:
        return display(form.fields[head], doc.get(head)).strip()
    table = form.tables[head]
    value = doc.get(head)
    parts = rest.split(".") if rest else []
    if table.kind == "tree":
        value = value if isinstance(value, dict) else {}
        return _tree_cells(table, value, parts)
    listed = rows(doc, table)
    if not parts:
        return [_row_cells(table, row) for row in listed]
    index = int(parts[0])
    row = listed[index] if index < len(listed) else {}
    if len(parts) == 1:
        return _row_cells(table, row)
    return display(table.column(parts[1]), row.get(parts[1])).strip()


def _row_cells(table, row: dict) -> tuple:
    return tuple(display(c, row.get(c.key)).strip() for c in table.columns)


def _tree_cells(table, value: dict, parts: list[str]):
    keys = [r.key for r in table.tree] if not parts else [parts[0]]
    columns = [c for c in table.columns if len(parts) < 2 or c.key == parts[1]]
    return tuple(display(c, (value.get(k) or {}).get(c.key)).strip() for k in keys for c in columns)
