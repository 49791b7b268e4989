"""Cross-field rules that a form file names under `checks:`; each is a small plain function.

A rule gets the form definition, the document and its spec from the form file, and yields findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterator

from perfdesk.domain import dates, money
from perfdesk.domain.document import column_total, lenient, rows, tree_values
from perfdesk.domain.findings import PROFILE_KEY, YEAR_KEY, Finding, Severity
from perfdesk.domain.formdef import FormDef

Rule = Callable[[FormDef, dict, dict], Iterator[Finding]]
RULES: dict[str, Rule] = {}


@dataclass(frozen=True)
class RuleParams:
    """What a rule's entry under `checks:` names, so the form file is checked when it loads: each key
    is required; `fields` name fields of the form, `tables` tables, `columns` columns of the entry's
    `table`, `paths` table.column; `other` are plain values; `message` the finding's text."""

    fields: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    other: tuple[str, ...] = ()
    message: bool = True

    def keys(self) -> tuple[str, ...]:
        return self.fields + self.tables + self.columns + self.paths + self.other + (("message",) if self.message else ())


PARAMS: dict[str, RuleParams] = {}

# A quantitative value: a number with a unit before or after it (≥95%, 120所, ≤30天, 3.5万元).
_NUMBER = re.compile(r"\d+(\.\d+)?")
_UNIT = re.compile(r"[%％‰℃a-zA-Z\u4e00-\u9fff]")


def rule(name: str, **params) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        RULES[name] = fn
        PARAMS[name] = RuleParams(**params)
        return fn
    return register


def _finding(form: FormDef, spec: dict, path: str, **values) -> Finding:
    severity = Severity(spec.get("severity", "error"))
    return Finding(severity, spec["code"], path, form.label_of(path), spec["message"].format(**values))


@rule("sums_agree", paths=("left", "right"))
def sums_agree(form: FormDef, doc: dict, spec: dict) -> Iterator[Finding]:
    left, right = column_total(form, doc, spec["left"]), column_total(form, doc, spec["right"])
    if left != right:
        yield _finding(form, spec, spec["right"].split(".")[0],
                       left=money.format_amount(left), right=money.format_amount(right))


@rule("date_order", fields=("start", "end"))
def date_order(form: FormDef, doc: dict, spec: dict) -> Iterator[Finding]:
    start = lenient(form.fields[spec["start"]], doc.get(spec["start"]))
    end = lenient(form.fields[spec["end"]], doc.get(spec["end"]))
    if start and end and start > end:
        yield _finding(form, spec, spec["start"], start=dates.format_date(start), end=dates.format_date(end))


@rule("rows_date_order", tables=("table",), columns=("start", "end"))
def rows_date_order(form: FormDef, doc: dict, spec: dict) -> Iterator[Finding]:
    table = form.tables[spec["table"]]
    for index, row in enumerate(rows(doc, table)):
        start = lenient(table.column(spec["start"]), row.get(spec["start"]))
        end = lenient(table.column(spec["end"]), row.get(spec["end"]))
        if start and end and start > end:
            yield _finding(form, spec, f"{table.key}.{index}.{spec['start']}", row=index + 1,
                           start=dates.format_date(start), end=dates.format_date(end))


@rule("code_prefix", fields=("child", "parent"))
def code_prefix(form: FormDef, doc: dict, spec: dict) -> Iterator[Finding]:
    child, parent = (str(doc.get(spec[k]) or "").strip() for k in ("child", "parent"))
    if child and parent and not child.startswith(parent):
        yield _finding(form, spec, spec["child"], child=child, parent=parent)


@rule("indicator_coverage", tables=("table",), other=("required",))
def indicator_coverage(form: FormDef, doc: dict, spec: dict) -> Iterator[Finding]:
    table = form.tables[spec["table"]]
    present = {r.get("level1") for r in rows(doc, table) if str(r.get("content") or "").strip()}
    for level1 in spec["required"]:
        if level1 not in present:
            yield _finding(form, {**spec, "code": f"{spec['code']}:{level1}"}, table.key, level1=level1)


def is_quantitative_value(text: str) -> bool:
    """A number and a unit: what the 填表说明 means by “可量化的用数值描述”."""
    return bool(_NUMBER.search(text)) and bool(_UNIT.search(_NUMBER.sub("", text)))


@rule("quantitative_values", tables=("table",), message=False)
def quantitative_values(form: FormDef, doc: dict, spec: dict) -> Iterator[Finding]:
    table = form.tables[spec["table"]]
    for index, row in enumerate(rows(doc, table)):
        value = str(row.get("value") or "").strip()
        if not value or (row.get("kind") or "定量") != "定量" or is_quantitative_value(value):
            continue
        path = f"{table.key}.{index}.value"
        what = "计量单位" if _NUMBER.search(value) else "数值"
        message = (f"{table.label}第{index + 1}行“{row.get('content') or ''}”为定量指标，指标值“{value}”缺少{what}。"
                   "请写成数值加单位（如“≥95%”“120所”）；不可量化的请标为定性。")
        yield Finding(Severity(spec.get("severity", "error")), f"{spec['code']}:{index}", path,
                      form.label_of(path), message)


@rule("parent_sums", tables=("table",))
def parent_sums(form: FormDef, doc: dict, spec: dict) -> Iterator[Finding]:
    table = form.tables[spec["table"]]
    raw = doc.get(table.key) or {}
    for col in table.columns:
        effective = tree_values(form, doc, table.key, col.key)
        for row in table.tree:
            own = lenient(col, (raw.get(row.key) or {}).get(col.key))
            kids = [effective[k] for k in row.children]
            if own is None or not any(v is not None for v in kids):
                continue
            kid_sum = money.total(kids)
            if own != kid_sum:
                yield _finding(form, {**spec, "code": f"{spec['code']}:{row.key}.{col.key}"},
                               f"{table.key}.{row.key}.{col.key}", parent=row.label, column=col.label,
                               value=money.format_amount(own), sum=money.format_amount(kid_sum))


@rule("prior_evaluations_for_cross_year", tables=("table",), fields=("start",))
def prior_evaluations_for_cross_year(form: FormDef, doc: dict, spec: dict) -> Iterator[Finding]:
    start = lenient(form.fields[spec["start"]], doc.get(spec["start"]))
    year = doc.get(YEAR_KEY)
    # a year alone is not an evaluation: the hint stays until a grade is given
    grades = [c.key for c in form.tables[spec["table"]].columns if c.type == "grade"]
    filled = any(any(r.get(g) not in (None, "") for g in grades) for r in rows(doc, form.tables[spec["table"]]))
    if start and year and start.year < int(year) and not filled:
        yield _finding(form, spec, spec["table"])


@rule("funds_within", tables=("table",), columns=("part", "whole"))
def funds_within(form: FormDef, doc: dict, spec: dict) -> Iterator[Finding]:
    """下达数 ≤ 本年预算, 支出数 ≤ 上年结转 + 下达数, row by row, naming the amounts. `whole` is one column
    or several that add up (money spent may be carried over from last year as well as issued this year)."""
    table = form.tables[spec["table"]]
    part = tree_values(form, doc, table.key, spec["part"])
    columns = spec["whole"] if isinstance(spec["whole"], list) else [spec["whole"]]
    wholes = [tree_values(form, doc, table.key, c) for c in columns]
    for row in table.tree:
        given = [w[row.key] for w in wholes]
        p, w = part[row.key], (money.total(given) if any(v is not None for v in given) else None)
        if p is not None and p > (w or 0):
            yield _finding(form, {**spec, "code": f"{spec['code']}:{row.key}"},
                           f"{table.key}.{row.key}.{spec['part']}", row=row.label.replace("其中：", "").rstrip("："),
                           part=money.format_amount(p), whole=money.format_amount(w or 0))


@rule("impossible_needs_measures", tables=("table",))
def impossible_needs_measures(form: FormDef, doc: dict, spec: dict) -> Iterator[Finding]:
    table = form.tables[spec["table"]]
    for index, row in enumerate(rows(doc, table)):
        if row.get("possibility") == "完全不可能" and not str(row.get("note") or "").strip():
            yield _finding(form, {**spec, "code": f"{spec['code']}:{index}"}, f"{table.key}.{index}.note",
                           row=index + 1, content=row.get("content") or "")


@rule("deviation_needs_cause", tables=("table",))
def deviation_needs_cause(form: FormDef, doc: dict, spec: dict) -> Iterator[Finding]:
    from perfdesk.domain.monitoring import falls_short

    table = form.tables[spec["table"]]
    for index, row in enumerate(rows(doc, table)):
        target, forecast = str(row.get("target") or ""), str(row.get("forecast") or "")
        if falls_short(target, forecast) and not str(row.get("deviation_cause") or "").strip():
            yield _finding(form, {**spec, "code": f"{spec['code']}:{index}"},
                           f"{table.key}.{index}.deviation_cause", row=index + 1,
                           content=row.get("content") or "", target=target, forecast=forecast)


@rule("spending_behind", tables=("table",), fields=("explanation_field",))
def spending_behind(form: FormDef, doc: dict, spec: dict) -> Iterator[Finding]:
    """支出进度 trailing the period's share by more than the profile's tolerance needs a cause."""
    from perfdesk.domain.monitoring import months_of, period_share, spending, tolerance

    rate = spending(form, doc, spec["table"]).get("spend_rate")
    share, allowed = period_share(months_of(doc)), tolerance(doc.get(PROFILE_KEY))
    if rate is None or share - rate <= allowed:
        return
    if str(doc.get(spec["explanation_field"]) or "").strip():
        return
    yield _finding(form, spec, spec["explanation_field"], rate=f"{rate:.2f}", share=f"{share:.2f}",
                   tolerance=allowed)


@rule("score_within_points", tables=("tables",))
def score_within_points(form: FormDef, doc: dict, spec: dict) -> Iterator[Finding]:
    for table_key in spec["tables"]:
        table = form.tables[table_key]
        points_col, score_col = table.column("points"), table.column("score")
        for index, row in enumerate(rows(doc, table)):
            points, score = lenient(points_col, row.get("points")), lenient(score_col, row.get("score"))
            if points is not None and score is not None and score > points:
                yield _finding(form, {**spec, "code": f"{spec['code']}:{table_key}.{index}"},
                               f"{table_key}.{index}.score", content=row.get("content") or "",
                               score=money.format_amount(score), points=money.format_amount(points))


@rule("points_total", tables=("tables",), other=("total",))
def points_total(form: FormDef, doc: dict, spec: dict) -> Iterator[Finding]:
    paths = [f"{t}.points" for t in spec["tables"]]
    if not any(rows(doc, form.tables[t]) for t in spec["tables"]):
        return  # nothing scored yet: the required-rows checks speak first
    total = money.total(column_total(form, doc, p) for p in paths)
    expected = Decimal(str(spec["total"]))
    if total != expected:
        yield _finding(form, spec, spec["tables"][0], sum=money.format_amount(total), total=spec["total"])
