"""签名密钥: whether this installation's unit has a signing key, and making, importing or
registering one (the 公钥登记表 the finance office registers the fingerprint from)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from perfdesk.errors import UserError
from perfdesk.os_errors import explain
from perfdesk.store import Store
from perfdesk.ui import dialogs
from perfdesk.ui.packages import prompts
from perfdesk.ui.runner import runner_for
from perfdesk.ui.screen_fit import open_within_screen
from perfdesk.ui.packages.common import (
    IDENTITY_SOURCES, PackageDialog, close_buttons, day, installation_unit, two_lines)


class IdentityDialog(PackageDialog):
    changed = Signal()  # a key was generated or imported

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent, "identityDialog", "签名密钥")
        self.store = store
        open_within_screen(self, 620, 360)
        self.unit = installation_unit(store)

        layout = QVBoxLayout(self)
        self.unit_label = QLabel(self)
        self.unit_label.setObjectName("unitLabel")
        layout.addWidget(self.unit_label)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("statusLabel")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)

        details = QFormLayout()
        self.fingerprint_label = QLabel(self)
        self.fingerprint_label.setObjectName("fingerprintLabel")
        self.fingerprint_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint_label.setStyleSheet("font-family: monospace; font-size: 13pt;")
        self.validity_label = QLabel(self)
        self.validity_label.setObjectName("validityLabel")
        self.subject_label = QLabel(self)
        self.source_label = QLabel(self)
        details.addRow("公钥指纹：", self.fingerprint_label)
        details.addRow("有效期：", self.validity_label)
        details.addRow("证书主题：", self.subject_label)
        details.addRow("证书来源：", self.source_label)
        self.details = QWidget(self)
        self.details.setLayout(details)
        layout.addWidget(self.details)
        layout.addWidget(self.message)
        layout.addStretch(1)

        row = QHBoxLayout()
        self.generate_button = QPushButton("生成签名密钥", self)
        self.generate_button.setObjectName("generateButton")
        self.import_button = QPushButton("导入 PKCS#12…", self)
        self.import_button.setObjectName("importButton")
        self.registration_button = QPushButton("导出公钥登记表…", self)
        self.registration_button.setObjectName("registrationButton")
        for button in (self.generate_button, self.import_button, self.registration_button):
            row.addWidget(button)
        row.addStretch(1)
        close = close_buttons(self)
        row.addWidget(close)
        layout.addLayout(row)

        self.generate_button.clicked.connect(self.generate)
        self.import_button.clicked.connect(self.import_pkcs12)
        self.registration_button.clicked.connect(self.export_registration)
        self.refresh()

    def refresh(self) -> None:
        from cryptography import x509

        from perfdesk.package import keys

        if self.unit is None:
            self.unit_label.setText("本机还没有设置单位。")
            self.status_label.setText("请先在主窗口中设置本单位信息，再生成签名密钥。")
            self.details.hide()
            for button in (self.generate_button, self.import_button, self.registration_button):
                button.setEnabled(False)
            return
        self.unit_label.setText(f"本单位：{self.unit.name}（编码 {self.unit.code}）")
        record = self.store.identity_for_unit(self.unit.id)
        self.registration_button.setEnabled(record is not None)
        if record is None:
            self.status_label.setText("本单位还没有签名密钥。生成签名密钥后，导出公钥登记表，签字盖章后交对方登记；"
                                      "之后报送的数据包才能被对方验证和导入。")
            self.details.hide()
            return
        cert = x509.load_pem_x509_certificate(record.cert_pem.encode("ascii"))
        self.status_label.setText("本单位已有签名密钥（私钥用口令加密保存在本机）。")
        self.fingerprint_label.setText(two_lines(keys.grouped(record.fingerprint)))
        validity = f"{day(cert.not_valid_before_utc)} 至 {day(record.not_after)}"
        if cert.not_valid_after_utc <= dt.datetime.now(dt.timezone.utc):
            validity += "（已过期：请重新生成签名密钥并重新登记）"
        self.validity_label.setText(validity)
        self.subject_label.setText(keys.subject_name(cert))
        self.source_label.setText(IDENTITY_SOURCES.get(record.source, record.source))
        self.details.show()

    def generate(self) -> None:
        from perfdesk.package.identity import create_identity

        self.clear_message()
        if self.store.identity_for_unit(self.unit.id) is not None and not prompts.confirm(
                self, "生成新的签名密钥",
                "本单位已有签名密钥。生成新密钥后，旧密钥不再用于签名，须导出新的公钥登记表重新交对方登记。\n是否继续？"):
            return
        passphrase = prompts.ask_new_passphrase(self)
        if passphrase is None:
            return
        store, unit_id = self.store, self.unit.id
        end = runner_for(self).run(self, "生成签名密钥", "正在生成签名密钥…",
                                   lambda _: create_identity(store, unit_id, passphrase))
        if end.error:
            self.show_error(end.error)
            return
        self.refresh()
        self.changed.emit()
        self.show_info("已生成签名密钥。请导出公钥登记表，核对指纹与本窗口显示的一致后签字盖章，交对方登记。")

    def import_pkcs12(self) -> None:
        from perfdesk.package.identity import import_pkcs12

        self.clear_message()
        path = prompts.open_file(self, "选择认证机构颁发的证书文件", "PKCS#12 证书 (*.p12 *.pfx);;所有文件 (*)")
        if path is None:
            return
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.show_error(f"无法读取证书文件 {path}：{explain(exc)}")
            return
        p12_secret = prompts.ask_secret(self, "证书文件口令", "请输入 PKCS#12 证书文件的口令（没有口令请留空）：")
        if p12_secret is None:
            return
        passphrase = prompts.ask_new_passphrase(self, "设置签名密钥口令（在本机加密保存密钥）")
        if passphrase is None:
            return
        store, unit_id = self.store, self.unit.id
        end = runner_for(self).run(self, "导入证书", "正在导入证书…",
                                   lambda _: import_pkcs12(store, unit_id, data, p12_secret or None, passphrase))
        if end.error:
            self.show_error(end.error)
            return
        self.refresh()
        self.changed.emit()
        self.show_info("已导入证书。请导出公钥登记表，签字盖章后交对方登记。")

    def export_registration(self) -> None:
        from perfdesk.package.builder import write_package
        from perfdesk.app.key_registration import registration_form_pdf

        self.clear_message()
        suggested = dialogs.last_export_dir() / dialogs.safe_file_name(f"公钥登记表_{self.unit.name}.pdf")
        target = prompts.save_file(self, "导出公钥登记表", suggested, "PDF 文件 (*.pdf)")
        if target is None:
            return
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        try:
            write_package(Path(target), registration_form_pdf(self.store, self.unit.id))
        except UserError as exc:
            self.show_error(str(exc))
            return
        dialogs.remember_export_dir(target.parent)
        self.show_info(f"已导出公钥登记表：{target}\n请打印，核对指纹后由单位负责人签字、加盖公章，交对方登记。")
