"""工具 → 汇总与图表: a finance office's 汇总 of a round on screen, with its charts, and the same table
exported as PDF (with the charts) or Excel.

The charts are painted with Qt's own QPainter: PySide6-Essentials has no QtCharts, and the three kinds
needed (bars with a reference line, columns, a pie) are a few dozen lines of painting; pyqtgraph would add
a dependency (and numpy) for plots that do not need its interactivity, and WebEngine is not available.
Composing is a query of the GUI runner (the newest choice wins), exporting its long work; the window
stays live and says what it did.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel, QPushButton,
                               QSpinBox,
                               QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from perfdesk.domain import money
from perfdesk.domain.figures import DECLARATION, EVALUATION, MONITORING  # the rounds' 汇总
from perfdesk.ui.help_window import add_help_button
from perfdesk.ui.runner import runner_for
from perfdesk.ui.screen_fit import open_within_screen

PALETTE = ["#2f6db5", "#e08a1e", "#3a9a5b", "#c0392b", "#7d5ba6", "#7f8c8d"]
LONG_TEXT_WIDTH = 320  # pixels: about twenty characters a line
KIND_NAMES = {DECLARATION: "申报汇总", MONITORING: "监控汇总", EVALUATION: "评价汇总", "results": "结果应用清单"}


class ChartWidget(QWidget):
    """One ChartData (domain/summary.py) painted: bars with 序时进度, columns, or a pie."""

    def __init__(self, chart, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = chart
        self.setMinimumSize(640, 420)

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        area = QRectF(self.rect()).adjusted(16, 12, -16, -12)
        title = QFont(self.font())
        title.setPointSizeF(self.font().pointSizeF() * 1.25)
        title.setBold(True)
        painter.setFont(title)
        painter.drawText(QRectF(area.left(), area.top(), area.width(), 28), Qt.AlignmentFlag.AlignCenter,
                         self.chart.title)
        painter.setFont(self.font())
        area.setTop(area.top() + 40)
        if not self.chart.values or not any(self.chart.values):
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "本轮尚无数据")
        elif self.chart.kind == "bars":
            self._bars(painter, area)
        elif self.chart.style == "pie":
            self._pie(painter, area)
        else:
            self._columns(painter, area)
        painter.end()

    def _bars(self, painter: QPainter, area: QRectF) -> None:
        chart = self.chart
        label_w = min(200.0, area.width() * 0.3)
        plot = QRectF(area.left() + label_w, area.top() + 18, area.width() - label_w - 50, area.height() - 40)
        top = max([float(v) for v in chart.values] + [float(chart.reference or 0), 100.0])
        step = plot.height() / len(chart.values)
        for index, (label, value) in enumerate(zip(chart.labels, chart.values)):
            y = plot.top() + index * step
            painter.setPen(QColor("black"))
            painter.drawText(QRectF(area.left(), y, label_w - 6, step), Qt.AlignmentFlag.AlignRight |
                             Qt.AlignmentFlag.AlignVCenter, label)
            width = plot.width() * float(value) / top
            painter.fillRect(QRectF(plot.left(), y + step * 0.15, width, step * 0.7), QColor(PALETTE[0]))
            painter.drawText(QRectF(plot.left() + width + 4, y, 60, step), Qt.AlignmentFlag.AlignVCenter,
                             f"{value:.2f}")
        painter.setPen(QPen(QColor("#555555"), 1))
        painter.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
        for tick in range(0, int(top) + 1, 10 if top <= 150 else 50):
            x = plot.left() + plot.width() * tick / top
            painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4))
            painter.drawText(QRectF(x - 20, plot.bottom() + 4, 40, 16), Qt.AlignmentFlag.AlignHCenter, str(tick))
        if chart.reference is not None:
            x = plot.left() + plot.width() * float(chart.reference) / top
            pen = QPen(QColor(PALETTE[3]), 2, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawLine(QPointF(x, plot.top() - 4), QPointF(x, plot.bottom()))
            painter.drawText(QPointF(x + 4, plot.top() - 6), f"{chart.reference_label} {chart.reference:.2f}%")

    def _columns(self, painter: QPainter, area: QRectF) -> None:
        chart = self.chart
        plot = area.adjusted(40, 20, -20, -30)
        top = max(float(v) for v in chart.values) or 1.0
        slot = plot.width() / len(chart.values)
        painter.setPen(QColor("black"))
        for index, (label, value) in enumerate(zip(chart.labels, chart.values)):
            x = plot.left() + index * slot
            height = plot.height() * float(value) / top
            painter.fillRect(QRectF(x + slot * 0.2, plot.bottom() - height, slot * 0.6, height), QColor(PALETTE[0]))
            painter.drawText(QRectF(x, plot.bottom() - height - 20, slot, 18), Qt.AlignmentFlag.AlignCenter,
                             f"{value}")
            painter.drawText(QRectF(x, plot.bottom() + 4, slot, 20), Qt.AlignmentFlag.AlignCenter, label)
        painter.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
        painter.drawText(QPointF(plot.left(), plot.top() - 6), f"单位：{chart.unit}")

    def _pie(self, painter: QPainter, area: QRectF) -> None:
        chart = self.chart
        shown = [(label, value) for label, value in zip(chart.labels, chart.values) if value > 0]
        total = money.total(v for _, v in shown)
        side = min(area.width() * 0.5, area.height()) - 20
        circle = QRectF(area.left() + 20, area.top() + (area.height() - side) / 2, side, side)
        start = 90 * 16
        for index, (_, value) in enumerate(shown):
            span = -round(360 * 16 * float(value / total))
            painter.setBrush(QColor(PALETTE[index % len(PALETTE)]))
            painter.setPen(QPen(QColor("white"), 1))
            painter.drawPie(circle, start, span)
            start += span
        painter.setPen(QColor("black"))
        x, y = circle.right() + 30, circle.top() + 10
        for index, (label, value) in enumerate(shown):
            painter.fillRect(QRectF(x, y + index * 28, 16, 14), QColor(PALETTE[index % len(PALETTE)]))
            painter.drawText(QPointF(x + 24, y + index * 28 + 12),
                             f"{label}　{money.format_amount(value)} {chart.unit}（{money.percent(value, total):.2f}%）")
        painter.drawText(QPointF(x + 24, y + len(shown) * 28 + 12), f"合计　{money.format_amount(total)} {chart.unit}")


class SummaryWindow(QDialog):
    """The 汇总 chosen (kind, year, by unit or 主管部门, month of the monitoring round), its first table and
    its charts; 导出 writes the PDF (table and charts) or the Excel workbook."""

    loaded = Signal()

    def __init__(self, store, year: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from perfdesk.app.summary_operations import kinds

        self.store = store
        self.composed = None
        self.runner = runner_for(parent)
        self._query = f"summary-{id(self)}"  # this window's own kind: another 汇总 window is not overtaken
        self._export = None  # the running or last export Job
        self.setWindowTitle("汇总与图表")
        self.setObjectName("summaryWindow")
        open_within_screen(self, 1100, 720)

        self.kind = QComboBox(objectName="summaryKind")
        for kind in kinds():
            self.kind.addItem(KIND_NAMES.get(kind, kind), kind)
        self.year = QSpinBox(objectName="summaryYear", minimum=2000, maximum=2100)
        self.year.setValue(year or max(store.years(), default=2026))
        self.by = QComboBox(objectName="summaryBy")
        self.by.addItem("按预算单位", False)
        self.by.addItem("按主管部门", True)
        self.months = QSpinBox(objectName="summaryMonths", minimum=1, maximum=12, value=6, suffix=" 月")
        self.months.setToolTip("监控汇总的截至月份（1-6 月为 7 月的监控轮次）")
        refresh = QPushButton("汇总", objectName="summaryRefresh")
        self.pdf_button = QPushButton("导出 PDF…", objectName="summaryPdf")
        self.xlsx_button = QPushButton("导出 Excel…", objectName="summaryXlsx")
        top = QHBoxLayout()
        for label, widget in (("汇总表", self.kind), ("年度", self.year), ("", self.by), ("截至", self.months)):
            if label:
                top.addWidget(QLabel(label))
            top.addWidget(widget)
        top.addWidget(refresh)
        top.addStretch(1)
        top.addWidget(self.pdf_button)
        top.addWidget(self.xlsx_button)
        self.tabs = QTabWidget(objectName="summaryTabs")
        self.status = QLabel(objectName="summaryStatus")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        add_help_button(buttons, "summary")
        bottom.addWidget(buttons)
        layout.addLayout(bottom)
        refresh.clicked.connect(self.compose)
        self.kind.currentIndexChanged.connect(self.compose)
        self.by.currentIndexChanged.connect(self.compose)
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        self.compose()

    def is_working(self) -> bool:
        return self.runner.querying(self._query) or (self._export is not None and self._export.end is None)

    @Slot()
    def compose(self) -> None:
        from perfdesk.app.summary_operations import compose_summary

        store, kind, year, months = self.store, self.kind.currentData(), self.year.value(), self.months.value()
        by_dept = bool(self.by.currentData())
        self.status.setText("正在汇总…")
        self.runner.query(self._query, lambda: compose_summary(store, kind, year, by_supervisor=by_dept, months=months),
                          self._show, self._fail, owner=self)

    def _show(self, composed) -> None:
        self.composed = composed
        self.tabs.clear()
        form, summary = composed.table.form, composed.summary
        for key, rows in summary.values.items():
            totals = summary.totals[key] if composed.has_totals(key) else None
            self.tabs.addTab(self._table(form.tables[key], composed.labels(key), rows, totals), form.tables[key].label)
        for chart in summary.charts:
            self.tabs.addTab(ChartWidget(chart), chart.title.split("（")[0])
        if summary.charts:
            self.tabs.setCurrentIndex(len(summary.values))  # the first chart
        count = sum(len(rows) for rows in summary.values.values())
        self.status.setText(f"{composed.grid.title}{composed.grid.subtitle}：{count} 行，{len(summary.charts)} 幅图")
        self.loaded.emit()

    def _table(self, table, labels: list[str], rows: list[dict], totals: dict | None) -> QTableWidget:
        shown = [*rows, totals] if totals is not None else rows
        view = QTableWidget(len(shown), len(table.columns))
        view.setHorizontalHeaderLabels(labels)
        view.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, row in enumerate(shown):
            for c, column in enumerate(table.columns):
                value = row.get(column.key)
                text = "" if value is None else str(value)
                if isinstance(value, Decimal):
                    text = money.format_amount(value)
                item = QTableWidgetItem(text.replace("\n", "；"))
                if isinstance(value, (Decimal, int)):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                view.setItem(r, c, item)
        view.resizeColumnsToContents()
        # a long sentence (结果应用, 依据) wraps in a column of its own width instead of pushing the rest off
        view.setWordWrap(True)
        for c, column in enumerate(table.columns):
            if column.type == "longtext":
                view.setColumnWidth(c, min(view.columnWidth(c), LONG_TEXT_WIDTH))
        view.resizeRowsToContents()
        return view

    def _fail(self, message: str) -> None:
        self.status.setText(message)
        self.loaded.emit()

    def export(self, kind: str, target: Path | None = None) -> None:
        from perfdesk.app.summary_operations import write

        if self.composed is None:
            return
        if target is None:
            name, _ = QFileDialog.getSaveFileName(self, "导出汇总表", f"{self.composed.grid.title}.{kind}",
                                                  "PDF (*.pdf)" if kind == "pdf" else "Excel (*.xlsx)")
            if not name:
                return
            target = Path(name)
        composed = self.composed
        self.status.setText(f"正在导出 {target.name}…")
        self._export = self.runner.job(self, "导出汇总表", f"正在导出 {target.name}…", lambda _: write(
            composed, pdf=target if kind == "pdf" else None, xlsx=target if kind == "xlsx" else None), modal=False)
        self._export.done.connect(lambda _value: self.status.setText(f"已导出：{target}"))
        self._export.failed.connect(self.status.setText)
        self._export.start()
