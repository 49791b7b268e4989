"""Verbs for the Excel round trip: template (a fillable template of a form), import-xlsx."""

from __future__ import annotations

from pathlib import Path

from perfdesk.store import Store
from perfdesk.cli.exit_codes import EXIT_FAILED, EXIT_OK


def register(verbs, common) -> None:
    template = verbs.add_parser("template", parents=[common], help="导出表单的 Excel 填报模板（可填写的单元格未锁定，其余受保护）")
    template.add_argument("id", type=int, metavar="ID", help="表单编号（perfdesk list 可查）")
    template.add_argument("--out", type=Path, required=True, metavar="文件", help="模板文件名，如 申报表模板.xlsx")
    template.set_defaults(handler=_template)
    imp = verbs.add_parser("import-xlsx", parents=[common], help="导入填好的 Excel 填报模板，逐个单元格校验")
    imp.add_argument("file", type=Path, metavar="文件")
    imp.add_argument("--into", type=int, metavar="ID", help="导入到哪个表单；默认导入到导出模板的表单，该表单已删除时新建")
    imp.add_argument("--keep-good", action="store_true", help="文件中有错误时，仍保存正确的部分（默认什么都不保存）")
    imp.set_defaults(handler=_import_xlsx)
    rows = verbs.add_parser("import-rows", parents=[common],
                            help="从任意 Excel 工作表按列导入表格的行（支出明细、绩效指标等），列对应按表单记住")
    rows.add_argument("file", type=Path, metavar="文件")
    rows.add_argument("--into", type=int, required=True, metavar="ID", help="导入到哪个表单")
    rows.add_argument("--table", required=True, metavar="表格", help="表格，如 expense_details（支出明细预算）、annual_indicators")
    rows.add_argument("--columns", metavar="对应", help="栏目=列字母，如 name=A,this_year=C 或 支出名称=A；省略时用上次的对应")
    rows.add_argument("--sheet", metavar="工作表", help="工作表名称，默认第一个")
    rows.add_argument("--first-row", type=int, metavar="行号", help="第一行数据的行号（标题行之下），默认 2")
    rows.add_argument("--replace", action="store_true", help="替换表格中原有的行（默认接在原有的行之后）")
    rows.add_argument("--keep-good", action="store_true", help="有错误时仍导入正确的部分")
    rows.set_defaults(handler=_import_rows)


def _template(store: Store, args) -> int:
    from perfdesk.app.xlsx_import import export_template

    record = store.get_form(args.id)
    export_template(store, record.id, args.out)
    print(f"已导出填报模板：{args.out}（《{record.title}》）。黄色单元格可填写，填好后用 perfdesk import-xlsx 导入。")
    return EXIT_OK


def _import_xlsx(store: Store, args) -> int:
    from perfdesk.app.xlsx_import import read_file, read_template, remaining_errors, save_template_import

    result = read_template(store, read_file(args.file), into=args.into)
    for problem in result.problems:
        print(problem.line())
    print(result.summary())
    if result.refused and not args.keep_good:
        print(f"因有 {len(result.refused)} 个单元格有误，未保存任何内容。请在 Excel 中改正后重新导入，"
              f"或加 --keep-good 保存正确的部分。")
        return EXIT_FAILED
    record = save_template_import(store, result, keep_good=args.keep_good)
    left = remaining_errors(store, record)
    tail = f"；表单还有 {left} 个错误，请用 perfdesk check {record.id} 查看" if left else ""
    print(f"已导入到表单 {record.id}“{record.title}”{tail}")
    return EXIT_OK


def _import_rows(store: Store, args) -> int:
    from perfdesk.app.xlsx_columns import (
        apply_rows, map_rows, parse_columns, read_sheets, remember, remembered, target_table)
    from perfdesk.app.xlsx_import import XlsxImportError, read_file

    record = store.get_form(args.into)
    form = target_table(record, args.table)
    sheets = read_sheets(read_file(args.file))
    sheet = next((s for s in sheets if s.title == args.sheet), None) if args.sheet else (sheets or [None])[0]
    if sheet is None:
        raise XlsxImportError(f"找不到工作表“{args.sheet}”；文件中的工作表：{'、'.join(s.title for s in sheets) or '无'}")
    saved = remembered(store, form.id, args.table)
    if args.columns:
        mapping, first_row = parse_columns(args.columns, form, args.table), args.first_row or 2
    elif saved is not None:
        mapping, first_row = saved[0], args.first_row or saved[1]
    else:
        raise XlsxImportError("第一次导入这个表格，请用 --columns 指定列对应，如 --columns name=A,this_year=C")
    mapped = map_rows(form, args.table, sheet, mapping, first_row)
    for problem in mapped.problems:
        print(problem.line())
    table = form.tables[args.table]
    print(f"工作表“{sheet.title}”：读出 {len(mapped.rows)} 行，{len(mapped.refused)} 个单元格有误")
    if mapped.refused and not args.keep_good:
        print("因有错误，未保存任何内容。请改正后重新导入，或加 --keep-good 导入正确的部分。")
        return EXIT_FAILED
    apply_rows(store, record, mapped, replace=args.replace, keep_good=args.keep_good)
    remember(store, form.id, args.table, mapping, first_row)
    print(f"已导入 {len(mapped.rows)} 行到《{record.title}》的{table.label}（列对应已记住，下次可省略 --columns）")
    return EXIT_OK
