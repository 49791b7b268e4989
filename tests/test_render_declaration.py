"""The printed declaration: every label of 附件1-1, the values entered, A4, embedded fonts, Excel."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from perfdesk.app.operations import context
from perfdesk.render.grid import build_grid
from perfdesk.render.pdf import render_pdf
from perfdesk.render.xlsx import render_xlsx
from perfdesk.store import UnitRecord

# Every label printed on 附件1-1 (seed 002), as a clerk reads it on the official table.
LABELS_1_1 = [
    "预算支出绩效目标申报表", "填报单位（盖章）",
    "支出基本情况", "申报单位", "主管部门", "实施单位", "负责人", "联系电话",
    "支出类型", "基本支出", "项目支出", "部门整体支出", "起止时间", "预算科目名称及编码", "类：", "款：",
    "项目支出类型", "经济建设类", "新建", "扩建", "改建", "行政事业发展类", "购置", "维修（护）", "会议（培训）",
    "其他专项类", "专项业务", "奖励补贴", "单位职能概述", "支出概况",
    "支出立项情况", "立项的依据", "申报的可行性", "申报的必要性",
    "资金情况", "支出明细预算（万元）", "支出名称", "上年度资金", "本年度申请资金", "测算依据及说明", "合计",
    "资金来源计划（万元）", "资金来源", "本年度实际安排资金", "（由财政部门填）",
    "一、公共预算资金", "1、经费拨款", "2、行政事业性收费", "3、国有资产有偿使用收入", "4、罚没收入", "5、专项收入",
    "二、政府性基金", "三、其他资金", "1、纳入专户管理的事业资金", "2、其他收入",
    "绩效目标情况", "预期目标", "长期目标", "年度目标", "保障绩效目标实现的措施", "支出组织机构：", "相关管理制度：",
    "工作措施（方案、规划等）：", "支出实施进度计划", "实施内容", "开始时间", "完成时间",
    "长期绩效指标", "年度绩效指标", "一级指标", "二级指标", "指标内容", "指标值", "备注",
    "产出指标", "数量指标", "质量指标", "时效指标", "成本指标", "效益指标", "经济效益指标", "社会效益指标",
    "环境效益指标", "可持续影响指标", "服务对象满意度指标", "具体指标",
    "评价情况", "以前年度绩效评价情况", "年度（前三年）", "绩效等级", "自评等级", "专家评定",
    "本年度自评计划", "年度自评范围", "其他需要说明的情况",
    "审核意见", "主管部门审核意见", "业务科室审核意见", "预算绩效管理科审核意见", "审核人：", "单位公章", "年　　月　　日",
    "注：本表一式四份", "单位自存一份", "填报单位负责人（签名）", "填表人（签名）", "填表日期",
]

UNIT = UnitRecord(id=1, name="长治市第一中学", code="201003", supervisor_name="长治市教育局", supervisor_code="201",
                  region="长治市", level="市级", profile="changzhi", created_at=None)


def _grid(form, doc, year=2027, unit=UNIT):
    return build_grid(form, doc, context(unit, year, doc))


def _pdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def big_pdf():
    from perfdesk.demo.demo_forms import samples
    from perfdesk.domain.registry import get_form

    doc = samples(2027)[1][3]
    return render_pdf(_grid(get_form("declaration"), doc)), doc


def test_form_file_covers_every_label_of_attachment_1_1(form):
    from perfdesk.domain.document import blank_document

    grid = _grid(form, blank_document(form))
    printed = _flat(grid.title + "".join(t for t, _ in grid.above + grid.below) + "".join(grid.texts()))
    missing = [label for label in LABELS_1_1 if _flat(label) not in printed]
    assert not missing, f"form file lacks labels of 附件1-1: {missing}"


def test_every_field_has_its_help_text(form):
    without = [k for k, f in form.fields.items() if not f.help]
    without += [f"{t.key}.{c.key}" for t in form.tables.values() for c in t.columns if not c.help]
    assert not without


def test_pdf_holds_every_label_and_the_title(big_pdf):
    pdf, _ = big_pdf
    text = _flat("".join(_pdf_text(pdf)))
    assert "长治市市级预算支出绩效目标申报表" in text
    assert "（2027年度）" in text
    missing = [label for label in LABELS_1_1 if _flat(label) not in text]
    assert not missing, missing


def test_pdf_holds_the_values_entered(big_pdf):
    pdf, doc = big_pdf
    text = _flat("".join(_pdf_text(pdf)))
    assert "填报单位（盖章）：长治市第一中学" in text
    assert "2027年教师能力提升培训专项" in text
    assert "2027年1月1日至2027年12月31日" in text
    assert "类：教育支出（205）" in text and "款：普通教育（20502）" in text
    for row in doc["expense_details"]:
        assert _flat(row["name"]) in text and _flat(row["basis_note"]) in text
    assert "120.00" in text and "64.00" in text  # 合计 of 本年度 and 上年度
    for row in doc["annual_indicators"] + doc["long_term_indicators"]:
        assert _flat(row["content"]) in text and _flat(row["value"]) in text
    assert "填表日期：2026年10月15日" in text


def test_pdf_is_a4_portrait_with_page_numbers_and_repeated_headers(big_pdf):
    pdf, _ = big_pdf
    reader = PdfReader(io.BytesIO(pdf))
    pages = len(reader.pages)
    assert pages >= 3
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    texts = _pdf_text(pdf)
    for number, text in enumerate(texts, start=1):
        assert f"第{number}页共{pages}页" in _flat(text)
    # 60 indicators run over pages: each continuation page repeats the indicator header row.
    with_indicators = [t for t in texts if "三级" in t or "指标内容" in t]
    continued = [t for t in texts[1:] if "（续）" in t and ("产出指标" in t or "效益指标" in t)]
    assert continued and all("指标内容" in t for t in continued)
    assert len(with_indicators) >= 2


def test_pdf_embeds_every_font(big_pdf):
    pdf, _ = big_pdf
    reader = PdfReader(io.BytesIO(pdf))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            fonts[font["/BaseFont"]] = bool(descriptor and "/FontFile2" in descriptor.get_object())
    assert fonts and all(fonts.values()), fonts


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_pdffonts_lists_only_embedded_fonts(big_pdf, tmp_path):
    pdf, _ = big_pdf
    path = tmp_path / "a.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), out


def test_same_data_gives_same_pdf_bytes(form, big_doc):
    assert render_pdf(_grid(form, big_doc)) == render_pdf(_grid(form, big_doc))


def test_ticks_print_as_checked_boxes(form, big_doc):
    text = _flat("".join(_pdf_text(render_pdf(_grid(form, big_doc)))))
    assert "1.基本支出□2.项目支出√3.部门整体支出□" in text
    assert "维修（护）√" in text and "新建□" in text


def test_county_unit_gets_its_own_title_and_finance_office(form, big_doc):
    unit = UnitRecord(id=2, name="长子县农业农村局", code="310021", supervisor_name="长子县农业农村局",
                      supervisor_code="310", region="长子县", level="县级", profile="changzhi", created_at=None)
    text = _flat("".join(_pdf_text(render_pdf(_grid(form, big_doc, 2028, unit)))))
    assert "长子县县级预算支出绩效目标申报表（2028年度）" in text
    assert "报县财政局三份" in text and "县财政局业务科室审核意见" in text


def test_a_very_long_text_runs_over_pages_without_losing_a_character(form, big_doc):
    big_doc["basis"] = "".join(f"第{i}条依据。" for i in range(1, 700))
    pdf = render_pdf(_grid(form, big_doc))
    text = _flat("".join(_pdf_text(pdf)))
    assert "第1条依据。" in text and "第699条依据。" in text
    assert text.count("条依据") == 699


def test_xlsx_has_values_merges_and_print_setup(form, big_doc):
    # data_only: the 合计 are formulas; what a reader sees is their stored value
    wb = load_workbook(io.BytesIO(render_xlsx(_grid(form, big_doc))), data_only=True)
    ws = wb.active
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "长治市市级预算支出绩效目标申报表" in values
    assert "2027年教师能力提升培训专项" in values
    # amounts are numbers, shown as 万元 with two decimals
    totals = [c for row in ws.iter_rows() for c in row if c.data_type == "n" and c.value == 120]
    assert totals and all(c.number_format == "#,##0.00##" for c in totals)
    assert any(c.value == 11.5 for row in ws.iter_rows() for c in row if c.data_type == "n")
    # merged cells: the title across the sheet, the vertical section label down its rows
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A1:X1" in merged
    label = next(c for row in ws.iter_rows() for c in row if c.value == "支出基本情况")
    span = next(r for r in ws.merged_cells.ranges if label.coordinate in r)
    assert span.min_col == span.max_col == 1 and span.max_row - span.min_row >= 10
    assert label.alignment.text_rotation == 255
    assert label.border.left.style == "thin"
    # print setup: A4 portrait, fit to one page wide, page numbers; the headers each page repeats are
    # rows of the sheet (test_xlsx_print), not one print-title range
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.orientation == "portrait"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows is None and ws.row_breaks.brk
    assert "第 &P 页 共 &N 页" in ws.oddFooter.center.text


def test_xlsx_and_pdf_show_the_same_cells(form, big_doc):
    grid = _grid(form, big_doc)
    ws = load_workbook(io.BytesIO(render_xlsx(grid))).active
    xlsx_text = {str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for cell in grid.cells:
        if cell.text and cell.number is None:
            assert cell.text in xlsx_text, cell


def test_exact_decimal_amounts_print_as_typed(form, big_doc):
    big_doc["expense_details"][0]["this_year"] = "12345678.1234"
    grid = _grid(form, big_doc)
    cell = next(c for c in grid.cells if c.path == "expense_details.0.this_year")
    assert cell.text == "12,345,678.1234" and cell.number == Decimal("12345678.1234")


def test_a_long_figure_is_never_broken_across_lines(form, big_doc):
    big_doc["expense_details"][0]["this_year"] = "999999999999.9999"
    text = "".join(_pdf_text(render_pdf(_grid(form, big_doc))))
    assert "999,999,999,999.9999" in text


def test_a_run_of_closing_punctuation_stays_inside_its_cell(form, big_doc):
    from perfdesk.render.pdf import wrap

    lines = wrap("。" * 400, 150.0)
    assert len(lines) > 5 and all(len(line) <= 20 for line in lines)


def test_a_long_title_wraps_instead_of_leaving_the_page(form, big_doc):
    unit = UnitRecord(id=1, name="长治市第一中学", code="201003", supervisor_name="长治市教育局", supervisor_code="201",
                      region="长治市上党区某某乡镇人民政府所属事业单位管理委员会", level="县级", profile="changzhi",
                      created_at=None)
    text = _flat("".join(_pdf_text(render_pdf(_grid(form, big_doc, 2027, unit)))))
    assert "长治市上党区某某乡镇人民政府所属事业单位管理委员会县级预算支出绩效目标申报表" in text


def test_excel_keeps_figures_beyond_15_digits_as_printed(form, big_doc):
    big_doc["expense_details"][0]["this_year"] = "999999999999.9999"
    ws = load_workbook(io.BytesIO(render_xlsx(_grid(form, big_doc)))).active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "999,999,999,999.9999" in values
