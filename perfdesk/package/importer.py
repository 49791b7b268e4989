"""Import packages into this store: the finance office takes in units' forms, a unit takes in
the office's reviews. Each package is verified, then written in one transaction (the unit, the
form or its newer version, the signer's key if newly trusted, the inbox entry), or not at all.
A rejected package is noted in the inbox with its reason."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from perfdesk.domain.checks import CheckContext, blocking, run_checks, unexplained_warnings
from perfdesk.domain.document import headline_amount
from perfdesk.domain.lifecycle import Action, Actor, Role, Round, find_move
from perfdesk.domain.profiles import get_profile
from perfdesk.domain.formdef import FormDef
from perfdesk.domain.registry import FormVersionError, get_form, version_message
from perfdesk.errors import UserError
from perfdesk.store import Store
from perfdesk.package import PACKAGE_SUFFIX, keys
from perfdesk.package.archive_safety import read_package_file
from perfdesk.package.builder import UNIT_FIELDS
from perfdesk.package.package_errors import PackageError
from perfdesk.package.form_uid import check_form_uid
from perfdesk.package.formdata import check_shape, set_cells
from perfdesk.package.manifest import FORWARDED, canonical, digest
from perfdesk.package.verifier import Envelope, Verified, open_envelope, read_contents, signer_key_role

# Who takes in a unit's form at this kind of installation, and where the form then waits.
_RECEIVER = {Role.SUPERVISOR: Actor.SUPERVISOR, Role.FINANCE: Actor.FINANCE_DEPT}
_PROFILE_ID = re.compile(r"^[a-z0-9_-]{1,64}$")  # it names a file: no path may hide in it
_LABELS = {"imported": "已导入", "updated": "已更新", "duplicate": "已导入过", "rejected": "已拒绝",
           "kept": "保留原版本"}


@dataclass(frozen=True)
class Outcome:
    source: str
    status: str  # imported | updated | duplicate | kept | rejected
    message: str
    form_instance_id: int | None = None

    @property
    def accepted(self) -> bool:
        return self.status != "rejected"

    def line(self) -> str:
        return f"[{_LABELS[self.status]}] {self.source}：{self.message}"


@dataclass
class ImportReport:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def rejected(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.accepted]

    def summary(self) -> str:
        kept = f"保留原版本 {self.count('kept')} 个，" if self.count("kept") else ""
        return (f"共 {len(self.outcomes)} 个数据包：导入 {self.count('imported')} 个，更新 {self.count('updated')} 个，"
                f"已导入过 {self.count('duplicate')} 个，{kept}拒绝 {self.count('rejected')} 个")


def package_files(paths: list[Path]) -> list[Path]:
    """Files as given; folders contribute their *.pdpkg files (sub-folders too), in name order
    so that a unit's v1 comes before its v2. Symlinked folders are not followed."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                found += [Path(root) / f for f in sorted(files) if f.lower().endswith(PACKAGE_SUFFIX)]
        else:
            found.append(path)
    return found


def import_paths(store: Store, paths: list[Path], *, trust_new: bool = False,
                 keep_existing: bool = False) -> ImportReport:
    """Each package decided alone: whatever one does, the others are still read and reported."""
    report = ImportReport()
    for path in package_files(paths):
        try:
            data = read_package_file(path)
            outcome = import_bytes(store, data, str(path), trust_new=trust_new, keep_existing=keep_existing)
        except UserError as exc:  # unreadable file, or the store failed while noting a refusal
            outcome = Outcome(str(path), "rejected", str(exc))
        except Exception as exc:  # noqa: BLE001 - a defect of ours must not cost the rest of the batch
            outcome = Outcome(str(path), "rejected", f"导入时发生内部错误（{type(exc).__name__}），已跳过此数据包，"
                                                     "其他数据包照常导入；请把此文件交给技术支持")
        report.outcomes.append(outcome)
    return report


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
        _check_trust(verified, trust_new)  # before any member is parsed: an outsider costs only hashes
        verified = _read(verified)
        if verified.kind in ("task", "empty"):
            from perfdesk.package.task_packages import receive_task_or_empty

            return receive_task_or_empty(store, verified, source, trust_new, keep_existing)
        if verified.kind in ("form", "forward"):
            return _receive_form(store, verified, source, trust_new, keep_existing)
        from perfdesk.package.review import receive_review

        return receive_review(store, verified, source, trust_new)
    except UserError as exc:
        reason = str(exc)
        store.log_rejected(**inbox_entry(verified, sha, source, reason))
        return Outcome(source, "rejected", reason)


# Packages whose signer must be registered beforehand, never trusted on first sight, and how to register it.
_REGISTER_FIRST = {"task": "perfdesk trust add --office", "empty": "perfdesk trust add"}


def _check_trust(v: Envelope, trust_new: bool) -> None:
    if v.trust.ok or (v.trust.state == "new" and trust_new and v.kind not in _REGISTER_FIRST):
        return
    hint = "；核对对方的公钥登记表后，用 perfdesk trust add 登记，或确认无误后加 --trust-new 导入" \
        if v.trust.state == "new" else ""
    if v.trust.state == "new" and v.kind in _REGISTER_FIRST:
        hint = f"；此类数据包只接受已登记的公钥：核对对方的公钥登记表后，用 {_REGISTER_FIRST[v.kind]} 登记后再导入"
    raise PackageError(f"签名人未获信任：{v.trust.note}{hint}，已拒绝")


def inbox_entry(v: Envelope | Verified | None, sha: str, source: str, reason: str) -> dict:
    entry = {"file_sha256": sha, "file_name": Path(source).name, "reason": reason}
    if v is not None:
        m = v.manifest
        entry.update(kind=m.kind, unit_code=m.unit_code, signer_name=v.signer_name,
                     signer_fingerprint=v.fingerprint, form_uid=m.form_uid, package_version=m.version,
                     signed_at=m.created_at)
    return entry


def trust_row(v: Verified) -> dict:
    return {"unit_code": v.manifest.unit_code, "unit_name": v.manifest.unit_name,
            "role": signer_key_role(v.manifest), "fingerprint": v.fingerprint,
            "cert_pem": keys.cert_pem(v.cert), "source": "first-import"}


def _read(envelope) -> Verified:
    """The contents of a package whose signer is trusted; a form's PDF must be its signed rendering."""
    verified = read_contents(envelope, check_pdf=envelope.kind == "form")
    if verified.kind == "form" and not verified.pdf.ok:
        raise PackageError(f"{verified.pdf.problem}，已拒绝")
    return verified


def inner_package(store: Store, outer: Verified, member: str, kind: str, trust_new: bool) -> Verified:
    """The package a 主管部门 passed on inside its own, verified as if it came alone: its own signer,
    trusted for its own role, naming the same form and version as the outer one."""
    inner = open_envelope(outer.members[member], store)
    _check_trust(inner, trust_new)
    inner = _read(inner)
    om, im = outer.manifest, inner.manifest
    if im.kind != kind or (im.form_uid, im.version, im.form_id) != (om.form_uid, om.version, om.form_id):
        raise PackageError(f"{member} 与外层数据包不是同一表单、同一版本，已拒绝")
    return inner


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
        from perfdesk.package.review import forward_opinion

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
