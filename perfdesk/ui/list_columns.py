"""The form list's 标题 column stays readable: it stretches into the room the other columns leave,
but never below READABLE characters. At the default window size the 运行监控 list (截止 and 预警
columns besides the rest) left it 24 pixels, every title shown as “…”; now the list scrolls
sideways instead."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QHeaderView, QTableView

from perfdesk.domain.lifecycle import Status
from perfdesk.ui.form_list_model import COL_TITLE

READABLE = "2026年校舍维修改造项目（2026年"  # about 18 characters of a title


def widest_status(metrics: QFontMetrics) -> str:
    """The longest status the 状态 column shows (财政审核中（业务科室）): the column is sized to it whole."""
    return max((status.display for status in Status), key=metrics.horizontalAdvance)


class TitleWidth(QObject):
    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self.table = table
        table.viewport().installEventFilter(self)

    def minimum(self) -> int:
        return self.table.fontMetrics().horizontalAdvance(READABLE) + 16

    def fit(self) -> None:
        header = self.table.horizontalHeader()
        others = sum(header.sectionSize(c) for c in range(header.count())
                     if c != COL_TITLE and not header.isSectionHidden(c))
        room = self.table.viewport().width() - others
        if room >= self.minimum():
            header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        else:
            header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(COL_TITLE, self.minimum())

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt naming
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False


def keep_title_readable(window) -> TitleWidth:
    keeper = TitleWidth(window.table)
    window.list_loaded.connect(keeper.fit)  # 截止/预警 columns come and go with the section
    return keeper
