"""Verbs for a form's life through the review chain: its history, 申请调整, 作废 and what changed."""

from __future__ import annotations

from perfdesk.domain.lifecycle import Role
from perfdesk.store import Store
from perfdesk.cli.exit_codes import EXIT_OK


def register(verbs, common) -> None:
    role = verbs.add_parser("role", parents=[common],
                            help="本机的使用单位类型：unit（预算单位）、supervisor（主管部门）或 finance（财政部门）")
    role.add_argument("role", nargs="?", choices=[role.value for role in Role], metavar="类型",
                      help="unit、supervisor 或 finance；不填时显示当前类型")
    role.set_defaults(handler=_role)
    status = verbs.add_parser("status", parents=[common], help="表单的状态、各级审核意见和流转记录")
    status.add_argument("id", type=int, metavar="ID", help="表单编号（perfdesk list 每行开头的数字）")
    status.set_defaults(handler=_status)
    adjust = verbs.add_parser("adjust", parents=[common],
                              help="申请调整已审核通过的表单（审核通过的版本保留在历史中），或撤回调整申请")
    adjust.add_argument("id", type=int, metavar="ID", help="表单编号（perfdesk list 每行开头的数字）")
    which = adjust.add_mutually_exclusive_group(required=True)
    which.add_argument("--reason", metavar="文字", help="调整理由")
    which.add_argument("--cancel", action="store_true", help="撤回尚未报送的调整申请，恢复审核通过的版本")
    adjust.set_defaults(handler=_adjust)
    void = verbs.add_parser("void", parents=[common], help="作废尚未报送或已退回的表单")
    void.add_argument("id", type=int, metavar="ID", help="表单编号（perfdesk list 每行开头的数字）")
    void.add_argument("--reason", default="", metavar="文字", help="作废原因")
    void.set_defaults(handler=_void)
    changes = verbs.add_parser("diff", parents=[common], help="对比表单与其审核通过的版本（或上一版本），逐项列出改动")
    changes.add_argument("id", type=int, metavar="ID", help="表单编号（perfdesk list 每行开头的数字）")
    changes.add_argument("--previous", action="store_true", help="与上一版本对比，而不是与审核通过的版本")
    changes.set_defaults(handler=_diff)


def _role(store: Store, args) -> int:
    from perfdesk.store import SETTING_ROLE

    if args.role:
        store.set_setting(SETTING_ROLE, args.role)
    role = store.role()
    what = {Role.UNIT: "填报本单位表单、报送", Role.SUPERVISOR: "审核所属单位的表单并转报财政部门，也填报本部门表单",
            Role.FINANCE: "业务科室与预算绩效管理科审核、回复审核结果"}[role]
    print(f"本机使用单位类型：{role.label}（{what}）")
    return EXIT_OK


def _status(store: Store, args) -> int:
    from perfdesk.app.workflow import banner, history_lines

    record = store.get_form(args.id)
    shown = banner(store, record)
    print(f"表单 {record.id}“{record.title}”（{record.year}年度）")
    print(shown.headline)
    if shown.instead:
        print(shown.instead)
    if shown.opinions:
        print("各级审核意见：")
        for o in shown.opinions:
            print(f"　{o.round + ' ' if o.round else ''}{o.level}（{o.who}，{o.when}）{o.decision}"
                  + (f"：{o.opinion}" if o.opinion else ""))
            if o.letter:
                print(f"　　反馈意见：{o.letter}")
            for path, why in o.reasons.items():
                from perfdesk.domain.registry import form_of

                print(f"　　{form_of(record).label_of(path)}：{why}")
    print("流转记录：")
    for line in history_lines(store, record) or ["（无）"]:
        print(f"　{line}")
    return EXIT_OK


def _adjust(store: Store, args) -> int:
    from perfdesk.app.workflow import cancel_adjustment, request_adjustment

    if args.cancel:
        record = cancel_adjustment(store, args.id)
        print(f"已撤回调整申请：表单 {record.id}“{record.title}”恢复为审核通过的版本")
        return EXIT_OK
    record = request_adjustment(store, args.id, args.reason)
    print(f"已申请调整：表单 {record.id}“{record.title}”现为“{record.status.display}”；"
          "审核通过的版本保留在历史中（perfdesk export ID --approved 可打印），修改后请重新报送审核。")
    return EXIT_OK


def _void(store: Store, args) -> int:
    from perfdesk.app.workflow import void

    record = void(store, args.id, args.reason)
    print(f"已作废：表单 {record.id}“{record.title}”")
    return EXIT_OK


def _diff(store: Store, args) -> int:
    from perfdesk.app.workflow import changes_since_approval, previous_version_changes

    record = store.get_form(args.id)
    if args.previous:
        changes, what = previous_version_changes(store, record), "上一版本"
    else:
        approved, changes = changes_since_approval(store, record)
        if approved is None:
            print(f"表单 {record.id}“{record.title}”没有审核通过后被调整的版本；可加 --previous 与上一版本对比。")
            return EXIT_OK
        what = approved.label or "审核通过的版本"
    print(f"表单 {record.id}“{record.title}”与{what}相比：{len(changes)} 处改动")
    for change in changes:
        print(f"　{change.line()}")
    return EXIT_OK
