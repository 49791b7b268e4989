"""The strip above a form filled under an earlier version of its form file, and the dialog that shows
what upgrading it will change (form_upgrade.plan_upgrade) before the clerk agrees."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFrame, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from perfdesk.app.form_upgrade import UpgradePlan
from perfdesk.ui.screen_fit import open_within_screen


class UpgradeBanner(QFrame):
    upgrade_requested = Signal()

    def __init__(self, form_version: int, new_version: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("upgradeBanner")
        self.setStyleSheet("QFrame#upgradeBanner { background: #f3f8ee; border: 1px solid #9cc27a; }")
        layout = QHBoxLayout(self)
        self.text = QLabel(f"此表按第{form_version}版格式填写，可升级到第{new_version}版。升级前会逐项列出改动，"
                           "升级前的内容保留在历史版本中；不升级也可照常填写和打印。", self)
        self.text.setObjectName("upgradeText")
        self.text.setWordWrap(True)
        layout.addWidget(self.text, 1)
        self.button = QPushButton("查看改动并升级…", self)
        self.button.setObjectName("previewUpgrade")
        self.button.clicked.connect(self.upgrade_requested)
        layout.addWidget(self.button)


class UpgradePreview(QDialog):
    """Each change the upgrade makes: part of the form, field, now, after. 升级 accepts."""

    def __init__(self, plan: UpgradePlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("upgradePreview")
        self.setWindowTitle(f"升级到第{plan.new.version}版")
        open_within_screen(self, 820, 480)
        layout = QVBoxLayout(self)
        intro = QLabel(f"{plan.heading()}。" + (f"升级将改动以下 {len(plan.changes)} 项：" if plan.changes else
                                                 "升级不改动任何已填内容，只改为按新版格式显示、校验和打印。"), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(len(plan.changes), 4, self)
        self.table.setObjectName("upgradeChanges")
        self.table.setHorizontalHeaderLabels(["部分", "栏目", "现在", "升级后"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, change in enumerate(plan.changes):
            for column, text in enumerate((change.section, change.label, change.old or "（空）", change.new or "（空）")):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setVisible(bool(plan.changes))
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.upgrade_button = buttons.addButton("升级", QDialogButtonBox.ButtonRole.AcceptRole)
        self.upgrade_button.setObjectName("applyUpgrade")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
