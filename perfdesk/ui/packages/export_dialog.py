"""生成报送数据包: one form, signed with its unit's key, written to a file (a USB stick).

A form the core refuses (errors, warnings without explanations) shows the reasons and cannot be
packaged. Otherwise: the passphrase, an optional seal and attachments, and where to write; the
building (rendering, PDF signature) runs in a worker thread."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from perfdesk.errors import UserError
from perfdesk.os_errors import explain
from perfdesk.store import Store
from perfdesk.ui import dialogs
from perfdesk.ui.help_window import add_help_button
from perfdesk.ui.packages import prompts
from perfdesk.ui.screen_fit import open_within_screen
from perfdesk.ui.packages.common import PackageDialog
from perfdesk.ui.runner import JobContext

PNG_FILTER = "PNG 图片 (*.png)"


@dataclass(frozen=True)
class Written:
    target: Path
    version: int
    size: int
    signer_name: str
    signer_code: str
    fingerprint: str


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UserError(f"无法读取{what} {path}：{explain(exc)}") from exc


class ExportDialog(PackageDialog):

    def __init__(self, store: Store, form_instance_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent, "packageDialog", "生成报送数据包")
        self.store = store
        self.form_instance_id = form_instance_id
        open_within_screen(self, 700, 560)
        self.seal_path: Path | None = None
        self.attachments: list[Path] = []
        self.written: Written | None = None

        layout = QVBoxLayout(self)
        self.form_label = QLabel(self)
        self.form_label.setObjectName("formLabel")
        self.form_label.setWordWrap(True)
        layout.addWidget(self.form_label)
        self.refusal_text = QPlainTextEdit(self)
        self.refusal_text.setObjectName("refusalText")
        self.refusal_text.setReadOnly(True)
        self.refusal_text.hide()
        layout.addWidget(self.refusal_text)

        self.inputs = QWidget(self)
        form = QFormLayout(self.inputs)
        form.setContentsMargins(0, 0, 0, 0)
        self.passphrase_edit = QLineEdit(self.inputs)
        self.passphrase_edit.setObjectName("passphraseEdit")
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("签名密钥口令：", self.passphrase_edit)

        seal_row = QHBoxLayout()
        self.seal_label = QLabel("未选择（可不加盖）", self.inputs)
        self.seal_label.setObjectName("sealLabel")
        self.seal_button = QPushButton("选择…", self.inputs)
        self.seal_button.setObjectName("sealButton")
        self.seal_clear = QPushButton("不加盖", self.inputs)
        seal_row.addWidget(self.seal_label, 1)
        seal_row.addWidget(self.seal_button)
        seal_row.addWidget(self.seal_clear)
        form.addRow("公章图片：", seal_row)

        attach_row = QHBoxLayout()
        self.attachment_list = QListWidget(self.inputs)
        self.attachment_list.setObjectName("attachmentList")
        self.attachment_list.setMaximumHeight(90)
        attach_buttons = QVBoxLayout()
        self.attach_button = QPushButton("添加附件…", self.inputs)
        self.attach_button.setObjectName("attachButton")
        self.detach_button = QPushButton("移除附件", self.inputs)
        attach_buttons.addWidget(self.attach_button)
        attach_buttons.addWidget(self.detach_button)
        attach_buttons.addStretch(1)
        attach_row.addWidget(self.attachment_list, 1)
        attach_row.addLayout(attach_buttons)
        form.addRow("附件：", attach_row)

        target_row = QHBoxLayout()
        self.target_edit = QLineEdit(self.inputs)
        self.target_edit.setObjectName("targetEdit")
        self.browse_button = QPushButton("浏览…", self.inputs)
        self.browse_button.setObjectName("browseButton")
        target_row.addWidget(self.target_edit, 1)
        target_row.addWidget(self.browse_button)
        form.addRow("保存到：", target_row)
        layout.addWidget(self.inputs)
        layout.addWidget(self.message)
        layout.addStretch(1)

        buttons = QDialogButtonBox(self)
        self.generate_button = buttons.addButton("生成", QDialogButtonBox.ButtonRole.AcceptRole)
        self.generate_button.setObjectName("generateButton")
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText("关闭")
        buttons.rejected.connect(self.reject)
        add_help_button(buttons, "package")  # the manual's 报送包 page
        layout.addWidget(buttons)

        self.generate_button.clicked.connect(self.generate)
        self.seal_button.clicked.connect(self.choose_seal)
        self.seal_clear.clicked.connect(self.clear_seal)
        self.attach_button.clicked.connect(self.add_attachments)
        self.detach_button.clicked.connect(self.remove_attachment)
        self.browse_button.clicked.connect(self.choose_target)
        self.passphrase_edit.returnPressed.connect(self.generate)
        self._ready = self._load()
        self._set_working(False)

    # --- what the form allows -----------------------------------------------------------------

    def _load(self) -> bool:
        """Show the form and whether it may be packaged; False when it may not."""
        from perfdesk.domain.registry import form_of
        from perfdesk.package import keys
        from perfdesk.domain.lifecycle import Role
        from perfdesk.app.operations import check_context
        from perfdesk.package.builder import file_name
        from perfdesk.app.form_submission import next_version, refusal, submission_of
        from perfdesk.package.formdata import strip_finance

        try:
            record = self.store.get_form(self.form_instance_id)
            unit = self.store.get_unit(record.unit_id)
            # What the office receives: the unit's document without the finance-only cells.
            submission_of(self.store, record)  # a frozen form says what to do instead
            reason = refusal(record, strip_finance(form_of(record), record.data),
                             check_context(self.store, record, role=Role.UNIT))
            identity = self.store.identity_for_unit(unit.id)
            version = next_version(record)  # the one package_form will give it
        except UserError as exc:
            from perfdesk.domain.lifecycle import TransitionRefused

            self.form_label.setText("不能生成数据包。" if isinstance(exc, TransitionRefused) else "无法读取表单。")
            self.show_error(str(exc))
            self.inputs.setEnabled(False)
            return False
        self.form_title = record.title
        self.form_label.setText(f"表单：《{record.title}》（{record.year} 年度，{record.status.display}）\n"
                                f"单位：{unit.name}（{unit.code}）\n"
                                f"将作为第 {version} 版报送，用本单位的签名密钥签名。")
        self.target_edit.setText(str(dialogs.last_export_dir() / file_name(unit.code, record.title, version)))
        if reason:
            self.refusal_text.setPlainText(reason)
            self.refusal_text.show()
            self.inputs.setEnabled(False)
            self.show_error("表单未通过校验，不能生成数据包。请在编辑窗口中处理上面列出的问题后再试。")
            return False
        if identity is None:
            self.inputs.setEnabled(False)
            self.show_error(f"单位“{unit.name}”还没有签名密钥，请先在「签名密钥」中生成，并把公钥登记表交财政部门登记。")
            return False
        self.form_label.setText(self.form_label.text() + f"\n公钥指纹：{keys.grouped(identity.fingerprint)}")
        return True

    def _set_working(self, busy: bool) -> None:
        ready = getattr(self, "_ready", False)
        self.generate_button.setEnabled(ready and not busy and self.written is None)
        self.inputs.setEnabled(ready and not busy and self.written is None)

    # --- inputs -------------------------------------------------------------------------------

    def choose_seal(self) -> None:
        path = prompts.open_file(self, "选择单位公章图片", PNG_FILTER)
        if path is not None:
            self.seal_path = path
            self.seal_label.setText(str(path))

    def clear_seal(self) -> None:
        self.seal_path = None
        self.seal_label.setText("未选择（可不加盖）")

    def add_attachments(self) -> None:
        for path in prompts.open_files(self, "选择附件", "所有文件 (*)"):
            if path not in self.attachments:
                self.attachments.append(path)
                self.attachment_list.addItem(path.name)
                self.attachment_list.item(self.attachment_list.count() - 1).setToolTip(str(path))

    def remove_attachment(self) -> None:
        row = self.attachment_list.currentRow()
        if row >= 0:
            self.attachments.pop(row)
            self.attachment_list.takeItem(row)

    def choose_target(self) -> None:
        current = Path(self.target_edit.text().strip() or str(dialogs.last_export_dir()))
        chosen = prompts.save_file(self, "保存数据包", current, prompts.PACKAGE_FILTER)
        if chosen is not None:
            self.target_edit.setText(str(chosen))

    # --- building -----------------------------------------------------------------------------

    def generate(self) -> None:
        from perfdesk.package import PACKAGE_SUFFIX

        if not self.generate_button.isEnabled():
            return
        self.clear_message()
        passphrase = self.passphrase_edit.text()
        if not passphrase:
            self.show_error("请输入签名密钥口令")
            self.passphrase_edit.setFocus()
            return
        text = self.target_edit.text().strip()
        if not text:
            self.show_error("请选择数据包的保存位置")
            return
        target = Path(text)
        if target.suffix.lower() != PACKAGE_SUFFIX:
            target = target.with_name(target.name + PACKAGE_SUFFIX)
            self.target_edit.setText(str(target))
        if target.is_file() and not prompts.confirm(self, "文件已存在", f"{target}\n已存在，是否覆盖？"):
            return
        store, form_id = self.store, self.form_instance_id
        seal, attachments = self.seal_path, list(self.attachments)

        def work(context: JobContext) -> Written:
            from perfdesk.app.form_submission import package_form
            from perfdesk.package.identity import load_signer

            record = store.get_form(form_id)
            signer = load_signer(store, record.unit_id, passphrase)
            seal_png = _read(seal, "公章图片") if seal is not None else None
            files = [(path.name, _read(path, "附件")) for path in attachments]
            built = package_form(store, form_id, signer, target, seal_png=seal_png, attachments=files)
            context.changed(form_id)  # now 已报送: its row and open editor show it
            return Written(target, built.version, len(built.data), signer.name, signer.unit.code, signer.fingerprint)

        self.run_job("生成数据包", "正在生成数据包：校验、打印 PDF、签名…", work, self._written, failed=self._failed)

    def _failed(self, reason: str) -> None:
        self.show_error(reason)
        self.passphrase_edit.selectAll()
        self.passphrase_edit.setFocus()

    def _written(self, written: Written) -> None:
        from perfdesk.package import keys

        self.written = written
        self.passphrase_edit.clear()
        self._set_working(False)
        dialogs.remember_export_dir(written.target.parent)
        self.show_info(f"已生成数据包：{written.target}\n"
                       f"《{self.form_title}》第 {written.version} 版，{max(1, written.size // 1024)} KB；表单状态已改为“已报送”。\n"
                       f"签名人：{written.signer_name}（{written.signer_code}），"
                       f"公钥指纹 {keys.grouped(written.fingerprint)}\n"
                       "请把该文件复制到 U 盘交财政部门。")
