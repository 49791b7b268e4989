"""Signed packages of the office's desk, on the same builder, manifest and verifier as forms:

task.json (kind "task", signed by the finance office, sent down to its units): form_uid (the round's
uid), form_id "task", version, year, title, note, office {code, name}, issued_on, deadlines
{form_id: {due, source}}, units [codes].

empty.json (kind "empty", signed by a unit: its 空数据说明, nothing to report for one kind of a
round): form_uid (one per round, unit and kind), form_id (the kind), version, year, title, unit
{code, name}, task_uid, reason, contact, phone.

A unit takes a task only from a key registered for the office (`perfdesk trust add --office`); the
office takes a 空数据说明 only from the unit's registered key (never on first sight), for a round it
sent to that unit."""

from __future__ import annotations

import datetime as dt
import uuid

from perfdesk.domain.dates import format_date
from perfdesk.domain.lifecycle import Role
from perfdesk.domain.registry import form_name
from perfdesk.store import Store
from perfdesk.store.office import OfficeStore, TaskRecord
from perfdesk.domain.tasks import Deadline
from perfdesk.package.builder import Built, file_name, sign_and_zip
from perfdesk.package.package_errors import PackageError
from perfdesk.package.identity import Signer
from perfdesk.package.receiving import Outcome, inbox_entry
from perfdesk.package.manifest import canonical
from perfdesk.package.verifier import Verified

TASK_FORM_ID = "task"
_EMPTY_SPACE = uuid.UUID("6f1d3c1e-8a53-4d0e-9a57-0e4f5b0d7c21")  # names a 空数据说明 by round, unit and kind
MAX_TEXT = 2000


def build_task_package(task: TaskRecord, signer: Signer) -> Built:
    """The round as a signed package for every unit it names (one file for all of them)."""
    if task.origin != "own":
        raise PackageError("这是收到的任务，只有下发它的财政部门可以导出")
    content = {
        "form_uid": task.uid, "form_id": TASK_FORM_ID, "version": task.version, "year": task.year,
        "title": task.title, "note": task.note, "issued_on": task.issued_on.isoformat(),
        "office": {"code": signer.unit.code, "name": signer.unit.name},
        "deadlines": {k: d.as_json() for k, d in task.deadlines.items()}, "units": list(task.unit_codes),
    }
    payload = sign_and_zip(signer, {"task.json": canonical(content)}, kind="task", form_id=TASK_FORM_ID,
                           form_version=1, form_uid=task.uid, version=task.version, year=task.year,
                           title=task.title)
    return Built(payload, task.uid, task.version, file_name(signer.unit.code, f"{task.year}年度{task.title}", task.version,
                                                            "_任务"))


def empty_uid(task_uid: str, unit_code: str, form_id: str) -> str:
    return str(uuid.uuid5(_EMPTY_SPACE, f"{task_uid}:{unit_code}:{form_id}"))


def build_empty_package(store: Store, task: TaskRecord, form_id: str, signer: Signer, *, reason: str,
                        contact: str = "", phone: str = "") -> Built:
    """The unit's signed 空数据说明 for one kind of a round it received; each new one is the next version."""
    if form_id not in task.deadlines:
        kinds = "、".join(task.deadlines)
        raise PackageError(f"任务“{task.title}”不含表单“{form_id}”，可选：{kinds}")
    if signer.unit.code not in task.unit_codes:
        raise PackageError(f"本单位（{signer.unit.code}）不在任务“{task.title}”的单位名单中")
    reason = reason.strip()
    if not reason or len(reason) > MAX_TEXT:
        raise PackageError(f"请写明无数据可报的原因（“说明”，不超过 {MAX_TEXT} 字），如：本年度未安排项目支出")
    key = f"empty_version:{task.uid}:{form_id}"
    version = int(store.get_setting(key) or 0) + 1
    uid = empty_uid(task.uid, signer.unit.code, form_id)
    title = f"{task.year}年度{form_name(form_id) or form_id}空数据说明"
    content = {"form_uid": uid, "form_id": form_id, "version": version, "year": task.year, "title": title,
               "unit": {"code": signer.unit.code, "name": signer.unit.name}, "task_uid": task.uid,
               "reason": reason, "contact": contact.strip(), "phone": phone.strip()}
    payload = sign_and_zip(signer, {"empty.json": canonical(content)}, kind="empty", form_id=form_id,
                           form_version=1, form_uid=uid, version=version, year=task.year, title=title)
    store.set_setting(key, version)
    return Built(payload, uid, version, file_name(signer.unit.code, title, version))


def receive_task_or_empty(store: Store, v: Verified, source: str, trust_new: bool, keep_existing: bool) -> Outcome:
    return (_receive_task if v.kind == "task" else _receive_empty)(store, v, source, trust_new, keep_existing)


def _text(content: dict, key: str, limit: int = MAX_TEXT, *, required: bool = True) -> str:
    value = content.get(key, "")
    if not isinstance(value, str) or len(value) > limit or (required and not value.strip()):
        raise PackageError(f"数据包中的“{key}”缺失或无效，已拒绝")
    return value


def _date(text) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise PackageError(f"数据包中的日期“{text!s:.20}”无效，已拒绝") from None


def _own_code(store: Store) -> str:
    own = OfficeStore(store).own_unit()
    if own is None:
        raise PackageError("本机尚未设置本单位（单位设置），无法判断任务是否下发给本单位")
    return own.code


def _receive_task(store: Store, v: Verified, source: str, trust_new: bool, keep_existing: bool) -> Outcome:
    if store.role() is Role.FINANCE:
        raise PackageError("本机是财政部门，任务数据包应在预算单位的 PerfDesk 中导入")
    c, m = v.content, v.manifest
    units = c.get("units")
    deadlines = c.get("deadlines")
    if not isinstance(units, list) or not all(isinstance(u, str) and 0 < len(u) <= 64 for u in units):
        raise PackageError("任务数据包中的单位名单无效，已拒绝")
    if not isinstance(deadlines, dict) or not deadlines:
        raise PackageError("任务数据包中没有要报送的表单，已拒绝")
    due = {}
    for kind, d in deadlines.items():
        if form_name(kind) is None or not isinstance(d, dict):
            raise PackageError(f"任务数据包中的表单“{kind!s:.40}”本机不认识，请升级 PerfDesk 后再导入")
        due[kind] = Deadline(_date(d.get("due")), _text(d, "source", 500))
    own = _own_code(store)
    if own not in units:
        raise PackageError(f"本单位（{own}）不在此任务的单位名单中，无需导入")
    fields = dict(uid=m.form_uid, year=m.year, title=_text(c, "title", 200), note=_text(c, "note", required=False),
                  office_code=m.unit_code, office_name=m.unit_name, issued_on=_date(c.get("issued_on")),
                  deadlines=due, unit_codes=units, version=m.version)
    entry = dict(inbox_entry(v, v.file_sha256, source, f"{m.unit_name}下发任务“{m.title}”第 {m.version} 版"))
    outcome = OfficeStore(store).receive_task(fields, entry)
    if outcome == "older":
        raise PackageError(f"本机已有此任务的同一或更新版本（此数据包是第 {m.version} 版），已拒绝")
    kinds = "、".join(f"{form_name(k)}（{format_date(d.due)}前）" for k, d in due.items())
    verb = "已导入" if outcome == "imported" else "已更新"
    return Outcome(source, outcome, f"{verb}{m.unit_name}下发的任务“{m.year}年度{m.title}”：{kinds}")


def _receive_empty(store: Store, v: Verified, source: str, trust_new: bool, keep_existing: bool) -> Outcome:
    if store.role() is not Role.FINANCE:
        raise PackageError("空数据说明应由下发任务的财政部门导入")
    c, m = v.content, v.manifest
    office = OfficeStore(store)
    task = office.task_by_uid(_text(c, "task_uid", 36))
    if task is None or task.origin != "own":
        raise PackageError("空数据说明所指的任务不是本机下发的，已拒绝")
    if m.unit_code not in task.unit_codes:
        raise PackageError(f"{m.unit_name}（{m.unit_code}）不在任务“{task.title}”的单位名单中，已拒绝")
    if m.form_id not in task.deadlines or m.year != task.year:
        raise PackageError(f"任务“{task.title}”没有要求报送“{m.form_id}”，已拒绝")
    if m.form_uid != empty_uid(task.uid, m.unit_code, m.form_id):
        raise PackageError("空数据说明的标识与单位、任务不符，已拒绝")
    fields = dict(uid=m.form_uid, task_uid=task.uid, unit_code=m.unit_code, unit_name=m.unit_name, form_id=m.form_id,
                  year=m.year, reason=_text(c, "reason"), contact=_text(c, "contact", 100, required=False) or None,
                  phone=_text(c, "phone", 50, required=False) or None, version=m.version, signed_at=m.created_at,
                  signer_fingerprint=v.fingerprint)
    what = f"{m.unit_name}《{m.title}》第 {m.version} 版"
    entry = dict(inbox_entry(v, v.file_sha256, source, what))
    outcome, before = office.receive_empty(fields, entry, keep_existing=keep_existing)
    if outcome == "older":
        raise PackageError(f"本机已有{m.unit_name}此项空数据说明的第 {before} 版，此数据包（第 {m.version} 版）不是更新的，已拒绝")
    if outcome == "kept":
        return Outcome(source, "kept", f"{m.unit_name}再次报送空数据说明第 {m.version} 版：按选择保留本机已有的第 {before} 版，未覆盖")
    if outcome == "updated":
        return Outcome(source, "updated", f"单位再次报送，已覆盖：{what}取代第 {before} 版（计为已报）")
    return Outcome(source, "imported", f"已导入 {what}（计为已报）：{fields['reason']}")

