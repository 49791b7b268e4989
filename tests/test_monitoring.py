"""双监控: computations, checks, warnings, carry-over, due dates and the printed tables (seed 003)."""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from perfdesk.demo.demo_forms import CITY_UNIT, COUNTY_UNIT, samples
from perfdesk.domain import monitoring
from perfdesk.domain.checks import CheckContext, run_checks
from perfdesk.domain.document import blank_document, derived_values
from perfdesk.domain.profiles import get_profile
from perfdesk.domain.registry import get_form
from perfdesk.app.operations import context
from perfdesk.render.grid import build_grid
from perfdesk.render.pdf import render_pdf
from perfdesk.store import UnitRecord

PM, DM, REPORT, DECL = (get_form(k) for k in ("project_monitoring", "dept_monitoring", "monitoring_report",
                                              "declaration"))
CITY = UnitRecord(id=1, created_at=None, **CITY_UNIT)


def project_doc(months: int = 6) -> dict:
    """The monitoring table of the valid demo declaration, with every indicator on track."""
    doc = monitoring.from_declaration(PM, DECL, samples(2027)[0][3], unit_level="市级", months=months)
    doc["fund_sources"]["city"].update(issued="100", spent="80", forecast="147.535")
    for row in doc["indicators"]:
        row.update(progress="进行中", forecast=row["target"], possibility="确定能")
    return doc


def codes(findings) -> set[str]:
    return {f.code for f in findings}


def flat(pdf: bytes) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


# computations ---------------------------------------------------------------------------------

def test_carry_over_from_the_declaration():
    decl = samples(2027)[0][3]
    doc = monitoring.from_declaration(PM, DECL, decl, unit_level="市级")
    assert doc["project_name"] == "2027年校舍维修改造项目"
    assert doc["supervisor_name"] == "长治市教育局" and doc["supervisor_code"] == "201"
    assert doc["unit_name"] == "长治市第一中学" and doc["annual_goal"] == decl["annual_goal"]
    assert Decimal(doc["fund_sources"]["city"]["budget"]) == Decimal("147.535")
    assert doc["period_months"] == "6"
    targets = [(r["content"], r["target"]) for r in doc["indicators"]]
    assert targets == [(r["content"], r["value"]) for r in decl["annual_indicators"]]
    levels = {(r["level1"], r["level2"]) for r in doc["indicators"]}
    assert ("满意度指标", "服务对象满意度指标") in levels and ("效益指标", "生态效益指标") in levels
    assert all(r["progress"] is None and r["possibility"] is None for r in doc["indicators"])


def test_county_money_lands_in_the_county_row_and_finance_arrangement_wins():
    decl = copy.deepcopy(samples(2027)[4][3])
    decl["fund_sources"]["appropriation"]["actual"] = "200"
    doc = monitoring.from_declaration(PM, DECL, decl, unit_level="县级")
    assert doc["fund_sources"]["county"]["budget"] == "200" and doc["fund_sources"]["city"]["budget"] is None


@pytest.mark.parametrize("carry, budget, issued, spent, subtotal, issue_rate, spend_rate", [
    ("10", "100", "50", "30", "110", "50.00", "27.27"),
    (None, "100", "100", "100", "100", "100.00", "100.00"),       # exactly 100 %
    (None, "100", "120", "50", "100", "120.00", "50.00"),         # over 100 % (an error, still computed)
    (None, "0", "10", "5", "0", None, None),                      # zero budget: “—”, never a crash
    (None, "3", "1", "1", "3", "33.33", "33.33"),                 # rounding half up
    (None, "8", "1", "1", "8", "12.50", "12.50"),
])
def test_rates_and_subtotals(carry, budget, issued, spent, subtotal, issue_rate, spend_rate):
    doc = blank_document(PM)
    doc["fund_sources"]["city"].update(carryover=carry, budget=budget, issued=issued, spent=spent)
    values = derived_values(PM, doc, "fund_sources")
    assert values["subtotal"]["city"] == Decimal(subtotal)
    assert values["issue_rate"]["city"] == (Decimal(issue_rate) if issue_rate else None)
    assert values["spend_rate"]["city"] == (Decimal(spend_rate) if spend_rate else None)
    # the 资金总额 row totals the sources
    assert values["subtotal"]["total"] == Decimal(subtotal)


def test_half_up_rounding_of_a_rate():
    doc = blank_document(PM)
    doc["fund_sources"]["city"].update(budget="200", issued="0.0125")  # 0.00625 %
    assert derived_values(PM, doc, "fund_sources")["issue_rate"]["city"] == Decimal("0.01")


@pytest.mark.parametrize("months, share", [(6, "50.00"), (9, "75.00"), (1, "8.33"), (12, "100.00")])
def test_period_share(months, share):
    assert monitoring.period_share(months) == Decimal(share)


@pytest.mark.parametrize("target, forecast, short", [
    ("≥95%", "93%", True), ("≥95%", "95%", False), ("≥95%", "98.5%", False),
    ("≤30天", "35天", True), ("≤30天", "28天", False), ("120所", "100所", True),
    ("完全消除", "基本消除", None), ("≥95%", "", None),
    ("≥800户", "1,250户", False), ("≤2,000元/亩", "950元/亩", False), ("≥1,200户", "1,100户", True),
    ("≥-5%", "-10%", True), ("≥12000亩", "1.2万亩", None), ("≤11月30日", "12月15日", True),
])
def test_forecast_against_target(target, forecast, short):
    assert monitoring.falls_short(target, forecast) is short


# checks ---------------------------------------------------------------------------------------

def test_a_complete_table_passes():
    assert run_checks(PM, project_doc(), CheckContext(year=2027)) == []


def test_each_indicator_needs_progress_forecast_and_one_tick():
    doc = project_doc()
    doc["indicators"][0].update(progress=None, forecast="", possibility=None)
    found = codes(run_checks(PM, doc, CheckContext(year=2027)))
    assert {"required:indicators.0.progress", "required:indicators.0.forecast",
            "required:indicators.0.possibility"} <= found
    doc["indicators"][0]["possibility"] = "确定能,有可能"
    assert "choice:indicators.0.possibility" in codes(run_checks(PM, doc, CheckContext(year=2027)))


def test_impossible_needs_measures_in_the_note():
    doc = project_doc()
    doc["indicators"][2]["possibility"] = "完全不可能"
    found = [f for f in run_checks(PM, doc, CheckContext(year=2027)) if f.code == "impossible_measures:2"]
    assert found and found[0].field == "indicators.2.note" and "请在备注中提出拟采取的措施" in found[0].message
    doc["indicators"][2]["note"] = "调整实施方案，申请调减预算"
    assert "impossible_measures:2" not in codes(run_checks(PM, doc, CheckContext(year=2027)))


def test_a_forecast_below_target_needs_a_cause():
    doc = project_doc()
    row = doc["indicators"][0]
    row["forecast"] = "80%"
    row["target"] = "≥95%"
    found = [f for f in run_checks(PM, doc, CheckContext(year=2027)) if f.code == "deviation_cause:0"]
    assert found and "未达到年度指标值（≥95%）" in found[0].message
    row["deviation_cause"] = "设备到货延迟"
    assert "deviation_cause:0" not in codes(run_checks(PM, doc, CheckContext(year=2027)))


@pytest.mark.parametrize("issued, spent, code, words", [
    ("200", "10", "issued_within_budget:city", "下达数（200.00 万元）超过本年预算（147.535 万元）"),
    ("100", "120", "spent_within_issued:city", "支出数（120.00 万元）超过上年结转与下达数之和（100.00 万元）"),
])
def test_money_beyond_its_bound_is_an_error_naming_the_amounts(issued, spent, code, words):
    doc = project_doc()
    doc["fund_sources"]["city"].update(issued=issued, spent=spent)
    found = [f for f in run_checks(PM, doc, CheckContext(year=2027)) if f.code == code]
    assert found and words in found[0].message


def test_money_carried_over_from_last_year_may_be_spent_beyond_this_years_issue():
    doc = project_doc()
    doc["fund_sources"]["city"].update(carryover="30", issued="100", spent="120")
    assert not [f for f in run_checks(PM, doc, CheckContext(year=2027)) if f.code.startswith("spent_within_issued")]
    doc["fund_sources"]["city"]["spent"] = "130.01"
    found = [f for f in run_checks(PM, doc, CheckContext(year=2027)) if f.code == "spent_within_issued:city"]
    assert found and "超过上年结转与下达数之和（130.00 万元）" in found[0].message


@pytest.mark.parametrize("spent, rate, behind", [
    ("59.02", "40.00", False),  # 10 points behind 50 %: exactly the tolerance, no finding
    ("58.99", "39.98", True),   # 10.02 points behind: beyond it
    ("0", "0.00", True),
])
def test_spending_behind_the_half_year_share(spent, rate, behind):
    doc = project_doc(6)
    doc["fund_sources"]["city"].update(issued="147.535", spent=spent)
    assert derived_values(PM, doc, "fund_sources")["spend_rate"]["total"] == Decimal(rate)
    assert ("spending_behind" in codes(run_checks(PM, doc, CheckContext(year=2027)))) is behind


def test_spending_behind_is_measured_against_the_period():
    doc = project_doc(6)
    doc["fund_sources"]["city"].update(issued="147.535", spent="73.77")  # 50.00 %
    assert "spending_behind" not in codes(run_checks(PM, doc, CheckContext(year=2027)))
    doc["period_months"] = "9"  # the same money by September is 25 points behind 75 %
    found = [f for f in run_checks(PM, doc, CheckContext(year=2027)) if f.code == "spending_behind"]
    assert found and "支出进度 50.00% 落后于序时进度 75.00%" in found[0].message
    doc["spending_explanation"] = "工程款按合同于竣工后支付"
    assert "spending_behind" not in codes(run_checks(PM, doc, CheckContext(year=2027)))


def test_department_blocks_must_agree():
    doc = monitoring.department_start(DM, supervisor_name="长治市教育局", supervisor_code="201",
                                      project_budget={"1": {"general": Decimal("75")}})
    doc["funds_by_kind"]["general"]["budget"] = "70"
    found = [f for f in run_checks(DM, doc, CheckContext(year=2026)) if f.code == "funds_blocks_agree"]
    assert found and "70.00 万元" in found[0].message and "75.00 万元" in found[0].message


# warnings, due dates ---------------------------------------------------------------------------

def test_warnings_name_their_rule_and_figures():
    doc = project_doc()
    doc["fund_sources"]["city"].update(spent="20")
    doc["indicators"][0]["possibility"] = "完全不可能"
    doc["indicators"][1]["possibility"] = "有可能"
    found = monitoring.alerts(PM, doc, get_profile("changzhi"))
    rules = [a.rule for a in found]
    assert rules.count("执行缓慢") == 1 and rules.count("目标不可能完成") == 1 and rules.count("目标存在风险") == 1
    slow = next(a for a in found if a.rule == "执行缓慢")
    assert "支出进度 13.56% 低于序时进度 50.00%" in slow.message
    assert next(a for a in found if a.rule == "目标不可能完成").level == "红色预警"
    assert monitoring.alerts(PM, project_doc(), None) == []


def test_due_date_is_31_july_for_the_half_year():
    assert monitoring.due_date(get_profile("changzhi"), 2027, 6) == dt.date(2027, 7, 31)
    assert monitoring.due_date(None, 2027, 9) == dt.date(2027, 10, 31)


# printed tables --------------------------------------------------------------------------------

LABELS_2 = ["项目支出绩效运行监控表", "（2027年1-6月）", "项目名称", "主管部门及代码", "预算单位",
            "项目资金预算安排及执行进度（万元）", "年度预算资金安排", "上年结转", "本年预算", "小计",
            "1-6月下达数", "1-6月下达率%（下达数/本年预算数）", "1-6月支出数", "1-6月支出进度%（支出数/安排数）",
            "全年预计支出数", "资金总额：", "其中：中央财政资金", "省级财政资金", "市级财政资金", "县（区）财政资金",
            "单位自筹资金", "其他资金", "项目年度绩效目标", "绩效指标", "一级指标", "二级指标", "三级指标",
            "年度指标值", "1-6月指标完成情况", "全年指标预计完成情况", "偏差原因分析", "完成目标可能性“√”",
            "确定能", "有可能", "完全不可能", "备注", "产出指标", "数量指标", "质量指标", "时效指标", "成本指标",
            "效益指标", "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "满意度指标",
            "服务对象满意度指标", "1．偏差原因分析：针对与预期目标产生偏差的指标值", "2．完成目标可能性：分确定能、有可能、完全不可能三级",
            "3．如果“完全不可能完成”，请在备注中提出拟采取的措施。"]
LABELS_3 = ["部门整体支出绩效运行监控表", "主管部门（单位）及代码", "其中：一般公共预算资金", "政府性基金预算资金",
            "国有资本经营预算资金", "社会保险基金预算资金", "财政专户管理资金", "单位资金", "其中：基本支出", "项目支出",
            "年度绩效目标", "1-6月下达率%（下达数/本年预算数）", "完成目标可能性“√”", "完全不可能"]


def test_project_table_pdf_holds_every_label_the_rates_and_is_landscape():
    doc = project_doc()
    pdf = render_pdf(build_grid(PM, doc, context(CITY, 2027, doc)))
    text = flat(pdf)
    missing = [label for label in LABELS_2 if re.sub(r"\s+", "", label) not in text]
    assert not missing, missing
    assert "市级项目支出绩效运行监控表" in text
    assert "67.78" in text and "54.22" in text  # 下达率 100/147.535, 支出进度 80/147.535
    for page in PdfReader(io.BytesIO(pdf)).pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)


def test_department_table_pdf_holds_every_label():
    doc = monitoring.department_start(DM, supervisor_name="长治市教育局", supervisor_code="201",
                                      project_budget={"1": {"general": Decimal("75")}})
    doc["funds_by_use"]["project"].update(issued="30", spent="12")
    text = flat(render_pdf(build_grid(DM, doc, context(CITY, 2026, doc))))
    missing = [label for label in LABELS_3 + LABELS_2[15:16] if re.sub(r"\s+", "", label) not in text]
    assert not missing, missing
    assert "40.00" in text and "16.00" in text  # 下达率 30/75 and 支出进度 12/75


def test_a_nine_month_period_shows_in_titles_and_headers():
    doc = project_doc(9)
    text = flat(render_pdf(build_grid(PM, doc, context(CITY, 2027, doc))))
    assert "（2027年1-9月）" in text and "1-9月支出进度%" in text and "1-6月" not in text


def test_report_has_the_fixed_outline_and_prefilled_figures():
    doc = project_doc()
    execution, achievement = monitoring.report_figures(PM, doc)
    assert "下达率 67.78%" in execution and "支出进度 54.22%" in execution and "序时进度 50.00%" in execution
    assert f"共监控绩效指标 {len(doc['indicators'])} 项" in achievement
    report = blank_document(REPORT, {"subject_name": "2027年校舍维修改造项目", "budget_execution": execution,
                                     "goal_achievement": achievement})
    text = flat(render_pdf(build_grid(REPORT, report, context(CITY, 2027, report))))
    assert "2027年校舍维修改造项目支出绩效监控分析报告" in text
    for heading in ["一、项目（部门）基本情况", "二、预算执行和绩效目标实现情况分析", "（一）预算执行情况分析",
                    "（二）绩效目标实现情况分析", "三、绩效监控延伸情况", "四、绩效监控结果分析", "（一）监控总体结论",
                    "（二）预算执行和绩效目标出现偏差的原因分析", "（三）存在问题及整改措施和建议", "五、其他需要说明的事项"]:
        assert heading in text
    assert "下达率67.78%" in text
