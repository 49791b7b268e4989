"""What an evaluation's grade means for next year's budget (中卫 seed 001, 一（四）, as each profile holds it).

- a project graded below 良 has next year's budget cut by 10 % of this year's total;
- a project graded 差 (the profile's lowest grade) gets no budget for the same content next year;
- a department-wide evaluation below 良 cuts the department's 公用经费 by 5 %.

Amounts are 万元, Decimal; a cut is rounded half up to four decimals (万元 exact to the yuan).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from perfdesk.domain import money
from perfdesk.domain.profiles import CutRule, Grade, Profile, profile_of
from perfdesk.domain.scoring import ScoringError, grade as grade_of

PROJECT, DEPARTMENT = "project", "department"
KEEP, CUT, STOP = "keep", "cut", "stop"
_KINDS = {PROJECT: PROJECT, "项目": PROJECT, "项目支出": PROJECT,
          DEPARTMENT: DEPARTMENT, "部门": DEPARTMENT, "部门整体": DEPARTMENT, "部门整体支出": DEPARTMENT}
_QUANTUM = Decimal(1).scaleb(-money.AMOUNT_PLACES)


@dataclass(frozen=True)
class Consequence:
    kind: str  # project / department
    grade: Grade
    action: str  # keep / cut / stop
    percent: Decimal  # the share of `base` taken away: 0, the cut percentage, or 100 when stopped
    base: str  # 预算总额 / 公用经费
    sentence: str
    source: str
    amount: Decimal | None = None  # this year's amount of `base`, 万元
    cut: Decimal | None = None  # taken away, 万元
    ceiling: Decimal | None = None  # next year's amount at most, 万元


def apply_result(profile: Profile | str, result: Grade | Decimal | str | int, kind: str = PROJECT,
                 amount: Decimal | str | int | None = None) -> Consequence:
    """The consequence for next year's budget of a grade (or a score, graded first)."""
    profile = profile_of(profile)
    rules = profile.require_result_application()
    try:
        kind = _KINDS[kind]
    except KeyError:
        raise ScoringError(f"评价类型“{kind}”无法识别，请填写“项目”或“部门整体”") from None
    grade = result if isinstance(result, Grade) else grade_of(profile, result)
    grade = profile.grade_named(grade.name)
    rule: CutRule = rules.project if kind == PROJECT else rules.department
    amount = _amount(amount)
    rank = [g.name for g in profile.grades]
    if rule.stop_at is not None and grade.name == rule.stop_at:
        action, percent = STOP, Decimal(100)
    elif rank.index(grade.name) > rank.index(rule.below):
        action, percent = CUT, rule.percent
    else:
        action, percent = KEEP, Decimal(0)
    cut = ceiling = None
    if amount is not None:
        cut = amount if action == STOP else (amount * percent / 100).quantize(_QUANTUM, rounding=ROUND_HALF_UP)
        ceiling = amount - cut
    sentence = _sentence(kind, grade, action, rule, amount, cut, ceiling)
    origin = profile.origin("result_application")
    if origin != profile.id:  # borrowed figures are never stated as this jurisdiction's own
        sentence += f"（{profile.name}未规定压减比例，参照{rules.source}，仅供参考）"
    return Consequence(kind=kind, grade=grade, action=action, percent=percent, base=rule.base, sentence=sentence,
                       source=rules.source, amount=amount, cut=cut, ceiling=ceiling)


def _amount(value) -> Decimal | None:
    try:
        amount = money.parse_amount(value)
    except money.AmountError as exc:
        raise ScoringError(str(exc)) from None
    if amount is not None and amount < 0:
        raise ScoringError("本年金额不能为负数，请填写本年度预算（万元）")
    return amount


def _sentence(kind, grade: Grade, action, rule: CutRule, amount, cut, ceiling) -> str:
    who = "项目" if kind == PROJECT else "部门整体"
    head = f"{who}绩效评价等次为{grade.label}"
    fmt = money.format_amount
    if action == KEEP:
        tail = f"（本年{rule.base} {fmt(amount)} 万元）" if amount is not None else ""
        return f"{head}，不低于{rule.below}，下年度{rule.base}不因评价结果压减{tail}。"
    if action == STOP:
        tail = f"：本年 {fmt(amount)} 万元，下年度为 0" if amount is not None else ""
        return f"{head}，原则上不再安排同一支出内容的下年度预算{tail}。"
    verb = "压减预算" if kind == PROJECT else f"扣减部门{rule.base}"
    pct = format(rule.percent.normalize(), "f")
    tail = (f"：本年{rule.base} {fmt(amount)} 万元，{'压减' if kind == PROJECT else '扣减'} {fmt(cut)} 万元，"
            f"下年度{rule.base}不超过 {fmt(ceiling)} 万元") if amount is not None else ""
    basis = f"按{rule.base}的 {pct}% " if kind == PROJECT else f"按 {pct}% 的比例"
    return f"{head}，低于{rule.below}，{basis}{verb}{tail}。"
