"""批量导出: every listed form that passes its checks, written into one folder by a Job
(perfdesk/ui/runner.py) behind a progress dialog that can cancel it, then a summary the clerk closes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from perfdesk.errors import UserError
from perfdesk.app.operations import check, export
from perfdesk.store import Store
from perfdesk.ui.dialogs import safe_file_name
from perfdesk.ui.runner import Job, JobContext, runner_for


def batch_file_stem(form_instance_id: int, title: str) -> str:
    return safe_file_name(f"{form_instance_id}-{title}")


@dataclass
class BatchResult:
    total: int
    exported: list[str] = field(default_factory=list)  # titles
    skipped: list[str] = field(default_factory=list)  # titles of forms with errors
    failed: list[tuple[str, str]] = field(default_factory=list)  # (title, why)
    cancelled: int = 0  # forms not attempted because the clerk cancelled

    def summary(self) -> str:
        lines = [f"已导出 {len(self.exported)} 份，因有错误跳过 {len(self.skipped)} 份，"
                 f"因取消未导出 {self.cancelled} 份（共 {self.total} 份）。"]
        if self.failed:
            lines.insert(0, f"导出失败 {len(self.failed)} 份。")
            lines += [f"失败：{title}：{why}" for title, why in self.failed[:10]]
        if self.skipped:
            lines.append("有错误的表单：" + "、".join(self.skipped[:10]) + ("等" if len(self.skipped) > 10 else ""))
        return "\n".join(lines)


def export_forms(store: Store, form_ids: list[int], folder: Path, context: JobContext) -> BatchResult:
    """Export forms one by one into a folder as "{id}-{title}.pdf" and ".xlsx"; a Job's work.

    On 取消 the form being exported is finished first, and the files already written stay. Exporting
    only notes the forms' history, so no row of the list changes."""
    folder = Path(folder)
    result = BatchResult(total=len(form_ids))
    for number, form_id in enumerate(form_ids, start=1):
        if context.cancelled:
            result.cancelled = result.total - number + 1
            break
        title = str(form_id)
        try:
            record = store.get_form(form_id)
            title = record.title
            context.progress(number, result.total, title)
            if any(finding.blocks_export for finding in check(store, record)):
                result.skipped.append(title)
            else:
                stem = batch_file_stem(form_id, title)
                export(store, form_id, pdf=folder / f"{stem}.pdf", xlsx=folder / f"{stem}.xlsx")
                result.exported.append(title)
        except UserError as exc:
            result.failed.append((title, str(exc)))
    return result


def batch_export_job(store: Store, form_ids: list[int], folder: Path, parent: QWidget) -> Job:
    """批量导出 behind a cancellable progress dialog, to start once connected; `done(BatchResult)` follows."""
    ids, total = list(form_ids), len(form_ids)
    return runner_for(parent).job(parent, "批量导出", f"正在导出 0/{total}…",
                                  lambda context: export_forms(store, ids, folder, context),
                                  cancellable=True, cancel_label="正在取消：导出完当前表单后停止…", total=total,
                                  label_format="正在导出 {number}/{total}…\n{text}", modal=False)


def show_summary(parent: QWidget, result: BatchResult, folder: Path) -> QMessageBox:
    """The outcome, without blocking: a window-modal box the clerk closes."""
    icon = QMessageBox.Icon.Warning if result.failed else QMessageBox.Icon.Information
    box = QMessageBox(icon, "批量导出完成", f"{result.summary()}\n\n文件夹：{folder}", QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("batchSummary")
    box.button(QMessageBox.StandardButton.Ok).setText("确定")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
