"""Scoring the 2020 national self-evaluation tables (项目支出绩效自评表, 部门整体支出绩效自评表).

Every score is computed from what the clerk typed, by the profile's `self_evaluation` rules:

- 执行率得分 = 全年执行数 ÷ 全年预算数 × 执行率分值 (10), never more than the points;
- an indicator's value is three parts — 指标性质 (=, ≥, ≤, 定性), value, 度量单位 — so a met indicator scores
  full points; a ≥ one short of target scores 实际 ÷ 指标值 × 分值, a ≤ one over target 指标值 ÷ 实际 × 分值;
  an = one missed either way the smaller over the larger (this program's rule, marked so in the profile);
- a qualitative (定性) one is scored by the band its 实际完成值 names (达成 / 部分达成 / 未达成): the band's
  default share (the middle of the band unless the profile sets one) of its points;
- the total is 执行率得分 + the indicators' scores, capped where the profile says (e.g. by a low 执行率);
  the grade is the profile's grade of the total.

Each score is rounded half up to two decimals; the total is the sum of the rounded scores, so the printed
table adds up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from perfdesk.domain.profiles import Profile, Rating, SelfEvalRules

NATURES = ("=", "≥", "≤", "定性")
_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)
# “≥12000平方米”, “100%”, “≤850元/平方米”: a comparator, one number, a unit without digits
_VALUE = re.compile(r"^\s*(≥|≤|>=|<=|=|＝|不低于|不少于|不高于|不超过)?\s*([0-9]+(?:\.[0-9]+)?)\s*([^0-9]*)$")
_COMPARATORS = {">=": "≥", "不低于": "≥", "不少于": "≥", "<=": "≤", "不高于": "≤", "不超过": "≤", "＝": "=", "=": "="}
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def round_score(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class IndicatorValue:
    nature: str  # = ≥ ≤ 定性
    value: str
    unit: str = ""


def split_value(text: str) -> IndicatorValue:
    """A declaration's 指标值 as the 自评表 holds it: “≥12000平方米” → ≥, 12000, 平方米; “100%” → =, 100, %;
    anything that is not one number with a unit (“完全消除”, “≤11月30日”) is qualitative, kept whole."""
    text = (text or "").strip()
    match = _VALUE.match(text)
    if not match:
        return IndicatorValue("定性", text)
    comparator = match.group(1)
    nature = _COMPARATORS.get(comparator, comparator) if comparator else "="
    return IndicatorValue(nature, match.group(2), match.group(3).strip())


def first_number(text: str) -> Decimal | None:
    """The number in a 实际完成值 as typed (“7500平方米”, “96.5%”), or None."""
    match = _NUMBER.search(str(text or "").replace(",", "").replace("，", ""))
    return Decimal(match.group()) if match else None


@dataclass(frozen=True)
class IndicatorScore:
    score: Decimal | None  # None: not computable yet (the problem says why)
    problem: str = ""
    rating: Rating | None = None

    @property
    def full(self) -> bool:
        return self.score is not None and self.problem == ""


def indicator_score(row: dict, rules: SelfEvalRules) -> IndicatorScore:
    """One indicator's 得分 from its 指标性质, 年度指标值, 实际完成值 and 分值."""
    points = _decimal(row.get("points"))
    if points is None or points <= 0:
        return IndicatorScore(None, "请填写大于 0 的分值")
    nature = str(row.get("nature") or "").strip()
    actual = str(row.get("actual") or "").strip()
    if nature not in NATURES:
        return IndicatorScore(None, f"请选择指标性质（{'、'.join(NATURES)}）")
    if not actual:
        return IndicatorScore(None, "请填写实际完成值")
    if nature == "定性":
        rating = rules.rating_in(actual)
        if rating is None:
            names = "、".join(r.aliases[0] if r.aliases else r.name for r in rules.ratings)
            return IndicatorScore(None, f"定性指标的实际完成值应以完成档次开头（{names}），例如“部分达成：……”")
        return IndicatorScore(round_score(points * rating.default / _HUNDRED), rating=rating)
    target = _decimal(row.get("target"))
    if target is None or target < 0:
        return IndicatorScore(None, "定量指标的年度指标值应为一个数字（单位填在度量单位栏）")
    done = first_number(actual)
    if done is None:
        return IndicatorScore(None, "定量指标的实际完成值应为数字（单位与年度指标值相同）")
    if nature == "≥":
        ratio = Decimal(1) if done >= target or target == 0 else done / target
    elif nature == "≤":
        ratio = Decimal(1) if done <= target or done == 0 else target / done
    else:  # “=”: missed either way, the smaller over the larger
        ratio = Decimal(1) if done == target else min(done, target) / max(done, target)
    return IndicatorScore(round_score(points * ratio))


def execution_score(budget: Decimal | None, executed: Decimal | None, points: Decimal) -> Decimal | None:
    """执行率得分: executed ÷ budget × points, at most the points; None while either amount is missing."""
    if budget is None or executed is None or budget <= 0:
        return None
    return round_score(points * min(executed / budget, Decimal(1)))


def execution_rate(budget: Decimal | None, executed: Decimal | None) -> Decimal | None:
    if budget is None or executed is None or budget <= 0:
        return None
    return round_score(executed / budget * _HUNDRED)


@dataclass(frozen=True)
class SelfEvalTotal:
    total: Decimal
    capped_by: str = ""  # the cap rule that lowered it, in words


def total_score(rules: SelfEvalRules, execution: Decimal, indicators: list[Decimal],
                rate: Decimal | None) -> SelfEvalTotal:
    total = execution + sum(indicators, Decimal(0))
    for cap in rules.caps:
        if rate is not None and rate < cap.execution_below and total > cap.total_max:
            return SelfEvalTotal(cap.total_max, f"执行率低于 {cap.execution_below}% 时总分不超过 {cap.total_max} 分"
                                                f"（{cap.source}）")
    return SelfEvalTotal(total)


def grade_name(profile: Profile, total: Decimal) -> str:
    found = next(g for g in profile.grades if total >= g.min)
    return found.name


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


# --- starting a 自评表 from the year's declaration and its monitoring ----------------------------------

# A declaration's 二级 names as the 自评表 prints them (its 一级 names are matched through the profile's aliases).
LEVEL2_NAMES = {"具体指标": "服务对象满意度指标", "环境效益指标": "生态效益指标"}


def spread_points(total: Decimal, count: int) -> list[Decimal]:
    """A 一级's points shared evenly among its indicators, to two decimals, the cents left over going to the
    first ones, so they add up exactly: a draft the clerk adjusts (this program's starting point)."""
    if count <= 0:
        return []
    share = (total / count).quantize(_CENT, rounding=ROUND_DOWN)
    extra = int((total - share * count) / _CENT)
    return [share + (_CENT if i < extra else 0) for i in range(count)]


def indicator_rows(source_rows: list[dict], rules: SelfEvalRules, *, value_key: str,
                   progress: dict[str, str] | None = None) -> list[dict]:
    """The 自评表's indicators from a declaration's (or monitoring table's) rows: the value split into
    指标性质 / 指标值 / 度量单位, the 一级's weight spread over its rows, and — where a monitoring table reported
    完成情况 in the same unit — that figure as the draft 实际完成值."""
    out = []
    for r in source_rows:
        if not str(r.get("content") or "").strip():
            continue
        value = split_value(str(r.get(value_key) or ""))
        out.append({"level1": r.get("level1"), "level2": LEVEL2_NAMES.get(r.get("level2"), r.get("level2")),
                    "content": r.get("content"), "nature": value.nature, "target": value.value, "unit": value.unit,
                    "actual": _draft_actual(value, (progress or {}).get(str(r.get("content")))),
                    "points": None, "score": None, "cause": None})
    for part in rules.parts:
        mine = [row for row in out if part.matches(str(row["level1"] or ""))]
        for row, points in zip(mine, spread_points(part.points, len(mine))):
            row["level1"] = part.level1
            row["points"] = format(points, "f")
    return out


def _draft_actual(target: IndicatorValue, reported: str | None) -> str | None:
    """完成情况 as 实际完成值: qualitative text as written; a figure only when its unit is the target's."""
    reported = (reported or "").strip()
    if not reported:
        return None
    if target.nature == "定性":
        return reported
    got = split_value(reported)
    return got.value if got.nature != "定性" and got.unit == target.unit else None
