"""Import packages into this store: the finance office takes in units' forms, a unit takes in
the office's reviews. Each package is verified, then written in one transaction (the unit, the
form or its newer version, the signer's key if newly trusted, the inbox entry), or not at all.
A rejected package is noted in the inbox with its reason."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.checks import blocking, run_checks, unexplained_warnings
from ..domain.document import headline_amount
from ..domain.profiles import get_profile
from ..domain.registry import get_form
from ..errors import USER_ERRORS
from ..store import Store
from . import PACKAGE_SUFFIX, keys
from .archive_safety import read_package_file
from .builder import UNIT_FIELDS
from .errors import PackageError
from .formdata import check_shape
from .manifest import canonical, digest
from .verifier import Envelope, Verified, open_envelope, read_contents

RECEIVED = "已收到"
_PROFILE_ID = re.compile(r"^[a-z0-9_-]{1,64}$")  # it names a file: no path may hide in it
_LABELS = {"imported": "已导入", "updated": "已更新", "duplicate": "已导入过", "rejected": "已拒绝"}


@dataclass(frozen=True)
class Outcome:
    source: str
    status: str  # imported | updated | duplicate | rejected
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
        return (f"共 {len(self.outcomes)} 个数据包：导入 {self.count('imported')} 个，更新 {self.count('updated')} 个，"
                f"已导入过 {self.count('duplicate')} 个，拒绝 {self.count('rejected')} 个")


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


def import_paths(store: Store, paths: list[Path], *, trust_new: bool = False) -> ImportReport:
    """Each package decided alone: whatever one does, the others are still read and reported."""
    report = ImportReport()
    for path in package_files(paths):
        try:
            data = read_package_file(path)
            outcome = import_bytes(store, data, str(path), trust_new=trust_new)
        except USER_ERRORS as exc:  # unreadable file, or the store failed while noting a refusal
            outcome = Outcome(str(path), "rejected", str(exc))
        except Exception as exc:  # noqa: BLE001 - a defect of ours must not cost the rest of the batch
            outcome = Outcome(str(path), "rejected", f"导入时发生内部错误（{type(exc).__name__}），已跳过此数据包，"
                                                     "其他数据包照常导入；请把此文件交给技术支持")
        report.outcomes.append(outcome)
    return report


def import_bytes(store: Store, data: bytes, source: str, *, trust_new: bool = False) -> Outcome:
    """Import one package; a refused one is an Outcome with the reason, never an exception."""
    sha = digest(data)
    prior = store.imported_file(sha)
    if prior is not None:
        return Outcome(source, "duplicate", f"已导入过（{prior.received_at.astimezone():%Y-%m-%d %H:%M}），未作改动",
                       prior.form_instance_id)
    verified = None
    try:
        verified = open_envelope(data, store)
        _check_trust(verified, trust_new)  # before any member is parsed: an outsider costs only hashes
        verified = read_contents(verified, check_pdf=True)
        if verified.kind == "form":
            if not verified.pdf.ok:
                raise PackageError(f"{verified.pdf.problem}，已拒绝")
            return _receive_form(store, verified, source)
        from .review import receive_review

        return receive_review(store, verified, source)
    except USER_ERRORS as exc:
        reason = str(exc)
        store.log_rejected(**inbox_entry(verified, sha, source, reason))
        return Outcome(source, "rejected", reason)


def _check_trust(v: Envelope, trust_new: bool) -> None:
    if v.trust.ok or (v.trust.state == "new" and trust_new):
        return
    hint = "；核对对方的公钥登记表后，用 perfdesk trust add 登记，或确认无误后加 --trust-new 导入" \
        if v.trust.state == "new" else ""
    raise PackageError(f"签名人未获信任：{v.trust.note}{hint}，已拒绝")


def inbox_entry(v: Envelope | Verified | None, sha: str, source: str, reason: str) -> dict:
    entry = {"file_sha256": sha, "file_name": Path(source).name, "reason": reason}
    if v is not None:
        m = v.manifest
        entry.update(kind=m.kind, unit_code=m.unit_code, signer_name=v.signer_name,
                     signer_fingerprint=v.fingerprint, form_uid=m.form_uid, package_version=m.version,
                     signed_at=m.created_at)
    return entry


def trust_row(v: Verified, role: str) -> dict:
    return {"unit_code": v.manifest.unit_code, "unit_name": v.manifest.unit_name, "role": role,
            "fingerprint": v.fingerprint, "cert_pem": keys.cert_pem(v.cert), "source": "first-import"}


def _unit(v: Verified) -> dict:
    unit = v.content.get("unit")
    if not all(isinstance(unit.get(k), str) and 0 < len(unit[k]) <= 200 for k in UNIT_FIELDS):
        raise PackageError("form.json 中的单位信息不完整")
    if not _PROFILE_ID.match(unit["profile"]):
        raise PackageError("form.json 中的规则配置名称无效")
    get_profile(unit["profile"])  # an unknown profile would break printing later: refuse now
    return {k: unit[k] for k in UNIT_FIELDS}


def _valid_data(v: Verified):
    m = v.manifest
    form = get_form(m.form_id)
    if m.form_version > form.version:
        raise PackageError(f"数据包使用的表单格式（第 {m.form_version} 版）比本机的新，请升级 PerfDesk 后再导入")
    data = v.content.get("data")
    check_shape(form, data)
    try:  # the sender checked too, but only our own check counts here
        findings = run_checks(form, data, year=m.year)
        amount = headline_amount(form, data)
    except (TypeError, ValueError, KeyError, AttributeError, IndexError, ArithmeticError) as exc:
        raise PackageError("数据包中的表单数据无法校验，已拒绝") from exc
    problems = blocking(findings) + unexplained_warnings(findings)
    if problems:
        listed = "；".join(f.line() for f in problems[:5])
        raise PackageError(f"数据包中的表单未通过校验（{len(problems)} 项）：{listed}，已拒绝")
    return data, amount


def _receive_form(store: Store, v: Verified, source: str) -> Outcome:
    m = v.manifest
    unit = _unit(v)
    if v.content.get("title") != m.title or v.content.get("form_version") != m.form_version:
        raise PackageError("form.json 与清单中的标题或表单格式版本不一致，已拒绝")
    data, amount = _valid_data(v)
    entry = inbox_entry(v, v.file_sha256, source, "")
    entry["data_sha256"] = digest(canonical(data))
    what = f"{unit['name']}《{m.title}》第 {m.version} 版"
    entry["reason"] = what
    received = store.receive_form(
        unit=unit, entry=entry, trust=trust_row(v, "unit"),
        form={"form_id": m.form_id, "form_version": m.form_version, "year": m.year, "title": m.title,
              "data": data, "amount": amount, "status": RECEIVED, "uid": m.form_uid, "version": m.version})
    if received.outcome == "imported":
        return Outcome(source, "imported", f"已导入 {what}", received.form_instance_id)
    if received.outcome == "updated":
        return Outcome(source, "updated", f"已更新为 {what}（旧版本保留在历史记录中）", received.form_instance_id)
    if received.outcome == "duplicate":
        return Outcome(source, "duplicate", f"已导入过 {what}，未作改动", received.form_instance_id)
    if received.outcome == "older":
        raise PackageError(f"版本较旧：本机已有第 {received.current_version} 版，此数据包是第 {m.version} 版，已拒绝")
    raise PackageError(f"表单标识冲突：本机已有同一标识、同一版本（第 {m.version} 版）但内容不同的表单，"
                       "或该标识属于其他单位，已拒绝")
