"""The form file's schema (pydantic) and the checks between its parts, with a line for every problem.

`check_form(raw, file, rules)` takes the file as the YAML reader gives it (mappings and lists that know
their lines) and returns the typed parts and every problem found — unknown keys, wrong types, missing
or dangling references to fields, tables and columns, duplicate ids, rows whose cells do not fill the
layout's width, checks naming an unknown rule — each as a `Problem` (file, line, Chinese message).
Loading (catalog.form_reading.load_form) refuses a file with any problem; `perfdesk forms lint` prints them all.
"""

from __future__ import annotations

import copy
import difflib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional, Union

from pydantic import BeforeValidator, Field, TypeAdapter, ValidationError

from perfdesk.domain.layout import (
    CELL_TAGS, NODE_KEYS, FieldCell, FieldParagraph, IndicatorRows, Layout, Node, RepeatRows, TickCell, TreeRows,
    span_problems, walk)

if TYPE_CHECKING:
    from perfdesk.domain.rules import RuleParams

FIELD_TYPES = ("text", "longtext", "phone", "amount", "score", "date", "choice", "year", "code", "grade",
               "indicator_kind")
TABLE_KINDS = ("rows", "tree", "indicators", "fixed")
# a table row node of the layout (its key) → the kinds of table it can print
ROW_NODE_TABLE_KINDS = {RepeatRows: ("repeat", ("rows", "fixed")), TreeRows: ("tree", ("tree",)),
                        IndicatorRows: ("indicators", ("indicators",))}


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file} 第 {self.line} 行：{self.message}" if self.line else f"{self.file}：{self.message}"


def _number(value: Any) -> Any:
    if isinstance(value, bool):
        return value  # refused: a tick is not a number
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return value
    return value


Points = Annotated[Decimal, BeforeValidator(_number)]


class FieldSpec(Node):
    label: str
    type: Literal[FIELD_TYPES] = "text"
    required: bool = False
    help: str = ""
    options: list[str] = []
    options_by: dict[str, list[str]] = {}
    options_of: str = ""
    required_when: dict[str, Any] = {}
    pattern: str = ""
    pattern_hint: str = ""
    finance_only: bool = False
    default: Any = None
    computed: bool = False


class TreeRowSpec(Node):
    key: str
    label: str
    children: list["TreeRowSpec"] = []
    points: Optional[Points] = None
    step: Optional[Points] = None
    note: str = ""


class DerivedSpec(Node):
    label: str
    sum: Optional[list[str]] = Field(None, min_length=1)
    rate: Optional[list[str]] = Field(None, min_length=2, max_length=2)

    def operands(self) -> list[str]:
        return list(self.sum or self.rate or [])


class TableSpec(Node):
    label: str = ""
    kind: Literal[TABLE_KINDS] = "rows"
    columns: dict[str, FieldSpec] = {}
    help: str = ""
    min_rows: int = Field(0, ge=0)
    print_rows: int = Field(0, ge=0)
    rows: list[TreeRowSpec] = []
    taxonomy: dict[str, list[str]] = {}
    fixed_rows: int = Field(0, ge=0)
    derived: dict[str, DerivedSpec] = {}
    sum_parents: bool = False
    total_points: Optional[Points] = None


class CheckSpec(Node):
    """One entry under `checks:`; which parameters a rule takes is declared with it (rules.rule)."""
    rule: str
    code: str
    source: str = ""
    severity: Literal["error", "warning", "hint"] = "error"
    message: Optional[str] = None
    table: Optional[str] = None
    tables: Optional[list[str]] = None
    left: Optional[str] = None
    right: Optional[str] = None
    start: Optional[str] = None
    end: Optional[str] = None
    child: Optional[str] = None
    parent: Optional[str] = None
    part: Optional[str] = None
    whole: Optional[Union[str, list[str]]] = None
    columns: Optional[list[str]] = None
    explanation_field: Optional[str] = None
    required: Optional[list[str]] = None
    total: Optional[Points] = None

    def spec(self) -> dict:
        """The entry as the rule functions read it."""
        out = self.model_dump(exclude_none=True)
        if self.total is not None:
            out["total"] = format(self.total.normalize(), "f") if self.total != self.total.to_integral() \
                else int(self.total)
        return out


class Computation(Node):
    """How the computed cells (得分, 合计, 等次) are worked out: see computed.py."""
    kind: Literal["assessment", "self_evaluation", "ex_ante"]
    table: Optional[str] = None
    funds: Optional[str] = None
    indicators: Optional[str] = None


class FormHead(Node):
    """The top level of a form file."""
    id: str
    version: int = Field(ge=1)
    name: str
    title: str
    subtitle: str = ""
    orientation: Literal["portrait", "landscape"] = "portrait"
    kind: str = ""
    headline_amount: str = ""
    computation: Any = None
    fields: Any
    tables: Any = None
    checks: Any = None
    layout: Any
    migrations: Optional[list[dict]] = None  # typed by form_migrations.parse_migrations (catalog.form_reading.parse_form)
    summary: Optional[dict] = None  # a 汇总表's aggregation (kind: summary): read by domain/summary.parse_spec


_FIELDS = TypeAdapter(dict[str, FieldSpec])
_TABLES = TypeAdapter(dict[str, TableSpec])
_CHECKS = TypeAdapter(list[CheckSpec])
_COMPUTATION = TypeAdapter(Computation)
_LAYOUT = TypeAdapter(Layout)


@dataclass
class FormParts:
    """What validated: each part is None when its own schema refused it (the problems say why)."""
    head: FormHead | None = None
    fields: dict[str, FieldSpec] | None = None
    tables: dict[str, TableSpec] | None = None
    checks: list[CheckSpec] | None = None
    computation: Computation | None = None
    layout: Layout | None = None


# --- pydantic's errors in Chinese, at the line of the key they are about ------------------------------

def _all_keys() -> set[str]:
    keys: set[str] = set()
    pending = [FormHead, FieldSpec, TreeRowSpec, DerivedSpec, TableSpec, CheckSpec, Computation, Layout]
    from perfdesk.domain import layout as layout_module

    pending += [c for c in vars(layout_module).values() if isinstance(c, type) and issubclass(c, Node)]
    for model in pending:
        keys |= set(model.model_fields)
    return keys


_KNOWN_KEYS: set[str] | None = None


_UNION_LISTS = ("body", "rows", "cells", "above", "below", "cover")


def _is_tag(loc: tuple, i: int) -> bool:
    """pydantic puts a tagged union's tag after the item's index (body.0.group.rows…): not a key."""
    return (i >= 2 and isinstance(loc[i], str) and isinstance(loc[i - 1], int) and loc[i - 2] in _UNION_LISTS
            and loc[i] in _TAGS)


def _line_at(raw: Any, loc: tuple) -> int:
    """The line of the deepest key or item of `loc` in the raw file (a missing key is not in the
    file: the line stays that of the mapping that lacks it)."""
    line, node = getattr(raw, "line", 0), raw
    for i, part in enumerate(loc):
        if _is_tag(loc, i):
            continue
        if isinstance(node, dict) and isinstance(part, str):
            if part not in node:
                break
            line = getattr(node, "key_lines", {}).get(part, line)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            line = (getattr(node, "item_lines", None) or [line] * len(node))[part]
            node = node[part]
        else:
            break
    return line


def _where(loc: tuple) -> str:
    return ".".join(str(p) for i, p in enumerate(loc) if not _is_tag(loc, i))


_TAGS = CELL_TAGS | set(NODE_KEYS) | {"ticks_line"}


def _chinese(error: dict) -> str:
    global _KNOWN_KEYS
    kind, loc, given = error["type"], error["loc"], error.get("input")
    key = str(loc[-1]) if loc else ""
    where = _where(loc)
    if kind == "extra_forbidden":
        _KNOWN_KEYS = _KNOWN_KEYS or _all_keys()
        place = _where(loc[:-1]) or "文件顶层"
        if key in _KNOWN_KEYS:  # a key of another kind of node
            return f"{place} 不能有“{key}”，请删去"
        near = difflib.get_close_matches(key, sorted(_KNOWN_KEYS), n=1, cutoff=0.6)
        hint = f"，是否应为“{near[0]}”？" if near else "，请删去或改正"
        return f"无法识别的键“{key}”（位于 {place}）{hint}"
    if kind == "missing":
        return f"{_where(loc[:-1]) or '文件顶层'} 缺少“{key}”"
    if kind == "union_tag_not_found":
        what = "单元格" if "cells" in [str(p) for p in loc] else "行"
        _KNOWN_KEYS = _KNOWN_KEYS or _all_keys()
        strange = [k for k in (given if isinstance(given, dict) else {}) if k not in _KNOWN_KEYS]
        if strange:
            near = difflib.get_close_matches(str(strange[0]), sorted(_TAGS), n=1, cutoff=0.6)
            hint = f"，是否应为“{near[0]}”？" if near else ""
            return f"无法识别的键“{strange[0]}”（位于 {where}）{hint}"
        keys = "、".join(sorted(map(str, given)) if isinstance(given, dict) else [])
        return f"{where} 无法识别的{what}（键：{keys or '无'}）：应以 {_tag_list(loc)} 之一说明它是什么"
    if kind == "union_tag_invalid":
        tag = error.get("ctx", {}).get("tag", "")
        return f"{where} 这里不能用“{tag}”单元格，可用的有：{_tag_list(loc)}"
    if kind == "literal_error":
        return f"{where} 的值“{given}”无法识别，应为 {error.get('ctx', {}).get('expected', '')}"
    if kind in ("int_parsing", "int_type", "float_parsing", "float_type", "decimal_parsing", "decimal_type",
                "int_from_float"):
        return f"{where} 的值“{given}”应为数字"
    if kind in ("bool_parsing", "bool_type"):
        return f"{where} 的值“{given}”应为 true 或 false"
    if kind in ("string_type",):
        return f"{where} 的值应为文字，现为“{given}”"
    if kind in ("list_type",):
        return f"{where} 应为列表（每项以“- ”开头或写作 [a, b]）"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"{where} 应为“键: 值”的映射"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{where} 的值“{given}”太小，应不小于 {error.get('ctx', {}).get('ge', error.get('ctx', {}).get('gt'))}"
    if kind in ("less_than_equal",):
        return f"{where} 的值“{given}”太大，应不大于 {error.get('ctx', {}).get('le')}"
    if kind in ("too_short", "too_long"):
        return f"{where} 的项数不对：{error.get('msg')}"
    return f"{where}：{error.get('msg')}"


def _tag_list(loc: tuple) -> str:
    names = [str(p) for p in loc]
    if "cells" in names:
        return "、".join(sorted(CELL_TAGS))
    return "、".join(NODE_KEYS)


def _validate(adapter: TypeAdapter, value: Any, raw_root: Any, prefix: tuple, file: str,
              problems: list[Problem], salvage: bool = False):
    try:
        return adapter.validate_python(value)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        for error in errors:
            error = dict(error, loc=prefix + tuple(error["loc"]))
            problems.append(Problem(file, _line_at(raw_root, error["loc"]), _chinese(error)))
    if salvage:  # the rest of the layout is still checked: bad cells stand in as blank text of their span
        try:
            return adapter.validate_python(_salvaged(value, errors))
        except ValidationError:
            pass
    return None


def _salvaged(value: Any, errors: list) -> Any:
    """A copy of the raw layout with each refused cell replaced by an empty text cell of its spans
    and each unknown key of a row dropped, so spans and references elsewhere can still be checked."""
    value = copy.deepcopy(value)
    for error in errors:
        loc = [p for i, p in enumerate(error["loc"]) if not _is_tag(tuple(error["loc"]), i)]
        node, parents = value, []
        for part in loc:
            if isinstance(node, dict) and part in node or isinstance(node, list) and isinstance(part, int) \
                    and 0 <= part < len(node):
                parents.append((node, part))
                node = node[part]
            else:
                break
        for index in range(len(parents) - 1, 0, -1):
            holder, position = parents[index]
            if isinstance(position, int) and parents[index - 1][1] == "cells" and isinstance(holder[position], dict):
                old = holder[position]
                spans = {k: old[k] for k in ("span", "rowspan") if isinstance(old.get(k), int) and old[k] >= 1}
                holder[position] = {"text": "", **spans}
                break
        else:
            if error["type"] == "extra_forbidden" and len(parents) >= 1:
                holder, key = parents[-1]
                if isinstance(holder, dict):
                    holder.pop(key, None)
    return value


# --- the whole file --------------------------------------------------------------------------------------

def check_form(raw: Any, file: str, rules: Mapping[str, RuleParams]) -> tuple[FormParts, list[Problem]]:
    """rules: every rule a check may name, with its parameters (domain.checks.RULE_PARAMS)."""
    problems: list[Problem] = []
    parts = FormParts()
    if not isinstance(raw, dict):
        return parts, [Problem(file, 1, "表单定义应为“键: 值”的映射（id、name、fields、layout …）")]
    _duplicates(raw, file, problems)
    parts.head = _validate(TypeAdapter(FormHead), raw, raw, (), file, problems)
    parts.fields = _validate(_FIELDS, raw.get("fields"), raw, ("fields",), file, problems) \
        if "fields" in raw else None
    parts.tables = _validate(_TABLES, raw.get("tables") or {}, raw, ("tables",), file, problems)
    parts.checks = _validate(_CHECKS, raw.get("checks") or [], raw, ("checks",), file, problems)
    if raw.get("computation") is not None:
        parts.computation = _validate(_COMPUTATION, raw["computation"], raw, ("computation",), file, problems)
    if "layout" in raw:
        parts.layout = _validate(_LAYOUT, raw["layout"], raw, ("layout",), file, problems, salvage=True)
    _References(parts, raw, file, problems, rules).check()
    return parts, sorted(problems, key=lambda p: p.line)


def _duplicates(node: Any, file: str, problems: list[Problem]) -> None:
    """A key written twice in one mapping (two fields, tables or rows of the same id): YAML keeps the last."""
    if isinstance(node, dict):
        for key, line in getattr(node, "duplicates", ()):
            problems.append(Problem(file, line, f"“{key}”重复出现：同一处的键（字段、表、栏目的 id）不能重复"))
        for value in node.values():
            _duplicates(value, file, problems)
    elif isinstance(node, list):
        for value in node:
            _duplicates(value, file, problems)


class _References:
    """Every name the file uses must be something it declares."""

    def __init__(self, parts: FormParts, raw: dict, file: str, problems: list[Problem],
                 rules: Mapping[str, RuleParams]):
        self.parts, self.raw, self.file, self.problems, self.rules = parts, raw, file, problems, rules
        # names as written, so a field or table whose own entry is refused is not also called missing
        self.field_names = set(raw.get("fields") or {}) if isinstance(raw.get("fields"), dict) else set()
        self.table_names = set(raw.get("tables") or {}) if isinstance(raw.get("tables"), dict) else set()

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def check(self) -> None:
        p = self.parts
        if p.fields is not None and p.tables is not None:
            clash = sorted(set(p.fields) & set(p.tables))
            if clash:
                self.add(self.raw["tables"].key_lines.get(clash[0], 0), f"字段与表重名：{clash}")
        if p.fields is not None:
            self.fields(p.fields, set(p.fields))
        if p.tables is not None:
            for key, table in p.tables.items():
                self.table(key, table)
        if p.head is not None and p.head.headline_amount:
            self.path(p.head.headline_amount, self.raw.key_lines.get("headline_amount", 0), "headline_amount")
        if p.checks is not None:
            self.checks(p.checks)
        if p.computation is not None:
            for key in ("table", "funds", "indicators"):
                name = getattr(p.computation, key)
                if name is not None:
                    self.table_named(name, p.computation.line_of(key), f"computation.{key}")
        if p.layout is not None:
            self.layout(p.layout)

    @staticmethod
    def near(name: str, known) -> str:
        found = difflib.get_close_matches(str(name), sorted(known), n=1, cutoff=0.6)
        return f"，是否应为“{found[0]}”？" if found else ""

    def field(self, name: str, line: int, where: str) -> None:
        if name not in self.field_names:
            self.add(line, f"{where} 引用了不存在的字段“{name}”{self.near(name, self.field_names)}")

    def table_named(self, name: str, line: int, where: str):
        if name not in self.table_names:
            self.add(line, f"{where} 引用了不存在的表“{name}”{self.near(name, self.table_names)}")
        return (self.parts.tables or {}).get(name)

    def column(self, table_key: str, table: TableSpec, name: str, line: int, where: str) -> None:
        known = set(table.columns) | set(table.derived)
        if name not in known:
            self.add(line, f"{where} 引用了表“{table_key}”中不存在的栏目“{name}”{self.near(name, known)}")

    def path(self, path: str, line: int, where: str) -> None:
        table_key, dot, column = str(path).partition(".")
        if not dot or not column:
            self.add(line, f"{where} 的“{path}”应写作 表.栏目")
            return
        table = self.table_named(table_key, line, where)
        if table is not None:
            self.column(table_key, table, column, line, where)

    def fields(self, specs: dict[str, FieldSpec], siblings: set[str]) -> None:
        for key, spec in specs.items():
            if spec.options_of and spec.options_of not in siblings:
                self.add(spec.line_of("options_of"), f"{key}.options_of 引用了不存在的栏目“{spec.options_of}”")
            for other in spec.required_when:
                self.field(other, spec.line_of("required_when"), f"{key}.required_when")

    def table(self, key: str, table: TableSpec) -> None:
        self.fields(table.columns, set(table.columns))
        if table.kind == "tree" and not table.rows:
            self.add(table.line_of("kind"), f"树形表“{key}”缺少 rows（各行的 key 和 label）")
        seen: dict[str, int] = {}

        def rows(items: list[TreeRowSpec]) -> None:
            for item in items:
                if item.key in seen:
                    self.add(item.line_of("key"), f"表“{key}”的行“{item.key}”重复（第 {seen[item.key]} 行已有）")
                seen.setdefault(item.key, item.line_of("key"))
                rows(item.children)

        rows(table.rows)
        names = set(table.columns) | set(table.derived)
        for name, rule in table.derived.items():
            if not rule.operands() or not set(rule.operands()) <= names or (rule.sum and rule.rate):
                self.add(rule.line_of(), f"表 {key} 的计算列 {name} 引用了不存在的列 {rule.operands()}"
                         if rule.operands() else f"表 {key} 的计算列 {name} 应写 sum 或 rate 之一")
        if table.total_points is not None:
            caps = sum((r.points for r in _leaves(table.rows) if r.points is not None), Decimal(0))
            if caps != table.total_points:
                self.add(table.line_of("total_points"),
                         f"表 {key} 各计分项的分值合计 {caps}，与表中的合计 {table.total_points} 不符")

    def checks(self, checks: list[CheckSpec]) -> None:
        codes: dict[str, int] = {}
        for check in checks:
            line = check.line_of()
            if not check.source.strip():  # every rule names where it comes from, or that it is this program's choice
                self.add(line, f"校验规则 {check.code or check.rule} 缺少 source（出处）")
            if check.code in codes:
                self.add(check.line_of("code"), f"校验规则的 code“{check.code}”重复（第 {codes[check.code]} 行已有）")
            codes.setdefault(check.code, check.line_of("code"))
            params = self.rules.get(check.rule)
            if params is None:
                self.add(check.line_of("rule"), f"校验规则“{check.rule}”无法识别{self.near(check.rule, self.rules)}"
                         f"（可用的有：{'、'.join(sorted(self.rules))}）")
                continue
            given = set(check.model_dump(exclude_none=True)) - {"rule", "code", "source", "severity"}
            for key in sorted(set(params.keys()) - given):
                self.add(line, f"校验规则“{check.rule}”（{check.code}）缺少“{key}”")
            for key in sorted(given - set(params.keys())):
                self.add(check.line_of(key), f"校验规则“{check.rule}”（{check.code}）不用“{key}”，请删去")
            where = f"校验规则 {check.code}"
            for key in params.fields:
                if getattr(check, key) is not None:
                    self.field(getattr(check, key), check.line_of(key), where)
            tables = []
            for key in params.tables:
                value = getattr(check, key)
                for name in (value if isinstance(value, list) else [value] if value else []):
                    table = self.table_named(name, check.line_of(key), where)
                    if table is not None:
                        tables.append((name, table))
            for key in params.columns:
                value = getattr(check, key)
                for name in (value if isinstance(value, list) else [value] if value else []):
                    for table_key, table in tables[:1]:
                        self.column(table_key, table, name, check.line_of(key), where)
            for key in params.paths:
                if getattr(check, key) is not None:
                    self.path(getattr(check, key), check.line_of(key), where)

    def layout(self, layout: Layout) -> None:
        for cover in layout.cover:
            if hasattr(cover, "ticks_line"):
                self.field(cover.ticks_line, cover.line_of("ticks_line"), "layout.cover")
        for node, _ in walk(layout.body):
            where = "layout"
            if isinstance(node, FieldParagraph):
                self.field(node.field, node.line_of("field"), where)
            table_key, table = None, None
            if type(node) in ROW_NODE_TABLE_KINDS:
                table_key = node.table_key()
                table = self.table_named(table_key, node.line_of(), where)
                key, kinds = ROW_NODE_TABLE_KINDS[type(node)]
                if table is not None and table.kind not in kinds:
                    self.add(node.line_of(), f"“{key}: {table_key}”只能用于 kind 为 {'/'.join(kinds)} 的表，"
                                             f"表“{table_key}”的 kind 是 {table.kind}")
            for cell in getattr(node, "cells", []) or []:
                if isinstance(node, TreeRows) and isinstance(cell, FieldCell) and not cell.whole:
                    self.add(cell.line_of(), "树形表行中的字段单元格须写 whole: true（整张表旁一个单元格）")
                for what, name, key in cell.references():
                    line = cell.line_of(key)
                    if what == "field":
                        self.field(name, line, where)
                    elif what == "column_path":
                        self.path(name, line, where)
                    elif what == "column" and table is not None:
                        self.column(table_key, table, name, line, where)
                        if isinstance(cell, TickCell) and name in table.columns:
                            column = table.columns[name]
                            options = set(column.options) | {o for v in column.options_by.values() for o in v}
                            if cell.option not in options:
                                self.add(cell.line_of("option"), f"√ 栏的选项“{cell.option}”不是栏目“{name}”的选项"
                                                                  f"（{'、'.join(column.options)}）")
        trees = {k: len(_flat(t.rows)) for k, t in (self.parts.tables or {}).items()}
        for line, message in span_problems(layout, lambda key: trees.get(key, 1)):
            self.add(line, message)


def _flat(rows: list[TreeRowSpec]) -> list[TreeRowSpec]:
    return [x for r in rows for x in [r, *_flat(r.children)]]


def _leaves(rows: list[TreeRowSpec]) -> list[TreeRowSpec]:
    return [r for r in _flat(rows) if not r.children]
