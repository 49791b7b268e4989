"""Verify a package: safe archive, valid signature over the manifest, every member intact and
nothing added or missing, whether this store trusts the signer, then contents consistent with
the manifest and the printed PDF bound to them. Raises PackageError with the reason; never writes.

Two steps, cheap before expensive: open_envelope reads only the small signed envelope (sizes,
signature, manifest, certificate, member hashes, trust), read_contents parses the form's JSON and
validates its PDF. The importer refuses an untrusted signer between the two, so an outsider's
package costs no more than its hashes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm

from perfdesk.domain.lifecycle import Actor, Role
from perfdesk.store import Store, TrustRecord
from perfdesk.store.records import KEY_ROLE_NAMES, OFFICE_KEY, SUPERVISOR_KEY, UNIT_KEY
from perfdesk.package import keys
from perfdesk.package.archive_safety import read_members
from perfdesk.package.package_errors import PackageError
from perfdesk.package.manifest import (
    CONTENT, ENVELOPE, MANIFEST, MANIFEST_LIMIT, SIGNATURE, SIGNER, Manifest, digest, parse_manifest, strict_json)
from perfdesk.package.pdfsign import PdfCheck

KiB, MiB = 1024, 1024 * 1024
_ENVELOPE_LIMITS = {MANIFEST: MANIFEST_LIMIT, SIGNATURE: KiB, SIGNER: 64 * KiB}
# Upper bounds of the members we read ourselves, far above any real form (the 60-indicator
# declaration is 60 KB of JSON and a 100 KB PDF); attachments are only hashed, never read.
MEMBER_LIMITS = {"form.json": 4 * MiB, "review.json": MiB, "form.pdf": 16 * MiB, "form.xlsx": 16 * MiB}
# Which installations (lifecycle.Role) hold a key role: their own key may sign such packages.
_HELD_BY = {UNIT_KEY: {Role.UNIT, Role.SUPERVISOR}, SUPERVISOR_KEY: {Role.SUPERVISOR}, OFFICE_KEY: {Role.FINANCE}}
# The signer's clock and ours may differ; a package "made" slightly before its certificate is fine.
_CLOCK_SLACK = dt.timedelta(days=1)


@dataclass(frozen=True)
class Trust:
    state: str  # trusted | own | new | other-key | mismatch
    note: str
    record: TrustRecord | None = None

    @property
    def ok(self) -> bool:
        return self.state in ("trusted", "own")


@dataclass(frozen=True)
class Envelope:
    """A package whose signature, manifest and member hashes are checked; contents not yet read."""

    manifest: Manifest
    members: dict[str, bytes]
    cert: x509.Certificate
    fingerprint: str
    signer_name: str
    file_sha256: str
    trust: Trust | None = None
    package: bytes = b""  # the file itself, to keep or pass on untouched

    @property
    def kind(self) -> str:
        return self.manifest.kind


@dataclass(frozen=True)
class Verified:
    manifest: Manifest
    members: dict[str, bytes]
    content: dict  # form.json or review.json
    cert: x509.Certificate
    fingerprint: str
    signer_name: str
    file_sha256: str
    package: bytes = b""  # the file itself, to keep or pass on untouched
    trust: Trust | None = None
    pdf: PdfCheck | None = None

    @property
    def kind(self) -> str:
        return self.manifest.kind


def _signature(members: dict[str, bytes]) -> tuple[x509.Certificate, str]:
    for name in (*ENVELOPE, SIGNER):
        if name not in members:
            raise PackageError(f"数据包缺少 {name}，不是完整的签名数据包")
        if len(members[name]) > _ENVELOPE_LIMITS[name]:
            raise PackageError(f"数据包中的 {name} 过大，已拒绝")
    cert = keys.load_cert(members[SIGNER])
    try:
        keys.check_key_type(cert.public_key())
        fp = keys.fingerprint(cert)
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise PackageError("签名证书中的公钥无法识别") from exc
    if not keys.verify(cert, members[SIGNATURE], members[MANIFEST]):
        raise PackageError("签名无效：清单与签名不符（数据包被改动过，或签名与证书不匹配），已拒绝")
    return cert, fp


def _check_members(manifest: Manifest, members: dict[str, bytes]) -> None:
    present = set(members) - set(ENVELOPE)
    missing = sorted(set(manifest.members) - present)
    if missing:
        raise PackageError(f"数据包缺少清单中列出的文件：{'、'.join(missing)}，已拒绝")
    extra = sorted(present - set(manifest.members))
    if extra:
        raise PackageError(f"数据包含有清单之外的文件：{'、'.join(extra)[:200]}，已拒绝")
    for name, limit in MEMBER_LIMITS.items():
        if name in members and len(members[name]) > limit:
            raise PackageError(f"数据包中的 {name} 有 {len(members[name]) // KiB} KB，超过上限 {limit // KiB} KB，已拒绝")
    for name, expected in manifest.members.items():
        data = members[name]
        if len(data) != expected.size or digest(data) != expected.sha256:
            raise PackageError(f"文件 {name} 与签名清单不符（内容被改动过），已拒绝")


def _check_cert(manifest: Manifest, cert: x509.Certificate) -> str:
    if manifest.unit_code not in keys.subject_codes(cert):
        raise PackageError(f"签名证书不是颁发给单位编码 {manifest.unit_code} 的，已拒绝")
    # Slack added to created_at (kept within 2000–2199), never taken from notBefore (may be year 1).
    if not cert.not_valid_before_utc <= manifest.created_at + _CLOCK_SLACK \
            or manifest.created_at > cert.not_valid_after_utc:
        raise PackageError(f"数据包的签名时间 {manifest.created_at:%Y-%m-%d %H:%M} 不在签名证书的有效期内，已拒绝")
    return keys.subject_name(cert)


def signer_key_role(manifest: Manifest) -> str:
    """The trust role the signer needs: a unit signs forms, a 主管部门 forwards, relays and its own
    reviews, the finance office its reviews. Read from the signed manifest, before any content."""
    if manifest.kind in ("form", "empty"):
        return UNIT_KEY
    if manifest.kind in ("forward", "relay") or manifest.raw.get("level") == Actor.SUPERVISOR:
        return SUPERVISOR_KEY
    return OFFICE_KEY


def _content(manifest: Manifest, members: dict[str, bytes]) -> dict:
    name = CONTENT[manifest.kind]
    content = strict_json(members[name], name, MEMBER_LIMITS.get(name, MiB))
    if not isinstance(content, dict):
        raise PackageError(f"{name} 格式无效")
    unit = content.get("unit") if manifest.kind in ("form", "empty") else content.get("office")
    same = (isinstance(unit, dict) and unit.get("code") == manifest.unit_code
            and content.get("form_uid") == manifest.form_uid and content.get("form_id") == manifest.form_id
            and content.get("version") == manifest.version and content.get("year") == manifest.year)
    if not same:
        raise PackageError(f"{name} 与清单中的单位、表单标识、版本或年度不一致，已拒绝")
    return content


def trust_of(store: Store, manifest: Manifest, fp: str, role: str) -> Trust:
    """How this store regards the signer of a package needing key role `role` for this unit code.
    This installation's own key counts only for a role the installation holds: a unit's own key
    never signs a finance office's review."""
    if any(i.fingerprint == fp for i in store.identities()):
        held = store.role()
        if held in _HELD_BY[role]:
            return Trust("own", "本机自己的签名密钥")
        return Trust("mismatch", f"这是本机自己的签名密钥，本机不是{KEY_ROLE_NAMES[role]}，"
                                 f"不能用它签署{KEY_ROLE_NAMES[role]}的数据包")
    who = KEY_ROLE_NAMES[role]
    row = store.trusted_key(fp)
    if row is not None:
        # A 主管部门 is a budget unit too: its key, registered as the 主管部门's, signs its own forms.
        if row.unit_code == manifest.unit_code and (row.role == role or (row.role, role) == (SUPERVISOR_KEY, UNIT_KEY)):
            return Trust("trusted", f"已登记的{who}公钥（{row.unit_name}，{row.unit_code}）", row)
        return Trust("mismatch", f"该公钥登记在 {row.unit_name}（{row.unit_code}）名下，"
                                 f"不能为 {manifest.unit_name}（{manifest.unit_code}）签名", row)
    if store.trusted_keys(manifest.unit_code):
        return Trust("other-key", f"{who} {manifest.unit_code} 已登记了其他公钥，此数据包的公钥未登记；"
                                  "如对方更换了密钥，请按新的公钥登记表登记")
    return Trust("new", f"签名人的公钥尚未在本机登记（{who} {manifest.unit_name}，{manifest.unit_code}）")


def open_envelope(data: bytes, store: Store | None = None) -> Envelope:
    """The cheap checks: archive, signature, manifest, certificate, member hashes, trust."""
    members = read_members(data)
    cert, fp = _signature(members)
    manifest = parse_manifest(members[MANIFEST])  # after the signature: only signed bytes are read
    signer_name = _check_cert(manifest, cert)
    _check_members(manifest, members)
    return Envelope(manifest=manifest, members=members, cert=cert, fingerprint=fp, signer_name=signer_name,
                    file_sha256=digest(data), package=data,
                    trust=None if store is None else trust_of(store, manifest, fp, signer_key_role(manifest)))


def read_contents(envelope: Envelope, *, check_pdf: bool = False) -> Verified:
    """The expensive checks: the form's or review's JSON and, if asked, form.pdf's own signature
    (see pdfsign.check_pdf: same signer, nothing changed after signing, rendering of form.json)."""
    m, members = envelope.manifest, envelope.members
    content = _content(m, members)
    pdf = None
    if check_pdf and m.kind == "form":
        from perfdesk.package.pdfsign import check_pdf as validate

        pdf = validate(members["form.pdf"], envelope.cert, form_sha256=digest(members["form.json"]))
    return Verified(manifest=m, members=members, content=content, cert=envelope.cert,
                    fingerprint=envelope.fingerprint, signer_name=envelope.signer_name,
                    file_sha256=envelope.file_sha256, package=envelope.package, trust=envelope.trust, pdf=pdf)


def verify_package(data: bytes, store: Store | None = None, *, check_pdf: bool = False) -> Verified:
    return read_contents(open_envelope(data, store), check_pdf=check_pdf)
