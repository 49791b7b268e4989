"""工具 → 汇总与图表 on a round of 32 units: the table with its 合计, the charts painted, the export.

Set PERFDESK_SHOTS to a folder to write the README's chart screenshot (summary_chart.png) there."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before PySide6 is imported

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtGui import QColor  # noqa: E402
from PySide6.QtWidgets import QTableWidget  # noqa: E402

from perfdesk.domain import money  # noqa: E402
from perfdesk.ui.app import create_main_window  # noqa: E402
from perfdesk.ui.summary_view import ChartWidget, SummaryWindow  # noqa: E402
from gui_support import settle  # noqa: E402
from table_text import pdf_text  # noqa: E402

SHOTS = os.environ.get("PERFDESK_SHOTS")
YEAR = 2026


@pytest.fixture
def round_store(store, demo_templates):
    return demo_templates.load(store, f"round {YEAR} 32 2")  # load_round(store, YEAR, units=32)


def loaded(qtbot, window: SummaryWindow) -> SummaryWindow:
    qtbot.waitUntil(lambda: window.composed is not None and not window.is_working(), timeout=20_000)
    return window


def test_menu_opens_the_summary_with_its_chart(qtbot, round_store, tmp_path):
    win = create_main_window(round_store)
    qtbot.addWidget(win)
    win.show()
    settle(win)
    action = win.summary_action
    assert action.text() == "汇总与图表(&G)…" and action in win.menuBar().actions()[2].menu().actions()
    window = win.show_summary()
    qtbot.addWidget(window)
    loaded(qtbot, window)
    table = window.tabs.widget(0)
    assert isinstance(table, QTableWidget) and table.rowCount() == 32 + 1
    total = window.composed.summary.totals["rows"]
    last = table.rowCount() - 1
    assert table.item(last, 1).text() == "合计"
    assert table.item(last, 4).text() == money.format_amount(total["requested"])
    chart = window.tabs.currentWidget()
    assert isinstance(chart, ChartWidget) and chart.chart.style == "pie"
    image = chart.grab().toImage()
    # the pie's largest slice (公共预算资金) is painted in the first colour
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert QColor("#2f6db5").name() in colours


def test_monitoring_chart_and_export(qtbot, round_store, tmp_path):
    window = SummaryWindow(round_store, YEAR)
    qtbot.addWidget(window)
    window.resize(1100, 720)
    window.show()
    loaded(qtbot, window)
    window.kind.setCurrentIndex(window.kind.findData("monitoring"))
    qtbot.waitUntil(lambda: window.composed.table.kind == "monitoring" and not window.is_working(), timeout=20_000)
    chart = window.tabs.currentWidget()
    assert isinstance(chart, ChartWidget) and chart.chart.kind == "bars" and len(chart.chart.values) == 20
    assert chart.chart.reference == 50  # 序时进度 of 1-6月
    if SHOTS:
        window.grab().save(str(Path(SHOTS) / "summary_chart.png"))
    target = tmp_path / "监控汇总.pdf"
    window.export("pdf", target)
    qtbot.waitUntil(lambda: window.status.text().startswith("已导出"), timeout=20_000)
    text = pdf_text(target.read_bytes())
    assert "图1支出进度与序时进度" in text
    window.by.setCurrentIndex(1)
    qtbot.waitUntil(lambda: "按主管部门" in window.status.text(), timeout=20_000)
    assert window.tabs.widget(0).rowCount() == 6 + 1


def test_a_failure_while_composing_is_told_in_the_window(qtbot, monkeypatch, store):
    import perfdesk.app.summary_operations as summary_operations

    def broken(*_args, **_kwargs):
        raise RuntimeError("汇总口径缺失")

    monkeypatch.setattr(summary_operations, "compose_summary", broken)
    window = SummaryWindow(store, YEAR)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.loaded, timeout=10_000):
        window.compose()
    assert window.status.text() == "程序内部错误（RuntimeError：汇总口径缺失），请把此信息告知技术支持"
