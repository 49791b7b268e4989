"""A reviewing level's moves on a stored form: its decision (审核通过 or 退回修改) written into the store and
carried on in a signed package, the 主管部门 forwarding a unit's package with its opinion, and the answer relayed
down. The package format and its import are in perfdesk/package/review.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perfdesk.domain.checks import blocking, run_checks
from perfdesk.domain.formdef import FormDef
from perfdesk.domain.lifecycle import (
    Action, Actor, Move, Round, TransitionRefused, decision_target, find_move, is_final)
from perfdesk.domain.registry import form_of
from perfdesk.domain.review_cells import level_cells, level_paths
from perfdesk.domain.review_opinions import LevelDecision, printed_opinions
from perfdesk.store import FormRecord, Store
from perfdesk.package.builder import Built, file_name, sign_and_zip, write_package
from perfdesk.package.package_errors import PackageError
from perfdesk.package.formdata import apply_finance, finance_paths, set_cells
from perfdesk.package.identity import Signer
from perfdesk.package.manifest import FORWARDED, RELAYED, SEAL, canonical
from perfdesk.package.review import DECISIONS, MAX_LETTER


class MissingText(PackageError):
    """A decision without the text it needs; `what` says which ("opinion" or "letter"), so that the CLI
    can name its option and the GUI its box."""

    def __init__(self, message: str, what: str) -> None:
        super().__init__(message)
        self.what = what


@dataclass(frozen=True)
class Decided:
    move: Move
    level: Actor
    record: FormRecord
    built: Built | None  # the package that carries the decision on, or None (the next level is here)


def current_round(store: Store, form_instance_id: int) -> Round:
    """The round of the submission being reviewed: the last one this copy received or sent."""
    for event in reversed(store.events(form_instance_id)):
        if event.action in (Action.RECEIVE, Action.SUBMIT) and event.round:
            try:
                return Round(event.round)
            except ValueError:
                break
    return Round.SINGLE


def actual_cells(record: FormRecord, amounts: dict[str, str]) -> dict[str, str]:
    """本年度实际安排资金 by tree row key (e.g. appropriation=100.00) as cell paths."""
    form = form_of(record)
    paths = {p for p in finance_paths(form, record.data) if p.endswith(".actual")}
    cells = {}
    for row, amount in amounts.items():
        match = [p for p in paths if p.split(".")[1] == row]
        if not match:
            rows = "、".join(sorted(p.split(".")[1] for p in paths)) or "无"
            raise PackageError(f"资金来源中没有“{row}”这一行，可填写的行：{rows}")
        cells[match[0]] = amount
    return cells


def _reasons(form: FormDef, reasons: dict[str, str]) -> dict[str, str]:
    for path, text in reasons.items():
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_LETTER:
            raise PackageError(f"“{form.label_of(path)}”的退回理由为空或过长")
        if path.split(".")[0] not in form.fields and path.split(".")[0] not in form.tables:
            raise PackageError(f"表单中没有“{path}”这一栏，无法写退回理由")
    return dict(reasons)


def _reviewed(store: Store, record: FormRecord, level: Actor, decision: str, *, opinion: str, reviewer: str,
              letter: str, finance: dict[str, Any], today: dt.date) -> tuple[dict, dict[str, Any]]:
    """The document with this level's cells filled, and those cells; or PackageError saying what
    is missing."""
    from perfdesk.app.operations import check_context

    if record.uid is None or record.package_version is None:
        raise PackageError(f"表单 {record.id} 不是通过数据包收到的，无法回复审核结果")
    if len(letter) > MAX_LETTER or len(opinion) > MAX_LETTER:
        raise PackageError(f"审核意见或反馈意见过长（超过 {MAX_LETTER} 字）")
    if decision == "approve" and not opinion.strip():
        raise MissingText(f"{level.label}审核通过须填写审核意见", "opinion")
    if decision == "return" and not letter.strip():
        raise MissingText("退回修改须写明反馈意见，告诉单位要改什么", "letter")
    form = form_of(record)
    own = level_cells(form, level, opinion=opinion.strip() or None, reviewer=reviewer.strip() or None,
                      date=today)
    if level is Actor.SUPERVISOR:
        if finance:
            raise PackageError("本年度实际安排资金由财政部门填写，主管部门不能填写")
        data = set_cells(form, record.data, own, set(level_paths(form, level)))
    else:
        data = apply_finance(form, record.data, {**finance, **own})
    cells = {**finance, **own}
    errors = [f for f in blocking(run_checks(form, data, check_context(store, record))) if f.field in cells]
    if errors:
        raise PackageError("审核栏目填写有误：\n" + "\n".join(f.line() for f in errors))
    return data, cells


def _header(record: FormRecord) -> dict:
    return dict(form_id=record.form_id, form_version=record.form_version, form_uid=record.uid,
                version=record.package_version, year=record.year, title=record.title)


def _opinions(store: Store, record: FormRecord) -> list[dict]:
    """The sign-offs of the levels before this one on the version under review, oldest first, as the
    answer carries them down (the same decisions the printed rows show)."""
    signed = printed_opinions(store.events(record.id), record.package_version, record.status)
    return [d.carried() for d in signed.values()]


def deciding_body(store: Store, record: FormRecord, level: Actor, signer: Signer | None) -> str:
    """The body taking a decision here: the installation's signing identity, else the form's 主管部门 or
    its finance office as the unit's rules name it — never the form's own unit."""
    if signer is not None:
        return signer.unit.name
    own = {i.unit_id for i in store.identities()} - {record.unit_id}
    if len(own) == 1:
        return store.get_unit(own.pop()).name
    unit = store.get_unit(record.unit_id)
    return unit.supervisor_name if level is Actor.SUPERVISOR else f"{unit.region}财政局"


def decide(store: Store, form_instance_id: int, signer: Signer | None, *, decision: str, opinion: str = "",
           reviewer: str = "", letter: str = "", reasons: dict[str, str] | None = None,
           finance: dict[str, Any] | None = None, target: Path | None = None,
           seal_png: bytes | None = None) -> Decided:
    """One level's decision on a form under review here. The last decision of this installation
    (a return, the 主管部门's forward, the office's final approval) is signed into a package written
    to `target`; an approval that passes the form to the next level here writes none."""
    if decision not in DECISIONS:
        raise PackageError("审核结论只能是 approve（审核通过）或 return（退回修改）")
    record = store.get_form(form_instance_id)
    round = current_round(store, record.id)
    move, level = decision_target(record.status, decision, round)
    if level not in store.role().actors:
        raise TransitionRefused(f"本机不是{level.label}，不能审核处于“{record.status.display}”的表单")
    form = form_of(record)
    reasons = _reasons(form, reasons or {})
    today = dt.date.today()
    data, cells = _reviewed(store, record, level, decision, opinion=opinion, reviewer=reviewer, letter=letter,
                            finance=finance or {}, today=today)
    sends = is_final(move) or move.action is Action.FORWARD
    built = None
    if sends:
        if signer is None or target is None:
            raise PackageError("这一步的审核结果要签名并生成数据包：请指定签名身份和数据包文件名")
        if move.action is Action.FORWARD:
            built = _forward_package(store, record, signer, opinion=opinion, reviewer=reviewer, cells=cells,
                                     seal_png=seal_png, today=today)
        else:
            built = _review_package(store, record, signer, move, level, round, decision=decision, opinion=opinion,
                                    reviewer=reviewer, letter=letter, reasons=reasons, cells=cells, today=today)
        write_package(target, built.data)
    who = deciding_body(store, record, level, signer)
    detail = {"reviewer": reviewer, "reasons": reasons, "cells": cells, "body": who, "date": today.isoformat()}
    if built is not None:
        detail["file"] = built.file_name
    after = store.transition(record.id, move, data=data, actor_name=f"{who}{'（' + reviewer + '）' if reviewer else ''}",
                             round=round.answer if is_final(move) else round.value,
                             package_version=record.package_version, opinion=opinion or None,
                             letter=letter or None, detail=detail)
    return Decided(move, level, after, built)


def _review_package(store: Store, record: FormRecord, signer: Signer, move: Move, level: Actor, round: Round, *,
                    decision: str, opinion: str, reviewer: str, letter: str, reasons: dict,
                    cells: dict, today: dt.date) -> Built:
    unit = store.get_unit(record.unit_id)
    review = {
        **_header(record), "unit": {"name": unit.name, "code": unit.code},
        "office": {"name": signer.unit.name, "code": signer.unit.code}, "decision": decision,
        "level": level.value, "status": move.target.value, "round": round.answer, "opinion": opinion,
        "reviewer": reviewer, "reasons": reasons, "cells": cells, "letter": letter, "date": today.isoformat(),
        "opinions": _opinions(store, record) + ([LevelDecision(
            level=level, version=record.package_version, body=signer.unit.name, reviewer=reviewer, day=today,
            opinion=opinion, round=round.answer, approved=decision == "approve").carried()] if opinion else []),
        "reviewed_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    # The level is in the signed manifest too, so the signer's role is known before any content is read.
    payload = sign_and_zip(signer, {"review.json": canonical(review)}, kind="review", extra={"level": level.value},
                           **_header(record))
    name = file_name(unit.code, record.title, record.package_version, "_审核结果")
    return Built(payload, record.uid, record.package_version, name, round)


def _forward_package(store: Store, record: FormRecord, signer: Signer, *, opinion: str, reviewer: str,
                     cells: dict, seal_png: bytes | None, today: dt.date) -> Built:
    inner = store.kept_package(record.id, "form")
    if inner is None:
        raise PackageError("本机没有保存该单位报送的原始数据包，无法转报：请重新导入单位的数据包后再审核")
    unit = store.get_unit(record.unit_id)
    body = {**_header(record), "unit": {"name": unit.name, "code": unit.code},
            "office": {"name": signer.unit.name, "code": signer.unit.code}, "decision": "approve",
            "level": Actor.SUPERVISOR.value, "opinion": opinion, "reviewer": reviewer, "cells": cells,
            "date": today.isoformat(), "reviewed_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    members = {FORWARDED: inner, "opinion.json": canonical(body)}
    if seal_png:
        members[SEAL] = seal_png
    payload = sign_and_zip(signer, members, kind="forward", **_header(record))
    return Built(payload, record.uid, record.package_version, file_name(unit.code, record.title,
                                                                        record.package_version, "_主管部门转报"))


def relay(store: Store, form_instance_id: int, signer: Signer, target: Path, note: str = "") -> Built:
    """At a 主管部门: pass the finance office's answer (kept as it arrived) down to the unit."""
    record = store.get_form(form_instance_id)
    from perfdesk.app.review_desk import office_answer

    move = find_move(Action.RELAY, record.status, actor=Actor.SUPERVISOR)
    inner = store.kept_package(record.id, "review")
    if inner is None or office_answer(store, record) is None:  # none, or one to an earlier version
        raise PackageError(f"本机没有收到财政部门对《{record.title}》第 {record.package_version} 版的审核结果，无可转发")
    if len(note) > MAX_LETTER:
        raise PackageError(f"转发说明过长（超过 {MAX_LETTER} 字）")
    unit = store.get_unit(record.unit_id)
    body = {**_header(record), "unit": {"name": unit.name, "code": unit.code},
            "office": {"name": signer.unit.name, "code": signer.unit.code}, "level": Actor.SUPERVISOR.value,
            "note": note, "relayed_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    payload = sign_and_zip(signer, {RELAYED: inner, "note.json": canonical(body)}, kind="relay", **_header(record))
    built = Built(payload, record.uid, record.package_version,
                  file_name(unit.code, record.title, record.package_version, "_审核结果转发"))
    write_package(target, built.data)
    store.transition(record.id, move, actor_name=signer.unit.name, opinion=note or None,
                     package_version=record.package_version, detail={"file": built.file_name})
    return built
