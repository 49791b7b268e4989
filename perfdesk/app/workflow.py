"""What the CLI and the GUI both do with a form's life: its history and banner, 申请调整 and its
withdrawal, 作废, and the difference between an approved version and the one that replaces it.

Every move goes through the lifecycle table (domain/lifecycle.py) and is written with its history
entry in one transaction (Store.transition)."""

from __future__ import annotations

from dataclasses import dataclass

from perfdesk.domain.dates import format_date, format_moment
from perfdesk.domain.form_diff import Change, diff
from perfdesk.domain.lifecycle import (
    APPROVED_PREFIX, Action, Actor, Role, Status, TransitionRefused, approved_label, find_move)
from perfdesk.domain.registry import form_of
from perfdesk.domain.review_opinions import decisions
from perfdesk.store import FormRecord, Store
from perfdesk.store.records import EventRecord, RevisionRecord

_DECISIONS = (Action.FORWARD, Action.APPROVE, Action.RETURN, Action.RESULT)
# The moves the banner's headline names (who decided, or who last moved the form, and when).
_HEADLINED = (*_DECISIONS, Action.SUBMIT, Action.RECEIVE, Action.RELAY, Action.REQUEST_ADJUSTMENT,
              Action.CANCEL_ADJUSTMENT, Action.VOID)


@dataclass(frozen=True)
class Opinion:
    """One level's word on the form, as the banner lists them."""

    round: str
    level: str
    who: str
    when: str
    decision: str
    opinion: str
    letter: str
    reasons: dict[str, str]


@dataclass(frozen=True)
class Banner:
    status: Status
    headline: str  # 状态：审核通过 · 长治市财政局（张三）2027年3月1日
    opinions: tuple[Opinion, ...]
    frozen: bool
    instead: str  # what the clerk can do (empty where the form is editable)
    relay: str = ""  # the 主管部门 that passed the answer down, and its note to the unit


def _when(event: EventRecord) -> str:
    return format_moment(event.at)


def _decision(event: EventRecord) -> str:
    if event.action is Action.RESULT:
        return {Status.RETURNED: "退回修改", Status.FEEDBACK: "一下反馈", Status.APPROVED: "审核通过"}.get(
            event.target, event.target.label)
    return event.action.label + (f"（{event.round}）" if event.action is Action.SUBMIT and event.round else "")


def opinions(events: list[EventRecord]) -> list[Opinion]:
    """Every level's decision with its opinion or letter, oldest first, each once (domain/review_opinions:
    the same decisions the printed 审核意见 rows are taken from)."""
    return [Opinion(round=d.round, level=d.level.label, who=d.who, when=format_date(d.day), decision=d.decision,
                    opinion=d.opinion, letter=d.letter, reasons=dict(d.reasons))
            for d in decisions(events) if d.opinion or d.letter or d.reasons]


def banner(store: Store, record: FormRecord) -> Banner:
    """What the editor's banner and `perfdesk status` say about the form."""
    from perfdesk.domain.lifecycle import instead

    events = store.events(record.id)
    last = next((e for e in reversed(events) if e.action in _HEADLINED), None)
    headline = f"状态：{record.status.display}"
    if last is not None:
        headline += f" · {_decision(last)}：{last.actor_name or (last.actor.label if last.actor else '')}，{_when(last)}"
    from perfdesk.app.review_desk import editable, received_copy

    frozen = not editable(store, record)
    if received_copy(store, record) and store.role() is not Role.UNIT:  # a 主管部门's or an office's copy
        from perfdesk.app.review_desk import instead_here

        advice = instead_here(store, record)
    else:
        advice = instead(record.status) if frozen or record.status in (Status.RETURNED, Status.FEEDBACK) else ""
    return Banner(record.status, headline, tuple(opinions(events)), frozen, advice,
                  relay_line(last) if last is not None else "")


def relay_line(event: EventRecord) -> str:
    """“经长治市教育局转发：请按意见修改。” for an answer the 主管部门 passed down; empty otherwise."""
    by = event.detail.get("relayed_by") if event.action is Action.RESULT else None
    if not by:
        return ""
    note = event.detail.get("relay_note") or ""
    return f"经{by}转发" + (f"，转发说明：{note}" if note else "")


def history_lines(store: Store, record: FormRecord) -> list[str]:
    """`perfdesk status`: one line per move, oldest first."""
    lines = []
    for e in store.events(record.id):
        where = f"{e.source.display} → {e.target.display}" if e.source is not None and e.source is not e.target \
            else e.target.display
        parts = [_when(e), e.action.label + (f"（{e.round}）" if e.round else ""), where]
        if e.actor_name or e.actor:
            parts.append(e.actor_name or e.actor.label)
        if e.package_version:
            parts.append(f"第 {e.package_version} 版")
        line = "　".join(parts)
        if e.action is Action.MIGRATE and e.detail.get("old_status"):
            line += f"　原状态：{e.detail['old_status']}"
        if e.opinion:
            line += f"\n　　意见：{e.opinion}"
        if e.letter:
            line += f"\n　　反馈意见：{e.letter}"
        if relay_line(e):
            line += f"\n　　{relay_line(e)}"
        for path, why in (e.detail.get("reasons") or {}).items():
            line += f"\n　　{form_of(record).label_of(path)}：{why}"
        lines.append(line)
    return lines


def approved_revision(store: Store, record: FormRecord) -> RevisionRecord | None:
    """The approved version kept when 申请调整 began (the newest such)."""
    kept = [r for r in store.revisions(record.id) if r.label and r.label.startswith(APPROVED_PREFIX)]
    return kept[-1] if kept else None


def request_adjustment(store: Store, form_instance_id: int, reason: str) -> FormRecord:
    """申请调整 (第十五条): the approved version stays in the history, printable; the form becomes
    editable and must travel the chain again."""
    record = store.get_form(form_instance_id)
    move = find_move(Action.REQUEST_ADJUSTMENT, record.status, actor=Actor.UNIT)
    if not reason.strip():
        raise TransitionRefused("申请调整须写明调整理由")
    label = approved_label(record.package_version)
    return store.transition(record.id, move, revision_label=label, opinion=reason.strip(),
                            actor_name=store.get_unit(record.unit_id).name, package_version=record.package_version)


def cancel_adjustment(store: Store, form_instance_id: int) -> FormRecord:
    """Withdraw an adjustment not yet sent: the approved version comes back as it was approved."""
    record = store.get_form(form_instance_id)
    move = find_move(Action.CANCEL_ADJUSTMENT, record.status, actor=Actor.UNIT)
    approved = approved_revision(store, record)
    if approved is None:
        raise TransitionRefused("找不到审核通过的版本，无法撤回调整申请")
    return store.transition(record.id, move, data=approved.data, actor_name=store.get_unit(record.unit_id).name)


def void(store: Store, form_instance_id: int, reason: str = "") -> FormRecord:
    record = store.get_form(form_instance_id)
    move = find_move(Action.VOID, record.status, actor=Actor.UNIT)
    return store.transition(record.id, move, opinion=reason.strip() or None,
                            actor_name=store.get_unit(record.unit_id).name)


def changes_since_approval(store: Store, record: FormRecord) -> tuple[RevisionRecord | None, list[Change]]:
    """The approved version this form replaces (kept, labelled, at 申请调整 at the unit and when the
    adjusted version arrives at the office), and what changed from it to the form as it is now."""
    approved = approved_revision(store, record)
    if approved is None:
        return None, []
    return approved, diff(form_of(record), approved.data, record.data)


def previous_version_changes(store: Store, record: FormRecord) -> list[Change]:
    """What the newest received version changed from the one before it (any resubmission)."""
    kept = store.revisions(record.id)
    if not kept:
        return []
    return diff(form_of(record), kept[-1].data, record.data)
