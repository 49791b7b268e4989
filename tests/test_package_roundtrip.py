"""Unit → finance office → unit, on two separate store files: package, verify, import, version
handling, the review coming back, the PDF's own signature, and the CLI verbs doing the same."""

from __future__ import annotations

import io
import json

import pytest

from perfdesk.cli import main
from perfdesk.app.form_submission import build_form_package, package_form
from perfdesk.package.package_errors import PackageError
from perfdesk.app.package_import import import_paths
from perfdesk.package.importer import import_bytes
from perfdesk.domain.lifecycle import Status, TransitionRefused
from perfdesk.app.review_moves import actual_cells
from perfdesk.package.verifier import verify_package
from test_package_support import (OFFICE_CODE, OFFICE_PASS, REPAIR, UNIT_CODE, UNIT_PASS, YEAR, back_to_unit,
                                  counts, decide_at, members, office_signer, seal_png, stores, trust_office,
                                  trust_unit, unit_signer, world)  # noqa: F401 - fixtures


def _edit(unit, form_id, **changes):
    record = unit.get_form(form_id)
    unit.save_form(form_id, data=dict(record.data, **changes))


def test_package_layout_and_manifest(world):
    items = members(world.package)
    assert sorted(items) == ["form.json", "form.pdf", "form.xlsx", "manifest.json", "manifest.sig", "signer.pem"]
    manifest = json.loads(items["manifest.json"])
    assert manifest["manifest_version"] == 1 and manifest["kind"] == "form"
    assert manifest["unit"] == {"name": "长治市第一中学", "code": UNIT_CODE}
    assert (manifest["year"], manifest["version"], manifest["title"]) == (YEAR, 1, REPAIR)
    assert manifest["app_version"] and manifest["created_at"].endswith("Z")
    assert {m["name"] for m in manifest["members"]} == {"form.json", "form.pdf", "form.xlsx", "signer.pem"}
    form = json.loads(items["form.json"])
    assert form["form_id"] == "declaration" and form["form_uid"] == manifest["form_uid"]
    assert form["unit"]["code"] == UNIT_CODE and form["data"]["project_name"] == REPAIR


def test_unit_office_unit_round_trip(world, stores, tmp_path):
    unit, office = stores
    # Office: unregistered signer refused, then registered from the 登记表 fingerprint.
    refused = import_bytes(office, world.package, "v1.pdpkg")
    assert refused.status == "rejected" and "未获信任" in refused.message
    trust_unit(office, world)
    got = import_bytes(office, world.package, "v1.pdpkg")
    assert got.status == "imported", got.message
    received = office.get_form(got.form_instance_id)
    assert (received.status, received.package_version, received.title) == (Status.DEPT_REVIEW, 1, REPAIR)
    assert office.unit_by_code(UNIT_CODE).name == "长治市第一中学"
    assert office.trusted_key(world.unit_fp).cert_pem.startswith("-----BEGIN CERTIFICATE-----")
    # 一上: the 业务科室 alone reviews and answers in 一下; the unit imports after registering the office.
    first = decide_at(office, received.id, "approve", tmp_path, office_signer(office), opinion="同意",
                      reviewer="张三", letter="请在二上时细化数量指标。")
    assert office.get_form(received.id).status is Status.FEEDBACK
    assert import_bytes(unit, first, "r1.pdpkg").status == "rejected"  # office key not registered yet
    trust_office(unit, world)
    back = import_bytes(unit, first, "r1.pdpkg")
    assert back.status == "imported", back.message
    mine = unit.get_form(world.form_id)
    assert mine.status is Status.FEEDBACK and mine.data["finance_dept_opinion"] == "同意"
    # 二上: version 2 goes up; 业务科室 then 预算绩效管理科, both in the office's one installation.
    _edit(unit, world.form_id, necessity="已按一下意见细化数量指标。")
    v2 = package_form(unit, world.form_id, unit_signer(unit), tmp_path / "v2.pdpkg")
    assert v2.round.value == "二上" and unit.get_form(world.form_id).status is Status.SUBMITTED
    assert import_bytes(office, v2.data, "v2").status == "updated"
    assert decide_at(office, received.id, "approve", tmp_path, opinion="同意", reviewer="张三") is None
    assert office.get_form(received.id).status is Status.PERF_REVIEW
    final = decide_at(office, received.id, "approve", tmp_path, office_signer(office), opinion="同意安排资金",
                      reviewer="李四", letter="经审核，同意。",
                      finance=actual_cells(office.get_form(received.id), {"appropriation": "140.00"}))
    back = import_bytes(unit, final, "r2.pdpkg")
    assert back.status == "imported", back.message
    mine = unit.get_form(world.form_id)
    assert mine.status is Status.APPROVED
    assert mine.data["finance_dept_opinion"] == "同意" and mine.data["perf_mgmt_reviewer"] == "李四"
    assert mine.data["fund_sources"]["appropriation"]["actual"] == "140.00"
    assert mine.data["project_name"] == REPAIR  # unit cells untouched
    letter = unit.inbox(form_instance_id=mine.id)[0].detail
    assert letter["letter"] == "经审核，同意。" and letter["decision"] == "approve"
    rounds = [e.round for e in unit.events(mine.id)]
    assert rounds == ["一上", "一下", "二上", "二下"]
    # Same review again: nothing changes.
    before = counts(unit)
    assert import_bytes(unit, final, "r2.pdpkg").status == "duplicate"
    assert counts(unit) == before
    # An approved form is not sent again unchanged: it is changed through 申请调整 only.
    with pytest.raises(TransitionRefused, match="已审核通过.*申请调整"):
        build_form_package(unit, world.form_id, unit_signer(unit))


def test_return_for_changes_then_newer_version_supersedes(world, stores, tmp_path):
    unit, office = stores
    trust_unit(office, world)
    trust_office(unit, world)
    first = import_bytes(office, world.package, "v1")
    review = decide_at(office, first.form_instance_id, "return", tmp_path, office_signer(office),
                       letter="请补充测算依据。", opinion="退回修改", reviewer="张三",
                       reasons={"necessity": "请写明立项依据。"})
    assert office.get_form(first.form_instance_id).status.label == "已退回（待修改）"
    (tmp_path / "r.pdpkg").write_bytes(review)
    assert import_paths(unit, [tmp_path / "r.pdpkg"]).outcomes[0].status == "imported"
    assert unit.get_form(world.form_id).status.label == "已退回（待修改）"
    # The unit edits and sends version 2; the finance cells it received are not sent back.
    _edit(unit, world.form_id, necessity="现有设施老化严重，已补充测算依据。")
    assert unit.get_form(world.form_id).status is Status.RETURNED  # the return stays until sent again
    v2 = package_form(unit, world.form_id, unit_signer(unit), tmp_path / "v2.pdpkg")
    assert v2.version > 1
    sent = json.loads(members(v2.data)["form.json"])["data"]
    assert sent["finance_dept_opinion"] is None
    got = import_bytes(office, v2.data, "v2")
    assert got.status == "updated" and got.form_instance_id == first.form_instance_id
    current = office.get_form(first.form_instance_id)
    assert current.package_version == v2.version and current.status.label == "财政审核中"
    assert current.data["necessity"].startswith("现有设施老化严重")
    history = office.revisions(first.form_instance_id)
    assert any(r.data.get("finance_dept_opinion") == "退回修改" for r in history)  # old version kept
    # The very same v1 file offered again is recognised before anything else.
    before = counts(office)
    assert import_bytes(office, world.package, "v1-again").status == "duplicate"
    assert counts(office) == before


def test_older_version_replayed_after_newer_is_rejected(world, stores, tmp_path):
    unit, office = stores
    trust_unit(office, world)
    back_to_unit(unit, world.form_id)
    _edit(unit, world.form_id, necessity="第二版：补充了必要性说明。")
    v2 = build_form_package(unit, world.form_id, unit_signer(unit))
    assert import_bytes(office, v2.data, "v2").status == "imported"
    before = counts(office)
    old = import_bytes(office, world.package, "v1")
    assert old.status == "rejected" and "版本较旧" in old.message
    after = counts(office)
    assert after["inbox"] == before["inbox"] + 1  # only the rejection is noted
    assert {k: v for k, v in after.items() if k != "inbox"} == {k: v for k, v in before.items() if k != "inbox"}
    assert office.list_forms()[0].package_version == v2.version
    assert office.inbox()[0].status == "已拒绝" and "版本较旧" in office.inbox()[0].reason


def test_rebuilt_same_version_is_already_imported(world, stores):
    unit, office = stores
    trust_unit(office, world)
    assert import_bytes(office, world.package, "v1").status == "imported"
    with pytest.raises(TransitionRefused, match="已报送"):  # sent and waiting: not sent twice
        build_form_package(unit, world.form_id, unit_signer(unit))
    back_to_unit(unit, world.form_id, "checked")
    # 第 N 版 counts submissions: the next one is the second, however often it is built before it is sent.
    second = build_form_package(unit, world.form_id, unit_signer(unit))
    assert second.version == 2 and import_bytes(office, second.data, "v2").status == "updated"
    again = build_form_package(unit, world.form_id, unit_signer(unit))  # new file, same version and data
    assert again.version == 2 and again.data != second.data
    before = counts(office)
    assert import_bytes(office, again.data, "v2-rebuilt").status == "duplicate"
    assert counts(office) == before


def test_trust_on_first_import_only_when_confirmed(world, stores):
    _, office = stores
    assert import_bytes(office, world.package, "v1").status == "rejected"
    got = import_bytes(office, world.package, "v1", trust_new=True)
    assert got.status == "imported"
    row = office.trusted_key(world.unit_fp)
    assert row.source == "first-import" and row.unit_code == UNIT_CODE and row.role == "unit"


def test_review_of_an_older_version_is_rejected_at_the_unit(world, stores, tmp_path):
    unit, office = stores
    trust_unit(office, world)
    trust_office(unit, world)
    got = import_bytes(office, world.package, "v1")
    review = decide_at(office, got.form_instance_id, "approve", tmp_path, office_signer(office), opinion="同意")
    back_to_unit(unit, world.form_id)  # meanwhile the unit had it back and sends version 2
    _edit(unit, world.form_id, necessity="第二版。")
    package_form(unit, world.form_id, unit_signer(unit), tmp_path / "v2.pdpkg")
    before = counts(unit)
    outcome = import_bytes(unit, review, "r1")
    assert outcome.status == "rejected" and "版本较旧" in outcome.message
    assert counts(unit)["form_instances"] == before["form_instances"]
    assert unit.get_form(world.form_id).status.label == "已报送"


def test_review_cannot_fill_unit_cells(world, stores, tmp_path):
    unit, office = stores
    trust_unit(office, world)
    got = import_bytes(office, world.package, "v1")
    with pytest.raises(PackageError, match="不是由财政部门填写"):
        decide_at(office, got.form_instance_id, "approve", tmp_path, office_signer(office), opinion="同意",
                  finance={"project_name": "改掉名称"})
    with pytest.raises(PackageError, match="反馈意见"):
        decide_at(office, got.form_instance_id, "return", tmp_path, office_signer(office))
    assert office.get_form(got.form_instance_id).status is Status.DEPT_REVIEW  # nothing was decided


def test_package_refused_with_errors_or_unexplained_warnings(world, stores):
    unit, _ = stores
    signer = unit_signer(unit)
    cameras = next(f for f in unit.list_forms(form_id="declaration") if "监控系统" in f.title)  # demo: one error, one warning
    with pytest.raises(PackageError, match="个错误，不能打包"):
        build_form_package(unit, cameras.id, signer)
    fixed = dict(cameras.data)
    fixed["fund_sources"] = json.loads(json.dumps(fixed["fund_sources"]))
    fixed["fund_sources"]["appropriation"]["this_year"] = "60.00"
    unit.save_form(cameras.id, data=fixed)
    with pytest.raises(PackageError, match="警告未填写说明"):
        build_form_package(unit, cameras.id, signer)
    unit.save_form(cameras.id, data=dict(fixed, _explanations={"phone:applicant_phone": "学校内线电话，确为四位"}))
    assert build_form_package(unit, cameras.id, signer).version >= 1


def test_pdf_inside_is_pades_signed_and_validates(world):
    from asn1crypto import x509 as ax509
    from cryptography.hazmat.primitives import serialization
    from cryptography.x509 import load_pem_x509_certificate
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    items = members(world.package)
    cert = load_pem_x509_certificate(items["signer.pem"])
    anchor = ax509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    reader = PdfFileReader(io.BytesIO(items["form.pdf"]))
    (signature,) = reader.embedded_signatures
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[anchor]))
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.signing_cert.subject.native["common_name"] == "长治市第一中学"
    # The seal is the visible signature appearance on page 1.
    page = reader.root["/Pages"]["/Kids"][0]
    widgets = [a.get_object() for a in page.get_object()["/Annots"]]
    assert any("/AP" in w and w["/Rect"][2] - w["/Rect"][0] > 100 for w in widgets)


def test_pdf_signature_fails_for_another_trust_root(world, stores):
    from perfdesk.package.manifest import digest
    from perfdesk.package.pdfsign import check_pdf

    _, office = stores
    other = office_signer(office).cert
    items = members(world.package)
    result = check_pdf(items["form.pdf"], other, form_sha256=digest(items["form.json"]))
    assert not result.trusted and not result.ok and "不是本数据包的签名人" in result.problem


def test_seal_optional_and_bad_seal_refused(world, stores):
    unit, _ = stores
    signer = unit_signer(unit)
    from pyhanko.pdf_utils.reader import PdfFileReader

    back_to_unit(unit, world.form_id, "checked")
    plain = build_form_package(unit, world.form_id, signer)
    reader = PdfFileReader(io.BytesIO(members(plain.data)["form.pdf"]))
    (signature,) = reader.embedded_signatures  # signed, without a visible seal
    assert signature.sig_field["/Rect"][2] - signature.sig_field["/Rect"][0] == 0
    with pytest.raises(PackageError, match="公章图片"):
        build_form_package(unit, world.form_id, signer, seal_png=b"not a png")
    assert seal_png()[:4] == b"\x89PNG"


def test_verify_reports_signer_and_trust(world, stores):
    unit, office = stores
    v = verify_package(world.package, office, check_pdf=True)
    assert v.signer_name == "长治市第一中学" and v.trust.state == "new" and not v.trust.ok
    assert v.pdf.intact and v.pdf.trusted and v.pdf.ok
    assert verify_package(world.package, unit).trust.state == "own"
    trust_unit(office, world)
    assert verify_package(world.package, office).trust.state == "trusted"


# --- the CLI -------------------------------------------------------------------------------

def test_cli_round_trip(tmp_path, capsys, monkeypatch):
    unit_db, office_db = f"sqlite:///{tmp_path / 'unit.db'}", f"sqlite:///{tmp_path / 'office.db'}"
    (tmp_path / "upass").write_text(UNIT_PASS + "\n", encoding="utf-8")
    monkeypatch.setenv("PERFDESK_PASSPHRASE", OFFICE_PASS)
    seal = tmp_path / "seal.png"
    seal.write_bytes(seal_png())

    def run(db, *argv):
        capsys.readouterr()
        code = main(["--db", db, *argv])
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    assert run(unit_db, "demo", "--year", str(YEAR))[0] == 0
    code, out = run(unit_db, "identity", "create", "--unit", UNIT_CODE, "--passphrase-file", str(tmp_path / "upass"))
    assert code == 0 and "公钥指纹" in out
    fp = out.split("公钥指纹：")[1].splitlines()[0]
    assert run(unit_db, "identity", "export-registration", "--unit", UNIT_CODE, "--out", str(tmp_path / "reg.pdf"))[0] == 0
    assert (tmp_path / "reg.pdf").read_bytes().startswith(b"%PDF")
    form_id = next(line.split("\t")[0] for line in run(unit_db, "list")[1].splitlines() if REPAIR in line)
    pkg = tmp_path / "out" / "v1.pdpkg"
    code, out = run(unit_db, "package", form_id, "--out", str(pkg), "--passphrase-file", str(tmp_path / "upass"),
                    "--seal", str(seal))
    assert code == 0 and pkg.is_file(), out
    assert "已报送" in run(unit_db, "list")[1]
    code, out = run(unit_db, "verify", str(pkg))
    assert code == 0 and "结论：有效" in out and "长治市第一中学" in out

    code, out = run(office_db, "identity", "create", "--unit", OFFICE_CODE, "--name", "长治市财政局", "--region", "长治市")
    assert code == 0
    assert run(office_db, "role", "finance")[0] == 0
    office_fp = out.split("公钥指纹：")[1].splitlines()[0]
    code, out = run(office_db, "verify", str(pkg))
    assert code == 1 and "未在本机登记" in out
    code, out = run(office_db, "import", str(pkg.parent))
    assert code == 1 and "已拒绝" in out and "--trust-new" in out
    assert run(office_db, "trust", "add", "--code", UNIT_CODE, "--name", "长治市第一中学",
               "--fingerprint", fp)[0] == 0
    code, out = run(office_db, "import", str(pkg.parent))
    assert code == 0 and "导入 1 个" in out, out
    code, out = run(office_db, "import", str(pkg))
    assert code == 0 and "已导入过" in out
    office_form = next(line.split("\t")[0] for line in run(office_db, "list")[1].splitlines() if REPAIR in line)
    review = tmp_path / "back" / "r1.pdpkg"
    code, out = run(office_db, "review", office_form, "--approve", "--out", str(review), "--opinion", "同意",
                    "--reviewer", "张三", "--letter", "请在二上时细化数量指标。")
    assert code == 0 and "一下已反馈" in out, out

    assert run(unit_db, "trust", "add", "--office", "--code", OFFICE_CODE, "--name", "长治市财政局",
               "--fingerprint", office_fp.replace(" ", ":"))[0] == 0
    code, out = run(unit_db, "verify", str(review))
    assert code == 0 and "审核结果" in out
    code, out = run(unit_db, "import", str(review))
    assert code == 0 and "一下已反馈" in out, out
    # 二上: sent again, then both finance levels at the office, the last one signing the answer.
    pkg2 = tmp_path / "out2" / "v2.pdpkg"
    code, out = run(unit_db, "package", form_id, "--out", str(pkg2), "--passphrase-file", str(tmp_path / "upass"))
    assert code == 0, out
    assert run(office_db, "import", str(pkg2))[0] == 0
    code, out = run(office_db, "review", office_form, "--approve", "--opinion", "同意", "--reviewer", "张三")
    assert code == 0 and "本步不生成数据包" in out and "预算绩效管理科" in out, out
    review2 = tmp_path / "back" / "r2.pdpkg"
    code, out = run(office_db, "review", office_form, "--approve", "--out", str(review2), "--opinion", "同意安排",
                    "--reviewer", "李四", "--actual", "appropriation=140.00", "--letter", "经审核，同意。")
    assert code == 0, out
    code, out = run(unit_db, "import", str(review2))
    assert code == 0 and "审核通过" in out, out
    assert any("审核通过" in line and REPAIR in line for line in run(unit_db, "list")[1].splitlines())
    code, out = run(unit_db, "status", form_id)
    assert code == 0 and "二下" in out and "预算绩效管理科" in out and "同意安排" in out


def test_cli_errors_are_chinese(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("PERFDESK_PASSPHRASE", raising=False)
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["--db", db, "demo", "--year", str(YEAR)]) == 0
    capsys.readouterr()
    assert main(["--db", db, "package", "1", "--out", str(tmp_path / "p.pdpkg")]) == 1
    assert "错误：" in capsys.readouterr().err
    assert main(["--db", db, "trust", "add", "--code", "1", "--fingerprint", "XYZ"]) == 1
    assert "64 位十六进制" in capsys.readouterr().err
    (tmp_path / "junk.pdpkg").write_bytes(b"not a zip")
    assert main(["--db", db, "verify", str(tmp_path / "junk.pdpkg")]) == 1
    assert "结论：无效" in capsys.readouterr().out
