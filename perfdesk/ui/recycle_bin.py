"""回收站: deleted forms, to restore or delete for good."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from perfdesk.store import FormRecord, Store, StoreError
from perfdesk.ui import dialogs
from perfdesk.ui.help_window import add_help_button
from perfdesk.ui.runner import runner_for
from perfdesk.ui.screen_fit import open_within_screen

HEADERS = ("编号", "年度", "状态", "标题", "删除时间")


class RecycleBinDialog(QDialog):

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setObjectName("recycleBin")
        self.setWindowTitle("回收站")
        open_within_screen(self, 760, 400)
        self._forms: list[FormRecord] = []

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("删除的表单放在这里，可以恢复；彻底删除后无法找回。", self))
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setObjectName("recycleTable")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)

        row = QHBoxLayout()
        self.restore_button = QPushButton("恢复", self)
        self.restore_button.setObjectName("restoreButton")
        self.purge_button = QPushButton("彻底删除", self)
        self.purge_button.setObjectName("purgeButton")
        row.addWidget(self.restore_button)
        row.addWidget(self.purge_button)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        add_help_button(buttons, "recycle")  # the manual's 回收站 page
        row.addWidget(buttons)
        layout.addLayout(row)

        self.restore_button.clicked.connect(self.restore_selected)
        self.purge_button.clicked.connect(self.purge_selected)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.reload()

    def reload(self) -> None:
        try:
            self._forms = self.store.list_forms(deleted=True)
        except StoreError as exc:
            QMessageBox.warning(self, "读取回收站失败", str(exc))
            self._forms = []
        self.table.setRowCount(len(self._forms))
        for r, form in enumerate(self._forms):
            deleted = form.deleted_at.astimezone().strftime("%Y-%m-%d %H:%M") if form.deleted_at else ""
            for c, text in enumerate((str(form.id), str(form.year), form.status.display, form.title, deleted)):
                item = QTableWidgetItem(text)
                if c != 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self._update_buttons()

    def titles(self) -> list[str]:
        return [form.title for form in self._forms]

    def select_form(self, form_instance_id: int) -> None:
        for r, form in enumerate(self._forms):
            if form.id == form_instance_id:
                self.table.selectRow(r)
                return

    def selected(self) -> list[FormRecord]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self._forms[r] for r in rows]

    def _update_buttons(self) -> None:
        any_selected = bool(self.table.selectionModel().selectedRows())
        self.restore_button.setEnabled(any_selected)
        self.purge_button.setEnabled(any_selected)

    def restore_selected(self) -> None:
        store, ids = self.store, [form.id for form in self.selected()]

        def work(context):  # each restored form is reported at once: a failure later keeps the earlier ones
            for form_instance_id in ids:
                store.restore_form(form_instance_id)
                context.changed(form_instance_id)

        runner_for(self).run(self, "恢复失败", "正在恢复…", work, failure_title="恢复失败")
        self.reload()

    def purge_selected(self) -> None:
        forms = self.selected()
        if not forms:
            return
        names = "、".join(f"“{form.title}”" for form in forms[:5]) + ("等" if len(forms) > 5 else "")
        if not dialogs.confirm(self, "彻底删除", f"彻底删除{names}共 {len(forms)} 份表单？\n彻底删除后无法恢复。"):
            return
        try:
            for form in forms:
                self.store.purge_form(form.id)
        except StoreError as exc:
            QMessageBox.warning(self, "彻底删除失败", str(exc))
        self.reload()  # forms in the bin are listed nowhere else: no row to refresh
