"""Verbs of the finance office's desk: the register of units, rounds sent down (下发), the units'
空数据说明, and who has handed in (报送情况, 催报)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from perfdesk.store import Store
from perfdesk.cli.exit_codes import EXIT_FAILED, EXIT_OK


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”应写作 YYYY-MM-DD，如 2026-07-31") from None


def _pairs(items: list[str], option: str, parse=str) -> dict:
    from perfdesk.app.office_operations import DeskError

    found = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise DeskError(f"{option} “{item}”应写作 表单=值，如 {option} declaration=2026-11-30")
        try:
            found[key.strip()] = parse(value.strip())
        except argparse.ArgumentTypeError as exc:
            raise DeskError(f"{option} {key}：{exc}") from None
    return found


def register(verbs, common) -> None:
    from perfdesk.cli.verbs_packages import _secret_parent

    secret = _secret_parent()
    units = verbs.add_parser("units", parents=[common], help="财政部门：单位名册（从 Excel 单位清单导入）")
    sub = units.add_subparsers(dest="units_verb", required=True, metavar="操作")
    imp = sub.add_parser("import", parents=[common],
                         help="从 XLSX 单位清单导入（列：单位编码、单位名称、主管部门编码、主管部门名称、联系人、联系电话）")
    imp.add_argument("file", type=Path, metavar="文件")
    imp.set_defaults(handler=_units_import)
    listing = sub.add_parser("list", parents=[common], help="按主管部门列出名册中的单位")
    listing.set_defaults(handler=_units_list)

    task = verbs.add_parser("task", parents=[common], help="下发任务：财政部门定义报送轮次并导出签名任务包，单位导入后查看期限")
    sub = task.add_subparsers(dest="task_verb", required=True, metavar="操作")
    create = sub.add_parser("create", parents=[common], help="财政部门：新建一轮报送任务")
    create.add_argument("--year", type=int, required=True, metavar="年度")
    create.add_argument("--kinds", required=True, metavar="表单",
                        help="要报送的表单，逗号分隔，如 declaration,project_monitoring,project_self_evaluation")
    create.add_argument("--title", required=True, metavar="名称", help="任务名称，如 预算绩效管理报送")
    create.add_argument("--units", default="all", metavar="编码",
                        help="报送单位编码，逗号分隔；或 all（名册中全部单位，默认），或主管部门编码前加 @（如 @201）")
    create.add_argument("--deadline", action="append", default=[], metavar="表单=日期",
                        help="报送期限，如 declaration=2026-11-30；制度规定了期限的表单可不填（监控 7月31日、整改 60 日）")
    create.add_argument("--rule", action="append", default=[], metavar="表单=期限",
                        help="按规则配置中的期限计算，如 declaration=relay_goals（批复后 15 日）、publish_goals（20 日）")
    create.add_argument("--issued", type=_date, metavar="日期", help="下发日期，默认今天")
    create.add_argument("--note", default="", metavar="文字", help="任务说明")
    create.set_defaults(handler=_task_create)
    export = sub.add_parser("export", parents=[common, secret], help="财政部门：把任务导出为签名任务包，发给各单位")
    export.add_argument("id", type=int, metavar="ID", help="任务编号（perfdesk task list 可查）")
    export.add_argument("--out", type=Path, required=True, metavar="文件")
    export.add_argument("--signer", metavar="编码", help="用哪个本机身份签名（本机有多个身份时须指定）")
    export.set_defaults(handler=_task_export)
    receive = sub.add_parser("import", parents=[common], help="单位：导入财政部门下发的任务包（只接受已登记的财政部门公钥）")
    receive.add_argument("paths", type=Path, nargs="+", metavar="路径")
    receive.set_defaults(handler=_task_import)
    listing = sub.add_parser("list", parents=[common], help="列出任务和每项表单的期限、剩余天数")
    listing.add_argument("--today", type=_date, metavar="日期", help=argparse.SUPPRESS)
    listing.set_defaults(handler=_task_list)
    empty = sub.add_parser("empty", parents=[common, secret], help="单位：本项任务无数据可报时，生成签名的空数据说明报送")
    empty.add_argument("id", type=int, metavar="ID", help="任务编号")
    empty.add_argument("--kind", required=True, metavar="表单", help="哪一项表单无数据可报，如 project_monitoring")
    empty.add_argument("--reason", required=True, metavar="文字", help="说明，如 本年度未安排项目支出")
    empty.add_argument("--contact", default="", metavar="姓名")
    empty.add_argument("--phone", default="", metavar="电话")
    empty.add_argument("--out", type=Path, required=True, metavar="文件")
    empty.set_defaults(handler=_task_empty)

    board = verbs.add_parser("status-board", parents=[common],
                             help="财政部门：报送情况（单位×表单的状态、剩余或逾期天数、各列合计），导出催报名单")
    board.add_argument("--task", type=int, metavar="ID", help="任务编号，默认最近的一个")
    board.add_argument("--filter", choices=("未报", "逾期", "待审"), metavar="条件", help="只列出：未报、逾期或待审")
    board.add_argument("--pdf", type=Path, metavar="文件", help="催报名单 PDF")
    board.add_argument("--xlsx", type=Path, metavar="文件", help="催报名单 XLSX")
    board.add_argument("--today", type=_date, metavar="日期", help="按哪一天计算剩余和逾期天数，默认今天")
    board.set_defaults(handler=_status_board)


# --- the register -------------------------------------------------------------------------------

def _units_import(store: Store, args) -> int:
    from perfdesk.app.office_operations import import_units

    result = import_units(store, args.file)
    for line in result.lines():
        print(line)
    print(result.summary())
    return EXIT_FAILED if result.bad else EXIT_OK


def _units_list(store: Store, args) -> int:
    from perfdesk.store.office import OfficeStore

    entries = OfficeStore(store).units()
    if not entries:
        print("单位名册为空。用 perfdesk units import 单位清单.xlsx 导入。")
        return EXIT_OK
    last = None
    for e in entries:
        if e.supervisor_code != last:
            print(f"{e.supervisor_name}（{e.supervisor_code}）")
            last = e.supervisor_code
        contact = "　".join(x for x in (e.contact, e.phone) if x)
        print(f"　{e.code}　{e.name}　{contact}".rstrip())
    print(f"共 {len(entries)} 个单位，{len({e.supervisor_code for e in entries})} 个主管部门")
    return EXIT_OK


# --- rounds -------------------------------------------------------------------------------------

def _task_create(store: Store, args) -> int:
    from perfdesk.app.office_operations import create_task

    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    task = create_task(store, year=args.year, kinds=kinds, title=args.title, note=args.note, units=args.units,
                       deadlines=_pairs(args.deadline, "--deadline", _date), rules=_pairs(args.rule, "--rule"),
                       issued=args.issued or dt.date.today())
    print(f"已新建任务 {task.id}：{task.year}年度{task.title}，{len(task.unit_codes)} 个单位")
    _print_deadlines(task, None)
    print(f"用 perfdesk task export {task.id} --out 任务.pdpkg 导出签名任务包，发给各单位。")
    return EXIT_OK


def _print_deadlines(task, today: dt.date | None) -> None:
    from perfdesk.domain.registry import form_name
    from perfdesk.domain.dates import days_left, format_date

    for kind, d in task.deadlines.items():
        left = f"，{days_left((d.due - today).days)}" if today else ""
        print(f"　{form_name(kind) or kind}：{format_date(d.due)}前{left}（依据：{d.source}）")


def _task_export(store: Store, args) -> int:
    from perfdesk.app.office_operations import export_task
    from perfdesk.package import keys
    from perfdesk.package.identity import identity_of, load_signer
    from perfdesk.cli.verbs_packages import _own_signer_unit, passphrase

    unit = _own_signer_unit(store, args.signer)
    identity_of(store, unit.id)
    signer = load_signer(store, unit.id, passphrase(args))
    task = export_task(store, args.id, signer, args.out)
    print(f"已导出任务包：{args.out}（{task.year}年度{task.title}，{len(task.unit_codes)} 个单位）")
    print(f"签名人：{signer.name}（{signer.unit.code}），公钥指纹 {keys.grouped(signer.fingerprint)}")
    print(f"各单位须先用 perfdesk trust add --office --code {signer.unit.code} --name {signer.unit.name} "
          "--fingerprint 上述指纹 登记，再导入任务包。")
    return EXIT_OK


def _task_import(store: Store, args) -> int:
    from perfdesk.app.package_import import import_paths

    report = import_paths(store, args.paths)
    for outcome in report.outcomes:
        print(outcome.line())
    print(report.summary())
    return EXIT_FAILED if report.rejected or not report.outcomes else EXIT_OK


def _task_list(store: Store, args) -> int:
    from perfdesk.store.office import OfficeStore

    today = args.today or dt.date.today()
    found = OfficeStore(store).tasks()
    if not found:
        print("没有任务。财政部门用 perfdesk task create 新建；单位用 perfdesk task import 导入收到的任务包。")
        return EXIT_OK
    for task in found:
        whose = "本机下发" if task.origin == "own" else f"{task.office_name}下发"
        print(f"{task.id}　{task.year}年度{task.title}（{whose}，{task.issued_on:%Y-%m-%d}，{len(task.unit_codes)} 个单位）"
              + (f"　说明：{task.note}" if task.note else ""))
        _print_deadlines(task, today)
    return EXIT_OK


def _task_empty(store: Store, args) -> int:
    from perfdesk.package.builder import write_package
    from perfdesk.package.identity import identity_of, load_signer
    from perfdesk.package.task_packages import build_empty_package
    from perfdesk.store.office import OfficeStore
    from perfdesk.cli.verbs_packages import _own_signer_unit, passphrase

    task = OfficeStore(store).task(args.id)
    unit = _own_signer_unit(store, None)
    identity_of(store, unit.id)
    signer = load_signer(store, unit.id, passphrase(args))
    built = build_empty_package(store, task, args.kind, signer, reason=args.reason, contact=args.contact,
                                phone=args.phone)
    write_package(args.out, built.data)
    print(f"已生成空数据说明：{args.out}（第 {built.version} 版），报送后计为已报。")
    return EXIT_OK


# --- 报送情况 -------------------------------------------------------------------------------------

def _status_board(store: Store, args) -> int:
    from perfdesk.domain.registry import form_name
    from perfdesk.domain.tasks import filtered, matches
    from perfdesk.app.office_operations import chosen_task, write_chase
    from perfdesk.store.office import OfficeStore, board_for

    today = args.today or dt.date.today()
    task = chosen_task(store, args.task)
    board = board_for(OfficeStore(store), task, today)
    print(f"报送情况：{task.year}年度{task.title}（统计日期 {today:%Y-%m-%d}）")
    names = [form_name(k) or k for k in board.kinds]
    print("期限：" + "；".join(f"{n} {board.deadlines[k]:%Y-%m-%d}" for n, k in zip(names, board.kinds)))
    rows = set(id(r) for r in filtered(board, args.filter))
    for group in board.groups:
        shown = [r for r in group.rows if id(r) in rows]
        if not shown:
            continue
        print(f"{group.supervisor_name}（{group.supervisor_code}）")
        for row in shown:
            cells = "；".join(f"{n}：{c.text}" for n, c in zip(names, row.cells.values())
                             if matches(c, args.filter))
            print(f"　{row.unit.code} {row.unit.name}　{cells}")
    print("合计：")
    for name, kind in zip(names, board.kinds):
        print(f"　{name}：{board.counts[kind].line()}")
    if args.pdf or args.xlsx:
        listed = write_chase(store, task, today, pdf=args.pdf, xlsx=args.xlsx, which=args.filter)
        print(f"已导出催报名单（{listed} 个单位）：" + "、".join(str(p) for p in (args.pdf, args.xlsx) if p))
    return EXIT_OK
