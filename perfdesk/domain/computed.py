"""The cells a form file marks `computed: true` (得分, 合计, 等次, 结论), worked out from the rest.

A form names how under `computation:`; `fill_computed` writes the results into the document in place
(the editor calls it after each edit), `computed_document` into a copy (checks, PDF, XLSX, packages), so
what is printed, checked and sent is always what the rules give — never a typed score.

- `self_evaluation`: 项目支出 / 部门整体支出绩效自评表 (see domain/self_evaluation.py);
- `assessment`: 考核评分表 (附件8-1/8-2): 自评 and 评定 totals and their grades (002 第五十一条);
- `ex_ante`: 事前绩效评估表: the total and the verdict (001 一（一）).
"""

from __future__ import annotations

import copy
from decimal import Decimal

from perfdesk.domain import money
from perfdesk.domain.document import lenient, rows, tree_values
from perfdesk.domain.formdef import FormDef
from perfdesk.domain.profiles import Profile, ProfileError, get_profile
from perfdesk.domain.self_evaluation import execution_rate, execution_score, grade_name, indicator_score, total_score

# Without a known profile (a unit naming none): the rules the table comes from.
_FALLBACK = {"self_evaluation": "national-2020", "assessment": "changzhi", "ex_ante": "zhongwei"}


def computed_document(form: FormDef, doc: dict, profile: Profile | None) -> dict:
    if not form.computation:
        return doc
    out = copy.deepcopy(doc)
    fill_computed(form, out, profile)
    return out


def fill_computed(form: FormDef, doc: dict, profile: Profile | None) -> list[str]:
    """Write the computed cells; returns the paths whose value changed."""
    kind = form.computation.get("kind")
    if not kind:
        return []
    if profile is None:
        try:
            profile = get_profile(_FALLBACK[kind])
        except (KeyError, ProfileError):
            return []
    values = _COMPUTE[kind](form, doc, profile)
    changed = []
    for path, value in values.items():
        text = None if value is None else (str(value) if not isinstance(value, Decimal) else format(value, "f"))
        head, *rest = path.split(".")
        if rest:
            row = doc[head][int(rest[0])]
            if row.get(rest[1]) != text:
                row[rest[1]] = text
                changed.append(path)
        elif doc.get(head) != text:
            doc[head] = text
            changed.append(path)
    return changed


def _self_evaluation(form: FormDef, doc: dict, profile: Profile) -> dict:
    rules = profile.require_self_evaluation()
    spec = form.computation
    funds, table = spec["funds"], form.tables[spec["indicators"]]
    top = next(r.key for r in form.tables[funds].tree if r.depth == 0)
    budget = tree_values(form, doc, funds, "budget")[top]
    executed = tree_values(form, doc, funds, "executed")[top]
    out: dict = {"execution_points": rules.execution_points,
                 "execution_score": execution_score(budget, executed, rules.execution_points)}
    scores = []
    for index, row in enumerate(rows(doc, table)):
        score = indicator_score(row, rules).score
        out[f"{table.key}.{index}.score"] = score
        scores.append(score)
    points = [lenient(table.column("points"), r.get("points")) for r in rows(doc, table)]
    out["points_total"] = rules.execution_points + money.total(points)
    if out["execution_score"] is None or any(s is None for s in scores):
        out["total_score"] = out["grade"] = None  # a draft: the checks say what is missing
    else:
        total = total_score(rules, out["execution_score"], scores, execution_rate(budget, executed))
        out["total_score"] = total.total
        out["grade"] = grade_name(profile, total.total)
    return out


def _assessment(form: FormDef, doc: dict, profile: Profile) -> dict:
    rules = profile.require_assessment()
    table = form.tables[form.computation["table"]]
    out: dict = {}
    for column, total_key, grade_key in (("self_score", "self_total", "self_grade"),
                                        ("assessed_score", "assessed_total", "assessed_grade")):
        values = tree_values(form, doc, table.key, column)
        leaves = [values[r.key] for r in table.tree if not r.children]
        if all(v is None for v in leaves):
            out[total_key] = out[grade_key] = None
            continue
        total = money.total(leaves)
        out[total_key] = total
        out[grade_key] = rules.grade(total).name if total <= (table.total_points or total) else None
    return out


def _ex_ante(form: FormDef, doc: dict, profile: Profile) -> dict:
    rules = profile.require_ex_ante()
    table = form.tables[form.computation["table"]]
    scores = tree_values(form, doc, table.key, "score")
    given = [scores[r.key] for r in table.tree]
    if all(v is None for v in given):
        return {"total_score": None, "verdict": None}
    total = money.total(given)
    verdict = next((v for v in rules.verdicts if total >= v.min), None) if total <= rules.max else None
    return {"total_score": total, "verdict": verdict.label if verdict else None}


_COMPUTE = {"self_evaluation": _self_evaluation, "assessment": _assessment, "ex_ante": _ex_ante}


def summed_fields(form: FormDef, doc: dict) -> dict[str, tuple[str, ...]]:
    """The computed fields that are plain sums, by the cell paths they add up (blank while all are
    blank), so the Excel sheet can write them as formulas. A total the rules may cap (自评 总分 under
    a low execution rate) or a score worked out by rule is not a plain sum and is not listed."""
    kind = form.computation.get("kind") if form.computation else None
    if kind == "assessment":
        table = form.tables[form.computation["table"]]
        leaves = [r.key for r in table.tree if not r.children]
        return {total: tuple(f"{table.key}.{key}.{column}" for key in leaves)
                for column, total in (("self_score", "self_total"), ("assessed_score", "assessed_total"))}
    if kind == "ex_ante":
        table = form.tables[form.computation["table"]]
        return {"total_score": tuple(f"{table.key}.{r.key}.score" for r in table.tree)}
    if kind == "self_evaluation":
        table = form.tables[form.computation["indicators"]]
        points = tuple(f"{table.key}.{i}.points" for i in range(len(rows(doc, table))))
        return {"points_total": ("execution_points",) + points}
    return {}
