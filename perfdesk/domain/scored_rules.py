"""Checks of the scored tables: the 自评表's indicators and weights, the caps of a 考核评分表's items,
the 事前绩效评估表's criteria. Registered into rules.RULES like the others; each names its seed in the
form file's `source:`."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from perfdesk.domain import money
from perfdesk.domain.document import lenient, rows, tree_values
from perfdesk.domain.findings import PROFILE_KEY, Finding, Severity
from perfdesk.domain.formdef import FormDef
from perfdesk.domain.profiles import get_profile
from perfdesk.domain.rules import rule
from perfdesk.domain.self_evaluation import indicator_score


def _find(form: FormDef, spec: dict, code: str, path: str, message: str) -> Finding:
    return Finding(Severity(spec.get("severity", "error")), code, path, form.label_of(path), message)


def _self_eval_rules(doc: dict):
    profile = doc.get(PROFILE_KEY) or get_profile("national-2020")
    return profile.require_self_evaluation()


@rule("self_evaluation_indicators", tables=("table",), message=False)
def self_evaluation_indicators(form: FormDef, doc: dict, spec: dict) -> Iterator[Finding]:
    """Each indicator scorable as typed; one short of full points explains why (偏差原因分析及改进措施)."""
    rules = _self_eval_rules(doc)
    table = form.tables[spec["table"]]
    points_col = table.column("points")
    for index, row in enumerate(rows(doc, table)):
        name = str(row.get("content") or "").strip() or f"第{index + 1}行"
        result = indicator_score(row, rules)
        if result.score is None:
            if lenient(points_col, row.get("points")) is None and not str(row.get("points") or "").strip():
                continue  # the required-field check names a blank 分值
            yield _find(form, spec, f"{spec['code']}:{index}", f"{table.key}.{index}.actual",
                        f"{table.label}“{name}”无法计分：{result.problem}。")
            continue
        points = lenient(points_col, row.get("points"))
        if result.score < points and not str(row.get("cause") or "").strip():
            yield _find(form, spec, f"{spec['code']}:cause:{index}", f"{table.key}.{index}.cause",
                        f"{table.label}“{name}”得分 {money.format_amount(result.score)} 低于分值 "
                        f"{money.format_amount(points)}，请填写偏差原因分析及改进措施。")


@rule("self_evaluation_weights", tables=("table",), message=False)
def self_evaluation_weights(form: FormDef, doc: dict, spec: dict) -> Iterator[Finding]:
    """Each 一级's 分值 add up to the profile's weight (产出 50, 效益 30, 满意度 10)."""
    rules = _self_eval_rules(doc)
    table = form.tables[spec["table"]]
    data = rows(doc, table)
    if not data:
        return
    given: dict[str, Decimal] = {p.level1: Decimal(0) for p in rules.parts}
    for index, row in enumerate(data):
        level1 = str(row.get("level1") or "")
        part = rules.part_of(level1)
        if part is None:
            yield _find(form, spec, f"{spec['code']}:level1:{index}", f"{table.key}.{index}.level1",
                        f"{table.label}第{index + 1}行的一级指标“{level1}”不在计分规则中，应为："
                        f"{'、'.join(p.level1 for p in rules.parts)}。")
            continue
        given[part.level1] += lenient(table.column("points"), row.get("points")) or Decimal(0)
    for part in rules.parts:
        if given[part.level1] != part.points:
            yield _find(form, spec, f"{spec['code']}:{part.level1}", table.key,
                        f"“{part.level1}”各三级指标的分值合计 {money.format_amount(given[part.level1])} 分，"
                        f"应为 {money.format_amount(part.points)} 分（{rules.source}），请调整分值。")


@rule("item_caps", tables=("table",), columns=("columns",), message=False)
def item_caps(form: FormDef, doc: dict, spec: dict) -> Iterator[Finding]:
    """考核评分表: no score above its item's cap (“本项最多6分”), and in the item's steps (“每次2分”)."""
    table = form.tables[spec["table"]]
    raw = doc.get(table.key) or {}
    for row in table.tree:
        if row.children or row.points is None:
            continue
        for column in spec["columns"]:
            col = table.column(column)
            value = lenient(col, (raw.get(row.key) or {}).get(column))
            if value is None:
                continue
            path = f"{table.key}.{row.key}.{column}"
            item = row.label.split("，")[0].split(",")[0][:24]
            if value > row.points:
                yield _find(form, spec, f"{spec['code']}:{row.key}.{column}", path,
                            f"“{item}…”的{col.label} {money.format_amount(value)} 分超过本项最高分 "
                            f"{money.format_amount(row.points)} 分，请改正。")
            elif row.step and value % row.step != 0:
                yield _find(form, spec, f"{spec['code']}:step:{row.key}.{column}", path,
                            f"“{item}…”按“每次（每项）{money.format_amount(row.step)}分”计分，"
                            f"{col.label} {money.format_amount(value)} 分不是 {money.format_amount(row.step)} 的整数倍，请改正。")


@rule("criteria_scores", tables=("table",), message=False)
def criteria_scores(form: FormDef, doc: dict, spec: dict) -> Iterator[Finding]:
    """事前绩效评估表: each criterion's 得分 within its 分值, and the 分值 add up to the full score."""
    table = form.tables[spec["table"]]
    points = tree_values(form, doc, table.key, "points")
    scores = tree_values(form, doc, table.key, "score")
    for row in table.tree:
        p, s = points[row.key], scores[row.key]
        if p is not None and s is not None and s > p:
            yield _find(form, spec, f"{spec['code']}:{row.key}", f"{table.key}.{row.key}.score",
                        f"“{row.label}”的得分 {money.format_amount(s)} 超过其分值 {money.format_amount(p)}，请改正。")
    given = [points[r.key] for r in table.tree]
    if any(v is not None for v in given):
        profile = doc.get(PROFILE_KEY) or get_profile("zhongwei")
        full = profile.require_ex_ante().max
        total = money.total(given)
        if total != full:
            yield _find(form, spec, f"{spec['code']}:total", table.key,
                        f"各评估内容的分值合计 {money.format_amount(total)} 分，应为满分 {format(full.normalize(), 'f')} 分"
                        f"（{profile.require_ex_ante().source}），请调整分值。")
