"""Verbs for stored forms: demo, list, check, export, revisions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from perfdesk.domain import money
from perfdesk.domain.findings import Severity
from perfdesk.store import Store
from perfdesk.cli.exit_codes import EXIT_FAILED, EXIT_OK


def register(verbs, common) -> None:
    demo = verbs.add_parser("demo", parents=[common], help="写入示例单位和各类示例表单")
    demo.add_argument("--year", metavar="年度", type=_year, help="示例预算年度（2003–2099），默认为明年")
    demo.add_argument("--office", action="store_true",
                      help="写入财政局示例：36 个单位的名册、一轮下发任务及各种报送情况（报送情况、催报名单一打开即有内容）")
    demo.set_defaults(handler=_demo)
    listing = verbs.add_parser("list", parents=[common], help="列出表单")
    listing.add_argument("--year", metavar="年度", type=int, help="只列出该年度")
    listing.add_argument("--status", metavar="状态", help="只列出该状态，如 草稿、已报送、财政审核中、已退回")
    listing.set_defaults(handler=_list)
    check = verbs.add_parser("check", parents=[common], help="校验表单并列出错误、警告和提示")
    check.add_argument("id", type=int, metavar="ID", help="表单编号（perfdesk list 每行开头的数字）")
    check.set_defaults(handler=_check)
    export = verbs.add_parser("export", parents=[common], help="导出 PDF 和/或 Excel")
    export.add_argument("id", type=int, metavar="ID", help="表单编号（perfdesk list 每行开头的数字）")
    export.add_argument("--pdf", type=Path, metavar="文件", help="写出 A4 PDF 到该文件（.pdf）")
    export.add_argument("--xlsx", type=Path, metavar="文件", help="写出 Excel 工作簿到该文件（.xlsx）")
    export.add_argument("--approved", action="store_true", help="打印申请调整前审核通过的版本")
    export.set_defaults(handler=_export)
    history = verbs.add_parser("revisions", parents=[common], help="列出表单的历史版本，或恢复其中一个")
    history.add_argument("id", type=int, metavar="ID", help="表单编号（perfdesk list 每行开头的数字）")
    history.add_argument("--restore", type=int, metavar="版本号", help="把该历史版本恢复为表单的当前内容")
    history.set_defaults(handler=_revisions)


def _year(text: str) -> int:
    import argparse

    if not text.isdigit() or not 2003 <= int(text) <= 2099:
        # the demo spans three years back from this one
        raise argparse.ArgumentTypeError(f"年度“{text}”应为 2003 到 2099 之间的四位数字")
    return int(text)


def _demo(store: Store, args) -> int:
    from perfdesk.demo.demo_forms import load_demo

    if args.office:
        from perfdesk.demo.demo_office import load_office_demo

        with store.atomic():
            task, count = load_office_demo(store)
        print(f"已写入财政局示例：{len(task.unit_codes)} 个单位，任务“{task.year}年度{task.title}”（编号 {task.id}），"
              f"{count} 份表单；perfdesk status-board 查看报送情况，perfdesk summary declaration|monitoring|evaluation "
              f"--year {task.year} 与 perfdesk results --year {task.year} 查看汇总。数据库：{store.url}")
        return EXIT_OK

    year = args.year or dt.date.today().year + 1
    with store.atomic():  # all or nothing: a demo cut short would only confuse
        ids = load_demo(store, year)
    print(f"已写入示例数据：{len(ids)} 份表单（编号 {ids[0]}–{ids[-1]}），数据库：{store.url}")
    return EXIT_OK


def _list(store: Store, args) -> int:
    from perfdesk.domain.lifecycle import status_named

    damaged = []
    forms = store.list_forms(year=args.year, damaged=damaged)
    if args.status:
        wanted = status_named(args.status)
        forms = [f for f in forms if f.status.label == wanted.label]
    if not forms and not damaged:
        print("没有表单。运行 perfdesk demo 可写入示例数据。")
        return EXIT_OK
    from perfdesk.app.due_dates import due
    from perfdesk.domain.dates import describe_due as describe
    from perfdesk.app.monitoring_operations import alerts

    units = {u.id: u for u in store.units()}
    for f in forms:
        amount = money.format_listed(f.amount, blank="—")
        unit = units[f.unit_id]  # with its code: monitor-dept, self-eval-dept and assessment take --unit CODE
        line = f"{f.id}\t{f.year}年度\t{f.status.display}\t{amount} 万元\t{unit.name}（{unit.code}）\t{f.title}"
        deadline = due(store, f)
        if deadline is not None:
            line += f"\t{describe(deadline)}"
        warnings = alerts(store, f)
        if warnings:
            line += f"\t绩效预警 {len(warnings)} 条"
        print(line)
    for problem in damaged:  # one line each: the others are listed above as usual
        print(f"{problem.form_instance_id}\t已损坏\t{problem}")
    return EXIT_FAILED if damaged else EXIT_OK


def _check(store: Store, args) -> int:
    from perfdesk.app.operations import check

    record = store.get_form(args.id)
    findings = check(store, record)
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    print(f"表单 {record.id}“{record.title}”：错误 {counts[Severity.ERROR]} 个，"
          f"警告 {counts[Severity.WARNING]} 个，提示 {counts[Severity.HINT]} 个")
    for finding in findings:
        print(finding.line())
    return EXIT_FAILED if counts[Severity.ERROR] else EXIT_OK


def _export(store: Store, args) -> int:
    from perfdesk.app.operations import export

    findings = export(store, args.id, pdf=args.pdf, xlsx=args.xlsx, approved=args.approved)
    for target in (args.pdf, args.xlsx):
        if target is not None:
            print(f"已导出：{target}")
    for finding in findings:
        if finding.severity is Severity.WARNING:
            print(finding.line())
    return EXIT_OK


def _revisions(store: Store, args) -> int:
    from perfdesk.domain.dates import format_moment

    if args.restore is not None:
        from perfdesk.app.revision_restore import restore_revision

        revision = restore_revision(store, args.id, args.restore)
        print(f"已把表单 {args.id} 恢复为历史版本 {revision.id}（{format_moment(revision.saved_at)} 保存的"
              f"“{revision.title}”）；恢复前的内容也已作为历史版本保留")
        return EXIT_OK
    summary = store.get_summary(args.id)
    revisions = store.revisions(args.id)
    print(f"表单 {summary.id}“{summary.title}”共有 {len(revisions)} 个历史版本（版本号\t保存时间\t标题）：")
    for r in reversed(revisions):
        note = "\t（已损坏，不能恢复）" if r.damaged else (f"\t{r.label}" if r.label else "")  # e.g. 升级到第2版前的内容
        print(f"{r.id}\t{format_moment(r.saved_at)}\t{r.title}{note}")
    if revisions:
        print(f"恢复：perfdesk revisions {summary.id} --restore 版本号")
    return EXIT_OK
