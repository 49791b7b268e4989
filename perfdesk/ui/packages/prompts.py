"""The modal questions the package dialogs ask, each in one place so tests can replace it.

Callers use them as `prompts.ask_new_passphrase(...)` (not `from .prompts import ...`), so a
test's `monkeypatch.setattr(prompts, "ask_new_passphrase", ...)` reaches every caller. File
dialogs start in the folder the user last exported to.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from perfdesk.app.package_import import NewSigner  # noqa: F401 - the dialogs name it
from perfdesk.ui import dialogs

PACKAGE_FILTER = "签名数据包 (*.pdpkg);;所有文件 (*)"


def ask_new_passphrase(parent: QWidget | None, title: str = "设置签名密钥口令") -> str | None:
    """A new passphrase typed twice and long enough, or None when cancelled."""
    from perfdesk.ui.packages.passphrase import NewPassphraseDialog

    dialog = NewPassphraseDialog(parent, title)
    return dialog.passphrase() if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_secret(parent: QWidget | None, title: str, label: str) -> str | None:
    """A password typed once (shown as dots), or None when cancelled."""
    text, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Password)
    return text if ok else None


def open_file(parent: QWidget | None, caption: str, name_filter: str) -> Path | None:
    chosen, _ = QFileDialog.getOpenFileName(parent, caption, str(dialogs.last_export_dir()), name_filter)
    return Path(chosen) if chosen else None


def open_files(parent: QWidget | None, caption: str, name_filter: str) -> list[Path]:
    chosen, _ = QFileDialog.getOpenFileNames(parent, caption, str(dialogs.last_export_dir()), name_filter)
    return [Path(c) for c in chosen]


def choose_folder(parent: QWidget | None, caption: str) -> Path | None:
    return dialogs.existing_directory(parent, caption, dialogs.last_export_dir())


def save_file(parent: QWidget | None, caption: str, suggested: Path, name_filter: str) -> Path | None:
    return dialogs.save_file_name(parent, caption, suggested, name_filter)


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    return dialogs.confirm(parent, title, text)


def confirm_new_signer(parent: QWidget | None, signer: NewSigner) -> bool:
    """Trust a signer on first import? Shows who it is and the fingerprint to compare with the
    signer's 公钥登记表; the safe answer (不信任) is the default."""
    from perfdesk.package import keys

    from perfdesk.ui.packages.common import two_lines

    from perfdesk.package.verifier import KEY_ROLE_NAMES

    who = KEY_ROLE_NAMES.get(signer.role, "单位")
    files = "、".join(signer.files[:3]) + (f" 等 {len(signer.files)} 个" if len(signer.files) > 3 else "")
    text = (f"以下数据包的签名人尚未在本机登记：\n\n"
            f"签名人：{signer.signer_name}\n"
            f"{who}：{signer.unit_name}（编码 {signer.unit_code}）\n"
            f"公钥指纹：\n{two_lines(keys.grouped(signer.fingerprint))}\n\n"
            f"数据包：{files}\n\n"
            "请对照对方盖章的公钥登记表，或电话向对方核对，确认指纹逐位一致后再信任。"
            "信任后该公钥将登记在本机，今后用它签名的数据包会直接导入。\n\n"
            "是否信任该公钥并导入？")
    yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
    box = QMessageBox(QMessageBox.Icon.Warning, "签名人尚未登记", text, yes | no, parent)
    box.setObjectName("confirmNewSigner")
    box.button(yes).setText("信任并导入")
    box.button(no).setText("不信任，不导入")
    box.setDefaultButton(no)
    return box.exec() == yes
