"""Plain frozen records handed to callers, so no caller ever holds a database row or connection.

The *_record functions take a Core row of the table's columns, by attribute."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from perfdesk.domain.lifecycle import Action, Actor, Status, parse_status
from perfdesk.store.codec import aware_utc, load_amount, load_json
from perfdesk.store.store_errors import DamagedFormError


@dataclass(frozen=True)
class UnitRecord:
    id: int
    name: str
    code: str
    supervisor_name: str
    supervisor_code: str
    region: str
    level: str
    profile: str
    created_at: datetime


@dataclass(frozen=True)
class FormRecord:
    id: int
    unit_id: int
    form_id: str
    form_version: int
    year: int
    title: str
    status: Status
    data: dict
    amount: Decimal | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    # Set once the form travels in a package (0002); defaults keep older callers working.
    uid: str | None = None
    package_version: int | None = None
    # Counted up by every change of content, and who made the last one (0005).
    version: int = 1
    updated_by: str | None = None


@dataclass(frozen=True)
class FormSummary:
    """A form as a list shows it: every FormRecord field but the document (`data`)."""

    id: int
    unit_id: int
    form_id: str
    form_version: int
    year: int
    title: str
    status: Status
    amount: Decimal | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    uid: str | None
    package_version: int | None
    version: int = 1
    updated_by: str | None = None


# The columns a FormSummary is read from, in its field order (never the document).
SUMMARY_COLUMNS = ("id", "unit_id", "form_id", "form_version", "year", "title", "status", "amount",
                   "created_at", "updated_at", "deleted_at", "uid", "package_version", "version", "updated_by")


@dataclass(frozen=True)
class RevisionRecord:
    id: int
    form_instance_id: int
    saved_at: datetime
    title: str
    data: dict
    label: str | None = None  # e.g. 审核通过的第 3 版: a version worth finding again
    damaged: bool = False  # its stored text is not a JSON document (data is then {})
    form_version: int | None = None  # the form version it was written under (None: kept before 0008)


@dataclass(frozen=True)
class EventRecord:
    """One move in a form's history (form_events)."""

    id: int
    form_instance_id: int
    at: datetime
    action: Action
    source: Status | None
    target: Status
    actor: Actor | None
    actor_name: str | None
    round: str | None
    package_version: int | None
    opinion: str | None
    letter: str | None
    detail: dict


def unit_record(u) -> UnitRecord:
    return UnitRecord(
        id=u.id, name=u.name, code=u.code, supervisor_name=u.supervisor_name,
        supervisor_code=u.supervisor_code, region=u.region, level=u.level,
        profile=u.profile, created_at=aware_utc(u.created_at),
    )


def _document(text) -> dict | None:
    """The stored JSON document, or None when the text is not one (a damaged row)."""
    try:
        value = load_json(text)
    except (ValueError, TypeError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def form_record(f) -> FormRecord:
    """DamagedFormError, naming the form, when its document or amount cannot be read."""
    data = _document(f.data)
    if data is None:
        raise DamagedFormError(f.id, f.title, "data")
    try:
        amount = load_amount(f.amount)
    except (ArithmeticError, TypeError, ValueError):  # decimal.InvalidOperation is an ArithmeticError
        raise DamagedFormError(f.id, f.title, "amount") from None
    return FormRecord(
        id=f.id, unit_id=f.unit_id, form_id=f.form_id, form_version=f.form_version,
        year=f.year, title=f.title, status=parse_status(f.status), data=data,
        amount=amount, created_at=aware_utc(f.created_at),
        updated_at=aware_utc(f.updated_at), deleted_at=aware_utc(f.deleted_at),
        uid=f.uid, package_version=f.package_version, version=f.version, updated_by=f.updated_by,
    )


def form_summary(row) -> FormSummary:
    """From a row of SUMMARY_COLUMNS (an ORM object or a Core row)."""
    return FormSummary(
        id=row.id, unit_id=row.unit_id, form_id=row.form_id, form_version=row.form_version,
        year=row.year, title=row.title, status=parse_status(row.status), amount=load_amount(row.amount),
        created_at=aware_utc(row.created_at), updated_at=aware_utc(row.updated_at),
        deleted_at=aware_utc(row.deleted_at), uid=row.uid, package_version=row.package_version,
        version=row.version, updated_by=row.updated_by,
    )


def revision_record(r) -> RevisionRecord:
    data = _document(r.data)
    return RevisionRecord(
        id=r.id, form_instance_id=r.form_instance_id, saved_at=aware_utc(r.saved_at),
        title=r.title, data=data or {}, damaged=data is None, label=r.label, form_version=r.form_version,
    )


def event_record(e) -> EventRecord:
    return EventRecord(
        id=e.id, form_instance_id=e.form_instance_id, at=aware_utc(e.at), action=_known(Action, e.action),
        source=None if e.source is None else parse_status(e.source), target=parse_status(e.target),
        actor=None if e.actor is None else _known(Actor, e.actor), actor_name=e.actor_name, round=e.round,
        package_version=e.package_version, opinion=e.opinion, letter=e.letter,
        detail={} if e.detail is None else load_json(e.detail),
    )


def _known(enum, value):
    try:
        return enum(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class IdentityRecord:
    id: int
    unit_id: int
    fingerprint: str
    cert_pem: str
    key_pem: str
    source: str
    not_after: datetime
    created_at: datetime


# The role a trusted key is registered for (TrustRecord.role): the packages its holder may sign.
UNIT_KEY, SUPERVISOR_KEY, OFFICE_KEY = "unit", "supervisor", "office"
KEY_ROLE_NAMES = {UNIT_KEY: "单位", SUPERVISOR_KEY: "主管部门", OFFICE_KEY: "财政部门"}


@dataclass(frozen=True)
class TrustRecord:
    id: int
    unit_code: str
    unit_name: str
    role: str
    fingerprint: str
    cert_pem: str | None
    source: str
    added_at: datetime


@dataclass(frozen=True)
class InboxRecord:
    id: int
    file_sha256: str
    file_name: str
    kind: str | None
    status: str
    reason: str
    unit_code: str | None
    signer_name: str | None
    signer_fingerprint: str | None
    form_uid: str | None
    package_version: int | None
    data_sha256: str | None
    signed_at: datetime | None
    detail: dict | None
    form_instance_id: int | None
    received_at: datetime


def identity_record(i) -> IdentityRecord:
    return IdentityRecord(
        id=i.id, unit_id=i.unit_id, fingerprint=i.fingerprint, cert_pem=i.cert_pem,
        key_pem=i.key_pem, source=i.source, not_after=aware_utc(i.not_after),
        created_at=aware_utc(i.created_at),
    )


def trust_record(t) -> TrustRecord:
    return TrustRecord(
        id=t.id, unit_code=t.unit_code, unit_name=t.unit_name, role=t.role,
        fingerprint=t.fingerprint, cert_pem=t.cert_pem, source=t.source,
        added_at=aware_utc(t.added_at),
    )


def inbox_record(e) -> InboxRecord:
    return InboxRecord(
        id=e.id, file_sha256=e.file_sha256, file_name=e.file_name, kind=e.kind, status=e.status,
        reason=e.reason, unit_code=e.unit_code, signer_name=e.signer_name,
        signer_fingerprint=e.signer_fingerprint, form_uid=e.form_uid,
        package_version=e.package_version, data_sha256=e.data_sha256,
        signed_at=aware_utc(e.signed_at), detail=None if e.detail is None else _document(e.detail),
        form_instance_id=e.form_instance_id, received_at=aware_utc(e.received_at),
    )
