"""Rounds of work a finance office sends down (下发) and who has handed in (报送情况): plain data and
functions, no Qt, no SQL, no files.

Deadlines come from the unit's rules profile where a seed fixes one:
  - monitoring (1-6 月): 7 月 31 日 — 朔州 2022 第四章 定期监控 (seed 003; profile shuozhou, inherited by changzhi);
  - rectification: 60 days after the feedback — 长治 2014 第四十五条（二） (seed 002; profile changzhi);
  - relaying approved goals: 15 days, publishing them: 20 days — 中卫 一（二） (seed 001; profile zhongwei,
    inherited by changzhi), offered as rules the office may pick (`rule`);
  - the management self-assessment: 次年 1 月 31 日 — 长治 2014 第五十一条.
Everything else (declarations, self-evaluations, reports) has no date in the seeds: the office sets it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from perfdesk.errors import UserError
from perfdesk.domain.lifecycle import Status
from perfdesk.domain.registry import FORM_FILES
from perfdesk.domain.form_kinds import (
    ASSESSMENT_COUNTY, ASSESSMENT_DEPARTMENT, DEPT_MONITORING, EVALUATION_REPORT, FEEDBACK_LETTER, MONITORING_REPORT,
    PROJECT_MONITORING, RECTIFICATION)

# Form kinds whose deadline a profile gives, and which deadline it is.
MONITORING_KINDS = (PROJECT_MONITORING, DEPT_MONITORING, MONITORING_REPORT)
_DEADLINE_OF_KIND = {RECTIFICATION: RECTIFICATION, ASSESSMENT_DEPARTMENT: "management_assessment",
                     ASSESSMENT_COUNTY: "management_assessment"}
# The kinds a round may ask of its units: every shipped form but the office's own 评价报告 and 反馈意见函.
TASK_KINDS = tuple(k for k in FORM_FILES if k not in (EVALUATION_REPORT, FEEDBACK_LETTER))
# Rules an office may name for any kind: counted from the day the round is sent down.
RULES = ("relay_goals", "publish_goals", "publish_self_evaluation", RECTIFICATION)


class TaskError(UserError, ValueError):
    """A round that cannot be defined as asked; the message says which field and how to fix it."""


@dataclass(frozen=True)
class Deadline:
    due: dt.date
    source: str  # seed and article, or 财政部门确定

    def as_json(self) -> dict:
        return {"due": self.due.isoformat(), "source": self.source}


OFFICE_SET = "财政部门下发任务时确定（制度未规定报送期限）"


def profile_deadline(form_id: str, year: int, issued: dt.date, profile, rule: str | None = None) -> Deadline | None:
    """The deadline the profile fixes for this kind (or for `rule`), with its source; None when the
    seeds give none and the office must set it."""
    deadlines = getattr(profile, "deadlines", None) or {}
    if rule is not None:
        if rule not in deadlines:
            names = "、".join(sorted(deadlines)) or "无"
            raise TaskError(f"规则配置“{getattr(profile, 'name', '')}”没有期限“{rule}”，可用：{names}")
        d = deadlines[rule]
        return Deadline(d.due(issued), f"{d.source}（{d.after}起 {d.days} 日内）" if d.days else d.source)
    if form_id in MONITORING_KINDS:
        monitoring = getattr(profile, "monitoring", None)
        if monitoring and monitoring.rounds:
            first = monitoring.rounds[0]
            return Deadline(first.due_date(year), f"{first.source}（{first.label}监控，{first.due_month}月{first.due_day}日前）")
        return None
    key = _DEADLINE_OF_KIND.get(form_id)
    if key and key in deadlines:
        d = deadlines[key]
        if d.days is not None:
            return Deadline(d.due(issued), f"{d.source}（{d.after}起 {d.days} 日内）")
        return Deadline(d.due(dt.date(year, 1, 1)), d.source)
    return None


def round_deadlines(kinds: list[str], year: int, issued: dt.date, profile, given: dict[str, dt.date],
                    rules: dict[str, str] | None = None, kind_names: dict[str, str] | None = None) -> dict[str, Deadline]:
    """Every kind's deadline: given by the office, else from a named rule, else the profile's;
    a kind with none of them is refused, naming it."""
    result = {}
    names = kind_names or {}
    for kind in kinds:
        if kind in given:
            result[kind] = Deadline(given[kind], OFFICE_SET)
            continue
        found = profile_deadline(kind, year, issued, profile, (rules or {}).get(kind))
        if found is None:
            raise TaskError(f"“{names.get(kind, kind)}”的报送期限制度未规定，请用 --deadline {kind}=YYYY-MM-DD 指定")
        result[kind] = found
    return result


# --- 报送情况 ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class UnitEntry:
    """A unit of the office's register."""

    code: str
    name: str
    supervisor_code: str
    supervisor_name: str
    contact: str = ""
    phone: str = ""


class FormFact(NamedTuple):  # a tuple: the matrix makes one per form, ten thousand at a time
    """A form at the office: whose, which kind, its status and when it first arrived."""

    unit_code: str
    form_id: str
    status: Status
    received: dt.date | None


class EmptyFact(NamedTuple):
    unit_code: str
    form_id: str
    received: dt.date
    reason: str = ""


# Cell states, in the order a clerk chases them; each names how the matrix shows it.
MISSING, RETURNED, WAITING, ANSWERED, APPROVED, EMPTY = "missing", "returned", "waiting", "answered", "approved", "empty"
STATE_LABELS = {MISSING: "未报", RETURNED: Status.RETURNED.label, WAITING: "待审", ANSWERED: Status.FEEDBACK.label,
                APPROVED: Status.APPROVED.label, EMPTY: "空数据说明"}
_STATE_OF = {Status.SUBMITTED: WAITING, Status.SUPERVISOR_REVIEW: WAITING, Status.DEPT_REVIEW: WAITING,
             Status.PERF_REVIEW: WAITING, Status.RETURNED: RETURNED, Status.FEEDBACK: ANSWERED,
             Status.APPROVED: APPROVED}
_RANK = {MISSING: 0, RETURNED: 1, WAITING: 2, ANSWERED: 3, APPROVED: 4, EMPTY: 5}
# Not handed in: a deadline still runs (a returned form must come again).
OPEN_STATES = frozenset({MISSING, RETURNED})
FILTERS = {"未报": "missing", "逾期": "overdue", "待审": "waiting"}


@dataclass(frozen=True)
class Cell:
    state: str
    statuses: tuple[Status, ...]  # of the unit's forms of this kind (several projects: several forms)
    due: dt.date
    days: int  # open: days left (negative: overdue); handed in: days late (≤ 0: on time)
    received: dt.date | None = None

    @property
    def handed_in(self) -> bool:
        return self.state not in OPEN_STATES

    @property
    def overdue(self) -> bool:
        return self.days < 0 if not self.handed_in else self.days > 0

    @property
    def text(self) -> str:
        """The cell as the matrix shows it: status, the number of forms, days left or overdue."""
        label = self.statuses[0].label if self.statuses and self.state not in (MISSING, EMPTY) else STATE_LABELS[self.state]
        if len(self.statuses) > 1:
            label += f"（{len(self.statuses)} 份）"
        if not self.handed_in:
            return f"{label} 逾期{-self.days}天" if self.days < 0 else f"{label} 剩{self.days}天"
        return f"{label} 迟报{self.days}天" if self.days > 0 else label


@dataclass(frozen=True)
class BoardRow:
    unit: UnitEntry
    cells: dict[str, Cell]


@dataclass(frozen=True)
class Group:
    supervisor_code: str
    supervisor_name: str
    rows: list[BoardRow]


@dataclass
class ColumnCount:
    handed_in: int = 0
    missing: int = 0
    overdue: int = 0
    waiting: int = 0
    returned: int = 0
    approved: int = 0
    empty: int = 0

    def line(self) -> str:
        return (f"已报 {self.handed_in}，未报 {self.missing}（逾期 {self.overdue}），待审 {self.waiting}，"
                f"退回 {self.returned}，通过 {self.approved}，空数据说明 {self.empty}")


@dataclass(frozen=True)
class Board:
    kinds: tuple[str, ...]
    deadlines: dict[str, dt.date]
    groups: list[Group]
    counts: dict[str, ColumnCount] = field(default_factory=dict)

    def rows(self):
        for group in self.groups:
            yield from group.rows


def _cell(facts: list[FormFact], empty: EmptyFact | None, due: dt.date, today: dt.date) -> Cell:
    live = [f for f in facts if f.status in _STATE_OF]
    if live:
        live.sort(key=lambda f: _RANK[_STATE_OF[f.status]])  # the least advanced first: what needs doing
        state = _STATE_OF[live[0].status]
        received = min((f.received for f in live if f.received), default=None)
        statuses = tuple(f.status for f in live)
        if state in OPEN_STATES:
            return Cell(state, statuses, due, (due - today).days, received)
        return Cell(state, statuses, due, ((received or today) - due).days, received)
    if empty is not None:
        return Cell(EMPTY, (), due, (empty.received - due).days, empty.received)
    return Cell(MISSING, (), due, (due - today).days)


def build_board(units: list[UnitEntry], deadlines: dict[str, dt.date], forms: list[FormFact],
                empties: list[EmptyFact], today: dt.date) -> Board:
    """The 报送情况 matrix: units grouped by 主管部门 (in code order) × the round's kinds."""
    kinds = tuple(deadlines)
    by_cell: dict[tuple[str, str], list[FormFact]] = {}
    for fact in forms:
        by_cell.setdefault((fact.unit_code, fact.form_id), []).append(fact)
    empty_of = {(e.unit_code, e.form_id): e for e in empties}
    counts = {kind: ColumnCount() for kind in kinds}
    groups: dict[str, Group] = {}
    for unit in sorted(units, key=lambda u: (u.supervisor_code, u.code)):
        cells = {}
        for kind in kinds:
            cell = _cell(by_cell.get((unit.code, kind), []), empty_of.get((unit.code, kind)), deadlines[kind], today)
            cells[kind] = cell
            _count(counts[kind], cell)
        group = groups.get(unit.supervisor_code)
        if group is None:
            group = groups[unit.supervisor_code] = Group(unit.supervisor_code, unit.supervisor_name, [])
        group.rows.append(BoardRow(unit, cells))
    return Board(kinds, dict(deadlines), list(groups.values()), counts)


def _count(count: ColumnCount, cell: Cell) -> None:
    if cell.handed_in:
        count.handed_in += 1
    else:
        count.missing += 1
    if cell.overdue and not cell.handed_in:
        count.overdue += 1
    count.waiting += cell.state == WAITING
    count.returned += cell.state == RETURNED
    count.approved += cell.state == APPROVED
    count.empty += cell.state == EMPTY


def matches(cell: Cell, which: str | None) -> bool:
    """Whether a cell passes the filter 未报 / 逾期 / 待审 (None: every cell)."""
    if which is None:
        return True
    what = FILTERS.get(which, which)
    if what == "missing":
        return not cell.handed_in
    if what == "overdue":
        return not cell.handed_in and cell.days < 0
    if what == "waiting":
        return cell.state == WAITING
    raise TaskError(f"筛选条件“{which}”无效，可选：{'、'.join(FILTERS)}")


def filtered(board: Board, which: str | None) -> list[BoardRow]:
    """The rows with at least one cell passing the filter."""
    return [row for row in board.rows() if any(matches(c, which) for c in row.cells.values())]


@dataclass(frozen=True)
class ChaseItem:
    """One line of the 催报 list."""

    unit: UnitEntry
    contact: str
    phone: str
    missing: tuple[str, ...]  # kinds not handed in (or returned)
    days_overdue: int  # the most overdue of them; 0 when none is overdue yet


def chase_list(board: Board, contacts: dict[str, tuple[str, str]] | None = None,
               which: str | None = None) -> list[ChaseItem]:
    """Every unit with something not handed in (under `which`, 逾期: only what is overdue), the most
    overdue first; the contact from the unit's last form where known (`contacts`: code → (name, phone)),
    else the register's. 待审 is refused: what waits for review has been handed in, there is no one to chase."""
    if which is not None and FILTERS.get(which, which) == "waiting":
        raise TaskError("筛选“待审”的表单都已报送，无需催报：请把筛选改为“全部”“未报”或“逾期”后再导出催报名单")
    items = []
    for row in board.rows():
        open_kinds = [k for k, c in row.cells.items() if not c.handed_in and matches(c, which)]
        if not open_kinds:
            continue
        overdue = max((-row.cells[k].days for k in open_kinds), default=0)
        name, phone = (contacts or {}).get(row.unit.code) or (row.unit.contact, row.unit.phone)
        items.append(ChaseItem(row.unit, name or row.unit.contact, phone or row.unit.phone, tuple(open_kinds),
                               max(overdue, 0)))
    items.sort(key=lambda i: (-i.days_overdue, i.unit.supervisor_code, i.unit.code))
    return items


# Where each kind of form names the person to call (the first pair filled wins).
_CONTACT_FIELDS = (("contact", "contact_phone"), ("preparer", "contact_phone"), ("filler", "filler_phone"),
                   ("applicant_head", "applicant_phone"))


def contact_of(doc: dict) -> tuple[str, str] | None:
    """(name, phone) of whom to call about a form, from its document."""
    for name_key, phone_key in _CONTACT_FIELDS:
        name = doc.get(name_key)
        if isinstance(name, str) and name.strip():
            phone = doc.get(phone_key)
            return name.strip(), phone.strip() if isinstance(phone, str) else ""
    return None


# --- the register of units, as an office lists them in a spreadsheet ---------------------------

UNIT_COLUMNS = {"code": "单位编码", "name": "单位名称", "supervisor_code": "主管部门编码",
                "supervisor_name": "主管部门名称", "contact": "联系人", "phone": "联系电话"}
_REQUIRED_COLUMNS = ("code", "name", "supervisor_code", "supervisor_name")


def unit_entry(values: dict[str, str]) -> UnitEntry:
    """One row of the list of units, checked; TaskError names the column and how to fix it."""
    for key in _REQUIRED_COLUMNS:
        if not values.get(key):
            raise TaskError(f"“{UNIT_COLUMNS[key]}”为空，请填写")
    for key in ("code", "supervisor_code"):
        code = values[key]
        if not code.isascii() or not code.isalnum() or len(code) > 64:
            raise TaskError(f"“{UNIT_COLUMNS[key]}”“{code}”应为数字或字母组成的编码（不超过 64 位）")
    for key in ("name", "supervisor_name"):
        if len(values[key]) > 200:
            raise TaskError(f"“{UNIT_COLUMNS[key]}”超过 200 字")
    phone = values.get("phone", "")
    if phone and not all(ch.isdigit() or ch in "-（）() 转" for ch in phone):
        raise TaskError(f"“联系电话”“{phone}”只能含数字和“-”，如 0355-2021234")
    return UnitEntry(values["code"], values["name"], values["supervisor_code"], values["supervisor_name"],
                     values.get("contact", ""), phone)
