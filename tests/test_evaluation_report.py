"""附件5-1 预算绩效评价报告: every label, the scored table's subtotals and 综合得分, the cover, checks."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from perfdesk.demo.demo_forms import CITY_UNIT, evaluation_report
from perfdesk.domain.checks import CheckContext, run_checks
from perfdesk.domain.registry import get_form
from perfdesk.app.operations import context
from perfdesk.render.grid import build_grid
from perfdesk.render.pdf import render_pdf
from perfdesk.render.xlsx import render_xlsx
from perfdesk.store import UnitRecord

FORM = get_form("evaluation_report")
CITY = UnitRecord(id=1, created_at=None, **CITY_UNIT)
LABELS_5_1 = [
    "长治市预算绩效评价报告", "项目名称", "项目单位", "主管部门", "评价类型：", "事前评价", "事中评价", "事后评价",
    "评价方式：", "部门（单位）绩效自评", "财政部门组织评价", "评价机构：", "中介机构", "部门（单位）评价组", "财政评价组",
    "长治市财政局（制）", "一、项目基本概况", "项目负责人", "联系电话", "地址", "邮编", "项目起止时间",
    "计划安排资金（万元）", "实际到位资金（万元）", "其中：中央财政", "省财政", "市县财政", "其它", "实际支出（万元）",
    "二、项目支出明细情况", "支出内容（经济科目）", "计划支出数", "实际支出数", "合计", "三、项目绩效情况",
    "预期", "实际", "项目绩效目标及实施计划完成情况", "基本指标", "具体指标", "指标分值", "评价得分",
    "1.目标设定情况", "2.目标完成程度", "业务指标得分", "小计", "1.资金落实情况", "2.实际支出情况", "财务指标得分",
    "综合得分", "评价等次", "四、评价人员", "姓名", "职称/职务", "单位", "签字", "填报人（签字）", "评价组组长（签字）",
    "单位负责人（签字）", "中介机构负责人（签字并盖章）", "五、评价报告文字部分（报告综述）", "（一）项目基本概况",
    "（二）项目绩效及评价结论", "（三）评价发现的问题", "（四）相关意见与建议", "（五）附件",
]


def pdf_text(doc: dict) -> list[str]:
    pdf = render_pdf(build_grid(FORM, doc, context(CITY, 2026, doc)))
    return [re.sub(r"\s+", "", p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]


def test_the_demo_report_passes_its_checks():
    assert run_checks(FORM, evaluation_report(2026), CheckContext(year=2026)) == []


def test_pdf_holds_every_label_of_5_1_and_the_computed_scores():
    pages = pdf_text(evaluation_report(2026))
    text = "".join(pages)
    missing = [label for label in LABELS_5_1 if label not in text]
    assert not missing, missing
    assert "业务指标得分小计70.0061.50" in text   # 8+7+20+15+10+10 points, 7+6+17+15+8+8.5 scored
    assert "财务指标得分小计30.0021.00" in text
    assert "综合得分*82.50" in text
    assert "计划安排资金（万元）75.00实际到位资金（万元）75.00" in text and "实际支出（万元）73.75" in text


def test_the_cover_is_its_own_unnumbered_page_with_ticks():
    pages = pdf_text(evaluation_report(2026))
    cover = pages[0]
    assert cover.startswith("长治市预算绩效评价报告") and "项目名称：2026年校舍维修改造项目" in cover
    assert "页共" not in cover  # not numbered
    assert "事前评价□事中评价□事后评价√" in cover
    assert "第1页共" in pages[1]


def test_score_above_its_points_is_an_error():
    doc = evaluation_report(2026)
    doc["business_indicators"][0]["score"] = "9"
    found = [f for f in run_checks(FORM, doc, CheckContext(year=2026)) if f.code.startswith("score_within_points")]
    assert found and "“绩效目标合理性”的评价得分（9.00）超过指标分值（8.00）" in found[0].message


def test_points_not_totalling_100_is_only_a_hint_citing_annex_2():
    # 附件5-1 does not fix the total; 附件2 第三部分 sets the evaluation's total at 100: a hint, not an error
    doc = evaluation_report(2026)
    doc["financial_indicators"][0]["points"] = "12"
    found = [f for f in run_checks(FORM, doc, CheckContext(year=2026)) if f.code == "points_total"]
    assert found and found[0].severity.value == "hint" and not found[0].blocks_export
    assert "分值合计为 102.00 分。附件5-1 未规定合计分值；附件2 第三部分" in found[0].message


@pytest.mark.parametrize("text", ["abc", "-1"])
def test_a_bad_score_is_named_as_a_score_not_money(text):
    doc = evaluation_report(2026)
    doc["business_indicators"][1]["score"] = text
    messages = [f.message for f in run_checks(FORM, doc, CheckContext(year=2026)) if "business_indicators.1.score" in f.field]
    assert messages and all("金额" not in m and "万元" not in m for m in messages)


def test_xlsx_has_the_cover_on_a_sheet_before_the_table():
    wb = load_workbook(io.BytesIO(render_xlsx(build_grid(FORM, evaluation_report(2026),
                                                         context(CITY, 2026, evaluation_report(2026))))), data_only=True)
    cover, ws = wb.worksheets
    assert wb.active is ws and cover.title == "封面"
    values = [c.value for row in cover.iter_rows() for c in row if c.value is not None]
    assert "长治市预算绩效评价报告" in values and not cover.oddFooter.center.text  # the cover is unnumbered
    assert ws["A1"].value == "长治市预算绩效评价报告" and ws.page_setup.firstPageNumber == 1
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert 82.5 in values


def test_monitoring_xlsx_prints_landscape():
    from perfdesk.domain.document import blank_document

    pm = get_form("project_monitoring")
    doc = blank_document(pm)
    ws = load_workbook(io.BytesIO(render_xlsx(build_grid(pm, doc, context(CITY, 2026, doc))))).active
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1


def test_grade_and_budget_consequence_follow_the_profile():
    text = "".join(pdf_text(evaluation_report(2026)))
    assert "评价等次*良好（良）" in text
    assert "项目绩效评价等次为良（良好），不低于良，下年度预算总额不因评价结果压减" in text
    # 长治's办法 gives no cut figures: the row says whose they are
    assert "长治市（2014年办法）未规定压减比例，参照中卫市进一步推进预算绩效结果应用实施方案一（四），仅供参考" in text


@pytest.mark.parametrize("score, total, grade, consequence", [
    # business scores sum to 6 × score; the financial part stays at 21.00
    ("7.5", "66.00", "合格（中）", "低于良，按预算总额的10%压减预算：本年预算总额75.00万元，压减7.50万元，下年度预算总额不超过67.50万元"),
    ("5", "51.00", "不合格（低）", "原则上不再安排同一支出内容的下年度预算"),
])
def test_a_low_grade_cuts_or_stops_next_years_budget(score, total, grade, consequence):
    doc = evaluation_report(2026)
    for row in doc["business_indicators"]:
        row["score"] = score
    text = "".join(pdf_text(doc))
    assert f"综合得分*{total}" in text and f"评价等次*{grade}" in text
    assert consequence in text


def test_an_out_of_range_score_still_previews_as_a_draft():
    doc = evaluation_report(2026)
    doc["business_indicators"][0]["score"] = "500"  # a slip of the keyboard, still a draft
    text = "".join(pdf_text(doc))
    assert "评价等次*—" in text
    assert any(f.code.startswith("score_within_points") for f in run_checks(FORM, doc, CheckContext(year=2026)))
