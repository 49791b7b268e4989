"""Verbs for the July monitoring round: start the tables and the report, list the warnings."""

from __future__ import annotations

from perfdesk.store import Store
from perfdesk.cli.exit_codes import EXIT_FAILED, EXIT_OK


def register(verbs, common) -> None:
    project = verbs.add_parser("monitor", parents=[common], help="由已批复的申报表生成项目支出绩效运行监控表")
    project.add_argument("id", type=int, metavar="申报表ID", help="申报表的编号（perfdesk list 每行开头的数字）")
    project.add_argument("--months", type=int, default=6, choices=range(1, 13), metavar="N",
                         help="监控期间截至的月份（1-12），默认 6")
    project.set_defaults(handler=_monitor)
    dept = verbs.add_parser("monitor-dept", parents=[common], help="生成部门整体支出绩效运行监控表")
    dept.add_argument("--unit", required=True, metavar="单位编码")
    dept.add_argument("--year", type=int, required=True, metavar="年度", help="预算年度，如 2027")
    dept.add_argument("--months", type=int, default=6, choices=range(1, 13), metavar="N",
                      help="监控期间 1-N月（1–12），默认 6")
    dept.set_defaults(handler=_monitor_dept)
    report = verbs.add_parser("report", parents=[common], help="由运行监控表生成绩效监控分析报告初稿")
    report.add_argument("id", type=int, metavar="监控表ID", help="监控表的编号（perfdesk list 每行开头的数字）")
    report.set_defaults(handler=_report)
    alerts = verbs.add_parser("alerts", parents=[common], help="列出监控表的绩效预警")
    alerts.add_argument("id", type=int, metavar="监控表ID", help="监控表的编号（perfdesk list 每行开头的数字）")
    alerts.set_defaults(handler=_alerts)


def _monitor(store: Store, args) -> int:
    from perfdesk.app.monitoring_operations import start_project_monitoring

    record = start_project_monitoring(store, args.id, args.months)
    print(f"已生成项目支出绩效运行监控表：{record.id}“{record.title}”，请填写 1-{args.months}月执行情况")
    return EXIT_OK


def _monitor_dept(store: Store, args) -> int:
    from perfdesk.app.monitoring_operations import start_department_monitoring
    from perfdesk.app.operations import OperationError

    unit = store.unit_by_code(args.unit)
    if unit is None:
        raise OperationError(f"找不到单位编码为 {args.unit} 的单位，请用 perfdesk list 查看已有单位的表单")
    record = start_department_monitoring(store, unit.id, args.year, args.months)
    print(f"已生成部门整体支出绩效运行监控表：{record.id}“{record.title}”")
    return EXIT_OK


def _report(store: Store, args) -> int:
    from perfdesk.app.monitoring_operations import start_report

    record = start_report(store, args.id)
    print(f"已生成绩效监控分析报告初稿：{record.id}“{record.title}”，第二部分已按监控表数据填写，可修改")
    return EXIT_OK


def _alerts(store: Store, args) -> int:
    from perfdesk.app.monitoring_operations import alerts

    from perfdesk.domain.form_kinds import MONITORING_KIND
    from perfdesk.domain.registry import form_of
    from perfdesk.app.operations import OperationError

    record = store.get_form(args.id)
    if form_of(record).raw_kind != MONITORING_KIND:
        raise OperationError(f"表单 {record.id}“{record.title}”不是运行监控表，绩效预警只针对运行监控表；"
                             f"请用 perfdesk list 查看监控表的编号")
    found = alerts(store, record)
    if not found:
        print(f"表单 {record.id}“{record.title}”：无绩效预警")
        return EXIT_OK
    print(f"表单 {record.id}“{record.title}”：绩效预警 {len(found)} 条")
    for alert in found:
        print(f"[{alert.level}] {alert.rule}：{alert.message}")
    return EXIT_FAILED if any(a.level == "红色预警" for a in found) else EXIT_OK
