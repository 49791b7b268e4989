"""汇总表: a finance office's tables of a round, declared as data (forms/summary_*.yaml).

A summary file is a form file (fields, tables, the printed layout) with a `summary:` block that says,
for each of its tables, how its rows are grouped (by 预算单位, by 主管部门, or one row per form), which
forms count (`where`) and what each column holds, as an expression over the figures of domain/figures.py:

    {key: code | name | parent}           the group's 编码, 名称 and its 主管部门 (or 单位数)
    {figure: NAME}                        a form's own figure (rows of one form: group: form)
    {count: forms | units}                how many forms / units
    {sum: FIGURE}                         the exact sum of a figure (万元, Decimal)
    {rate: [A, B]}                        sum A / sum B in per cent, two decimals half up
    {share: months}                       序时进度 of the round (朔州 2022 第四章: months/12)
    {lag: [A, B]}                         序时进度 − A/B, in percentage points
    {grade: RANK}                         how many forms have the grade of rank RANK (0: the highest)
    {average: FIGURE}                     the mean over the forms giving it, two decimals half up
    {consequence: sentence | amount | cut | source}   结果应用 by the unit's profile (domain/result_application)

The 合计 of every column is the same expression over all the rows (sums of the parts, rates of the
sums), so a 合计 equals the sum of the parts to the fen. Pure: the store's query rows come in, a document
for the grid engine and the charts' data go out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from perfdesk.domain import money
from perfdesk.domain.figures import AMOUNT_FIGURES, COUNT_FIGURES, PROJECT, from_units
from perfdesk.domain.formdef import FormDef, FormDefinitionError
from perfdesk.domain.monitoring import period_share
from perfdesk.domain.profiles import Profile, ProfileError, get_profile
from perfdesk.domain.result_application import apply_result

GROUPS = ("unit", "supervisor", "form")
GROUP_LABELS = {"unit": ("预算单位", "主管部门"), "supervisor": ("主管部门", "单位数")}
_EXPRESSIONS = ("key", "figure", "count", "sum", "rate", "share", "lag", "grade", "average", "consequence")
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class TableSpec:
    key: str
    group: str
    columns: dict[str, dict]
    where: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ChartSpec:
    kind: str  # bars: one bar per row of a table | parts: the 合计 of several columns (pie or columns)
    title: str
    table: str
    style: str = "columns"  # parts: pie | columns
    label: str = ""
    value: str = ""
    reference: str = ""  # bars: a column drawn as a line across (序时进度)
    limit: int = 0
    parts: tuple[tuple[str, str], ...] = ()
    unit: str = ""


@dataclass(frozen=True)
class SummarySpec:
    id: str
    name: str
    round: str
    tables: dict[str, TableSpec]
    charts: tuple[ChartSpec, ...] = ()
    regroup: bool = False  # the CLI's --dept regroups its `unit` tables by 主管部门
    needs_months: bool = False


@dataclass(frozen=True)
class ChartData:
    kind: str
    style: str
    title: str
    labels: tuple[str, ...]
    values: tuple[Decimal, ...]
    reference: Decimal | None = None
    reference_label: str = ""
    unit: str = ""


@dataclass
class Summary:
    """A composed 汇总: the document the grid engine prints, the 合计 of each table's columns, the
    rows' typed values and the charts."""

    doc: dict
    totals: dict[str, dict[str, object]]
    values: dict[str, list[dict[str, object]]]
    charts: list[ChartData]
    context: dict


def parse_spec(form: FormDef) -> SummarySpec:
    where = f"{form.id}.summary"
    block = form.summary
    if not isinstance(block, dict) or not block.get("round") or not isinstance(block.get("tables"), dict):
        raise FormDefinitionError(f"{where}: 汇总表须有 summary.round 和 summary.tables")
    tables = {}
    for key, spec in block["tables"].items():
        if key not in form.tables:
            raise FormDefinitionError(f"{where}: 汇总的表 {key} 不在 tables 中")
        group = spec.get("group", "unit")
        if group not in GROUPS:
            raise FormDefinitionError(f"{where}.{key}: group 只能是 {'、'.join(GROUPS)}")
        columns = dict(spec.get("columns") or {})
        declared = {c.key for c in form.tables[key].columns}
        for name, expr in columns.items():
            if name not in declared:
                raise FormDefinitionError(f"{where}.{key}: 栏目 {name} 不在表 {key} 的 columns 中")
            if not isinstance(expr, dict) or len(expr) != 1 or next(iter(expr)) not in _EXPRESSIONS:
                raise FormDefinitionError(f"{where}.{key}.{name}: 无法识别的汇总表达式 {expr}")
        tables[key] = TableSpec(key=key, group=group, columns=columns, where=dict(spec.get("where") or {}))
    charts = tuple(_chart(c, tables, where) for c in block.get("charts") or ())
    needs_months = any("share" in e or "lag" in e for t in tables.values() for e in t.columns.values())
    return SummarySpec(id=form.id, name=form.name, round=str(block["round"]), tables=tables, charts=charts,
                       regroup=bool(block.get("regroup", False)), needs_months=needs_months)


def _chart(raw: dict, tables: dict[str, TableSpec], where: str) -> ChartSpec:
    table = raw.get("table")
    if table not in tables:
        raise FormDefinitionError(f"{where}.charts: 图表须指明汇总的表（table）")
    parts = tuple((str(label), str(column)) for label, column in (raw.get("parts") or {}).items())
    kind = "parts" if parts else "bars"
    named = [c for c in (raw.get("value"), raw.get("label"), raw.get("reference")) if c] + [c for _, c in parts]
    for column in named:
        if column not in tables[table].columns:
            raise FormDefinitionError(f"{where}.charts: 栏目 {column} 不在汇总表 {table} 中")
    return ChartSpec(kind=kind, title=str(raw.get("title") or ""), table=table, style=str(raw.get("style", "columns")),
                     label=str(raw.get("label") or ""), value=str(raw.get("value") or ""),
                     reference=str(raw.get("reference") or ""), limit=int(raw.get("limit", 0)), parts=parts,
                     unit=str(raw.get("unit") or ""))


def group_of(spec: TableSpec, by_supervisor: bool) -> str:
    return "supervisor" if by_supervisor and spec.group == "unit" else spec.group


def compose(spec: SummarySpec, form: FormDef, rows: dict[str, list[dict]], context: dict,
            by_supervisor: bool = False) -> Summary:
    """rows: each table's query rows (Store.figure_groups / figure_rows); context: office, region, year,
    months, profile (the office's, for the grade names)."""
    months = int(context.get("months") or 6)
    ctx = dict(context, share=f"{period_share(months):.2f}")
    profile = context.get("profile")
    for rank, grade in enumerate(profile.grades if profile else ()):
        ctx[f"grade_{rank}"] = grade.name
    doc: dict = {key: None for key in form.fields}
    totals: dict[str, dict] = {}
    values: dict[str, list[dict]] = {}
    for key, table in spec.tables.items():
        group = group_of(table, by_supervisor)
        if group in GROUP_LABELS:
            ctx["group_label"], ctx["parent_label"] = GROUP_LABELS[group]
        evaluated = [_row(table, row, months, group) for row in rows.get(key, [])]
        values[key] = evaluated
        types = {c.key: c.type for c in form.tables[key].columns}
        doc[key] = [{name: _text(types[name], v) for name, v in row.items()} for row in evaluated]
        totals[key] = _row(table, _sum_rows(rows.get(key, []), group), months, group, whole=True)
        for name, value in totals[key].items():
            ctx[f"total_{key}_{name}"] = _text(types[name], value, shown=True) or ""
    charts = [_chart_data(c, values, totals, ctx) for c in spec.charts]
    return Summary(doc=doc, totals=totals, values=values, charts=charts, context=ctx)


def _sum_rows(rows: list[dict], group: str) -> dict:
    """The whole table as one group: every count and sum added up."""
    whole: dict = {"code": "", "name": "合计", "parent": None, "profile": None}
    if group == "form":
        for name in (*AMOUNT_FIGURES, *COUNT_FIGURES):
            given = [int(r[name]) for r in rows if r[name] is not None]
            whole[f"sum_{name}"] = sum(given) if given else None
        whole.update(forms=len(rows), units=len({r["unit_id"] for r in rows}),
                     scored=sum(1 for r in rows if r.get("score") is not None),
                     period=max((r["period"] for r in rows), default=0))
        for rank in range(4):
            whole[f"grade_{rank}"] = sum(1 for r in rows if r.get("grade_rank") == rank)
        for what in ("amount", "cut"):  # 结果应用: the amounts concerned and the cuts, as each row prints them
            given = [v for v in (_consequence(what, r, False) for r in rows) if v is not None]
            whole[f"_{what}_total"] = money.total(given) if given else None
        return whole
    for name in ("forms", "units", "scored", *(f"grade_{k}" for k in range(4))):
        whole[name] = sum(int(r[name] or 0) for r in rows)
    for name in (*AMOUNT_FIGURES, *COUNT_FIGURES):
        given = [int(r[f"sum_{name}"]) for r in rows if r.get(f"sum_{name}") is not None]
        whole[f"sum_{name}"] = sum(given) if given else None
    whole["period"] = max((r["period"] or 0 for r in rows), default=0)
    return whole


def _summed(row: dict, name: str):
    """The sum of a figure in a group row, or a form's own figure in a form row; amounts as Decimal."""
    value = row.get(f"sum_{name}", row.get(name))
    if value is None:
        return None
    return from_units(value) if name in AMOUNT_FIGURES else int(value)


def _row(table: TableSpec, row: dict, months: int, group: str, whole: bool = False) -> dict:
    out = {}
    for name, expr in table.columns.items():
        (op, arg), = expr.items()
        out[name] = _evaluate(op, arg, row, months, group, whole)
    return out


def _evaluate(op: str, arg, row: dict, months: int, group: str, whole: bool):
    if op == "key":
        if group == "form":
            return {"code": row.get("unit_code"), "name": row.get("unit_name"),
                    "parent": row.get("supervisor_name")}.get(arg) if not whole else ("合计" if arg == "name" else "")
        if arg == "parent" and group == "supervisor" and not whole:
            return f"{row.get('parent')} 个"
        return row.get(arg) if not whole or arg == "name" else ""
    if op == "figure":
        if whole:  # the 合计 of a list of forms adds up their amounts and counts; a score is not added
            summed = arg in (*AMOUNT_FIGURES, *COUNT_FIGURES) and arg != "score"
            return _summed(row, arg) if summed else ("合计" if arg == "unit_name" else None)
        if arg in AMOUNT_FIGURES:
            return from_units(row.get(arg))
        return row.get(arg)
    if op == "count":
        if group == "form" and not whole:
            return 1 if arg == "forms" else None
        return int(row.get(arg) or 0)
    if op == "sum":
        return _summed(row, arg)
    if op == "rate":
        return money.percent(_summed(row, arg[0]), _summed(row, arg[1]))
    if op == "share":
        return period_share(months)
    if op == "lag":
        rate = money.percent(_summed(row, arg[0]), _summed(row, arg[1]))
        return None if rate is None else period_share(months) - rate
    if op == "grade":
        if group == "form" and not whole:
            return 1 if row.get("grade_rank") == int(arg) else 0
        return int(row.get(f"grade_{int(arg)}") or 0)
    if op == "average":
        total, count = _summed(row, arg), (row.get("scored") if group != "form" or whole else 1)
        if total is None or not count:
            return None
        return (total / count).quantize(_CENT, rounding=ROUND_HALF_UP)
    if op == "consequence":
        return _consequence(arg, row, whole)
    raise FormDefinitionError(f"无法识别的汇总表达式 {op}")  # pragma: no cover - refused by parse_spec


def _consequence(what: str, row: dict, whole: bool):
    """结果应用 of one evaluated form by its unit's profile; the 合计 row sums amounts and cuts."""
    if whole:
        if what in ("amount", "cut"):
            return row.get(f"_{what}_total")
        return ""
    result = _result(row)
    if result is None:
        return "" if what in ("sentence", "source") else None
    if what not in ("sentence", "source", "amount", "cut"):
        raise FormDefinitionError(f"结果应用没有“{what}”一项")
    return getattr(result, what)  # a borrowed rule says so in its sentence (“…未规定压减比例，参照…”)


def _result(row: dict):
    """apply_result once per row (its columns and the 合计 all read it), from the grade the figures hold."""
    if "_result" not in row:
        result = None
        if row.get("grade") and row.get("score") is not None:
            try:
                profile = get_profile(row["profile"])
                result = apply_result(profile, profile.grade_named(row["grade"]), row.get("scope") or PROJECT,
                                      from_units(row.get("eval_amount")))
            except (ProfileError, ValueError):
                result = None
        row["_result"] = result
    return row["_result"]


def _text(column_type: str, value, shown: bool = False) -> str | None:
    """The document's text for a value of a column of this type: amounts exact (the grid formats them),
    rates with two decimals; shown=True formats amounts as printed (for 合计 cells written from a template)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        if column_type in ("amount", "score"):
            return money.format_amount(value) if shown else money.to_json(value)
        return f"{value:.2f}"
    return str(value)


def _chart_data(chart: ChartSpec, values: dict, totals: dict, ctx: dict) -> ChartData:
    title = chart.title.format(**ctx, limit=chart.limit)
    if chart.kind == "parts":
        labels = tuple(label.format(**ctx) for label, _ in chart.parts)
        numbers = tuple(_number(totals[chart.table].get(column)) for _, column in chart.parts)
        return ChartData("parts", chart.style, title, labels, numbers, unit=chart.unit)
    rows = [r for r in values[chart.table] if r.get(chart.value) is not None]
    rows.sort(key=lambda r: (_number(r[chart.value]), str(r.get(chart.label))))
    if chart.limit:
        rows = rows[:chart.limit]
    reference = _number(totals[chart.table].get(chart.reference)) if chart.reference else None
    return ChartData("bars", chart.style, title, tuple(str(r.get(chart.label) or "") for r in rows),
                     tuple(_number(r[chart.value]) for r in rows), reference=reference,
                     reference_label="序时进度" if chart.reference else "", unit=chart.unit)


def _number(value) -> Decimal:
    if value is None or value == "":
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(value)


def office_profile(profile_id: str | None) -> Profile | None:
    try:
        return get_profile(profile_id) if profile_id else None
    except ProfileError:
        return None
