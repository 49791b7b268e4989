"""The signed-package dialogs, driven as a clerk would: the unit's signing key, the trust
registry, packaging a form, importing at the finance office (with the unknown-signer question and
cancelling between packages), the inbox and 验证….

The unit's and the office's stores come from test_package_support's world (copied per test).
File dialogs and passphrase prompts are answered by replacing the functions in
perfdesk.ui.packages.prompts; work in threads is awaited with the dialog's is_working()."""

from __future__ import annotations

import datetime as dt
import os
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before PySide6 is imported

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.hazmat.primitives.serialization import pkcs12  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402
from PySide6.QtWidgets import QMessageBox, QPushButton  # noqa: E402

from perfdesk.package import keys  # noqa: E402
from perfdesk.package.importer import import_bytes  # noqa: E402
from perfdesk.package.verifier import verify_package  # noqa: E402
from perfdesk.ui.packages import (
    export_package, import_packages, prompts, show_identity, show_inbox, show_trust_registry)
from perfdesk.ui.packages.common import installation_unit  # noqa: E402
from perfdesk.ui.packages.passphrase import NewPassphraseDialog  # noqa: E402
from perfdesk.ui.runner import runner_for  # noqa: E402
from test_package_support import (  # noqa: E402, F401 - fixtures
    REPAIR,
    UNIT_CODE,
    UNIT_PASS,
    YEAR,
    form_id_by_title,
    members,
    rezip,
    seal_png,
    stores,
    trust_unit,
    world,
)

TRAINING, CAMERAS = f"{YEAR}年教师能力提升培训专项", f"{YEAR}年校园安全监控系统建设"  # passes / has errors
UNIT_NAME = "长治市第一中学"
WAIT = 60_000


def shown(qtbot, dialog):
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    return dialog


def settle(qtbot, dialog):
    qtbot.waitUntil(lambda: not dialog.is_working(), timeout=WAIT)
    return dialog


def answer(monkeypatch, name, value):
    """Replace prompts.<name> by one that records its arguments and returns value."""
    asked = []

    def fake(*args, **kwargs):
        asked.append(args)
        return value

    monkeypatch.setattr(prompts, name, fake)
    return asked


def cells(table, row):
    return [table.item(row, c).text() for c in range(table.columnCount())]


def tampered(package: bytes) -> bytes:
    items = members(package)
    items["form.json"] = items["form.json"].replace(REPAIR.encode(), "2027年校舍维修改造项目（改）".encode())
    return rezip(items)


# --- identity ----------------------------------------------------------------------------

def test_generating_a_key_stores_it_and_shows_its_fingerprint(qtbot, demo_store, monkeypatch, tmp_path):
    unit = installation_unit(demo_store)
    assert unit.code == UNIT_CODE
    dialog = shown(qtbot, show_identity(None, demo_store))
    assert dialog.objectName() == "identityDialog"
    assert "还没有签名密钥" in dialog.status_label.text()
    assert not dialog.registration_button.isEnabled()

    answer(monkeypatch, "ask_new_passphrase", "a-long-passphrase")
    dialog.generate_button.click()
    record = demo_store.identity_for_unit(unit.id)
    assert record is not None
    assert dialog.fingerprint_label.text().replace("\n", " ") == keys.grouped(record.fingerprint)
    assert dialog.validity_label.text().endswith(f"至 {record.not_after.astimezone():%Y-%m-%d}")
    assert "已生成签名密钥" in dialog.message.text()

    answer(monkeypatch, "save_file", tmp_path / "登记表")
    dialog.registration_button.click()
    assert (tmp_path / "登记表.pdf").read_bytes().startswith(b"%PDF")
    assert str(tmp_path / "登记表.pdf") in dialog.message.text()

    asked = answer(monkeypatch, "confirm", False)  # a second key only after confirming
    dialog.generate_button.click()
    assert asked and len(demo_store.identities()) == 1


def test_a_too_short_passphrase_is_refused_with_the_reason(qtbot, demo_store, monkeypatch):
    dialog = shown(qtbot, show_identity(None, demo_store))
    answer(monkeypatch, "ask_new_passphrase", "short")
    dialog.generate_button.click()
    assert "口令至少需要 8 个字符" in dialog.message.text() and dialog.message.isVisible()
    assert demo_store.identities() == []

    prompt = NewPassphraseDialog(None)  # the real prompt says the same before closing
    qtbot.addWidget(prompt)
    prompt.first.setText("short")
    prompt.second.setText("short")
    prompt.accept()
    assert "至少需要 8 个字符" in prompt.message.text() and prompt.result() != prompt.DialogCode.Accepted
    prompt.first.setText("long enough")
    prompt.second.setText("long enougH")
    prompt.accept()
    assert prompt.message.text() == "两次输入的口令不一致，请重新输入"
    prompt.second.setText("long enough")
    prompt.accept()
    assert prompt.result() == prompt.DialogCode.Accepted and prompt.passphrase() == "long enough"


def test_pkcs12_import_and_the_unit_setting(qtbot, demo_store, monkeypatch, tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, UNIT_NAME),
                      x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, UNIT_CODE)])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(7).not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .sign(key, hashes.SHA256()))
    p12 = tmp_path / "unit.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"unit", key, cert, None, serialization.BestAvailableEncryption(b"p12-secret")))
    dialog = shown(qtbot, show_identity(None, demo_store))
    answer(monkeypatch, "open_file", p12)
    answer(monkeypatch, "ask_secret", "wrong")
    answer(monkeypatch, "ask_new_passphrase", "a-long-passphrase")
    dialog.import_button.click()
    assert "口令不正确" in dialog.message.text() and demo_store.identities() == []
    answer(monkeypatch, "ask_secret", "p12-secret")
    dialog.import_button.click()
    assert dialog.source_label.text() == "认证机构颁发（PKCS#12 导入）"
    assert dialog.fingerprint_label.text().replace("\n", " ") == keys.grouped(keys.fingerprint(cert))

    class Configured:  # a store that names the installation's unit in its settings
        def __init__(self, store, unit_id):
            self.store, self.unit_id = store, unit_id

        def get_setting(self, key):
            return str(self.unit_id) if key == "unit_id" else None

        def __getattr__(self, name):
            return getattr(self.store, name)

    county = demo_store.unit_by_code("310021")
    assert installation_unit(Configured(demo_store, county.id)) == county
    assert installation_unit(Configured(demo_store, 9999)).code == UNIT_CODE  # stale: the first unit


# --- trust registry ----------------------------------------------------------------------

def test_trust_registry_add_checks_the_fingerprint_and_remove_asks(qtbot, demo_store, monkeypatch):
    dialog = shown(qtbot, show_trust_registry(None, demo_store))
    assert dialog.objectName() == "trustDialog" and dialog.table.rowCount() == 0
    dialog.fingerprint_edit.setText("AB12 CD34")
    dialog.add_button.click()
    assert "单位编码" in dialog.message.text()
    dialog.code_edit.setText(UNIT_CODE)
    dialog.add_button.click()
    assert "64 位十六进制" in dialog.message.text()
    assert dialog.table.rowCount() == 0 and demo_store.trusted_keys() == []

    fp = "ab12:" * 16
    dialog.fingerprint_edit.setText(fp)
    dialog.add_button.click()
    assert dialog.table.rowCount() == 1
    row = cells(dialog.table, 0)
    assert row[:4] == ["单位", UNIT_NAME, UNIT_CODE, keys.grouped("AB12" * 16)]
    assert row[4] == "按登记表登记"
    assert "已登记单位" in dialog.message.text()

    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("office"))
    dialog.code_edit.setText("101001")
    dialog.name_edit.setText("长治市财政局")
    dialog.fingerprint_edit.setText("CD34 " * 16)
    dialog.add_button.click()
    assert {(t.role, t.unit_name) for t in demo_store.trusted_keys()} == {("unit", UNIT_NAME), ("office", "长治市财政局")}

    dialog.table.selectRow(0)  # the office: rows are in code order
    answer(monkeypatch, "confirm", False)
    dialog.remove_button.click()
    assert dialog.table.rowCount() == 2
    asked = answer(monkeypatch, "confirm", True)
    dialog.remove_button.click()
    assert keys.grouped("CD34" * 16) in asked[0][2] and "长治市财政局" in asked[0][2]
    assert dialog.table.rowCount() == 1 and [t.role for t in demo_store.trusted_keys()] == ["unit"]


# --- packaging ---------------------------------------------------------------------------

def test_a_form_with_errors_shows_the_refusal_and_cannot_be_packaged(qtbot, stores, tmp_path):
    unit, _office = stores
    dialog = shown(qtbot, export_package(None, unit, form_id_by_title(unit, CAMERAS)))
    assert dialog.objectName() == "packageDialog"
    assert dialog.refusal_text.isVisible() and "不能打包报送" in dialog.refusal_text.toPlainText()
    assert not dialog.generate_button.isEnabled()
    dialog.passphrase_edit.setText(UNIT_PASS)
    dialog.generate()
    assert not dialog.is_working() and not list(tmp_path.rglob("*.pdpkg"))


def test_packaging_needs_a_signing_key(qtbot, demo_store):
    dialog = shown(qtbot, export_package(None, demo_store, form_id_by_title(demo_store, TRAINING)))
    assert "还没有签名密钥" in dialog.message.text() and not dialog.generate_button.isEnabled()


def test_packaging_a_valid_form_writes_a_package_that_verifies(qtbot, stores, monkeypatch, tmp_path):
    unit, _office = stores
    form_id = form_id_by_title(unit, TRAINING)
    dialog = shown(qtbot, export_package(None, unit, form_id))
    assert not dialog.refusal_text.isVisible() and dialog.generate_button.isEnabled()
    assert dialog.target_edit.text().endswith(f"{UNIT_CODE}_{TRAINING}_v1.pdpkg")  # the core's name
    packaged = []  # what the runner reported changed (the list and open editors follow it)
    runner_for(dialog).forms_changed.connect(packaged.append)

    target = tmp_path / "U盘" / "培训"
    answer(monkeypatch, "save_file", target)
    dialog.browse_button.click()
    dialog.passphrase_edit.setText("not the passphrase")
    dialog.generate_button.click()
    settle(qtbot, dialog)
    assert "口令不正确" in dialog.message.text() and not target.with_suffix(".pdpkg").exists()

    seal = tmp_path / "seal.png"
    seal.write_bytes(seal_png())
    note = tmp_path / "说明.txt"
    note.write_text("附件", encoding="utf-8")
    answer(monkeypatch, "open_file", seal)
    answer(monkeypatch, "open_files", [note])
    dialog.seal_button.click()
    dialog.attach_button.click()
    dialog.passphrase_edit.setText(UNIT_PASS)
    dialog.generate_button.click()
    assert dialog.is_working() and not dialog.generate_button.isEnabled()
    settle(qtbot, dialog)
    written = tmp_path / "U盘" / "培训.pdpkg"
    verified = verify_package(written.read_bytes(), check_pdf=True)
    assert verified.signer_name == UNIT_NAME and verified.manifest.title == TRAINING
    assert "attachments/说明.txt" in verified.manifest.members and verified.pdf.intact
    assert str(written) in dialog.message.text() and packaged == [frozenset({form_id})]
    assert unit.get_form(form_id).status.label == "已报送"
    assert not dialog.generate_button.isEnabled() and dialog.passphrase_edit.text() == ""


# --- importing ---------------------------------------------------------------------------

def test_import_reports_imported_then_duplicate_then_a_tampered_copy_rejected(qtbot, world, stores, monkeypatch,
                                                                             tmp_path):
    _unit, office = stores
    trust_unit(office, world)
    (tmp_path / "u").mkdir()
    package = tmp_path / "u" / "v1.pdpkg"
    package.write_bytes(world.package)
    dialog = shown(qtbot, import_packages(None, office))
    assert dialog.objectName() == "importDialog"
    imported = []  # what the runner reported changed
    runner_for(dialog).forms_changed.connect(imported.append)

    answer(monkeypatch, "open_files", [package])
    dialog.files_button.click()
    assert dialog.findChild(type(dialog.job.dialog), "progressDialog") is dialog.job.dialog
    settle(qtbot, dialog)
    assert dialog.results()[0][:2] == ("v1.pdpkg", "已导入") and cells(dialog.table, 0)[1] == "已导入"
    assert [f.title for f in office.list_forms()] == [REPAIR]
    assert imported == [frozenset(f.id for f in office.list_forms())]

    (tmp_path / "u" / "v1_copy.pdpkg").write_bytes(tampered(world.package))
    answer(monkeypatch, "choose_folder", tmp_path / "u")
    dialog.folder_button.click()
    settle(qtbot, dialog)
    rows = {name: (result, reason) for name, result, reason in dialog.results()}
    assert rows["v1.pdpkg"][0] == "已导入过"
    assert rows["v1_copy.pdpkg"] == ("已拒绝", "文件 form.json 与签名清单不符（内容被改动过），已拒绝")
    assert "导入 0 个" in dialog.summary_label.text() and "拒绝 1 个" in dialog.summary_label.text()
    assert len(office.list_forms()) == 1 and len(imported) == 1  # the second import changed no form


def test_an_unknown_signer_is_trusted_only_after_confirming(qtbot, world, stores, monkeypatch, tmp_path):
    _unit, office = stores
    package = tmp_path / "v1.pdpkg"
    package.write_bytes(world.package)
    dialog = shown(qtbot, import_packages(None, office))
    answer(monkeypatch, "open_files", [package])

    shown_text = []

    def no(box):
        shown_text.append(box.text())
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "exec", no)  # the real question, declined
    dialog.files_button.click()
    settle(qtbot, dialog)
    assert UNIT_NAME in shown_text[0] and f"编码 {UNIT_CODE}" in shown_text[0]
    assert keys.grouped(world.unit_fp)[:39] in shown_text[0] and keys.grouped(world.unit_fp)[40:] in shown_text[0]
    result, reason = dialog.results()[0][1:]
    assert result == "已拒绝" and "未获信任" in reason
    assert office.list_forms() == [] and office.trusted_keys() == []

    asked = answer(monkeypatch, "confirm_new_signer", True)
    dialog.files_button.click()
    settle(qtbot, dialog)
    signer = asked[0][1]
    assert (signer.signer_name, signer.unit_code, signer.fingerprint) == (UNIT_NAME, UNIT_CODE, world.unit_fp)
    assert dialog.results()[0][1] == "已导入"
    assert office.trusted_key(world.unit_fp).source == "first-import"


def test_import_can_be_cancelled_between_packages(qtbot, world, stores, monkeypatch, tmp_path):
    import perfdesk.package.importer as importer

    _unit, office = stores
    trust_unit(office, world)
    for name in ("a.pdpkg", "b.pdpkg", "c.pdpkg"):
        (tmp_path / name).write_bytes(world.package if name == "a.pdpkg" else tampered(world.package))
    gate, calls = threading.Event(), []

    def held(*args, **kwargs):
        calls.append(args[2])
        assert gate.wait(WAIT / 1000)
        return import_bytes(*args, **kwargs)

    monkeypatch.setattr(importer, "import_bytes", held)
    dialog = shown(qtbot, import_packages(None, office))
    answer(monkeypatch, "choose_folder", tmp_path)
    dialog.folder_button.click()
    try:
        qtbot.waitUntil(lambda: bool(calls), timeout=WAIT)
        progress = dialog.job.dialog
        assert progress.objectName() == "progressDialog" and progress.isVisible()
        dialog.reject()  # cannot close while importing
        assert dialog.isVisible() and "请等待" in dialog.message.text()
        progress.findChild(QPushButton).click()  # 取消
        assert "正在取消" in progress.labelText()
    finally:
        gate.set()
        settle(qtbot, dialog)
    assert [r[:2] for r in dialog.results()] == [("a.pdpkg", "已导入"), ("b.pdpkg", "未处理"), ("c.pdpkg", "未处理")]
    assert len(calls) == 1 and "未处理 2 个" in dialog.summary_label.text()


# --- inbox -------------------------------------------------------------------------------

def test_inbox_lists_entries_and_verify_names_the_signer(qtbot, world, stores, monkeypatch, tmp_path):
    _unit, office = stores
    trust_unit(office, world)
    assert import_bytes(office, world.package, "v1.pdpkg").status == "imported"
    assert import_bytes(office, tampered(world.package), "bad.pdpkg").status == "rejected"
    dialog = shown(qtbot, show_inbox(None, office))
    assert dialog.objectName() == "inboxDialog" and dialog.table.rowCount() == 2
    rows = {cells(dialog.table, r)[8]: cells(dialog.table, r) for r in range(2)}
    good, bad = rows["v1.pdpkg"], rows["bad.pdpkg"]
    assert good[1:4] == ["已导入", "表单报送", UNIT_NAME] and good[6:8] == [REPAIR, "1"]
    assert bad[1] == "已拒绝" and "与签名清单不符" in bad[9]
    dialog.table.selectRow(0)
    assert "结果：" in dialog.details.toPlainText()

    package = tmp_path / "v1.pdpkg"
    package.write_bytes(world.package)
    answer(monkeypatch, "open_file", package)
    dialog.verify_button.click()
    settle(qtbot, dialog)
    text = dialog.details.toPlainText()
    assert f"签名人：{UNIT_NAME}（{UNIT_CODE}）" in text and "登记情况：已登记" in text
    assert "文件完整性：全部" in text and "PDF 内签名：有效" in text and text.endswith("结论：有效")

    (tmp_path / "bad.pdpkg").write_bytes(tampered(world.package))
    answer(monkeypatch, "open_file", tmp_path / "bad.pdpkg")
    dialog.verify_button.click()
    settle(qtbot, dialog)
    assert "结论：无效——文件 form.json 与签名清单不符" in dialog.details.toPlainText()
