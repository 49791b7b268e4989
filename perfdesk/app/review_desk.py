"""A reviewing installation's desk (a 主管部门's or a finance office's PerfDesk): which forms are copies
received from units — never changed or sent up again here —, what to do with them instead, and
whether the finance office's answer waits at a 主管部门 to be relayed down to the unit.

The rules are the lifecycle table's (domain/lifecycle.py); this module reads the form's history."""

from __future__ import annotations

from perfdesk.domain.lifecycle import (
    Action, Actor, Role, TransitionRefused, desk_instead, editable_here, find_move)
from perfdesk.store import FormRecord, Store
from perfdesk.store.records import EventRecord

# The levels whose answer a 主管部门 passes down (its own return goes to the unit directly).
_OFFICE_LEVELS = (Actor.FINANCE_DEPT, Actor.PERF_MGMT)


def received_copy(store: Store, record: FormRecord) -> bool:
    """Whether this copy came in a package from the unit (or its 主管部门), rather than being written here."""
    return any(e.action is Action.RECEIVE for e in store.events(record.id))


def editable(store: Store, record: FormRecord) -> bool:
    """Whether the clerk here may change the document (lifecycle.editable_here)."""
    return editable_here(record.status, store.role(), received_copy(store, record))


def office_answer(store: Store, record: FormRecord) -> EventRecord | None:
    """At a 主管部门: the finance office's answer to the version under review, as it arrived here
    (None: no answer to this version, or this is not a 主管部门's copy of a unit's form)."""
    if store.role() is not Role.SUPERVISOR:
        return None
    try:
        find_move(Action.RELAY, record.status, actor=Actor.SUPERVISOR)
    except TransitionRefused:
        return None
    events = store.events(record.id)
    if not any(e.action is Action.RECEIVE for e in events):
        return None
    answer = next((e for e in reversed(events) if e.action is Action.RESULT and e.actor in _OFFICE_LEVELS), None)
    return answer if answer is not None and answer.package_version == record.package_version else None


def relayed(store: Store, record: FormRecord) -> EventRecord | None:
    """The 转发审核结果 that passed the current answer down, if it was."""
    answer = office_answer(store, record)
    if answer is None:
        return None
    return next((e for e in reversed(store.events(record.id)) if e.action is Action.RELAY and e.id > answer.id),
                None)


def can_relay(store: Store, record: FormRecord) -> bool:
    return office_answer(store, record) is not None


def instead_here(store: Store, record: FormRecord) -> str:
    """What the banner says to do with a received copy at this desk."""
    waiting = office_answer(store, record) is not None and relayed(store, record) is None
    return desk_instead(record.status, store.role(), answer_to_relay=waiting)


def refuse_sending(store: Store, record: FormRecord) -> None:
    """A 主管部门 or an office never sends a unit's form up as its own (it would need the unit's key)."""
    role = store.role()
    if role is not Role.UNIT and received_copy(store, record):
        unit = store.get_unit(record.unit_id)
        raise TransitionRefused(
            f"《{record.title}》是{unit.name}报送的表单，本机（{role.label}）不能代为生成报送数据包。"
            + ("财政部门的审核结果请用“转发审核结果”转发给单位，由单位修改后重新报送。" if role is Role.SUPERVISOR
               else "审核结果请在“审核”中签名打包交回。"))


def refuse_changing(store: Store, record: FormRecord) -> None:
    """A 主管部门 or an office never changes a unit's form it received (lifecycle.editable_here)."""
    if store.role() is not Role.UNIT and received_copy(store, record):
        raise TransitionRefused(f"《{record.title}》是{store.get_unit(record.unit_id).name}报送的表单，不能在本机修改。"
                                f"{instead_here(store, record)}")
