"""A reviewer names a field the way the printed form does (申报的必要性, 经费拨款) or by its id
(necessity, appropriation): both lead to the same cell path."""

from __future__ import annotations

from perfdesk.errors import UserError
from perfdesk.domain.formdef import FormDef, TableDef
from perfdesk.domain.lifecycle import Actor
from perfdesk.domain.review_cells import level_paths

_NUMBERING = "一二三四五六七八九十0123456789、.．"


class FieldNameError(UserError, ValueError):
    """A name that is neither an id nor a printed label of the form; the message lists the accepted names."""


def row_label(label: str) -> str:
    """A tree row's label as a reviewer types it: “1、经费拨款” → “经费拨款”."""
    return label.lstrip(_NUMBERING).strip()


def field_path(form: FormDef, name: str) -> str:
    """The cell path a --reason names: an id or path (necessity, expense_details.2.this_year) stays as
    it is; a printed label (申报的必要性, 支出明细预算) gives its field's or table's id."""
    name = name.strip()
    if name.split(".")[0] in form.fields or name.split(".")[0] in form.tables:
        return name
    named = {f.label: key for key, f in form.fields.items()}
    named.update({t.label: key for key, t in form.tables.items()})
    if name in named:
        return named[name]
    accepted = "、".join(f"{label}（{key}）" for label, key in named.items() if not _reviewers_own(form, key))
    raise FieldNameError(f"表单中没有“{name}”这一栏；可写退回理由的栏目（名称或编号均可）：{accepted}")


def tree_row_key(table: TableDef, name: str, keys: list[str]) -> str:
    """The key of one of the rows `keys` of tree `table`, named by its key (appropriation) or its printed
    label with or without the numbering (经费拨款, 1、经费拨款)."""
    name = name.strip()
    rows = [r for r in table.tree if r.key in keys]
    for row in rows:
        if name in (row.key, row.label.strip(), row_label(row.label)):
            return row.key
    accepted = "、".join(f"{row_label(r.label)}（{r.key}）" for r in rows) or "无"
    raise FieldNameError(f"{table.label}中没有“{name}”这一行；可填写的行（名称或编号均可）：{accepted}")


def _reviewers_own(form: FormDef, key: str) -> bool:
    # the reviewers' own cells (审核意见, 审核人, 本年度实际安排资金 …) are never a reason to return a form
    field = form.fields.get(key)
    return field is not None and (field.finance_only or any(key in level_paths(form, a) for a in Actor))
