"""The declarative form file (forms/*.yaml) read into plain objects.

One file describes one official table: its fields and repeating rows with their types and help text
(填表说明), the checks between fields, and the printed grid. Editor, checks, PDF and Excel all read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..yaml_files import YAMLError, load_yaml
from .form_migrations import MigrationError, parse_migrations


FIELD_TYPES = {"text", "longtext", "phone", "amount", "score", "date", "choice", "year", "code", "grade", "indicator_kind"}
TABLE_KINDS = {"rows", "tree", "indicators", "fixed"}


class FormDefinitionError(ValueError):
    """The form file itself is wrong: raised at load so a bad file never reaches a clerk."""


@dataclass(frozen=True)
class FieldDef:
    key: str
    label: str
    type: str = "text"
    required: bool = False
    help: str = ""
    options: tuple[str, ...] = ()
    # Options that depend on another field's value, e.g. project sub-type by project type.
    options_by: dict[str, tuple[str, ...]] = field(default_factory=dict)
    options_of: str = ""
    required_when: dict[str, Any] = field(default_factory=dict)
    pattern: str = ""
    pattern_hint: str = ""
    finance_only: bool = False
    default: Any = None
    # worked out by the program from other cells (得分, 合计, 等次): shown, never typed
    computed: bool = False

    def choices(self, document: dict | None = None) -> tuple[str, ...]:
        if self.options_of and document is not None:
            return self.options_by.get(document.get(self.options_of) or "", ())
        if self.options_by and not self.options:
            return tuple(o for opts in self.options_by.values() for o in opts)
        return self.options


@dataclass(frozen=True)
class TreeRow:
    key: str
    label: str
    depth: int
    children: tuple[str, ...] = ()
    # a scored row (考核评分表): its cap, the step its points come in (“每次2分”), and what the seed
    # says — or that it is silent — about it
    points: Decimal | None = None
    step: Decimal | None = None
    note: str = ""


@dataclass(frozen=True)
class TableDef:
    key: str
    label: str
    kind: str
    columns: tuple[FieldDef, ...]
    help: str = ""
    min_rows: int = 0
    print_rows: int = 0
    tree: tuple[TreeRow, ...] = ()
    # indicators: 一级 -> its 二级 names, in printed order
    taxonomy: tuple[tuple[str, tuple[str, ...]], ...] = ()
    fixed_rows: int = 0
    # columns computed from others, e.g. 小计 = 上年结转 + 本年预算, 下达率 = 下达数 / 本年预算数
    derived: dict[str, dict] = field(default_factory=dict)
    # a tree whose parent rows are always the sum of their children (a score table's 小计)
    sum_parents: bool = False
    total_points: Decimal | None = None  # what the scored rows' caps add up to (合计 100)

    def column(self, key: str) -> FieldDef:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(f"{self.key}.{key}")


@dataclass(frozen=True)
class FormDef:
    id: str
    version: int
    name: str
    title: str
    subtitle: str
    orientation: str
    fields: dict[str, FieldDef]
    tables: dict[str, TableDef]
    checks: tuple[dict, ...]
    layout: dict
    source: Path | None = None
    headline_amount: str = ""
    # how the program works out the computed cells (得分, 合计, 等次): see domain/computed.py
    computation: dict = field(default_factory=dict)
    raw_kind: str = "form"  # declaration | monitoring | monitoring_report …: what lists and deadlines key on
    # how documents of earlier versions are brought up to this one (domain/form_migrations.py)
    migrations: tuple = ()
    # where the file came from, as the clerk is told: 随程序安装, 用户目录 <path>, --forms <path> (form_files.py)
    origin: str = ""

    def label_of(self, path: str) -> str:
        """Human label for a data path such as 'expense_details.2.this_year'."""
        head, _, rest = path.partition(".")
        if head in self.fields:
            return self.fields[head].label
        table = self.tables.get(head)
        if table is None:
            return path
        parts = rest.split(".") if rest else []
        label = table.label
        if table.kind == "tree" and parts:
            row = next((r for r in table.tree if r.key == parts[0]), None)
            if row is not None:
                label += "·" + row.label.lstrip("一二三四五六七八九十、123456789").strip("、")
            parts = parts[1:]
        elif parts and parts[0].isdigit():
            label += f"第{int(parts[0]) + 1}行"
            parts = parts[1:]
        if parts:
            try:
                label += "·" + table.column(parts[0]).label
            except KeyError:
                pass
        return label


def _field(key: str, spec: dict, where: str) -> FieldDef:
    if not isinstance(spec, dict) or "label" not in spec:
        raise FormDefinitionError(f"{where}: 字段 {key} 缺少 label")
    ftype = spec.get("type", "text")
    if ftype not in FIELD_TYPES:
        raise FormDefinitionError(f"{where}: 字段 {key} 的类型 {ftype} 无法识别")
    options_by = {k: tuple(v) for k, v in (spec.get("options_by") or {}).items()}
    return FieldDef(
        key=key,
        label=spec["label"],
        type=ftype,
        required=bool(spec.get("required", False)),
        help=(spec.get("help") or "").strip(),
        options=tuple(spec.get("options") or ()),
        options_by=options_by,
        options_of=spec.get("options_of", ""),
        required_when=dict(spec.get("required_when") or {}),
        pattern=spec.get("pattern", ""),
        pattern_hint=spec.get("pattern_hint", ""),
        finance_only=bool(spec.get("finance_only", False)),
        default=spec.get("default"),
        computed=bool(spec.get("computed", False)),
    )


def _tree(rows: list, where: str) -> tuple[TreeRow, ...]:
    """Fixed rows such as 资金来源, in print order: each parent before its children."""
    out: list[TreeRow] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if "key" not in item or "label" not in item:
                raise FormDefinitionError(f"{where}: 树形表的行缺少 key 或 label：{item}")
            children = item.get("children") or []
            out.append(TreeRow(item["key"], item["label"], depth, tuple(c["key"] for c in children),
                               points=_points(item.get("points"), where, item["key"]),
                               step=_points(item.get("step"), where, item["key"]),
                               note=str(item.get("note") or "").strip()))
            walk(children, depth + 1)

    walk(rows, 0)
    return tuple(out)


def _points(value, where: str, row: str) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise FormDefinitionError(f"{where}: 行 {row} 的分值“{value}”不是数字") from None


def _table(key: str, spec: dict, where: str) -> TableDef:
    kind = spec.get("kind", "rows")
    if kind not in TABLE_KINDS:
        raise FormDefinitionError(f"{where}: 表 {key} 的类型 {kind} 无法识别")
    columns = tuple(_field(k, v, f"{where}.{key}") for k, v in (spec.get("columns") or {}).items())
    taxonomy = tuple((name, tuple(subs)) for name, subs in (spec.get("taxonomy") or {}).items())
    return TableDef(
        key=key,
        label=spec.get("label", key),
        kind=kind,
        columns=columns,
        help=(spec.get("help") or "").strip(),
        min_rows=int(spec.get("min_rows", 0)),
        print_rows=int(spec.get("print_rows", 0)),
        tree=_tree(spec.get("rows") or [], where) if kind == "tree" else (),
        taxonomy=taxonomy,
        fixed_rows=int(spec.get("fixed_rows", 0)),
        derived=_derived(key, spec.get("derived") or {}, {c.key for c in columns}, where),
        sum_parents=bool(spec.get("sum_parents", False)),
        total_points=_total_points(key, spec, where),
    )


def _total_points(key: str, spec: dict, where: str) -> Decimal | None:
    """A score table states its total (合计 100); the caps of its scored rows must add up to it."""
    total = _points(spec.get("total_points"), where, key)
    if total is None:
        return None
    caps = sum((r.points for r in _tree(spec.get("rows") or [], where) if not r.children and r.points is not None),
               Decimal(0))
    if caps != total:
        raise FormDefinitionError(f"{where}: 表 {key} 各计分项的分值合计 {caps}，与表中的合计 {total} 不符")
    return total


def _derived(table: str, spec: dict, columns: set[str], where: str) -> dict[str, dict]:
    for name, rule in spec.items():
        operands = rule.get("sum") or rule.get("rate") or []
        if not operands or not set(operands) <= columns | set(spec):
            raise FormDefinitionError(f"{where}: 表 {table} 的计算列 {name} 引用了不存在的列 {operands}")
    return dict(spec)


def load_form(path: Path) -> FormDef:
    where = path.name
    try:
        raw = load_yaml(path)
    except (OSError, YAMLError) as exc:
        raise FormDefinitionError(f"{where}: 无法读取表单定义：{exc}") from exc
    for key in ("id", "version", "name", "title", "fields", "layout"):
        if key not in raw:
            raise FormDefinitionError(f"{where}: 缺少 {key}")
    fields = {k: _field(k, v, where) for k, v in raw["fields"].items()}
    tables = {k: _table(k, v, where) for k, v in (raw.get("tables") or {}).items()}
    checks = tuple(raw.get("checks") or ())
    for spec in checks:  # every rule names where it comes from, or that it is this program's choice
        if not str(spec.get("source") or "").strip():
            raise FormDefinitionError(f"{where}: 校验规则 {spec.get('code') or spec.get('rule')} 缺少 source（出处）")
    clash = set(fields) & set(tables)
    if clash:
        raise FormDefinitionError(f"{where}: 字段与表重名：{sorted(clash)}")
    known = {**{k: set() for k in fields}, **{k: {c.key for c in t.columns} for k, t in tables.items()}}
    try:
        migrations = parse_migrations(raw.get("migrations"), int(raw["version"]), where, known)
    except MigrationError as exc:
        raise FormDefinitionError(str(exc)) from None
    return FormDef(
        id=raw["id"],
        version=int(raw["version"]),
        name=raw["name"],
        title=raw["title"],
        subtitle=raw.get("subtitle", ""),
        orientation=raw.get("orientation", "portrait"),
        fields=fields,
        tables=tables,
        checks=checks,
        layout=raw["layout"],
        source=path,
        headline_amount=raw.get("headline_amount", ""),
        raw_kind=raw.get("kind", raw["id"]),
        computation=dict(raw.get("computation") or {}),
        migrations=migrations,
    )
