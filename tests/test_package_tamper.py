"""A changed byte anywhere, a missing or extra member, a wrong key or signature, an unregistered
key, an unknown manifest version: each is rejected with its reason, and nothing is imported."""

from __future__ import annotations

import base64
import json

import pytest

from perfdesk.package.package_errors import PackageError
from perfdesk.package.importer import import_bytes
from perfdesk.package.verifier import verify_package
from test_package_support import (OFFICE_CODE, UNIT_CODE, counts, members, office_signer, resign, rezip,
                                  stores, trust_unit, unit_signer, world)  # noqa: F401 - fixtures

SIGNED = ["form.json", "form.pdf", "form.xlsx", "manifest.json"]


def _flip(data: bytes, where: int) -> bytes:
    return data[:where] + bytes([data[where] ^ 0x01]) + data[where + 1:]


def _rejected(office, package: bytes, reason: str) -> None:
    before = counts(office)
    outcome = import_bytes(office, package, "t.pdpkg")
    assert outcome.status == "rejected", outcome.message
    assert reason in outcome.message, outcome.message
    after = counts(office)
    assert after["form_instances"] == before["form_instances"] and after["units"] == before["units"]
    assert after["trusted_keys"] == before["trusted_keys"]


@pytest.mark.parametrize("name", SIGNED + ["manifest.sig", "signer.pem"])
@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_a_changed_byte_in_any_member_is_rejected(world, stores, name, where):
    _, office = stores
    trust_unit(office, world)
    items = members(world.package)
    data = items[name]
    # signer.pem's base64 body: flip inside it (a flipped '-' would only unframe the PEM).
    offset = {"start": 40 if name == "signer.pem" else 0, "middle": len(data) // 2,
              "end": len(data) - 40 if name == "signer.pem" else len(data) - 1}[where]
    items[name] = _flip(data, offset)
    with pytest.raises(PackageError):
        verify_package(rezip(items), office)
    _rejected(office, rezip(items), "")
    assert import_bytes(office, world.package, "good").status == "imported"  # the original still imports


def test_changed_member_reason_names_the_file(world, stores):
    _, office = stores
    trust_unit(office, world)
    for name in ("form.json", "form.pdf", "form.xlsx"):
        items = members(world.package)
        items[name] = _flip(items[name], len(items[name]) // 3)
        _rejected(office, rezip(items), f"文件 {name} 与签名清单不符")
    items = members(world.package)
    items["manifest.json"] = items["manifest.json"].replace(b'"version": 1', b'"version": 9')
    _rejected(office, rezip(items), "签名无效")


def test_changed_bytes_in_the_zip_itself_change_nothing(world, stores):
    _, office = stores
    trust_unit(office, world)
    assert import_bytes(office, world.package, "good").status == "imported"
    kept = office.list_forms()
    before = counts(office)
    # A flip in zip bookkeeping that no member covers (a timestamp) leaves the signed content
    # intact: that is the same package again. Anything else is refused.
    for where in range(0, len(world.package), len(world.package) // 97):
        outcome = import_bytes(office, _flip(world.package, where), "t")
        assert outcome.status in ("rejected", "duplicate"), (where, outcome)
    assert office.list_forms() == kept
    after = counts(office)
    assert {k: after[k] for k in ("form_instances", "revisions", "units", "trusted_keys")} == \
        {k: before[k] for k in ("form_instances", "revisions", "units", "trusted_keys")}


@pytest.mark.parametrize("name", ["form.json", "form.pdf", "form.xlsx", "manifest.json", "manifest.sig", "signer.pem"])
def test_a_missing_member_is_rejected(world, stores, name):
    _, office = stores
    trust_unit(office, world)
    items = members(world.package)
    del items[name]
    _rejected(office, rezip(items), "缺少")


def test_an_extra_member_is_rejected(world, stores):
    _, office = stores
    trust_unit(office, world)
    items = members(world.package)
    items["attachments/说明.txt"] = "补充说明".encode()
    _rejected(office, rezip(items), "清单之外的文件")
    # Listed in the manifest but under a name only attachments may use: refused even when signed.
    items = members(world.package)
    items["extra.bin"] = b"x"
    body = json.loads(items["manifest.json"])
    body["members"].append({"name": "extra.bin"})
    _rejected(office, resign(items, unit_signer(stores[0]), body), "不应有的成员")


def test_signed_attachment_is_accepted(world, stores):
    unit, office = stores
    trust_unit(office, world)
    items = members(world.package)
    items["attachments/说明.txt"] = "补充说明".encode()
    body = json.loads(items["manifest.json"])
    body["members"].append({"name": "attachments/说明.txt"})
    package = resign(items, unit_signer(unit), body)
    assert verify_package(package, office).members["attachments/说明.txt"] == "补充说明".encode()


def test_wrong_key_is_rejected(world, stores):
    unit, office = stores
    trust_unit(office, world)
    other = office_signer(office)
    items = members(world.package)
    # The office's key signs the manifest, the unit's certificate stays: signature does not match.
    from perfdesk.package import keys

    items["manifest.sig"] = keys.sign(other.key, items["manifest.json"])
    _rejected(office, rezip(items), "签名无效")
    # The certificate swapped for the office's: the signature no longer matches it either.
    items = members(world.package)
    items["signer.pem"] = other.cert_pem.encode()
    _rejected(office, rezip(items), "签名无效")


def test_a_validly_signed_package_with_someone_elses_code_is_rejected(world, stores):
    unit, office = stores
    trust_unit(office, world)
    items = members(world.package)
    body = json.loads(items["manifest.json"])
    body["unit"]["code"] = "310021"  # the county unit's code, signed with 201003's certificate
    _rejected(office, resign(items, unit_signer(unit), body), "不是颁发给单位编码 310021")


def test_a_key_registered_for_another_unit_is_rejected(world, stores):
    _, office = stores
    office.add_trusted_key(unit_code="310021", unit_name="长子县农业农村局", role="unit", fingerprint=world.unit_fp)
    _rejected(office, world.package, "名下")


def test_unregistered_key_is_rejected_even_when_the_unit_has_another(world, stores):
    _, office = stores
    _rejected(office, world.package, "尚未在本机登记")
    office.add_trusted_key(unit_code=UNIT_CODE, unit_name="长治市第一中学", role="unit", fingerprint="AB" * 32)
    _rejected(office, world.package, "已登记了其他公钥")
    outcome = import_bytes(office, world.package, "t", trust_new=True)  # --trust-new does not override it
    assert outcome.status == "rejected"


def test_office_key_cannot_sign_a_form_package(world, stores):
    unit, office = stores
    # The unit registered the office; a "form" package signed by the office is not the office's role.
    unit.add_trusted_key(unit_code=OFFICE_CODE, unit_name="长治市财政局", role="office", fingerprint=world.office_fp)
    items = members(world.package)
    body = json.loads(items["manifest.json"])
    body["unit"] = {"name": "长治市财政局", "code": OFFICE_CODE}
    form = json.loads(items["form.json"])
    form["unit"]["code"] = OFFICE_CODE
    items["form.json"] = json.dumps(form, ensure_ascii=False).encode()
    outcome = import_bytes(unit, resign(items, office_signer(office), body), "t")
    assert outcome.status == "rejected" and "名下" in outcome.message


@pytest.mark.parametrize("version", [0, 2, "1", None, True])
def test_unknown_manifest_version_is_rejected(world, stores, version):
    unit, office = stores
    trust_unit(office, world)
    items = members(world.package)
    body = json.loads(items["manifest.json"])
    body["manifest_version"] = version
    _rejected(office, resign(items, unit_signer(unit), body), "数据包格式版本")


def test_manifest_with_duplicate_keys_is_rejected(world, stores):
    unit, office = stores
    trust_unit(office, world)
    from perfdesk.package import keys

    items = members(world.package)
    items["manifest.json"] = items["manifest.json"].replace(b'"kind": "form"', b'"kind": "form", "kind": "review"')
    items["manifest.sig"] = keys.sign(unit_signer(unit).key, items["manifest.json"])
    _rejected(office, rezip(items), "不是有效的 JSON")


def test_form_json_inconsistent_with_manifest_is_rejected(world, stores):
    unit, office = stores
    trust_unit(office, world)
    items = members(world.package)
    form = json.loads(items["form.json"])
    form["version"] = 7
    items["form.json"] = json.dumps(form, ensure_ascii=False).encode()
    _rejected(office, resign(items, unit_signer(unit)), "不一致")


def test_signed_but_invalid_form_data_is_rejected(world, stores):
    unit, office = stores
    trust_unit(office, world)
    for change, reason in (({"necessity": ""}, "未通过校验"), ({"finance_dept_opinion": "自己批准"}, "未通过校验"),
                           ({"expense_details": "不是表格"}, "结构无效"), ({"project_name": 1.5}, "不是有效")):
        items = members(world.package)
        form = json.loads(items["form.json"])
        form["data"].update(change)
        items["form.json"] = json.dumps(form, ensure_ascii=False).encode()
        if change.get("project_name") == 1.5:
            reason = "结构无效"
        _rejected(office, resign(items, unit_signer(unit), rebind_pdf=True), reason)


def test_profile_name_cannot_reach_outside_the_profiles(world, stores):
    unit, office = stores
    trust_unit(office, world)
    items = members(world.package)
    form = json.loads(items["form.json"])
    form["unit"]["profile"] = "../../declaration"
    items["form.json"] = json.dumps(form, ensure_ascii=False).encode()
    _rejected(office, resign(items, unit_signer(unit), rebind_pdf=True), "规则配置名称无效")


def test_a_certificate_with_an_impossible_x509_version_is_rejected(world, stores):
    # Found by the fuzz test: cryptography raises InvalidVersion (not a ValueError) for version 6.
    _, office = stores
    trust_unit(office, world)
    items = members(world.package)
    assert b"AwIBAgIU" in items["signer.pem"]  # [0] INTEGER 2: an X.509 v3 certificate
    items["signer.pem"] = items["signer.pem"].replace(b"AwIBAgIU", b"AwIBBgIU", 1)
    with pytest.raises(PackageError, match="signer.pem"):
        verify_package(rezip(items), office)
    _rejected(office, rezip(items), "signer.pem")


def test_a_certificate_with_a_corrupt_subject_is_refused_when_loaded(world):
    # Found by the fuzz test: such a certificate loads, and only reading its subject failed.
    from perfdesk.package.keys import load_cert

    pem = members(world.package)["signer.pem"].decode("ascii").split("\n")
    body = base64.b64decode("".join(pem[1:-2]))
    cn = body.index("长治市第一中学".encode())
    corrupt = body[:cn] + b"\xff" + body[cn + 1:]  # cut the CN's first character in half
    lines = base64.b64encode(corrupt).decode()
    text = ("-----BEGIN CERTIFICATE-----\n" + "\n".join(lines[i:i + 64] for i in range(0, len(lines), 64))
            + "\n-----END CERTIFICATE-----\n").encode()
    with pytest.raises(PackageError, match="signer.pem"):
        load_cert(text)
