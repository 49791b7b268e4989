"""`perfdesk`: the GUI by default, and headless verbs for batch work and scripts.

Every verb takes --db URL (or PERFDESK_DB), prints Chinese messages, exits non-zero on error and
then writes nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from .domain import money
from .domain.formdef import FormDefinitionError
from .domain.profiles import ProfileError
from .domain.findings import Severity
from .store import Store, StoreError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's English usage errors, said in Chinese
        self.print_usage(sys.stderr)
        sys.stderr.write(f"perfdesk：参数有误：{message}\n运行 perfdesk --help 查看用法。\n")
        raise SystemExit(EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    db_help = "数据库地址（SQLAlchemy URL），默认取 PERFDESK_DB 或用户数据目录中的 SQLite 文件"
    # --db is accepted before or after the verb; after it, it must not reset a value given before.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help=db_help)
    parser = _Parser(prog="perfdesk", description="PerfDesk 预算绩效填报桌面端。不带命令时打开图形界面。")
    parser.add_argument("--db", metavar="URL", default=None, help=db_help)
    verbs = parser.add_subparsers(dest="verb", metavar="命令", parser_class=_Parser)
    demo = verbs.add_parser("demo", parents=[common], help="写入示例单位和各类示例表单")
    demo.add_argument("--year", type=int, help="示例预算年度，默认为明年")
    listing = verbs.add_parser("list", parents=[common], help="列出表单")
    listing.add_argument("--year", type=int, help="只列出该年度")
    check = verbs.add_parser("check", parents=[common], help="校验表单并列出错误、警告和提示")
    check.add_argument("id", type=int, metavar="ID")
    export = verbs.add_parser("export", parents=[common], help="导出 PDF 和/或 Excel")
    export.add_argument("id", type=int, metavar="ID")
    export.add_argument("--pdf", type=Path, metavar="文件")
    export.add_argument("--xlsx", type=Path, metavar="文件")
    return parser


def _demo(store: Store, args) -> int:
    from .demo import load_demo

    year = args.year or dt.date.today().year + 1
    ids = load_demo(store, year)
    print(f"已写入示例数据：{len(ids)} 份表单（编号 {ids[0]}–{ids[-1]}），数据库：{store.url}")
    return EXIT_OK


def _list(store: Store, args) -> int:
    forms = store.list_forms(year=args.year)
    if not forms:
        print("没有表单。运行 perfdesk demo 可写入示例数据。")
        return EXIT_OK
    units = {u.id: u for u in store.units()}
    for f in forms:
        amount = money.format_amount(f.amount, blank="—")
        print(f"{f.id}\t{f.year}年度\t{f.status}\t{amount} 万元\t{units[f.unit_id].name}\t{f.title}")
    return EXIT_OK


def _check(store: Store, args) -> int:
    from .operations import check

    record = store.get_form(args.id)
    findings = check(record)
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    print(f"表单 {record.id}“{record.title}”：错误 {counts[Severity.ERROR]} 个，"
          f"警告 {counts[Severity.WARNING]} 个，提示 {counts[Severity.HINT]} 个")
    for finding in findings:
        print(finding.line())
    return EXIT_FAILED if counts[Severity.ERROR] else EXIT_OK


def _export(store: Store, args) -> int:
    from .operations import export

    findings = export(store, args.id, pdf=args.pdf, xlsx=args.xlsx)
    for target in (args.pdf, args.xlsx):
        if target is not None:
            print(f"已导出：{target}")
    warnings = [f for f in findings if f.severity is Severity.WARNING]
    for finding in warnings:
        print(finding.line())
    return EXIT_OK


VERBS = {"demo": _demo, "list": _list, "check": _check, "export": _export}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.verb is None:
        from .ui.app import run_gui

        return run_gui(args.db)
    from .operations import OperationError

    try:
        store = Store(args.db)
    except StoreError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        return VERBS[args.verb](store, args)
    except (StoreError, OperationError, FormDefinitionError, ProfileError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        store.close()


if __name__ == "__main__":
    raise SystemExit(main())
