"""The cells of a form that each review level signs: its opinion, its reviewer and the date.

A form declares them by name, `<level>_opinion`, `<level>_reviewer`, `<level>_review_date` (the
declaration's 审核意见 rows, 附件1-1: 主管部门, 市财政局业务科室, 预算绩效管理科); a form without them
keeps the opinions in its history only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from perfdesk.domain.formdef import FormDef
from perfdesk.domain.lifecycle import Actor
from perfdesk.domain.review_opinions import REVIEW_LEVELS, LevelDecision

_PARTS = ("opinion", "reviewer", "review_date")


def level_paths(form: FormDef, level: Actor) -> tuple[str, ...]:
    return tuple(key for part in _PARTS if (key := f"{level.value}_{part}") in form.fields)


def level_cells(form: FormDef, level: Actor, *, opinion: str | None, reviewer: str | None,
                date: dt.date) -> dict[str, str]:
    """The level's cells as its review fills them (only those the form has, only those given)."""
    values = {"opinion": opinion, "reviewer": reviewer, "review_date": date.isoformat() if opinion else None}
    return {f"{level.value}_{part}": value for part, value in values.items()
            if value and f"{level.value}_{part}" in form.fields}


def printed_cells(form: FormDef, signed: Mapping[Actor, LevelDecision], doc: Mapping[str, object], *,
                  own_supervisor: str = "") -> tuple[dict[str, object], dict[str, str]]:
    """The 审核意见 rows as they print for the sign-offs of the current version (review_opinions.
    printed_opinions): every level's cells, a level that has not signed it left blank whatever the
    document holds; and the deciding body of each signed row, by its opinion cell.

    `own_supervisor`: the unit's name where it is its own 主管部门 (a 部门's own form). No other
    主管部门 reviews it, so its row is the one it filled in itself, as typed."""
    cells: dict[str, object] = {}
    bodies: dict[str, str] = {}
    for level in REVIEW_LEVELS:
        d = signed.get(level)
        values = {"opinion": d.opinion, "reviewer": d.reviewer or None,
                  "review_date": d.day.isoformat() if d.day else None} if d else {}
        if d is None and level is Actor.SUPERVISOR and own_supervisor:
            values = {part: doc.get(f"{level.value}_{part}") for part in _PARTS}
            d_body = own_supervisor if values["opinion"] else ""
        else:
            d_body = d.body if d else ""
        for part in _PARTS:
            key = f"{level.value}_{part}"
            if key in form.fields:
                cells[key] = values.get(part)
        if d_body and f"{level.value}_opinion" in form.fields:
            bodies[f"{level.value}_opinion"] = d_body
    return cells, bodies


def unsigned(form: FormDef, doc: Mapping[str, object], *, own_supervisor: bool) -> dict:
    """The document of a new version as the unit sends it: no 主管部门 has signed it yet, so its row
    goes blank (unless the unit is its own 主管部门 and signs it itself); the office's rows are the
    office's and never sent up (formdata.strip_finance)."""
    if own_supervisor:
        return dict(doc)
    return {**doc, **{path: None for path in level_paths(form, Actor.SUPERVISOR)}}


def self_supervised(unit) -> bool:
    """Whether a unit (a 部门) is its own 主管部门: no other level signs the 主管部门 row of its forms."""
    return unit.code == unit.supervisor_code
