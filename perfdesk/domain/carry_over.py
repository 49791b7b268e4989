"""What a declaration carries into another year (the clerk's “copy last year's declaration”).

The unit's own text carries over; dates move by the difference in years; what reviewers and the
finance office wrote, the signature date and the prior-year grades do not, because they belong to
that year's round.
"""

from __future__ import annotations

import copy
import datetime as dt
import re

from perfdesk.domain import dates
from perfdesk.domain.document import blank_document
from perfdesk.domain.findings import EXPLANATIONS_KEY
from perfdesk.domain.formdef import FormDef

_REVIEW_FIELDS = ("supervisor_opinion", "supervisor_reviewer", "supervisor_review_date", "fill_date")


def _shift(value, years: int):
    try:
        day = dates.parse_date(value)
    except dates.DateError:
        return value  # an invalid entry is kept as typed for the clerk to fix
    if day is None:
        return value
    try:
        return day.replace(year=day.year + years).isoformat()
    except ValueError:  # 29 February into a common year
        return dt.date(day.year + years, 2, 28).isoformat()


def _retitle(text: str, from_year: int, to_year: int) -> str:
    return re.sub(rf"(?<!\d){from_year}(?=年)", str(to_year), text or "")


def carry_over(form: FormDef, doc: dict, from_year: int, to_year: int) -> dict:
    years = to_year - from_year
    new = copy.deepcopy(doc)
    new.pop(EXPLANATIONS_KEY, None)  # explanations answer that year's warnings
    for key, field in form.fields.items():
        if field.finance_only or key in _REVIEW_FIELDS:
            new[key] = None
        elif field.type == "date":
            new[key] = _shift(new.get(key), years)
    for key in ("project_name", "expense_overview", "annual_goal"):
        if key in new and isinstance(new[key], str):
            new[key] = _retitle(new[key], from_year, to_year)
    if "self_eval_year" in new and str(new.get("self_eval_year") or "") == str(from_year):
        new["self_eval_year"] = str(to_year)
    for table in form.tables.values():
        if table.kind == "tree":
            for row in new.get(table.key, {}).values():
                # this year's request becomes next year's “上年度资金”; the finance office fills the rest
                row["last_year"], row["this_year"] = row.get("this_year"), None
                for col in table.columns:
                    if col.finance_only:
                        row[col.key] = None
        elif table.kind == "fixed":
            new[table.key] = blank_document(form)[table.key]
        else:
            for row in new.get(table.key, []):
                for col in table.columns:
                    if col.type == "date":
                        row[col.key] = _shift(row.get(col.key), years)
                if "last_year" in row and "this_year" in row:
                    row["last_year"], row["this_year"] = row.get("this_year"), None
    return new
