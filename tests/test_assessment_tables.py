"""考核评分表 (seed 002 附件8-1, 8-2) and 事前绩效评估表 (seed 001 一（一）): items and caps as printed, caps
enforced, totals and grades (第五十一条), silent items said so; criteria, total, verdict, the link to a declaration."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from perfdesk.domain.checks import CheckContext, blocking, run_checks
from perfdesk.domain.computed import computed_document
from perfdesk.domain.document import blank_document
from perfdesk.catalog.form_reading import load_form
from perfdesk.domain.formdef import FormDefinitionError
from perfdesk.domain.profiles import get_profile
from perfdesk.domain.registry import get_form
from table_text import printed

T9, T10, EX_ANTE = get_form("assessment_department"), get_form("assessment_county"), get_form("ex_ante_assessment")
CHANGZHI = get_profile("changzhi")
DEMO_YEAR = 2027

T9_LABELS = ["市直部门预算绩效管理工作考核评分表", "单位：", "考核内容", "分值", "计分标准", "自评分数", "评定分数",
             "一、基础工作管理", "领导重视", "1.部门领导就推进预算绩效管理作出批示或召开会议进行部署，每次2分，本项最多6分。",
             "职责明确", "制度建设", "指标体系", "二、绩效目标管理", "申报时间", "申报格式", "申报质量", "三、绩效监控管理",
             "监控制度", "监控实施", "四、绩效评价管理", "基本支出管理", "项目支出管理", "按时完成", "报告质量",
             "7.项目绩效陈述明确得2分；反映问题具体清楚得2分；提出建议针对性强得2分，本项最多6分。",
             "五、结果应用管理", "预算管理", "落实整改", "结果公开", "六、培训交流", "业务培训", "信息交流", "其他",
             "3.及时报送本部门预算绩效管理工作动态、信息的，每篇0.5分，本项最多1分。", "合计", "联系人：", "联系电话："]
T10_LABELS = ["县（市、区）财政局预算绩效管理工作考核评分表", "财政局：", "一、组织建设", "领导重视", "职责明确", "工作考核",
              "二、基础建设", "制度建设", "指标体系", "第三方管理", "三、工作开展", "推进范围", "推进进度", "管理模式",
              "四、绩效管理", "绩效目标", "绩效监控", "绩效评价", "结果应用", "五、宣传交流", "交流培训", "信息交流", "其他",
              "3.及时报送本县（市、区）预算绩效管理工作动态、信息的，每篇0.25分，本项最多2分。", "合计"]
# (section, points) as the seed prints them; None where it prints none
T9_SECTIONS = [("一、基础工作管理", 30), ("二、绩效目标管理", 10), ("三、绩效监控管理", 10), ("四、绩效评价管理", 30),
               ("五、结果应用管理", 10), ("六、培训交流", None)]
T10_SECTIONS = [("一、组织建设", 12), ("二、基础建设", 24), ("三、工作开展", 24), ("四、绩效管理", 30), ("五、宣传交流", 10)]


def leaves(form):
    return [r for r in form.tables["items"].tree if not r.children]


def full_marks(form) -> dict:
    doc = blank_document(form)
    doc.update(unit_name="长治市第一中学", assessment_year="2026", contact="刘晓燕", contact_phone="0355-2021236")
    for r in leaves(form):
        doc["items"][r.key]["self_score"] = format(r.points.normalize(), "f")
    return doc


@pytest.mark.parametrize("form, sections", [(T9, T9_SECTIONS), (T10, T10_SECTIONS)])
def test_items_and_caps_are_the_seeds_and_total_100(form, sections):
    tops = [(r.label, None if r.points is None else int(r.points)) for r in form.tables["items"].tree if r.depth == 0]
    assert tops == sections
    assert sum(r.points for r in leaves(form)) == 100 == form.tables["items"].total_points
    # a subsection's printed points are its items' caps added up, where the seed prints them
    tree = {r.key: r for r in form.tables["items"].tree}
    for r in tree.values():
        if r.depth == 1 and r.points is not None:
            assert sum(tree[k].points for k in r.children) == r.points, r.label


def test_the_step_of_every_each_time_item_is_read_from_its_text():
    for form in (T9, T10):
        for r in leaves(form):
            stepped = any(w in r.label for w in ("每次", "每项", "每篇")) or "同时" in r.label or "本项最多6分。" in r.label
            assert (r.step is not None) == stepped, r.label
    item = next(r for r in leaves(T9) if r.key == "a1_1_1")
    assert (item.points, item.step) == (D(6), D(2))


@pytest.mark.parametrize("form, labels", [(T9, T9_LABELS), (T10, T10_LABELS)])
def test_labels_are_printed(form, labels):
    text = printed(form, full_marks(form))
    assert not [label for label in labels if label not in text]
    assert "合计10010.00" not in text and "合计100100.00" in text and "优秀" in text


def test_silent_items_say_so_in_the_file_on_screen_and_in_print():
    tree = {r.label: r for r in T9.tables["items"].tree}
    for label in ("六、培训交流", "监控制度", "监控实施"):
        assert tree[label].points is None and "未列" in tree[label].note and "本程序不另设" in tree[label].note
    assert "原表未列" in T9.tables["items"].help
    text = printed(T9, full_marks(T9))
    assert "注：附件8-1“六、培训交流”及“三、绩效监控管理”下的“监控制度”“监控实施”原表未列分值，本表照录不另设" in text
    assert "第五十一条只规定优秀、良好、合格、不合格四个等次，未规定分数线" in text


def test_a_score_over_its_cap_is_refused():
    doc = full_marks(T9)
    assert not blocking(run_checks(T9, doc, CheckContext(year=2026, profile=CHANGZHI)))
    doc["items"]["a1_1_1"]["self_score"] = "8"
    found = [f for f in run_checks(T9, doc, CheckContext(year=2026, profile=CHANGZHI)) if f.code == "item_caps:a1_1_1.self_score"]
    assert found and found[0].blocks_export
    assert "自评分数 8.00 分超过本项最高分 6.00 分，请改正" in found[0].message
    doc["items"]["a1_1_1"]["self_score"] = "3"  # 每次2分
    found = [f for f in run_checks(T9, doc, CheckContext(year=2026, profile=CHANGZHI)) if f.code == "item_caps:step:a1_1_1.self_score"]
    assert found and "按“每次（每项）2.00分”计分，自评分数 3.00 分不是 2.00 的整数倍" in found[0].message


def test_an_over_cap_score_blocks_export_and_writes_nothing(full_demo_store, tmp_path):
    from perfdesk.app.operations import OperationError, export

    store = full_demo_store
    record = next(f for f in store.list_forms(form_id="assessment_department"))
    assert not blocking(run_checks(T9, record.data, CheckContext(year=record.year, profile=CHANGZHI)))
    doc = dict(record.data, items={**record.data["items"], "a2_1_1": {"self_score": "5"}})
    store.save_form(record.id, data=doc)
    with pytest.raises(OperationError, match="超过本项最高分 3.00 分"):
        export(store, record.id, pdf=tmp_path / "t9.pdf", xlsx=None)
    assert not (tmp_path / "t9.pdf").exists()


def test_a_unit_does_not_fill_the_assessed_score():
    doc = full_marks(T9)
    doc["items"]["a1_2_1"]["assessed_score"] = "4"
    assert any(f.code == "finance_only:items.a1_2_1.assessed_score" for f in run_checks(T9, doc, CheckContext(year=2026)))
    assert not any(f.code.startswith("finance_only") for f in run_checks(T9, doc, CheckContext(year=2026, role="finance")))


_SIXTY = {"a1_4_1": "0", "a1_4_2": "0", "a4_2_3": "0", "a4_4_2": "0", "a4_3_1": "0", "a5_1_1": "0", "a1_3_1": "0",
          "a4_1_1": "0", "a5_3_1": "0"}  # 5 + 5 + 6 + 6 + 5 + 4 + 3 + 4 + 2 = 40 points lost


@pytest.mark.parametrize("lost, total, grade", [
    ({}, "100", "优秀"),
    ({"a1_4_1": "0", "a1_4_2": "0", "a1_2_1": "0", "a6_2_2": "0.5"}, "85.5", "优秀"),  # 5 + 5 + 4 + 0.5
    ({"a1_4_1": "0", "a1_4_2": "0", "a1_2_1": "0", "a1_3_2": "2"}, "85", "优秀"),  # lower bound inclusive
    ({"a1_4_1": "0", "a1_4_2": "0", "a1_2_1": "0", "a1_3_2": "2", "a6_2_2": "0.5"}, "84.5", "良好"),
    (_SIXTY, "60", "合格"),
    ({**_SIXTY, "a6_2_2": "0.5"}, "59.5", "不合格"),
])
def test_totals_and_grades_of_article_51(lost, total, grade):
    doc = full_marks(T9)
    for key, score in lost.items():
        doc["items"][key]["self_score"] = score
    shown = computed_document(T9, doc, CHANGZHI)
    assert D(shown["self_total"]) == D(total) and shown["self_grade"] == grade
    assert shown["assessed_total"] is None and shown["assessed_grade"] is None


def test_a_form_file_whose_caps_do_not_add_up_to_its_total_is_refused(tmp_path):
    text = T9.source.read_text(encoding="utf-8").replace("points: 6, step: 2}", "points: 7, step: 2}", 1)
    path = tmp_path / "assessment_department.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FormDefinitionError, match="各计分项的分值合计 101，与表中的合计 100 不符"):
        load_form(path)


def test_subtotals_are_always_the_sum_of_their_items():
    doc = full_marks(T9)
    doc["items"]["a1"]["self_score"] = "99"  # typed into a 小计 (an old or hand-made file): not what counts
    from perfdesk.domain.document import tree_values

    assert tree_values(T9, doc, "items", "self_score")["a1"] == D(30)


# --- 事前绩效评估表 ------------------------------------------------------------------------------

EX_ANTE_LABELS = ["事前绩效评估表", "政策（项目）名称", "申报单位", "主管部门", "申请资金（万元）", "对应申报表", "评估内容",
                  "分值", "得分", "政策出台和项目立项的必要性", "投入经济性", "环境可控性", "绩效目标合理性", "实施方案可行性",
                  "筹资合规性", "财政可持续性", "合计", "评估结论", "评估意见", "评估人", "评估日期"]


def assessed(scores: list[str], points=("15", "15", "10", "20", "15", "10", "15")) -> dict:
    doc = blank_document(EX_ANTE)
    doc.update(project_name="测试项目", unit_name="长治市第一中学", opinion="同意。", reviewer="赵建华",
               review_date="2026-11-20")
    for row, p, s in zip(EX_ANTE.tables["criteria"].tree, points, scores):
        doc["criteria"][row.key].update(points=p, score=s)
    return doc


@pytest.mark.parametrize("scores, total, verdict", [
    (["15", "15", "10", "20", "15", "10", "5"], "90", "可行（同意政策出台或资金申请）"),
    (["15", "15", "10", "20", "15", "10", "4.99"], "89.99", "待完善（修改完善后重新申报）"),
    (["10", "10", "10", "10", "10", "10", "10"], "70", "待完善（修改完善后重新申报）"),
    (["10", "10", "10", "10", "10", "10", "9.99"], "69.99", "不可行（政策不得出台或资金不予安排）"),
])
def test_total_and_verdict_of_the_seed(scores, total, verdict):
    shown = computed_document(EX_ANTE, assessed(scores), CHANGZHI)
    assert D(shown["total_score"]) == D(total) and shown["verdict"] == verdict
    text = printed(EX_ANTE, assessed(scores))
    assert f"评估结论{verdict}" in text
    assert not [label for label in EX_ANTE_LABELS if label not in text]


def test_criteria_scores_are_within_their_points_which_add_up_to_100():
    doc = assessed(["16", "15", "10", "20", "15", "10", "5"])
    messages = [f.message for f in run_checks(EX_ANTE, doc, CheckContext(year=2027, profile=CHANGZHI)) if f.blocks_export]
    assert "“政策出台和项目立项的必要性”的得分 16.00 超过其分值 15.00，请改正。" in messages
    doc = assessed(["15"] * 7, points=("15",) * 7)
    messages = [f.message for f in run_checks(EX_ANTE, doc, CheckContext(year=2027, profile=CHANGZHI)) if f.blocks_export]
    assert any("各评估内容的分值合计 105.00 分，应为满分 100 分" in m for m in messages)


def test_a_declaration_links_to_its_assessment(full_demo_store):
    from perfdesk.app.tables_operations import assessments_of, start_ex_ante

    store = full_demo_store
    declaration = next(f for f in store.list_forms(year=DEMO_YEAR, form_id="declaration")
                       if f.title == f"{DEMO_YEAR}年校舍维修改造项目")
    assert assessments_of(store, declaration) == []
    record = start_ex_ante(store, declaration.id)
    assert [f.id for f in assessments_of(store, declaration)] == [record.id]
    assert record.data["_source"] == {"declaration": declaration.id}
    assert (record.data["project_name"], record.data["declaration_title"]) == (declaration.title, declaration.title)
    demo = next(f for f in store.list_forms(form_id="ex_ante_assessment") if f.id != record.id)
    assert demo.data["verdict"] == "待完善（修改完善后重新申报）" and demo.data["total_score"] == "82"
    assert not blocking(run_checks(EX_ANTE, demo.data, CheckContext(year=demo.year, profile=CHANGZHI)))
