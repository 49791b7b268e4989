"""`perfdesk`: the GUI by default, and headless verbs for batch work and scripts.

Every verb takes --db URL (or PERFDESK_DB), prints Chinese messages, exits non-zero on error and
then writes nothing. The verbs live in perfdesk/cli, one module per area.

Opening the GUI (no verb) imports neither the verbs nor the store here: the start-up time is the
window's, and the verbs' parser is only built when a verb or an option other than --db is given.
"""

from __future__ import annotations

import argparse
import sys

from perfdesk.cli.exit_codes import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from perfdesk.console import ensure_streams


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's English usage errors, said in Chinese
        ensure_streams()  # sys.stderr is None in a windowed build
        self.print_usage(sys.stderr)
        sys.stderr.write(f"perfdesk：参数有误：{message}\n运行 perfdesk --help 查看用法。\n")
        raise SystemExit(EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    from perfdesk.cli import argparse_zh
    from perfdesk.cli.verbs import modules

    argparse_zh.install()

    db_help = "数据库地址（SQLAlchemy URL），默认取 PERFDESK_DB 或用户数据目录中的 SQLite 文件"
    # --db is accepted before or after the verb; after it, it must not reset a value given before.
    common = argparse.ArgumentParser(add_help=False)
    forms_help = ("另一个表单文件夹（其中的表单和 profiles/ 中的规则配置按 id 增加或替换随程序安装的），"
                  "默认取 PERFDESK_FORMS；用户目录中的 forms/ 总会读取")
    common.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help=db_help)
    common.add_argument("--forms", metavar="文件夹", default=argparse.SUPPRESS, help=forms_help)
    parser = _Parser(prog="perfdesk", description="PerfDesk 预算绩效填报桌面端。不带命令时打开图形界面。")
    parser.add_argument("--db", metavar="URL", default=None, help=db_help)
    parser.add_argument("--forms", metavar="文件夹", default=None, help=forms_help)
    parser.add_argument("--version", action="version", version=_version_line(), help="显示版本号后退出")
    parser.add_argument("--self-test", action="store_true",
                        help="在临时数据库上自检（示例数据、校验、导出、数据包、界面），不需要显示器")
    verbs = parser.add_subparsers(dest="verb", metavar="命令", parser_class=_Parser)
    for module in modules():
        module.register(verbs, common)
    return parser


_NO_GUI = object()


def _gui_db(argv: list[str]):
    """The --db of a plain GUI start (`perfdesk`, `perfdesk --db URL`, `perfdesk --db=URL`), else
    _NO_GUI: anything else goes through the full parser, which says what is wrong with it."""
    if not argv:
        return None
    if len(argv) == 1 and argv[0].startswith("--db="):
        return argv[0][len("--db="):]
    if len(argv) == 2 and argv[0] == "--db" and not argv[1].startswith("-"):
        return argv[1]
    return _NO_GUI


def _gui(db: str | None) -> int:
    from perfdesk.display import missing_display

    problem = missing_display()
    if problem:  # Qt would abort (rc 134) with a hint about libxcb-cursor0
        print(problem, file=sys.stderr)
        return EXIT_FAILED
    # The window paints before the store (SQLAlchemy) is imported: see perfdesk.ui.app.
    from perfdesk.ui.app import run_gui

    return run_gui(db)


def _tell_form_file_problems() -> None:
    """A variant form or profile file that failed its checks is not used; the clerk is told, and the verb runs."""
    from perfdesk.catalog.form_files import problems

    for line in problems():
        print(f"警告：{line}", file=sys.stderr)


def _version_line() -> str:
    from perfdesk import __version__

    return f"PerfDesk {__version__}"


def main(argv: list[str] | None = None) -> int:
    ensure_streams()
    argv = sys.argv[1:] if argv is None else list(argv)
    # The form catalog, installed here rather than by importing perfdesk (it reads no file until a form is
    # asked for); a caller that installed its own (a test's) keeps it unless --forms is given.
    from perfdesk.catalog.form_files import install
    from perfdesk.domain.sources import installed

    db = _gui_db(argv)
    if db is not _NO_GUI:
        if not installed():
            install()
        return _gui(db)
    args = _parser().parse_args(argv)
    if args.forms or not installed():
        install(args.forms)
    if args.self_test:
        from perfdesk.selftest import run

        return run()
    if args.verb is None:
        return _gui(args.db)
    from perfdesk.errors import UserError

    _tell_form_file_problems()
    try:
        if getattr(args, "needs_store", True) is False:
            return args.handler(None, args)
        from perfdesk.store import Store

        store = Store(args.db)
        try:
            return args.handler(store, args)
        finally:
            store.close()
    except UserError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:  # Ctrl-C at a prompt or mid-way: every verb writes in transactions
        print("\n已取消（Ctrl-C）。未完成的操作没有写入任何内容。", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `perfdesk list | head`: the reader stopped listening, nothing is wrong
        sys.stderr.close()
        return EXIT_OK
    except OSError as exc:  # a file the verb reads or writes: said in Chinese, never a traceback
        from perfdesk.os_errors import explain_os

        print(f"错误：{exc.filename or '文件'}：{explain_os(exc)}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
