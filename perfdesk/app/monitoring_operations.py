"""Creating the July monitoring forms from what the store already holds (seed 003)."""

from __future__ import annotations

from perfdesk.domain import monitoring
from perfdesk.domain.document import blank_document, headline_amount
from perfdesk.domain.lifecycle import NOT_YET_BUDGET
from perfdesk.domain.profiles import ProfileError, get_profile
from perfdesk.domain.registry import form_of, get_form
from perfdesk.app.operations import OperationError
from perfdesk.store import FormRecord, Store
from perfdesk.domain.findings import SOURCE_KEY
from perfdesk.domain.form_kinds import (
    DECLARATION, DEPT_MONITORING, MONITORING_KIND, MONITORING_REPORT, PROJECT_MONITORING)


def start_project_monitoring(store: Store, declaration_id: int, months: int = 6) -> FormRecord:
    """项目支出绩效运行监控表 from the approved declaration: the clerk fills only progress."""
    from perfdesk.domain.checks import blocking
    from perfdesk.app.operations import check

    declaration = store.get_form(declaration_id)
    if declaration.form_id != DECLARATION:
        raise OperationError(f"表单 {declaration_id} 不是绩效目标申报表，不能据此生成项目监控表")
    errors = blocking(check(store, declaration))
    if errors or declaration.status in NOT_YET_BUDGET:
        why = f"还有 {len(errors)} 个错误" if errors else "还在填写中，尚未报送批复"
        raise OperationError(f"申报表 {declaration.id}“{declaration.title}”{why}，不能据此生成监控表；"
                             f"请先改正并报送，监控表应依据批复的绩效目标填写")
    for existing in store.list_forms(year=declaration.year, form_id=PROJECT_MONITORING):
        same = existing.data.get(SOURCE_KEY, {}).get(DECLARATION) == declaration.id
        if same and str(existing.data.get("period_months") or 6) == str(months):
            raise OperationError(f"申报表 {declaration.id} 的 1-{months}月监控表已经存在：{existing.id}“{existing.title}”，"
                                 f"请打开它继续填写，或先删除它再重新生成")
    unit = store.get_unit(declaration.unit_id)
    form = get_form(PROJECT_MONITORING)
    doc = monitoring.from_declaration(form, get_form(DECLARATION), declaration.data,
                                      unit_level=unit.level, months=months)
    doc[SOURCE_KEY] = {DECLARATION: declaration.id}
    title = f"{doc.get('project_name') or declaration.title}（{declaration.year}年1-{months}月监控）"
    return store.create_form(unit_id=unit.id, form_id=form.id, form_version=form.version, year=declaration.year,
                             title=title, data=doc, amount=headline_amount(form, doc))


def start_department_monitoring(store: Store, unit_id: int, year: int, months: int = 6) -> FormRecord:
    """部门整体支出绩效运行监控表 from the unit and its declarations of that year."""
    unit = store.get_unit(unit_id)
    form = get_form(DEPT_MONITORING)
    for existing in store.list_forms(year=year, form_id=DEPT_MONITORING):
        if existing.unit_id == unit_id and str(existing.data.get("period_months") or 6) == str(months):
            raise OperationError(f"“{unit.name}”{year}年1-{months}月的部门整体监控表已经存在：{existing.id}“{existing.title}”，"
                                 f"请打开它继续填写，或先删除它再重新生成")
    # Declarations still being written (草稿, 已退回, 已作废) are not budgets yet; for the others the money the
    # finance office arranged counts when it is known, else what was requested.
    declaration = get_form(DECLARATION)
    projects = {}
    for f in store.list_forms(year=year, form_id=DECLARATION):
        if f.unit_id != unit_id or f.status in NOT_YET_BUDGET:
            continue
        split = monitoring.budget_by_kind(declaration, f.data)
        if split:
            projects[str(f.id)] = split
    if not projects:
        raise OperationError(f"“{unit.name}”{year}年度没有已报送或批复的申报表，无法生成部门整体监控表；"
                             f"请核对年度，或先报送该年度的申报表")
    doc = monitoring.department_start(form, supervisor_name=unit.supervisor_name,
                                      supervisor_code=unit.supervisor_code, project_budget=projects, months=months)
    title = f"{unit.name}部门整体（{year}年1-{months}月监控）"
    return store.create_form(unit_id=unit.id, form_id=form.id, form_version=form.version, year=year,
                             title=title, data=doc, amount=headline_amount(form, doc))


def start_report(store: Store, monitoring_id: int) -> FormRecord:
    """绩效监控分析报告 with part 二 pre-filled from the monitoring table's figures."""
    source = store.get_form(monitoring_id)
    if source.form_id not in (PROJECT_MONITORING, DEPT_MONITORING):
        raise OperationError(f"表单 {monitoring_id} 不是运行监控表，不能据此生成监控分析报告")
    unit = store.get_unit(source.unit_id)
    source_form = form_of(source)
    project = source.form_id == PROJECT_MONITORING
    form = get_form(MONITORING_REPORT)
    doc = blank_document(form, {
        "report_kind": "项目" if project else "部门整体",
        "subject_name": source.data.get("project_name") if project else unit.name,
        "period_months": source.data.get("period_months") or "6",
        "unit_name": unit.name,
        **monitoring.report_parts(source_form, source.data),
    })
    doc[SOURCE_KEY] = {MONITORING_KIND: source.id}
    title = f"{monitoring.report_subject(doc)}支出绩效监控分析报告（{source.year}年）"
    return store.create_form(unit_id=unit.id, form_id=form.id, form_version=form.version, year=source.year,
                             title=title, data=doc, amount=None)


def alerts(store: Store, record: FormRecord) -> list[monitoring.Alert]:
    form = form_of(record)
    if form.raw_kind != MONITORING_KIND:
        return []
    try:
        profile = get_profile(store.get_unit(record.unit_id).profile)
    except ProfileError:
        profile = None
    return monitoring.alerts(form, record.data, profile)
