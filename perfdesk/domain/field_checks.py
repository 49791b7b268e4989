"""Checks every field gets from its declared type: required, well formed, not negative, plausible."""

from __future__ import annotations

import re
from typing import Any, Iterator

from perfdesk.domain import dates, money
from perfdesk.domain.document import rows, typed
from perfdesk.domain.findings import FINANCE_CELLS_KEY, Finding, Severity
from perfdesk.domain.formdef import FieldDef, FormDef
from perfdesk.domain.lifecycle import Role

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(0\d{2,3}-?)?[2-9]\d{6,7}(-\d{1,6})?$")
_SERVICE = re.compile(r"^(400|800)-?\d{3}-?\d{4}$")


def plausible_phone(text: str) -> bool:
    compact = re.sub(r"[\s()（）]", "", text).replace("—", "-").replace("－", "-")
    mobile = re.sub(r"^(\+?86)-?", "", compact).replace("-", "")  # 138-3551-2345, +86 13835512345
    return bool(_MOBILE.match(mobile) or _LANDLINE.match(compact) or _SERVICE.match(compact))


def _required(field: FieldDef, doc: dict) -> bool:
    if field.required_when:
        return all(doc.get(k) == v for k, v in field.required_when.items())
    return field.required


def check_value(field: FieldDef, raw: Any, path: str, label: str, doc: dict, role: Role,
                reviewed: dict | None = None) -> Iterator[Finding]:
    """`reviewed`: the finance-only cells a verified review wrote (see FINANCE_CELLS_KEY)."""
    blank = raw is None or (isinstance(raw, str) and not raw.strip())
    if field.finance_only and not role.fills_finance_cells:
        if not blank and (reviewed or {}).get(path) != raw:
            yield Finding(Severity.ERROR, f"finance_only:{path}", path, label,
                          f"{field.label}由财政部门填写，预算单位不能填写，请清空此栏。")
        return
    if blank:
        if _required(field, doc):
            yield Finding(Severity.ERROR, f"required:{path}", path, label, f"{field.label}为必填项，请填写。")
        return
    try:
        value = typed(field, raw)
    except (money.AmountError, dates.DateError) as exc:
        yield Finding(Severity.ERROR, f"invalid:{path}", path, label, str(exc))
        return
    if field.type in ("amount", "score") and value < 0:
        yield Finding(Severity.ERROR, f"negative:{path}", path, label,
                      f"{field.label}不能为负数（填写了 {money.format_amount(value)}"
                      f"{' 万元' if field.type == 'amount' else ''}），请填写 0 或正数。")
    elif field.type == "phone" and not plausible_phone(str(value)):
        yield Finding(Severity.WARNING, f"phone:{path}", path, label,
                      f"“{value}”不像有效的电话号码：手机号为 11 位数字，固定电话如 0355-2021234。"
                      "请改正；如确为特殊号码，请填写说明。")
    # re.ASCII: \d must not accept full-width digits, which the finance system's codes never contain
    elif field.type == "code" and field.pattern and not re.fullmatch(field.pattern, str(value), re.ASCII):
        yield Finding(Severity.ERROR, f"pattern:{path}", path, label,
                      f"“{value}”格式不对：{field.pattern_hint or field.label}。")
    elif field.type == "year" and not re.fullmatch(r"(19|20|21)\d{2}", str(value), re.ASCII):
        yield Finding(Severity.ERROR, f"year:{path}", path, label, f"“{value}”不是有效的年度，请填写四位年份，例如 2026。")
    elif field.type in ("choice", "grade", "indicator_kind"):
        options = field.choices(doc)
        if options and value not in options:
            yield Finding(Severity.ERROR, f"choice:{path}", path, label,
                          f"“{value}”不是可选项，请从“{'、'.join(options)}”中选择。")


def check_fields(form: FormDef, doc: dict, role: Role) -> Iterator[Finding]:
    reviewed = doc.get(FINANCE_CELLS_KEY) or {}
    for key, field in form.fields.items():
        yield from check_value(field, doc.get(key), key, field.label, doc, role, reviewed)
    for table in form.tables.values():
        if table.kind == "tree":
            raw = doc.get(table.key) or {}
            for row in table.tree:
                for col in table.columns:
                    path = f"{table.key}.{row.key}.{col.key}"
                    yield from check_value(col, (raw.get(row.key) or {}).get(col.key), path,
                                           form.label_of(path), doc, role, reviewed)
            continue
        table_rows = rows(doc, table)
        if table.min_rows and len(table_rows) < table.min_rows:
            yield Finding(Severity.ERROR, f"min_rows:{table.key}", table.key, table.label,
                          f"{table.label}至少要填写 {table.min_rows} 行，请添加。")
        for index, row in enumerate(table_rows):
            if table.kind == "fixed" and not any(v not in (None, "") for v in row.values()):
                continue  # an unused fixed row (e.g. one of the three prior years) is simply blank
            for col in table.columns:
                path = f"{table.key}.{index}.{col.key}"
                yield from check_value(col, row.get(col.key), path, form.label_of(path), row, role, reviewed)
