"""Plain frozen records handed to callers, so no caller ever holds an ORM object or session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .codec import aware_utc, load_amount, load_json
from .models import FormInstance, Revision, Unit


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
    status: str
    data: dict
    amount: Decimal | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


@dataclass(frozen=True)
class RevisionRecord:
    id: int
    form_instance_id: int
    saved_at: datetime
    title: str
    data: dict


def unit_record(u: Unit) -> UnitRecord:
    return UnitRecord(
        id=u.id, name=u.name, code=u.code, supervisor_name=u.supervisor_name,
        supervisor_code=u.supervisor_code, region=u.region, level=u.level,
        profile=u.profile, created_at=aware_utc(u.created_at),
    )


def form_record(f: FormInstance) -> FormRecord:
    return FormRecord(
        id=f.id, unit_id=f.unit_id, form_id=f.form_id, form_version=f.form_version,
        year=f.year, title=f.title, status=f.status, data=load_json(f.data),
        amount=load_amount(f.amount), created_at=aware_utc(f.created_at),
        updated_at=aware_utc(f.updated_at), deleted_at=aware_utc(f.deleted_at),
    )


def revision_record(r: Revision) -> RevisionRecord:
    return RevisionRecord(
        id=r.id, form_instance_id=r.form_instance_id, saved_at=aware_utc(r.saved_at),
        title=r.title, data=load_json(r.data),
    )
