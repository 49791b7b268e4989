"""What every kind of received package shares, whichever module takes it in (importer: forms; review: a
level's answer; task_packages: tasks and 空数据说明): the outcome reported, the inbox row of a refusal, the
signer's trust, and a passed-on package inside another."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from perfdesk.package import keys
from perfdesk.package.package_errors import PackageError
from perfdesk.package.verifier import Envelope, Verified, open_envelope, read_contents, signer_key_role
from perfdesk.store import Store

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


# Packages whose signer must be registered beforehand, never trusted on first sight, and how to register it.
_REGISTER_FIRST = {"task": "perfdesk trust add --office", "empty": "perfdesk trust add"}


def check_trust(v: Envelope, trust_new: bool) -> None:
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


def read_trusted(envelope) -> Verified:
    """The contents of a package whose signer is trusted; a form's PDF must be its signed rendering."""
    verified = read_contents(envelope, check_pdf=envelope.kind == "form")
    if verified.kind == "form" and not verified.pdf.ok:
        raise PackageError(f"{verified.pdf.problem}，已拒绝")
    return verified


def inner_package(store: Store, outer: Verified, member: str, kind: str, trust_new: bool) -> Verified:
    """The package a 主管部门 passed on inside its own, verified as if it came alone: its own signer,
    trusted for its own role, naming the same form and version as the outer one."""
    inner = open_envelope(outer.members[member], store)
    check_trust(inner, trust_new)
    inner = read_trusted(inner)
    om, im = outer.manifest, inner.manifest
    if im.kind != kind or (im.form_uid, im.version, im.form_id) != (om.form_uid, om.version, om.form_id):
        raise PackageError(f"{member} 与外层数据包不是同一表单、同一版本，已拒绝")
    return inner
