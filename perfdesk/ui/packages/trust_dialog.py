"""可信公钥: the keys whose packages this installation accepts. The finance office registers
units' keys, a unit registers the office's, each typed from the other's 公钥登记表."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from perfdesk.errors import UserError
from perfdesk.store import Store, TrustRecord
from perfdesk.ui.packages import prompts
from perfdesk.ui.screen_fit import open_within_screen
from perfdesk.store.records import KEY_ROLE_NAMES
from perfdesk.ui.packages.common import TRUST_SOURCES, PackageDialog, close_buttons, when

HEADERS = ("类别", "名称", "编码", "公钥指纹", "登记方式", "登记时间")
COL_FINGERPRINT = 3


class TrustDialog(PackageDialog):
    changed = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent, "trustDialog", "可信公钥登记")
        self.store = store
        open_within_screen(self, 980, 520)
        self._rows: list[TrustRecord] = []

        layout = QVBoxLayout(self)
        note = QLabel("财政部门在此登记各单位的公钥，单位在此登记财政部门的公钥。只接受已登记公钥签名的数据包。"
                      "请对照对方签字盖章的公钥登记表逐位录入指纹。", self)
        note.setWordWrap(True)
        layout.addWidget(note)
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setObjectName("trustTable")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(COL_FINGERPRINT, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)

        box = QGroupBox("按公钥登记表登记", self)
        form = QFormLayout(box)
        self.role_combo = QComboBox(box)
        self.role_combo.setObjectName("roleCombo")
        for role, label in KEY_ROLE_NAMES.items():
            self.role_combo.addItem(label, role)
        self.code_edit = QLineEdit(box)
        self.code_edit.setObjectName("codeEdit")
        self.code_edit.setPlaceholderText("对方的单位编码，如 201003")
        self.name_edit = QLineEdit(box)
        self.name_edit.setObjectName("nameEdit")
        self.name_edit.setPlaceholderText("公钥登记表上的单位名称（本机单位表中已有该编码时可留空）")
        self.fingerprint_edit = QLineEdit(box)
        self.fingerprint_edit.setObjectName("fingerprintEdit")
        self.fingerprint_edit.setPlaceholderText("64 位十六进制字符，可 4 位一组用空格分隔")
        self.fingerprint_edit.setStyleSheet("font-family: monospace;")
        form.addRow("类别：", self.role_combo)
        form.addRow("单位编码：", self.code_edit)
        form.addRow("名称：", self.name_edit)
        form.addRow("公钥指纹：", self.fingerprint_edit)
        self.add_button = QPushButton("添加", box)
        self.add_button.setObjectName("addButton")
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        form.addRow("", add_row)
        layout.addWidget(box)
        layout.addWidget(self.message)

        row = QHBoxLayout()
        self.remove_button = QPushButton("移除…", self)
        self.remove_button.setObjectName("removeButton")
        row.addWidget(self.remove_button)
        row.addStretch(1)
        close = close_buttons(self)
        row.addWidget(close)
        layout.addLayout(row)

        self.add_button.clicked.connect(self.add)
        self.fingerprint_edit.returnPressed.connect(self.add)
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.reload()

    def reload(self) -> None:
        from perfdesk.package import keys

        try:
            self._rows = self.store.trusted_keys()
        except UserError as exc:
            self.show_error(f"读取已登记的公钥失败：{exc}")
            self._rows = []
        self.table.setRowCount(len(self._rows))
        for r, record in enumerate(self._rows):
            cells = (KEY_ROLE_NAMES.get(record.role, record.role), record.unit_name, record.unit_code,
                     keys.grouped(record.fingerprint), TRUST_SOURCES.get(record.source, record.source),
                     when(record.added_at))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == COL_FINGERPRINT:
                    item.setToolTip(text)
                item.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(COL_FINGERPRINT, QHeaderView.ResizeMode.Stretch)
        self._update_buttons()

    def selected(self) -> TrustRecord | None:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        return self._rows[min(rows)] if rows else None

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self.selected() is not None)

    def add(self) -> None:
        from perfdesk.package import keys

        self.clear_message()
        code = self.code_edit.text().strip()
        if not code:
            self.show_error("请填写对方的单位编码（见公钥登记表）")
            self.code_edit.setFocus()
            return
        role = self.role_combo.currentData()
        try:
            fp = keys.parse_fingerprint(self.fingerprint_edit.text())
            known = self.store.unit_by_code(code)
            name = self.name_edit.text().strip() or (known.name if known else "")
            if not name:
                self.show_error(f"本机单位表中没有编码为 {code} 的单位：请填写公钥登记表上的单位名称")
                self.name_edit.setFocus()
                return
            record = self.store.add_trusted_key(unit_code=code, unit_name=name, role=role, fingerprint=fp,
                                                source="registration")
        except UserError as exc:
            self.show_error(str(exc))
            self.fingerprint_edit.setFocus()
            return
        self.code_edit.clear()
        self.name_edit.clear()
        self.fingerprint_edit.clear()
        self.reload()
        self.changed.emit()
        who = KEY_ROLE_NAMES.get(record.role, record.role)
        self.show_info(f"已登记{who}“{record.unit_name}”（{record.unit_code}）的公钥：{keys.grouped(fp)}")

    def remove_selected(self) -> None:
        from perfdesk.package import keys

        self.clear_message()
        record = self.selected()
        if record is None:
            return
        who = KEY_ROLE_NAMES.get(record.role, record.role)
        if not prompts.confirm(self, "移除公钥",
                               f"确定移除{who}“{record.unit_name}”（{record.unit_code}）的公钥吗？\n"
                               f"{keys.grouped(record.fingerprint)}\n\n"
                               "移除后，用该密钥签名的数据包将被拒绝，直到重新登记。"):
            return
        try:
            removed = self.store.remove_trusted_key(record.fingerprint)
        except UserError as exc:
            self.show_error(str(exc))
            return
        self.reload()
        self.changed.emit()
        if removed:
            self.show_info(f"已移除{who}“{record.unit_name}”（{record.unit_code}）的公钥。")
        else:
            self.show_error("该公钥已不在登记表中。")
