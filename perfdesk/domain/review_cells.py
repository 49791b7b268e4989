"""The cells of a form that each review level signs: its opinion, its reviewer and the date.

A form declares them by name, `<level>_opinion`, `<level>_reviewer`, `<level>_review_date` (the
declaration's 审核意见 rows, 附件1-1: 主管部门, 市财政局业务科室, 预算绩效管理科); a form without them
keeps the opinions in its history only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from .formdef import FormDef
from .lifecycle import Actor
from .review_opinions import REVIEW_LEVELS, LevelDecision

_PARTS = ("opinion", "reviewer", "review_date")


def level_paths(form: FormDef, level: Actor) -> tuple[str, ...]:
    return tuple(key for part in _PARTS if (key := f"{level.value}_{part}") in form.fields)


def level_cells(form: FormDef, level: Actor, *, opinion: str | None, reviewer: str | None,
                date: dt.date) -> dict[str, str]:
    """The level's cells as its review fills them (only those the form has, only those given)."""
    values = {"opinion": opinion, "reviewer": reviewer, "review_date": date.isoformat() if opinion else None}
    return {f"{level.value}_{part}": value for part, value in values.items()
            if value and f"{level.value}_{part}" in form.fields}


def printed_cells(form: FormDef,
                  signed: Mapping[Actor, LevelDecision]) -> tuple[dict[str, str | None], dict[str, str]]:
    """The 审核意见 rows as they print for the sign-offs of the current version (review_opinions.
    printed_opinions): every level's cells, a level that has not signed it left blank whatever the
    document holds; and the deciding body of each signed row, by its opinion cell."""
    cells: dict[str, str | None] = {}
    bodies: dict[str, str] = {}
    for level in REVIEW_LEVELS:
        d = signed.get(level)
        values = {"opinion": d.opinion, "reviewer": d.reviewer or None,
                  "review_date": d.day.isoformat() if d.day else None} if d else {}
        for part in _PARTS:
            key = f"{level.value}_{part}"
            if key in form.fields:
                cells[key] = values.get(part)
        if d and f"{level.value}_opinion" in form.fields and d.body:
            bodies[f"{level.value}_opinion"] = d.body
    return cells, bodies
