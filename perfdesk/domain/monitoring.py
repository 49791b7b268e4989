"""双监控: the July monitoring of spending and of performance targets (seed 003).

Plain functions over documents: the period's share of the year, whether a forecast falls short of
its target, the warnings (绩效预警) a finance office reads to stop, slow or cut money, the monitoring
forms' starting data carried over from a declaration, the due date and the report's figures.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from perfdesk.domain import money
from perfdesk.domain.document import blank_document, derived_values, rows, tree_values
from perfdesk.domain.formdef import FormDef
from perfdesk.domain.profiles import MonitoringRules

DEFAULT_TOLERANCE = Decimal(10)  # percentage points; used when a profile names none
DEFAULT_DUE = (7, 31)            # 003 第十三条: the January–June report is due by 31 July
_COMPARATOR = re.compile(r"(≥|≤|>=|<=|>|<|＞|＜|不低于|不少于|不高于|不超过|低于|高于)")
_NUMBER = re.compile(r"[+-−－]?\d[\d,，]*(?:\.\d+)?")  # 1,250户, -5%
_LOWER_IS_BETTER = ("≤", "<=", "<", "＜", "不高于", "不超过", "低于")

# Declaration 二级/一级 names as the monitoring table of 003 calls them.
LEVEL_NAMES = {"环境效益指标": "生态效益指标", "服务对象满意度指标": "满意度指标", "具体指标": "服务对象满意度指标"}


@dataclass(frozen=True)
class Alert:
    """One 绩效预警: which rule fired, how serious, and the figures behind it."""
    rule: str        # 执行缓慢 | 目标存在风险 | 目标不可能完成
    level: str       # 黄色预警 | 红色预警
    message: str


def months_of(doc: dict) -> int:
    try:
        months = int(str(doc.get("period_months") or 6))
    except ValueError:
        return 6
    return min(max(months, 1), 12)


def period_share(months: int) -> Decimal:
    """序时进度: the share of the year the period covers, in per cent (6 months → 50.00)."""
    return MonitoringRules.expected_progress(months)


def tolerance(profile) -> Decimal:
    """How far (percentage points) spending may trail the period's share before it is a deviation."""
    rules = getattr(profile, "monitoring", None)
    return rules.tolerance if rules is not None else DEFAULT_TOLERANCE


def due_date(profile, year: int, months: int) -> dt.date:
    """The profile's due date for a round (31 July for January–June), else the end of the next month."""
    rules = getattr(profile, "monitoring", None)
    for round_ in (rules.rounds if rules is not None else ()):
        if round_.last_month == months:
            return round_.due_date(year)
    if months == 6:
        return dt.date(year, *DEFAULT_DUE)
    following = dt.date(year + months // 12, months % 12 + 1, 1)
    end = following.replace(day=28) + dt.timedelta(days=4)
    return end - dt.timedelta(days=end.day)


def falls_short(target: str, forecast: str) -> bool | None:
    """Whether a forecast misses its target (≥95% vs 93%; ≤30天 vs 35天); None when not comparable."""
    target_number = _NUMBER.search(target or "")
    forecast_number = _NUMBER.search(forecast or "")
    if not target_number or not forecast_number:
        return None
    if _unit_after(target, target_number) != _unit_after(forecast, forecast_number):
        return None  # 12000亩 against 1.2万亩: not the same unit, not compared
    comparator = _COMPARATOR.search(target)
    goal, expected = _decimal(target_number.group()), _decimal(forecast_number.group())
    if comparator and comparator.group() in _LOWER_IS_BETTER:
        return expected > goal
    return expected < goal


def _decimal(text: str) -> Decimal:
    return Decimal(re.sub(r"[,，]", "", text).replace("−", "-").replace("－", "-"))


def _unit_after(text: str, number: re.Match) -> str:
    """The unit written after the number (户, %, 万亩), for comparing like with like."""
    return re.match(r"[^\d.]*", re.sub(r"[\s)）]", "", text[number.end():])).group()[:2]


def spending(form: FormDef, doc: dict, table_key: str) -> dict:
    """The 资金总额 row of a fund table with its derived rates."""
    table = form.tables[table_key]
    top = table.tree[0].key
    derived = derived_values(form, doc, table_key)
    plain = {c.key: tree_values(form, doc, table_key, c.key)[top] for c in table.columns}
    return {**plain, **{k: v[top] for k, v in derived.items()}}


def alerts(form: FormDef, doc: dict, profile=None) -> list[Alert]:
    """绩效预警 by the profile's rules; each names its rule and the figures."""
    found: list[Alert] = []
    months = months_of(doc)
    share, allowed = period_share(months), tolerance(profile)
    fund_table = next((t.key for t in form.tables.values() if t.kind == "tree"), None)
    if fund_table:
        total = spending(form, doc, fund_table)
        rate = total.get("spend_rate")
        if rate is not None and share - rate > allowed:
            found.append(Alert("执行缓慢", "黄色预警",
                               f"1-{months}月支出进度 {rate:.2f}% 低于序时进度 {share:.2f}%，"
                               f"差 {share - rate:.2f} 个百分点，超过容差 {allowed} 个百分点"))
    indicators = form.tables.get("indicators")
    for index, row in enumerate(rows(doc, indicators) if indicators else []):
        name = row.get("content") or f"第{index + 1}行指标"
        if row.get("possibility") == "完全不可能":
            found.append(Alert("目标不可能完成", "红色预警", f"“{name}”判断为完全不可能完成（年度指标值 {row.get('target') or '—'}）"))
        elif row.get("possibility") == "有可能" or falls_short(row.get("target") or "", row.get("forecast") or ""):
            found.append(Alert("目标存在风险", "黄色预警",
                               f"“{name}”年度指标值 {row.get('target') or '—'}，全年预计 {row.get('forecast') or '—'}"
                               f"，完成可能性：{row.get('possibility') or '未判断'}"))
    return found


def from_declaration(monitoring: FormDef, declaration: FormDef, decl_doc: dict, *, unit_level: str,
                     months: int = 6) -> dict:
    """A project monitoring form starting from the approved declaration: the clerk fills only progress."""
    doc = blank_document(monitoring, {"period_months": str(months)})
    doc.update({
        "project_name": decl_doc.get("project_name"),
        "supervisor_name": decl_doc.get("supervisor_name"),
        "supervisor_code": decl_doc.get("supervisor_code"),
        "unit_name": decl_doc.get("applicant_name"),
        "annual_goal": decl_doc.get("annual_goal"),
    })
    # The approved money: what the finance office arranged, else what was requested.
    sources = declaration.tables["fund_sources"]
    arranged = tree_values(declaration, decl_doc, "fund_sources", "actual")
    requested = tree_values(declaration, decl_doc, "fund_sources", "this_year")
    use = arranged if any(arranged[r.key] is not None for r in sources.tree if r.depth == 0) else requested
    public = money.total([use.get("public_budget"), use.get("government_funds")])
    other = use.get("other_funds")
    level_row = "county" if unit_level == "县级" else "city"
    if public:
        doc["fund_sources"][level_row]["budget"] = money.to_json(public)
    if other:
        doc["fund_sources"]["other"]["budget"] = money.to_json(other)
    doc["indicators"] = [
        {"level1": LEVEL_NAMES.get(r.get("level1"), r.get("level1")),
         "level2": LEVEL_NAMES.get(r.get("level2"), r.get("level2")),
         "content": r.get("content"), "target": r.get("value"),
         "progress": None, "forecast": None, "deviation_cause": None, "possibility": None, "note": None}
        for r in decl_doc.get("annual_indicators") or [] if (r.get("content") or "").strip()
    ]
    return doc


# Where a declaration's 资金来源 rows go in the department table's 按预算类别 block (003 附表):
# 公共预算资金 is 一般公共预算, 纳入专户管理的事业资金 is 财政专户, 其他收入 is the unit's own money.
KIND_OF_SOURCE = {"public_budget": "general", "government_funds": "gov_funds",
                  "special_account": "special_account", "other_income": "unit_funds"}


def budget_by_kind(declaration: FormDef, doc: dict) -> dict[str, Decimal]:
    """One declaration's budget split by 预算类别: the money the finance office arranged (本年度实际安排资金)
    when it is known, else what was requested (本年度申请资金)."""
    for column in ("actual", "this_year"):
        values = tree_values(declaration, doc, "fund_sources", column)
        split: dict[str, Decimal] = {}
        for source, kind in KIND_OF_SOURCE.items():
            if values.get(source):
                split[kind] = split.get(kind, Decimal(0)) + values[source]
        if split:
            return split
    return {}


def department_start(monitoring: FormDef, *, supervisor_name: str, supervisor_code: str,
                     project_budget: dict[str, dict[str, Decimal]], months: int = 6) -> dict:
    """A department monitoring form from the unit and the year's project declarations
    (`project_budget`: declaration id → its budget by 预算类别). Both blocks start with the same
    project money, so the table passes its own 按预算类别 = 按支出用途 check."""
    doc = blank_document(monitoring, {"period_months": str(months), "supervisor_name": supervisor_name,
                                      "supervisor_code": supervisor_code})
    kinds: dict[str, Decimal] = {}
    for split in project_budget.values():
        for kind, amount in split.items():
            kinds[kind] = kinds.get(kind, Decimal(0)) + amount
    for kind, amount in kinds.items():
        doc["funds_by_kind"][kind]["budget"] = money.to_json(amount)
    project = money.total(kinds.values())
    if project:
        doc["funds_by_use"]["project"]["budget"] = money.to_json(project)
    return doc


def report_subject(doc: dict) -> str:
    """“XX项目” or “XX部门整体” for the report title, without saying 项目 twice."""
    name, kind = str(doc.get("subject_name") or ""), str(doc.get("report_kind") or "项目")
    return name if kind == "项目" and name.endswith("项目") else f"{name}{kind}"


def report_parts(form: FormDef, doc: dict) -> dict[str, str]:
    """The report's fields that part 二 pre-fills, keyed by field: 预算执行 and 绩效目标实现."""
    execution, achievement = report_figures(form, doc)
    return {"budget_execution": execution, "goal_achievement": achievement}


def report_figures(form: FormDef, doc: dict) -> tuple[str, str]:
    """Part 二 of the monitoring report, pre-filled from a monitoring table (editable text)."""
    months = months_of(doc)
    fund_table = next(t.key for t in form.tables.values() if t.kind == "tree")
    total = spending(form, doc, fund_table)
    amount = money.format_amount

    def pct(value):
        return "—" if value is None else f"{value:.2f}%"

    execution = (
        f"年度预算资金安排 {amount(total['subtotal'], blank='0.00')} 万元（上年结转 {amount(total['carryover'], blank='0.00')} 万元，"
        f"本年预算 {amount(total['budget'], blank='0.00')} 万元）。1-{months}月下达 {amount(total['issued'], blank='0.00')} 万元，"
        f"下达率 {pct(total['issue_rate'])}；支出 {amount(total['spent'], blank='0.00')} 万元，支出进度 {pct(total['spend_rate'])}，"
        f"序时进度 {period_share(months):.2f}%；预计全年支出 {amount(total['forecast'], blank='0.00')} 万元。"
    )
    indicator_rows = rows(doc, form.tables["indicators"])
    counts = {k: sum(1 for r in indicator_rows if r.get("possibility") == k) for k in ("确定能", "有可能", "完全不可能")}
    short = [r.get("content") for r in indicator_rows if falls_short(r.get("target") or "", r.get("forecast") or "")]
    achievement = (
        f"共监控绩效指标 {len(indicator_rows)} 项，其中确定能完成 {counts['确定能']} 项，有可能完成 {counts['有可能']} 项，"
        f"完全不可能完成 {counts['完全不可能']} 项。"
        + (f"预计未达到年度指标值的有：{'、'.join(short)}。" if short else "各项指标预计均能达到年度指标值。")
    )
    return execution, achievement
