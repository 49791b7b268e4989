"""The rows a dialog that signs and writes a package ends with (审核, 转发审核结果): the package file with
选择…, the signing key's passphrase, a red line for what went wrong, and the buttons."""

from __future__ import annotations

from typing import Callable, NamedTuple

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout)

from perfdesk.app import installation
from perfdesk.errors import UserError


class PackageRows(NamedTuple):
    target: QLineEdit
    passphrase: QLineEdit
    error: QLabel
    buttons: QDialogButtonBox


def add_package_rows(dialog: QDialog, form: QFormLayout, layout: QVBoxLayout, *, name: str, ok_text: str,
                     browse: Callable[[], None]) -> PackageRows:
    """Adds the rows under `form` (then the form to `layout`); `name` prefixes the widgets' object names.
    The caller adds its help button to the returned buttons, naming its page of the manual."""
    target = QLineEdit(dialog)
    target.setObjectName(f"{name}Target")
    choose = QPushButton("选择…", dialog)
    choose.clicked.connect(browse)
    where = QHBoxLayout()
    where.addWidget(target, 1)
    where.addWidget(choose)
    form.addRow("数据包文件：", where)
    passphrase = QLineEdit(dialog)
    passphrase.setObjectName(f"{name}Passphrase")
    passphrase.setEchoMode(QLineEdit.EchoMode.Password)
    form.addRow("签名密钥口令：", passphrase)
    layout.addLayout(form)
    error = QLabel(dialog)
    error.setObjectName(f"{name}Error")
    error.setWordWrap(True)
    error.setStyleSheet("color: #c62828;")
    error.hide()
    layout.addWidget(error)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    return PackageRows(target, passphrase, error, buttons)


def signing_unit(store, show_error: Callable[[str], None]):
    """This installation's own unit, whose key signs the package; None, the reason shown, when there is none."""
    try:
        unit = installation.own_unit(store)
    except UserError as exc:
        show_error(str(exc))
        return None
    if unit is None:
        show_error("本机还没有设置单位：请先在“设置 → 单位设置”中填写本单位")
    return unit
