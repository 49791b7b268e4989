"""转发审核结果: at a 主管部门, the finance office's answer on a unit's form passed down to the unit —
the office's signed package untouched inside the 主管部门's own, with a note for the unit.

What was answered is shown; the relay itself is `app.review_moves.relay`."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from perfdesk.domain.registry import form_of
from perfdesk.store import Store
from perfdesk.ui import dialogs
from perfdesk.ui.runner import runner_for
from perfdesk.ui.help_window import add_help_button
from perfdesk.ui.package_rows import add_package_rows, signing_unit
from perfdesk.ui.screen_fit import open_within_screen


def answer_lines(store: Store, form_instance_id: int) -> list[str]:
    """The office's answer as it arrived: who decided, the opinion, the letter and each field's reason."""
    from perfdesk.app.review_desk import office_answer

    record = store.get_form(form_instance_id)
    answer = office_answer(store, record)
    if answer is None:
        return []
    label_of = form_of(record).label_of
    lines = [f"{answer.actor.label}（{answer.actor_name or ''}）：{record.status.display}"]
    if answer.opinion:
        lines.append(f"审核意见：{answer.opinion}")
    if answer.letter:
        lines.append(f"反馈意见：{answer.letter}")
    lines += [f"{label_of(path)}：{why}" for path, why in (answer.detail.get("reasons") or {}).items()]
    return lines


class RelayDialog(QDialog):
    relayed = Signal(int)  # the form's id, once the relay package is written (then `outcome` says where)

    def __init__(self, store: Store, form_instance_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from perfdesk.package.builder import file_name
        from perfdesk.app.review_desk import relayed

        self.setObjectName("relayDialog")
        self.setWindowTitle("转发审核结果")
        self.store = store
        self.record = store.get_form(form_instance_id)
        self.outcome = ""
        unit = store.get_unit(self.record.unit_id)
        layout = QVBoxLayout(self)
        before = relayed(store, self.record)
        again = f"（已于 {before.at.astimezone():%Y-%m-%d %H:%M} 转发过，可再次转发）" if before is not None else ""
        intro = QLabel(f"把财政部门对《{self.record.title}》第 {self.record.package_version} 版的审核结果原样转发给"
                       f"{unit.name}（{unit.code}），用本部门的签名密钥签名。{again}", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.answer = QPlainTextEdit("\n".join(answer_lines(store, self.record.id))
                                     or "本机没有收到财政部门对该版本的审核结果，无可转发。", self)
        self.answer.setObjectName("relayAnswer")
        self.answer.setReadOnly(True)
        self.answer.setMaximumHeight(120)
        layout.addWidget(QLabel("财政部门的审核结果：", self))
        layout.addWidget(self.answer)
        form = QFormLayout()
        self.note = QPlainTextEdit(self)
        self.note.setObjectName("relayNote")
        self.note.setPlaceholderText("给单位的说明，如：请按审核意见修改，于3月5日前重新报送。（可不填）")
        self.note.setMaximumHeight(70)
        form.addRow("转发说明：", self.note)
        self.target, self.passphrase, self.error, buttons = add_package_rows(
            self, form, layout, name="relay", ok_text="转发", browse=self._browse)
        add_help_button(buttons, "review")  # the manual's 审核 page: the relay is described there
        self.target.setText(str(dialogs.last_export_dir() / file_name(
            unit.code, self.record.title, self.record.package_version or 1, "_审核结果转发")))
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        open_within_screen(self, 640, self.sizeHint().height())  # the file name whole

    def _browse(self) -> None:
        path = dialogs.save_file_name(self, "保存转发数据包", Path(self.target.text()), "数据包 (*.pdpkg)")
        if path is not None:
            self.target.setText(str(path))

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def accept(self) -> None:
        from perfdesk.package import PACKAGE_SUFFIX
        from perfdesk.package.identity import load_signer
        from perfdesk.app.review_moves import relay
        from perfdesk.ui import move_outcome

        text = self.target.text().strip()
        if not text:
            self.show_error("请选择转发数据包的保存位置")
            return
        target = Path(text)
        if target.suffix.lower() != PACKAGE_SUFFIX:
            target = target.with_name(target.name + PACKAGE_SUFFIX)
        note = self.note.toPlainText().strip()
        unit = signing_unit(self.store, self.show_error)
        if unit is None:
            return
        store, form_instance_id, passphrase = self.store, self.record.id, self.passphrase.text()

        def work(context):  # signing and writing the package, off the GUI thread
            relay(store, form_instance_id, load_signer(store, unit.id, passphrase), target, note=note)
            context.changed(form_instance_id)

        end = runner_for(self).run(self, "转发审核结果", "正在签名并写出转发数据包…", work)
        if end.error:
            self.show_error(end.error)
            return
        dialogs.remember_export_dir(target.parent)
        self.outcome = move_outcome.relay(self.store, self.record.id, target, note)
        self.relayed.emit(self.record.id)
        super().accept()
