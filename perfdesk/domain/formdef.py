"""The declarative form file (forms/*.yaml) as typed objects.

One file describes one official table: its fields and repeating rows with their types and help text
(填表说明), the checks between fields, and the printed grid. Editor, checks, PDF and Excel all read it.
The file's schema and the checks between its parts are in form_schema.py; the grid's nodes in layout.py;
reading and checking a file into a FormDef is the catalog's (catalog/form_reading.py).
"""

from __future__ import annotations

from perfdesk.errors import UserError

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the schema brings pydantic: imported when a form file is parsed, not with this module
    from perfdesk.domain.form_schema import FieldSpec, Problem, TableSpec, TreeRowSpec
    from perfdesk.domain.layout import Layout


class FormDefinitionError(UserError, ValueError):
    """The form file itself is wrong: raised at load so a bad file never reaches a clerk. `problems`
    lists each problem with its line (see form_schema.Problem)."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = list(problems or ())


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
    layout: Layout  # the printed grid as typed nodes (domain/layout.py)
    source: Path | None = None
    headline_amount: str = ""
    # how the program works out the computed cells (得分, 合计, 等次): see domain/computed.py
    computation: dict = field(default_factory=dict)
    raw_kind: str = "form"  # declaration | monitoring | monitoring_report …: what lists and deadlines key on
    # how documents of earlier versions are brought up to this one (domain/form_migrations.py)
    migrations: tuple = ()
    # where the file came from, as the clerk is told: 随程序安装, 用户目录 <path>, --forms <path> (form_files.py)
    origin: str = ""
    # a 汇总表's `summary:` block as written (domain/summary.py reads it; checked when the file loads)
    summary: dict = field(default_factory=dict)

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


def field_from_spec(key: str, spec: FieldSpec) -> FieldDef:
    return FieldDef(
        key=key,
        label=spec.label,
        type=spec.type,
        required=spec.required,
        help=spec.help.strip(),
        options=tuple(spec.options),
        options_by={k: tuple(v) for k, v in spec.options_by.items()},
        options_of=spec.options_of,
        required_when=dict(spec.required_when),
        pattern=spec.pattern,
        pattern_hint=spec.pattern_hint,
        finance_only=spec.finance_only,
        default=spec.default,
        computed=spec.computed,
    )


def _tree(rows: list[TreeRowSpec]) -> tuple[TreeRow, ...]:
    """Fixed rows such as 资金来源, in print order: each parent before its children."""
    out: list[TreeRow] = []

    def walk(items: list[TreeRowSpec], depth: int) -> None:
        for item in items:
            out.append(TreeRow(item.key, item.label, depth, tuple(c.key for c in item.children),
                               points=item.points, step=item.step, note=item.note.strip()))
            walk(item.children, depth + 1)

    walk(rows, 0)
    return tuple(out)


def table_from_spec(key: str, spec: TableSpec) -> TableDef:
    return TableDef(
        key=key,
        label=spec.label or key,
        kind=spec.kind,
        columns=tuple(field_from_spec(k, v) for k, v in spec.columns.items()),
        help=spec.help.strip(),
        min_rows=spec.min_rows,
        print_rows=spec.print_rows,
        tree=_tree(spec.rows) if spec.kind == "tree" else (),
        taxonomy=tuple((name, tuple(subs)) for name, subs in spec.taxonomy.items()),
        fixed_rows=spec.fixed_rows,
        derived={name: d.model_dump(exclude_none=True) for name, d in spec.derived.items()},
        sum_parents=spec.sum_parents,
        total_points=spec.total_points,
    )
