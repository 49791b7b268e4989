"""审核: a 主管部门's or a finance office level's decision on a form under review here — the opinion, the
reviewer, approve (at a 主管部门: approve and forward) or return with the letter and reasons per field,
本年度实际安排资金 where the office fills it, and what changed since the version approved before.

The decision itself is `app.review_moves.decide`; this dialog only asks and shows."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDialog, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPlainTextEdit, QPushButton, QRadioButton, QTableWidget, QVBoxLayout, QWidget)

from perfdesk.domain.lifecycle import IN_REVIEW, Actor, Status, is_final, decision_target
from perfdesk.domain.registry import form_of
from perfdesk.errors import UserError
from perfdesk.store import Store
from perfdesk.app import installation
from perfdesk.ui.help_window import add_help_button
from perfdesk.ui.package_rows import add_package_rows, signing_unit
from perfdesk.ui.runner import runner_for
from perfdesk.ui.screen_fit import open_within_screen


class ReviewDialog(QDialog):
    decided = Signal(int)  # the form's id, once the decision is stored (then `outcome` says what it did)

    def __init__(self, store: Store, form_instance_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from perfdesk.app.review_moves import current_round
        from perfdesk.app.workflow import changes_since_approval, previous_version_changes

        self.setObjectName("reviewDialog")
        self.outcome = ""
        self.store = store
        self.record = store.get_form(form_instance_id)
        self.form = form_of(self.record)
        self.level = IN_REVIEW.get(self.record.status)
        self.round = current_round(store, self.record.id)
        self.setWindowTitle(f"审核：{self.record.title}")
        open_within_screen(self, 720, 800)  # its rows scroll where the screen is lower
        layout = QVBoxLayout(self)
        who = self.level.label if self.level else "—"
        intro = QLabel(f"《{self.record.title}》第 {self.record.package_version or '—'} 版，{self.round.value}；"
                       f"现为“{self.record.status.display}”，由本机作为{who}审核。", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)

        approved, changes = changes_since_approval(store, self.record)
        if approved is None:
            changes = previous_version_changes(store, self.record)
        self.changes = QPlainTextEdit(self)
        self.changes.setObjectName("reviewChanges")
        self.changes.setReadOnly(True)
        self.changes.setPlainText("\n".join(c.line() for c in changes) or "（与上一版本相比没有改动，或这是第一版）")
        self.changes.setMaximumHeight(110)
        layout.addWidget(QLabel(f"与{approved.label if approved else '上一版本'}相比的改动：", self))
        layout.addWidget(self.changes)

        form = QFormLayout()
        self.approve = QRadioButton("审核通过并转报财政部门" if self.level is Actor.SUPERVISOR else "审核通过", self)
        self.approve.setObjectName("approveChoice")
        self.give_back = QRadioButton("退回修改", self)
        self.give_back.setObjectName("returnChoice")
        self.approve.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.approve)
        group.addButton(self.give_back)
        choices = QHBoxLayout()
        choices.addWidget(self.approve)
        choices.addWidget(self.give_back)
        form.addRow("审核结论：", choices)
        self.opinion = QPlainTextEdit(self)
        self.opinion.setObjectName("reviewOpinion")
        self.opinion.setMaximumHeight(70)
        form.addRow("审核意见：", self.opinion)
        self.reviewer = QLineEdit(self)
        self.reviewer.setObjectName("reviewReviewer")
        form.addRow("审核人：", self.reviewer)
        self.letter = QPlainTextEdit(self)
        self.letter.setObjectName("reviewLetter")
        self.letter.setMaximumHeight(70)
        form.addRow("反馈意见（退回时必填）：", self.letter)
        self.reasons = QTableWidget(0, 2, self)
        self.reasons.setObjectName("reviewReasons")
        self.reasons.setHorizontalHeaderLabels(["栏目", "退回理由"])
        self.reasons.horizontalHeader().setStretchLastSection(True)
        self.reasons.setMaximumHeight(110)
        add = QPushButton("添加逐栏理由", self)
        add.setObjectName("addReason")
        add.clicked.connect(self.add_reason)
        form.addRow("逐栏退回理由：", self.reasons)
        form.addRow("", add)
        self.actual: dict[str, QLineEdit] = {}
        if self.level in (Actor.FINANCE_DEPT, Actor.PERF_MGMT) and "fund_sources" in self.form.tables:
            table = self.form.tables["fund_sources"]
            for row in (r for r in table.tree if not r.children):
                edit = QLineEdit(str(((self.record.data.get("fund_sources") or {}).get(row.key) or {})
                                     .get("actual") or ""), self)
                edit.setObjectName(f"actual_{row.key}")
                edit.setPlaceholderText("万元")
                self.actual[row.key] = edit
                form.addRow(f"本年度实际安排资金·{row.label}：", edit)
        self.target, self.passphrase, self.error, buttons = add_package_rows(
            self, form, layout, name="review", ok_text="确定", browse=self._browse)
        add_help_button(buttons, "review")  # the manual's 审核 page
        self.approve.toggled.connect(self._show_sending)
        self._show_sending()

    def decision(self) -> str:
        return "approve" if self.approve.isChecked() else "return"

    def sends(self) -> bool:
        """Whether this decision is signed into a package (else the next level is on this computer)."""
        from perfdesk.domain.lifecycle import Action

        try:
            move, _ = decision_target(self.record.status, self.decision(), self.round)
        except UserError:
            return False
        return is_final(move) or move.action is Action.FORWARD

    def _show_sending(self, *_args) -> None:
        sending = self.sends()
        self.target.setEnabled(sending)
        self.passphrase.setEnabled(sending)
        if sending and not self.target.text():
            unit = self.store.get_unit(self.record.unit_id)
            suffix = "_主管部门转报" if self.level is Actor.SUPERVISOR and self.decision() == "approve" else "_审核结果"
            self.target.setText(str(Path.home() / f"{unit.code}_{self.record.title}{suffix}.pdpkg"))

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "保存审核结果数据包", self.target.text(), "数据包 (*.pdpkg)")
        if path:
            self.target.setText(path)

    def add_reason(self, path: str = "", text: str = "") -> None:
        row = self.reasons.rowCount()
        self.reasons.insertRow(row)
        box = QComboBox(self.reasons)
        for key, field in self.form.fields.items():
            if not field.finance_only:
                box.addItem(field.label, key)
        for key, table in self.form.tables.items():
            box.addItem(table.label, key)
        if path:
            box.setCurrentIndex(max(box.findData(path), 0))
        self.reasons.setCellWidget(row, 0, box)
        from PySide6.QtWidgets import QTableWidgetItem

        self.reasons.setItem(row, 1, QTableWidgetItem(text))

    def reasons_given(self) -> dict[str, str]:
        found = {}
        for row in range(self.reasons.rowCount()):
            box, item = self.reasons.cellWidget(row, 0), self.reasons.item(row, 1)
            if item is not None and item.text().strip():
                found[box.currentData()] = item.text().strip()
        return found

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def accept(self) -> None:
        from perfdesk.package.identity import load_signer
        from perfdesk.app.review_moves import actual_cells, decide

        if self.decision() == "return" and not self.letter.toPlainText().strip():
            self.show_error("退回修改须写明反馈意见，告诉单位要改什么：请在“反馈意见”框中填写")  # before asking for the key
            return
        if self.decision() == "approve" and not self.opinion.toPlainText().strip():
            self.show_error(f"{self.level.label if self.level else ''}审核通过须填写审核意见：请在“审核意见”框中填写")
            return
        unit, target = None, None
        if self.sends():
            unit = signing_unit(self.store, self.show_error)
            if unit is None:
                return
            target = Path(self.target.text().strip())
        amounts = {k: e.text().strip() for k, e in self.actual.items() if e.text().strip()}
        try:
            finance = actual_cells(self.record, amounts) if amounts else {}
        except (UserError, ValueError) as exc:
            self.show_error(str(exc))
            return
        store, record, passphrase = self.store, self.record, self.passphrase.text()
        choice = dict(decision=self.decision(), opinion=self.opinion.toPlainText(), reviewer=self.reviewer.text(),
                      letter=self.letter.toPlainText(), reasons=self.reasons_given(), finance=finance, target=target)

        def work(context):  # signing (the key's passphrase) and writing the package, off the GUI thread
            signer = load_signer(store, unit.id, passphrase) if unit is not None else None
            decided = decide(store, record.id, signer, **choice)
            context.changed(record.id)
            return decided

        end = runner_for(self).run(self, "审核", "正在保存审核决定…", work)
        if end.error:
            self.show_error(end.error)
            return
        decided = end.value
        from perfdesk.ui import move_outcome

        self.outcome = move_outcome.decision(self.store, decided, target)  # what the clerk is told next
        self.decided.emit(self.record.id)
        super().accept()


def reviewable(store: Store, status: Status) -> bool:
    """Whether this installation reviews forms in this status."""
    level = IN_REVIEW.get(status)
    return level is not None and level in installation.role(store).actors
