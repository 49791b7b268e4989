"""Verbs for signed submission packages: identity, trust, package, verify, import, review.

perfdesk.package (cryptography, pyHanko) is imported inside the handlers, so listing the verbs
and running the others stays fast and never depends on it."""

from __future__ import annotations

import contextlib
import getpass
import os
import sys
from pathlib import Path

from perfdesk.errors import UserError
from perfdesk.os_errors import explain
from perfdesk.store import Store, UnitRecord
from perfdesk.cli.exit_codes import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK

PASSPHRASE_ENV = "PERFDESK_PASSPHRASE"
KIND_NAMES = {"form": "表单报送", "review": "审核结果", "forward": "主管部门转报", "relay": "主管部门转发的审核结果"}
PKCS12_ENV = "PERFDESK_PKCS12_PASSPHRASE"


class CommandError(UserError):
    """Wrong or missing input to a package verb."""


def register(verbs, common) -> None:
    secret = _secret_parent()
    _identity(verbs, common, secret)
    _trust(verbs, common)
    pkg = verbs.add_parser("package", parents=[common, secret], help="把表单打成签名数据包（.pdpkg），报送财政部门")
    pkg.add_argument("id", type=int, metavar="ID", help="表单编号（perfdesk list 可查）")
    pkg.add_argument("--out", type=Path, required=True, metavar="文件", help="数据包文件名，如 E:/报送/申报表.pdpkg")
    pkg.add_argument("--seal", type=Path, metavar="PNG", help="单位公章图片（PNG），盖在 PDF 首页的盖章处")
    pkg.add_argument("--attach", type=Path, action="append", default=[], metavar="文件", help="附件，可多次指定")
    pkg.set_defaults(handler=_package)
    verify = verbs.add_parser("verify", parents=[common], help="验证数据包：签名人、签名时间、是否已登记、文件是否完整")
    verify.add_argument("file", type=Path, metavar="文件")
    verify.set_defaults(handler=_verify)
    imp = verbs.add_parser("import", parents=[common], help="导入数据包（文件或文件夹）：单位报送的表单，或财政部门的审核结果")
    imp.add_argument("paths", type=Path, nargs="+", metavar="路径")
    imp.add_argument("--trust-new", action="store_true",
                     help="签名人尚未登记时，确认后信任其公钥并导入（首次导入时使用；请先电话核对指纹）")
    imp.add_argument("--keep-existing", action="store_true",
                     help="单位再次报送同一表单（或空数据说明）的新版本时，保留本机已有的版本，不覆盖（默认覆盖）")
    imp.set_defaults(handler=_import)
    review = verbs.add_parser("review", parents=[common, secret],
                              help="主管部门或财政部门：审核收到的表单（审核通过或退回修改），需要时生成签名的审核结果数据包")
    review.add_argument("id", type=int, metavar="ID", help="表单编号")
    decision = review.add_mutually_exclusive_group(required=True)
    decision.add_argument("--approve", dest="decision", action="store_const", const="approve",
                          help="审核通过（主管部门：审核通过并转报财政部门）")
    decision.add_argument("--return", dest="decision", action="store_const", const="return", help="退回修改")
    review.add_argument("--out", type=Path, metavar="文件",
                        help="审核结果（或转报）数据包文件名；本机还有下一级审核时不生成数据包，可不填")
    review.add_argument("--opinion", default="", metavar="文字", help="本级审核意见（审核通过时必填）")
    review.add_argument("--reviewer", default="", metavar="姓名", help="本级审核人")
    review.add_argument("--letter", default="", metavar="文字", help="反馈意见（退回修改时必填）")
    review.add_argument("--letter-file", type=Path, metavar="文件", help="从文本文件读取反馈意见（UTF-8）")
    review.add_argument("--reason", action="append", default=[], metavar="栏目=理由",
                        help="逐栏退回理由，栏目写表上的名称或编号，如 申报的必要性=请补充立项依据，可多次指定")
    review.add_argument("--actual", action="append", default=[], metavar="行=万元",
                        help="财政部门：本年度实际安排资金，行写表上的名称或编号，如 经费拨款=120.00，可多次指定")
    review.add_argument("--seal", type=Path, metavar="PNG", help="主管部门转报时附上的公章图片（PNG）")
    review.add_argument("--signer", metavar="编码", help="用哪个本机身份签名（本机有多个身份时须指定）")
    review.set_defaults(handler=_review)
    forward = verbs.add_parser("forward", parents=[common, secret],
                               help="主管部门：把审核通过的单位表单转报财政部门，或把财政部门的审核结果转发给单位")
    forward.add_argument("id", type=int, metavar="ID", help="表单编号")
    forward.add_argument("--out", type=Path, required=True, metavar="文件", help="数据包文件名")
    forward.add_argument("--opinion", default="", metavar="文字", help="主管部门审核意见（转报时必填）")
    forward.add_argument("--reviewer", default="", metavar="姓名", help="主管部门审核人")
    forward.add_argument("--note", default="", metavar="文字", help="转发审核结果时给单位的说明")
    forward.add_argument("--seal", type=Path, metavar="PNG", help="主管部门公章图片（PNG）")
    forward.add_argument("--signer", metavar="编码", help="用哪个本机身份签名（本机有多个身份时须指定）")
    forward.set_defaults(handler=_forward)


def _secret_parent():
    import argparse

    secret = argparse.ArgumentParser(add_help=False)
    secret.add_argument("--passphrase-file", type=Path, metavar="文件",
                        help=f"从文件第一行读取签名密钥口令；也可设置环境变量 {PASSPHRASE_ENV}，都没有时在终端询问")
    return secret


def _identity(verbs, common, secret) -> None:
    ident = verbs.add_parser("identity", parents=[common], help="本单位的签名密钥与证书")
    sub = ident.add_subparsers(dest="identity_verb", metavar="操作", required=True)
    create = sub.add_parser("create", parents=[common, secret], help="生成签名密钥和自签名证书（口令加密保存）")
    _unit_options(create)
    create.add_argument("--name", metavar="名称", help="本机还没有该编码的单位时，以此名称新建（财政部门首次设置时用）")
    create.add_argument("--region", default="", metavar="地区", help="新建单位的地区")
    create.add_argument("--level", default="市级", metavar="级次", help="新建单位的级次（市级/县级）")
    create.add_argument("--profile", default="changzhi", metavar="配置", help="新建单位的规则配置")
    create.add_argument("--years", type=int, default=5, metavar="年", help="证书有效年数，默认 5 年")
    create.set_defaults(handler=_identity_create)
    p12 = sub.add_parser("import-pkcs12", parents=[common, secret], help="导入认证机构颁发的 PKCS#12（.p12/.pfx）证书")
    p12.add_argument("file", type=Path, metavar="文件")
    _unit_options(p12)
    p12.add_argument("--pkcs12-passphrase-file", type=Path, metavar="文件",
                     help=f"PKCS#12 文件的口令（文件第一行）；也可设置环境变量 {PKCS12_ENV}")
    p12.set_defaults(handler=_identity_pkcs12)
    show = sub.add_parser("show", parents=[common], help="显示本机的签名身份和公钥指纹")
    show.set_defaults(handler=_identity_show)
    reg = sub.add_parser("export-registration", parents=[common], help="导出公钥登记表 PDF，盖章后交财政部门登记")
    _unit_options(reg)
    reg.add_argument("--out", type=Path, required=True, metavar="文件", help="PDF 文件名")
    reg.set_defaults(handler=_identity_registration)


def _unit_options(parser) -> None:
    parser.add_argument("--unit", metavar="编码", help="单位编码；本机只有一个单位时可省略")


def _trust(verbs, common) -> None:
    trust = verbs.add_parser("trust", parents=[common], help="登记可信的公钥（财政部门登记单位，单位登记财政部门）")
    sub = trust.add_subparsers(dest="trust_verb", metavar="操作", required=True)
    add = sub.add_parser("add", parents=[common], help="按公钥登记表上的指纹登记公钥")
    add.add_argument("--code", required=True, metavar="编码", help="对方的单位编码")
    add.add_argument("--fingerprint", required=True, metavar="指纹", help="公钥指纹（64 位十六进制，可带空格）")
    add.add_argument("--name", metavar="名称", help="对方名称（公钥登记表上的单位名称）；本机单位表中已有该编码时可省略")
    whose = add.add_mutually_exclusive_group()
    whose.add_argument("--office", action="store_true", help="登记的是财政部门的公钥（用于验证财政部门的审核结果）")
    whose.add_argument("--supervisor", action="store_true",
                       help="登记的是主管部门的公钥（单位验证主管部门的审核结果、财政部门验证主管部门转报）")
    add.set_defaults(handler=_trust_add)
    listing = sub.add_parser("list", parents=[common], help="列出已登记的公钥")
    listing.set_defaults(handler=_trust_list)
    remove = sub.add_parser("remove", parents=[common], help="撤销一个已登记的公钥")
    remove.add_argument("--fingerprint", required=True, metavar="指纹")
    remove.set_defaults(handler=_trust_remove)


# --- inputs ------------------------------------------------------------------------------

def _first_line(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"无法读取口令文件 {path}：{explain(exc)}") from exc
    return text.splitlines()[0] if text else ""


def passphrase(args, *, new: bool = False) -> str:
    if getattr(args, "passphrase_file", None):
        return _first_line(args.passphrase_file)
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if not sys.stdin.isatty():
        raise CommandError(f"需要签名密钥口令：请用 --passphrase-file 指定口令文件，或设置环境变量 {PASSPHRASE_ENV}")
    first = getpass.getpass("请设置签名密钥口令（至少 8 个字符）：" if new else "请输入签名密钥口令：")
    if new and getpass.getpass("请再输入一次：") != first:
        raise CommandError("两次输入的口令不一致")
    return first


def _unit(store: Store, code: str | None) -> UnitRecord:
    if code:
        unit = store.unit_by_code(code)
        if unit is None:
            raise CommandError(f"本机没有编码为 {code} 的单位")
        return unit
    units = store.units()
    if len(units) != 1:
        listed = "、".join(f"{u.name}（{u.code}）" for u in units) or "无"
        raise CommandError(f"请用 --unit 指定单位编码。本机的单位：{listed}")
    return units[0]


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"无法读取{what} {path}：{explain(exc)}") from exc


# --- identity ----------------------------------------------------------------------------

def _identity_create(store: Store, args) -> int:
    from perfdesk.domain.lifecycle import Role
    from perfdesk.package import keys
    from perfdesk.package.identity import check_new_passphrase, create_identity

    created = bool(args.unit and args.name and store.unit_by_code(args.unit) is None)
    if created:
        store.add_unit(name=args.name, code=args.unit, supervisor_name=args.name, supervisor_code=args.unit,
                       region=args.region, level=args.level, profile=args.profile)
    unit = _unit(store, args.unit)
    secret = passphrase(args, new=True)
    check_new_passphrase(secret)
    record = create_identity(store, unit.id, secret, years=args.years)
    print(f"已为“{unit.name}”（{unit.code}）生成签名密钥，证书有效期至 {record.not_after:%Y-%m-%d}")
    print(f"公钥指纹：{keys.grouped(record.fingerprint)}")
    print("请运行 perfdesk identity export-registration --out 公钥登记表.pdf，盖章后交对方登记。")
    if created and store.role() is Role.UNIT:
        # --name sets up a finance office or a 主管部门 (see its help): the role is what lets it import
        print("本机的使用单位类型仍是预算单位：财政部门请运行 perfdesk role finance，主管部门请运行 perfdesk role supervisor"
              "（或在“设置 → 单位设置”中选择），才能导入单位报送的表单。")
    return EXIT_OK


def _identity_pkcs12(store: Store, args) -> int:
    from perfdesk.package import keys
    from perfdesk.package.identity import import_pkcs12

    unit = _unit(store, args.unit)
    data = _read(args.file, "证书文件")
    if args.pkcs12_passphrase_file:
        p12_secret = _first_line(args.pkcs12_passphrase_file)
    elif os.environ.get(PKCS12_ENV):
        p12_secret = os.environ[PKCS12_ENV]
    elif sys.stdin.isatty():
        p12_secret = getpass.getpass("请输入 PKCS#12 证书文件的口令：")
    else:
        p12_secret = None
    record = import_pkcs12(store, unit.id, data, p12_secret, passphrase(args, new=True))
    print(f"已导入“{unit.name}”的证书，有效期至 {record.not_after:%Y-%m-%d}；公钥指纹：{keys.grouped(record.fingerprint)}")
    return EXIT_OK


def _identity_show(store: Store, args) -> int:
    from perfdesk.package import keys

    identities = store.identities()
    if not identities:
        print("本机还没有签名身份。运行 perfdesk identity create 生成。")
        return EXIT_OK
    for record in identities:
        unit = store.get_unit(record.unit_id)
        print(f"{unit.name}（{unit.code}）\t有效期至 {record.not_after:%Y-%m-%d}\t{keys.grouped(record.fingerprint)}")
    return EXIT_OK


def _identity_registration(store: Store, args) -> int:
    from perfdesk.package.builder import write_package
    from perfdesk.app.key_registration import registration_form_pdf

    unit = _unit(store, args.unit)
    write_package(args.out, registration_form_pdf(store, unit.id))
    print(f"已导出公钥登记表：{args.out}")
    return EXIT_OK


# --- trust -------------------------------------------------------------------------------

def _trust_add(store: Store, args) -> int:
    from perfdesk.package import keys

    fp = keys.parse_fingerprint(args.fingerprint)
    known = store.unit_by_code(args.code)
    name = (args.name or "").strip() or (known.name if known else "")
    if not name:
        raise CommandError(f"本机单位表中没有编码为 {args.code} 的单位：请用 --name 写上公钥登记表上的单位名称，"
                           f"如 perfdesk trust add --code {args.code} --name 长治市财政局 --fingerprint …")
    from perfdesk.package.verifier import KEY_ROLE_NAMES, OFFICE_KEY, SUPERVISOR_KEY, UNIT_KEY

    role = OFFICE_KEY if args.office else SUPERVISOR_KEY if args.supervisor else UNIT_KEY
    record = store.add_trusted_key(unit_code=args.code, unit_name=name, role=role, fingerprint=fp,
                                   source="registration")
    who = KEY_ROLE_NAMES[record.role]
    print(f"已登记{who}“{record.unit_name}”（{record.unit_code}）的公钥：{keys.grouped(fp)}")
    return EXIT_OK


def _trust_list(store: Store, args) -> int:
    from perfdesk.package import keys

    rows = store.trusted_keys()
    if not rows:
        print("还没有登记任何公钥。")
    from perfdesk.package.verifier import KEY_ROLE_NAMES

    for row in rows:
        who = KEY_ROLE_NAMES.get(row.role, row.role)
        how = "按登记表登记" if row.source == "registration" else "首次导入时确认"
        print(f"{row.unit_name}（{row.unit_code}）\t{who}\t{how}\t{keys.grouped(row.fingerprint)}")
    return EXIT_OK


def _trust_remove(store: Store, args) -> int:
    from perfdesk.package import keys

    fp = keys.parse_fingerprint(args.fingerprint)
    if not store.remove_trusted_key(fp):
        raise CommandError("没有登记过这个公钥")
    print(f"已撤销公钥 {keys.grouped(fp)}")
    return EXIT_OK


# --- packages ----------------------------------------------------------------------------

def _package(store: Store, args) -> int:
    from perfdesk.package import keys
    from perfdesk.app.form_submission import package_form
    from perfdesk.package.identity import load_signer

    from perfdesk.package.identity import identity_of

    record = store.get_form(args.id)
    identity_of(store, record.unit_id)  # no key, no question: say so before asking for its passphrase
    signer = load_signer(store, record.unit_id, passphrase(args))
    seal = _read(args.seal, "公章图片") if args.seal else None
    attachments = [(path.name, _read(path, "附件")) for path in args.attach]
    built = package_form(store, record.id, signer, args.out, seal_png=seal, attachments=attachments)
    print(f"已生成数据包：{args.out}（《{record.title}》第 {built.version} 版，{len(built.data) // 1024} KB）")
    print(f"签名人：{signer.name}（{signer.unit.code}），公钥指纹 {keys.grouped(signer.fingerprint)}")
    return EXIT_OK


def _verify(store: Store, args) -> int:
    from perfdesk.package import keys
    from perfdesk.package.archive_safety import read_package_file
    from perfdesk.package.package_errors import PackageError
    from perfdesk.package.verifier import verify_package

    print(f"数据包：{args.file}")
    try:
        v = verify_package(read_package_file(args.file), store, check_pdf=True)
    except PackageError as exc:
        print(f"结论：无效——{exc}")
        return EXIT_FAILED
    m = v.manifest
    print(f"类型：{KIND_NAMES.get(m.kind, m.kind)}")
    print(f"表单：《{m.title}》 {m.year}年度 第 {m.version} 版")
    print(f"签名人：{v.signer_name}（{m.unit_code}）")
    print(f"公钥指纹：{keys.grouped(v.fingerprint)}")
    print(f"签名时间：{m.created_at.astimezone():%Y-%m-%d %H:%M}（签名方电脑的时间）")
    print(f"登记情况：{v.trust.note}")
    print(f"文件完整性：全部 {len(m.members)} 个文件与签名清单一致")
    problems = [] if v.trust.ok else ["签名人的公钥未在本机登记"]
    if v.pdf is not None:
        print(f"PDF 内签名：{v.pdf.text}")
        if not v.pdf.ok:
            problems.append(v.pdf.problem)
    print("结论：有效" if not problems else f"结论：无效——{'；'.join(problems)}")
    return EXIT_OK if not problems else EXIT_FAILED


def _import(store: Store, args) -> int:
    from perfdesk.app.package_import import Choices, ImportResult, look, take

    # One package at a time, each line printed as it is done: a folder of 200 packages shows its progress,
    # and Ctrl-C stops between packages (each is its own transaction) with those done kept.
    previews = look(args.paths)
    report = ImportResult()

    def done(preview) -> None:
        report.outcomes.append(preview.outcome)
        print(f"（{len(report.outcomes)}/{len(previews)}）{preview.outcome.line()}", flush=True)

    try:
        take(store, previews, Choices(keep_existing=args.keep_existing, trust_new=args.trust_new), done=done)
    except KeyboardInterrupt:
        print(f"\n已中断（Ctrl-C）：前 {len(report.outcomes)} 个数据包已处理，其余 {len(previews) - len(report.outcomes)} 个未导入。"
              f"\n{report.summary()}", file=sys.stderr)
        return EXIT_INTERRUPTED
    if not report.outcomes:
        print("没有找到 .pdpkg 数据包。")
    print(report.summary())
    return EXIT_FAILED if report.rejected else EXIT_OK


def _own_signer_unit(store: Store, code: str | None) -> UnitRecord:
    own = store.identities()
    if code:
        return _unit(store, code)
    if len({i.unit_id for i in own}) == 1:
        return store.get_unit(own[0].unit_id)
    if not own:
        raise CommandError("本机还没有签名身份：请先运行 perfdesk identity create")
    raise CommandError("请用 --signer 指定用哪个本机身份（单位编码）签名")


def _pairs(items: list[str], option: str, example: str) -> dict[str, str]:
    found = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise CommandError(f"{option} 的写法是 {example}，收到的是“{item}”")
        found[key.strip()] = value.strip()
    return found


def _reason_paths(record, reasons: dict[str, str]) -> dict[str, str]:
    """--reason 申报的必要性=… as well as necessity=…: the printed name or the id of the field."""
    from perfdesk.domain.field_names import field_path
    from perfdesk.domain.registry import form_of

    form = form_of(record)
    return {field_path(form, name): why for name, why in reasons.items()}


def _actual_rows(record, amounts: dict[str, str]) -> dict[str, str]:
    """--actual 经费拨款=105 as well as appropriation=105: the printed row name or its key."""
    from perfdesk.domain.field_names import tree_row_key
    from perfdesk.domain.registry import form_of
    from perfdesk.package.formdata import finance_paths

    form = form_of(record)
    rows: dict[str, list[str]] = {}
    for path in finance_paths(form, record.data):
        table, _, rest = path.partition(".")
        if path.endswith(".actual") and form.tables[table].kind == "tree":
            rows.setdefault(table, []).append(rest.split(".")[0])
    if not rows:
        return amounts  # the form has no such rows: actual_cells says so
    table = form.tables[next(iter(rows))]
    return {tree_row_key(table, name, rows[table.key]): amount for name, amount in amounts.items()}


_HOW = {"opinion": "请用 --opinion \"审核意见\" 填写（如 --opinion \"绩效目标符合申报要求，同意。\"）",
        "letter": "请用 --letter \"反馈意见\" 或 --letter-file 文件 写明"}


@contextlib.contextmanager
def _options_named():
    """A decision refused for a missing text says which option gives it."""
    from perfdesk.app.review_moves import MissingText

    try:
        yield
    except MissingText as exc:
        raise CommandError(f"{exc}：{_HOW[exc.what]}") from exc


def _review(store: Store, args) -> int:
    from perfdesk.domain.lifecycle import Action, is_final
    from perfdesk.package.identity import identity_of, load_signer
    from perfdesk.app.review_moves import actual_cells, decide

    record = store.get_form(args.id)
    letter = args.letter
    if args.letter_file:
        letter = _read(args.letter_file, "反馈意见文件").decode("utf-8-sig", errors="replace")
    amounts = _pairs(args.actual, "--actual", "行=金额，例如 经费拨款=120.00")
    finance = actual_cells(record, _actual_rows(record, amounts))
    reasons = _reason_paths(record, _pairs(args.reason, "--reason", "栏目=理由，例如 申报的必要性=请补充立项依据"))
    signer = None
    if args.out is not None:
        unit = _own_signer_unit(store, args.signer)
        identity_of(store, unit.id)  # no key: said before the passphrase is asked
        signer = load_signer(store, unit.id, passphrase(args))
    seal = _read(args.seal, "公章图片") if args.seal else None
    with _options_named():
        decided = decide(store, record.id, signer, decision=args.decision, opinion=args.opinion,
                         reviewer=args.reviewer, letter=letter, reasons=reasons, finance=finance, target=args.out,
                         seal_png=seal)
    done = decided.record
    if decided.built is None:
        print(f"{decided.level.label}：《{record.title}》第 {record.package_version} 版{decided.move.action.label}，"
              f"现为“{done.status.display}”（本步不生成数据包）")
    else:
        what = "转报数据包" if decided.move.action is Action.FORWARD else "审核结果数据包"
        print(f"已生成{what}：{args.out}（《{record.title}》第 {record.package_version} 版，"
              f"{decided.level.label}{decided.move.action.label}，现为“{done.status.display}”）")
    if not is_final(decided.move) and decided.built is None and args.out is not None:
        print("提示：--out 未使用；下一级审核完成后再生成审核结果数据包。")
    return EXIT_OK


def _forward(store: Store, args) -> int:
    from perfdesk.domain.lifecycle import Status
    from perfdesk.package.identity import load_signer
    from perfdesk.app.review_moves import decide, relay

    record = store.get_form(args.id)
    unit = _own_signer_unit(store, args.signer)
    if record.status is Status.SUPERVISOR_REVIEW:
        seal = _read(args.seal, "公章图片") if args.seal else None
        signer = load_signer(store, unit.id, passphrase(args))
        with _options_named():
            decide(store, record.id, signer, decision="approve", opinion=args.opinion, reviewer=args.reviewer,
                   target=args.out, seal_png=seal)
        print(f"已生成转报数据包：{args.out}（《{record.title}》第 {record.package_version} 版，"
              "主管部门审核通过并转报财政部门）")
        return EXIT_OK
    signer = load_signer(store, unit.id, passphrase(args))
    relay(store, record.id, signer, args.out, note=args.note)
    print(f"已生成转发数据包：{args.out}（财政部门对《{record.title}》第 {record.package_version} 版的审核结果"
          f"“{record.status.display}”，转发给单位）")
    return EXIT_OK
