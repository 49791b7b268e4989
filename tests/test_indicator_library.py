"""The indicator library of 长治 附件2: its structure, every formula against hand-computed values, and safety."""

from __future__ import annotations

from decimal import Decimal

import pytest

from perfdesk.domain import indicator_library as lib
from perfdesk.domain.formulas import Formula, FormulaError, Input, parse
from perfdesk.domain.profiles import get_profile

D = Decimal

# (id, inputs, expected value, expected unit) — each expected value worked out by hand in the comment,
# rounded half up to the formula's places (2, or 4 for 万元 per head).
CASES = [
    # 共性指标
    ("common.5", {"actual": "96", "target": "120"}, "80.00", "%"),  # 96/120 = 0.8 → 80%
    ("common.6", {"achieved": "45", "target": "50"}, "90.00", "%"),  # 45/50 = 0.9
    ("common.12", {"paid": "95", "planned": "100"}, "95.00", "%"),  # 95/100
    ("common.13", {"arrived": "30", "planned": "40"}, "75.00", "%"),  # 30/40
    ("common.15", {"leveraged": "250", "fiscal": "100"}, "2.50", "ratio"),  # 250/100 = 2.5, no ×100%
    ("common.16", {"used": "87.5", "paid": "100"}, "87.50", "%"),  # 87.5/100
    ("common.acct.1", {"verified": "980", "book": "1000"}, "98.00", "%"),  # 980/1000
    ("common.acct.2", {"verified": "205", "book": "200"}, "102.50", "%"),  # 205/200 = 1.025
    ("common.acct.3", {"verified": "775", "book": "800"}, "96.88", "%"),  # 775/800 = 96.875 → 96.88 (half up)
    ("common.acct.4", {"on_time": "11", "due": "12"}, "91.67", "%"),  # 11/12 = 91.666… → 91.67
    ("common.23", {"approved": "57", "total": "60"}, "95.00", "%"),  # 57/60 = 0.95
    ("common.25", {"actual": "499", "book": "500"}, "99.80", "%"),  # 499/500 = 0.998
    ("common.26", {"in_use": "340", "total": "400"}, "85.00", "%"),  # 340/400 = 0.85
    # 1 经济建设
    ("econ.1", {"new_assets": "1500", "investment": "1200"}, "1.25", "ratio"),  # 1500/1200 = 1.25
    ("econ.2", {"new_tax_profit": "84", "investment": "1200"}, "7.00", "%"),  # 84/1200 = 0.07
    ("econ.3", {"delivered": "960", "investment": "1200"}, "80.00", "%"),  # 960/1200 = 0.8
    ("econ.4", {"completed": "7", "under_construction": "8"}, "87.50", "%"),  # 7/8 = 0.875
    ("econ.5", {"annual_tax_profit": "90", "investment": "1200"}, "7.50", "%"),  # 90/1200 = 0.075
    ("econ.6", {"income_increase": "1800", "investment": "1200"}, "1.50", "ratio"),  # 1800/1200 = 1.5
    # 2 支农
    ("agri.1", {"arrived": "45", "planned": "50"}, "90.00", "%"),  # 45/50
    ("agri.2", {"new_urban": "600", "urban_before": "12000"}, "5.00", "%"),  # 600/12000 = 0.05
    ("agri.3", {"non_farm": "3300", "total": "12000"}, "0.28", "ratio"),  # 3300/12000 = 0.275 → 0.28, no ×100%
    ("agri.4", {"satisfied": "423", "surveyed": "450"}, "94.00", "%"),  # 423/450 = 0.94
    ("agri.5", {"research": "36", "agri_spending": "1200"}, "3.00", "%"),  # 36/1200 = 0.03
    ("agri.6", {"increase": "560", "before": "8000"}, "7.00", "%"),  # 560/8000 = 0.07
    ("agri.7", {"net_difference": "12", "before": "160"}, "7.50", "%"),  # 12/160 = 0.075
    ("agri.8", {"net_difference": "1040", "before": "13000"}, "8.00", "%"),  # 1040/13000 = 0.08
    ("agri.9", {"increase": "1500", "before": "20000"}, "7.50", "%"),  # 1500/20000 = 0.075
    ("agri.10", {"reduction": "1234", "before": "3000"}, "41.13", "%"),  # 1234/3000 = 41.133… → 41.13
    ("agri.11", {"agri_growth": "12", "all_growth": "8"}, "0.50", "ratio"),  # 12/8 − 1 = 0.5
    ("agri.12", {"net_increase": "250", "before": "1000"}, "25.00", "%"),  # 250/1000
    ("agri.13", {"net_increase": "600", "before": "4000"}, "15.00", "%"),  # 600/4000
    ("agri.14", {"net_increase": "90", "before": "600"}, "15.00", "%"),  # 90/600
    # 3 教育
    ("edu.1", {"leveraged": "180", "fiscal": "120"}, "1.50", "ratio"),  # 180/120 = 1.5
    ("edu.3", {"research_funds": "150", "teachers": "400"}, "0.3750", "万元/人"),  # 150/400 = 0.375
    ("edu.4", {"students": "3000", "funds": "45000000"}, "0.67", "人/万元"),  # 3000×10000/45,000,000 = 0.666… → 0.67
    ("edu.5", {"awards": "18", "teachers": "400"}, "45.00", "项/千人"),  # 18×1000/400 = 45
    ("edu.6", {"applied": "27", "total": "60"}, "45.00", "%"),  # 27/60 = 0.45
    ("edu.7", {"students": "9000", "teachers": "600"}, "15.00", "ratio"),  # 9000/600 = 15
    ("edu.8", {"full_time": "510", "staff": "600"}, "85.00", "%"),  # 510/600 = 0.85
    ("edu.9", {"business": "30", "equipment": "18", "public_funds": "80"}, "60.00", "%"),  # (30+18)/80 = 0.6
    ("edu.10", {"postgraduate": "140", "full_time": "350"}, "40.00", "%"),  # 140/350 = 0.4
    ("edu.11", {"growth_1": "8.5", "growth_2": "10", "growth_3": "6.7"}, "8.40", "%"),  # 25.2/3 = 8.4, already %
    ("edu.12", {"closing": "5400", "opening": "5000"}, "8.00", "%"),  # (5400−5000)/5000 = 0.08
    ("edu.13", {"rate_1": "92.1", "rate_2": "93.4", "rate_3": "95"}, "93.50", "%"),  # 280.5/3 = 93.5
    # 4 科技
    ("sci.1", {"research_funds": "360", "researchers": "120"}, "3.0000", "万元/人"),  # 360/120 = 3
    ("sci.2", {"researchers": "450", "supported": "36000"}, "125.00", "人/万人"),  # 450×10000/36000 = 125
    ("sci.3", {"results": "54", "researchers": "120"}, "0.45", "项/人"),  # 54/120 = 0.45
    ("sci.4", {"awards": "9", "researchers": "120"}, "0.08", "项/人"),  # 9/120 = 0.075 → 0.08
    ("sci.5", {"applied": "12", "total": "40"}, "30.00", "%"),  # 12/40
    ("sci.6", {"output": "35", "input": "50"}, "70.00", "%"),  # 35/50
    ("sci.7", {"succeeded": "6", "projects": "8"}, "75.00", "%"),  # 6/8
    ("sci.8", {"succeeded": "17", "projects": "20"}, "85.00", "%"),  # 17/20
    ("sci.9", {"research_growth": "9", "fiscal_growth": "6"}, "150.00", "%"),  # 9/6 = 1.5 → 150%
    ("sci.10", {"growth_1": "10", "growth_2": "12", "growth_3": "11"}, "11.00", "%"),  # 33/3 = 11, already %
    ("sci.11", {"opening": "120", "left": "6"}, "95.00", "%"),  # (120−6)/120 = 0.95
    # 5 文化体育
    ("culture.1", {"increase": "12", "last_year": "150"}, "8.00", "%"),  # 12/150 = 0.08
    ("culture.2", {"books": "850000", "population": "1700000"}, "500.00", "册/千人"),  # 850000×1000/1700000 = 500
    ("culture.3", {"coaches": "24", "sports_funds": "3000000"}, "0.08", "人/万元"),  # 24×10000/3,000,000 = 0.08
    ("culture.4", {"athletes": "45", "sports_funds": "3000000"}, "0.15", "人/万元"),  # 45×10000/3,000,000 = 0.15
    ("culture.5", {"awarded": "14", "funded": "56"}, "25.00", "%"),  # 14/56 = 0.25
    ("culture.6", {"culture_growth": "12", "fiscal_growth": "8"}, "150.00", "%"),  # 12/8 = 1.5
    ("culture.7", {"growth_1": "5", "growth_2": "6", "growth_3": "7"}, "6.00", "%"),  # 18/3 = 6, already %
    ("culture.8", {"opening": "80", "left": "2"}, "97.50", "%"),  # 78/80 = 0.975
    # 6 卫生
    ("health.1", {"increase": "30", "last_year": "240"}, "12.50", "%"),  # 30/240 = 0.125
    ("health.2", {"population": "1700000", "hospitals": "68"}, "25000.00", "人/所"),  # 1700000/68 = 25000
    ("health.3", {"equipment": "300", "health_funds": "2000"}, "15.00", "%"),  # 300/2000
    ("health.5", {"deaths": "3", "total": "12000"}, "0.03", "%"),  # 3/12000 = 0.025% → 0.03 (half up)
    ("health.7", {"cured": "1710", "patients": "1800"}, "95.00", "%"),  # 1710/1800 = 0.95
    ("health.9", {"training": "40", "health_funds": "2000"}, "2.00", "%"),  # 40/2000 = 0.02
    # 7 社会保障
    ("social.1", {"paid": "980", "due": "1000"}, "98.00", "%"),  # 980/1000
    ("social.2", {"fiscal_actual": "300", "social_actual": "200", "enterprise_actual": "100",
                  "fiscal_due": "300", "social_due": "250", "enterprise_due": "150"}, "85.71", "%"),  # 600/700 = 85.714…
    ("social.3", {"trained": "660", "unemployed": "1200"}, "55.00", "%"),  # 660/1200 = 0.55
    ("social.4", {"new_insured": "1500", "insured_last_year": "42000", "should_insure": "45000"},
     "96.67", "%"),  # 43500/45000 = 96.666… → 96.67
    ("social.5", {"collected": "9200", "due": "10000"}, "92.00", "%"),  # 9200/10000
    ("social.6", {"socialised": "38000", "insured": "40000"}, "95.00", "%"),  # 38000/40000
    ("social.7", {"target": "50000", "insured": "48500"}, "1500.00", "人"),  # 50000 − 48500 = 1500
    ("social.8", {"uncovered": "300", "residents": "150000"}, "0.20", "%"),  # 300/150000 = 0.002
    ("social.9", {"spent": "475", "due": "500"}, "95.00", "%"),  # 475/500
    ("social.10", {"spent": "1188", "due": "1200"}, "99.00", "%"),  # 1188/1200 = 0.99
    ("social.11", {"backstop": "60", "unemployment_spending": "400"}, "15.00", "%"),  # 60/400
    # 8 政府采购
    ("procure.1", {"procurement": "2400", "fiscal_spending": "30000"}, "8.00", "%"),  # 2400/30000 = 0.08
    ("procure.2", {"procured": "46", "should_procure": "50"}, "92.00", "%"),  # 46/50
    ("procure.3", {"market": "1000", "procured": "920"}, "8.00", "%"),  # (1000−920)/1000 = 0.08
    # 9 政府运转
    ("gov.1", {"running_growth": "5", "fiscal_growth": "10"}, "50.00", "%"),  # 5/10
    ("gov.2", {"running_growth": "6", "gdp_growth": "8"}, "75.00", "%"),  # 6/8
    ("gov.3", {"running": "3000", "fiscal_spending": "50000"}, "6.00", "%"),  # 3000/50000
    ("gov.4", {"serving": "98", "authorised": "100"}, "98.00", "%"),  # 98/100
    ("gov.5", {"funded": "90", "serving": "98"}, "91.84", "%"),  # 90/98 = 91.836… → 91.84
    ("gov.6", {"personnel": "1800", "running": "3000"}, "60.00", "%"),  # 1800/3000
    ("gov.7", {"public_funds": "900", "running": "3000"}, "30.00", "%"),  # 900/3000
    ("gov.8", {"case_costs": "150", "running": "3000"}, "5.00", "%"),  # 150/3000
    ("gov.9", {"meetings": "45", "public_funds": "900"}, "5.00", "%"),  # 45/900
    ("gov.10", {"wages": "1200", "running": "3000"}, "40.00", "%"),  # 1200/3000
    ("gov.11", {"personnel": "1800", "headcount": "98"}, "18.3673", "万元/人"),  # 1800/98 = 18.367346… → 18.3673
    ("gov.12", {"public_funds": "900", "headcount": "98"}, "9.1837", "万元/人"),  # 900/98 = 9.183673… → 9.1837
    ("gov.13", {"wages": "1200", "headcount": "98"}, "12.2449", "万元/人"),  # 1200/98 = 12.244897… → 12.2449
    ("gov.14", {"meetings": "24.5", "headcount": "98"}, "0.2500", "万元/人"),  # 24.5/98 = 0.25
    ("gov.15", {"headcount": "98", "cars": "7"}, "14.00", "人/辆"),  # 98/7 = 14
    ("gov.16", {"fuel": "8.4", "maintenance": "5.6", "cars": "7"}, "2.0000", "万元/辆"),  # (8.4+5.6)/7 = 2, not 8.4+5.6/7
    ("gov.17", {"building_costs": "49", "headcount": "98"}, "0.5000", "万元/人"),  # 49/98 = 0.5
    ("gov.18", {"done": "45", "planned": "60"}, "0.75", "ratio"),  # 45/60 = 0.75, no ×100%
    # rates of the other seeds
    ("monitor.release_rate", {"released": "60", "budget": "120"}, "50.00", "%"),  # 60/120
    ("monitor.spending_progress", {"spent": "45", "arranged": "120"}, "37.50", "%"),  # 45/120 = 0.375
    ("national.execution_rate", {"executed": "95.5", "budget": "100"}, "95.50", "%"),  # 95.5/100
]


@pytest.mark.parametrize("entry_id, inputs, expected, unit", CASES, ids=[c[0] for c in CASES])
def test_every_formula_against_hand_computed_value(entry_id, inputs, expected, unit):
    result = lib.compute(entry_id, inputs)
    assert isinstance(result.value, Decimal)
    assert result.value == D(expected) and str(result.value) == expected
    assert result.unit == unit


def test_the_cases_cover_every_formula_of_the_library():
    assert {c[0] for c in CASES} == {f.id for f in lib.formulas()}
    assert len(lib.formulas()) == 105


def test_result_text():
    assert lib.compute("common.12", {"paid": "95", "planned": "100"}).text == "95.00%"
    assert lib.compute("common.15", {"leveraged": "250", "fiscal": "100"}).text == "2.50"
    assert lib.compute("edu.3", {"research_funds": "150", "teachers": "400"}).text == "0.3750 万元/人"
    assert lib.compute("health.2", {"population": "1700000", "hospitals": "68"}).text == "25,000.00 人/所"


def test_negative_results_where_the_seed_allows_them():
    # 农业保护水平 = 6/8 − 1 = −0.25: agriculture not protected
    assert lib.compute("agri.11", {"agri_growth": "6", "all_growth": "8"}).value == D("-0.25")
    # 目标完成情况 = 45000 − 48500 = −3500: the target is exceeded
    assert lib.compute("social.7", {"target": "45000", "insured": "48500"}).value == D("-3500.00")


def test_inputs_by_chinese_label_and_as_typed():
    by_label = lib.compute("common.12", {"实际拨付金额": "１，２００", "计划投入资金": " 1,500 "})
    assert by_label.value == D("80.00")  # 1200/1500
    assert lib.compute("common.12", {"paid": D("95"), "planned": 100}).value == D("95.00")
    # a rate typed with its percent sign
    assert lib.compute("edu.11", {"growth_1": "8.5%", "growth_2": "10％", "growth_3": "6.7"}).value == D("8.40")


def test_missing_input_message():
    with pytest.raises(FormulaError) as err:
        lib.compute("national.execution_rate", {"budget": "100"})
    assert str(err.value) == "缺少“全年执行数”，请填写"
    with pytest.raises(FormulaError) as err:
        lib.compute("common.12", {"paid": "  "})
    assert str(err.value) == "缺少“实际拨付金额”、“计划投入资金”，请填写"


def test_zero_denominator_message():
    with pytest.raises(FormulaError) as err:
        lib.compute("common.12", {"paid": "5", "planned": "0"})
    assert str(err.value) == "“计划投入资金”为 0，无法计算资金到位率"
    with pytest.raises(FormulaError) as err:
        lib.compute("national.execution_rate", {"executed": "5", "budget": "0.00"})
    assert str(err.value) == "“全年预算数”为 0，无法计算预算执行率"
    zero_due = {"fiscal_actual": "1", "social_actual": "1", "enterprise_actual": "1",
                "fiscal_due": "0", "social_due": "0", "enterprise_due": "0"}
    with pytest.raises(FormulaError) as err:
        lib.compute("social.2", zero_due)
    assert str(err.value) == "“财政安排应支出数＋社会筹集应支出数＋企业自筹应支出数”为 0，无法计算三三制资金筹集率"
    with pytest.raises(FormulaError, match="“财政对所有行业支出的平均增长速度”为 0，无法计算农业保护水平"):
        lib.compute("agri.11", {"agri_growth": "3", "all_growth": "0"})


def test_bad_input_messages():
    with pytest.raises(FormulaError, match="“实际拨付金额”填写的“九十五”不是有效的数字"):
        lib.compute("common.12", {"paid": "九十五", "planned": "100"})
    with pytest.raises(FormulaError, match="不能用浮点数"):
        lib.compute("common.12", {"paid": 95.0, "planned": "100"})
    with pytest.raises(FormulaError, match="“实际拨付金额”填写的“95%”不是有效的数字"):
        lib.compute("common.12", {"paid": "95%", "planned": "100"})  # a % sign only for inputs that are rates


def test_indicators_without_formula_say_how_they_are_judged():
    with pytest.raises(FormulaError) as err:
        lib.compute("edu.2", {})
    assert str(err.value) == "“创收能力”没有计算公式（专家评定），请直接填写评价结果"
    with pytest.raises(FormulaError, match="指标库中没有编号为“edu.99”的指标"):
        lib.find("edu.99")


@pytest.mark.parametrize("expression", [
    "__import__('os').system('true')", "a ** 2", "a if b else c", "f(a)", "a.b", "[a]", "'text'", "a // b",
    "a % b", "lambda: 1", "a < b", "True", "a and b", "(a := 1)", "",
])
def test_only_arithmetic_is_allowed(expression):
    with pytest.raises(FormulaError):
        parse(expression)


def test_formula_inputs_must_match_the_expression():
    with pytest.raises(FormulaError, match="未说明的输入：b"):
        Formula(id="x", name="x", expression="a / b", inputs=(Input("a", "甲"),), unit="%")
    with pytest.raises(FormulaError, match="未使用的输入：c"):
        Formula(id="x", name="x", expression="a / b", inputs=(Input("a", "甲"), Input("b", "乙"), Input("c", "丙")),
                unit="%")
    custom = Formula(id="x", name="自定义", expression="(a - b) * 2 / -b + 1.5", unit="ratio",
                     inputs=(Input("a", "甲"), Input("b", "乙")))
    assert custom.evaluate({"a": "10", "b": "4"}).value == D("-1.50")  # (10−4)×2/(−4) + 1.5 = −3 + 1.5


def test_common_indicators_in_eight_groups():
    groups = lib.common_groups()
    assert [g.name for g in groups] == ["目标设定情况", "目标完成程度", "组织管理水平", "资金落实情况",
                                        "实际支出情况", "会计信息质量", "财务管理状况", "资产配置与使用"]
    assert [g.category for g in groups] == ["业务指标"] * 3 + ["财务指标"] * 5
    indicators = lib.common_indicators()
    assert [i.no for i in indicators] == list(range(1, 27))
    assert [i.name for i in indicators][:3] == ["依据的充分性", "目标的明确度", "目标的合理性"]
    assert indicators[11].name == "资金到位率" and indicators[11].formula.better == "higher"
    assert indicators[25].name == "固定资产利用率"
    assert [f.name for f in groups[5].formulas] == ["资产准确率", "负债准确率", "所有者权益（净资产）准确率",
                                                    "报送财务报表等资料及时率"]
    assert lib.find("common.23").formula.name == "资金拨付手续完备率"
    assert "经济性、效率性和有效性" in groups[0].definition


def test_nine_families():
    fams = lib.families()
    assert [(f.name, len(f.indicators)) for f in fams] == [
        ("经济建设支出指标", 6), ("财政支农支出指标", 14), ("财政教育支出指标", 13), ("财政科技支出指标", 12),
        ("财政文化体育支出指标", 9), ("财政卫生支出指标", 10), ("财政社会保障支出指标", 11),
        ("政府采购支出指标", 4), ("政府运转支出指标", 19)]
    assert lib.family("social").categories[0] == "国有企业失业职工基本生活保障"
    assert lib.find("health.5").formula.better == "lower"
    assert lib.find("sci.12").method == "专家评定"
    assert lib.find("edu.1").formula.expression == lib.find("common.15").formula.expression


def test_qualitative_weights_match_the_changzhi_profile():
    weights = [(q.id, q.name, q.weight) for q in lib.qualitative_indicators()]
    assert weights == [("qual.efficiency", "职能目标完成效率", 30), ("qual.service", "提供公共服务效能", 20),
                       ("qual.management", "基础管理水平", 20), ("qual.innovation", "发展创新能力", 20),
                       ("qual.impact", "对社会或环境影响程度", 10)]
    part = get_profile("changzhi").scoring.part("qualitative")
    assert [(w.id, w.name, w.weight) for w in part.weights] == weights
    assert len(lib.library().factors) == 6 and len(lib.library().methods) == 3


def test_search():
    assert [e.id for e in lib.search("资金到位率")] == ["common.12", "common.13", "agri.1"]
    assert [e.id for e in lib.search("三年 增长率")] == ["edu.11", "sci.10", "culture.7"]
    assert [e.id for e in lib.search("教练员")] == ["culture.3"]
    assert lib.search("   ") == [] and lib.search("不存在的指标") == []


def test_library_is_read_once():
    assert lib.library() is lib.library()
