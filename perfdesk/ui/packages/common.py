"""What the package dialogs share: the installation's unit, display words, and a dialog base
with an in-place message line and a worker job that blocks closing while it runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QWidget

from perfdesk.store import Store, StoreError, UnitRecord
from perfdesk.ui.runner import Job, JobContext, runner_for

TRUST_SOURCES = {"registration": "按登记表登记", "first-import": "首次导入时确认"}
IDENTITY_SOURCES = {"self-issued": "本单位自行生成（自签名证书）", "pkcs12": "认证机构颁发（PKCS#12 导入）"}

_ERROR_STYLE = "color: #b00020;"
_INFO_STYLE = "color: #1b5e20;"


def close_buttons(dialog: QDialog) -> QDialogButtonBox:
    """The 关闭 button row every package dialog ends with."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
    buttons.rejected.connect(dialog.reject)
    from perfdesk.ui.help_window import add_help_button

    add_help_button(buttons, "package")  # the manual's 报送包 page
    return buttons


def installation_unit(store: Store) -> UnitRecord | None:
    """This installation's own unit: the "unit_id" setting when the store keeps settings and it
    names a unit, else the first unit; None on an installation without units."""
    getter = getattr(store, "get_setting", None)
    if callable(getter):
        try:
            value = getter("unit_id")
            if value not in (None, ""):
                return store.get_unit(int(value))
        except (StoreError, TypeError, ValueError):
            pass  # a stale or odd setting: fall back to the first unit
    units = store.units()
    return units[0] if units else None


def when(moment: dt.datetime | None) -> str:
    """Local time to the minute, or empty."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment is not None else ""


def day(moment: dt.datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d") if moment is not None else ""


def two_lines(grouped_fp: str) -> str:
    """A grouped 64-digit fingerprint on two lines of eight groups, as the 公钥登记表 prints it."""
    groups = grouped_fp.split(" ")
    return " ".join(groups[:8]) + "\n" + " ".join(groups[8:]) if len(groups) > 8 else grouped_fp


class PackageDialog(QDialog):
    """Base of the package dialogs: `message` shows errors and results in place (no modal box),
    `run_job` runs work in a thread; the dialog will not close while a job runs."""

    def __init__(self, parent: QWidget | None, object_name: str, title: str) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.job: Job | None = None
        self.message = QLabel(self)
        self.message.setObjectName("messageLabel")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()

    # --- the message line -------------------------------------------------------------------

    def show_error(self, text: str) -> None:
        self._say(text, _ERROR_STYLE)

    def show_info(self, text: str) -> None:
        self._say(text, _INFO_STYLE)

    def clear_message(self) -> None:
        self.message.clear()
        self.message.hide()

    def _say(self, text: str, style: str) -> None:
        self.message.setStyleSheet(style)
        self.message.setText(text)
        self.message.show()

    # --- work in a thread -------------------------------------------------------------------

    def is_working(self) -> bool:
        return self.job is not None and self.job.active

    def run_job(self, title: str, label: str, work: Callable[[JobContext], Any],
                done: Callable[[Any], None], *, cancellable: bool = False,
                cancel_label: str = "正在取消：处理完当前项目后停止…",
                failed: Callable[[str], None] | None = None) -> Job:
        if self.job is not None:  # a finished one: its thread has stopped
            self.job.dialog.deleteLater()
            self.job.deleteLater()
        self.job = runner_for(self).job(self, title, label, work, cancellable=cancellable, cancel_label=cancel_label)
        # Buttons come back first, so `done` may disable some again.
        self.job.failed.connect(self._job_over)
        self.job.done.connect(self._job_over)
        self.job.done.connect(done)
        self.job.failed.connect(failed or self.show_error)
        self._set_working(True)
        return self.job.start()

    def _job_over(self, _result: object = None) -> None:
        self._set_working(False)

    def _set_working(self, busy: bool) -> None:
        """Subclasses disable their buttons while a job runs."""

    def reject(self) -> None:
        if self.is_working():
            self.show_info("正在处理，请等待完成后再关闭。")
            return
        super().reject()
