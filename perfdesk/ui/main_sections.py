"""What the main window's navigation pane lists, and the actions that start each form kind.

Data only, shared by the main window's parts (main_list, main_actions, new_form_flows)."""

from __future__ import annotations

from dataclasses import dataclass

from perfdesk.domain import form_kinds as kinds
from perfdesk.domain.registry import EVALUATION_FORMS
from perfdesk.ui import new_tables

WINDOW_TITLE = "PerfDesk 预算绩效填报桌面端"
ALL_YEARS = "全部年度"
EMPTY_STORE = "没有表单。可点击右下角的“导入示例数据”熟悉填写，或新建表单。"
NO_FINDINGS = "未发现问题"
PACKAGES_MODULE = "perfdesk.ui.packages"
DECLARATION, MONITORING, EVALUATION, PACKAGES = kinds.DECLARATION, "monitoring", "evaluation", "packages"
MONITORING_TABLES = (kinds.PROJECT_MONITORING, kinds.DEPT_MONITORING)


@dataclass(frozen=True)
class Section:
    """One entry of the navigation pane: the form kinds it lists."""

    label: str
    key: str
    form_ids: tuple[str, ...]
    tip: str


SECTIONS = (
    Section("绩效目标申报", DECLARATION, (kinds.DECLARATION, *new_tables.DECLARATION_TABLES),
            "预算支出绩效目标申报表、事前绩效评估表"),
    Section("运行监控", MONITORING, (*MONITORING_TABLES, kinds.MONITORING_REPORT),
            "项目支出和部门整体支出绩效运行监控表、绩效监控分析报告"),
    Section("绩效评价", EVALUATION, (*EVALUATION_FORMS, *new_tables.EVALUATION_TABLES),
            "绩效报告（提纲）、预算绩效评价报告、评价结果反馈意见函、整改报告书、绩效自评表、考核评分表"),
    Section("提交包", PACKAGES, (), "报送数据包的收件记录、导入、签名密钥和可信公钥"),
)
SECTION_OF_FORM = {form_id: section.key for section in SECTIONS for form_id in section.form_ids}
# form id → (menu text, object name, tip) of the action that starts one
NEW_FORMS = {
    kinds.DECLARATION: ("新建绩效目标申报表…", "newDeclarationAction", "新建绩效目标申报表"),
    kinds.PROJECT_MONITORING: ("新建项目监控表…", "newProjectMonitoringAction", "由申报表生成项目支出绩效运行监控表"),
    kinds.DEPT_MONITORING: ("新建部门整体监控表…", "newDeptMonitoringAction", "生成本单位的部门整体支出绩效运行监控表"),
    kinds.MONITORING_REPORT: ("生成监控分析报告…", "newMonitoringReportAction", "由选中的运行监控表生成绩效监控分析报告初稿"),
    kinds.SELF_REPORT: ("新建绩效报告（提纲）…", "newSelfReportAction", "新建项目绩效报告（提纲）"),
    kinds.EVALUATION_REPORT: ("新建预算绩效评价报告…", "newEvaluationReportAction", "新建预算绩效评价报告，可从申报表带出项目"),
    kinds.FEEDBACK_LETTER: ("新建反馈意见函…", "newFeedbackLetterAction", "新建绩效评价结果反馈意见函"),
    kinds.RECTIFICATION: ("新建整改报告书…", "newRectificationAction", "新建绩效评价结果整改报告书"),
    **new_tables.ACTIONS,
}
