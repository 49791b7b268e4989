"""What the clerk is told after a move taken here (审核, 转发审核结果): what changed, the package
written and where it lies, and whom to hand it to — the same words from the list and the editor."""

from __future__ import annotations

from pathlib import Path

from perfdesk.domain.lifecycle import IN_REVIEW, Action
from perfdesk.store import FormRecord, Store


def _recipient(store: Store, record: FormRecord, action: Action) -> str:
    unit = store.get_unit(record.unit_id)
    if action is Action.FORWARD:
        return "财政部门"
    forwarded = any(e.action is Action.FORWARD for e in store.events(record.id))
    if forwarded and action is not Action.RELAY:
        return f"主管部门（{unit.supervisor_name}），由其转发给{unit.name}"
    return unit.name


def _written(what: str, target: Path, recipient: str) -> str:
    return f"已生成{what}：{target.name}\n保存在文件夹：{target.parent}\n请把该文件复制到 U 盘交{recipient}。"


def decision(store: Store, decided, target: Path | None) -> str:
    """After `app.review_moves.decide`: “主管部门审核通过并转报财政部门：…现为…” and the package, if one was written."""
    before, after = decided.record, decided.move
    record = store.get_form(before.id)
    said = (f"{decided.level.label}{after.action.label}：《{record.title}》第 {record.package_version} 版"
            f"现为“{record.status.display}”。")
    if decided.built is None or target is None:
        nxt = IN_REVIEW.get(record.status)
        return said + (f"\n本步不生成数据包：由本机{nxt.label}继续审核。" if nxt is not None else "")
    what = "转报数据包" if after.action is Action.FORWARD else "审核结果数据包"
    return said + "\n" + _written(what, target, _recipient(store, record, after.action))


def relay(store: Store, form_instance_id: int, target: Path, note: str) -> str:
    record = store.get_form(form_instance_id)
    with_note = "连同转发说明" if note.strip() else ""
    return (f"已转发审核结果：财政部门对《{record.title}》第 {record.package_version} 版的审核结果"
            f"“{record.status.display}”{with_note}已签名打包。\n"
            + _written("转发数据包", target, _recipient(store, record, Action.RELAY)))
