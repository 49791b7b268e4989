"""`perfdesk`: the GUI by default, and headless verbs for batch work and scripts.

Every verb takes --db URL (or PERFDESK_DB), prints Chinese messages, exits non-zero on error and
then writes nothing. The verbs live in perfdesk/commands, one module per area.
"""

from __future__ import annotations

import argparse
import sys

from .commands import modules
from .commands._codes import EXIT_FAILED, EXIT_USAGE
from .errors import USER_ERRORS
from .store import Store


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
    for module in modules():
        module.register(verbs, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.verb is None:
        from .ui.app import run_gui

        return run_gui(args.db)
    try:
        if getattr(args, "needs_store", True) is False:
            return args.handler(None, args)
        store = Store(args.db)
        try:
            return args.handler(store, args)
        finally:
            store.close()
    except USER_ERRORS as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
