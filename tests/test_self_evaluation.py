"""项目支出 / 部门整体支出绩效自评表: the national layout's labels in print, scores computed by hand,
the checks, and the carry-over from the demo's declaration and monitoring tables."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from perfdesk.domain.checks import CheckContext, blocking, run_checks
from perfdesk.domain.computed import computed_document
from perfdesk.domain.document import blank_document
from perfdesk.domain.profiles import SelfEvalCap, get_profile
from perfdesk.domain.registry import get_form
from perfdesk.domain.self_evaluation import execution_score, indicator_score, split_value, total_score
from perfdesk.app.operations import OperationError
from table_text import printed

PROJECT = get_form("project_self_evaluation")
DEPT = get_form("dept_self_evaluation")
RULES = get_profile("national-2020").require_self_evaluation()
NATIONAL = get_profile("national-2020")
DEMO_YEAR = 2027

PROJECT_LABELS = ["项目支出绩效自评表", "（2026年度）", "项目名称", "主管部门", "实施单位", "项目资金（万元）",
                  "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", "年度资金总额",
                  "其中：本年财政拨款", "上年结转资金", "其他资金", "年度总体目标", "预期目标", "实际完成情况",
                  "绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "偏差原因分析及改进措施",
                  "产出指标", "效益指标", "满意度指标", "总分"]
DEPT_LABELS = ["部门整体支出绩效自评表", "部门（单位）名称", "部门资金（万元）", "按支出用途", "其中：基本支出", "项目支出",
               "按资金来源", "其中：本年财政拨款", "上年结转资金", "其他资金", "年度总体目标", "预期目标", "实际完成情况",
               "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "偏差原因分析及改进措施", "总分"]


def row(level1, content, nature, target, unit, actual, points, cause=None, level2="数量指标") -> dict:
    return {"level1": level1, "level2": level2, "content": content, "nature": nature, "target": target, "unit": unit,
            "actual": actual, "points": points, "score": None, "cause": cause}


def hand_example(form=PROJECT) -> dict:
    """执行率 87.5 % (70 of 80 万元) → 8.75; a ≥ indicator at 80 % of its target → 20 of 25; a ≤ indicator over
    its target (850 → 1000) → 21.25 of 25; a qualitative 部分达成 → 70 % of 30 = 21; a met one → 10.
    Total 8.75 + 20 + 21.25 + 21 + 10 = 81.00: 良 under the national bounds (80 ≤ 81 < 90)."""
    doc = blank_document(form)
    if form is PROJECT:
        doc["funds"]["appropriation"].update(initial="80", budget="80", executed="70")
    else:
        doc["funds_by_use"]["basic"].update(initial="80", budget="80", executed="70")
        doc["funds_by_source"]["appropriation"].update(initial="80", budget="80", executed="70")
    doc.update({"goal_expected": "完成年度目标。", "goal_actual": "基本完成。",
                "project_name": "测试项目", "supervisor": "长治市教育局", "implementer": "长治市第一中学",
                "unit_name": "长治市第一中学"})
    doc["indicators"] = [
        row("产出指标", "培训教师人次", "≥", "800", "人次", "640", "25", "场地维修推迟"),
        row("产出指标", "单位面积改造成本", "≤", "850", "元/平方米", "1000", "25", "材料涨价", level2="成本指标"),
        row("效益指标", "消除校舍安全隐患", "定性", "完全消除", "", "部分达成：外墙尚余 120 平方米", "30", "结构加固",
            level2="社会效益指标"),
        row("满意度指标", "家长满意度", "≥", "90", "%", "92", "10", level2="服务对象满意度指标"),
    ]
    return doc


def test_hand_computed_scores_of_each_kind():
    assert execution_score(D("80"), D("70"), D(10)) == D("8.75")  # 执行率 87.5 %
    assert execution_score(D("80"), D("90"), D(10)) == D("10.00")  # over budget: capped at the points
    assert indicator_score(row("产出指标", "a", "≥", "800", "人次", "640", "25"), RULES).score == D("20.00")
    assert indicator_score(row("产出指标", "b", "≤", "850", "元", "1000", "25"), RULES).score == D("21.25")
    assert indicator_score(row("产出指标", "c", "≤", "850", "元", "800", "25"), RULES).score == D("25.00")  # met
    assert indicator_score(row("效益指标", "d", "定性", "完全消除", "", "部分达成", "30"), RULES).score == D("21.00")
    assert indicator_score(row("效益指标", "d", "定性", "完全消除", "", "达成", "30"), RULES).score == D("27.00")
    assert indicator_score(row("效益指标", "d", "定性", "完全消除", "", "未达成", "30"), RULES).score == D("9.00")
    assert indicator_score(row("产出指标", "e", "=", "100", "%", "95", "10"), RULES).score == D("9.50")


def test_the_hand_example_totals_81_and_grades_liang_in_the_document_and_in_print():
    doc = computed_document(PROJECT, hand_example(), NATIONAL)
    assert [r["score"] for r in doc["indicators"]] == ["20.00", "21.25", "21.00", "10.00"]
    assert (doc["execution_score"], doc["points_total"], doc["total_score"], doc["grade"]) == \
        ("8.75", "100", "81.00", "良")
    text = printed(PROJECT, hand_example(), unit=_unit("national-2020"))
    assert "87.50" in text and "8.75" in text and "21.25" in text and "81.00评价等次：良" in text
    # the same table under 长治's bounds (良 ≥ 70, 优 ≥ 85): 81 is 良 there too
    assert computed_document(PROJECT, hand_example(), get_profile("changzhi"))["grade"] == "良"


def test_a_typed_score_is_never_what_counts():
    doc = hand_example()
    doc["indicators"][0]["score"] = "25"
    doc["total_score"], doc["grade"] = "100", "优"
    shown = computed_document(PROJECT, doc, NATIONAL)
    assert (shown["indicators"][0]["score"], shown["total_score"], shown["grade"]) == ("20.00", "81.00", "良")


def test_labels_of_both_tables_are_printed():
    text = printed(PROJECT, hand_example())
    missing = [label for label in PROJECT_LABELS if label not in text]
    assert not missing
    text = printed(DEPT, hand_example(DEPT))
    assert not [label for label in DEPT_LABELS if label not in text]
    assert computed_document(DEPT, hand_example(DEPT), NATIONAL)["total_score"] == "81.00"


def test_a_short_indicator_needs_its_cause_and_the_weights_are_the_profiles():
    doc = hand_example()
    assert not blocking(run_checks(PROJECT, doc, CheckContext(year=2026, profile=NATIONAL)))
    doc["indicators"][0]["cause"] = ""
    found = [f for f in run_checks(PROJECT, doc, CheckContext(year=2026, profile=NATIONAL)) if f.code == "indicator_scoring:cause:0"]
    assert found and "“培训教师人次”得分 20.00 低于分值 25.00，请填写偏差原因分析及改进措施" in found[0].message
    doc["indicators"][0].update(cause="推迟", points="20")
    found = [f for f in run_checks(PROJECT, doc, CheckContext(year=2026, profile=NATIONAL)) if f.code == "indicator_weights:产出指标"]
    assert found and "“产出指标”各三级指标的分值合计 45.00 分，应为 50.00 分" in found[0].message


def test_a_qualitative_value_must_name_its_band():
    doc = hand_example()
    doc["indicators"][2]["actual"] = "基本消除"
    found = [f for f in run_checks(PROJECT, doc, CheckContext(year=2026, profile=NATIONAL)) if f.code == "indicator_scoring:2"]
    assert found and "定性指标的实际完成值应以完成档次开头（达成、部分达成、未达成）" in found[0].message


def test_a_cap_set_by_the_profile_limits_the_total():
    capped = RULES.__class__(execution_points=RULES.execution_points, parts=RULES.parts, ratings=RULES.ratings,
                             caps=(SelfEvalCap(D(60), D(60), "某地办法"),), source=RULES.source)
    result = total_score(capped, D("5.00"), [D(50), D(30), D(10)], D("50.00"))
    assert result.total == D(60) and "执行率低于 60% 时总分不超过 60 分（某地办法）" == result.capped_by
    assert total_score(capped, D("6.00"), [D(50), D(30), D(10)], D("60.00")).total == D("96.00")


@pytest.mark.parametrize("text, parts", [
    ("≥12000平方米", ("≥", "12000", "平方米")), ("100%", ("=", "100", "%")), ("≤850元/平方米", ("≤", "850", "元/平方米")),
    ("完全消除", ("定性", "完全消除", "")), ("≤11月30日", ("定性", "≤11月30日", "")),
])
def test_a_declared_value_splits_into_nature_value_and_unit(text, parts):
    value = split_value(text)
    assert (value.nature, value.value, value.unit) == parts


# --- carry-over -------------------------------------------------------------------------------

def _unit(profile: str):
    from table_text import CITY

    return CITY.__class__(**{**CITY.__dict__, "profile": profile})


def test_the_demos_declaration_and_monitoring_fill_the_self_evaluation(full_demo_store):
    from perfdesk.app.tables_operations import start_project_self_evaluation

    store, past = full_demo_store, DEMO_YEAR - 1
    declaration = next(f for f in store.list_forms(year=past, form_id="declaration")
                       if f.title == f"{past}年校舍维修改造项目")
    monitoring = next(f for f in store.list_forms(year=past, form_id="project_monitoring")
                      if f.data["_source"]["declaration"] == declaration.id)
    record = start_project_self_evaluation(store, declaration.id)
    doc = record.data
    assert (doc["project_name"], doc["supervisor"], doc["implementer"]) == \
        (f"{past}年校舍维修改造项目", "长治市教育局", "长治市第一中学")
    assert doc["goal_expected"] == declaration.data["annual_goal"]
    assert doc["funds"]["appropriation"]["budget"] == "75" and doc["funds"]["appropriation"]["initial"] == "75"
    declared = [r for r in declaration.data["annual_indicators"] if r["content"]]
    assert [r["content"] for r in doc["indicators"]] == [r["content"] for r in declared]
    first = doc["indicators"][0]
    assert (first["nature"], first["target"], first["unit"]) == ("=", "1500", "套")  # 1500套
    # 完成情况 of the monitoring table as the draft 实际完成值: the qualitative one, as written
    qualitative = next(r for r in doc["indicators"] if r["nature"] == "定性")
    reported = next(r["progress"] for r in monitoring.data["indicators"] if r["content"] == qualitative["content"])
    assert qualitative["actual"] == reported == "已完成 62%"
    # the weights spread over each 一级: 产出 50, 效益 30, 满意度 10
    for level1, total in (("产出指标", D(50)), ("效益指标", D(30)), ("满意度指标", D(10))):
        assert sum(D(r["points"]) for r in doc["indicators"] if r["level1"] == level1) == total
    assert doc["_source"] == {"declaration": declaration.id, "monitoring": monitoring.id}
    assert doc["execution_points"] == "10"


def test_only_an_approved_declaration_starts_a_self_evaluation(full_demo_store):
    from perfdesk.app.tables_operations import start_project_self_evaluation

    draft = next(f for f in full_demo_store.list_forms(year=DEMO_YEAR, form_id="declaration")
                 if f.title == f"{DEMO_YEAR}年校园安全监控系统建设")
    before = len(full_demo_store.list_forms())
    with pytest.raises(OperationError, match="尚未报送或审核通过"):
        start_project_self_evaluation(full_demo_store, draft.id)
    assert len(full_demo_store.list_forms()) == before


def test_the_department_table_starts_from_the_department_monitoring(full_demo_store):
    from perfdesk.app.tables_operations import start_dept_self_evaluation

    store, past = full_demo_store, DEMO_YEAR - 1
    city = store.unit_by_code("201003")
    record = start_dept_self_evaluation(store, city.id, past)
    doc = record.data
    assert doc["funds_by_use"]["basic"]["budget"] == "780" and doc["funds_by_use"]["project"]["budget"] == "75"
    assert [(r["content"], r["nature"], r["target"], r["unit"], r["actual"], r["points"]) for r in doc["indicators"]] == [
        ("在校学生人数", "≥", "2400", "人", "2436", "50.00"), ("高考本科上线率", "≥", "85", "%", "86.2", "30.00"),
        ("家长满意度", "≥", "90", "%", "92", "10.00")]


def test_the_demo_self_evaluation_passes_its_checks_and_prints_its_grade(full_demo_store):
    from perfdesk.app.operations import check, render

    store = full_demo_store
    record = next(f for f in store.list_forms(form_id="project_self_evaluation"))
    assert not blocking(check(store, record))
    from table_text import pdf_text

    text = pdf_text(render(store, record).pdf)
    # 9.83 (73.75 / 75) + 50 − 2.50 (640 of 800) + 30 − 2.25 (部分达成) + 10 = 95.08, 长治 优 (≥ 85)
    assert "98.33" in text and "9.83" in text and "100.0095.08评价等次：优" in text
