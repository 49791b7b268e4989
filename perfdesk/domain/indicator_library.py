"""The indicator library (forms/indicator_library.yaml): 长治市 附件2 as data, read once.

Ids: `common.<n>` for the 26 共性指标 (n as numbered in the seed), `common.acct.<n>` for the four measures
that quantify 会计信息质量, `<family>.<n>` for the 个性指标 (econ, agri, edu, sci, culture, health, social,
procure, gov), `qual.<name>` for the weighted 定性指标, and `monitor.*` / `national.*` for rates of the
other seeds.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from typing import Mapping


from perfdesk.domain import sources
from perfdesk.domain.formulas import Formula, FormulaError, FormulaResult, formula_from_data

LIBRARY_FILE = "indicator_library.yaml"


@dataclass(frozen=True)
class Indicator:
    id: str
    no: int
    name: str
    family: str  # "common" or a family id
    group: str  # the 共性 group's name, or the family's name
    category: str  # 业务指标 / 财务指标 for 共性指标, 个性指标 otherwise
    explanation: str = ""
    method: str = ""  # how it is judged when there is no formula: 专家评定, 问卷调查, 评价判断
    formula: Formula | None = None

    @property
    def better(self) -> str | None:
        return self.formula.better if self.formula else None


@dataclass(frozen=True)
class CommonGroup:
    id: str
    no: int
    name: str
    category: str
    definition: str
    indicators: tuple[Indicator, ...]
    formulas: tuple[Formula, ...] = ()  # measures of the whole group (会计信息质量)


@dataclass(frozen=True)
class Family:
    id: str
    no: int
    name: str
    description: str
    subjects: str
    categories: tuple[str, ...]
    listed_only: tuple[str, ...]  # names the seed's diagram shows with no formula or explanation
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class QualitativeIndicator:
    id: str
    name: str
    weight: Decimal


@dataclass(frozen=True)
class Described:
    name: str
    explanation: str


@dataclass(frozen=True)
class Library:
    source: str
    introduction: str
    groups: tuple[CommonGroup, ...]
    families: tuple[Family, ...]
    qualitative: tuple[QualitativeIndicator, ...]
    qualitative_description: str
    factors: tuple[Described, ...]
    methods: tuple[Described, ...]
    other_formulas: tuple[Formula, ...]


@lru_cache(maxsize=1)
def library() -> Library:
    data = sources.catalog().indicator_library_raw()  # read by the catalog: the domain reads no file
    try:
        return _build(data)
    except (KeyError, TypeError, AttributeError) as exc:
        raise FormulaError(f"指标库文件 {LIBRARY_FILE} 格式有误（{exc}）") from None


def common_groups() -> tuple[CommonGroup, ...]:
    return library().groups


def common_indicators() -> list[Indicator]:
    """The 26 共性指标 in the seed's order."""
    return [i for g in library().groups for i in g.indicators]


def families() -> tuple[Family, ...]:
    return library().families


def family(family_id: str) -> Family:
    for f in library().families:
        if f.id == family_id:
            return f
    raise FormulaError(f"指标库中没有“{family_id}”这一类个性指标")


def qualitative_indicators() -> tuple[QualitativeIndicator, ...]:
    return library().qualitative


def formulas() -> list[Formula]:
    """Every formula of the library, 共性 then 个性 then the other seeds' rates."""
    return [f for f in map(_formula_of, _entries().values()) if f is not None]


def find(entry_id: str) -> Indicator | Formula | QualitativeIndicator:
    try:
        return _entries()[entry_id]
    except KeyError:
        raise FormulaError(f"指标库中没有编号为“{entry_id}”的指标") from None


def search(text: str) -> list[Indicator | Formula | QualitativeIndicator]:
    """Entries whose name, explanation, formula or input labels hold every word of `text`."""
    words = [w.lower() for w in text.split()]
    if not words:
        return []
    return [e for e in _entries().values() if all(w in _haystack(e) for w in words)]


def compute(entry_id: str, inputs: Mapping[str, object]) -> FormulaResult:
    """Compute an indicator's formula; inputs are given by key or by their Chinese label."""
    entry = find(entry_id)
    formula = _formula_of(entry)
    if formula is None:
        how = f"（{entry.method}）" if getattr(entry, "method", "") else ""
        raise FormulaError(f"“{entry.name}”没有计算公式{how}，请直接填写评价结果")
    return formula.evaluate(inputs)


# --- building -------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _entries() -> dict[str, Indicator | Formula | QualitativeIndicator]:
    """Every entry by id, in the library's order."""
    lib = library()
    everything = [e for g in lib.groups for e in (*g.indicators, *g.formulas)]
    everything += [i for f in lib.families for i in f.indicators]
    everything += [*lib.qualitative, *lib.other_formulas]
    entries = {e.id: e for e in everything}
    if len(entries) != len(everything):
        raise FormulaError(f"指标库 {LIBRARY_FILE} 中有重复的编号")
    return entries


def _formula_of(entry) -> Formula | None:
    return entry if isinstance(entry, Formula) else getattr(entry, "formula", None)


def _haystack(entry) -> str:
    parts = [entry.id, entry.name]
    formula = _formula_of(entry)
    if isinstance(entry, Indicator):
        parts += [entry.explanation, entry.group, entry.method]
    if formula is not None:
        parts += [formula.name, formula.seed, formula.note, *(i.label for i in formula.inputs)]
    return " ".join(parts).lower()


def _build(data: dict) -> Library:
    groups = []
    for no, g in enumerate(data["common"], start=1):
        indicators = tuple(_indicator(i, prefix="common", family="common", group=g["name"], category=g["category"])
                           for i in g["indicators"])
        extra = tuple(formula_from_data(f, id=f["id"], name=f["name"]) for f in g.get("formulas") or ())
        groups.append(CommonGroup(id=g["id"], no=no, name=g["name"], category=g["category"],
                                  definition=str(g.get("definition") or "").strip(), indicators=indicators,
                                  formulas=extra))
    common = {i.id: i for g in groups for i in g.indicators}
    fams = []
    for f in data["families"]:
        indicators = []
        for item in f["indicators"]:
            if "same_as" in item:  # the seed lists the same indicator again under this family
                original = common[item["same_as"]]
                iid = f"{f['id']}.{item['number']}"
                formula = original.formula and replace(original.formula, id=iid)
                indicators.append(Indicator(id=iid, no=int(item["number"]), name=str(item["name"]), family=f["id"],
                                            group=f["name"], category="个性指标",
                                            explanation=f"同共性指标 {original.no}：{original.explanation}",
                                            formula=formula))
            else:
                indicators.append(_indicator(item, prefix=f["id"], family=f["id"], group=f["name"], category="个性指标"))
        fams.append(Family(id=f["id"], no=int(f["number"]), name=f["name"], description=str(f.get("description") or ""),
                           subjects=str(f.get("subjects") or ""), categories=tuple(f.get("categories") or ()),
                           listed_only=tuple(f.get("listed_only") or ()), indicators=tuple(indicators)))
    q = data["qualitative"]
    qualitative = tuple(QualitativeIndicator(id=i["id"], name=i["name"], weight=Decimal(str(i["weight"])))
                        for i in q["indicators"])
    if sum(i.weight for i in qualitative) != 100:
        raise FormulaError(f"指标库 {LIBRARY_FILE} 中定性指标的权数合计应为 100")
    return Library(
        source=str(data.get("source") or ""), introduction=str(data.get("introduction") or ""),
        groups=tuple(groups), families=tuple(fams), qualitative=qualitative,
        qualitative_description=str(q.get("description") or ""),
        factors=tuple(Described(f["name"], f["explanation"]) for f in q.get("factors") or ()),
        methods=tuple(Described(m["name"], m["explanation"]) for m in q.get("methods") or ()),
        other_formulas=tuple(formula_from_data(f, id=f["id"], name=f["name"]) for f in data.get("other_formulas") or ()),
    )


def _indicator(item: dict, *, prefix: str, family: str, group: str, category: str) -> Indicator:
    iid = f"{prefix}.{item['number']}"
    name = str(item["name"])
    formula_data = item.get("formula") or (item if "expression" in item else None)
    formula = formula_from_data(formula_data, id=iid, name=name) if formula_data else None
    explanation = str(item.get("explanation") or (formula.seed if formula else "") or "")
    return Indicator(id=iid, no=int(item["number"]), name=name, family=family, group=group, category=category,
                     explanation=explanation, method=str(item.get("method") or ""), formula=formula)

