"""Import packages into this store: the finance office takes in units' forms, a unit takes in
the office's reviews. Each package is verified, then written in one transaction (the unit, the
form or its newer version, the signer's key if newly trusted, the inbox entry), or not at all.
A rejected package is noted in the inbox with its reason."""

from __future__ import annotations

import re

from perfdesk.domain.checks import CheckContext, blocking, run_checks, unexplained_warnings
from perfdesk.domain.document import headline_amount
from perfdesk.domain.lifecycle import Action, Actor, Role, Round, find_move
from perfdesk.domain.profiles import get_profile
from perfdesk.domain.formdef import FormDef
from perfdesk.domain.registry import FormVersionError, get_form, version_message
from perfdesk.errors import UserError
from perfdesk.store import Store
from perfdesk.package.builder import UNIT_FIELDS
from perfdesk.package.package_errors import PackageError
from perfdesk.package.form_uid import check_form_uid
from perfdesk.package.formdata import check_shape, set_cells
from perfdesk.package.manifest import FORWARDED, canonical, digest
from perfdesk.package.receiving import Outcome, check_trust, inbox_entry, inner_package, read_trusted, trust_row
from perfdesk.package.review import forward_opinion, receive_review
from perfdesk.package.task_packages import receive_task_or_empty
from perfdesk.package.verifier import Verified, open_envelope

# Who takes in a unit's form at this kind of installation, and where the form then waits.
_RECEIVER = {Role.SUPERVISOR: Actor.SUPERVISOR, Role.FINANCE: Actor.FINANCE_DEPT}
_PROFILE_ID = re.compile(r"^[a-z0-9_-]{1,64}$")  # it names a file: no path may hide in it


def import_bytes(store: Store, data: bytes, source: str, *, trust_new: bool = False,
                 keep_existing: bool = False) -> Outcome:
    """Import one package; a refused one is an Outcome with the reason, never an exception.
    keep_existing: when a unit sends a newer version of what is here, keep the one here (the
    office's choice of 保留 over 覆盖); the outcome says so either way."""
    sha = digest(data)
    prior = store.imported_file(sha)
    if prior is not None:
        return Outcome(source, "duplicate", f"已导入过（{prior.received_at.astimezone():%Y-%m-%d %H:%M}），未作改动",
                       prior.form_instance_id)
    verified = None
    try:
        verified = open_envelope(data, store)
        check_trust(verified, trust_new)  # before any member is parsed: an outsider costs only hashes
        verified = read_trusted(verified)
        if verified.kind in ("task", "empty"):
            return receive_task_or_empty(store, verified, source, trust_new, keep_existing)
        if verified.kind in ("form", "forward"):
            return _receive_form(store, verified, source, trust_new, keep_existing)
        return receive_review(store, verified, source, trust_new)
    except UserError as exc:
        reason = str(exc)
        store.log_rejected(**inbox_entry(verified, sha, source, reason))
        return Outcome(source, "rejected", reason)


def _unit(v: Verified) -> dict:
    unit = v.content.get("unit")
    if not all(isinstance(unit.get(k), str) and 0 < len(unit[k]) <= 200 for k in UNIT_FIELDS):
        raise PackageError("form.json 中的单位信息不完整")
    if not _PROFILE_ID.match(unit["profile"]):
        raise PackageError("form.json 中的规则配置名称无效")
    get_profile(unit["profile"])  # an unknown profile would break printing later: refuse now
    return {k: unit[k] for k in UNIT_FIELDS}


def package_form(form_id: str, version: int) -> FormDef:
    """The definition a package was filled with; where this installation has no file of that version, the
    clerk is told which version each side has instead of a failure."""
    from perfdesk.domain.formdef import FormDefinitionError

    try:
        return get_form(form_id, version)
    except FormVersionError:
        raise PackageError(version_message(get_form(form_id), version, "数据包")) from None
    except FormDefinitionError:
        raise PackageError(f"本机没有“{form_id}”这种表单的表单文件：请安装对方所用的表单文件后再导入") from None


def _valid_data(v: Verified, profile_id: str):
    m = v.manifest
    form = package_form(m.form_id, m.form_version)
    data = v.content.get("data")
    check_shape(form, data)
    # Checked as its unit checks it: the finance-only cells must be blank in what a unit sends.
    context = CheckContext(year=m.year, role=Role.UNIT, profile=get_profile(profile_id), form_version=m.form_version)
    try:  # the sender checked too, but only our own check counts here
        findings = run_checks(form, data, context)
        amount = headline_amount(form, data)
    except (TypeError, ValueError, KeyError, AttributeError, IndexError, ArithmeticError) as exc:
        raise PackageError("数据包中的表单数据无法校验，已拒绝") from exc
    problems = blocking(findings) + unexplained_warnings(findings)
    if problems:
        listed = "；".join(f.line() for f in problems[:5])
        raise PackageError(f"数据包中的表单未通过校验（{len(problems)} 项）：{listed}，已拒绝")
    return data, amount


def _round(v: Verified) -> Round:
    try:
        return Round(v.content.get("round", Round.SINGLE.value))
    except ValueError:
        raise PackageError("form.json 中的报送轮次无效，已拒绝") from None


def _receive_form(store: Store, outer: Verified, source: str, trust_new: bool, keep_existing: bool = False) -> Outcome:
    """A unit's form, sent directly or forwarded by its 主管部门 with its signed opinion."""
    role = store.role()
    receiver = _RECEIVER.get(role)
    if receiver is None:
        raise PackageError("本机的使用单位类型是预算单位，不接收其他单位报送的表单。本机若是主管部门或财政部门，请先运行 "
                           "perfdesk role supervisor 或 perfdesk role finance（或在“设置 → 单位设置”中把“使用单位类型”"
                           "改为主管部门或财政部门）后再导入；否则请在主管部门或财政部门的 PerfDesk 中导入")
    forwarded = outer.kind == "forward"
    v = inner_package(store, outer, FORWARDED, "form", trust_new) if forwarded else outer
    m = v.manifest
    check_form_uid(m.form_uid, m.unit_code)
    unit = _unit(v)
    if v.content.get("title") != m.title or v.content.get("form_version") != m.form_version:
        raise PackageError("form.json 与清单中的标题或表单格式版本不一致，已拒绝")
    data, amount = _valid_data(v, unit["profile"])
    round = _round(v)
    events, trust = [], [trust_row(v)]
    if forwarded:
        if receiver is not Actor.FINANCE_DEPT:
            raise PackageError("主管部门转报的数据包应由财政部门导入")
        if outer.manifest.unit_code != unit["supervisor_code"]:
            raise PackageError(f"转报的主管部门（{outer.manifest.unit_name}，{outer.manifest.unit_code}）不是"
                               f"{unit['name']}的主管部门（编码 {unit['supervisor_code']}），已拒绝")
        form = package_form(m.form_id, m.form_version)
        opinion, cells = forward_opinion(form, outer)
        data = set_cells(form, data, cells)
        events.append(dict(opinion, action=Action.FORWARD, actor=Actor.SUPERVISOR, round=round.value,
                           package_version=m.version))
        trust.append(trust_row(outer))
    here = store.form_by_uid(m.form_uid)
    if here is not None and here.package_version is not None and here.package_version < m.version and keep_existing:
        return Outcome(source, "kept", f"{unit['name']}再次报送《{m.title}》第 {m.version} 版：按选择保留本机已有的"
                                       f"第 {here.package_version} 版，未覆盖（如需覆盖，请不加 --keep-existing 再导入一次）",
                       here.id)
    entry = inbox_entry(outer, outer.file_sha256, source, "")
    entry["data_sha256"] = digest(canonical(data))
    what = f"{unit['name']}《{m.title}》第 {m.version} 版（{round.value}）"
    entry["reason"] = what + (f"，经{outer.manifest.unit_name}审核转报" if forwarded else "")
    received = store.receive_form(
        unit=unit, entry=entry, trust=trust, events=events,
        move=lambda status: find_move(Action.RECEIVE, status, actor=receiver),
        keep=outer.package if role is Role.SUPERVISOR else None,
        form={"form_id": m.form_id, "form_version": m.form_version, "year": m.year, "title": m.title,
              "data": data, "amount": amount, "uid": m.form_uid, "version": m.version, "round": round.value,
              "detail": {"signer": v.fingerprint, "unit_signer": v.signer_name}})
    if received.outcome == "imported":
        return Outcome(source, "imported", f"已导入 {what}", received.form_instance_id)
    if received.outcome == "updated":
        before = f"第 {here.package_version} 版" if here is not None and here.package_version else "旧版本"
        return Outcome(source, "updated", f"单位再次报送，已覆盖：{what}取代{before}（{before}保留在历史记录中）",
                       received.form_instance_id)
    if received.outcome == "duplicate":
        return Outcome(source, "duplicate", f"已导入过 {what}，未作改动", received.form_instance_id)
    if received.outcome == "older":
        raise PackageError(f"版本较旧：本机已有第 {received.current_version} 版，此数据包是第 {m.version} 版，已拒绝")
    raise PackageError(f"表单标识冲突：本机已有同一标识、同一版本（第 {m.version} 版）但内容不同的表单，"
                       "或该标识属于其他单位，已拒绝")
