"""The finance office's desk in the database (0006): its register of units, the rounds it sends
down (kept too at the unit that received them), the units' 空数据说明, and the facts the
报送情况 matrix is built from — each method one short transaction, like Store's.

OfficeStore wraps a Store and runs inside its transactions (Store._tx), so `store.atomic()`
covers these writes too."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update

from perfdesk.domain.lifecycle import Action, parse_status
from perfdesk.domain.tasks import Deadline, EmptyFact, FormFact, UnitEntry, contact_of
from perfdesk.store.codec import aware_utc, load_json, now_utc
from perfdesk.store.store_errors import StoreError
from perfdesk.store.packages import IMPORTED, UPDATED, _add_entry
from perfdesk.store.tables import empty_statements, form_events, form_instances, office_units, tasks, units

_U, _T, _S, _F, _EV = office_units.c, tasks.c, empty_statements.c, form_instances.c, form_events.c


@dataclass(frozen=True)
class TaskRecord:
    id: int
    uid: str
    origin: str  # own | received
    year: int
    title: str
    note: str
    office_code: str
    office_name: str
    issued_on: dt.date
    deadlines: dict[str, Deadline]
    unit_codes: tuple[str, ...]
    version: int

    def due(self, form_id: str) -> dt.date:
        return self.deadlines[form_id].due


def _task(row) -> TaskRecord:
    deadlines = {k: Deadline(dt.date.fromisoformat(v["due"]), v["source"]) for k, v in json.loads(row.deadlines).items()}
    return TaskRecord(row.id, row.uid, row.origin, row.year, row.title, row.note or "", row.office_code,
                      row.office_name, dt.date.fromisoformat(row.issued_on), deadlines,
                      tuple(json.loads(row.unit_codes)), row.version)


def _entry(row) -> UnitEntry:
    return UnitEntry(row.code, row.name, row.supervisor_code, row.supervisor_name, row.contact or "", row.phone or "")


def _local_day(value) -> dt.date | None:
    """A stored UTC time as the office's calendar day (deadlines are days where the office is)."""
    return None if value is None else aware_utc(value).astimezone().date()


class _LocalDays:
    """_local_day for many times: the local offset looked up once per UTC day (a shift of clocks
    inside a day moves a time by an hour, never a receipt across a deadline's day by more)."""

    def __init__(self) -> None:
        self.offsets: dict[dt.date, dt.timedelta] = {}

    def __call__(self, value) -> dt.date | None:
        if value is None:
            return None
        if value.tzinfo is not None:  # PostgreSQL gives aware times, in the session's zone
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        day = value.date()
        offset = self.offsets.get(day)
        if offset is None:
            noon = dt.datetime.combine(day, dt.time(12), tzinfo=dt.timezone.utc)
            offset = self.offsets[day] = noon.astimezone().utcoffset()
        return (value + offset).date()


class OfficeStore:
    def __init__(self, store) -> None:
        self.store = store

    def _tx(self, *, write: bool = False):
        return self.store._tx(write=write)

    def own_unit(self):
        """This installation's own unit: the one set up here, else the only one with a signing key,
        else the only unit; None when it cannot be told."""
        from perfdesk.store.store import SETTING_UNIT_ID

        store = self.store
        units = store.units()
        unit_id = store.get_setting(SETTING_UNIT_ID)
        own = next((u for u in units if u.id == unit_id), None)
        if own is None:
            keyed = {i.unit_id for i in store.identities()}
            own = next((u for u in units if u.id in keyed), None) if len(keyed) == 1 else None
        if own is None and len(units) == 1:
            own = units[0]
        return own

    # --- the register of units ------------------------------------------------------------

    def import_units(self, entries: list[UnitEntry]) -> tuple[int, int]:
        """Add or update the register by code, all in one transaction; (added, updated)."""
        added = changed = 0
        with self._tx(write=True) as conn:
            known = set(conn.scalars(select(_U.code)))
            for e in entries:
                values = dict(name=e.name, supervisor_code=e.supervisor_code, supervisor_name=e.supervisor_name,
                              contact=e.contact or None, phone=e.phone or None)
                if e.code in known:
                    conn.execute(update(office_units).where(_U.code == e.code).values(**values))
                    changed += 1
                else:
                    conn.execute(insert(office_units).values(code=e.code, added_at=now_utc(), **values))
                    known.add(e.code)
                    added += 1
        return added, changed

    def units(self, codes: list[str] | tuple[str, ...] | None = None) -> list[UnitEntry]:
        q = select(office_units).order_by(_U.supervisor_code, _U.code)
        with self._tx() as conn:
            found = [_entry(r) for r in conn.execute(q)]
        if codes is None:
            return found
        wanted = set(codes)
        return [u for u in found if u.code in wanted]

    # --- rounds ------------------------------------------------------------------------------

    def add_task(self, *, uid: str, year: int, title: str, note: str, office_code: str, office_name: str,
                 issued_on: dt.date, deadlines: dict[str, Deadline], unit_codes: list[str]) -> TaskRecord:
        with self._tx(write=True) as conn:
            task_id = conn.execute(insert(tasks).values(
                uid=uid, origin="own", year=year, title=title, note=note or None, office_code=office_code,
                office_name=office_name, issued_on=issued_on.isoformat(), deadlines=_deadlines_json(deadlines),
                unit_codes=json.dumps(list(unit_codes), ensure_ascii=False), version=1, created_at=now_utc(),
            )).inserted_primary_key[0]
            return _task(conn.execute(select(tasks).where(_T.id == task_id)).one())

    def change_task(self, task_id: int, *, new_version: bool, year: int, title: str, note: str,
                    issued_on: dt.date, deadlines: dict[str, Deadline], unit_codes: list[str]) -> TaskRecord:
        """A round of this office's own changed in place; `new_version` when the old one was already
        sent down (units take the newer version in place of theirs)."""
        with self._tx(write=True) as conn:
            row = conn.execute(select(tasks).where(_T.id == task_id)).first()
            if row is None or row.origin != "own":
                raise StoreError(f"编号为 {task_id} 的任务不是本机下发的，不能修改")
            conn.execute(update(tasks).where(_T.id == task_id).values(
                year=year, title=title, note=note or None, issued_on=issued_on.isoformat(),
                deadlines=_deadlines_json(deadlines), unit_codes=json.dumps(list(unit_codes), ensure_ascii=False),
                version=row.version + 1 if new_version else row.version))
            return _task(conn.execute(select(tasks).where(_T.id == task_id)).one())

    def tasks(self, origin: str | None = None) -> list[TaskRecord]:
        q = select(tasks).order_by(_T.year.desc(), _T.id.desc())
        if origin:
            q = q.where(_T.origin == origin)
        with self._tx() as conn:
            return [_task(r) for r in conn.execute(q)]

    def task(self, task_id: int) -> TaskRecord:
        with self._tx() as conn:
            row = conn.execute(select(tasks).where(_T.id == task_id)).first()
        if row is None:
            raise StoreError(f"找不到编号为 {task_id} 的任务，请用 perfdesk task list 查看")
        return _task(row)

    def task_by_uid(self, uid: str) -> TaskRecord | None:
        with self._tx() as conn:
            row = conn.execute(select(tasks).where(_T.uid == uid)).first()
        return None if row is None else _task(row)

    def receive_task(self, fields: dict, entry: dict) -> str:
        """A task package at a unit, with its inbox entry, in one transaction: 'imported', 'updated'
        (a newer version of the round) or 'older'."""
        with self._tx(write=True) as conn:
            row = conn.execute(select(tasks).where(_T.uid == fields["uid"])).first()
            values = dict(fields, deadlines=_deadlines_json(fields["deadlines"]),
                          unit_codes=json.dumps(list(fields["unit_codes"]), ensure_ascii=False),
                          issued_on=fields["issued_on"].isoformat(), origin="received")
            if row is None:
                conn.execute(insert(tasks).values(**values, created_at=now_utc()))
                outcome = "imported"
            elif row.version < fields["version"]:
                conn.execute(update(tasks).where(_T.id == row.id).values(**values))
                outcome = "updated"
            else:
                return "older"
            _add_entry(conn, dict(entry, status=IMPORTED if outcome == "imported" else UPDATED))
            return outcome

    # --- 空数据说明 ----------------------------------------------------------------------------

    def empty_statement(self, task_uid: str, unit_code: str, form_id: str) -> dict | None:
        with self._tx() as conn:
            row = conn.execute(select(empty_statements).where(
                _S.task_uid == task_uid, _S.unit_code == unit_code, _S.form_id == form_id)).first()
        return None if row is None else dict(row._mapping)

    def receive_empty(self, fields: dict, entry: dict, *, keep_existing: bool) -> tuple[str, int | None]:
        """A unit's 空数据说明 with its inbox entry: ('imported' | 'updated' | 'kept' | 'older', the
        version that was here before). A newer version replaces the older one unless `keep_existing`."""
        with self._tx(write=True) as conn:
            row = conn.execute(select(empty_statements).where(
                _S.task_uid == fields["task_uid"], _S.unit_code == fields["unit_code"],
                _S.form_id == fields["form_id"])).first()
            if row is not None:
                if row.version >= fields["version"]:
                    return "older", row.version
                if keep_existing:
                    return "kept", row.version
                conn.execute(delete(empty_statements).where(_S.id == row.id))
            conn.execute(insert(empty_statements).values(**{"received_at": now_utc(), **fields}))
            _add_entry(conn, dict(entry, status=IMPORTED if row is None else UPDATED))
            return ("imported" if row is None else "updated"), None if row is None else row.version

    def empties(self, task_uid: str) -> list[EmptyFact]:
        with self._tx() as conn:
            rows = conn.execute(select(_S.unit_code, _S.form_id, _S.received_at, _S.reason)
                                .where(_S.task_uid == task_uid)).all()
        return [EmptyFact(r.unit_code, r.form_id, _local_day(r.received_at), r.reason) for r in rows]

    # --- facts for the matrix --------------------------------------------------------------

    def form_facts(self, year: int, kinds: list[str] | tuple[str, ...]) -> list[FormFact]:
        """Every form of the round's year and kinds at this office (not in the recycle bin), its
        unit's code, its status and the day it was first handed in: its first 收到报送 (or 报送,
        where this copy was also the sender's, as a 主管部门's own forms are)."""
        in_round = (_F.year == year, _F.form_id.in_(list(kinds)), _F.deleted_at.is_(None))
        first = (select(func.min(_EV.at)).where(_EV.form_instance_id == _F.id,
                                                _EV.action.in_((Action.RECEIVE.value, Action.SUBMIT.value)))
                 .scalar_subquery())
        per_form = (select(units.c.code.label("code"), _F.form_id.label("form_id"), _F.status.label("status"),
                           first.label("at"))
                    .select_from(form_instances.join(units, units.c.id == _F.unit_id)).where(*in_round).subquery())
        # one row per unit, kind and status (a few thousand, not one per form): the count says how many forms
        q = (select(per_form.c.code, per_form.c.form_id, per_form.c.status, func.count(), func.min(per_form.c.at))
             .group_by(per_form.c.code, per_form.c.form_id, per_form.c.status))
        with self._tx() as conn:
            rows = conn.execute(q).all()
        local, statuses = _LocalDays(), {}
        facts = []
        for code, form_id, status, count, at in rows:
            known = statuses.get(status)
            if known is None:
                known = statuses[status] = parse_status(status)
            facts.extend([FormFact(code, form_id, known, local(at))] * count)
        return facts

    def last_contacts(self, unit_codes: list[str]) -> dict[str, tuple[str, str]]:
        """Whom to call at each unit: from the unit's most recently changed form that names someone."""
        if not unit_codes:
            return {}
        found: dict[str, tuple[str, str]] = {}
        q = (select(units.c.code, _F.data).select_from(form_instances.join(units, units.c.id == _F.unit_id))
             .where(units.c.code.in_(list(unit_codes)), _F.deleted_at.is_(None))
             .order_by(units.c.code, _F.updated_at.desc()))
        with self._tx() as conn:
            for code, data in conn.execute(q):
                if code in found:
                    continue
                try:
                    contact = contact_of(load_json(data))
                except ValueError:
                    continue  # a damaged document: `perfdesk list` names it; try the next form
                if contact:
                    found[code] = contact
        return found

    def date_receipts(self, form_instance_id: int, when: dt.datetime) -> None:
        """Date a form's history at `when` (the demo's forms arrived on the days the round ran)."""
        with self._tx(write=True) as conn:
            conn.execute(update(form_events).where(_EV.form_instance_id == form_instance_id).values(at=when))


def _deadlines_json(deadlines: dict[str, Deadline]) -> str:
    return json.dumps({k: d.as_json() for k, d in deadlines.items()}, ensure_ascii=False, sort_keys=True)


def board_for(office: OfficeStore, task: TaskRecord, today: dt.date):
    """The 报送情况 matrix of `task` as of `today`."""
    from perfdesk.domain.tasks import build_board

    kinds = list(task.deadlines)
    return build_board(office.units(task.unit_codes), {k: task.due(k) for k in kinds},
                       office.form_facts(task.year, kinds), office.empties(task.uid), today)

