"""The shipped forms' ids and the kinds forms are grouped by, named once.

Code starts, lists and compares forms through these names; the form files in forms/ keep the ids
themselves (forms/<id>.yaml). tests/test_vocabulary.py keeps the literals from coming back elsewhere.
"""

from __future__ import annotations

# Form ids (FormDef.id, FormRecord.form_id), as the menus offer them.
DECLARATION = "declaration"  # 项目支出绩效目标申报表
PROJECT_MONITORING = "project_monitoring"  # 项目支出绩效运行监控表
DEPT_MONITORING = "dept_monitoring"  # 部门整体支出绩效运行监控表
MONITORING_REPORT = "monitoring_report"  # 绩效监控分析报告
SELF_REPORT = "self_report"  # 项目绩效报告（提纲）
FEEDBACK_LETTER = "feedback_letter"  # 绩效评价结果反馈意见函
RECTIFICATION = "rectification"  # 绩效评价结果整改报告书
EVALUATION_REPORT = "evaluation_report"  # 预算绩效评价报告
PROJECT_SELF_EVALUATION = "project_self_evaluation"  # 项目支出绩效自评表
DEPT_SELF_EVALUATION = "dept_self_evaluation"  # 部门整体支出绩效自评表
ASSESSMENT_DEPARTMENT = "assessment_department"  # 市直部门考核评分表
ASSESSMENT_COUNTY = "assessment_county"  # 县（市、区）财政局考核评分表
EX_ANTE_ASSESSMENT = "ex_ante_assessment"  # 事前绩效评估表
SHIPPED = (DECLARATION, PROJECT_MONITORING, DEPT_MONITORING, MONITORING_REPORT, SELF_REPORT, FEEDBACK_LETTER,
           RECTIFICATION, EVALUATION_REPORT, PROJECT_SELF_EVALUATION, DEPT_SELF_EVALUATION, ASSESSMENT_DEPARTMENT,
           ASSESSMENT_COUNTY, EX_ANTE_ASSESSMENT)

# Kinds (FormDef.raw_kind: a form file's `kind:`, else its id): what deadlines, alerts and review rounds
# key on. The declaration, the 监控分析报告 and the 整改报告书 are each their own kind.
MONITORING_KIND = "monitoring"  # both 运行监控表
FEEDBACK_KIND = "feedback"  # the 反馈意见函
ASSESSMENT_KIND = "assessment"  # both 考核评分表
