"""Scoring an evaluation by a rules profile, grading the score, and the ex-ante verdict.

An evaluation gives, for each part of the profile's score (长治: 共性 40, 个性 30, 定性 30; national 2020:
产出 50, 效益 30, 满意度 10, 预算执行率 10), its items with their points (分值):

- `Measured`: a quantitative item, scored from target and actual by the profile's rule. The rule both
  profiles use is proportional: actual/target × points for higher-is-better, target/actual × points for
  lower-is-better (an actual of 0 then scores full points), never more than the item's points.
- `Rated`: a qualitative item, scored as its 单项评议得分 (0–100) × points / 100. A rating (优/良/中/低,
  A–D, or the national three bands) alone counts as the middle of the profile's band for it.
- A weighted part (长治 定性指标) takes one `Rated` per weighted indicator; its points are weight × part / 100,
  which is the seed's ∑(单项评议指标得分 × 权数) × 30%.
- An execution-rate part (national 预算执行率) takes an `Execution`: executed/budget × points, capped.

Every item's score is rounded half up to two decimals and a part's score is the sum of its items, so a
printed table adds up; a weighted part follows the seed's formula instead (the exact weighted sum, rounded
once), which may differ from the sum of its rounded items by a cent. The total is the parts plus the bonus.
A grade is looked up on the score rounded half up to two decimals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Mapping, Sequence, Union

from perfdesk.errors import UserError
from perfdesk.domain.formulas import FormulaError, parse_number
from perfdesk.domain.profiles import (
    ExAnteRules, Grade, Profile, ProfileError, ScorePart, ScoringRules, Verdict, profile_of)

__all__ = [
    "Execution", "Grade", "ItemScore", "Measured", "PartScore", "Rated", "ScoreResult", "ScoringError",
    "Verdict", "evaluate", "ex_ante_verdict", "grade", "parse_score", "points_text", "quantitative_score",
    "round_score",
]

_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)


class ScoringError(UserError, ValueError):
    """An evaluation that cannot be scored as given; the message says what to change, in Chinese."""


@dataclass(frozen=True)
class Measured:
    name: str
    points: Decimal
    target: Decimal
    actual: Decimal
    better: str = "higher"  # or "lower"
    id: str = ""


@dataclass(frozen=True)
class Rated:
    name: str
    rating: str | None = None
    score: Decimal | None = None  # 单项评议得分, 0–100
    points: Decimal | None = None  # not needed in a weighted part
    id: str = ""


@dataclass(frozen=True)
class Execution:
    budget: Decimal  # 全年预算数, 万元
    executed: Decimal  # 全年执行数, 万元


Item = Union[Measured, Rated]


@dataclass(frozen=True)
class ItemScore:
    name: str
    points: Decimal
    score: Decimal  # rounded half up to two decimals, as shown
    basis: str  # how the score came about, for the evaluation table
    exact: Decimal | None = field(default=None, compare=False, repr=False)  # before rounding


@dataclass(frozen=True)
class PartScore:
    id: str
    name: str
    category: str
    points: Decimal
    score: Decimal
    items: tuple[ItemScore, ...]


@dataclass(frozen=True)
class ScoreResult:
    profile_id: str
    parts: tuple[PartScore, ...]
    bonus: Decimal
    total: Decimal
    grade: Grade

    def part(self, part_id: str) -> PartScore:
        for part in self.parts:
            if part.id == part_id:
                return part
        raise KeyError(part_id)

    def subtotal(self, category: str) -> Decimal:
        """The sum of the parts of one category (定量 / 定性)."""
        return sum((p.score for p in self.parts if p.category == category), Decimal(0))


def round_score(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def quantitative_score(points: Decimal, target: Decimal, actual: Decimal, better: str = "higher",
                       *, name: str = "该指标") -> Decimal:
    """Proportional scoring, capped at the points; rounded half up to two decimals."""
    points, target, actual = (_number(v, f"“{name}”的{what}") for v, what in
                              ((points, "分值"), (target, "目标值"), (actual, "实际值")))
    if points <= 0:
        raise ScoringError(f"“{name}”的分值应大于 0")
    if target < 0 or actual < 0:
        raise ScoringError(f"“{name}”的目标值和实际值不能为负数；可为负的指标（如增长率）请按评分标准直接评定")
    if better == "higher":
        ratio = Decimal(1) if target == 0 else actual / target
    elif better == "lower":
        ratio = Decimal(1) if actual == 0 else target / actual
    else:
        raise ScoringError(f"“{name}”须说明是越高越好（higher）还是越低越好（lower）")
    return round_score(points * min(ratio, Decimal(1)))


def evaluate(profile: Profile | str, parts: Mapping[str, Sequence[Item] | Execution],
             *, bonus: Decimal | str | int = 0) -> ScoreResult:
    """Score an evaluation: `parts` maps each part id of the profile to its items (or an Execution)."""
    profile = profile_of(profile)
    rules = profile.require_scoring()
    unknown = set(parts) - {p.id for p in rules.parts}
    if unknown:
        known = "、".join(f"{p.id}（{p.name}）" for p in rules.parts)
        raise ScoringError(f"评分规则中没有“{'、'.join(sorted(unknown))}”部分，可用的有：{known}")
    scored = []
    for part in rules.parts:
        given = parts.get(part.id)
        if given is None:
            raise ScoringError(f"缺少“{part.name}”（{part.points} 分）的评分，请填写")
        if part.kind == "execution_rate":
            scored.append(_execution_part(part, given))
        elif part.kind == "weighted":
            scored.append(_weighted_part(rules, part, given))
        else:
            scored.append(_indicator_part(rules, part, given))
    bonus = _bonus(rules, bonus)
    total = round_score(sum((p.score for p in scored), Decimal(0)) + bonus)
    return ScoreResult(profile_id=profile.id, parts=tuple(scored), bonus=bonus, total=total,
                       grade=grade(profile, total))


def grade(profile: Profile | str, score: Decimal | str | int) -> Grade:
    """The grade of a score (rounded half up to two decimals first); lower bounds are inclusive."""
    profile = profile_of(profile)
    value = _bounded(score, profile.max_score, _max_hint(profile))
    for candidate in profile.grades:
        if value >= candidate.min:
            return candidate
    raise ProfileError(f"规则配置“{profile.name}”的等次没有覆盖 0 分")  # pragma: no cover - checked on load


def grade_claimed(profile: Profile | str, score: Decimal | str | int,
                  bonus: Decimal | str | int | None = None) -> tuple[Decimal, Grade]:
    """The grade of a total someone states (rounded score, grade). Above the full marks (100) a
    total is only possible with a bonus, so one above it without the bonus that makes it, or whose
    part before the bonus exceeds the full marks, is refused instead of graded."""
    profile = profile_of(profile)
    total = _bounded(score, profile.max_score, _max_hint(profile))
    rules = profile.scoring
    full = rules.total if rules else profile.max_score
    if bonus is None:
        if total > full:
            hint = f"（{points_text(rules.bonus_min)}–{points_text(rules.bonus_max)} 分）" if rules else ""
            raise ScoringError(f"分数 {points_text(total)} 超过满分 {points_text(full)} 分：超出的部分只能来自加分"
                               f"{hint}，请同时给出加分")
        return total, grade(profile, total)
    if rules is None:
        raise ScoringError(f"{profile.name}没有加分项，请不要给出加分")
    extra = _bonus(rules, bonus)
    if total - extra > full:
        raise ScoringError(f"加分前的得分 {points_text(total - extra)} 超过满分 {points_text(full)} 分，"
                           f"请核对总分 {points_text(total)} 和加分 {points_text(extra)}")
    if total < extra:
        raise ScoringError(f"总分 {points_text(total)} 小于加分 {points_text(extra)}，请核对")
    return total, grade(profile, total)


def ex_ante_verdict(profile: Profile | str, score: Decimal | str | int) -> Verdict:
    """The ex-ante assessment's conclusion (可行 / 待完善 / 不可行) by the profile's thresholds."""
    profile = profile_of(profile)
    rules: ExAnteRules = profile.require_ex_ante()
    value = _bounded(score, rules.max, f"事前绩效评估满分为 {points_text(rules.max)} 分")
    for verdict in rules.verdicts:
        if value >= verdict.min:
            return verdict
    raise ProfileError(f"规则配置“{profile.name}”的事前评估分档没有覆盖 0 分")  # pragma: no cover


def parse_score(text: Decimal | str | int, *, maximum: Decimal | None = None, hint: str = "") -> Decimal:
    """A score as typed: a number from 0 to `maximum`, rounded half up to two decimals."""
    return _bounded(text, maximum, hint)


# --- parts ----------------------------------------------------------------------------------------

def _indicator_part(rules: ScoringRules, part: ScorePart, items) -> PartScore:
    if isinstance(items, Execution) or not items:
        raise ScoringError(f"“{part.name}”没有指标，请选择指标并分配分值（合计 {points_text(part.points)} 分）")
    scored = []
    for item in items:
        if isinstance(item, Measured):
            scored.append(_measured(item))
        elif isinstance(item, Rated):
            if item.points is None:
                raise ScoringError(f"“{item.name}”缺少分值，请填写")
            scored.append(_rated(rules, item, _number(item.points, f"“{item.name}”的分值")))
        else:
            raise ScoringError(f"“{part.name}”中有无法识别的指标：{item!r}")
    _check_points(part, scored)
    return _part(part, scored)


def _weighted_part(rules: ScoringRules, part: ScorePart, items) -> PartScore:
    if isinstance(items, Execution):
        raise ScoringError(f"“{part.name}”应逐项评议：{'、'.join(w.name for w in part.weights)}")
    given: dict[str, Rated] = {}
    for item in items:
        if not isinstance(item, Rated):
            raise ScoringError(f"{part.name}“{getattr(item, 'name', item)}”应填写评议等级或得分")
        match = next((w for w in part.weights if item.name in (w.name, w.id) or (item.id and item.id == w.id)), None)
        if match is None:
            raise ScoringError(f"“{item.name}”不是{part.name}的评议项目，应为：{'、'.join(w.name for w in part.weights)}")
        if match.id in given:
            raise ScoringError(f"{part.name}“{match.name}”重复评议，请只保留一项")
        given[match.id] = item
    missing = [w.name for w in part.weights if w.id not in given]
    if missing:
        raise ScoringError(f"{part.name}{'、'.join(f'“{m}”' for m in missing)}尚未评议，请填写评议等级或得分")
    scored = []
    for weighted in part.weights:
        points = weighted.weight * part.points / _HUNDRED
        item = given[weighted.id]
        if item.points is not None and _number(item.points, f"“{item.name}”的分值") != points:
            raise ScoringError(f"“{weighted.name}”的分值由权数 {points_text(weighted.weight)} 决定，应为 {points_text(points)} 分")
        scored.append(_rated(rules, Rated(name=weighted.name, rating=item.rating, score=item.score), points))
    # the seed's own formula, ∑(单项评议指标得分 × 权数) × 30%, rounded once
    return _part(part, scored, score=round_score(sum((i.exact for i in scored), Decimal(0))))


def _execution_part(part: ScorePart, given) -> PartScore:
    if not isinstance(given, Execution):
        raise ScoringError(f"“{part.name}”应填写全年预算数和全年执行数")
    budget = _number(given.budget, "全年预算数")
    executed = _number(given.executed, "全年执行数")
    if budget <= 0:
        raise ScoringError("“全年预算数”为 0，无法计算预算执行率，请填写全年预算数")
    if executed < 0:
        raise ScoringError("“全年执行数”不能为负数")
    rate = executed / budget
    score = round_score(part.points * min(rate, Decimal(1)))
    shown = round_score(rate * _HUNDRED)
    item = ItemScore(name=part.name, points=part.points, score=score,
                     basis=f"执行率 {shown}%（{points_text(executed)}/{points_text(budget)} 万元）")
    return _part(part, [item])


def _measured(item: Measured) -> ItemScore:
    score = quantitative_score(item.points, item.target, item.actual, item.better, name=item.name)
    relation = "越低越好" if item.better == "lower" else "越高越好"
    return ItemScore(name=item.name, points=_number(item.points, f"“{item.name}”的分值"), score=score,
                     basis=f"目标值 {points_text(item.target)}，实际值 {points_text(item.actual)}（{relation}）")


def _rated(rules: ScoringRules, item: Rated, points: Decimal) -> ItemScore:
    if points <= 0:
        raise ScoringError(f"“{item.name}”的分值应大于 0")
    rating = None
    if item.rating is not None and str(item.rating).strip():
        try:
            rating = rules.rating(str(item.rating))
        except ProfileError as exc:
            raise ScoringError(f"“{item.name}”：{exc}") from None
    if item.score is not None:
        value = _bounded(item.score, _HUNDRED, "单项评议得分为 0–100 分", what=f"“{item.name}”的评议得分")
        if rating is not None and not _in_band(rules, rating, value):
            raise ScoringError(f"“{item.name}”评议为“{rating.name}”，其得分应在 {points_text(rating.min)}–"
                               f"{points_text(rating.max)} 分之间，现为 {value} 分")
        basis = f"评议得分 {value}" + (f"（{rating.name}）" if rating else "")
    elif rating is not None:
        value = rating.default
        basis = f"评议等级“{rating.name}”，按该档中值 {points_text(value)} 分计"
    else:
        raise ScoringError(f"“{item.name}”尚未评议，请填写评议等级或得分")
    exact = points * value / _HUNDRED
    return ItemScore(name=item.name, points=points, score=round_score(exact), basis=basis, exact=exact)


def _in_band(rules: ScoringRules, rating, value: Decimal) -> bool:
    top = rating is rules.ratings[0]
    return rating.min <= value and (value <= rating.max if top else value < rating.max)


def _part(part: ScorePart, items: list[ItemScore], score: Decimal | None = None) -> PartScore:
    if score is None:  # the table's subtotal: the sum of the item scores as shown
        score = sum((i.score for i in items), Decimal(0))
    return PartScore(id=part.id, name=part.name, category=part.category, points=part.points,
                     score=score, items=tuple(items))


def _check_points(part: ScorePart, items: list[ItemScore]) -> None:
    given = sum((i.points for i in items), Decimal(0))
    if given != part.points:
        raise ScoringError(f"“{part.name}”各项分值合计 {points_text(given)} 分，应为 {points_text(part.points)} 分，请调整分值")


def _bonus(rules: ScoringRules, bonus) -> Decimal:
    value = _number(bonus, "加分")
    if value == 0:
        return Decimal(0)
    if rules.bonus_max == 0:
        raise ScoringError("该规则没有加分项，加分请填 0")
    if not rules.bonus_min <= value <= rules.bonus_max:
        raise ScoringError(f"加分应为 0，或在 {points_text(rules.bonus_min)}–{points_text(rules.bonus_max)} 分之间"
                           f"（{rules.bonus_condition or '按规则酌情加分'}），现为 {points_text(value)} 分")
    return value


# --- numbers --------------------------------------------------------------------------------------

def _number(value, label: str) -> Decimal:
    if isinstance(value, float):
        raise ScoringError(f"{label}不能用浮点数表示，请以文字或 Decimal 给出")
    try:
        number = parse_number(value, label)
    except FormulaError:
        raise ScoringError(f"{label}“{str(value).strip()}”不是有效的数字，请只填写数字") from None
    if number is None:
        raise ScoringError(f"缺少{label}，请填写")
    return number


def _bounded(value, maximum: Decimal | None, hint: str, *, what: str = "分数") -> Decimal:
    try:
        number = parse_number(value, what)
    except FormulaError:
        raise ScoringError(f"{what}“{str(value).strip()}”不是有效的数字，请填写 0 到 "
                           f"{points_text(maximum) if maximum is not None else 100} 之间的数字，例如 88.5") from None
    if number is None:
        raise ScoringError(f"缺少{what}，请填写")
    if number < 0:
        raise ScoringError(f"{what}不能为负数（现为 {points_text(number)}），请填写 0 或以上的数字")
    if maximum is not None and number > maximum:
        raise ScoringError(f"{what} {points_text(number)} 超过了最高分 {points_text(maximum)}（{hint}），请核对")
    return round_score(number)


def _max_hint(profile: Profile) -> str:
    rules = profile.scoring
    if rules and rules.bonus_max:
        return f"{profile.name}：满分 {points_text(rules.total)} 分，另可加分最多 {points_text(rules.bonus_max)} 分"
    return f"{profile.name}：满分 {points_text(profile.max_score)} 分，无加分"


def points_text(value: Decimal) -> str:
    """A number without trailing zeros: 40, 12.5."""
    return format(Decimal(value).normalize(), "f")
