"""The review chain's packages: their format and their import. Deciding, forwarding and relaying on a
stored form (the orchestration that writes these packages) is perfdesk/app/review_moves.py.

review.json (kind "review", signed by the deciding level's installation): form_uid, form_id, version
(the version reviewed), year, title, unit (the form's unit), office (the signer), decision (approve |
return), level (lifecycle.Actor), status (the lifecycle.Status it leaves the form in), round (一下, 二下 …),
opinion, reviewer, reasons {cell path: why}, cells {cell path: value} (what the reviewers filled: the
finance-only cells, or the 主管部门's own), letter, opinions (every level's opinion on this version),
reviewed_at.

opinion.json (kind "forward", signed by the 主管部门, with the unit's package untouched as
forwarded.pdpkg): the same header, decision approve, level supervisor, opinion, reviewer, cells.

note.json (kind "relay", signed by the 主管部门, with the office's review package untouched as
relayed.pdpkg): the same header and the 主管部门's note.
"""

from __future__ import annotations

import datetime as dt

from perfdesk.domain.formdef import FormDef
from perfdesk.domain.lifecycle import Action, Actor, Role, Status, find_move
from perfdesk.domain.registry import form_of
from perfdesk.domain.review_cells import level_paths
from perfdesk.store import Store
from perfdesk.package.package_errors import PackageError
from perfdesk.package.formdata import apply_finance, finance_paths, set_cells
from perfdesk.package.receiving import Outcome, inbox_entry, inner_package, trust_row
from perfdesk.package.manifest import RELAYED, SEAL
from perfdesk.package.verifier import Verified

DECISIONS = ("approve", "return")
MAX_LETTER = 20_000
_ANSWERS = {Status.RETURNED, Status.FEEDBACK, Status.APPROVED}


# --- receiving -----------------------------------------------------------------------------

def _text(content: dict, key: str, what: str, *, empty: bool = True) -> str:
    value = content.get(key, "")
    if not isinstance(value, str) or len(value) > MAX_LETTER or (not empty and not value.strip()):
        raise PackageError(f"审核结果中的{what}（{key}）无效，已拒绝")
    return value


def _cells(content: dict, key: str) -> dict:
    value = content.get(key, {})
    if not isinstance(value, dict) or len(value) > 10_000 or not all(isinstance(k, str) for k in value):
        raise PackageError(f"审核结果中的栏目（{key}）无效，已拒绝")
    return value


def forward_opinion(form: FormDef, outer: Verified) -> tuple[dict, dict]:
    """The 主管部门's signed opinion on a forwarded form: the history entry and its cells."""
    c = outer.content
    if c.get("decision") != "approve" or c.get("level") != Actor.SUPERVISOR.value:
        raise PackageError("opinion.json 不是主管部门的审核通过意见，已拒绝")
    opinion = _text(c, "opinion", "审核意见", empty=False)
    reviewer = _text(c, "reviewer", "审核人")
    cells = _cells(c, "cells")
    set_cells(form, {}, cells, set(level_paths(form, Actor.SUPERVISOR)))  # refuse other cells now
    name = outer.manifest.unit_name + (f"（{reviewer}）" if reviewer else "")
    detail = {"reviewer": reviewer, "body": outer.manifest.unit_name, "date": _decided_on(c, Actor.SUPERVISOR),
              "signer": outer.fingerprint, "seal": SEAL in outer.members}
    return {"actor_name": name, "opinion": opinion, "detail": detail}, cells


def _decided_on(content: dict, level: Actor) -> str:
    """The day the level decided (ISO), as its package says it: the date it signed its row, or the
    time of the decision (packages before the date was carried)."""
    for value in (content.get("date"), (content.get("cells") or {}).get(f"{level.value}_review_date"),
                  content.get("reviewed_at")):
        if isinstance(value, str) and len(value) >= 10:
            try:
                return dt.date.fromisoformat(value[:10]).isoformat()
            except ValueError:
                continue
    return ""


def _answer(c: dict) -> tuple[str, Actor, Status]:
    decision, level, status = c.get("decision"), c.get("level"), c.get("status")
    if not isinstance(decision, str) or decision not in DECISIONS:
        raise PackageError("review.json 中的审核结论无效，已拒绝")
    try:
        actor, target = Actor(level), Status(status)
    except (ValueError, TypeError):
        raise PackageError("review.json 中的审核层级或结果状态无效，已拒绝") from None
    if actor is Actor.UNIT or target not in _ANSWERS or (decision == "return") != (target is Status.RETURNED):
        raise PackageError("review.json 中的审核结论与结果状态不一致，已拒绝")
    return decision, actor, target


def receive_review(store: Store, outer: Verified, source: str, trust_new: bool = False) -> Outcome:
    """An answer arriving where the form was sent from: directly, or relayed by the 主管部门."""
    relayed = outer.kind == "relay"
    v = inner_package(store, outer, RELAYED, "review", trust_new) if relayed else outer
    m = v.manifest
    c = v.content
    decision, level, target = _answer(c)
    signed_level = m.raw.get("level")  # the trust decision read it (None: an office's review)
    if signed_level != level.value and not (signed_level is None and level is not Actor.SUPERVISOR):
        raise PackageError("review.json 的审核层级与清单不一致，已拒绝")
    letter, opinion = _text(c, "letter", "反馈意见"), _text(c, "opinion", "审核意见")
    reviewer, round = _text(c, "reviewer", "审核人"), _text(c, "round", "轮次")
    reasons, cells = _cells(c, "reasons"), _cells(c, "cells")
    opinions = c.get("opinions", [])
    if not isinstance(opinions, list) or len(opinions) > 100 or not all(isinstance(o, dict) for o in opinions):
        raise PackageError("review.json 中的各级审核意见无效，已拒绝")
    local = store.form_by_uid(m.form_uid)
    unit = c.get("unit")
    if local is None or local.package_version is None:
        raise PackageError(f"本机没有报送过该表单（《{m.title}》），无法导入其审核结果")
    if not isinstance(unit, dict) or store.get_unit(local.unit_id).code != unit.get("code"):
        raise PackageError("审核结果中的单位与本机表单的单位不一致，已拒绝")
    form = form_of(local)
    finance = {k: v for k, v in cells.items() if k in set(finance_paths(form, local.data))}
    own = {k: v for k, v in cells.items() if k not in finance}
    allowed = set(level_paths(form, level))

    def update(data: dict) -> dict:
        return apply_finance(form, set_cells(form, data, own, allowed), finance) if finance else \
            set_cells(form, data, own, allowed)

    update(local.data)  # refuse cells the reviewer may not fill before writing anything
    status_name = target.display
    entry = inbox_entry(outer, outer.file_sha256, source,
                        f"{m.unit_name}：《{m.title}》第 {m.version} 版 {status_name}"
                        + (f"（经{outer.manifest.unit_name}转发）" if relayed else ""))
    entry["detail"] = {"decision": decision, "status": target.value, "letter": letter, "level": level.value,
                       "office": {"name": m.unit_name, "code": m.unit_code}}
    event = {"actor": level, "actor_name": m.unit_name + (f"（{reviewer}）" if reviewer else ""),
             "round": round or None, "package_version": m.version, "opinion": opinion or None,
             "letter": letter or None,
             "detail": {"reasons": reasons, "opinions": opinions, "signer": v.fingerprint, "reviewer": reviewer,
                        "body": m.unit_name, "date": _decided_on(c, level),
                        **({"relayed_by": outer.manifest.unit_name,
                            "relay_note": _text(outer.content, "note", "转发说明")} if relayed else {})}}
    trust = [trust_row(v)] + ([trust_row(outer)] if relayed else [])
    keep = v.package if store.role() is Role.SUPERVISOR else None
    received = store.receive_review(
        uid=m.form_uid, version=m.version, signed_at=m.created_at, update=update, entry=entry, trust=trust,
        move=lambda status: find_move(Action.RESULT, status, actor=level, target=target), event=event, keep=keep)
    if received.outcome == "imported":
        return Outcome(source, "imported", f"已导入审核结果：《{m.title}》第 {m.version} 版 {status_name}",
                       received.form_instance_id)
    if received.outcome == "older":
        raise PackageError(f"版本较旧：该审核结果针对第 {m.version} 版，本机已报送第 {received.current_version} 版"
                           "或已有更新的审核结果，已拒绝")
    raise PackageError(f"审核结果针对第 {m.version} 版，本机未报送过该版本，已拒绝")
