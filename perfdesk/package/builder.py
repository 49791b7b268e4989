"""A unit's signed submission package (.pdpkg): assembled, signed, zipped and written. Checking a stored
form and marking it sent is perfdesk/app/form_submission.py.

Layout of the zip (all members in memory, written once, atomically):
  form.json      the form data with its id, version, uid, package version, unit, year, title, status
  form.pdf       the printed form, itself PAdES-signed (with the seal, if given)
  form.xlsx      the same table as Excel
  attachments/…  optional supporting files
  signer.pem     the signer's certificate
  manifest.json  SHA-256 and size of every member above, and whose package it is
  manifest.sig   the signer's signature over the exact bytes of manifest.json
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from perfdesk.domain.lifecycle import Round, Status
from perfdesk.os_errors import explain_os
from perfdesk.store import FormRecord, UnitRecord
from perfdesk.package import keys
from perfdesk.package.archive_safety import LIMITS, name_problem
from perfdesk.package.package_errors import PackageError
from perfdesk.package.identity import Signer
from perfdesk.package.manifest import ATTACHMENTS, MANIFEST, SIGNATURE, SIGNER, build_manifest, canonical, digest

UNIT_FIELDS = ("name", "code", "supervisor_name", "supervisor_code", "region", "level", "profile")
# Fixed zip timestamps: the same members give the same zip, whatever the clock says.
_EPOCH = (2020, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Built:
    data: bytes
    form_uid: str
    version: int
    file_name: str
    round: Round = Round.SINGLE


def file_name(unit_code: str, title: str, version: int, kind: str = "") -> str:
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", title).strip("._")[:60] or "表单"
    return f"{unit_code}_{safe}{kind}_v{version}.pdpkg"


def zip_package(members: dict[str, bytes], manifest: bytes, signature: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in [*sorted(members.items()), (MANIFEST, manifest), (SIGNATURE, signature)]:
            info = zipfile.ZipInfo(name, _EPOCH)
            info.external_attr = 0o100644 << 16  # a regular file, so no reader mistakes it
            # PDF and XLSX are compressed already; deflating them again only costs time.
            info.compress_type = zipfile.ZIP_STORED if name.endswith((".pdf", ".xlsx")) else zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


def sign_and_zip(signer: Signer, members: dict[str, bytes], **header) -> bytes:
    members = {**members, SIGNER: signer.cert_pem.encode("ascii")}
    manifest = build_manifest(members=members, unit_name=signer.unit.name, unit_code=signer.unit.code, **header)
    return zip_package(members, manifest, keys.sign(signer.key, manifest))


def form_json(record: FormRecord, unit: UnitRecord, uid: str, version: int, data: dict,
              round: Round = Round.SINGLE) -> bytes:
    return canonical({
        "form_id": record.form_id, "form_version": record.form_version, "form_uid": uid,
        "version": version, "year": record.year, "title": record.title, "status": Status.SUBMITTED.value,
        "round": round.value, "unit": {k: getattr(unit, k) for k in UNIT_FIELDS}, "data": data,
    })


def _attachments(items: list[tuple[str, bytes]]) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for name, data in items:
        member = ATTACHMENTS + name
        why = name_problem(member)
        if why or "/" in name:
            raise PackageError(f"附件名“{name}”不能使用（{why or '不能含有 /'}），请改名后再添加")
        if member.casefold() in {m.casefold() for m in found}:
            raise PackageError(f"附件“{name}”重名，请改名后再添加")
        if len(data) > LIMITS.member:
            raise PackageError(f"附件“{name}”超过 {LIMITS.member // (1024 * 1024)} MB")
        found[member] = data
    return found


def assemble_form_package(signer: Signer, record: FormRecord, uid: str, version: int, data: dict,
                          pdf: bytes, xlsx: bytes, attachments: list[tuple[str, bytes]] = (), *,
                          seal_png: bytes | None = None, round: Round = Round.SINGLE) -> bytes:
    """The zip from parts already made (checks and rendering are the caller's): the unsigned
    rendering `pdf` is signed here, bound to the form.json it prints (see pdfsign)."""
    from perfdesk.package.pdfsign import sign_pdf

    document = form_json(record, signer.unit, uid, version, data, round)
    extra = _attachments(list(attachments))
    if len(document) + len(pdf) + len(xlsx) + sum(len(m) for m in extra.values()) > LIMITS.total - 1024 * 1024:
        raise PackageError("数据包内容超过大小上限，请减少或压缩附件")
    members = {"form.json": document, "form.pdf": sign_pdf(pdf, signer, seal_png, form_sha256=digest(document)),
               "form.xlsx": xlsx, **extra}
    return sign_and_zip(signer, members, kind="form", form_id=record.form_id,
                        form_version=record.form_version, form_uid=uid, version=version,
                        year=record.year, title=record.title)


def write_package(target: Path, payload: bytes) -> None:
    """Write whole or not at all: a half-written package on a USB stick would only confuse."""
    if target.is_dir():
        raise PackageError(f"输出路径 {target} 是一个文件夹，请给出文件名")
    temp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".perfdesk-", suffix=".part")
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())  # USB sticks get pulled out early
        os.replace(temp, target)
    except OSError as exc:  # named by the file asked for, never the temporary one
        raise PackageError(f"无法写入文件 {target}：{explain_os(exc)}") from exc
    finally:
        if temp is not None:
            Path(temp).unlink(missing_ok=True)
