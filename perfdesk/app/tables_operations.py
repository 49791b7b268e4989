"""Starting the self-evaluation, assessment and ex-ante tables from what the store already holds.

- 项目支出绩效自评表: from the year's approved declaration (indicators, targets, funds) and its latest project
  monitoring table (完成情况 → 实际完成值, a draft);
- 部门整体支出绩效自评表: from the unit's latest department monitoring table of the year;
- 考核评分表 (附件8-1 / 8-2): blank items for the unit and year;
- 事前绩效评估表: linked to the declaration it assesses (`_source.declaration`).

Forms are created with the store's default status.
"""

from __future__ import annotations

from perfdesk.domain import money
from perfdesk.domain.document import blank_document, headline_amount, tree_values
from perfdesk.domain.computed import fill_computed
from perfdesk.domain.profiles import ProfileError, get_profile
from perfdesk.domain.registry import get_form
from perfdesk.domain.self_evaluation import indicator_rows
from perfdesk.domain.lifecycle import Status
from perfdesk.app.operations import OperationError
from perfdesk.store import FormRecord, Store, UnitRecord
from perfdesk.domain.findings import SOURCE_KEY
from perfdesk.domain.form_kinds import (
    ASSESSMENT_COUNTY, ASSESSMENT_DEPARTMENT, DECLARATION, DEPT_MONITORING, DEPT_SELF_EVALUATION,
    EX_ANTE_ASSESSMENT, MONITORING_KIND, PROJECT_MONITORING, PROJECT_SELF_EVALUATION)


def approved_declarations(store: Store, unit_id: int, year: int) -> list[FormRecord]:
    """The unit's declarations of `year` that the finance office approved, newest first (one being
    adjusted still counts: its approved version stands until the adjustment is approved)."""
    return [f for f in store.list_forms(year=year, form_id=DECLARATION)
            if f.unit_id == unit_id and f.status in (Status.APPROVED, Status.ADJUSTING)]


def latest_from(store: Store, form_id: str, year: int, keep) -> FormRecord | None:
    """The most recently saved form of a kind and year that `keep` accepts."""
    found = [f for f in store.list_forms(year=year, form_id=form_id) if keep(f)]
    return max(found, key=lambda f: (f.updated_at, f.id)) if found else None


def _rules(store: Store, unit: UnitRecord):
    try:
        return get_profile(unit.profile).require_self_evaluation()
    except ProfileError as exc:
        raise OperationError(f"单位“{unit.name}”的规则配置无法用于绩效自评表：{exc}") from None


def start_project_self_evaluation(store: Store, declaration_id: int) -> FormRecord:
    declaration = store.get_form(declaration_id)
    if declaration.form_id != DECLARATION:
        raise OperationError(f"表单 {declaration_id} 不是绩效目标申报表，不能据此生成项目支出绩效自评表")
    unit = store.get_unit(declaration.unit_id)
    if declaration.id not in {f.id for f in approved_declarations(store, unit.id, declaration.year)}:
        raise OperationError(f"申报表“{declaration.title}”尚未报送或审核通过，不能据此生成绩效自评表；"
                             "请先导出或报送该申报表")
    form, decl_form = get_form(PROJECT_SELF_EVALUATION), get_form(DECLARATION)
    data = declaration.data
    monitoring = latest_from(store, PROJECT_MONITORING, declaration.year,
                             lambda f: (f.data.get(SOURCE_KEY) or {}).get(DECLARATION) == declaration.id)
    progress = {str(r.get("content")): str(r.get("progress") or "")
                for r in (monitoring.data.get("indicators") or [])} if monitoring is not None else {}
    doc = blank_document(form, {
        "project_name": data.get("project_name"), "supervisor": data.get("supervisor_name"),
        "implementer": data.get("implementer_name") or data.get("applicant_name"),
        "goal_expected": data.get("annual_goal"),
    })
    arranged = tree_values(decl_form, data, "fund_sources", "actual")
    requested = tree_values(decl_form, data, "fund_sources", "this_year")
    use = arranged if any(arranged[r.key] is not None for r in decl_form.tables["fund_sources"].tree
                          if r.depth == 0) else requested
    appropriation = money.total([use.get("public_budget"), use.get("government_funds")])
    other = use.get("other_funds")
    for key, amount in (("appropriation", appropriation), ("other", other)):
        if amount:
            doc["funds"][key].update(initial=money.to_json(amount), budget=money.to_json(amount))
    doc["indicators"] = indicator_rows(data.get("annual_indicators") or [], _rules(store, unit), value_key="value",
                                       progress=progress)
    doc[SOURCE_KEY] = {DECLARATION: declaration.id, **({MONITORING_KIND: monitoring.id} if monitoring else {})}
    fill_computed(form, doc, get_profile(unit.profile))
    title = f"{doc.get('project_name') or declaration.title}绩效自评表（{declaration.year}年度）"
    return store.create_form(unit_id=unit.id, form_id=form.id, form_version=form.version, year=declaration.year,
                             title=title, data=doc, amount=headline_amount(form, doc))


def start_dept_self_evaluation(store: Store, unit_id: int, year: int) -> FormRecord:
    unit = store.get_unit(unit_id)
    form = get_form(DEPT_SELF_EVALUATION)
    doc = blank_document(form, {"unit_name": unit.name, "supervisor": unit.supervisor_name})
    monitoring = latest_from(store, DEPT_MONITORING, year, lambda f: f.unit_id == unit_id)
    if monitoring is not None:
        mdata, mform = monitoring.data, get_form(DEPT_MONITORING)
        doc["goal_expected"] = mdata.get("annual_goal")
        for key in ("basic", "project"):
            budget = tree_values(mform, mdata, "funds_by_use", "budget").get(key)
            if budget is not None:
                doc["funds_by_use"][key].update(initial=money.to_json(budget), budget=money.to_json(budget))
        progress = {str(r.get("content")): str(r.get("progress") or "") for r in mdata.get("indicators") or []}
        doc["indicators"] = indicator_rows(mdata.get("indicators") or [], _rules(store, unit), value_key="target",
                                           progress=progress)
        doc[SOURCE_KEY] = {"monitoring": monitoring.id}
    fill_computed(form, doc, get_profile(unit.profile))
    title = f"{unit.name}部门整体支出绩效自评表（{year}年度）"
    return store.create_form(unit_id=unit.id, form_id=form.id, form_version=form.version, year=year,
                             title=title, data=doc, amount=headline_amount(form, doc))


def start_assessment(store: Store, form_id: str, unit_id: int, year: int) -> FormRecord:
    if form_id not in (ASSESSMENT_DEPARTMENT, ASSESSMENT_COUNTY):
        raise OperationError(f"“{form_id}”不是考核评分表，可用的有 assessment_department（附件8-1）、"
                             "assessment_county（附件8-2）")
    unit = store.get_unit(unit_id)
    form = get_form(form_id)
    doc = blank_document(form, {"unit_name": unit.name, "assessment_year": str(year)})
    return store.create_form(unit_id=unit.id, form_id=form.id, form_version=form.version, year=year,
                             title=f"{unit.name}{form.name}（{year}年度）", data=doc, amount=None)


def start_ex_ante(store: Store, declaration_id: int) -> FormRecord:
    """事前绩效评估表 of a declaration, linked to it."""
    declaration = store.get_form(declaration_id)
    if declaration.form_id != DECLARATION:
        raise OperationError(f"表单 {declaration_id} 不是绩效目标申报表，不能据此新建事前绩效评估表")
    unit = store.get_unit(declaration.unit_id)
    form = get_form(EX_ANTE_ASSESSMENT)
    data = declaration.data
    doc = blank_document(form, {"project_name": data.get("project_name"), "unit_name": unit.name,
                                "supervisor": data.get("supervisor_name"),
                                "requested": money.to_json(declaration.amount) if declaration.amount else None,
                                "declaration_title": declaration.title})
    doc[SOURCE_KEY] = {DECLARATION: declaration.id}
    return store.create_form(unit_id=unit.id, form_id=form.id, form_version=form.version, year=declaration.year,
                             title=f"{data.get('project_name') or declaration.title}事前绩效评估表", data=doc,
                             amount=declaration.amount)


def assessments_of(store: Store, declaration: FormRecord) -> list[FormRecord]:
    """The ex-ante assessments linked to a declaration, newest first."""
    return [f for f in store.list_forms(year=declaration.year, form_id=EX_ANTE_ASSESSMENT)
            if (f.data.get(SOURCE_KEY) or {}).get(DECLARATION) == declaration.id]


def start_table(store: Store, form_id: str, unit: UnitRecord, year: int,
                declaration_id: int | None = None) -> FormRecord:
    """One entry for the GUI: the table `form_id` for the unit and year (from a declaration where it needs one)."""
    if form_id in (PROJECT_SELF_EVALUATION, EX_ANTE_ASSESSMENT):
        if declaration_id is None:
            raise OperationError("请选择一份申报表：项目支出绩效自评表和事前绩效评估表都按申报表生成")
        return (start_project_self_evaluation if form_id == PROJECT_SELF_EVALUATION else start_ex_ante)(
            store, declaration_id)
    if form_id == DEPT_SELF_EVALUATION:
        return start_dept_self_evaluation(store, unit.id, year)
    return start_assessment(store, form_id, unit.id, year)
