"""The 汇总's charts on PDF pages after its table, drawn with ReportLab's own graphics
(reportlab.graphics.charts): the library that already prints every table, embedding the same font, so
a chart needs nothing more installed and prints the same on any machine.

Bars (支出进度 by unit, with 序时进度 as a line across), columns (等次分布) and a pie (资金来源).
"""

from __future__ import annotations

import io
from decimal import Decimal

from reportlab.graphics import renderPDF
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from perfdesk.domain import money
from perfdesk.domain.summary import ChartData
from perfdesk.render.pdf import FONT, register_font

PALETTE = [colors.HexColor(c) for c in ("#2f6db5", "#e08a1e", "#3a9a5b", "#c0392b", "#7d5ba6", "#7f8c8d")]
BAR, REFERENCE = colors.HexColor("#2f6db5"), colors.HexColor("#c0392b")


def with_charts(table_pdf: bytes, charts: list[ChartData], orientation: str) -> bytes:
    """The table's PDF followed by one page per chart (none: the table as it was)."""
    if not charts:
        return table_pdf
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(table_pdf)
    pages = pdfium.PdfDocument(chart_pages(charts, orientation))
    try:
        document.import_pages(pages)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()
    finally:
        pages.close()
        document.close()


def chart_pages(charts: list[ChartData], orientation: str = "landscape") -> bytes:
    register_font()
    size = landscape(A4) if orientation == "landscape" else A4
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=size, invariant=1, pageCompression=1)
    canvas.setTitle("汇总图表")
    width, height = size
    for number, chart in enumerate(charts, start=1):
        canvas.setFont(FONT, 14)
        canvas.drawCentredString(width / 2, height - 20 * mm, f"图{number}　{chart.title}")
        drawing = drawing_of(chart, width - 40 * mm, height - 55 * mm)
        renderPDF.draw(drawing, canvas, 20 * mm, 25 * mm)
        canvas.setFont(FONT, 9)
        canvas.drawCentredString(width / 2, 12 * mm, f"附图 {number}")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def drawing_of(chart: ChartData, width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    if not chart.values or not any(chart.values):
        drawing.add(String(width / 2, height / 2, "本轮尚无数据", fontName=FONT, fontSize=12, textAnchor="middle"))
        return drawing
    if chart.kind == "bars":
        _bars(drawing, chart, width, height)
    elif chart.style == "pie":
        _pie(drawing, chart, width, height)
    else:
        _columns(drawing, chart, width, height)
    return drawing


def _float(value: Decimal) -> float:
    return float(value)  # drawing coordinates only: never an amount that is printed or added


def _bars(drawing: Drawing, chart: ChartData, width: float, height: float) -> None:
    """One horizontal bar per unit, lowest first at the top; 序时进度 as a red line across."""
    bars = HorizontalBarChart()
    left = 60 * mm
    bars.x, bars.y, bars.width, bars.height = left, 12 * mm, width - left - 10 * mm, height - 20 * mm
    bars.data = [[_float(v) for v in reversed(chart.values)]]
    bars.categoryAxis.categoryNames = [_short(n) for n in reversed(chart.labels)]
    bars.categoryAxis.labels.fontName = FONT
    bars.categoryAxis.labels.fontSize = 8
    bars.categoryAxis.labels.boxAnchor = "e"
    top = max([*(_float(v) for v in chart.values), _float(chart.reference or Decimal(0)), 100.0])
    bars.valueAxis.valueMin, bars.valueAxis.valueMax = 0, top
    bars.valueAxis.valueStep = 10 if top <= 150 else 50
    bars.valueAxis.labels.fontName = FONT
    bars.valueAxis.labels.fontSize = 8
    bars.bars[0].fillColor = BAR
    bars.barLabelFormat = "%.2f"
    bars.barLabels.fontName = FONT
    bars.barLabels.fontSize = 7
    bars.barLabels.boxAnchor = "w"
    bars.barLabels.dx = 3
    drawing.add(bars)
    if chart.reference is not None:
        x = bars.x + bars.width * _float(chart.reference) / top
        drawing.add(Line(x, bars.y, x, bars.y + bars.height, strokeColor=REFERENCE, strokeWidth=1.5,
                         strokeDashArray=[4, 2]))
        drawing.add(String(x + 3, bars.y + bars.height + 3, f"{chart.reference_label} {chart.reference:.2f}%",
                           fontName=FONT, fontSize=9, fillColor=REFERENCE))
    drawing.add(String(bars.x + bars.width, 2 * mm, f"单位：{chart.unit}", fontName=FONT, fontSize=8,
                       textAnchor="end"))


def _columns(drawing: Drawing, chart: ChartData, width: float, height: float) -> None:
    columns = VerticalBarChart()
    columns.x, columns.y = 25 * mm, 15 * mm
    columns.width, columns.height = width - 50 * mm, height - 30 * mm
    columns.data = [[_float(v) for v in chart.values]]
    columns.categoryAxis.categoryNames = list(chart.labels)
    columns.categoryAxis.labels.fontName = FONT
    columns.categoryAxis.labels.fontSize = 11
    columns.valueAxis.valueMin = 0
    columns.valueAxis.labels.fontName = FONT
    columns.valueAxis.labels.fontSize = 8
    columns.bars[0].fillColor = BAR
    columns.barLabelFormat = "%d"
    columns.barLabels.fontName = FONT
    columns.barLabels.nudge = 8
    drawing.add(columns)
    drawing.add(String(columns.x, columns.y + columns.height + 6, f"单位：{chart.unit}", fontName=FONT, fontSize=8))


def _pie(drawing: Drawing, chart: ChartData, width: float, height: float) -> None:
    shown = [(label, value) for label, value in zip(chart.labels, chart.values) if value > 0]
    total = money.total(v for _, v in shown)
    pie = Pie()
    side = min(width / 2, height) - 20 * mm
    pie.x, pie.y, pie.width, pie.height = 20 * mm, (height - side) / 2, side, side
    pie.data = [_float(v) for _, v in shown]
    pie.labels = [f"{money.percent(v, total):.2f}%" for _, v in shown]
    pie.simpleLabels = True
    pie.slices.fontName = FONT
    pie.slices.fontSize = 10
    pie.slices.strokeColor = colors.white
    for index in range(len(shown)):
        pie.slices[index].fillColor = PALETTE[index % len(PALETTE)]
    drawing.add(pie)
    x, y = pie.x + side + 20 * mm, pie.y + side - 10 * mm
    for index, (label, value) in enumerate(shown):  # the legend with the exact amounts
        drawing.add(_swatch(x, y - index * 9 * mm, PALETTE[index % len(PALETTE)]))
        drawing.add(String(x + 8 * mm, y - index * 9 * mm, f"{label}　{money.format_amount(value)} {chart.unit}",
                           fontName=FONT, fontSize=11))
    drawing.add(String(x + 8 * mm, y - len(shown) * 9 * mm, f"合计　{money.format_amount(total)} {chart.unit}",
                       fontName=FONT, fontSize=11))


def _swatch(x: float, y: float, color):
    from reportlab.graphics.shapes import Rect

    return Rect(x, y - 1, 5 * mm, 4 * mm, fillColor=color, strokeColor=None)


def _short(name: str, limit: int = 14) -> str:
    return name if len(name) <= limit else name[:limit - 1] + "…"
