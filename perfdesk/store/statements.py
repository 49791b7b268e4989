"""Statements that store.py and packages.py both run inside their transactions."""

from __future__ import annotations

from sqlalchemy import Connection, Row, insert, select, update

from perfdesk.domain.lifecycle import Action, Actor, Status, parse_status
from perfdesk.store.codec import dump_json, now_utc
from perfdesk.store.store_errors import StoreError
from perfdesk.store.figure_store import refresh_figures
from perfdesk.store.tables import form_events, form_instances, revisions, units


def unit_row(conn: Connection, unit_id: int) -> Row:
    unit = conn.execute(select(units).where(units.c.id == unit_id)).first()
    if unit is None:
        raise StoreError(f"找不到编号为 {unit_id} 的单位")
    return unit


def form_row(conn: Connection, form_instance_id: int, *, lock: bool = False) -> Row:
    """lock: hold the row until the transaction ends (PostgreSQL's FOR UPDATE; SQLite's write
    transaction already holds the whole file), so a version check and the write it guards are one step."""
    query = select(form_instances).where(form_instances.c.id == form_instance_id)
    form = conn.execute(query.with_for_update() if lock else query).first()
    if form is None:
        raise StoreError(f"找不到编号为 {form_instance_id} 的表单")
    return form


def add_unit_row(conn: Connection, fields: dict) -> int:
    """Insert a unit (the columns but id and created_at); returns its id."""
    return conn.execute(insert(units).values(**fields, created_at=now_utc())).inserted_primary_key[0]


# A change of any of these makes a new version of the form (0005): a clerk's save based on the
# version before it is then refused, whoever made the change (another clerk, an imported package).
CONTENT = frozenset({"data", "title", "amount", "status", "deleted_at"})
# A change of any of these changes the form's figures (form_figures, 0007), rewritten in the same transaction.
FIGURED = frozenset({"data", "status", "deleted_at", "year", "form_id", "unit_id"})


def update_form(conn: Connection, form_instance_id: int, changes: dict) -> None:
    if CONTENT & changes.keys():
        changes = {"updated_by": None, **changes, "version": form_instances.c.version + 1}
    conn.execute(update(form_instances).where(form_instances.c.id == form_instance_id).values(**changes))
    if FIGURED & changes.keys():
        refresh_figures(conn, form_instance_id)


def keep_revision(conn: Connection, form: Row, label: str | None = None) -> None:
    """Keep the version of the form being replaced, dated when it was written."""
    conn.execute(insert(revisions).values(form_instance_id=form.id, saved_at=form.updated_at,
                                          data=form.data, title=form.title, label=label,
                                          form_version=form.form_version))


def stored_status(form: Row) -> Status:
    return parse_status(form.status)


_EVENT_FIELDS = ("actor_name", "round", "package_version", "opinion", "letter", "detail")


def add_event(conn: Connection, form_instance_id: int, action: Action, source: Status | None, target: Status,
              actor: Actor | None, **fields) -> None:
    """One entry of the form's history (form_events)."""
    unknown = set(fields) - set(_EVENT_FIELDS)
    if unknown:
        raise TypeError(f"add_event() got unknown fields: {sorted(unknown)}")
    detail = fields.pop("detail", None)
    conn.execute(insert(form_events).values(
        form_instance_id=form_instance_id, at=now_utc(), action=action.value,
        source=None if source is None else source.value, target=target.value,
        actor=None if actor is None else actor.value, detail=None if not detail else dump_json(detail),
        **{k: v for k, v in fields.items() if v is not None}))
