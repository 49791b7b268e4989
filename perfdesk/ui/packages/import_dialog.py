"""导入数据包: packages from files or a folder (a USB stick), imported in a worker thread behind a
cancellable progress dialog, then a report: file, 结果, reason. An unregistered signer is
trusted only after the clerk has compared its fingerprint and confirmed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from perfdesk.store import Store
from perfdesk.app import package_import as importing
from perfdesk.ui.packages import prompts
from perfdesk.ui.screen_fit import open_within_screen
from perfdesk.ui.packages.common import PackageDialog, close_buttons
from perfdesk.ui.runner import JobContext

HEADERS = ("文件", "结果", "原因")
COL_FILE, COL_RESULT, COL_REASON = range(3)
_CANCEL = "正在取消：处理完当前数据包后停止…"


class ImportDialog(PackageDialog):
    """Each work returns take()'s ImportResult, whose `changed` the runner reports as forms_changed."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent, "importDialog", "导入数据包")
        self.store = store
        open_within_screen(self, 900, 480)
        self.rows: list[importing.Preview] = []

        layout = QVBoxLayout(self)
        note = QLabel("选择 U 盘上的数据包文件（.pdpkg）或整个文件夹。每个数据包都先验证签名和内容，"
                      "通过后才导入；同一个文件重复导入不会改动任何数据。", self)
        note.setWordWrap(True)
        layout.addWidget(note)
        choose = QHBoxLayout()
        self.files_button = QPushButton("选择文件…", self)
        self.files_button.setObjectName("filesButton")
        self.folder_button = QPushButton("选择文件夹…", self)
        self.folder_button.setObjectName("folderButton")
        choose.addWidget(self.files_button)
        choose.addWidget(self.folder_button)
        choose.addStretch(1)
        # 覆盖 (the default) or keep: what to do when a unit sends a newer version of what is here.
        self.keep_existing = QCheckBox("单位再次报送时保留本机已有版本（不覆盖）", self)
        self.keep_existing.setObjectName("keepExisting")
        choose.addWidget(self.keep_existing)
        layout.addLayout(choose)

        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setObjectName("importTable")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(COL_REASON, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("summaryLabel")
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.message)

        buttons = close_buttons(self)
        layout.addWidget(buttons)

        self.files_button.clicked.connect(self.choose_files)
        self.folder_button.clicked.connect(self.choose_folder)

    # --- choosing -----------------------------------------------------------------------------

    def choose_files(self) -> None:
        paths = prompts.open_files(self, "选择要导入的数据包", prompts.PACKAGE_FILTER)
        if paths:
            self.start(paths)

    def choose_folder(self) -> None:
        folder = prompts.choose_folder(self, "选择存放数据包的文件夹")
        if folder is not None:
            self.start([folder])

    def _set_working(self, busy: bool) -> None:
        self.files_button.setEnabled(not busy)
        self.folder_button.setEnabled(not busy)

    # --- importing ----------------------------------------------------------------------------

    def start(self, paths: list[Path]) -> None:
        """Import these files and folders; the report replaces the previous one."""
        if self.is_working():
            return
        self.clear_message()
        self.rows = importing.look(list(paths))
        self._show_rows()
        if not self.rows:
            self.summary_label.setText("没有找到 .pdpkg 数据包。")
            return
        # Packages of registered signers are imported at once; an unregistered signer's wait to be confirmed.
        store, rows = self.store, self.rows
        choices = importing.Choices(keep_existing=self.keep_existing.isChecked(), ask_first=True)

        def work(context: JobContext) -> importing.ImportResult:
            return importing.take(store, rows, choices, progress=context.progress, cancelled=lambda: context.cancelled)

        self.summary_label.setText("正在导入…")
        self.run_job("导入数据包", "正在验证并导入数据包", work, self._first_done,
                     cancellable=True, cancel_label=_CANCEL, failed=self._failed)

    def _first_done(self, _result: object) -> None:
        cancelled = self.job is not None and self.job.cancelled
        self._show_rows()
        signers = importing.pending_signers(self.rows)
        if not signers:
            self._finish()
            return
        trusted = set()
        if not cancelled:
            for signer in signers:
                if prompts.confirm_new_signer(self, signer):
                    trusted.add(signer.fingerprint)
        store, waiting = self.store, [row for row in self.rows if row.waiting]
        choices = importing.Choices(keep_existing=self.keep_existing.isChecked(), trusted=frozenset(trusted))

        # the signers not confirmed: the core refuses and notes why
        def work(context: JobContext) -> importing.ImportResult:
            return importing.take(store, waiting, choices, progress=context.progress,
                                  cancelled=lambda: context.cancelled)

        if cancelled:
            self._finish()  # the waiting packages stay 待确认 (nothing written for them)
            return
        self.run_job("导入数据包", "正在导入已确认签名人的数据包", work, lambda _r: self._finish(),
                     cancellable=True, cancel_label=_CANCEL, failed=self._failed)

    def _failed(self, reason: str) -> None:
        self._show_rows()
        self.show_error(f"导入中断：{reason}")
        self._finish()

    def _finish(self) -> None:
        for row in self.rows:
            row.data = None
            if row.outcome is None:
                row.signer = None  # cancelled before it was decided: nothing was written for it
        self._show_rows()
        self.summary_label.setText(importing.summary(self.rows))

    def _show_rows(self) -> None:
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            cells = (row.path.name, row.result, row.reason)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
                item.setToolTip(str(row.path) if c == COL_FILE else text)
                if c == COL_RESULT and row.outcome is not None and row.outcome.status == "rejected":
                    item.setForeground(Qt.GlobalColor.red)
                self.table.setItem(r, c, item)
        self.table.resizeColumnToContents(COL_FILE)
        self.table.resizeColumnToContents(COL_RESULT)
        self.table.resizeRowsToContents()

    def results(self) -> list[tuple[str, str, str]]:
        """(file name, 结果, reason) per row, as shown."""
        return [(row.path.name, row.result, row.reason) for row in self.rows]
