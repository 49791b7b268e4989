"""The chain offline, level by level: unit → 主管部门 → finance office → back down the same way, each
hop signed and verified; what an outsider or an insider may not bend."""

from __future__ import annotations

import json

import pytest

from perfdesk.domain.lifecycle import Action, Actor, Status
from perfdesk.package.builder import sign_and_zip
from perfdesk.app.form_submission import package_form
from perfdesk.package.identity import create_identity, load_signer
from perfdesk.package.importer import import_bytes
from perfdesk.package.manifest import canonical
from perfdesk.app.review_moves import relay
from perfdesk.store import Store
from test_package_support import (UNIT_CODE, decide_at, members, office_signer, resign, stores,  # noqa: F401
                                  trust_office, trust_unit, unit_signer, world)

SUPERVISOR = dict(name="长治市教育局", code="201", supervisor_name="长治市教育局", supervisor_code="201",
                  region="长治市", level="市级", profile="changzhi")
SUPERVISOR_PASS = "supervisor-passphrase"


@pytest.fixture
def supervisor(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'supervisor.db'}")
    unit = store.add_unit(**SUPERVISOR)
    store.set_setting("role", "supervisor")
    store.set_setting("unit_id", unit.id)
    create_identity(store, unit.id, SUPERVISOR_PASS)
    yield store
    store.close()


def _signer(store):
    return load_signer(store, store.unit_by_code("201").id, SUPERVISOR_PASS)


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


def _forwarded(world, supervisor, tmp_path) -> tuple[bytes, int]:
    got = import_bytes(supervisor, world.package, "v1", trust_new=True)
    assert got.status == "imported", got.message
    assert supervisor.get_form(got.form_instance_id).status is Status.SUPERVISOR_REVIEW
    outer = decide_at(supervisor, got.form_instance_id, "approve", tmp_path, _signer(supervisor),
                      opinion="绩效目标符合申报要求，建议安排资金。", reviewer="赵红梅")
    assert supervisor.get_form(got.form_instance_id).status is Status.DEPT_REVIEW
    return outer, got.form_instance_id


def test_three_levels_up_and_back_down_with_every_signature_checked(world, stores, supervisor, tmp_path):
    unit, office = stores
    outer, at_supervisor = _forwarded(world, supervisor, tmp_path)
    inside = members(outer)
    assert inside["forwarded.pdpkg"] == world.package  # the unit's package travels untouched
    # The office verifies both signatures and sees the 主管部门's opinion beside the unit's data.
    got = import_bytes(office, outer, "forward", trust_new=True)
    assert got.status == "imported", got.message
    copy = office.get_form(got.form_instance_id)
    assert copy.status is Status.DEPT_REVIEW and copy.data["supervisor_opinion"].startswith("绩效目标符合")
    roles = {t.unit_code: t.role for t in office.trusted_keys()}
    assert roles == {UNIT_CODE: "unit", "201": "supervisor"}
    steps = [(e.action, e.actor) for e in office.events(copy.id)]
    assert steps == [(Action.FORWARD, Actor.SUPERVISOR), (Action.RECEIVE, Actor.FINANCE_DEPT)]
    # The office returns it; the 主管部门 takes the answer in, then relays it down untouched.
    answer = decide_at(office, copy.id, "return", tmp_path, office_signer(office), opinion="退回",
                       letter="请补充测算依据。", reasons={"necessity": "写明依据"})
    assert import_bytes(supervisor, answer, "answer", trust_new=True).status == "imported"
    assert supervisor.get_form(at_supervisor).status is Status.RETURNED
    relayed = relay(supervisor, at_supervisor, _signer(supervisor), tmp_path / "down.pdpkg", note="请按意见修改。")
    assert members(relayed.data)["relayed.pdpkg"] == answer
    back = import_bytes(unit, relayed.data, "down", trust_new=True)
    assert back.status == "imported", back.message
    mine = unit.get_form(world.form_id)
    assert mine.status is Status.RETURNED
    [result] = [e for e in unit.events(mine.id) if e.action is Action.RESULT]
    assert result.letter == "请补充测算依据。" and result.detail["reasons"] == {"necessity": "写明依据"}
    assert result.detail["relayed_by"] == "长治市教育局"
    assert {t.unit_code: t.role for t in unit.trusted_keys()} == {"101001": "office", "201": "supervisor"}


def test_a_flipped_byte_in_the_outer_or_the_inner_package_is_rejected_at_the_office(world, stores, supervisor,
                                                                                     tmp_path):
    _unit, office = stores
    outer, _ = _forwarded(world, supervisor, tmp_path)
    for at in (len(outer) // 3, len(outer) // 2):
        assert import_bytes(office, _flip(outer, at), "outer", trust_new=True).status == "rejected"
    # The 主管部门 signs a package whose inner unit package was changed: its own signature holds,
    # the unit's does not.
    items = members(outer)
    inner = items["forwarded.pdpkg"]
    pos = inner.index(b"form.json") + 200
    items["forwarded.pdpkg"] = _flip(inner, pos)
    forged = resign(items, _signer(supervisor))
    refused = import_bytes(office, forged, "inner", trust_new=True)
    assert refused.status == "rejected"
    assert office.list_forms() == []


def test_a_forward_from_another_supervisor_is_refused(world, stores, supervisor, tmp_path):
    _unit, office = stores
    with supervisor.engine.begin() as conn:  # this 主管部门 pretends to be someone else's
        conn.exec_driver_sql("UPDATE units SET supervisor_code = '999' WHERE code = ?", (UNIT_CODE,))
    outer, _ = _forwarded(world, supervisor, tmp_path)
    # The unit's own signed form says its 主管部门 is 201: the forward is genuine.
    assert import_bytes(office, outer, "forward", trust_new=True).status == "imported"
    wrong = dict(SUPERVISOR, code="202", name="长治市卫生健康委员会")
    other = Store(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        u = other.add_unit(**wrong)
        other.set_setting("role", "supervisor")
        create_identity(other, u.id, SUPERVISOR_PASS)
        got = import_bytes(other, world.package, "v1", trust_new=True)
        forward = decide_at(other, got.form_instance_id, "approve", tmp_path,
                            load_signer(other, u.id, SUPERVISOR_PASS), opinion="同意")
    finally:
        other.close()
    office2 = Store(f"sqlite:///{tmp_path / 'office2.db'}")
    try:
        office2.set_setting("role", "finance")
        refused = import_bytes(office2, forward, "forward", trust_new=True)
        assert refused.status == "rejected" and "不是" in refused.message and "主管部门" in refused.message
    finally:
        office2.close()


def test_a_unit_cannot_forge_the_offices_review_with_its_own_key(world, stores, tmp_path):
    unit, office = stores
    trust_unit(office, world)
    trust_office(unit, world)  # the real office key is registered too
    got = import_bytes(office, world.package, "v1")
    genuine = json.loads(members(decide_at(office, got.form_instance_id, "approve", tmp_path, office_signer(office),
                                           opinion="同意"))["review.json"])
    signer = unit_signer(unit)
    fake = dict(genuine, office={"name": signer.unit.name, "code": signer.unit.code}, level="perf_mgmt",
                status="approved", cells={"fund_sources.appropriation.actual": "9999.00", "perf_mgmt_opinion": "同意"})
    record = unit.get_form(world.form_id)
    forged = sign_and_zip(signer, {"review.json": canonical(fake)}, kind="review", form_id=record.form_id,
                          form_version=record.form_version, form_uid=record.uid, version=record.package_version,
                          year=record.year, title=record.title)
    outcome = import_bytes(unit, forged, "forged")
    assert outcome.status == "rejected" and "本机自己的签名密钥" in outcome.message
    assert unit.get_form(world.form_id).status is Status.SUBMITTED


def test_a_form_uid_made_by_one_unit_cannot_be_claimed_by_another(world, stores, tmp_path):
    from perfdesk.package.form_uid import check_form_uid
    from perfdesk.package.package_errors import PackageError

    uid = json.loads(members(world.package)["form.json"])["form_uid"]
    check_form_uid(uid, UNIT_CODE)
    with pytest.raises(PackageError, match="其他单位创建"):
        check_form_uid(uid, "310021")


def test_a_supervisor_return_goes_straight_to_the_unit(world, stores, supervisor, tmp_path):
    unit, _office = stores
    got = import_bytes(supervisor, world.package, "v1", trust_new=True)
    back = decide_at(supervisor, got.form_instance_id, "return", tmp_path, _signer(supervisor),
                     letter="请先补充立项依据再报。")
    outcome = import_bytes(unit, back, "back", trust_new=True)
    assert outcome.status == "imported", outcome.message
    assert unit.get_form(world.form_id).status is Status.RETURNED
    # and once it is back at the unit, it may be changed and sent again
    record = unit.get_form(world.form_id)
    unit.save_form(record.id, data=dict(record.data, necessity="已补充立项依据。"))
    again = package_form(unit, record.id, unit_signer(unit), tmp_path / "v2.pdpkg")
    assert again.version == 2 and again.round.value == "二上"
