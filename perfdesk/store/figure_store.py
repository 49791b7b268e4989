"""Keeping form_figures in step with the forms, inside the transaction that changes them.

statements.update_form, Store.create_form, PackageStore.receive_form and Store.purge_form call
refresh_figures (or forget_figures) on their own connection, so a save, an import, a deletion, a
restore from the recycle bin and a revision restore change the figures together with the form or not
at all. The domain (domain/figures.py) says what the figures are; here they are only written.
"""

from __future__ import annotations


from sqlalchemy import Connection, and_, bindparam, case, delete, func, insert, select, update

from perfdesk.domain.lifecycle import Status
from perfdesk.store.codec import load_json
from perfdesk.store.tables import form_figures, form_instances, units

_G, _F = form_figures.c, form_instances.c
_KEY = ("unit_id", "year", "form_id", "period", "subject")

# Built once, values bound at execution: a save pays for the statements' execution, not their compiling.
_ID = bindparam("fid")
_MATCH = and_(*(_G[k] == bindparam(f"k_{k}") for k in _KEY))
_OLD_KEY = select(*(_G[k] for k in _KEY)).where(_G.form_instance_id == _ID)
_DELETE = delete(form_figures).where(_G.form_instance_id == _ID)
_ROW = (select(form_instances, units.c.code, units.c.name, units.c.supervisor_code, units.c.supervisor_name,
               units.c.profile).join(units, units.c.id == _F.unit_id).where(_F.id == _ID))
_NEWEST = select(func.max(_G.form_instance_id)).where(_MATCH)
_MARK = update(form_figures).where(_MATCH).values(
    current=case((_G.form_instance_id == bindparam("newest"), 1), else_=0))


def refresh_figures(conn: Connection, form_instance_id: int) -> None:
    """Write the form's figures as its stored row now gives them (none for a deleted, voided or
    unreadable form), then settle which form of the affected keys is current."""
    old = forget_figures(conn, form_instance_id)
    row = conn.execute(_ROW, {"fid": form_instance_id}).first()
    values = None if row is None else _figures_of(row)
    if values is not None:
        conn.execute(insert(form_figures), dict(values, current=0))
        settle(conn, {k: values[k] for k in _KEY})
    if old is not None and (values is None or any(old[k] != values[k] for k in _KEY)):
        settle(conn, old)


def forget_figures(conn: Connection, form_instance_id: int) -> dict | None:
    """The form's figures go; the key they held is returned, to be settled once the form is written
    (or purged)."""
    old = conn.execute(_OLD_KEY, {"fid": form_instance_id}).first()
    conn.execute(_DELETE, {"fid": form_instance_id})
    return None if old is None else dict(zip(_KEY, old))


def settle(conn: Connection, key: dict | None) -> None:
    """Of the live forms with this key, the newest (the last received or created) is current."""
    if key is None:
        return
    params = {f"k_{k}": v for k, v in key.items()}
    newest = conn.execute(_NEWEST, params).scalar()
    if newest is not None:
        conn.execute(_MARK, dict(params, newest=newest))


def rename_unit(conn: Connection, unit_id: int) -> None:
    """A unit's code, name or 主管部门 changed: its figures carry the new ones."""
    unit = conn.execute(select(units).where(units.c.id == unit_id)).first()
    if unit is not None:
        conn.execute(update(form_figures).where(_G.unit_id == unit_id).values(
            unit_code=unit.code, unit_name=unit.name, supervisor_code=unit.supervisor_code,
            supervisor_name=unit.supervisor_name))


def _figures_of(row) -> dict | None:
    from perfdesk.domain import figures
    from perfdesk.domain.profiles import ProfileError, get_profile
    from perfdesk.domain.registry import get_form

    if row.deleted_at is not None or row.status == Status.VOID.value or row.form_id not in figures.ROUNDS:
        return None
    try:
        doc = load_json(row.data)
    except (ValueError, TypeError, RecursionError):
        return None  # a damaged row counts for nothing until a revision is restored
    if not isinstance(doc, dict):
        return None
    try:
        profile = get_profile(row.profile)
    except ProfileError:
        profile = None
    found = figures.extract(get_form(row.form_id), doc, profile)
    values = figures.stored(found)
    del values["round"], values["scope"]
    values.update(
        form_instance_id=row.id, unit_id=row.unit_id, unit_code=row.code, unit_name=row.name,
        supervisor_code=row.supervisor_code, supervisor_name=row.supervisor_name, year=row.year,
        form_id=row.form_id, round=found.round, scope=found.scope, status=row.status,
        # an unnamed project supersedes nothing: each blank one is its own
        subject=found.subject if found.subject or found.scope != figures.PROJECT else f"#{row.id}",
    )
    return values


# --- reading: the 汇总's queries -------------------------------------------------------------------

GROUPS = {
    "unit": (_G.unit_code, _G.unit_name, _G.supervisor_name),
    "supervisor": (_G.supervisor_code, _G.supervisor_name, None),
}
_SUMMED = ("requested", "arranged", "src_public", "src_funds", "src_other", "budget", "allotted", "issued", "spent",
           "score", "eval_amount", "red_alerts", "yellow_alerts", "impossible")
GRADE_RANKS = 4  # the profiles' grades: 优 良 中 低/差


class FigureStore:
    """Mixin for Store: the aggregation queries over form_figures (only current forms count)."""

    def figure_groups(self, *, year: int, round: str, group: str, where: dict | None = None) -> list[dict]:
        """One row per unit (or 主管部门): code, name, parent, forms, units, scored, period and the exact
        integer sums of every figure (sum_<name>), grade_<rank> counts."""
        code, name, parent = GROUPS[group]
        columns = [code.label("code"), name.label("name"),
                   (parent if parent is not None else func.count(func.distinct(_G.unit_id))).label("parent"),
                   func.count().label("forms"), func.count(func.distinct(_G.unit_id)).label("units"),
                   func.count(_G.score).label("scored"), func.max(_G.period).label("period"),
                   *(func.sum(_G[f]).label(f"sum_{f}") for f in _SUMMED),
                   *(func.sum(case((_G.grade_rank == k, 1), else_=0)).label(f"grade_{k}") for k in range(GRADE_RANKS))]
        keys = [code, name] + ([parent] if parent is not None else [])
        query = select(*columns).where(*_filters(year, round, where)).group_by(*keys).order_by(code)
        with self._tx() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def figure_rows(self, *, year: int, round: str, where: dict | None = None) -> list[dict]:
        """The current forms' figures one by one, with their unit's rules profile."""
        query = (select(form_figures, units.c.profile).join(units, units.c.id == _G.unit_id)
                 .where(*_filters(year, round, where)).order_by(_G.unit_code, _G.subject, _G.form_instance_id))
        with self._tx() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]


def _filters(year: int, round: str, where: dict | None) -> list:
    """where: scope, period, min_<count figure> (at least), grade_below (a rank: worse than it)."""
    found = [_G.year == year, _G.round == round, _G.current == 1]
    for key, value in (where or {}).items():
        if key in ("scope", "period", "form_id"):
            found.append(_G[key] == value)
        elif key.startswith("min_"):
            found.append(_G[key[4:]] >= value)
        elif key == "grade_below":
            found.append(_G.grade_rank > value)
        else:
            raise ValueError(f"unknown figure filter {key}")
    return found
