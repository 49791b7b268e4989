"""Verbs for the self-evaluation, assessment and ex-ante tables: start them from what the store holds."""

from __future__ import annotations

from perfdesk.store import Store
from perfdesk.cli.exit_codes import EXIT_OK
from perfdesk.domain.form_kinds import ASSESSMENT_COUNTY, ASSESSMENT_DEPARTMENT


def register(verbs, common) -> None:
    project = verbs.add_parser("self-eval", parents=[common],
                               help="由已报送的申报表（及其最近的监控表）生成项目支出绩效自评表")
    project.add_argument("id", type=int, metavar="申报表ID", help="申报表的编号（perfdesk list 每行开头的数字）")
    project.set_defaults(handler=_self_eval)
    dept = verbs.add_parser("self-eval-dept", parents=[common], help="生成部门整体支出绩效自评表")
    dept.add_argument("--unit", required=True, metavar="单位编码")
    dept.add_argument("--year", type=int, required=True, metavar="年度", help="预算年度，如 2027")
    dept.set_defaults(handler=_self_eval_dept)
    assessment = verbs.add_parser("assessment", parents=[common],
                                  help="新建考核评分表（附件8-1 市直部门 / 附件8-2 县（市、区）财政局）")
    assessment.add_argument("--kind", required=True, choices=("department", "county"),
                            help="department：附件8-1 市直部门；county：附件8-2 县（市、区）财政局")
    assessment.add_argument("--unit", required=True, metavar="单位编码")
    assessment.add_argument("--year", type=int, required=True, metavar="年度", help="预算年度，如 2027")
    assessment.set_defaults(handler=_assessment)
    ex_ante = verbs.add_parser("ex-ante", parents=[common], help="为申报表新建事前绩效评估表（与申报表关联）")
    ex_ante.add_argument("id", type=int, metavar="申报表ID", help="申报表的编号（perfdesk list 每行开头的数字）")
    ex_ante.set_defaults(handler=_ex_ante)


def _unit(store: Store, code: str):
    from perfdesk.app.operations import OperationError

    unit = store.unit_by_code(code)
    if unit is None:
        raise OperationError(f"找不到单位编码为 {code} 的单位，请用 perfdesk list 查看已有单位的表单")
    return unit


def _self_eval(store: Store, args) -> int:
    from perfdesk.app.tables_operations import start_project_self_evaluation

    record = start_project_self_evaluation(store, args.id)
    print(f"已生成项目支出绩效自评表：{record.id}“{record.title}”，请核对实际完成值、全年执行数并填写偏差原因")
    return EXIT_OK


def _self_eval_dept(store: Store, args) -> int:
    from perfdesk.app.tables_operations import start_dept_self_evaluation

    record = start_dept_self_evaluation(store, _unit(store, args.unit).id, args.year)
    print(f"已生成部门整体支出绩效自评表：{record.id}“{record.title}”")
    return EXIT_OK


def _assessment(store: Store, args) -> int:
    from perfdesk.app.tables_operations import start_assessment

    form_id = {"department": ASSESSMENT_DEPARTMENT, "county": ASSESSMENT_COUNTY}[args.kind]
    record = start_assessment(store, form_id, _unit(store, args.unit).id, args.year)
    print(f"已新建考核评分表：{record.id}“{record.title}”")
    return EXIT_OK


def _ex_ante(store: Store, args) -> int:
    from perfdesk.app.tables_operations import start_ex_ante

    record = start_ex_ante(store, args.id)
    print(f"已新建事前绩效评估表：{record.id}“{record.title}”，关联申报表 {args.id}")
    return EXIT_OK
