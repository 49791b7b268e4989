"""Verbs for the Excel round trip: template (a fillable template of a form), import-xlsx."""

from __future__ import annotations

from pathlib import Path

from ..store import Store
from ._codes import EXIT_FAILED, EXIT_OK


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


def _template(store: Store, args) -> int:
    from ..xlsx_import import export_template

    record = store.get_form(args.id)
    export_template(store, record.id, args.out)
    print(f"已导出填报模板：{args.out}（《{record.title}》）。黄色单元格可填写，填好后用 perfdesk import-xlsx 导入。")
    return EXIT_OK


def _import_xlsx(store: Store, args) -> int:
    from ..xlsx_import import read_file, read_template, remaining_errors, save_template_import

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
