"""绩效预警: the live warnings of a monitoring form, and when it is due.

The dock only shows what `monitoring_operations.alerts` and `due_dates.due` say of the document being
edited; every rule (执行缓慢, 目标存在风险, 目标不可能完成) and every date lives in the domain.
"""

from __future__ import annotations

import datetime as dt
from typing import Sequence

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QDockWidget, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from perfdesk.domain.dates import describe_due as describe
from perfdesk.domain.dates import format_date
from perfdesk.domain.monitoring import Alert

RED, YELLOW = "红色预警", "黄色预警"
COLOURS = {RED: QColor("#c62828"), YELLOW: QColor("#b26a00")}
NO_ALERTS = "未发现预警"
OVERDUE_STYLE = "color: #c62828; font-weight: bold;"
DUE_STYLE = "color: #1f4e79; font-weight: bold;"
UNKNOWN_DUE = "截止日期：尚未确定"


def alert_line(alert: Alert) -> str:
    return f"[{alert.level}] {alert.rule}：{alert.message}"


def alerts_title(alerts: Sequence[Alert]) -> str:
    red = sum(a.level == RED for a in alerts)
    return f"绩效预警（红色 {red}，黄色 {len(alerts) - red}）"


def due_label(parent: QWidget | None = None) -> QLabel:
    label = QLabel(parent)
    label.setObjectName("dueLabel")
    label.setToolTip("报送截止日期（按本单位所在地区的规定）")
    return label


def show_due(label: QLabel, deadline: tuple[dt.date, int] | None, *, day: dt.date | None = None,
             status: str = "", due_from: str = "") -> None:
    """“截止 2026年7月31日（剩 10 天）”, red once overdue; a handed-in form's date with its status instead of
    the days (`day`, `status`); when no date is known, the field it comes from (`due_from`)."""
    if deadline is not None:
        text = describe(deadline)
    elif day is not None:
        text = f"截止 {format_date(day)}（{status}）"
    else:
        text = UNKNOWN_DUE + (f"（填写{due_from}后显示）" if due_from else "")
    label.setText(text)
    label.setStyleSheet(OVERDUE_STYLE if deadline is not None and deadline[1] < 0 else DUE_STYLE)


class AlertsDock(QDockWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("绩效预警", parent)
        self.setObjectName("alertsDock")
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        self.due = due_label(body)
        self.list = QListWidget(body)
        self.list.setObjectName("alertsList")
        self.list.setWordWrap(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        layout.addWidget(self.due)
        layout.addWidget(self.list, 1)
        self.setWidget(body)
        self._alerts: list[Alert] = []

    def alerts(self) -> list[Alert]:
        return list(self._alerts)

    def lines(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def show_alerts(self, alerts: Sequence[Alert]) -> None:
        if list(alerts) == self._alerts and self.list.count():
            return
        self._alerts = list(alerts)
        self.setWindowTitle(alerts_title(alerts))
        self.list.clear()
        if not alerts:
            self.list.addItem(NO_ALERTS)
            return
        for alert in alerts:
            item = QListWidgetItem(alert_line(alert), self.list)
            item.setForeground(COLOURS.get(alert.level, COLOURS[YELLOW]))
            item.setToolTip(f"{alert.level}：{alert.rule}")
