"""Who this copy of PerfDesk works for: its own unit and whether it is a budget unit's, a 主管部门's or a
finance office's installation (settings "unit_id" and "role" of the store, where the store keeps settings).

A store without settings (or without those keys yet) means: the first unit set up, a budget unit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from perfdesk.domain.lifecycle import ROLE_LABELS, Role
from perfdesk.domain.lifecycle import role_of as _role_of
from perfdesk.store.store_errors import StoreError

if TYPE_CHECKING:  # the store module itself (SQLAlchemy) is not needed to read a setting's meaning
    from perfdesk.store import Store, UnitRecord

UNIT_ID, ROLE = "unit_id", "role"
UNIT, SUPERVISOR, FINANCE = Role.UNIT.value, Role.SUPERVISOR.value, Role.FINANCE.value
ROLE_NAMES = {role.value: label for role, label in ROLE_LABELS.items()}  # 使用单位类型, as the clerk chooses it


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


def role(store: Store) -> str:
    """"unit", "supervisor" or "finance" (lifecycle.Role): what this installation's clerks review and fill."""
    if has_settings(store):
        try:
            return role_from(store.get_setting(ROLE, UNIT))
        except StoreError:
            return UNIT
    return UNIT


def role_from(value: Any) -> str:
    """The role a stored "role" setting names; a missing or unknown one means a budget unit."""
    return _role_of(value).value


def remember(store: Store, unit: UnitRecord, chosen_role: str | None) -> None:
    """After 单位设置: the role chosen, and the unit as this installation's own if none is set yet."""
    if not has_settings(store):
        return
    if chosen_role in ROLE_NAMES:
        store.set_setting(ROLE, chosen_role)
    if store.get_setting(UNIT_ID) is None:
        store.set_setting(UNIT_ID, unit.id)


def role_enum(store: Store) -> Role:
    return Role(role(store))
