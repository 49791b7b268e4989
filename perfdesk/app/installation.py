"""Who this copy of PerfDesk works for: its own unit and whether it is a budget unit's, a 主管部门's or a
finance office's installation (settings "unit_id" and "role" of the store, where the store keeps settings).

A store without settings (or without those keys yet) means: the first unit set up, a budget unit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from perfdesk.domain.lifecycle import Role
from perfdesk.store.store_errors import StoreError

if TYPE_CHECKING:  # the store module itself (SQLAlchemy) is not needed to read a setting's meaning
    from perfdesk.store import Store, UnitRecord

UNIT_ID, ROLE = "unit_id", "role"


def has_settings(store: Store) -> bool:
    return hasattr(store, "get_setting") and hasattr(store, "set_setting")


def own_unit(store: Store) -> UnitRecord | None:
    """The unit this installation fills forms for: the unit_id setting, else the first unit set up."""
    if has_settings(store):
        unit_id = store.get_setting(UNIT_ID)
        if isinstance(unit_id, int) and not isinstance(unit_id, bool):
            try:
                return store.get_unit(unit_id)
            except StoreError:
                pass  # the unit was removed behind our back: fall back to the first one
    units = store.units()
    return units[0] if units else None


def role(store: Store) -> Role:
    """What this installation's clerks review and fill; a budget unit where the store keeps no settings
    or the setting is damaged."""
    if has_settings(store):
        try:
            return store.role()
        except StoreError:
            return Role.UNIT
    return Role.UNIT


def remember(store: Store, unit: UnitRecord, chosen_role: Role | None) -> None:
    """After 单位设置: the role chosen, and the unit as this installation's own if none is set yet."""
    if not has_settings(store):
        return
    if chosen_role is not None:
        store.set_setting(ROLE, Role(chosen_role).value)
    if store.get_setting(UNIT_ID) is None:
        store.set_setting(UNIT_ID, unit.id)
