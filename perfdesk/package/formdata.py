"""The form document as it travels: its shape checked before any rule reads it, and the
finance-only cells (审核意见, 本年度实际安排资金) that only the finance office may fill.

Paths name cells as the checks do: 'finance_dept_opinion', 'fund_sources.appropriation.actual',
'expense_details.0.note'."""

from __future__ import annotations

import copy
from typing import Any, Iterator

from perfdesk.domain.document import value_at
from perfdesk.domain.formdef import FormDef
from perfdesk.domain.findings import FINANCE_CELLS_KEY
from perfdesk.package.package_errors import PackageError

MAX_DEPTH = 8
MAX_NODES = 200_000
MAX_TEXT = 100_000
MAX_ROWS = 10_000
MAX_INT = 10**15


def _leaf(value: Any) -> bool:
    if isinstance(value, str):
        return len(value) <= MAX_TEXT
    if isinstance(value, bool) or value is None:
        return True
    return type(value) is int and abs(value) < MAX_INT  # float never: money is text


def _walk(value: Any, depth: int, budget: list[int]) -> bool:
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH:
        return False
    if isinstance(value, dict):
        return all(isinstance(k, str) and len(k) <= 200 and _walk(v, depth + 1, budget) for k, v in value.items())
    if isinstance(value, list):
        return all(_walk(v, depth + 1, budget) for v in value)
    return _leaf(value)


def check_shape(form: FormDef, data: Any) -> None:
    """Refuse a document whose shape the form's rules and renderers do not expect."""
    if not isinstance(data, dict) or not _walk(data, 0, [MAX_NODES]):
        raise PackageError("数据包中的表单数据结构无效（类型、层次或大小超出范围）")
    for key, value in data.items():
        if key in form.fields:
            ok = _leaf(value)
        elif key in form.tables:
            ok = _table_ok(form, key, value)
        else:
            ok = key.startswith("_")  # bookkeeping such as _explanations
        if not ok:
            raise PackageError(f"数据包中表单数据的“{form.label_of(key)}”结构无效")


def _row_ok(row: Any, columns: set[str]) -> bool:
    return isinstance(row, dict) and all(
        (k in columns and _leaf(v)) or k.startswith("_") for k, v in row.items())


def _table_ok(form: FormDef, key: str, value: Any) -> bool:
    table = form.tables[key]
    columns = {c.key for c in table.columns}
    if table.kind == "tree":
        known = {r.key for r in table.tree}
        return isinstance(value, dict) and all(k in known and _row_ok(v, columns) for k, v in value.items())
    return isinstance(value, list) and len(value) <= MAX_ROWS and all(_row_ok(r, columns) for r in value)


def finance_paths(form: FormDef, data: dict) -> Iterator[str]:
    """Every finance-only cell of this document."""
    for key, field in form.fields.items():
        if field.finance_only:
            yield key
    for table in form.tables.values():
        cols = [c.key for c in table.columns if c.finance_only]
        if not cols:
            continue
        if table.kind == "tree":
            rows = [r.key for r in table.tree]
        else:
            value = data.get(table.key)
            rows = [str(i) for i in range(len(value))] if isinstance(value, list) else []
        for row in rows:
            for col in cols:
                yield f"{table.key}.{row}.{col}"


def _set(data: dict, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        if isinstance(node, list):
            node = node[int(part)]
        else:
            node = node.setdefault(part, {})
    node[last] = value


def strip_finance(form: FormDef, data: dict) -> dict:
    """The document as the unit submits it: finance-only cells blank (the unit may not fill them)."""
    doc = copy.deepcopy(data)
    doc.pop(FINANCE_CELLS_KEY, None)
    for path in list(finance_paths(form, doc)):
        if value_at(doc, path) is not None:
            _set(doc, path, None)
    return doc


def apply_finance(form: FormDef, data: dict, values: dict[str, Any]) -> dict:
    """The document with the finance office's cells filled; only finance-only cells may change."""
    allowed = set(finance_paths(form, data))
    doc = copy.deepcopy(data)
    for path, value in values.items():
        if path not in allowed or not _leaf(value):
            raise PackageError(f"审核结果试图填写“{form.label_of(path)}”，这不是由财政部门填写的栏目，已拒绝")
        _set(doc, path, value)
    # Remember what the office wrote, so the unit's checks accept exactly these values.
    doc[FINANCE_CELLS_KEY] = {**(doc.get(FINANCE_CELLS_KEY) or {}), **values}
    return doc


def set_cells(form: FormDef, data: dict, cells: dict[str, Any], allowed: set[str] | None = None) -> dict:
    """The document with a reviewer's own cells (its opinion, reviewer, date) set; only those cells
    (`allowed`, default: every review level's cells the form has) may change."""
    from perfdesk.domain.lifecycle import Actor
    from perfdesk.domain.review_cells import level_paths

    allowed = allowed if allowed is not None else {p for a in Actor for p in level_paths(form, a)}
    doc = copy.deepcopy(data)
    for path, value in cells.items():
        if path not in allowed or not isinstance(value, str) or len(value) > MAX_TEXT:
            raise PackageError(f"审核结果试图填写“{form.label_of(path)}”，这不是审核意见栏目，已拒绝")
        doc[path] = value
    return doc
