"""Store: every public method is one short transaction returning plain records.

SQLAlchemy Core only, on the tables of tables.py: each method is a handful of explicit statements,
and opening the app never pays for importing sqlalchemy.orm."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from perfdesk.domain.lifecycle import (
    Action, Move, Role, Status, TransitionRefused, after_save, check_editable, role_of)
from perfdesk.store.clerk import clerk_name
from perfdesk.store.codec import aware_utc, dump_amount, dump_json, dump_value, load_value, now_utc
from perfdesk.store.engine import (
    at_head, default_url, migrate, open_engine, read_only_file, reason, shown, sqlite_file, wal_checkpoint)
from perfdesk.store.store_errors import DamagedFormError, FormConflict, StoreError
from perfdesk.store.figure_store import FigureStore, forget_figures, refresh_figures, rename_unit, settle
from perfdesk.store.packages import PackageStore
from perfdesk.store.records import (
    SUMMARY_COLUMNS, EventRecord, FormRecord, FormSummary, RevisionRecord, UnitRecord, event_record, form_record,
    form_summary, revision_record, unit_record)
from perfdesk.store.statements import add_event, add_unit_row, keep_revision, stored_status
from perfdesk.store.statements import form_row as _form
from perfdesk.store.statements import unit_row as _unit
from perfdesk.store.statements import update_form as _update_form
from perfdesk.store.tables import form_events, form_instances, revisions, settings, units

UNIT_FIELDS = frozenset(
    {"name", "code", "supervisor_name", "supervisor_code", "region", "level", "profile"}
)

# Documented settings (get_setting / set_setting); other keys may hold any JSON-safe value.
SETTING_UNIT_ID = "unit_id"  # int: this installation's own unit, the one whose clerk uses this copy
SETTING_ROLE = "role"  # a lifecycle.Role's value; read it as a Role through Store.role()
_KEY_MAX = 100  # settings.key is String(100)

_F = form_instances.c
_SUMMARY = [_F[name] for name in SUMMARY_COLUMNS]


class Store(PackageStore, FigureStore):
    """Forms and units here; package identities, trust and inbox in packages.PackageStore; the 汇总's
    queries in figures.FigureStore."""

    def __init__(self, url: str | None = None, *, clerk: str | None = None) -> None:
        self.url = url or default_url()
        self.clerk = clerk or clerk_name()  # recorded beside each version this store writes
        read_only = read_only_file(self.url)
        self.read_only = read_only is not None
        self._atomic: tuple[int, Connection] | None = None  # see atomic()
        self._reader, self._writer = open_engine(self.url, read_only)
        self._wal = read_only is None and sqlite_file(self.url) is not None  # an SQLite file in WAL mode
        try:
            if self.read_only and not at_head(self._reader):
                raise StoreError(f"数据库 {shown(self.url)} 是只读的，且由较早版本的 PerfDesk 写成，须升级后才能打开；"
                                 "请把它复制到可写的位置后再打开")
            migrate(self._writer, self.url, reader=self._reader)
        except BaseException:
            self._reader.dispose()
            raise

    @property
    def engine(self) -> Engine:
        """The underlying engine, for diagnostics and backups; not for business queries."""
        return self._reader

    def checkpoint(self) -> None:
        """The saved forms into the SQLite file itself (see engine.wal_checkpoint); the app calls it when
        idle. Cheap when nothing was written since; nothing to do for a server or a read-only file."""
        if self._wal:
            wal_checkpoint(self._writer)

    def close(self) -> None:
        if self._wal:
            wal_checkpoint(self._writer)
        self._reader.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Every store call made inside, on this thread, is one write transaction: all or nothing
        (a failure or a killed process inside leaves the database as it was before)."""
        if self._atomic is not None and self._atomic[0] == threading.get_ident():
            yield  # already inside: the outer block decides
            return
        with self._tx(write=True) as conn:
            self._atomic = (threading.get_ident(), conn)
            try:
                yield
            finally:
                self._atomic = None

    @contextmanager
    def _tx(self, *, write: bool = False) -> Iterator[Connection]:
        # Translate driver errors once here, so callers only ever see StoreError.
        if write and self.read_only:
            raise StoreError(f"数据库 {shown(self.url)} 是只读的（文件或所在文件夹不可写），只能查看和导出；"
                             "如需修改，请把它复制到可写的位置，用 --db 指定复制后的文件")
        outer = self._atomic
        try:
            if outer is not None and outer[0] == threading.get_ident():
                yield outer[1]  # inside atomic(): its transaction, reads included (they see its writes)
                return
            with (self._writer if write else self._reader).begin() as conn:
                yield conn
        except IntegrityError as exc:
            raise StoreError(f"数据不符合数据库约束：{reason(exc)}") from exc
        except SQLAlchemyError as exc:
            raise StoreError(f"数据库 {shown(self.url)} 操作失败：{reason(exc)}") from exc

    # --- units -------------------------------------------------------------------------

    def add_unit(self, *, name: str, code: str, supervisor_name: str, supervisor_code: str,
                 region: str, level: str, profile: str) -> UnitRecord:
        with self._tx(write=True) as conn:
            _check_code_free(conn, code, None)
            unit_id = add_unit_row(conn, dict(name=name, code=code, supervisor_name=supervisor_name,
                                              supervisor_code=supervisor_code, region=region, level=level,
                                              profile=profile))
            return unit_record(_unit(conn, unit_id))

    def update_unit(self, unit_id: int, **fields: str) -> UnitRecord:
        unknown = set(fields) - UNIT_FIELDS
        if unknown:
            raise TypeError(f"update_unit() got unknown fields: {sorted(unknown)}")
        with self._tx(write=True) as conn:
            _unit(conn, unit_id)
            if "code" in fields:
                _check_code_free(conn, fields["code"], unit_id)
            if fields:
                conn.execute(update(units).where(units.c.id == unit_id).values(**fields))
                rename_unit(conn, unit_id)
            return unit_record(_unit(conn, unit_id))

    def get_unit(self, unit_id: int) -> UnitRecord:
        with self._tx() as conn:
            return unit_record(_unit(conn, unit_id))

    def units(self) -> list[UnitRecord]:
        with self._tx() as conn:
            return [unit_record(u) for u in conn.execute(select(units).order_by(units.c.id))]

    def unit_by_code(self, code: str) -> UnitRecord | None:
        with self._tx() as conn:
            unit = conn.execute(select(units).where(units.c.code == code)).first()
            return None if unit is None else unit_record(unit)

    # --- forms -------------------------------------------------------------------------

    def create_form(self, *, unit_id: int, form_id: str, form_version: int, year: int,
                    title: str, data: dict, amount: Decimal | None = None,
                    status: Status = Status.DRAFT) -> FormRecord:
        text, amount_text = dump_json(data), dump_amount(amount)  # refuse bad input before I/O
        status = Status(status)
        with self._tx(write=True) as conn:
            _unit(conn, unit_id)
            now = now_utc()
            form_instance_id = conn.execute(insert(form_instances).values(
                unit_id=unit_id, form_id=form_id, form_version=form_version, year=year, title=title,
                status=status.value, data=text, amount=amount_text, created_at=now, updated_at=now,
                updated_by=self.clerk,
            )).inserted_primary_key[0]
            refresh_figures(conn, form_instance_id)
            return form_record(_form(conn, form_instance_id))

    def get_form(self, form_instance_id: int) -> FormRecord:
        with self._tx() as conn:
            return form_record(_form(conn, form_instance_id))

    def get_summary(self, form_instance_id: int) -> FormSummary:
        """The form without its document: readable even when the document is damaged."""
        with self._tx() as conn:
            row = conn.execute(select(*_SUMMARY).where(_F.id == form_instance_id)).first()
            if row is None:
                raise StoreError(f"找不到编号为 {form_instance_id} 的表单")
            return form_summary(row)

    def save_form(self, form_instance_id: int, *, data: dict, title: str | None = None,
                  amount: Decimal | None = None, has_errors: bool | None = None,
                  based_on: int | None = None) -> bool:
        """Write a new version; returns True if data changed (and a revision was kept).

        The form must be editable in its stored status (lifecycle.EDITABLE), read inside the same
        transaction, so a review imported meanwhile is never overwritten. `has_errors` moves 草稿 and
        已校验 with the checks (None: the status stays). None for title/amount means "leave as is".
        based_on is the version (FormRecord.version) the caller edited: if the stored form is newer,
        FormConflict is raised and nothing written."""
        text = dump_json(data)
        amount_text = dump_amount(amount)
        with self._tx(write=True) as conn:
            form, current = _editable(conn, form_instance_id, based_on)
            status = current if has_errors is None else after_save(current, has_errors)
            changes: dict[str, Any] = {}
            changed = text != form.data
            if changed:
                keep_revision(conn, form)
                changes["data"] = text
            for attr, value in (("title", title), ("amount", amount_text), ("status", status.value)):
                if value is not None and getattr(form, attr) != value:
                    changes[attr] = value
            if changes:
                changes["updated_at"] = now_utc()
                changes["updated_by"] = self.clerk
                _update_form(conn, form.id, changes)
            return changed

    def change_form_version(self, form_instance_id: int, *, data: dict, form_version: int,
                            amount: Decimal | None, label: str, based_on: int | None = None,
                            title: str | None = None, has_errors: bool | None = None) -> FormRecord:
        """Write the document as another form version has it (an upgrade, or a restore of the content kept
        before one): document and version change together, the replaced content kept as a revision
        labelled `label`. Refused as save_form refuses (a frozen status, a newer version meanwhile)."""
        text, amount_text = dump_json(data), dump_amount(amount)
        with self._tx(write=True) as conn:
            form, current = _editable(conn, form_instance_id, based_on)
            keep_revision(conn, form, label)
            status = current if has_errors is None else after_save(current, has_errors)
            changes: dict[str, Any] = {"data": text, "form_version": form_version, "amount": amount_text,
                                       "status": status.value, "updated_at": now_utc(), "updated_by": self.clerk}
            if title is not None:
                changes["title"] = title
            _update_form(conn, form.id, changes)
            return form_record(_form(conn, form.id))

    def transition(self, form_instance_id: int, move: Move, *, data: dict | None = None,
                   revision_label: str | None = None, **event: Any) -> FormRecord:
        """Take one lifecycle move: the stored status must still be the move's source (read in the
        same transaction); the status, the document if given (the old one kept as a revision,
        labelled if asked) and the history entry are written together.

        event: actor_name, round, package_version, opinion, letter, detail (see form_events)."""
        text = None if data is None else dump_json(data)
        with self._tx(write=True) as conn:
            form = _form(conn, form_instance_id)
            current = stored_status(form)
            if current is not move.source:
                raise TransitionRefused(f"表单 {form.id}“{form.title}”的状态已是“{current.display}”，"
                                        f"不能再“{move.action.label}”")
            changes: dict[str, Any] = {"status": move.target.value, "updated_at": now_utc(), "updated_by": self.clerk}
            if event.get("package_version") is not None and move.action is Action.SUBMIT:
                changes["package_version"] = event["package_version"]
            if revision_label is not None or (text is not None and text != form.data):
                keep_revision(conn, form, revision_label)
            if text is not None and text != form.data:
                changes["data"] = text
            _update_form(conn, form.id, changes)
            if move.recorded:
                add_event(conn, form.id, move.action, move.source, move.target, move.actor, **event)
            return form_record(_form(conn, form.id))

    def note_event(self, form_instance_id: int, action: Action, **event: Any) -> None:
        """Keep a step that moves nothing (导出打印) in the form's history."""
        with self._tx(write=True) as conn:
            form = _form(conn, form_instance_id)
            status = stored_status(form)
            add_event(conn, form.id, action, status, status, None, **event)

    def events(self, form_instance_id: int) -> list[EventRecord]:
        """The form's history, oldest first."""
        with self._tx() as conn:
            rows = conn.execute(select(form_events).where(form_events.c.form_instance_id == form_instance_id)
                                .order_by(form_events.c.id))
            return [event_record(e) for e in rows]

    def list_forms(self, *, year: int | None = None, form_id: str | None = None,
                   deleted: bool = False, damaged: list[DamagedFormError] | None = None) -> list[FormRecord]:
        """Live forms, or with deleted=True only the recycle bin; newest first.

        A form whose stored document cannot be read raises DamagedFormError, unless a `damaged`
        list is given: then it is left out of the answer and its error appended there."""
        q = _listed(select(form_instances), year, form_id, deleted)
        found = []
        with self._tx() as conn:
            for row in conn.execute(q):
                try:
                    found.append(form_record(row))
                except DamagedFormError as exc:
                    if damaged is None:
                        raise
                    damaged.append(exc)
        return found

    def list_summaries(self, *, year: int | None = None, form_id: str | None = None,
                       deleted: bool = False) -> list[FormSummary]:
        """As list_forms, without the documents: their column is never read nor decoded."""
        q = _listed(select(*_SUMMARY), year, form_id, deleted)
        with self._tx() as conn:
            return [form_summary(row) for row in conn.execute(q)]

    def delete_form(self, form_instance_id: int) -> None:
        """Move to the recycle bin; deleting twice keeps the first deletion time."""
        with self._tx(write=True) as conn:
            form = _form(conn, form_instance_id)
            if form.deleted_at is None:
                _update_form(conn, form.id, {"deleted_at": now_utc()})

    def restore_form(self, form_instance_id: int) -> None:
        with self._tx(write=True) as conn:
            _form(conn, form_instance_id)
            _update_form(conn, form_instance_id, {"deleted_at": None})

    def purge_form(self, form_instance_id: int) -> None:
        """Delete for good; the database cascades the revisions (foreign_keys=ON)."""
        with self._tx(write=True) as conn:
            _form(conn, form_instance_id)
            key = forget_figures(conn, form_instance_id)
            conn.execute(delete(form_instances).where(_F.id == form_instance_id))
            settle(conn, key)  # another form of the same project may count again

    def revisions(self, form_instance_id: int) -> list[RevisionRecord]:
        with self._tx() as conn:
            rows = conn.execute(select(revisions)
                                .where(revisions.c.form_instance_id == form_instance_id)
                                .order_by(revisions.c.id))  # insertion order survives clock changes
            return [revision_record(r) for r in rows]

    def years(self) -> list[int]:
        with self._tx() as conn:
            rows = conn.scalars(select(_F.year).distinct()
                                .where(_F.deleted_at.is_(None))
                                .order_by(_F.year.desc()))
            return list(rows)

    # --- settings ----------------------------------------------------------------------

    def get_setting(self, key: str, default: Any = None) -> Any:
        """The value stored under key, or default when it was never set (or was set to None)."""
        _check_key(key)
        with self._tx() as conn:
            text = conn.scalar(select(settings.c.value).where(settings.c.key == key))
        if text is None:
            return default
        try:
            return load_value(text)
        except (ValueError, RecursionError) as exc:
            raise StoreError(f"数据库中的设置 {key} 已损坏（不是有效的 JSON），请在设置中重新填写该项") from exc

    def role(self) -> Role:
        """The role setting as a Role: a missing or unknown one means a budget unit."""
        return role_of(self.get_setting(SETTING_ROLE))

    def set_setting(self, key: str, value: Any) -> None:
        """Store a JSON-safe value (text, int, bool, list, dict; no float); None removes the key.

        SETTING_UNIT_ID must name an existing unit and SETTING_ROLE be a Role's value."""
        _check_key(key)
        if value is not None and key == SETTING_ROLE:
            if not isinstance(value, str) or value not in {r.value for r in Role}:
                raise StoreError(f"设置 {key} 的值 {value!r} 无效：只能是 {'、'.join(r.value for r in Role)}")
            value = Role(value).value  # stored as the plain code, whether given as a Role or as its code
        text = None if value is None else dump_value(value, key)
        if value is not None and key == SETTING_UNIT_ID and (type(value) is not int):
            raise StoreError(f"设置 {key} 的值 {value!r} 无效：须是单位编号（整数）")
        with self._tx(write=True) as conn:
            if key == SETTING_UNIT_ID and value is not None:
                _unit(conn, value)
            conn.execute(delete(settings).where(settings.c.key == key))
            if text is not None:
                conn.execute(insert(settings).values(key=key, value=text))


def _editable(conn, form_instance_id: int, based_on: int | None):
    """The form locked for a write and its status: refused when another clerk saved a newer version since
    `based_on`, or when its status freezes it."""
    form = _form(conn, form_instance_id, lock=True)
    if based_on is not None and form.version != based_on:
        raise _conflict(form, based_on)
    current = stored_status(form)
    check_editable(current)
    return form, current


def _conflict(form, based_on: int) -> FormConflict:
    local = aware_utc(form.updated_at).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    who = form.updated_by or "导入的数据包"
    return FormConflict(
        f"表单「{form.title}」已被 {who} 于 {local} 修改（在您打开之后），您的修改未保存。"
        "请选择“重新载入”查看对方的修改，或“另存为新修订”以您的内容为准（对方的内容保留在修订记录中）",
        form_instance_id=form.id, based_on=based_on, current_version=form.version,
        changed_by=form.updated_by, changed_at=aware_utc(form.updated_at))


def _check_code_free(conn: Connection, code: str, own_id: int | None) -> None:
    # Checked inside the write transaction for a clear message; the unique index is the backstop.
    other = conn.scalar(select(units.c.id).where(units.c.code == code))
    if other is not None and other != own_id:
        raise StoreError(f"单位编码 {code} 已被其他单位使用")


def _listed(q, year: int | None, form_id: str | None, deleted: bool):
    """The list's filter and order (newest first) on a select from form_instances."""
    q = q.where(_F.deleted_at.is_not(None) if deleted else _F.deleted_at.is_(None))
    if year is not None:
        q = q.where(_F.year == year)
    if form_id is not None:
        q = q.where(_F.form_id == form_id)
    return q.order_by(_F.updated_at.desc(), _F.id.desc())


def _check_key(key: str) -> None:
    if not isinstance(key, str) or not key or len(key) > _KEY_MAX:
        raise StoreError(f"设置名 {key!r} 无效：须是 1 至 {_KEY_MAX} 个字符的文本")
