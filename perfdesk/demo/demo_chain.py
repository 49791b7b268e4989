"""The demo's forms walked through the review chain, move by move through the lifecycle table, so
that every status has a form with a true history: who sent it, who reviewed it, their opinions and
letters, in which round. (The demo is one database: forms that wait at a 主管部门 or the finance
office show that reviewer's copy, as a 主管部门's or an office's PerfDesk would hold it.)"""

from __future__ import annotations

import datetime as dt

from perfdesk.domain.lifecycle import ROUND_KINDS, Action, Actor, Round, Status, find_move
from perfdesk.domain.registry import form_of
from perfdesk.domain.review_cells import level_cells
from perfdesk.package.form_uid import new_form_uid
from perfdesk.package.formdata import apply_finance, set_cells
from perfdesk.store import FormRecord, Store, UnitRecord

REVIEWERS = {Actor.SUPERVISOR: "赵红梅", Actor.FINANCE_DEPT: "李明", Actor.PERF_MGMT: "周静"}
OPINIONS = {
    Actor.SUPERVISOR: "绩效目标符合申报要求，建议安排资金。",
    Actor.FINANCE_DEPT: "绩效目标与预算资金相匹配，指标可衡量，同意。",
    Actor.PERF_MGMT: "经专家审定，绩效目标合理可行，同意批复。",
}
FEEDBACK_LETTER = "一下审核意见：请细化产出数量指标的计量依据，在二上时一并报送。"


class Chain:
    """Moves one demo form along the chain; each step writes the move and its history entry."""

    def __init__(self, store: Store, record: FormRecord, unit: UnitRecord, day: dt.date) -> None:
        self.store, self.record, self.unit, self.day = store, record, unit, day
        self.form = form_of(record)
        self.version = 0

    def _move(self, action: Action, actor: Actor | None, *, target: Status | None = None,
              in_round: Round | None = None, data: dict | None = None, **event) -> None:
        move = find_move(action, self.record.status, actor=actor, round=in_round, target=target)
        self.record = self.store.transition(self.record.id, move, data=data, **event)

    def _body(self, actor: Actor) -> str:
        # the unit's own 财政局: 长治市财政局 for a city unit, 长子县财政局 for a county one
        return self.unit.supervisor_name if actor is Actor.SUPERVISOR else f"{self.unit.region}财政局"

    def _who(self, actor: Actor) -> str:
        return f"{self._body(actor)}（{REVIEWERS[actor]}）"

    def _signed(self, actor: Actor, **more) -> dict:
        """Who decided and on which day, as a review records it in the history."""
        return {"body": self._body(actor), "reviewer": REVIEWERS[actor], "date": self.day.isoformat(), **more}

    def check(self) -> Chain:
        if self.record.status is Status.DRAFT:
            self._move(Action.CHECK, None)
        return self

    def submit(self, round: Round) -> Chain:
        self.check()
        self.version = len(self.store.revisions(self.record.id)) + 1
        self.store.ensure_form_uid(self.record.id, lambda: new_form_uid(self.unit.code))
        self._move(Action.SUBMIT, Actor.UNIT, actor_name=self.unit.name, round=round.value,
                   package_version=self.version)
        return self

    def received_by(self, actor: Actor, round: Round) -> Chain:
        """From here on the record is the reviewer's copy."""
        self._move(Action.RECEIVE, actor, actor_name=self.unit.name, round=round.value, package_version=self.version)
        return self

    def _cells(self, actor: Actor, data: dict, extra: dict | None = None) -> dict:
        cells = level_cells(self.form, actor, opinion=OPINIONS[actor], reviewer=REVIEWERS[actor], date=self.day)
        if actor is Actor.SUPERVISOR:
            return set_cells(self.form, data, cells)
        return apply_finance(self.form, data, {**(extra or {}), **cells})

    def forward(self, round: Round) -> Chain:
        self._move(Action.FORWARD, Actor.SUPERVISOR, in_round=round, round=round.value,
                   data=self._cells(Actor.SUPERVISOR, self.record.data), actor_name=self._who(Actor.SUPERVISOR),
                   opinion=OPINIONS[Actor.SUPERVISOR], package_version=self.version,
                   detail=self._signed(Actor.SUPERVISOR))
        return self

    def approve_here(self, actor: Actor, round: Round) -> Chain:
        self._move(Action.APPROVE, actor, in_round=round, round=round.value, data=self._cells(actor, self.record.data),
                   actor_name=self._who(actor), opinion=OPINIONS[actor], package_version=self.version,
                   detail=self._signed(actor))
        return self

    def answer(self, actor: Actor, target: Status, round: Round, *, letter: str = "", reasons: dict | None = None,
               finance: dict | None = None, earlier: tuple[Actor, ...] = ()) -> Chain:
        """The reviewer's answer arriving at the unit (as a review package would bring it)."""
        data = self.record.data
        for level in (*earlier, actor):
            if target is not Status.RETURNED or level is not actor:
                data = self._cells(level, data, finance if level is Actor.PERF_MGMT else None)
        opinions = [{"level": a.value, "name": self._body(a), "reviewer": REVIEWERS[a], "opinion": OPINIONS[a],
                     "round": round.value, "date": self.day.isoformat(), "at": self.day.isoformat()} for a in earlier]
        self._move(Action.RESULT, actor, target=target, data=data, actor_name=self._who(actor), round=round.answer,
                   opinion=None if target is Status.RETURNED else OPINIONS[actor], letter=letter or None,
                   package_version=self.version,
                   detail=self._signed(actor, reasons=reasons or {}, opinions=opinions))
        return self


def walk(store: Store, record: FormRecord, unit: UnitRecord, to: Status, *, day: dt.date,
         finance: dict | None = None) -> FormRecord:
    """Take a freshly made demo form to `to` the way the chain would."""
    c = Chain(store, record, unit, day)
    kind_rounds = form_of(record).raw_kind in ROUND_KINDS
    first, second = (Round.FIRST, Round.SECOND) if kind_rounds else (Round.SINGLE, Round.SINGLE)
    if to is Status.DRAFT:
        return c.record
    if to is Status.CHECKED:
        return c.check().record
    if to is Status.VOID:
        c._move(Action.VOID, Actor.UNIT, actor_name=unit.name, opinion="项目已并入其他预算安排，本表作废。")
        return c.record
    if to is Status.SUBMITTED:
        return c.submit(first).record
    if to is Status.SUPERVISOR_REVIEW:
        return c.submit(first).received_by(Actor.SUPERVISOR, first).record
    if to is Status.DEPT_REVIEW:
        return c.submit(first).received_by(Actor.SUPERVISOR, first).forward(first).record
    if to is Status.RETURNED:
        return c.submit(first).answer(Actor.SUPERVISOR, Status.RETURNED, first, letter=RETURN_LETTER,
                                      reasons=RETURN_REASONS).record
    # Every version reaches the office through the unit's 主管部门, which signs its row first (第十一条（二）).
    if to is Status.FEEDBACK:
        return c.submit(first).answer(Actor.FINANCE_DEPT, Status.FEEDBACK, first, letter=FEEDBACK_LETTER,
                                      earlier=(Actor.SUPERVISOR,)).record
    if to is Status.PERF_REVIEW:
        c.submit(first).answer(Actor.FINANCE_DEPT, Status.FEEDBACK, first, letter=FEEDBACK_LETTER,
                               earlier=(Actor.SUPERVISOR,))
        return c.submit(second).received_by(Actor.SUPERVISOR, second).forward(second) \
            .approve_here(Actor.FINANCE_DEPT, second).record
    if to in (Status.APPROVED, Status.ADJUSTING):
        if kind_rounds:
            c.submit(first).answer(Actor.FINANCE_DEPT, Status.FEEDBACK, first, letter=FEEDBACK_LETTER,
                                   earlier=(Actor.SUPERVISOR,))
        c.submit(second).answer(Actor.PERF_MGMT, Status.APPROVED, second, finance=finance,
                                earlier=(Actor.SUPERVISOR, Actor.FINANCE_DEPT))
        if to is Status.ADJUSTING:
            from perfdesk.app.workflow import request_adjustment

            c.record = request_adjustment(store, c.record.id, "因实施地点调整，申请调整产出数量指标。")
        return c.record
    raise ValueError(f"demo cannot walk to {to}")


RETURN_LETTER = "经审核，项目立项必要性阐述不充分，请补充后重新报送。"
RETURN_REASONS = {"necessity": "请补充项目立项的必要性和政策依据。"}
