"""Verbs of the finance office's 汇总: `perfdesk summary KIND`, `perfdesk results` (结果应用清单)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from perfdesk.store import Store
from perfdesk.cli.exit_codes import EXIT_OK


def register(verbs, common) -> None:
    summary = verbs.add_parser(
        "summary", parents=[common],
        help="打印一轮的汇总表（declaration 申报、monitoring 监控、evaluation 评价，或 forms 中其他 summary_*.yaml）")
    summary.add_argument("kind", metavar="KIND", help="汇总表：declaration、monitoring、evaluation、results 等")
    summary.add_argument("--year", metavar="年度", type=int, required=True, help="汇总的预算年度，如 2027")
    by = summary.add_mutually_exclusive_group()
    by.add_argument("--unit", action="store_true", help="按预算单位汇总（默认）")
    by.add_argument("--dept", action="store_true", help="按主管部门汇总")
    summary.add_argument("--months", type=int, help="监控汇总的截至月份（默认 6，即 1-6 月）")
    summary.add_argument("--pdf", type=Path, help="写出 PDF（表格及图表）")
    summary.add_argument("--xlsx", type=Path, help="写出 Excel")
    summary.set_defaults(handler=_summary)
    results = verbs.add_parser("results", parents=[common],
                               help="绩效评价结果应用清单：每个项目和部门整体的等次、结果应用、涉及金额及依据")
    results.add_argument("--year", metavar="年度", type=int, required=True, help="汇总的预算年度，如 2027")
    results.add_argument("--pdf", type=Path, help="写出 PDF")
    results.add_argument("--xlsx", type=Path, help="写出 Excel")
    results.set_defaults(handler=_results)


def _summary(store: Store, args) -> int:
    from perfdesk.app.summary_operations import compose_summary

    composed = compose_summary(store, args.kind, args.year, by_supervisor=args.dept, months=args.months)
    return _show(composed, args)


def _results(store: Store, args) -> int:
    from perfdesk.app.summary_operations import RESULTS, compose_summary

    return _show(compose_summary(store, RESULTS, args.year), args)


def _show(composed, args) -> int:
    from perfdesk.app.summary_operations import write

    written = write(composed, pdf=args.pdf, xlsx=args.xlsx) if args.pdf or args.xlsx else []
    grid = composed.grid
    print(f"{grid.title}{grid.subtitle}")
    form, summary = composed.table.form, composed.summary
    for key, rows in summary.values.items():
        table = form.tables[key]
        print(f"【{table.label}】{len(rows)} 行")
        print("\t".join(composed.labels(key)))
        for row in rows:
            print("\t".join(_cell(row.get(c.key)) for c in table.columns))
        if composed.has_totals(key):
            totals = summary.totals[key]
            print("\t".join(_cell(totals.get(c.key)) for c in table.columns))
    if not any(summary.values.values()):  # an empty table is printed all the same, as the office may file it
        print(f"提示：{args.year} 年度没有可汇总的表单（perfdesk list --year {args.year} 列出该年度的表单）")
    if written:
        print("已写出：" + "、".join(str(p) for p in written))
    return EXIT_OK


def _cell(value) -> str:
    from perfdesk.domain import money

    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return money.format_amount(value)
    return str(value).replace("\n", "；")
