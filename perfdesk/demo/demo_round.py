"""A finance office's round for the 汇总: many units under several 主管部门, each with project declarations,
their July monitoring tables and the evaluations after the year, with figures that vary from unit to unit
(funding sources, spending behind or ahead of 序时进度, every grade). Used by the 汇总's tests and by
bench/aggregate.py; `full=False` keeps each document to what the 汇总 reads, for the 10,000-project bench.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import Decimal

from perfdesk.demo.demo_forms import _details, declaration, evaluation_report
from perfdesk.domain.computed import fill_computed
from perfdesk.domain.document import blank_document, headline_amount
from perfdesk.domain.profiles import get_profile
from perfdesk.domain.registry import get_form
from perfdesk.store import Store, UnitRecord
from perfdesk.domain.form_kinds import DECLARATION, DEPT_SELF_EVALUATION, EVALUATION_REPORT, PROJECT_MONITORING

DEPARTMENTS = [("201", "长治市教育局"), ("202", "长治市卫生健康委员会"), ("203", "长治市农业农村局"),
               ("204", "长治市交通运输局"), ("205", "长治市民政局"), ("206", "长治市文化和旅游局")]
_KINDS = ["中学", "小学", "中心", "服务站", "管理所", "研究院"]


@dataclass
class Round:
    units: list[UnitRecord] = field(default_factory=list)
    declarations: list[int] = field(default_factory=list)
    monitoring: list[int] = field(default_factory=list)
    evaluations: list[int] = field(default_factory=list)
    departments: list[int] = field(default_factory=list)


def office_unit(index: int) -> dict:
    code, supervisor = DEPARTMENTS[index % len(DEPARTMENTS)]
    return dict(name=f"{supervisor.removeprefix('长治市')}第{index + 1}{_KINDS[index % len(_KINDS)]}",
                code=f"{code}{index + 1:04d}", supervisor_name=supervisor, supervisor_code=code,
                region="长治市", level="市级", profile="changzhi")


def _money(n: int) -> str:
    """A 万元 amount with fen and yuan in it, so sums that are only exact in Decimal are tested."""
    return format(Decimal(n) + Decimal(n % 97) / 100 + Decimal(n % 7) / 10000, "f")


def load_round(store: Store, year: int, units: int = 32, projects: int = 2, *, full: bool = True) -> Round:
    """`units` units with `projects` projects each: a declaration, a 1-6月 monitoring table and an
    evaluation report per project, and a department self-evaluation per unit."""
    made = Round()
    forms = {k: get_form(k) for k in (DECLARATION, PROJECT_MONITORING, EVALUATION_REPORT, DEPT_SELF_EVALUATION)}
    profile = get_profile("changzhi")
    with store.atomic():
        for u in range(units):
            unit = store.unit_by_code(office_unit(u)["code"]) or store.add_unit(**office_unit(u))
            made.units.append(unit)
            for p in range(projects):
                n = u * projects + p
                title = f"{year}年{unit.name}专项{p + 1}"
                doc = _declaration(unit, year, title, n, full)
                made.declarations.append(_create(store, forms[DECLARATION], unit, year, title, doc))
                doc = _monitoring(forms[PROJECT_MONITORING], title, n)
                made.monitoring.append(_create(store, forms[PROJECT_MONITORING], unit, year, title, doc))
                doc = _evaluation(title, unit, n, full)
                made.evaluations.append(_create(store, forms[EVALUATION_REPORT], unit, year, title, doc))
            doc = _department(forms[DEPT_SELF_EVALUATION], unit, u, profile)
            made.departments.append(_create(store, forms[DEPT_SELF_EVALUATION], unit, year,
                                            f"{unit.name}部门整体支出绩效自评表", doc))
    return made


def _create(store: Store, form, unit: UnitRecord, year: int, title: str, doc: dict) -> int:
    return store.create_form(unit_id=unit.id, form_id=form.id, form_version=form.version, year=year, title=title,
                             data=doc, amount=headline_amount(form, doc)).id


def _declaration(unit: UnitRecord, year: int, title: str, n: int, full: bool) -> dict:
    public, funds, other = _money(40 + n * 13 % 260), _money(n * 7 % 50), _money(n * 3 % 30)
    total = Decimal(public) + Decimal(funds) + Decimal(other)
    if full:
        doc = declaration(unit.__dict__, year, title,
                          _details([("设备购置", "", format(total, "f"), "按询价测算")]), (0, 1), seed=n)
    else:
        doc = blank_document(get_form(DECLARATION), {"project_name": title})
        doc["expense_details"] = [{"name": "设备购置", "this_year": format(total, "f")}]
    sources = doc["fund_sources"]
    sources["appropriation"]["this_year"] = public
    sources["government_funds"]["this_year"] = funds if n % 3 else None
    sources["other_income"]["this_year"] = other if n % 4 else None
    if not n % 3:  # a project without 政府性基金 asks the rest from the budget
        sources["appropriation"]["this_year"] = format(Decimal(public) + Decimal(funds), "f")
    if not n % 4:
        asked = Decimal(sources["appropriation"]["this_year"]) + Decimal(other)
        sources["appropriation"]["this_year"] = format(asked, "f")
    if n % 2 == 0:  # half of them arranged by the office (本年度实际安排资金)
        for row in ("appropriation", "government_funds", "other_income"):
            value = sources[row]["this_year"]
            arranged = None if value is None else (Decimal(value) * Decimal("0.9")).quantize(Decimal("0.0001"))
            sources[row]["actual"] = None if arranged is None else format(arranged, "f")
    return doc


def _monitoring(form, title: str, n: int) -> dict:
    doc = blank_document(form, {"period_months": "6", "project_name": title})
    budget = Decimal(_money(50 + n * 11 % 200))
    issued = (budget * Decimal(40 + n * 17 % 60) / 100).quantize(Decimal("0.0001"))
    spent = (issued * Decimal(20 + n * 29 % 80) / 100).quantize(Decimal("0.0001"))
    doc["fund_sources"]["city"].update(budget=format(budget, "f"), issued=format(issued, "f"), spent=format(spent, "f"))
    if n % 5 == 0:
        doc["fund_sources"]["central"].update(carryover=_money(5 + n % 20))
    possibility = ("确定能", "有可能", "确定能", "完全不可能", "确定能")[n % 5]
    doc["indicators"] = [{"level1": "产出指标", "level2": "数量指标", "content": "完成采购批次", "target": "≥4批",
                          "progress": "2批", "forecast": "4批" if possibility != "完全不可能" else "2批",
                          "possibility": possibility,
                          "deviation_cause": "供应商交货推迟" if possibility == "完全不可能" else None,
                          "note": "调整采购计划，第三季度集中招标" if possibility == "完全不可能" else None}]
    return doc


# Scores that run through every grade of the Changzhi profile (优 ≥85, 良 ≥70, 中 ≥60, 低).
_SCORES = [("7", "6", "18", "15", "9", "9", "10", "9", "9"), ("6", "5", "15", "12", "8", "8", "9", "7", "6"),
           ("5", "4", "13", "10", "7", "6", "8", "6", "4.5"), ("3", "3", "10", "8", "5", "5", "6", "5", "4")]


def _evaluation(title: str, unit: UnitRecord, n: int, full: bool) -> dict:
    doc = evaluation_report(2025) if full else blank_document(get_form(EVALUATION_REPORT))
    doc.update(project_name=title, project_unit=unit.name, supervisor=unit.supervisor_name)
    planned = _money(30 + n * 19 % 170)
    doc["funds"] = copy.deepcopy(doc["funds"])
    for row in doc["funds"].values():
        row.update(planned=None, arrived=None)
    doc["funds"]["city_county"].update(planned=planned, arrived=planned)
    points = ("8", "7", "20", "15", "10", "10", "10", "10", "10")
    scores = _SCORES[n % len(_SCORES)]
    doc["business_indicators"] = [{"level1": "目标完成", "content": f"指标{i + 1}", "points": points[i], "score": scores[i]}
                                  for i in range(6)]
    doc["financial_indicators"] = [{"level1": "资金管理", "content": f"指标{i + 1}", "points": points[i], "score": scores[i]}
                                   for i in range(6, 9)]
    return doc


def _department(form, unit: UnitRecord, u: int, profile) -> dict:
    doc = blank_document(form, {"unit_name": unit.name, "supervisor": unit.supervisor_name})
    budget = Decimal(_money(500 + u * 37 % 900))
    executed = (budget * Decimal(70 + u * 13 % 31) / 100).quantize(Decimal("0.0001"))
    doc["funds_by_use"]["basic"].update(initial=format(budget, "f"), budget=format(budget, "f"),
                                        executed=format(executed, "f"))
    share = Decimal((95, 80, 66, 50)[u % 4])  # % of each target reached: 优, 良, 中, 低 in turn
    doc["indicators"] = [
        {"level1": level1, "level2": level2, "content": content, "nature": "≥", "target": "100", "unit": "%",
         "actual": format(share if level1 != "满意度指标" else Decimal(100), "f"), "points": points}
        for level1, level2, content, points in (("产出指标", "数量指标", "重点工作完成率", "50"),
                                                ("效益指标", "社会效益指标", "服务覆盖率", "30"),
                                                ("满意度指标", "服务对象满意度指标", "服务对象满意度", "10"))]
    fill_computed(form, doc, profile)
    return doc
