"""`perfdesk print-batch`: many forms into one PDF with a contents page (see perfdesk/app/batch_print.py)."""

from __future__ import annotations

import sys
from pathlib import Path

from perfdesk.store import Store
from perfdesk.cli.exit_codes import EXIT_OK


def register(verbs, common) -> None:
    batch = verbs.add_parser("print-batch", parents=[common],
                             help="把多份表单按顺序打印为一个 PDF，前附目录（表单、单位、起始页码）")
    batch.add_argument("ids", type=int, nargs="*", metavar="ID", help="表单编号，按给出的顺序打印；不给则按条件选取")
    batch.add_argument("--year", type=int, metavar="年度", help="只打印该年度的表单")
    batch.add_argument("--kind", metavar="种类", help="只打印该种表单，如 declaration 或 预算支出绩效目标申报表")
    batch.add_argument("--status", metavar="状态", help="只打印该状态的表单，如 已报送、审核通过")
    batch.add_argument("--out", type=Path, required=True, metavar="文件.pdf", help="输出的 PDF 文件")
    batch.set_defaults(handler=_print_batch)


def _print_batch(store: Store, args) -> int:
    from perfdesk.app.batch_print import print_batch, select_forms

    forms = select_forms(store, args.ids, year=args.year, kind=args.kind, status=args.status)

    def progress(number: int, total: int, title: str) -> None:
        print(f"[{number}/{total}] {title}", file=sys.stderr, flush=True)

    outcome = print_batch(store, forms, args.out, progress=progress)
    print(outcome.summary())
    return EXIT_OK
