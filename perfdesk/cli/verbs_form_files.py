"""`perfdesk forms lint FILE…` and `perfdesk forms list`: the form and profile files themselves.

lint runs the checks a file gets when it loads (domain/form_schema.py for forms, profiles.profile_problems
for profiles) but prints every problem, each with its line, instead of stopping at the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from perfdesk.cli.exit_codes import EXIT_FAILED, EXIT_OK

SHIPPED = "随程序安装"


def register(verbs, common) -> None:
    forms = verbs.add_parser("forms", parents=[common], help="表单定义文件：检查（lint）、列出已安装的表单（list）")
    sub = forms.add_subparsers(dest="forms_verb", metavar="子命令", required=True)
    lint = sub.add_parser("lint", parents=[common], help="检查表单定义或规则配置文件，列出每个问题及其行号")
    lint.add_argument("files", nargs="+", type=Path, metavar="文件", help="forms/*.yaml 或 forms/profiles/*.yaml")
    lint.set_defaults(handler=_lint, needs_store=False)
    listing = sub.add_parser("list", parents=[common], help="列出已安装的表单（编号、版本、名称、来源、文件）")
    listing.set_defaults(handler=_list, needs_store=False)


def lint_file(path: Path) -> list[str]:
    """Every problem of a form or profile file, one line each ("文件 第 N 行：…")."""
    from perfdesk.catalog.form_reading import parse_form
    from perfdesk.domain.profiles import profile_problems
    from perfdesk.catalog.yaml_files import YAMLError, load_yaml_lines

    text = path.read_text(encoding="utf-8")  # an OSError is said in Chinese by the CLI
    try:
        raw = load_yaml_lines(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return [f"{path} 第 {mark.line + 1 if mark else 1} 行：不是有效的 YAML：{getattr(exc, 'problem', exc)}"]
    keys = set(raw) if isinstance(raw, dict) else set()
    if not keys & {"fields", "layout"}:
        if path.parent.name == "profiles" or keys & {"grades", "inherits"}:  # a rules profile
            return [f"{path} 第 {line} 行：{message}" for line, message in profile_problems(raw, path.name)]
        return [f"{path} 第 1 行：既不是表单定义（没有 fields、layout）也不是规则配置（没有 grades 或 inherits），"
                "forms lint 只检查这两种文件"]
    _, problems = parse_form(text, str(path), path)
    return [str(p) for p in problems]


def _lint(_store, args) -> int:
    failed = 0
    for path in args.files:
        problems = lint_file(path)
        for line in problems:
            print(line)
        if problems:
            failed += 1
            print(f"{path}：共 {len(problems)} 个问题")
        else:
            print(f"{path}：没有发现问题")
    return EXIT_FAILED if failed else EXIT_OK


@dataclass(frozen=True)
class InstalledForm:
    id: str
    version: int
    name: str
    origin: str  # 随程序安装, 用户目录 or --forms (form_files.py)
    path: Path | None
    versions: tuple[int, ...]  # every version this installation can open and print


def installed_forms() -> list[InstalledForm]:
    from perfdesk.domain.registry import all_forms, versions

    return [InstalledForm(f.id, f.version, f.name, (f.origin or SHIPPED).partition(" ")[0], f.source,
                          tuple(versions(f.id))) for f in all_forms()]


def _list(_store, args) -> int:
    from perfdesk.domain import sources
    from perfdesk.domain.profiles import all_profiles
    from perfdesk.catalog.form_files import problems

    print("表单（编号\t版本\t名称\t来源\t文件\t可打开的版本）：")
    for form in installed_forms():
        known = "、".join(f"第{v}版" for v in form.versions)
        print(f"{form.id}\t第 {form.version} 版\t{form.name}\t{form.origin}\t{form.path}\t{known}")
    print("规则配置（编号\t名称\t来源\t文件）：")
    for profile in all_profiles():
        origin, path = sources.catalog().profile_origin(profile.id)
        print(f"{profile.id}\t{profile.name}\t{origin}\t{path}")
    for line in problems():
        print(f"未使用：{line}")
    return EXIT_OK
