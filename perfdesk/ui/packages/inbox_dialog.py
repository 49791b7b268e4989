"""收件记录: the packages this installation imported or refused, newest first, and 验证… to check
any package file (who signed it, when, registered or not, members intact, the PDF's signature)
without importing it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from perfdesk.errors import UserError
from perfdesk.store import InboxRecord, Store
from perfdesk.ui.packages import prompts
from perfdesk.package.manifest import KIND_LABELS
from perfdesk.ui.screen_fit import open_within_screen
from perfdesk.ui.packages.common import PackageDialog, close_buttons, when
from perfdesk.ui.runner import JobContext

HEADERS = ("接收时间", "结果", "类型", "签名人", "单位编码", "签名时间", "表单", "版本", "文件", "说明")
COL_RESULT, COL_SIGNER, COL_TITLE, COL_VERSION, COL_REASON = 1, 3, 6, 7, 9
LIMIT = 1000


def kind_label(kind: str | None) -> str:
    """A package's kind in Chinese; a refused package's unreadable kind as such."""
    return KIND_LABELS.get(kind or "", "无法识别" if kind else "")


def verification_text(path: Path, verified, error: str | None) -> str:
    """What 验证 found, in the words the CLI's `perfdesk verify` uses."""
    from perfdesk.package import keys

    lines = [f"数据包：{path}"]
    if verified is None:
        return "\n".join([*lines, f"结论：无效——{error}"])
    m = verified.manifest
    lines += [f"类型：{kind_label(m.kind)}",
              f"表单：《{m.title}》 {m.year}年度 第 {m.version} 版",
              f"签名人：{verified.signer_name}（{m.unit_code}）",
              f"公钥指纹：{keys.grouped(verified.fingerprint)}",
              f"签名时间：{when(m.created_at)}（签名方电脑的时间）",
              f"登记情况：{'已登记' if verified.trust.ok else '未登记'}——{verified.trust.note}",
              f"文件完整性：全部 {len(m.members)} 个文件与签名清单一致"]
    problems = [] if verified.trust.ok else ["签名人的公钥未在本机登记"]
    pdf = verified.pdf
    if pdf is not None:
        lines.append(f"PDF 内签名：{pdf.text}")
        if not pdf.ok:
            problems.append(pdf.problem)
    lines.append("结论：有效" if not problems else f"结论：无效——{'；'.join(problems)}")
    return "\n".join(lines)


class InboxDialog(PackageDialog):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent, "inboxDialog", "收件记录")
        self.store = store
        open_within_screen(self, 1100, 620)
        self.entries: list[InboxRecord] = []

        layout = QVBoxLayout(self)
        note = QLabel(f"导入过和被拒绝的数据包（最新的在前，最多显示 {LIMIT} 条）。"
                      "“验证数据包…”只检查文件，不导入。", self)
        note.setWordWrap(True)
        layout.addWidget(note)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.table = QTableWidget(0, len(HEADERS), splitter)
        self.table.setObjectName("inboxTable")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(COL_REASON, QHeaderView.ResizeMode.Stretch)
        self.details = QPlainTextEdit(splitter)
        self.details.setObjectName("verifyText")
        self.details.setReadOnly(True)
        self.details.setPlaceholderText("选中一条记录查看详情；或点“验证数据包…”检查一个文件。")
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)

        row = QHBoxLayout()
        self.verify_button = QPushButton("验证数据包…", self)
        self.verify_button.setObjectName("verifyButton")
        self.refresh_button = QPushButton("刷新", self)
        self.refresh_button.setObjectName("refreshButton")
        row.addWidget(self.verify_button)
        row.addWidget(self.refresh_button)
        row.addStretch(1)
        close = close_buttons(self)
        row.addWidget(close)
        layout.addLayout(row)

        self.verify_button.clicked.connect(self.verify_file)
        self.refresh_button.clicked.connect(self.reload)
        self.table.itemSelectionChanged.connect(self._show_selected)
        self.reload()

    # --- the list -----------------------------------------------------------------------------

    def reload(self) -> None:
        try:
            self.entries = self.store.inbox(limit=LIMIT)
        except UserError as exc:
            self.show_error(f"读取收件记录失败：{exc}")
            self.entries = []
        titles: dict[int, str] = {}
        self.table.setRowCount(len(self.entries))
        for r, entry in enumerate(self.entries):
            cells = (when(entry.received_at), entry.status, kind_label(entry.kind),
                     entry.signer_name or "", entry.unit_code or "", when(entry.signed_at),
                     self._title(entry, titles), "" if entry.package_version is None else str(entry.package_version),
                     entry.file_name, entry.reason)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
                if c in (COL_REASON, COL_TITLE):
                    item.setToolTip(text)
                if c == COL_RESULT and entry.status == "已拒绝":
                    item.setForeground(Qt.GlobalColor.red)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(COL_REASON, QHeaderView.ResizeMode.Stretch)

    def _title(self, entry: InboxRecord, titles: dict[int, str]) -> str:
        """The form the package went into (its title now); empty for a refused package."""
        if entry.form_instance_id is None:
            return ""
        if entry.form_instance_id not in titles:
            try:
                titles[entry.form_instance_id] = self.store.get_form(entry.form_instance_id).title
            except UserError:
                titles[entry.form_instance_id] = ""  # deleted for good since
        return titles[entry.form_instance_id]

    def _show_selected(self) -> None:
        from perfdesk.package import keys

        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        if not rows:
            return
        entry = self.entries[min(rows)]
        lines = [f"文件：{entry.file_name}", f"结果：{entry.status}", f"说明：{entry.reason}"]
        if entry.signer_fingerprint:
            lines.append(f"签名人：{entry.signer_name or ''}（{entry.unit_code or ''}），"
                         f"公钥指纹 {keys.grouped(entry.signer_fingerprint)}")
        if entry.signed_at:
            lines.append(f"签名时间：{when(entry.signed_at)}（签名方电脑的时间）")
        lines.append(f"接收时间：{when(entry.received_at)}")
        detail = entry.detail or {}
        if detail.get("status"):
            lines.append(f"审核结论：{detail['status']}")
        if detail.get("letter"):
            lines.append(f"反馈意见：\n{detail['letter']}")
        self.details.setPlainText("\n".join(lines))

    # --- 验证 ---------------------------------------------------------------------------------

    def _set_working(self, busy: bool) -> None:
        self.verify_button.setEnabled(not busy)

    def verify_file(self) -> None:
        path = prompts.open_file(self, "选择要验证的数据包", prompts.PACKAGE_FILTER)
        if path is not None:
            self.verify(path)

    def verify(self, path: Path) -> None:
        """Check one package file in a worker thread and show what was found."""
        if self.is_working():
            return
        self.clear_message()
        store = self.store

        def work(_context: JobContext):
            from perfdesk.package.archive_safety import read_package_file
            from perfdesk.package.verifier import verify_package

            try:
                return verify_package(read_package_file(path), store, check_pdf=True), None
            except UserError as exc:
                return None, str(exc)

        self.details.setPlainText(f"正在验证 {path}…")
        self.run_job("验证数据包", "正在验证签名和文件完整性…", work, lambda result: self._verified(path, result),
                     failed=self._verify_failed)

    def _verified(self, path: Path, result) -> None:
        verified, error = result
        self.table.clearSelection()
        self.details.setPlainText(verification_text(path, verified, error))

    def _verify_failed(self, reason: str) -> None:
        self.details.setPlainText("")
        self.show_error(reason)
