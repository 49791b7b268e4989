"""The figures one form contributes to the finance office's 汇总 (逐级汇总), taken from its document.

The store keeps them in a table of their own (form_figures), written in the same transaction as every
change of the form, so adding up a round is a query over that table, never a parse of documents.

Amounts are 万元 as Decimal here; the store keeps them as integers of 1/10,000 万元 (one yuan: the
finest a 万元 figure with four decimals holds), so the database adds them exactly.

Figure definitions, by round:
- declaration (长治 2014 附件1-1/1-2): 本年度申请资金 and 本年度实际安排资金 = the 资金来源计划's 合计
  (its top rows), split by source (公共预算资金 / 政府性基金 / 其他资金);
- monitoring (朔州 2022 附件2/3): the 资金总额 row's 本年预算, 安排数 (小计 = 上年结转 + 本年预算), 下达数
  and 支出数 (下达率 = 下达数/本年预算数, 支出进度 = 支出数/安排数, worked out from the sums); the red
  and yellow 绩效预警 by the unit's profile; indicators judged 完全不可能 with the measures in 备注;
- evaluation (长治 2014 附件5-1; 财预〔2020〕10号 自评表): the score, its grade by the unit's profile
  and the amount a grade's consequence concerns (the project's budget).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

from perfdesk.domain import money
from perfdesk.domain.computed import computed_document
from perfdesk.domain.document import column_total, scored_total, tree_values
from perfdesk.domain.formdef import FormDef
from perfdesk.domain.monitoring import alerts, months_of, spending
from perfdesk.domain.profiles import Profile
from perfdesk.domain import form_kinds as kinds

# The rounds' 汇总 (the declaration's named after its form).
DECLARATION, MONITORING, EVALUATION = kinds.DECLARATION, "monitoring", "evaluation"
PROJECT, DEPARTMENT = "project", "department"

# Which forms feed which round's 汇总; any other form contributes no figures.
ROUNDS = {
    kinds.DECLARATION: (DECLARATION, PROJECT),
    kinds.PROJECT_MONITORING: (MONITORING, PROJECT),
    kinds.DEPT_MONITORING: (MONITORING, DEPARTMENT),
    kinds.EVALUATION_REPORT: (EVALUATION, PROJECT),
    kinds.PROJECT_SELF_EVALUATION: (EVALUATION, PROJECT),
    kinds.DEPT_SELF_EVALUATION: (EVALUATION, DEPARTMENT),
}

# The declaration's 资金来源计划 top rows, as the figures name them.
SOURCES = {"public_budget": "src_public", "government_funds": "src_funds", "other_funds": "src_other"}
RED, YELLOW = "红色预警", "黄色预警"


@dataclass(frozen=True)
class Figures:
    round: str
    scope: str
    subject: str = ""  # the project's name; "" for a department's whole spending
    period: int = 0  # a monitoring round's last month (1-6月 → 6)
    # declaration
    requested: Decimal | None = None
    arranged: Decimal | None = None
    src_public: Decimal | None = None
    src_funds: Decimal | None = None
    src_other: Decimal | None = None
    # monitoring
    budget: Decimal | None = None
    allotted: Decimal | None = None  # 安排数: 上年结转 + 本年预算
    issued: Decimal | None = None
    spent: Decimal | None = None
    red_alerts: int = 0
    yellow_alerts: int = 0
    impossible: int = 0
    measures: str = ""  # “指标：拟采取的措施” per line
    # evaluation
    score: Decimal | None = None
    grade: str = ""
    grade_rank: int | None = None  # 0 for the profile's highest grade
    eval_amount: Decimal | None = None

    def values(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


AMOUNT_FIGURES = ("requested", "arranged", "src_public", "src_funds", "src_other", "budget", "allotted", "issued",
                  "spent", "score", "eval_amount")
COUNT_FIGURES = ("red_alerts", "yellow_alerts", "impossible")


def extract(form: FormDef, doc: dict, profile: Profile | None) -> Figures | None:
    """The form's figures, or None for a form that feeds no 汇总. A figure the document does not give
    (a blank, an invalid entry the checks report) is None: never a guess."""
    kind = ROUNDS.get(form.id)
    if kind is None:
        return None
    round_, scope = kind
    subject = str(doc.get("project_name") or "").strip() if scope == PROJECT else ""
    try:
        found = _EXTRACT[round_](form, doc, profile)
    except (ArithmeticError, KeyError, TypeError, ValueError):
        found = {}  # a document too damaged to read counts as a form without figures
    return Figures(round=round_, scope=scope, subject=subject, **found)


def _declaration(form: FormDef, doc: dict, profile) -> dict:
    requested = tree_values(form, doc, "fund_sources", "this_year")
    arranged = tree_values(form, doc, "fund_sources", "actual")
    top = [r.key for r in form.tables["fund_sources"].tree if r.depth == 0]
    out: dict = {
        "requested": _total([requested[k] for k in top]),
        "arranged": _total([arranged[k] for k in top]),
    }
    for row, name in SOURCES.items():
        out[name] = requested.get(row)
    return out


def _monitoring(form: FormDef, doc: dict, profile) -> dict:
    table = next(t.key for t in form.tables.values() if t.kind == "tree")
    total = spending(form, doc, table)
    found = alerts(form, doc, profile)
    impossible = [r for r in (doc.get("indicators") or []) if isinstance(r, dict) and r.get("possibility") == "完全不可能"]
    return {
        "period": months_of(doc),
        "budget": total.get("budget"), "allotted": total.get("subtotal"),
        "issued": total.get("issued"), "spent": total.get("spent"),
        "red_alerts": sum(1 for a in found if a.level == RED),
        "yellow_alerts": sum(1 for a in found if a.level == YELLOW),
        "impossible": len(impossible),
        "measures": "\n".join(f"{r.get('content') or '—'}：{str(r.get('note') or '未提出措施').strip()}"
                              for r in impossible),
    }


def _evaluation(form: FormDef, doc: dict, profile) -> dict:
    if form.computation:  # 自评表: 总分 and 等次 as the rules compute them
        doc = computed_document(form, doc, profile)
        score = money.parse_amount(doc.get("total_score"), "分值")
        funds = form.computation["funds"]
        top = next(r.key for r in form.tables[funds].tree if r.depth == 0)
        amount = tree_values(form, doc, funds, "budget")[top]
    else:  # 评价报告: 综合得分 = 业务指标 + 财务指标
        score = scored_total(form, doc, ["business_indicators.score", "financial_indicators.score"])
        amount = column_total(form, doc, "funds.planned") or None
    if score is not None:  # a computed total may run to more places than the store keeps
        score = score.quantize(Decimal(1).scaleb(-money.AMOUNT_PLACES), rounding=ROUND_HALF_UP)
    out: dict = {"score": score, "eval_amount": amount if form.id != kinds.DEPT_SELF_EVALUATION else None}
    if score is not None and profile is not None and profile.grades:
        rank = next((i for i, g in enumerate(profile.grades) if score >= g.min), len(profile.grades) - 1)
        out["grade"], out["grade_rank"] = profile.grades[rank].name, rank
    return out


def _total(values) -> Decimal | None:
    return money.total(values) if any(v is not None for v in values) else None


_EXTRACT = {DECLARATION: _declaration, MONITORING: _monitoring, EVALUATION: _evaluation}


# --- exact integers for the database -------------------------------------------------------------

_SCALE = 10 ** money.AMOUNT_PLACES


def to_units(value: Decimal | None) -> int | None:
    """万元 → integer 1/10,000 万元 (exact: an amount has at most four decimals)."""
    if value is None:
        return None
    scaled = value * _SCALE
    if scaled != scaled.to_integral_value():
        raise ValueError(f"金额 {value} 超过 {money.AMOUNT_PLACES} 位小数")
    return int(scaled)


def from_units(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(int(value)).scaleb(-money.AMOUNT_PLACES)


def stored(figures: Figures) -> dict:
    """The figures as the store's columns hold them: amounts as exact integers."""
    values = figures.values()
    for name in AMOUNT_FIGURES:
        values[name] = to_units(values[name])
    return values

