"""`perfdesk demo`: realistic sample units and forms in several statuses, so the whole program shows."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

from perfdesk.demo.demo_chain import walk
from perfdesk.domain.checks import CheckContext, blocking, run_checks
from perfdesk.domain.lifecycle import Status
from perfdesk.domain.document import blank_document, headline_amount
from perfdesk.demo.demo_tables import load_tables_demo
from perfdesk.domain.registry import get_form
from perfdesk.store import Store, UnitRecord
from perfdesk.domain.form_kinds import DECLARATION, EVALUATION_REPORT, FEEDBACK_LETTER, RECTIFICATION, SELF_REPORT

CITY_UNIT = dict(name="长治市第一中学", code="201003", supervisor_name="长治市教育局", supervisor_code="201",
                 region="长治市", level="市级", profile="changzhi")
COUNTY_UNIT = dict(name="长子县农业农村局", code="310021", supervisor_name="长子县农业农村局", supervisor_code="310",
                   region="长子县", level="县级", profile="changzhi")

_OUTPUT = {
    "数量指标": [("维修改造校舍面积", "≥12000平方米"), ("更新课桌椅", "1500套"), ("培训教师人次", "≥800人次"),
                 ("新建监控点位", "260个"), ("开设专题课程", "24门")],
    "质量指标": [("工程验收合格率", "100%"), ("设备完好率", "≥98%"), ("培训考核通过率", "≥95%")],
    "时效指标": [("工程完工时间", "≤11月30日"), ("资金支付及时率", "≥95%"), ("培训按期完成率", "100%")],
    "成本指标": [("单位面积改造成本", "≤850元/平方米"), ("人均培训成本", "≤1200元/人"), ("总成本控制在预算内", "≤100%")],
}
_EFFECT = {
    "经济效益指标": [("减少校舍日常维护支出", "≥15万元")],
    "社会效益指标": [("消除校舍安全隐患", "完全消除", "定性"), ("受益学生人数", "≥6000人")],
    "环境效益指标": [("节能灯具替换比例", "≥90%")],
    "可持续影响指标": [("设施使用年限", "≥15年"), ("长效管护机制建立情况", "健全", "定性")],
}
_SATISFACTION = [("学生满意度", "≥90%"), ("家长满意度", "≥90%"), ("教师满意度", "≥92%")]


def _indicators(count: int, seed: int) -> list[dict]:
    """A plausible indicator table of `count` rows covering every 一级 and 二级."""
    pool = []
    for level2, items in _OUTPUT.items():
        pool += [("产出指标", level2, *item) for item in items]
    for level2, items in _EFFECT.items():
        pool += [("效益指标", level2, *item) for item in items]
    pool += [("服务对象满意度指标", "具体指标", *item) for item in _SATISFACTION]
    # Interleave the 一级 groups so that even a short table covers 产出, 效益 and 满意度.
    groups = [[p for p in pool if p[0] == name] for name in ("产出指标", "效益指标", "服务对象满意度指标")]
    pool = [g[i] for i in range(max(map(len, groups))) for g in groups if i < len(g)]
    rows = []
    for i in range(count):
        level1, level2, content, value, *kind = pool[(i + seed) % len(pool)]
        suffix = f"（第{i // len(pool) + 1}批）" if i >= len(pool) else ""
        rows.append({"level1": level1, "level2": level2, "content": content + suffix, "value": value,
                     "kind": kind[0] if kind else "定量", "note": ""})
    order = {"产出指标": 0, "效益指标": 1, "服务对象满意度指标": 2}
    return sorted(rows, key=lambda r: order[r["level1"]])


def _details(items: list[tuple[str, str, str, str]]) -> list[dict]:
    return [{"name": n, "last_year": ly, "this_year": ty, "basis_note": note} for n, ly, ty, note in items]


def declaration(unit: dict, year: int, title: str, details: list, indicators: tuple[int, int], seed: int = 0) -> dict:
    form = get_form(DECLARATION)
    doc = blank_document(form)
    this_year = sum(Decimal(d["this_year"]) for d in details)
    last_year = sum(Decimal(d["last_year"] or 0) for d in details)
    doc.update({
        "project_name": title,
        "supervisor_code": unit["supervisor_code"],
        "applicant_name": unit["name"], "applicant_head": "王建国", "applicant_phone": "0355-2021234",
        "supervisor_name": unit["supervisor_name"], "supervisor_head": "李志强", "supervisor_phone": "0355-2035678",
        "implementer_name": unit["name"], "implementer_head": "赵明", "implementer_phone": "13835512345",
        "expense_type": "项目支出", "start_date": f"{year}-01-01", "end_date": f"{year}-12-31",
        "subject_class_name": "教育支出", "subject_class_code": "205",
        "subject_item_name": "普通教育", "subject_item_code": "20502",
        "project_type": "行政事业发展类", "project_subtype": "维修（护）",
        "unit_functions": f"{unit['name']}为财政全额拨款事业单位，承担本地区相关公共服务职能，核定编制186名，"
                          "在职人员179名，内设办公室、财务科、业务科等7个科室。",
        "expense_overview": f"为落实{year}年度工作任务，改善服务条件，申请安排本项目资金，用于{title}的实施。",
        "basis": "《中华人民共和国预算法》；《长治市预算绩效管理办法》（长政发〔2014〕12号）；本部门年度工作计划。",
        "feasibility": "项目已完成前期调研和预算测算，实施方案经单位党组会议研究通过，具备实施条件。",
        "necessity": "现有设施老化，存在安全隐患，不能满足工作需要，实施本项目十分必要。",
        "long_term_goal": "三年内全面改善服务条件，建立长效管护机制，服务对象满意度稳定在90%以上。",
        "annual_goal": f"{year}年内完成项目主体任务，资金支付率达到95%以上，工程验收合格率100%。",
        "measures_org": "成立以单位主要负责人为组长的项目领导小组，下设办公室具体负责实施。",
        "measures_rules": "执行《专项资金管理办法》《政府采购管理制度》和单位内部控制制度。",
        "measures_work": "制定项目实施方案，按月调度进度，委托第三方开展绩效跟踪。",
        "self_eval_year": str(year),
        "unit_head": "王建国", "preparer": "刘晓燕", "fill_date": f"{year - 1}-10-15",
        "contact_phone": "0355-2021236",
    })
    doc["expense_details"] = details
    doc["fund_sources"]["appropriation"].update({"last_year": str(last_year), "this_year": str(this_year)})
    doc["schedule"] = [
        {"content": "制定实施方案并完成政府采购", "start": f"{year}-01-01", "end": f"{year}-03-31"},
        {"content": "组织实施", "start": f"{year}-04-01", "end": f"{year}-10-31"},
        {"content": "竣工验收与绩效自评", "start": f"{year}-11-01", "end": f"{year}-12-31"},
    ]
    doc["long_term_indicators"] = _indicators(indicators[0], seed)
    doc["annual_indicators"] = _indicators(indicators[1], seed + 3)
    doc["prior_evaluations"] = [
        {"year": str(year - 3), "self_grade": "良", "finance_grade": "良", "expert_grade": None},
        {"year": str(year - 2), "self_grade": "优", "finance_grade": "良", "expert_grade": "良"},
        {"year": str(year - 1), "self_grade": "优", "finance_grade": "优", "expert_grade": None},
    ]
    return doc


# A farmland project's own targets, one per 二级 (what a county agriculture bureau declares).
_FARMLAND = [
    ("产出指标", "数量指标", "新建高标准农田面积", "≥1.2万亩"), ("产出指标", "质量指标", "工程验收合格率", "100%"),
    ("产出指标", "时效指标", "项目完工时间", "≤11月30日"), ("产出指标", "成本指标", "亩均建设成本", "≤1500元/亩"),
    ("效益指标", "经济效益指标", "亩均粮食增产", "≥50公斤"), ("效益指标", "社会效益指标", "受益农户数", "≥3200户"),
    ("效益指标", "环境效益指标", "节水灌溉覆盖率", "≥85%"), ("效益指标", "可持续影响指标", "工程设计使用年限", "≥15年"),
    ("服务对象满意度指标", "具体指标", "受益农户满意度", "≥90%"),
]


def farmland(year: int, details: list) -> dict:
    """The county's 高标准农田 declaration: agriculture subjects and targets."""
    doc = declaration(COUNTY_UNIT, year, f"{year}年高标准农田建设项目", _details(details), (0, 0))
    doc.update({"subject_class_name": "农林水支出", "subject_class_code": "213",
                "subject_item_name": "农业农村", "subject_item_code": "21301",
                "project_type": "经济建设类", "project_subtype": "新建",
                "unit_functions": "长子县农业农村局为县政府工作部门，负责全县农业农村发展规划、耕地质量建设和农田水利等工作，"
                                  "核定编制 58 名。",
                "necessity": "项目区灌排设施老化、田块零碎，建设高标准农田是稳定粮食产能的需要。"})
    rows = [{"level1": l1, "level2": l2, "content": c, "value": v, "kind": "定量", "note": ""} for l1, l2, c, v in _FARMLAND]
    doc["long_term_indicators"] = copy.deepcopy(rows)
    doc["annual_indicators"] = copy.deepcopy(rows)
    return doc


def samples(year: int) -> list[tuple[dict, int, Status, dict]]:
    """(unit, year, status, document) for every demo declaration."""
    repair = declaration(CITY_UNIT, year, f"{year}年校舍维修改造项目", _details([
        ("教学楼屋面防水维修", "45.00", "62.50", "屋面 3200 平方米 × 195 元/平方米"),
        ("外墙保温及粉刷", "30.00", "48.80", "外墙 5800 平方米 × 84.1 元/平方米"),
        ("门窗更换", "", "36.2350", "塑钢窗 410 樘，单价 883.8 元"),
    ]), (9, 12))
    training = declaration(CITY_UNIT, year, f"{year}年教师能力提升培训专项", _details([
        (f"第{i}期骨干教师培训", "8.00", f"{10 + i}.50", f"{40 + i} 人 × 2500 元/人") for i in range(1, 9)
    ]), (30, 30), seed=5)
    cameras = declaration(CITY_UNIT, year, f"{year}年校园安全监控系统建设", _details([
        ("高清摄像机", "", "38.00", "260 个 × 1461.5 元"),
        ("存储及平台", "", "22.00", "按询价"),
    ]), (9, 9), seed=2)
    cameras["fund_sources"]["appropriation"]["this_year"] = "55"  # sums disagree: shows the check
    cameras["applicant_phone"] = "2021"  # implausible telephone: shows a warning
    last = declaration(CITY_UNIT, year - 1, f"{year - 1}年校舍维修改造项目", _details([
        ("教学楼屋面防水维修", "40.00", "45.00", "屋面 2300 平方米 × 195 元/平方米"),
        ("外墙保温及粉刷", "28.00", "30.00", "外墙 3600 平方米 × 83 元/平方米"),
    ]), (9, 10))
    county = farmland(year, [
        ("土地平整", "120.00", "150.00", "1.2 万亩 × 125 元/亩"),
        ("灌溉与排水", "80.00", "96.40", "管道 48.2 公里 × 2 万元/公里"),
    ])
    county["necessity"] = ""  # returned by the finance office for completion
    return [
        (CITY_UNIT, year, Status.CHECKED, repair),
        (CITY_UNIT, year, Status.CHECKED, training),
        (CITY_UNIT, year, Status.DRAFT, cameras),
        (CITY_UNIT, year - 1, Status.APPROVED, last),
        (COUNTY_UNIT, year, Status.RETURNED, county),
    ]


def chain_samples(year: int) -> list[tuple[dict, int, Status, dict]]:
    """More of the school's projects, one at each step of the review chain not shown above."""
    repair, training = (doc for unit, y, status, doc in samples(year)[:2])

    def variant(doc: dict, title: str) -> dict:
        return dict(copy.deepcopy(doc), project_name=f"{year}年{title}")

    return [
        (CITY_UNIT, year, Status.APPROVED, variant(repair, "学生食堂设备更新项目")),
        (CITY_UNIT, year, Status.SUBMITTED, variant(training, "班主任专业能力培训项目")),
        (CITY_UNIT, year, Status.FEEDBACK, variant(training, "图书馆藏书更新项目")),
        (CITY_UNIT, year, Status.SUPERVISOR_REVIEW, variant(repair, "实验室设备更新项目")),
        (CITY_UNIT, year, Status.DEPT_REVIEW, variant(repair, "体育场地改造项目")),
        (CITY_UNIT, year, Status.PERF_REVIEW, variant(training, "校园网络升级项目")),
        (CITY_UNIT, year, Status.ADJUSTING, variant(repair, "学生宿舍改造项目")),
        (CITY_UNIT, year, Status.VOID, variant(training, "课后服务保障项目")),
    ]


def load_demo(store: Store, year: int) -> list[int]:
    """Every form the program knows, as a newcomer should first see it: `year`'s declarations
    (being drawn up), the monitoring round of the year before, and the evaluation round of the
    year before that. Returns the new form ids."""
    ids = load_declarations_demo(store, year)
    ids += load_declarations_demo(store, year, chain_samples(year))
    ids += load_monitoring_demo(store, year - 1)
    ids += load_evaluation_demo(store, year - 2)
    ids += load_tables_demo(store, year, CITY_UNIT)
    return ids


def load_declarations_demo(store: Store, year: int, which: list | None = None) -> list[int]:
    """Add the demo units (once) and their declarations (`samples`, or those given), each walked to
    its status through the review chain; returns the new form ids."""
    form = get_form(DECLARATION)
    units: dict[str, UnitRecord] = {}
    for spec in (CITY_UNIT, COUNTY_UNIT):
        units[spec["code"]] = store.unit_by_code(spec["code"]) or store.add_unit(**spec)
    ids = []
    for unit_spec, form_year, status, doc in samples(year) if which is None else which:
        doc = copy.deepcopy(doc)
        unit = units[unit_spec["code"]]
        has_errors = bool(blocking(run_checks(form, doc, CheckContext(year=form_year))))
        if status is not Status.DRAFT and status is not Status.RETURNED and has_errors:
            raise AssertionError(f"demo form {doc['project_name']} should pass its checks")
        record = store.create_form(unit_id=unit.id, form_id=form.id, form_version=form.version,
                                   year=form_year, title=doc["project_name"], data=doc,
                                   amount=headline_amount(form, doc))
        walk(store, record, unit, status, day=_review_day(form_year), finance=_arranged(doc))
        ids.append(record.id)
    return ids


def _review_day(year: int) -> dt.date:
    """When the demo's reviews of a year's budget were signed: the December before it."""
    return dt.date(year - 1, 12, 20)


def _arranged(doc: dict) -> dict[str, str]:
    """本年度实际安排资金 as the office fills it on approval: what was asked, by funding source."""
    leaves = {r.key for r in get_form(DECLARATION).tables["fund_sources"].tree if not r.children}
    return {f"fund_sources.{key}.actual": row["this_year"] for key, row in (doc.get("fund_sources") or {}).items()
            if key in leaves and isinstance(row, dict) and row.get("this_year")}


def _progress(doc: dict, spent: dict[str, str], issued: dict[str, str], forecast_total: str,
              progress: list[tuple[str, str, str]]) -> None:
    """Fill a monitoring table's January–June figures: money by source row, then each indicator."""
    for key, value in issued.items():
        doc["fund_sources"][key]["issued"] = value
    for key, value in spent.items():
        doc["fund_sources"][key]["spent"] = value
    doc["fund_sources"]["total"]["forecast"] = forecast_total
    for row, (done, expected, possibility) in zip(doc["indicators"], progress * len(doc["indicators"])):
        row.update({"progress": done, "forecast": expected or row["target"], "possibility": possibility})


def load_monitoring_demo(store: Store, year: int) -> list[int]:
    """July monitoring of `year` (the demo's past year): forms in several states, and a report."""
    from perfdesk.app.monitoring_operations import start_department_monitoring, start_project_monitoring, start_report
    from perfdesk.app.operations import save_document

    form = get_form(DECLARATION)
    city = store.unit_by_code(CITY_UNIT["code"])
    county = store.unit_by_code(COUNTY_UNIT["code"])
    repair = next(f for f in store.list_forms(year=year, form_id=DECLARATION)
                  if f.unit_id == city.id and f.title == f"{year}年校舍维修改造项目")
    # A county project of the same year, for a monitoring table that runs late.
    farm_doc = farmland(year, [
        ("土地平整", "100.00", "120.00", "0.96 万亩 × 125 元/亩"),
        ("灌溉与排水", "60.00", "80.00", "管道 40 公里 × 2 万元/公里"),
    ])
    farm = store.create_form(unit_id=county.id, form_id=form.id, form_version=form.version, year=year,
                             title=farm_doc["project_name"], data=farm_doc, amount=headline_amount(form, farm_doc))
    farm = walk(store, farm, county, Status.APPROVED, day=_review_day(year), finance=_arranged(farm_doc))
    ids = [farm.id]

    on_track = start_project_monitoring(store, repair.id)
    doc = copy.deepcopy(on_track.data)
    _progress(doc, spent={"city": "40.00"}, issued={"city": "75.00"}, forecast_total="75.00",
              progress=[("已完成 62%", "", "确定能")])
    doc["indicators"][0].update({"progress": "7500平方米", "forecast": "≥12000平方米"})
    save_document(store, on_track, doc)
    ids.append(on_track.id)

    late = start_project_monitoring(store, farm.id)
    doc = copy.deepcopy(late.data)
    _progress(doc, spent={"county": "30.00"}, issued={"county": "150.00"}, forecast_total="160.00",
              progress=[("进行中", "", "有可能")])
    first = doc["indicators"][0]
    first.update({"forecast": "0.8万亩", "possibility": "完全不可能",
                  "deviation_cause": "春季降水偏多，土方施工推迟两个月。"})
    save_document(store, late, doc)  # left with errors: 支出进度 behind, no measures for 完全不可能
    ids.append(late.id)

    department = start_department_monitoring(store, city.id, year)
    doc = copy.deepcopy(department.data)
    doc["annual_goal"] = "保障学校正常运转，完成年度教育教学任务，校舍维修项目按期完工。"
    for key, values in {"general": ("820.00", "450.00", "380.00"), "unit_funds": ("35.00", "20.00", "15.00")}.items():
        doc["funds_by_kind"][key].update(dict(zip(("budget", "issued", "spent"), values)))
    for key, values in {"basic": ("780.00", "420.00", "365.00"), "project": ("75.00", "50.00", "30.00")}.items():
        doc["funds_by_use"][key].update(dict(zip(("budget", "issued", "spent"), values)))
    doc["funds_by_kind"]["total"]["forecast"] = doc["funds_by_use"]["total"]["forecast"] = "840.00"
    doc["indicators"] = [
        {"level1": "产出指标", "level2": "数量指标", "content": "在校学生人数", "target": "≥2400人",
         "progress": "2436人", "forecast": "2436人", "possibility": "确定能"},
        {"level1": "效益指标", "level2": "社会效益指标", "content": "高考本科上线率", "target": "≥85%",
         "progress": "86.2%", "forecast": "86.2%", "possibility": "确定能"},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "content": "家长满意度", "target": "≥90%",
         "progress": "92%", "forecast": "≥90%", "possibility": "确定能"},
    ]
    save_document(store, department, doc)
    ids.append(department.id)

    report = start_report(store, on_track.id)
    doc = copy.deepcopy(report.data)
    doc.update({
        "basic_info": f"{year}年校舍维修改造项目总投资 75.00 万元，主要对教学楼屋面和外墙进行维修改造，"
                      f"实施期为{year}年1月至12月。",
        "conclusion": "项目预算执行基本符合序时进度，绩效目标预计能够全部完成。",
        "problems_measures": "部分材料价格上涨，已通过优化设计控制成本；下半年将加快工程款支付。",
        "report_date": f"{year}-07-25",
    })
    save_document(store, report, doc)
    ids.append(report.id)
    return ids


def evaluation_report(year: int) -> dict:
    """A finance-organised evaluation of the demo's past-year repair project, scored 82.50 (良)."""
    form = get_form(EVALUATION_REPORT)
    doc = blank_document(form)
    doc.update({
        "project_name": f"{year}年校舍维修改造项目", "project_unit": CITY_UNIT["name"],
        "supervisor": CITY_UNIT["supervisor_name"], "eval_type": "事后评价", "eval_method": "财政部门组织评价",
        "eval_agency": "中介机构", "report_date": f"{year + 1}-03-01", "project_head": "王建国",
        "head_phone": "0355-2021234", "address": "长治市潞州区英雄中路 88 号", "postcode": "046000",
        "start_date": f"{year}-01-01", "end_date": f"{year}-11-30",
        "goals_expected": "完成教学楼屋面防水 2300 平方米、外墙保温 3600 平方米，工程验收合格率 100%。",
        "goals_actual": "完成屋面防水 2300 平方米、外墙保温 3480 平方米，验收合格率 100%，外墙工程量完成 96.7%。",
        "filler": "张丽", "filler_date": f"{year + 1}-02-26", "team_leader": "陈志远",
        "team_leader_date": f"{year + 1}-02-27", "unit_head": "王建国", "unit_head_date": f"{year + 1}-02-28",
        "agency_head": "山西晋财会计师事务所 李强", "agency_head_date": f"{year + 1}-03-01",
        "overview": "项目依据学校年度工作计划立项，主要对教学楼屋面和外墙进行维修改造，总投资 75.00 万元。",
        "conclusion": "项目总体完成了预期绩效目标，综合得分 82.50 分，评价等次为良。",
        "problems": "外墙保温工程量未全部完成；资金支付进度前慢后快。",
        "suggestions": "加强施工组织和进度管理，按合同节点及时支付工程款。",
    })
    doc["funds"]["city_county"].update(planned="75", arrived="75")
    doc["expense_details"] = [
        {"content": "房屋建筑物构建（屋面防水）", "planned": "45", "actual": "44.85"},
        {"content": "房屋建筑物构建（外墙保温）", "planned": "30", "actual": "28.90"},
    ]
    scored = [
        ("business_indicators", "1.目标设定情况", "绩效目标合理性", "8", "7"),
        ("business_indicators", "1.目标设定情况", "绩效指标明确性", "7", "6"),
        ("business_indicators", "2.目标完成程度", "产出数量完成率", "20", "17"),
        ("business_indicators", "2.目标完成程度", "产出质量达标率", "15", "15"),
        ("business_indicators", "2.目标完成程度", "产出时效", "10", "8"),
        ("business_indicators", "2.目标完成程度", "服务对象满意度", "10", "8.5"),
        ("financial_indicators", "1.资金落实情况", "资金到位率", "10", "10"),
        ("financial_indicators", "2.实际支出情况", "资金使用率", "10", "6"),
        ("financial_indicators", "2.实际支出情况", "财务管理制度健全性", "10", "5"),
    ]
    for table, level1, content, points, score in scored:
        doc[table].append({"level1": level1, "content": content, "points": points, "score": score})
    doc["evaluators"] = [
        {"name": "陈志远", "title": "注册会计师/项目经理", "unit": "山西晋财会计师事务所"},
        {"name": "张丽", "title": "会计师", "unit": "山西晋财会计师事务所"},
        {"name": "赵建华", "title": "高级工程师", "unit": "长治市建筑设计院"},
    ]
    return doc


def self_report(year: int) -> dict:
    """The unit's own 绩效报告 (附件4) for the past-year repair project."""
    doc = blank_document(get_form(SELF_REPORT))
    doc.update({
        "project_name": f"{year}年校舍维修改造项目", "unit_name": CITY_UNIT["name"], "report_date": f"{year + 1}-01-20",
        "unit_basic": "长治市第一中学为财政全额拨款事业单位，核定编制 186 名，在校学生 2436 人。",
        "project_content": "对教学楼屋面进行防水维修，对外墙进行保温改造和粉刷。",
        "goals_basic": "完成屋面防水 2300 平方米、外墙保温 3600 平方米，年内竣工验收。",
        "goals_benefits": "消除校舍渗漏隐患，改善教学环境，降低冬季采暖能耗。",
        "funds_arrival": "市级财政计划安排 75.00 万元，实际到位 75.00 万元，到位率 100%。",
        "total_input": "项目总投入 75.00 万元，全部为市级财政资金。",
        "adjustments": "外墙保温面积因局部墙体结构原因调减 120 平方米，经主管部门同意。",
        "actual_spending": "实际支出 73.75 万元，资金使用率 98.33%。",
        "goal_completion": "屋面防水全部完成，外墙保温完成 3480 平方米，验收合格率 100%。",
        "management": "执行政府采购和工程监理制度，资金实行专账核算。",
        "overspending": "外墙工程量调减，节约资金 1.25 万元。",
        "comparison": "主要产出指标完成率 96.7% 以上，质量和时效指标全部达标。",
        "impact": "消除安全隐患，受益师生 2600 余人，家长满意度 92%。",
        "lessons": "前期勘察需更细致；下一步将提前开展设计，合理安排施工期。",
    })
    return doc


def feedback_letter(year: int) -> dict:
    """The finance bureau's 反馈意见函 (附件6) on the evaluation, answered by the unit."""
    doc = blank_document(get_form(FEEDBACK_LETTER))
    doc.update({
        "unit_name": CITY_UNIT["name"], "project_name": f"{year}年校舍维修改造项目",
        "reply_deadline": f"{year + 1}-03-20", "issuer": "长治市财政局", "issue_date": f"{year + 1}-03-05",
        "opinion_conclusion": "同意评价结论。", "opinion_suggestions": "同意，将按建议加强进度管理。",
        "opinion_other": "无。", "reply_date": f"{year + 1}-03-15",
    })
    return doc


def rectification(year: int) -> dict:
    """The unit's 整改报告书 (附件7), due 60 days after it received the feedback."""
    doc = blank_document(get_form(RECTIFICATION))
    doc.update({
        "department": CITY_UNIT["supervisor_name"], "project_name": f"{year}年校舍维修改造项目",
        "evaluation_content": f"{year}年度项目支出绩效评价（事后评价），综合得分 82.50 分，评价等次：良好。",
        "contact_person": "刘晓燕", "contact_phone": "0355-2021236", "feedback_received": f"{year + 1}-03-06",
        "rectification": "一、针对外墙保温工程量未全部完成的问题，已于 4 月补充完成剩余 120 平方米。\n"
                         "二、针对资金支付前慢后快的问题，修订了《项目资金支付管理办法》，按合同节点支付。",
    })
    return doc


def load_evaluation_demo(store: Store, year: int) -> list[int]:
    """The evaluation round of `year`'s repair project, done the following spring: the unit's self
    report, the evaluation report with its score, the answered feedback letter and the rectification."""
    city = store.unit_by_code(CITY_UNIT["code"])
    ids = []
    for form_id, doc, status in (
        (SELF_REPORT, self_report(year), Status.APPROVED),
        (EVALUATION_REPORT, evaluation_report(year), Status.CHECKED),
        (FEEDBACK_LETTER, feedback_letter(year), Status.SUBMITTED),
        (RECTIFICATION, rectification(year), Status.SUBMITTED),
    ):
        form = get_form(form_id)
        record = store.create_form(unit_id=city.id, form_id=form_id, form_version=form.version, year=year,
                                   title=f"{doc.get('project_name')}{form.name}", data=doc,
                                   amount=headline_amount(form, doc))
        walk(store, record, city, status, day=dt.date(year + 1, 3, 25))
        ids.append(record.id)
    return ids
