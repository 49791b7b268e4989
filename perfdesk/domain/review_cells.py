"""The cells of a form that each review level signs: its opinion, its reviewer and the date.

A form declares them by name, `<level>_opinion`, `<level>_reviewer`, `<level>_review_date` (the
declaration's 审核意见 rows, 附件1-1: 主管部门, 市财政局业务科室, 预算绩效管理科); a form without them
keeps the opinions in its history only.
"""

from __future__ import annotations

import datetime as dt

from .formdef import FormDef
from .lifecycle import Actor

_PARTS = ("opinion", "reviewer", "review_date")


def level_paths(form: FormDef, level: Actor) -> tuple[str, ...]:
    return tuple(key for part in _PARTS if (key := f"{level.value}_{part}") in form.fields)


def level_cells(form: FormDef, level: Actor, *, opinion: str | None, reviewer: str | None,
                date: dt.date) -> dict[str, str]:
    """The level's cells as its review fills them (only those the form has, only those given)."""
    values = {"opinion": opinion, "reviewer": reviewer, "review_date": date.isoformat() if opinion else None}
    return {f"{level.value}_{part}": value for part, value in values.items()
            if value and f"{level.value}_{part}" in form.fields}
