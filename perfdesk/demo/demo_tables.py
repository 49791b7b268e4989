"""`perfdesk demo`'s self-evaluation, assessment and ex-ante tables, started the way a clerk starts them.

For the demo's past year (the year of its monitoring round): the repair project's 项目支出绩效自评表 from its
exported declaration and July monitoring table, the school's 部门整体支出绩效自评表 from its department
monitoring table, the school's 考核评分表 (附件8-1) and a county finance bureau's (附件8-2). For the demo year:
the 事前绩效评估表 of the camera project's declaration, linked to it. Forms keep the store's default status.
"""

from __future__ import annotations

import copy

from perfdesk.domain.computed import fill_computed
from perfdesk.domain.document import headline_amount
from perfdesk.domain.profiles import get_profile
from perfdesk.domain.registry import form_of
from perfdesk.store import FormRecord, Store
from perfdesk.app.tables_operations import (
    approved_declarations, start_assessment, start_dept_self_evaluation, start_ex_ante,
    start_project_self_evaluation)
from perfdesk.domain.form_kinds import ASSESSMENT_COUNTY, ASSESSMENT_DEPARTMENT, DECLARATION

FINANCE_BUREAU = dict(name="长子县财政局", code="310001", supervisor_name="长子县财政局", supervisor_code="310",
                      region="长子县", level="县级", profile="changzhi")

# 实际完成值 and 偏差原因 by 三级指标 of the past year's repair project (its declaration's indicators).
_REPAIR_ACTUALS = {
    "更新课桌椅": ("1500", None),
    "培训教师人次": ("640", "暑期集中培训因场地维修推迟，完成 640 人次（80%）；已列入次年上半年补训计划。"),
    "新建监控点位": ("260", None),
    "开设专题课程": ("24", None),
    "消除校舍安全隐患": ("部分达成：屋面渗漏全部消除，外墙保温剩余 120 平方米未完成",
                        "外墙局部墙体结构需加固，剩余工程量调至次年 4 月完成；已与施工单位签订补充协议。"),
    "受益学生人数": ("6120", None),
    "节能灯具替换比例": ("92", None),
    "设施使用年限": ("15", None),
    "家长满意度": ("92", None),
    "教师满意度": ("93", None),
}
# 附件8-1 自评分数 by item: most items in full, a few partly (每次 2 分 → 4 分, …)
_T9_PARTIAL = {"a1_1_1": "4", "a1_3_2": "2", "a1_3_3": "2", "a1_4_1": "0", "a4_2_3": "4", "a4_4_2": "4",
               "a6_2_2": "0.5"}
_T10_PARTIAL = {"b2_1_1": "4", "b2_3_1": "0", "b3_1_1": "3", "b4_4_1": "0", "b5_2_2": "1.25"}
_EX_ANTE = {"necessity": ("15", "14"), "economy": ("15", "11"), "environment": ("10", "9"), "goals": ("20", "15"),
            "plan": ("15", "12"), "financing": ("10", "9"), "sustainability": ("15", "12")}


def load_tables_demo(store: Store, year: int, city_unit: dict) -> list[int]:
    """`year` is the demo year: the tables of the year before, and the ex-ante assessment of `year`;
    `city_unit` the demo's 市直 unit (demo.CITY_UNIT), whose declarations and monitoring they start from."""
    past = year - 1
    city = store.unit_by_code(city_unit["code"])
    bureau = store.unit_by_code(FINANCE_BUREAU["code"]) or store.add_unit(**FINANCE_BUREAU)
    repair = next(f for f in approved_declarations(store, city.id, past) if f.title == f"{past}年校舍维修改造项目")
    ids = [_project(store, start_project_self_evaluation(store, repair.id), past)]
    ids.append(_department(store, start_dept_self_evaluation(store, city.id, past), past))
    ids.append(_assessment(store, start_assessment(store, ASSESSMENT_DEPARTMENT, city.id, past), _T9_PARTIAL,
                           "刘晓燕", "0355-2021236"))
    ids.append(_assessment(store, start_assessment(store, ASSESSMENT_COUNTY, bureau.id, past), _T10_PARTIAL,
                           "郭振华", "0355-8521234"))
    cameras = next(f for f in store.list_forms(year=year, form_id=DECLARATION)
                   if f.unit_id == city.id and f.title == f"{year}年校园安全监控系统建设")
    ids.append(_ex_ante(store, start_ex_ante(store, cameras.id), year))
    return ids


def _save(store: Store, record: FormRecord, doc: dict) -> int:
    """Keep the filled document with its computed cells, leaving the status as the store set it."""
    form = form_of(record)
    fill_computed(form, doc, get_profile(store.get_unit(record.unit_id).profile))
    store.save_form(record.id, data=doc, amount=headline_amount(form, doc))
    return record.id


def _project(store: Store, record: FormRecord, year: int) -> int:
    doc = copy.deepcopy(record.data)
    doc["funds"]["appropriation"]["executed"] = "73.75"
    for row in doc["indicators"]:
        actual, cause = _REPAIR_ACTUALS.get(row["content"], (row.get("actual"), None))
        row.update(actual=actual, cause=cause)
    doc.update(goal_actual="屋面防水全部完成，外墙保温完成 3480 平方米，工程验收合格率 100%，资金支付 73.75 万元。",
               contact="刘晓燕", contact_phone="0355-2021236", fill_date=f"{year + 1}-01-20")
    return _save(store, record, doc)


def _department(store: Store, record: FormRecord, year: int) -> int:
    doc = copy.deepcopy(record.data)
    doc["funds_by_use"]["basic"]["executed"] = "772.20"
    doc["funds_by_use"]["project"]["executed"] = "73.75"
    doc["funds_by_source"]["appropriation"].update(initial="820.00", budget="820.00", executed="811.00")
    doc["funds_by_source"]["other"].update(initial="35.00", budget="35.00", executed="34.95")
    doc.update(goal_actual="完成年度教育教学任务，在校学生 2436 人，高考本科上线率 86.2%，校舍维修项目按期完工。",
               contact="刘晓燕", contact_phone="0355-2021236", fill_date=f"{year + 1}-01-22")
    return _save(store, record, doc)


def _assessment(store: Store, record: FormRecord, partial: dict[str, str], contact: str, phone: str) -> int:
    form = form_of(record)
    doc = copy.deepcopy(record.data)
    for row in form.tables["items"].tree:
        if not row.children:
            score = partial.get(row.key, format(row.points.normalize(), "f"))
            doc["items"].setdefault(row.key, {})["self_score"] = score
    doc.update(contact=contact, contact_phone=phone, fill_date=f"{record.year + 1}-01-25")
    return _save(store, record, doc)


def _ex_ante(store: Store, record: FormRecord, year: int) -> int:
    doc = copy.deepcopy(record.data)
    for key, (points, score) in _EX_ANTE.items():
        doc["criteria"][key].update(points=points, score=score)
    doc.update(opinion="项目必要性充分，筹资合规；绩效目标偏粗，监控点位的运维成本未纳入测算，建议细化后重新申报。",
               reviewer="赵建华", review_date=f"{year - 1}-11-20")
    return _save(store, record, doc)
