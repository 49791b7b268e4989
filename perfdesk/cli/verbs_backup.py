"""Verbs for the database file itself: backup, restore."""

from __future__ import annotations

import sys
from pathlib import Path

from perfdesk.cli.exit_codes import EXIT_FAILED, EXIT_OK


def register(verbs, common) -> None:
    backup = verbs.add_parser("backup", parents=[common], help="把数据库备份到一个文件（程序运行时也可备份）")
    backup.add_argument("file", type=Path, metavar="文件", help="备份文件名，如 E:/备份/perfdesk-2027-03-01.db")
    backup.set_defaults(handler=_backup, needs_store=False)
    restore = verbs.add_parser("restore", parents=[common], help="用备份文件恢复数据库（先显示备份内容，原数据库另存一份）")
    restore.add_argument("file", type=Path, metavar="文件")
    restore.add_argument("--yes", action="store_true", help="不再询问，直接恢复（脚本中使用）")
    restore.set_defaults(handler=_restore, needs_store=False)


def _url(args) -> str:
    from perfdesk.store.location import default_url

    return args.db or default_url()


def _backup(store, args) -> int:
    from perfdesk.store.backup import backup, preview

    target = backup(_url(args), args.file)
    held = preview(target)
    print(f"已备份到：{target}（{held.forms} 份表单，完整性检查通过）")
    return EXIT_OK


def _restore(store, args) -> int:
    from perfdesk.store.backup import database_file, preview, restore

    url = _url(args)
    held = preview(args.file)
    for line in held.lines():
        print(line)
    current = database_file(url)
    if not args.yes:
        if not sys.stdin.isatty():
            print(f"将用此备份替换数据库 {current}。确认无误后请加 --yes 再运行。", file=sys.stderr)
            return EXIT_FAILED
        answer = input(f"将用此备份替换数据库 {current}（原数据库会另存一份）。确定恢复吗？请输入 y 确认：")
        if answer.strip().lower() not in ("y", "yes", "是"):
            print("已取消，数据库未改动。")
            return EXIT_OK
    kept = restore(url, args.file)
    print(f"已恢复。原数据库已另存为：{kept}")
    return EXIT_OK
