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

from sqlalchemy import Connection, Row, delete, insert, select, update

from perfdesk.store.codec import aware_utc, dump_amount, dump_json, load_json, now_utc
from perfdesk.store.store_errors import StoreError
from perfdesk.store.figure_store import refresh_figures
from perfdesk.store.records import (
    SUPERVISOR_KEY, UNIT_KEY, FormRecord, IdentityRecord, InboxRecord, TrustRecord, form_record, identity_record,
    inbox_record, trust_record)
from perfdesk.domain.lifecycle import Move, Status, approved_label
from perfdesk.store.statements import add_event, add_unit_row, form_row, keep_revision, stored_status, update_form
from perfdesk.store.tables import form_instances, identities, inbox, kept_packages, trusted_keys, units

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
        with self._tx(write=True) as conn:
            if conn.scalar(select(units.c.id).where(units.c.id == unit_id)) is None:
                raise StoreError(f"找不到编号为 {unit_id} 的单位")
            if conn.scalar(select(_I.id).where(_I.fingerprint == fingerprint)) is not None:
                raise StoreError("该密钥已保存在本机，无需重复导入")
            identity_id = conn.execute(insert(identities).values(
                unit_id=unit_id, fingerprint=fingerprint, cert_pem=cert_pem, key_pem=key_pem,
                source=source, not_after=not_after, created_at=now_utc(),
            )).inserted_primary_key[0]
            return identity_record(conn.execute(select(identities).where(_I.id == identity_id)).one())

    def identity_for_unit(self, unit_id: int) -> IdentityRecord | None:
        """The newest identity of the unit: a new key replaces the old one for signing."""
        with self._tx() as conn:
            row = conn.execute(select(identities).where(_I.unit_id == unit_id).order_by(_I.id.desc())).first()
            return None if row is None else identity_record(row)

    def replace_identity_key(self, identity_id: int, *, old_key_pem: str, key_pem: str) -> bool:
        """The same key encrypted afresh; only if the stored text is still old_key_pem."""
        with self._tx(write=True) as conn:
            return conn.execute(update(identities).where(_I.id == identity_id, _I.key_pem == old_key_pem)
                                .values(key_pem=key_pem)).rowcount == 1

    def identities(self) -> list[IdentityRecord]:
        with self._tx() as conn:
            return [identity_record(i) for i in conn.execute(select(identities).order_by(_I.id))]

    # --- trust registry ----------------------------------------------------------------

    def add_trusted_key(self, *, unit_code: str, unit_name: str, role: str, fingerprint: str,
                        cert_pem: str | None = None, source: str = "registration") -> TrustRecord:
        """Register a key; registering the same key for the same unit again changes nothing."""
        with self._tx(write=True) as conn:
            return trust_record(_trust(conn, unit_code=unit_code, unit_name=unit_name, role=role,
                                       fingerprint=fingerprint, cert_pem=cert_pem, source=source))

    def trusted_key(self, fingerprint: str) -> TrustRecord | None:
        with self._tx() as conn:
            row = _trusted(conn, fingerprint)
            return None if row is None else trust_record(row)

    def trusted_keys(self, unit_code: str | None = None) -> list[TrustRecord]:
        q = select(trusted_keys).order_by(_T.unit_code, _T.id)
        if unit_code is not None:
            q = q.where(_T.unit_code == unit_code)
        with self._tx() as conn:
            return [trust_record(t) for t in conn.execute(q)]

    def remove_trusted_key(self, fingerprint: str) -> bool:
        with self._tx(write=True) as conn:
            return conn.execute(delete(trusted_keys).where(_T.fingerprint == fingerprint)).rowcount > 0

    # --- forms travelling in packages ----------------------------------------------------

    def ensure_form_uid(self, form_instance_id: int, make: Callable[[], str] | None = None) -> str:
        """The form's uid, made now (by `make`, else a random UUID) if it has none yet."""
        with self._tx(write=True) as conn:
            form = form_row(conn, form_instance_id)
            if form.uid is not None:
                return form.uid
            uid = make() if make is not None else str(uuid.uuid4())
            update_form(conn, form.id, {"uid": uid})
            return uid

    def form_by_uid(self, uid: str) -> FormRecord | None:
        with self._tx() as conn:
            form = _form_by_uid(conn, uid)
            return None if form is None else form_record(form)

    def kept_package(self, form_instance_id: int, kind: str) -> bytes | None:
        """The newest package of this kind kept whole for the form (see kept_packages)."""
        with self._tx() as conn:
            return conn.scalar(select(kept_packages.c.payload)
                               .where(kept_packages.c.form_instance_id == form_instance_id,
                                      kept_packages.c.kind == kind)
                               .order_by(kept_packages.c.id.desc()))

    # --- inbox -------------------------------------------------------------------------

    def inbox(self, *, form_instance_id: int | None = None, limit: int | None = None) -> list[InboxRecord]:
        """Newest first."""
        q = select(inbox).order_by(_E.id.desc())
        if form_instance_id is not None:
            q = q.where(_E.form_instance_id == form_instance_id)
        if limit is not None:
            q = q.limit(limit)
        with self._tx() as conn:
            return [inbox_record(e) for e in conn.execute(q)]

    def imported_file(self, file_sha256: str) -> InboxRecord | None:
        """The inbox entry under which exactly this file was taken in, if it was."""
        with self._tx() as conn:
            row = conn.execute(select(inbox).where(_E.file_sha256 == file_sha256, _E.status.in_(_TAKEN))
                               .order_by(_E.id)).first()
            return None if row is None else inbox_record(row)

    def log_rejected(self, **entry) -> None:
        """Note a refused package; the same file refused for the same reason is noted once."""
        with self._tx(write=True) as conn:
            seen = conn.scalar(select(_E.id).where(_E.file_sha256 == entry["file_sha256"],
                                                   _E.status == REJECTED, _E.reason == entry["reason"]))
            if seen is None:
                _add_entry(conn, dict(entry, status=REJECTED))

    # --- receiving -----------------------------------------------------------------------

    def receive_form(self, *, unit: dict, form: dict, entry: dict, trust: dict | list[dict],
                     move: Callable[[Status | None], Move], events: list[dict] = (),
                     keep: bytes | None = None) -> Received:
        """Take in one form package atomically: the unit (if new), the form or its newer
        version (the old one kept as a revision), the signer's keys, the history and the inbox entry.

        form: form_id, form_version, year, title, data, amount, uid, version.
        move(status of the copy here, None if none) gives the lifecycle move (RECEIVE); events are
        entries of the history (add_event fields with "action", "actor" …) written before it.
        entry: inbox columns (file_sha256, file_name, data_sha256, signer…)."""
        text, amount = dump_json(form["data"]), dump_amount(form["amount"])
        with self._tx(write=True) as conn:
            existing = _form_by_uid(conn, form["uid"])
            step = move(None if existing is None else stored_status(existing))
            if existing is None:
                unit_id = conn.scalar(select(units.c.id).where(units.c.code == unit["code"]))
                if unit_id is None:
                    unit_id = add_unit_row(conn, unit)
                now = now_utc()
                target_id = conn.execute(insert(form_instances).values(
                    unit_id=unit_id, form_id=form["form_id"], form_version=form["form_version"],
                    year=form["year"], title=form["title"], status=step.target.value, data=text,
                    amount=amount, created_at=now, updated_at=now, uid=form["uid"],
                    package_version=form["version"],
                )).inserted_primary_key[0]
                refresh_figures(conn, target_id)
                outcome, status = "imported", IMPORTED
            else:
                verdict = _compare(conn, existing, unit["code"], form["version"], text, entry["data_sha256"])
                if verdict is not None:
                    return Received(verdict, existing.id, existing.package_version)
                if text != existing.data:
                    # An adjustment replaces an approved version: keep it findable (workflow.approved_revision).
                    approved = stored_status(existing) is Status.APPROVED
                    keep_revision(conn, existing, approved_label(existing.package_version) if approved else None)
                changes = {attr: form[attr] for attr in ("form_id", "form_version", "year", "title")}
                changes.update(status=step.target.value, data=text, amount=amount, package_version=form["version"],
                               deleted_at=None,  # a new submission comes back out of the recycle bin
                               updated_at=now_utc())
                update_form(conn, existing.id, changes)
                target_id = existing.id
                outcome, status = "updated", UPDATED
            for row in trust if isinstance(trust, list) else [trust]:
                _trust(conn, **row)
            source = None if existing is None else stored_status(existing)
            for fields in events:
                fields = dict(fields)
                add_event(conn, target_id, fields.pop("action"), source, source or step.target,
                          fields.pop("actor", None), **fields)
            add_event(conn, target_id, step.action, source, step.target, step.actor,
                      round=form.get("round"), package_version=form["version"],
                      actor_name=entry.get("signer_name"), detail=form.get("detail"))
            if keep is not None:
                _keep(conn, target_id, "form", form["version"], entry["file_sha256"], keep)
            _add_entry(conn, dict(entry, status=status, form_instance_id=target_id))
            return Received(outcome, target_id, form["version"])

    def receive_review(self, *, uid: str, version: int, signed_at: datetime, move: Callable[[Status], Move],
                       update: Callable[[dict], dict], entry: dict, trust: dict | list[dict],
                       event: dict, keep: bytes | None = None) -> Received:
        """Apply a reviewer's answer to version `version` of a form we sent up.

        move(status here) gives the lifecycle move (RESULT, or RELAY's); update(data) -> data gives the
        new document (the package layer fills the reviewed cells); event: the history entry's fields."""
        with self._tx(write=True) as conn:
            form = _form_by_uid(conn, uid)
            if form is None or form.package_version is None:
                return Received("unknown")
            if version != form.package_version:
                return Received("older" if version < form.package_version else "conflict",
                                form.id, form.package_version)
            last = conn.scalar(select(_E.signed_at)
                               .where(_E.form_instance_id == form.id, _E.kind.in_(("review", "relay")),
                                      _E.package_version == version, _E.status.in_(_TAKEN))
                               .order_by(_E.signed_at.desc()))
            if last is not None and aware_utc(last) >= signed_at:
                return Received("older", form.id, version)  # a later review already applied
            current = stored_status(form)
            step = move(current)
            text = dump_json(update(load_json(form.data)))
            changes = {"status": step.target.value, "updated_at": now_utc()}
            if text != form.data:
                keep_revision(conn, form)
                changes["data"] = text
            update_form(conn, form.id, changes)
            for row in trust if isinstance(trust, list) else [trust]:
                _trust(conn, **row)
            event = dict(event)
            add_event(conn, form.id, step.action, current, step.target, event.pop("actor", step.actor), **event)
            if keep is not None:
                _keep(conn, form.id, "review", version, entry["file_sha256"], keep)
            _add_entry(conn, dict(entry, status=IMPORTED, form_instance_id=form.id))
            return Received("imported", form.id, version)


_I, _T, _E = identities.c, trusted_keys.c, inbox.c


def _form_by_uid(conn: Connection, uid: str) -> Row | None:
    return conn.execute(select(form_instances).where(form_instances.c.uid == uid)).first()


def _trusted(conn: Connection, fingerprint: str) -> Row | None:
    return conn.execute(select(trusted_keys).where(_T.fingerprint == fingerprint)).first()


def _compare(conn: Connection, existing: Row, unit_code: str, version: int, text: str,
             data_sha256: str) -> str | None:
    """None when the package is newer than the kept form; else why nothing is written."""
    owner_code = conn.scalar(select(units.c.code).where(units.c.id == existing.unit_id))
    if owner_code != unit_code or existing.package_version is None:
        return "conflict"  # the uid belongs to another unit's form, or to one of our own
    if version < existing.package_version:
        return "older"
    if version > existing.package_version:
        return None
    kept = conn.scalar(select(_E.data_sha256)
                       .where(_E.form_instance_id == existing.id,
                              _E.package_version == version, _E.status.in_(_TAKEN))
                       .order_by(_E.id.desc()))
    same = kept == data_sha256 if kept is not None else text == existing.data
    return "duplicate" if same else "conflict"


def _trust(conn: Connection, *, unit_code: str, unit_name: str, role: str, fingerprint: str,
           cert_pem: str | None, source: str) -> Row:
    row = _trusted(conn, fingerprint)
    if row is None:
        conn.execute(insert(trusted_keys).values(unit_code=unit_code, unit_name=unit_name, role=role,
                                                 fingerprint=fingerprint, cert_pem=cert_pem, source=source,
                                                 added_at=now_utc()))
        return _trusted(conn, fingerprint)
    if row.unit_code == unit_code and (row.role, role) == (UNIT_KEY, SUPERVISOR_KEY):
        # A unit's key now also forwards as its 主管部门: the wider role keeps both.
        conn.execute(update(trusted_keys).where(_T.id == row.id).values(role=role))
        row = _trusted(conn, fingerprint)
    if row.unit_code != unit_code or (row.role != role and (row.role, role) != (SUPERVISOR_KEY, UNIT_KEY)):
        raise StoreError(f"该公钥已登记在单位 {row.unit_name}（{row.unit_code}）名下，不能再登记给 {unit_code}")
    if row.cert_pem is None and cert_pem is not None:
        # Registered by fingerprint alone: the first package brings the certificate and the name.
        conn.execute(update(trusted_keys).where(_T.id == row.id).values(cert_pem=cert_pem, unit_name=unit_name))
        return _trusted(conn, fingerprint)
    return row


def _keep(conn: Connection, form_instance_id: int, kind: str, version: int, sha: str, payload: bytes) -> None:
    conn.execute(insert(kept_packages).values(form_instance_id=form_instance_id, kind=kind, package_version=version,
                                              file_sha256=sha, payload=payload, kept_at=now_utc()))


def _add_entry(conn: Connection, fields: dict) -> None:
    conn.execute(insert(inbox).values(**_entry(fields)))


def _entry(fields: dict) -> dict:
    """The inbox row's columns; worked out last in a receiving transaction (tests make it fail there)."""
    detail = fields.pop("detail", None)
    return dict(fields, detail=None if detail is None else dump_json(detail), received_at=now_utc())
