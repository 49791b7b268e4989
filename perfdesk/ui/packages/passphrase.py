"""设置签名密钥口令: a new passphrase typed twice; the length rule is the package core's."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from perfdesk.errors import UserError
from perfdesk.ui.help_window import add_help_button


class NewPassphraseDialog(QDialog):
    def __init__(self, parent: QWidget | None, title: str = "设置签名密钥口令") -> None:
        super().__init__(parent)
        from perfdesk.package.identity import MIN_PASSPHRASE

        self.setObjectName("newPassphraseDialog")
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        note = QLabel(f"口令用于加密保存在本机的签名密钥，每次生成数据包时都要输入，至少 {MIN_PASSPHRASE} 个字符。"
                      "请牢记：忘记口令只能重新生成密钥并重新登记。", self)
        note.setWordWrap(True)
        layout.addWidget(note)
        form = QFormLayout()
        self.first = QLineEdit(self)
        self.first.setObjectName("passphraseEdit")
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.second = QLineEdit(self)
        self.second.setObjectName("repeatEdit")
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("口令：", self.first)
        form.addRow("再输入一次：", self.second)
        layout.addLayout(form)
        self.message = QLabel(self)
        self.message.setObjectName("passphraseMessage")
        self.message.setStyleSheet("color: #b00020;")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        add_help_button(buttons, "package")  # the manual's 报送包 page: the passphrase
        layout.addWidget(buttons)

    def passphrase(self) -> str:
        return self.first.text()

    def accept(self) -> None:
        from perfdesk.package.identity import check_new_passphrase

        if self.first.text() != self.second.text():
            self.message.setText("两次输入的口令不一致，请重新输入")
            self.second.clear()
            self.second.setFocus()
            return
        try:
            check_new_passphrase(self.first.text())
        except UserError as exc:
            self.message.setText(str(exc))
            self.first.selectAll()
            self.first.setFocus()
            return
        super().accept()
