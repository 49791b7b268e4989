"""Verb for the database itself: db copy (SQLite ⇄ PostgreSQL)."""

from __future__ import annotations

from perfdesk.cli.exit_codes import EXIT_OK


def register(verbs, common) -> None:
    db = verbs.add_parser("db", parents=[common], help="数据库维护：在 SQLite 与 PostgreSQL 之间整体复制")
    actions = db.add_subparsers(dest="db_action", metavar="操作", required=True, parser_class=type(db))
    copy = actions.add_parser("copy", parents=[common], help="把一个数据库的全部内容复制到另一个空数据库，并逐表核对行数与校验和")
    copy.add_argument("source", metavar="FROM_URL", help="源数据库，如 sqlite:///D:/perfdesk.db")
    copy.add_argument("target", metavar="TO_URL",
                      help="目标数据库（须为空），如 postgresql+psycopg://用户@服务器/perfdesk")
    copy.set_defaults(handler=_copy, needs_store=False)


def _copy(store, args) -> int:
    from perfdesk.store.copy import copy_database
    from perfdesk.store.engine import shown

    copied = copy_database(args.source, args.target)
    for table in copied:
        print(f"{table.name}\t{table.rows} 行\tSHA-256 {table.sha256[:16]}…\t一致")
    total = sum(t.rows for t in copied)
    print(f"已复制 {total} 行：{shown(args.source)} → {shown(args.target)}，各表行数与校验和均一致")
    return EXIT_OK
