"""Store settings: this installation's own unit and role, and any other JSON-safe value by key."""

from __future__ import annotations

from decimal import Decimal

import pytest

from perfdesk.domain.lifecycle import Role
from perfdesk.store import SETTING_ROLE, SETTING_UNIT_ID, Store, StoreError

UNIT = dict(name="长治市财政局", code="101001", supervisor_name="长治市财政局",
            supervisor_code="101", region="长治市", level="市级", profile="changzhi")


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    yield s
    s.close()


def test_unset_setting_gives_default(store):
    assert store.get_setting("unit_id") is None
    assert store.get_setting("unit_id", 7) == 7
    assert store.get_setting("anything", {"a": 1}) == {"a": 1}


def test_documented_keys_round_trip_and_survive_reopening(store):
    unit = store.add_unit(**UNIT)
    store.set_setting(SETTING_UNIT_ID, unit.id)
    store.set_setting(SETTING_ROLE, "finance")
    with Store(store.url) as again:
        assert again.get_setting("unit_id") == unit.id
        assert type(again.get_setting("unit_id")) is int
        assert again.get_setting("role") == "finance"
        assert again.role() is Role.FINANCE


def test_the_role_is_read_as_a_role_and_stored_as_its_code(store):
    assert store.role() is Role.UNIT  # never set: a budget unit
    store.set_setting(SETTING_ROLE, Role.SUPERVISOR)
    assert store.role() is Role.SUPERVISOR
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT value FROM settings WHERE key = 'role'").scalar() == '"supervisor"'


def test_values_are_json_and_overwritten(store):
    value = {"列": ["金额", "年度"], "宽": 120, "隐藏": False, "空": None, "层": {"x": [1, "二"]}}
    store.set_setting("list.columns", value)
    assert store.get_setting("list.columns") == value
    store.set_setting("list.columns", "紧凑")
    assert store.get_setting("list.columns") == "紧凑"
    with store.engine.connect() as conn:
        assert [tuple(r) for r in conn.exec_driver_sql("SELECT key, value FROM settings")] == \
            [("list.columns", '"紧凑"')]


def test_none_removes_the_setting(store):
    store.set_setting("theme", "dark")
    store.set_setting("theme", None)
    assert store.get_setting("theme", "light") == "light"
    store.set_setting("theme", None)  # removing twice is fine
    assert store.get_setting("theme") is None


@pytest.mark.parametrize("value", [1.5, Decimal("1.5"), {"a": 0.1}, [1, 2.0], {1: "a"}, object()])
def test_non_json_safe_values_are_refused_and_nothing_is_written(store, value):
    store.set_setting("x", "before")
    with pytest.raises(StoreError, match="设置"):
        store.set_setting("x", value)
    assert store.get_setting("x") == "before"


def test_documented_keys_are_checked(store):
    unit = store.add_unit(**UNIT)
    with pytest.raises(StoreError, match="role"):
        store.set_setting(SETTING_ROLE, "office")
    with pytest.raises(StoreError, match="role"):
        store.set_setting(SETTING_ROLE, ["unit"])
    with pytest.raises(StoreError, match="unit_id"):
        store.set_setting(SETTING_UNIT_ID, str(unit.id))
    with pytest.raises(StoreError, match="unit_id"):
        store.set_setting(SETTING_UNIT_ID, True)
    with pytest.raises(StoreError, match=str(unit.id + 1)):
        store.set_setting(SETTING_UNIT_ID, unit.id + 1)  # no such unit
    assert store.get_setting(SETTING_UNIT_ID) is None and store.get_setting(SETTING_ROLE) is None
    store.set_setting(SETTING_ROLE, "unit")
    store.set_setting(SETTING_ROLE, None)
    assert store.get_setting(SETTING_ROLE) is None


@pytest.mark.parametrize("key", ["", None, 3, "k" * 101])
def test_bad_keys_are_refused(store, key):
    with pytest.raises(StoreError, match="设置名"):
        store.get_setting(key)
    with pytest.raises(StoreError, match="设置名"):
        store.set_setting(key, 1)


def test_in_memory_store_keeps_settings():
    with Store("sqlite://") as store:
        store.set_setting("role", "unit")
        assert store.get_setting("role") == "unit"
