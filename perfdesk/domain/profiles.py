"""Rules profiles (forms/profiles/*.yaml): what differs between jurisdictions, as data.

A profile may take what its seed does not say from another profile, always visibly in its file:

- `inherits: P` at the top: every top-level section the file does not write comes whole from P;
- `{inherit: P, ...}` as a mapping anywhere: P's value at the same place, with the mapping's own keys
  laid over it (deeply). This is how one section, or one deadline, is borrowed from another profile.

A loop (a section that in the end borrows from itself) is reported as an error.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from perfdesk.errors import UserError
from perfdesk.domain import sources


class ProfileError(UserError, ValueError):
    """An unknown or malformed profile; the message says which, in Chinese."""


_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_MISSING = object()
_IDENTITY = ("id", "name", "source", "inherits")
_CENT = Decimal("0.01")


# --- typed sections -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Grade:
    """An evaluation grade: name (优), alias (优秀), code (A) and its inclusive lower bound."""

    name: str
    alias: str = ""
    code: str = field(default="", compare=False)
    min: Decimal = field(default=Decimal(0), compare=False)

    @property
    def label(self) -> str:
        """优（优秀） or 优 when the grade has no second name."""
        return f"{self.name}（{self.alias}）" if self.alias and self.alias != self.name else self.name


@dataclass(frozen=True)
class WeightedIndicator:
    id: str
    name: str
    weight: Decimal  # out of 100 within its part


@dataclass(frozen=True)
class ScorePart:
    """One block of the score: its points, and how its items are given."""

    id: str
    name: str
    points: Decimal
    category: str = ""  # 定量 / 定性, for subtotals
    kind: str = "indicators"  # indicators | weighted | execution_rate
    weights: tuple[WeightedIndicator, ...] = ()


@dataclass(frozen=True)
class Rating:
    """A rating for a qualitative item: the band of 单项评议得分 (0–100) it stands for."""

    name: str
    aliases: tuple[str, ...]
    min: Decimal
    max: Decimal
    default: Decimal  # the score used when only the rating is given: the middle of the band


@dataclass(frozen=True)
class ScoringRules:
    rule: str  # how a quantitative item scores from target and actual: proportional
    parts: tuple[ScorePart, ...]
    ratings: tuple[Rating, ...]
    bonus_min: Decimal = Decimal(0)
    bonus_max: Decimal = Decimal(0)
    bonus_condition: str = ""
    source: str = ""

    @property
    def total(self) -> Decimal:
        return sum((p.points for p in self.parts), Decimal(0))

    @property
    def max_score(self) -> Decimal:
        return self.total + self.bonus_max

    def part(self, part_id: str) -> ScorePart:
        for part in self.parts:
            if part.id == part_id:
                return part
        known = "、".join(p.id for p in self.parts)
        raise ProfileError(f"评分规则中没有“{part_id}”部分，可用的有：{known}")

    def rating(self, text: str) -> Rating:
        wanted = text.strip().upper()
        for rating in self.ratings:
            if wanted in (rating.name.upper(), *(a.upper() for a in rating.aliases)):
                return rating
        known = "、".join(r.name for r in self.ratings)
        raise ProfileError(f"评议等级“{text}”无法识别，请填写：{known}")


@dataclass(frozen=True)
class Verdict:
    name: str  # 可行 / 待完善 / 不可行
    min: Decimal
    text: str = ""

    @property
    def label(self) -> str:
        return f"{self.name}（{self.text}）" if self.text else self.name


@dataclass(frozen=True)
class ExAnteRules:
    verdicts: tuple[Verdict, ...]  # highest bound first
    max: Decimal = Decimal(100)
    source: str = ""


@dataclass(frozen=True)
class CutRule:
    """Grades below `below` cut next year's `base` by `percent`; `stop_at` (a grade) gives none at all."""

    below: str
    percent: Decimal
    base: str
    stop_at: str | None = None


@dataclass(frozen=True)
class ResultRules:
    project: CutRule
    department: CutRule
    source: str = ""


@dataclass(frozen=True)
class MonitoringRound:
    first_month: int
    last_month: int
    due_month: int
    due_day: int
    source: str = ""

    @property
    def label(self) -> str:
        return f"{self.first_month}-{self.last_month}月"

    def due_date(self, year: int) -> dt.date:
        return dt.date(year, self.due_month, self.due_day)


@dataclass(frozen=True)
class MonitoringRules:
    rounds: tuple[MonitoringRound, ...]
    tolerance: Decimal  # percentage points that spending progress may lag the time elapsed
    basis: str = "序时进度"
    note: str = ""
    source: str = ""

    @staticmethod
    def expected_progress(last_month: int) -> Decimal:
        """The share of the year elapsed at the end of `last_month`, in %, two decimals."""
        if not 1 <= last_month <= 12:
            raise ProfileError(f"月份“{last_month}”应在 1 到 12 之间")
        return (Decimal(last_month) * 100 / 12).quantize(_CENT, rounding=ROUND_HALF_UP)

    def lags(self, progress: Decimal, last_month: int) -> bool:
        """True when spending progress (%) falls short of the time elapsed by more than the tolerance."""
        return progress < self.expected_progress(last_month) - self.tolerance


@dataclass(frozen=True)
class Deadline:
    """Either `days` after an event, or a fixed month and day (`year_offset` years after the work year)."""

    key: str
    days: int | None = None
    after: str = ""
    month: int | None = None
    day: int | None = None
    year_offset: int = 0
    source: str = ""

    def due(self, start: dt.date) -> dt.date:
        """The due date counted from `start` (the event), or in `start`'s year for a fixed date."""
        if self.days is not None:
            return start + dt.timedelta(days=self.days)
        return dt.date(start.year + self.year_offset, self.month, self.day)


@dataclass(frozen=True)
class SelfEvalPart:
    level1: str  # 产出指标, as the 自评表 prints it
    points: Decimal
    aliases: tuple[str, ...] = ()

    def matches(self, name: str) -> bool:
        return name.strip() in (self.level1, *self.aliases)


@dataclass(frozen=True)
class SelfEvalCap:
    """Where 执行率 (per cent) is below `execution_below`, the total is at most `total_max`."""

    execution_below: Decimal
    total_max: Decimal
    source: str = ""


@dataclass(frozen=True)
class SelfEvalRules:
    """The 自评表's weights: 执行率 points, each 一级's points, the qualitative bands and any caps."""

    execution_points: Decimal
    parts: tuple[SelfEvalPart, ...]
    ratings: tuple[Rating, ...]  # highest first
    caps: tuple[SelfEvalCap, ...] = ()
    source: str = ""

    def part_of(self, level1: str) -> SelfEvalPart | None:
        return next((p for p in self.parts if p.matches(level1)), None)

    def rating_in(self, text: str) -> Rating | None:
        """The band a 实际完成值 names (达成 / 部分达成 / 未达成 …): the longest name it starts with."""
        text = text.strip()
        names = sorted(((n, r) for r in self.ratings for n in (r.name, *r.aliases)), key=lambda x: -len(x[0]))
        return next((r for n, r in names if text.startswith(n)), None)


@dataclass(frozen=True)
class AssessmentRules:
    """考核评分表 grades (优秀/良好/合格/不合格), highest first, and what the seed leaves open."""

    grades: tuple[Grade, ...]
    source: str = ""
    note: str = ""

    def grade(self, score: Decimal) -> Grade:
        return next(g for g in self.grades if score >= g.min)


# --- the profile ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    source: str = ""
    finance_office: dict[str, str] = field(default_factory=dict)
    raw: dict = field(default_factory=dict)  # the file as written
    data: dict = field(default_factory=dict, compare=False)  # with everything inherited filled in
    inherits: str | None = None
    grades: tuple[Grade, ...] = ()  # highest first
    scoring: ScoringRules | None = None
    ex_ante: ExAnteRules | None = None
    result_application: ResultRules | None = None
    monitoring: MonitoringRules | None = None
    deadlines: dict[str, Deadline] = field(default_factory=dict)
    self_evaluation: SelfEvalRules | None = None
    assessment: AssessmentRules | None = None

    def finance_office_for(self, level: str) -> str:
        return self.finance_office.get(level, "财政局")

    def origin(self, section: str) -> str:
        """The profile whose file wrote `section` (this one, or the one it is borrowed from)."""
        return _origin(self.id, section, ())

    def require_scoring(self) -> ScoringRules:
        if self.scoring is None:
            raise ProfileError(f"规则配置“{self.name}”没有评分规则（scoring）")
        return self.scoring

    def require_ex_ante(self) -> ExAnteRules:
        if self.ex_ante is None:
            raise ProfileError(f"规则配置“{self.name}”没有事前绩效评估的结论分档（ex_ante）")
        return self.ex_ante

    def require_self_evaluation(self) -> SelfEvalRules:
        if self.self_evaluation is None:
            raise ProfileError(f"规则配置“{self.name}”没有绩效自评表的计分规则（self_evaluation）")
        return self.self_evaluation

    def require_assessment(self) -> AssessmentRules:
        if self.assessment is None:
            raise ProfileError(f"规则配置“{self.name}”没有考核评分表的等次（assessment）")
        return self.assessment

    def require_result_application(self) -> ResultRules:
        if self.result_application is None:
            raise ProfileError(f"规则配置“{self.name}”没有评价结果应用规则（result_application）")
        return self.result_application

    def deadline(self, key: str) -> Deadline:
        try:
            return self.deadlines[key]
        except KeyError:
            raise ProfileError(f"规则配置“{self.name}”没有规定期限“{key}”") from None

    def grade_named(self, name: str) -> Grade:
        for grade in self.grades:
            if name in (grade.name, grade.alias, grade.code):
                return grade
        known = "、".join(g.name for g in self.grades)
        raise ProfileError(f"规则配置“{self.name}”没有等次“{name}”，可用的有：{known}")

    @property
    def max_score(self) -> Decimal:
        """The highest score an evaluation can reach: the total plus the largest bonus."""
        return self.scoring.max_score if self.scoring else Decimal(100)


@lru_cache(maxsize=None)
def get_profile(profile_id: str) -> Profile:
    raw = _raw(profile_id)
    file = f"{profile_id}.yaml"
    try:
        data = _resolved(profile_id, raw)
        grades = _grades(data.get("grades"))
        profile = Profile(
            id=raw["id"], name=raw["name"], source=raw.get("source", ""),
            finance_office={str(k): str(v) for k, v in (data.get("finance_office") or {}).items()},
            raw=raw, data=data, inherits=raw.get("inherits"), grades=grades,
            scoring=_scoring(data.get("scoring")),
            ex_ante=_ex_ante(data.get("ex_ante")),
            result_application=_result_rules(data.get("result_application"), grades),
            monitoring=_monitoring(data.get("monitoring")),
            deadlines=_deadlines(data.get("deadlines")),
            self_evaluation=_self_evaluation(data.get("self_evaluation")),
            assessment=_assessment(data.get("assessment")),
        )
    except ProfileError as exc:
        raise ProfileError(f"规则配置文件 {file} 有误：{exc}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ProfileError(f"规则配置文件 {file} 格式有误（{exc}），请对照其他规则配置文件修改") from None
    return profile


def _resolved(profile_id: str, raw: dict) -> dict:
    """Every section of the profile, with what it inherits filled in."""
    keys, parent = set(raw) - set(_IDENTITY), raw.get("inherits")
    while parent:
        keys |= set(_raw(parent)) - set(_IDENTITY)
        parent = _raw(parent).get("inherits")
    data = {key: _value(profile_id, (key,), ()) for key in sorted(keys)}
    return {k: v for k, v in data.items() if v is not _MISSING}


# What each top-level section of a profile file is read by (get_profile builds them all).
_SECTIONS = {
    "finance_office": lambda v, grades: {str(k): str(x) for k, x in (v or {}).items()},
    "grades": lambda v, grades: _grades(v),
    "scoring": lambda v, grades: _scoring(v),
    "ex_ante": lambda v, grades: _ex_ante(v),
    "result_application": lambda v, grades: _result_rules(v, grades),
    "monitoring": lambda v, grades: _monitoring(v),
    "deadlines": lambda v, grades: _deadlines(v),
    "self_evaluation": lambda v, grades: _self_evaluation(v),
    "assessment": lambda v, grades: _assessment(v),
}


def profile_problems(raw, file: str) -> list[tuple[int, str]]:
    """(line, message) of every problem of a profile file as the YAML reader gives it (mappings that
    know their lines): the same reading as get_profile, section by section so that every bad
    section is named, each at its line (a section it inherits: at `inherits`)."""
    if not isinstance(raw, dict):
        return [(1, "规则配置应为“键: 值”的映射（id、name、grades …）")]
    lines = getattr(raw, "key_lines", {})
    problems: list[tuple[int, str]] = []
    profile_id, stem = raw.get("id"), file.rsplit("/", 1)[-1].removesuffix(".yaml")
    if not isinstance(profile_id, str) or not _ID.match(profile_id) or profile_id != stem:
        problems.append((lines.get("id", 1), f"id“{profile_id}”应与文件名“{stem}”相同，且只用小写字母、数字和连字符"))
    if not raw.get("name"):
        problems.append((lines.get("name", 1), "缺少 name（规则配置的名称）"))
    for key in raw:
        if key not in _SECTIONS and key not in _IDENTITY:
            near = [k for k in _SECTIONS if _close(str(key), k)]
            hint = f"，是否应为“{near[0]}”？" if near else f"，可用的有：{'、'.join(_SECTIONS)}"
            problems.append((lines.get(key, 1), f"无法识别的键“{key}”{hint}"))
    if problems or not isinstance(profile_id, str):
        return problems
    _OVERRIDE[profile_id] = raw
    try:
        data = _resolved(profile_id, raw)
        grades: tuple = ()
        for section, read in _SECTIONS.items():
            line = lines.get(section, lines.get("inherits", 1))
            if section == "result_application" and not grades:
                continue  # its cuts name grades: said once, at grades
            try:
                built = read(data.get(section), grades)
                grades = built if section == "grades" else grades
            except ProfileError as exc:
                problems.append((line, f"{section}：{exc}"))
            except (LookupError, TypeError, ValueError, AttributeError) as exc:
                problems.append((line, f"{section} 格式有误（{exc}），请对照其他规则配置文件修改"))
    except ProfileError as exc:
        problems.append((lines.get("inherits", 1), str(exc)))
    finally:
        del _OVERRIDE[profile_id]
    return problems


def _close(a: str, b: str) -> bool:
    import difflib

    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.75


def all_profiles() -> list[Profile]:
    return [get_profile(profile_id) for profile_id in sources.catalog().profile_ids()]


def profile_of(profile: Profile | str) -> Profile:
    """Accept a profile or its id."""
    return profile if isinstance(profile, Profile) else get_profile(profile)


# --- reading and inheritance ----------------------------------------------------------------------

_OVERRIDE: dict[str, dict] = {}  # the file being linted, read in place of the shipped one of its id


def _raw(profile_id: str) -> dict:
    """The profile being linted, else its parsed file handed in by the loader (the shipped one, or the
    user's of the same id)."""
    if isinstance(profile_id, str) and profile_id in _OVERRIDE:
        return _OVERRIDE[profile_id]
    return _raw_file(profile_id)


@lru_cache(maxsize=None)
def _raw_file(profile_id: str) -> dict:
    found = sources.catalog().profile_raw(profile_id) if isinstance(profile_id, str) and _ID.match(profile_id) else None
    if found is None:
        known = "、".join(sources.catalog().profile_ids()) or "无"
        raise ProfileError(f"找不到规则配置“{profile_id}”，可用的有：{known}")
    name, raw = found
    raw = raw or {}
    if not isinstance(raw, dict) or raw.get("id") != profile_id or not raw.get("name"):
        raise ProfileError(f"规则配置文件 {name} 缺少 id 或 name，或 id 与文件名不一致")
    return raw


_raw.cache_clear = _raw_file.cache_clear  # read once; the loader clears it when the catalog changes


def _value(profile_id: str, path: tuple[str, ...], stack: tuple) -> object:
    """The value at `path` in a profile, after inheritance."""
    raw = _raw(profile_id)
    if path[0] not in raw and raw.get("inherits"):
        return _value(raw["inherits"], path, stack)
    return _own(profile_id, path, stack)


def _own(profile_id: str, path: tuple[str, ...], stack: tuple) -> object:
    where = (profile_id, path)
    if where in stack:
        chain = " → ".join(f"{p}:{'.'.join(k)}" for p, k in (*stack, where))
        raise ProfileError(f"规则配置的继承形成了循环：{chain}")
    stack = (*stack, where)
    node = _raw(profile_id)
    for depth, key in enumerate(path):
        if not isinstance(node, dict):
            return _MISSING
        if key not in node:
            # inside a mapping that borrows from another profile, what it does not write is borrowed too
            if depth and "inherit" in node:
                return _value(str(node["inherit"]), path, stack)
            return _MISSING
        node = node[key]
    if not isinstance(node, dict):
        return node
    result = _MISSING
    if "inherit" in node:
        source = node["inherit"]
        result = _value(str(source), path, stack)
        if result is _MISSING:
            raise ProfileError(f"规则配置“{profile_id}”的 {'.'.join(path)} 继承自“{source}”，但“{source}”中没有这一项")
    for key in node:
        if key != "inherit":
            result = _merge(result, {key: _own(profile_id, (*path, key), stack)})
    return {} if result is _MISSING else result


def _merge(base, over):
    if base is _MISSING:
        return over
    if isinstance(base, dict) and isinstance(over, dict):
        merged = dict(base)
        for key, value in over.items():
            merged[key] = _merge(base.get(key, _MISSING), value)
        return merged
    return over


def _origin(profile_id: str, section: str, seen: tuple) -> str:
    if profile_id in seen:
        return profile_id
    raw = _raw(profile_id)
    node = raw.get(section, _MISSING)
    if node is _MISSING:
        return _origin(raw["inherits"], section, (*seen, profile_id)) if raw.get("inherits") else profile_id
    if isinstance(node, dict) and set(node) == {"inherit"}:
        return _origin(str(node["inherit"]), section, (*seen, profile_id))
    return profile_id


# --- parsing the sections -------------------------------------------------------------------------

def _dec(value, where: str) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise ProfileError(f"{where} 应为数字")
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise ProfileError(f"{where} 应为数字，现为“{value}”") from None
    if not result.is_finite():
        raise ProfileError(f"{where} 应为有限的数字")
    return result


def _grades(raw) -> tuple[Grade, ...]:
    if not raw:
        raise ProfileError("缺少等次（grades）")
    grades = tuple(sorted(
        (Grade(name=str(g["grade"]), alias=str(g.get("alias") or ""), code=str(g.get("code") or ""),
               min=_dec(g["min"], f"等次“{g['grade']}”的下限")) for g in raw),
        key=lambda g: g.min, reverse=True))
    bounds = [g.min for g in grades]
    if len(set(bounds)) != len(bounds) or bounds[-1] != 0:
        raise ProfileError("各等次的下限应互不相同，且最低一档的下限为 0")
    if len({g.name for g in grades}) != len(grades):
        raise ProfileError("等次名称重复")
    return grades


def _scoring(raw) -> ScoringRules | None:
    if raw is None:
        return None
    parts = []
    for p in raw["parts"]:
        points = _dec(p["points"], f"评分部分“{p['name']}”的分值")
        weights = tuple(WeightedIndicator(id=str(w["id"]), name=str(w["name"]),
                                          weight=_dec(w["weight"], f"“{w['name']}”的权数"))
                        for w in p.get("weights") or ())
        kind = str(p.get("kind") or ("weighted" if weights else "indicators"))
        if kind not in ("indicators", "weighted", "execution_rate"):
            raise ProfileError(f"评分部分“{p['name']}”的 kind 只能是 indicators、weighted 或 execution_rate")
        if kind == "weighted" and sum(w.weight for w in weights) != 100:
            raise ProfileError(f"评分部分“{p['name']}”的权数合计应为 100")
        parts.append(ScorePart(id=str(p["id"]), name=str(p["name"]), points=points,
                               category=str(p.get("category") or ""), kind=kind, weights=weights))
    bonus = raw.get("bonus") or {}
    rules = ScoringRules(
        rule=str(raw.get("rule", "proportional")), parts=tuple(parts),
        ratings=_ratings(raw.get("ratings")),
        bonus_min=_dec(bonus.get("min", 0), "加分下限"), bonus_max=_dec(bonus.get("max", 0), "加分上限"),
        bonus_condition=str(bonus.get("condition") or ""), source=str(raw.get("source") or ""))
    if rules.rule != "proportional":
        raise ProfileError(f"定量指标计分方法“{rules.rule}”尚不支持，请用 proportional")
    if rules.total != 100:
        raise ProfileError(f"评分各部分分值合计为 {rules.total}，应为 100")
    if not 0 <= rules.bonus_min <= rules.bonus_max:
        raise ProfileError("加分的下限应不大于上限")
    return rules


def _ratings(raw) -> tuple[Rating, ...]:
    ratings = []
    for r in raw or ():
        low, high = _dec(r["min"], f"评议等级“{r['name']}”的下限"), _dec(r["max"], f"评议等级“{r['name']}”的上限")
        if not 0 <= low < high <= 100:
            raise ProfileError(f"评议等级“{r['name']}”的得分区间应在 0–100 之间且下限小于上限")
        default = _dec(r["default"], f"评议等级“{r['name']}”的默认得分") if "default" in r else (low + high) / 2
        ratings.append(Rating(name=str(r["name"]), aliases=tuple(str(a) for a in r.get("aliases") or ()),
                              min=low, max=high, default=default))
    return tuple(sorted(ratings, key=lambda r: r.min, reverse=True))


def _self_evaluation(raw) -> SelfEvalRules | None:
    if raw is None:
        return None
    parts = tuple(SelfEvalPart(level1=str(p["level1"]), points=_dec(p["points"], f"自评表“{p['level1']}”的分值"),
                               aliases=tuple(str(a) for a in p.get("aliases") or ())) for p in raw["parts"])
    execution = _dec((raw.get("execution") or {}).get("points"), "自评表预算执行率的分值")
    total = execution + sum((p.points for p in parts), Decimal(0))
    if total != 100:
        raise ProfileError(f"自评表预算执行率与各一级指标的分值合计为 {total}，应为 100")
    caps = tuple(SelfEvalCap(execution_below=_dec(c["execution_below"], "自评表封顶规则的执行率"),
                             total_max=_dec(c["total_max"], "自评表封顶规则的最高分"), source=str(c.get("source") or ""))
                 for c in raw.get("caps") or ())
    ratings = _ratings(raw.get("ratings"))
    if not ratings:
        raise ProfileError("自评表缺少定性指标的分档（ratings）")
    return SelfEvalRules(execution_points=execution, parts=parts, ratings=ratings, caps=caps,
                         source=str(raw.get("source") or ""))


def _assessment(raw) -> AssessmentRules | None:
    if raw is None:
        return None
    grades = _grades(raw.get("grades"))
    return AssessmentRules(grades=grades, source=str(raw.get("source") or ""), note=str(raw.get("note") or ""))


def _ex_ante(raw) -> ExAnteRules | None:
    if raw is None:
        return None
    verdicts = tuple(sorted((Verdict(name=str(v["verdict"]), min=_dec(v["min"], f"结论“{v['verdict']}”的下限"),
                                     text=str(v.get("text") or "")) for v in raw["verdicts"]),
                            key=lambda v: v.min, reverse=True))
    if not verdicts or verdicts[-1].min != 0 or len({v.min for v in verdicts}) != len(verdicts):
        raise ProfileError("事前评估结论的下限应互不相同，且最低一档的下限为 0")
    return ExAnteRules(verdicts=verdicts, max=_dec(raw.get("max", 100), "事前评估最高分"),
                       source=str(raw.get("source") or ""))


def _cut_rule(raw, grades: tuple[Grade, ...], where: str) -> CutRule:
    names = {g.name for g in grades}
    below = str(raw["cut_below"])
    stop = raw.get("stop_at")
    stop = grades[-1].name if stop == "lowest" else (str(stop) if stop else None)
    for name in (below, stop):
        if name is not None and name not in names:
            raise ProfileError(f"{where}引用的等次“{name}”不在本规则的等次中（{'、'.join(g.name for g in grades)}）")
    percent = _dec(raw["cut_percent"], f"{where}的压减比例")
    if not 0 <= percent <= 100:
        raise ProfileError(f"{where}的压减比例应在 0 到 100 之间")
    return CutRule(below=below, percent=percent, base=str(raw.get("base") or "预算"), stop_at=stop)


def _result_rules(raw, grades: tuple[Grade, ...]) -> ResultRules | None:
    if raw is None:
        return None
    return ResultRules(project=_cut_rule(raw["project"], grades, "项目评价结果应用"),
                       department=_cut_rule(raw["department"], grades, "部门整体评价结果应用"),
                       source=str(raw.get("source") or ""))


def _month_day(text, where: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{1,2})-(\d{1,2})", str(text))
    if not match:
        raise ProfileError(f"{where} 应写作“月-日”，例如 07-31")
    month, day = int(match[1]), int(match[2])
    dt.date(2000, month, day)  # a leap year: any real month and day passes
    return month, day


def _monitoring(raw) -> MonitoringRules | None:
    if raw is None:
        return None
    rounds = []
    for r in raw.get("rounds") or ():
        first, last = (int(m) for m in r["months"])
        month, day = _month_day(r["due"], "监控报送期限")
        rounds.append(MonitoringRound(first_month=first, last_month=last, due_month=month, due_day=day,
                                      source=str(r.get("source") or "")))
    tolerance = raw.get("tolerance") or {}
    return MonitoringRules(rounds=tuple(rounds), tolerance=_dec(tolerance.get("points", 0), "监控容差"),
                           basis=str(tolerance.get("basis") or "序时进度"),
                           note=str(tolerance.get("note") or ""), source=str(raw.get("source") or ""))


def _deadlines(raw) -> dict[str, Deadline]:
    result = {}
    for key, d in (raw or {}).items():
        if "days" in d:
            result[key] = Deadline(key=key, days=int(d["days"]), after=str(d.get("after") or ""),
                                   source=str(d.get("source") or ""))
        else:
            month, day = _month_day(d["due"], f"期限“{key}”")
            result[key] = Deadline(key=key, month=month, day=day, year_offset=int(d.get("year_offset", 0)),
                                   after=str(d.get("after") or ""), source=str(d.get("source") or ""))
    return result


def _clear() -> None:
    get_profile.cache_clear()
    _raw.cache_clear()


sources.on_change(_clear)
