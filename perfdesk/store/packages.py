"""Store methods for submission packages: signing identities, trusted keys, the inbox, and
receiving a form or a review in one transaction.

Kept apart from store.py so the form API stays short; Store inherits these. The package layer
decides what a package means; here only the facts that must be read and written atomically
(is this version newer than the one kept?) are settled, inside the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .codec import aware_utc, dump_amount, dump_json, load_json, now_utc
from .errors import StoreError
from .models import FormInstance, Identity, InboxEntry, Revision, TrustedKey, Unit
from .records import (FormRecord, IdentityRecord, InboxRecord, TrustRecord, form_record,
                      identity_record, inbox_record, trust_record)

# Inbox statuses that mean "this package's content is in the store".
IMPORTED = "已导入"
UPDATED = "已更新"
REJECTED = "已拒绝"
_TAKEN = (IMPORTED, UPDATED)


@dataclass(frozen=True)
class Received:
    """What receiving a package did. Only 'imported' and 'updated' wrote anything."""

    outcome: str  # imported | updated | duplicate | older | conflict | unknown
    form_instance_id: int | None = None
    current_version: int | None = None


class PackageStore:
    """Mixin for Store; relies on Store._tx."""

    # --- own signing identities ---------------------------------------------------------

    def add_identity(self, unit_id: int, *, fingerprint: str, cert_pem: str, key_pem: str,
                     source: str, not_after: datetime) -> IdentityRecord:
        with self._tx(write=True) as s:
            if s.get(Unit, unit_id) is None:
                raise StoreError(f"找不到编号为 {unit_id} 的单位")
            if s.scalar(select(Identity.id).where(Identity.fingerprint == fingerprint)) is not None:
                raise StoreError("该密钥已保存在本机，无需重复导入")
            row = Identity(unit_id=unit_id, fingerprint=fingerprint, cert_pem=cert_pem, key_pem=key_pem,
                           source=source, not_after=not_after, created_at=now_utc())
            s.add(row)
            s.flush()
            return identity_record(row)

    def identity_for_unit(self, unit_id: int) -> IdentityRecord | None:
        """The newest identity of the unit: a new key replaces the old one for signing."""
        with self._tx() as s:
            row = s.scalar(select(Identity).where(Identity.unit_id == unit_id).order_by(Identity.id.desc()))
            return None if row is None else identity_record(row)

    def identities(self) -> list[IdentityRecord]:
        with self._tx() as s:
            return [identity_record(i) for i in s.scalars(select(Identity).order_by(Identity.id))]

    # --- trust registry ----------------------------------------------------------------

    def add_trusted_key(self, *, unit_code: str, unit_name: str, role: str, fingerprint: str,
                        cert_pem: str | None = None, source: str = "registration") -> TrustRecord:
        """Register a key; registering the same key for the same unit again changes nothing."""
        with self._tx(write=True) as s:
            return trust_record(_trust(s, unit_code=unit_code, unit_name=unit_name, role=role,
                                       fingerprint=fingerprint, cert_pem=cert_pem, source=source))

    def trusted_key(self, fingerprint: str) -> TrustRecord | None:
        with self._tx() as s:
            row = s.scalar(select(TrustedKey).where(TrustedKey.fingerprint == fingerprint))
            return None if row is None else trust_record(row)

    def trusted_keys(self, unit_code: str | None = None) -> list[TrustRecord]:
        q = select(TrustedKey).order_by(TrustedKey.unit_code, TrustedKey.id)
        if unit_code is not None:
            q = q.where(TrustedKey.unit_code == unit_code)
        with self._tx() as s:
            return [trust_record(t) for t in s.scalars(q)]

    def remove_trusted_key(self, fingerprint: str) -> bool:
        with self._tx(write=True) as s:
            row = s.scalar(select(TrustedKey).where(TrustedKey.fingerprint == fingerprint))
            if row is None:
                return False
            s.delete(row)
            return True

    # --- forms travelling in packages ----------------------------------------------------

    def ensure_form_uid(self, form_instance_id: int) -> str:
        with self._tx(write=True) as s:
            form = _form(s, form_instance_id)
            if form.uid is None:
                form.uid = str(uuid.uuid4())
            return form.uid

    def form_by_uid(self, uid: str) -> FormRecord | None:
        with self._tx() as s:
            form = s.scalar(select(FormInstance).where(FormInstance.uid == uid))
            return None if form is None else form_record(form)

    def mark_packaged(self, form_instance_id: int, version: int, status: str | None = None) -> None:
        with self._tx(write=True) as s:
            form = _form(s, form_instance_id)
            form.package_version = version
            if status is not None and form.status != status:
                form.status = status
                form.updated_at = now_utc()

    # --- inbox -------------------------------------------------------------------------

    def inbox(self, *, form_instance_id: int | None = None, limit: int | None = None) -> list[InboxRecord]:
        """Newest first."""
        q = select(InboxEntry).order_by(InboxEntry.id.desc())
        if form_instance_id is not None:
            q = q.where(InboxEntry.form_instance_id == form_instance_id)
        if limit is not None:
            q = q.limit(limit)
        with self._tx() as s:
            return [inbox_record(e) for e in s.scalars(q)]

    def imported_file(self, file_sha256: str) -> InboxRecord | None:
        """The inbox entry under which exactly this file was taken in, if it was."""
        with self._tx() as s:
            row = s.scalar(select(InboxEntry).where(InboxEntry.file_sha256 == file_sha256,
                                                    InboxEntry.status.in_(_TAKEN)))
            return None if row is None else inbox_record(row)

    def log_rejected(self, **entry) -> None:
        """Note a refused package; the same file refused for the same reason is noted once."""
        with self._tx(write=True) as s:
            seen = s.scalar(select(InboxEntry.id).where(InboxEntry.file_sha256 == entry["file_sha256"],
                                                        InboxEntry.status == REJECTED,
                                                        InboxEntry.reason == entry["reason"]))
            if seen is None:
                s.add(_entry(dict(entry, status=REJECTED)))

    # --- receiving -----------------------------------------------------------------------

    def receive_form(self, *, unit: dict, form: dict, entry: dict, trust: dict) -> Received:
        """Take in one form package atomically: the unit (if new), the form or its newer
        version (the old one kept as a revision), the signer's key, and the inbox entry.

        form: form_id, form_version, year, title, data, amount, status, uid, version.
        entry: inbox columns (file_sha256, file_name, data_sha256, signer…)."""
        text, amount = dump_json(form["data"]), dump_amount(form["amount"])
        with self._tx(write=True) as s:
            existing = s.scalar(select(FormInstance).where(FormInstance.uid == form["uid"]))
            if existing is None:
                unit_row = s.scalar(select(Unit).where(Unit.code == unit["code"]))
                if unit_row is None:
                    unit_row = Unit(**unit, created_at=now_utc())
                    s.add(unit_row)
                    s.flush()
                now = now_utc()
                target = FormInstance(unit_id=unit_row.id, form_id=form["form_id"],
                                      form_version=form["form_version"], year=form["year"],
                                      title=form["title"], status=form["status"], data=text,
                                      amount=amount, created_at=now, updated_at=now,
                                      uid=form["uid"], package_version=form["version"])
                s.add(target)
                outcome, status = "imported", IMPORTED
            else:
                verdict = _compare(s, existing, unit["code"], form["version"], text, entry["data_sha256"])
                if verdict is not None:
                    return Received(verdict, existing.id, existing.package_version)
                if text != existing.data:
                    s.add(Revision(form_instance_id=existing.id, saved_at=existing.updated_at,
                                   data=existing.data, title=existing.title))
                target = existing
                for attr in ("form_id", "form_version", "year", "title", "status"):
                    setattr(target, attr, form[attr])
                target.data, target.amount, target.package_version = text, amount, form["version"]
                target.deleted_at = None  # a new submission comes back out of the recycle bin
                target.updated_at = now_utc()
                outcome, status = "updated", UPDATED
            _trust(s, **trust)
            s.flush()
            s.add(_entry(dict(entry, status=status, form_instance_id=target.id)))
            return Received(outcome, target.id, form["version"])

    def receive_review(self, *, uid: str, version: int, signed_at: datetime, status: str,
                       update: Callable[[dict], dict], entry: dict, trust: dict) -> Received:
        """Apply the finance office's review of version `version` of a form we submitted.

        update(data) -> data gives the new document (the package layer fills finance fields)."""
        with self._tx(write=True) as s:
            form = s.scalar(select(FormInstance).where(FormInstance.uid == uid))
            if form is None or form.package_version is None:
                return Received("unknown")
            if version != form.package_version:
                return Received("older" if version < form.package_version else "conflict",
                                form.id, form.package_version)
            last = s.scalar(select(InboxEntry.signed_at)
                            .where(InboxEntry.form_instance_id == form.id, InboxEntry.kind == "review",
                                   InboxEntry.package_version == version, InboxEntry.status.in_(_TAKEN))
                            .order_by(InboxEntry.signed_at.desc()))
            if last is not None and aware_utc(last) >= signed_at:
                return Received("older", form.id, version)  # a later review already applied
            text = dump_json(update(load_json(form.data)))
            if text != form.data:
                s.add(Revision(form_instance_id=form.id, saved_at=form.updated_at,
                               data=form.data, title=form.title))
                form.data = text
            form.status = status
            form.updated_at = now_utc()
            _trust(s, **trust)
            s.add(_entry(dict(entry, status=IMPORTED, form_instance_id=form.id)))
            return Received("imported", form.id, version)


def _compare(s: Session, existing: FormInstance, unit_code: str, version: int, text: str,
             data_sha256: str) -> str | None:
    """None when the package is newer than the kept form; else why nothing is written."""
    owner = s.get(Unit, existing.unit_id)
    if owner.code != unit_code or existing.package_version is None:
        return "conflict"  # the uid belongs to another unit's form, or to one of our own
    if version < existing.package_version:
        return "older"
    if version > existing.package_version:
        return None
    kept = s.scalar(select(InboxEntry.data_sha256)
                    .where(InboxEntry.form_instance_id == existing.id,
                           InboxEntry.package_version == version, InboxEntry.status.in_(_TAKEN))
                    .order_by(InboxEntry.id.desc()))
    same = kept == data_sha256 if kept is not None else text == existing.data
    return "duplicate" if same else "conflict"


def _trust(s: Session, *, unit_code: str, unit_name: str, role: str, fingerprint: str,
           cert_pem: str | None, source: str) -> TrustedKey:
    row = s.scalar(select(TrustedKey).where(TrustedKey.fingerprint == fingerprint))
    if row is None:
        row = TrustedKey(unit_code=unit_code, unit_name=unit_name, role=role, fingerprint=fingerprint,
                         cert_pem=cert_pem, source=source, added_at=now_utc())
        s.add(row)
        s.flush()
        return row
    if row.unit_code != unit_code or row.role != role:
        raise StoreError(f"该公钥已登记在单位 {row.unit_name}（{row.unit_code}）名下，不能再登记给 {unit_code}")
    if row.cert_pem is None and cert_pem is not None:
        # Registered by fingerprint alone: the first package brings the certificate and the name.
        row.cert_pem, row.unit_name = cert_pem, unit_name
    return row


def _entry(fields: dict) -> InboxEntry:
    detail = fields.pop("detail", None)
    return InboxEntry(**fields, detail=None if detail is None else dump_json(detail), received_at=now_utc())


def _form(s: Session, form_instance_id: int) -> FormInstance:
    form = s.get(FormInstance, form_instance_id)
    if form is None:
        raise StoreError(f"找不到编号为 {form_instance_id} 的表单")
    return form
