"""Verbs for a form filled under an earlier version of its form file: upgrade."""

from __future__ import annotations

from perfdesk.store import Store
from perfdesk.cli.exit_codes import EXIT_OK


def register(verbs, common) -> None:
    upgrade = verbs.add_parser("upgrade", parents=[common],
                               help="把按旧版表单格式填写的表单升级到本机的新版：先列出每一项改动，加 --yes 才升级")
    upgrade.add_argument("id", type=int, metavar="ID", help="表单编号（perfdesk list 每行开头的数字）")
    upgrade.add_argument("--yes", action="store_true", help="确认升级（升级前的内容保留为历史版本）")
    upgrade.set_defaults(handler=_upgrade)


def _upgrade(store: Store, args) -> int:
    from perfdesk.app.form_upgrade import apply_upgrade, newer_version, plan_upgrade

    record = store.get_form(args.id)
    if newer_version(record) is None:
        print(f"表单 {record.id}“{record.title}”已按第{record.form_version}版（本机最新）填写，无需升级")
        return EXIT_OK
    plan = plan_upgrade(record)
    print(f"表单 {plan.record.id}“{plan.record.title}”：{plan.heading()}。")
    if plan.changes:
        print(f"升级将改动 {len(plan.changes)} 项：")
        for change in plan.changes:
            print(f"　{change.line()}")
    else:
        print("升级不改动任何已填内容，只改为按新版格式显示、校验和打印。")
    if not args.yes:
        print(f"尚未升级。确认无误后运行：perfdesk upgrade {plan.record.id} --yes")
        return EXIT_OK
    record = apply_upgrade(store, plan)
    print(f"已升级到第{record.form_version}版；升级前的内容保留为历史版本（perfdesk revisions {record.id}）")
    return EXIT_OK
