"""At a finance office, 任务 → 下发任务: the rounds it sends down, listed; a new round made or one changed in
RoundDialog (年度, 名称, 单位, 下发日期, and for each kind its deadline: a date typed, a rule of the office's
profile, or the one the regulations fix, each shown with its source as `perfdesk task create` gives it);
the chosen round exported as a signed task package, and the office told what was written and where.

The same functions as the CLI (office_desk.create_task / change_task / export_task) do the work."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from perfdesk.domain.dates import DateError, format_date, parse_date
from perfdesk.domain.registry import form_name
from perfdesk.domain.tasks import TASK_KINDS
from perfdesk.errors import UserError
from perfdesk.ui import dialogs
from perfdesk.ui.help_window import add_help_button
from perfdesk.ui.screen_fit import open_within_screen

COL_KIND, COL_DUE, COL_RULE, COL_SOURCE = range(4)
_ERROR_STYLE = "color: #b00020;"


def _rules(profile) -> dict:
    """The deadlines of the office's profile it may name for any kind, counted from the day it sends the round."""
    from perfdesk.domain.tasks import RULES

    deadlines = getattr(profile, "deadlines", None) or {}
    return {k: deadlines[k] for k in RULES if k in deadlines}


class RoundDialog(QDialog):
    """A round to send down: new, or `task` changed. accept() saves it through office_desk and keeps the
    dialog open with the reason when something is missing or wrong."""

    def __init__(self, store, parent: QWidget | None = None, task=None) -> None:
        super().__init__(parent)
        from perfdesk.domain.profiles import get_profile
        from perfdesk.app.office_operations import office_unit
        from perfdesk.store.office import OfficeStore

        self.store, self.task, self.saved = store, task, None
        self.own = office_unit(store)
        self.profile = get_profile(self.own.profile)
        self.setObjectName("roundDialog")
        self.setWindowTitle("修改任务" if task else "新建任务")
        self.year = QSpinBox(self, objectName="roundYear", minimum=2000, maximum=2199)
        self.year.setValue(task.year if task else dt.date.today().year)
        self.title_edit = QLineEdit(self, objectName="roundTitle")
        self.title_edit.setPlaceholderText("如 预算绩效管理报送")
        self.issued = QLineEdit(self, objectName="roundIssued")
        self.issued.setPlaceholderText("如 2027-03-01；期限按规则计算时从这天算起")
        self.note = QLineEdit(self, objectName="roundNote")
        self.note.setPlaceholderText("可不填；各单位在“下发任务”中看到")
        self.units = QComboBox(self, objectName="roundUnits")
        register = OfficeStore(store).units()
        self.units.addItem(f"名册中全部单位（{len(register)} 个）", "all")
        for code, name in dict((u.supervisor_code, u.supervisor_name) for u in register).items():
            count = sum(u.supervisor_code == code for u in register)
            self.units.addItem(f"{name}（{code}）所属 {count} 个单位", f"@{code}")
        if task is not None:  # a changed round keeps its units: the choice that names them, else the list itself
            groups = {"all": {u.code for u in register}}
            groups |= {f"@{u.supervisor_code}": {v.code for v in register if v.supervisor_code == u.supervisor_code}
                       for u in register}
            same = next((spec for spec, codes in groups.items() if codes == set(task.unit_codes)), None)
            if same is None:
                self.units.insertItem(0, f"保持原名单（{len(task.unit_codes)} 个单位）", ",".join(task.unit_codes))
            self.units.setCurrentIndex(self.units.findData(same) if same else 0)
        self.kinds = self._kinds_table()
        self.message = QLabel(self, objectName="roundMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(_ERROR_STYLE)
        form = QFormLayout()
        form.addRow("年度：", self.year)
        form.addRow("任务名称：", self.title_edit)
        form.addRow("报送单位：", self.units)
        form.addRow("下发日期：", self.issued)
        form.addRow("说明：", self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        add_help_button(buttons, "tasks")
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("要报送的表单（勾选）和报送期限：填日期，或选规则；都不填时按制度规定（制度未规定的须填日期）", self))
        layout.addWidget(self.kinds, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        open_within_screen(self, 1000, 600)
        self._fill(task)
        self.year.valueChanged.connect(self.show_sources)
        self.issued.textChanged.connect(self.show_sources)
        self.kinds.itemChanged.connect(lambda _item: self.show_sources())
        self.show_sources()

    def _kinds_table(self) -> QTableWidget:
        table = QTableWidget(len(TASK_KINDS), 4, self)
        table.setObjectName("roundKinds")
        table.setHorizontalHeaderLabels(["表单", "报送期限（日期）", "或按规则", "期限及依据"])
        table.verticalHeader().setVisible(False)
        rules = _rules(self.profile)
        for r, kind in enumerate(TASK_KINDS):
            item = QTableWidgetItem(form_name(kind) or kind)
            item.setData(Qt.ItemDataRole.UserRole, kind)
            item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(Qt.CheckState.Unchecked)
            table.setItem(r, COL_KIND, item)
            due = QLineEdit(table)
            due.setObjectName(f"due_{kind}")
            due.textChanged.connect(self.show_sources)
            table.setCellWidget(r, COL_DUE, due)
            rule = QComboBox(table)
            rule.setObjectName(f"rule_{kind}")
            rule.addItem("—", None)
            for key, d in rules.items():
                rule.addItem(f"下发后 {d.days} 日内", key)
                rule.setItemData(rule.count() - 1, f"{d.after}起 {d.days} 日内（{d.source}）", Qt.ItemDataRole.ToolTipRole)
            rule.currentIndexChanged.connect(self.show_sources)
            table.setCellWidget(r, COL_RULE, rule)
            source = QTableWidgetItem("")
            source.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            table.setItem(r, COL_SOURCE, source)
        header = table.horizontalHeader()
        header.setSectionResizeMode(COL_KIND, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_SOURCE, QHeaderView.ResizeMode.Stretch)
        table.setColumnWidth(COL_DUE, 130)
        table.setColumnWidth(COL_RULE, 120)
        return table

    def _fill(self, task) -> None:
        """A changed round starts from what it holds: its dates typed, its rules chosen, the rest by the regulations."""
        from perfdesk.domain.tasks import OFFICE_SET, profile_deadline

        self.issued.setText((task.issued_on if task else dt.date.today()).isoformat())
        if task is None:
            return
        self.title_edit.setText(task.title)
        self.note.setText(task.note)
        for r, kind in enumerate(TASK_KINDS):
            if kind not in task.deadlines:
                continue
            self.kinds.item(r, COL_KIND).setCheckState(Qt.CheckState.Checked)
            given = task.deadlines[kind]
            if given.source == OFFICE_SET:
                self.due_edit(kind).setText(given.due.isoformat())
                continue
            rule = self.rule_box(kind)
            for i in range(1, rule.count()):
                if profile_deadline(kind, task.year, task.issued_on, self.profile, rule.itemData(i)) == given:
                    rule.setCurrentIndex(i)

    # --- what the clerk chose -----------------------------------------------------------------

    def due_edit(self, kind: str) -> QLineEdit:
        return self.kinds.cellWidget(TASK_KINDS.index(kind), COL_DUE)

    def rule_box(self, kind: str) -> QComboBox:
        return self.kinds.cellWidget(TASK_KINDS.index(kind), COL_RULE)

    def chosen_kinds(self) -> list[str]:
        return [k for r, k in enumerate(TASK_KINDS)
                if self.kinds.item(r, COL_KIND).checkState() == Qt.CheckState.Checked]

    def source_text(self, kind: str) -> str:
        return self.kinds.item(TASK_KINDS.index(kind), COL_SOURCE).text()

    def _issued(self) -> dt.date:
        day = parse_date(self.issued.text())
        if day is None:
            raise DateError("请填写“下发日期”，如 2027-03-01")
        return day

    def _deadline(self, kind: str, year: int, issued: dt.date):
        """The kind's deadline as the round would get it, or the reason there is none (DateError, TaskError)."""
        from perfdesk.domain.tasks import OFFICE_SET, Deadline, TaskError, profile_deadline

        name = form_name(kind) or kind
        typed = self.due_edit(kind).text()
        if typed.strip():
            try:
                return Deadline(parse_date(typed), OFFICE_SET)
            except DateError as exc:
                raise DateError(f"“{name}”的报送期限：{exc}") from None
        found = profile_deadline(kind, year, issued, self.profile, self.rule_box(kind).currentData())
        if found is None:
            raise TaskError(f"“{name}”的报送期限制度未规定，请在“报送期限”栏填写日期，如 {year}-11-30")
        return found

    def show_sources(self) -> None:
        """Beside each kind, its deadline and where it comes from, as the round will hold them."""
        from perfdesk.domain.tasks import TaskError

        self.message.clear()  # the reason a save was refused goes once the clerk changes something
        try:
            issued = self._issued()
        except DateError:
            issued = dt.date.today()
        for r, kind in enumerate(TASK_KINDS):
            self.due_edit(kind).setPlaceholderText(f"如 {self.year.value()}-11-30")
            item = self.kinds.item(r, COL_SOURCE)
            try:
                d = self._deadline(kind, self.year.value(), issued)
                item.setText(f"{format_date(d.due)}前（依据：{d.source}）")
                item.setForeground(Qt.GlobalColor.black)
            except (DateError, TaskError) as exc:
                item.setText(str(exc) if self.kinds.item(r, COL_KIND).checkState() == Qt.CheckState.Checked
                             else "制度未规定，勾选后须填写日期")
                item.setForeground(Qt.GlobalColor.darkRed)
            item.setToolTip(item.text())

    def accept(self) -> None:
        from perfdesk.domain.tasks import TaskError
        from perfdesk.app.office_operations import change_task, create_task

        kinds = self.chosen_kinds()
        try:
            if not self.title_edit.text().strip():
                raise TaskError("请填写“任务名称”，如 预算绩效管理报送")
            if not kinds:
                raise TaskError("请在表格中勾选至少一种要报送的表单")
            issued, year = self._issued(), self.year.value()
            given, rules = {}, {}
            for kind in kinds:
                d = self._deadline(kind, year, issued)  # says which kind lacks a deadline, in this dialog's words
                if self.due_edit(kind).text().strip():
                    given[kind] = d.due
                elif self.rule_box(kind).currentData():
                    rules[kind] = self.rule_box(kind).currentData()
            fields = dict(year=year, kinds=kinds, title=self.title_edit.text(), note=self.note.text(),
                          units=self.units.currentData(), deadlines=given, rules=rules, issued=issued)
            if self.task is None:
                self.saved = create_task(self.store, **fields)
            else:
                self.saved = change_task(self.store, self.task.id, **fields)
        except (UserError, DateError, TaskError) as exc:
            self.message.setText(str(exc))
            return
        super().accept()


class OfficeRoundsWindow(QDialog):
    """The rounds this office sends down: 新建, 修改, 导出任务包."""

    def __init__(self, win, store) -> None:
        super().__init__(win)
        self.win, self.store = win, store
        self.round_dialog: RoundDialog | None = None
        self.setWindowTitle("下发任务")
        self.setObjectName("officeRounds")
        self.table = QTableWidget(0, 7, self)
        self.table.setObjectName("roundTable")
        self.table.setHorizontalHeaderLabels(["编号", "年度", "任务名称", "表单及报送期限", "单位", "下发日期", "版本"])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        self.empty_label = QLabel("本机还没有下发任务：点“新建任务…”定义一轮报送。", self)
        self.note = QLabel(self, objectName="roundsNote")
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.new_button = QPushButton("新建任务…", self, objectName="newRound")
        self.edit_button = QPushButton("修改…", self, objectName="editRound")
        self.export_button = QPushButton("导出任务包…", self, objectName="exportRound")
        self.passphrase = QLineEdit(self, objectName="passphraseEdit")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("签名密钥口令（导出时用）")
        row = QHBoxLayout()
        help_row = QDialogButtonBox(self)
        add_help_button(help_row, "tasks")
        row.addWidget(help_row)
        row.addWidget(self.new_button)
        row.addWidget(self.edit_button)
        row.addStretch(1)
        row.addWidget(QLabel("签名密钥口令：", self))
        row.addWidget(self.passphrase)
        row.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addLayout(row)
        open_within_screen(self, 1000, 480)
        self.new_button.clicked.connect(lambda: self.open_round(None))
        self.edit_button.clicked.connect(lambda: self.open_round(self.selected()))
        self.export_button.clicked.connect(self.ask_export)
        self.passphrase.returnPressed.connect(self.ask_export)
        self.table.itemSelectionChanged.connect(self._enable)
        self.table.doubleClicked.connect(lambda _index: self.open_round(self.selected()))
        self.load()

    def load(self, select: int | None = None) -> None:
        from perfdesk.app.office_operations import exported_version
        from perfdesk.store.office import OfficeStore

        self.rounds = OfficeStore(self.store).tasks("own")
        self.table.setRowCount(len(self.rounds))
        for r, task in enumerate(self.rounds):
            kinds = "\n".join(f"{form_name(k) or k}：{format_date(d.due)}前" for k, d in task.deadlines.items())
            sent = exported_version(self.store, task)
            version = f"第 {task.version} 版" + ("（已导出）" if sent >= task.version else "（未导出）")
            texts = [str(task.id), str(task.year), task.title, kinds, f"{len(task.unit_codes)} 个",
                     format_date(task.issued_on), version]
            for c, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setToolTip(text if c != 3 else "\n".join(
                    f"{form_name(k) or k}：{format_date(d.due)}前（依据：{d.source}）" for k, d in task.deadlines.items()))
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        self.empty_label.setVisible(not self.rounds)
        row = next((r for r, t in enumerate(self.rounds) if t.id == select), 0 if self.rounds else -1)
        if row >= 0:
            self.table.selectRow(row)
        self._enable()

    def _enable(self) -> None:
        chosen = self.selected() is not None
        self.edit_button.setEnabled(chosen)
        self.export_button.setEnabled(chosen)

    def selected(self):
        rows = self.table.selectionModel().selectedRows()
        return self.rounds[rows[0].row()] if rows else None

    def round_texts(self) -> list[list[str]]:
        """The list as shown, row by row."""
        return [[self.table.item(r, c).text() for c in range(self.table.columnCount())]
                for r in range(self.table.rowCount())]

    # --- 新建 and 修改 -------------------------------------------------------------------------

    def open_round(self, task) -> RoundDialog | None:
        """The round's dialog, opened window-modal; saving it lists the round and says what was saved."""
        try:
            dialog = RoundDialog(self.store, self, task)
        except UserError as exc:
            self.note.setText(str(exc))
            return None
        self.round_dialog = dialog
        dialog.accepted.connect(lambda: self._saved(dialog, task))
        dialog.open()
        return dialog

    def _saved(self, dialog: RoundDialog, before) -> None:
        saved = dialog.saved
        self.load(select=saved.id)
        what = "已修改" if before is not None else "已新建"
        again = ("；此任务已导出过，修改后为新版本，请重新导出任务包发给各单位"
                 if before is not None and saved.version > before.version else "")
        self.note.setText(f"{what}任务 {saved.id}：{saved.year}年度{saved.title}，{len(saved.unit_codes)} 个单位，"
                          f"第 {saved.version} 版{again}。选中后点“导出任务包…”生成签名任务包，发给各单位。")

    # --- 导出任务包 ------------------------------------------------------------------------------

    def ask_export(self) -> Path | None:
        """The selected round written as a signed task package where the clerk chooses; the window says
        what it wrote and where, or why it did not."""
        from perfdesk.package.builder import file_name

        task, own = self.selected(), self._signing_unit()
        if task is None or own is None:
            if task is None:
                self.note.setText("请先在列表中选中一项任务。")
            return None
        if not self.passphrase.text():
            self.note.setText("请先填写签名密钥口令（本机财政部门签名密钥的口令），再导出任务包。")
            self.passphrase.setFocus()
            return None
        suggested = dialogs.last_export_dir() / file_name(task.office_code, f"{task.year}年度{task.title}", task.version)
        path = dialogs.save_file_name(self, "导出任务包", suggested, "签名数据包 (*.pdpkg)")
        if path is None:
            return None
        if path.suffix.lower() != ".pdpkg":
            path = path.with_name(f"{path.name}.pdpkg")
        return self.export(task, own, path)

    def _signing_unit(self):
        """This office's unit when it has a signing key; else None, the window saying how to make one."""
        from perfdesk.app.office_operations import office_unit

        try:
            own = office_unit(self.store)
        except UserError as exc:
            self.note.setText(str(exc))
            return None
        if self.store.identity_for_unit(own.id) is None:
            self.note.setText(f"{own.name}还没有签名密钥：请先在“提交包 → 签名密钥”中生成，"
                              "并把公钥登记表交各单位登记，再导出任务包。")
            return None
        return own

    def export(self, task, own, path: Path) -> Path | None:
        from perfdesk.app.office_operations import export_task
        from perfdesk.package import keys
        from perfdesk.package.identity import load_signer
        from perfdesk.ui.runner import runner_for

        store, passphrase = self.store, self.passphrase.text()

        def work(_context):
            signer = load_signer(store, own.id, passphrase)
            return signer, export_task(store, task.id, signer, path)

        end = runner_for(self).run(self, "导出任务包", "正在签名并导出任务包…", work)
        if end.error:
            self.note.setText(f"未能导出任务包：{end.error}")
            return None
        signer, sent = end.value
        self.passphrase.clear()
        dialogs.remember_export_dir(path.parent)
        self.load(select=sent.id)
        self.note.setText(f"已导出任务包：{path}\n{sent.year}年度{sent.title}，第 {sent.version} 版，"
                          f"{len(sent.unit_codes)} 个单位；签名人：{signer.name}（{signer.unit.code}），"
                          f"公钥指纹 {keys.grouped(signer.fingerprint)}。\n"
                          "各单位须先在“提交包 → 可信公钥”中把上述指纹登记为财政部门的公钥，再导入任务包。")
        self.win.statusBar().showMessage(f"已导出任务包：{path}", 10000)
        return path


def show_rounds(win) -> OfficeRoundsWindow:
    window = OfficeRoundsWindow(win, win.store)
    window.show()
    win.office_rounds = window
    return window
