"""Scoring, grades, the ex-ante verdict and result application, by each rules profile."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfdesk.domain.profiles import Grade, get_profile
from perfdesk.domain.result_application import apply_result
from perfdesk.domain.scoring import (
    Execution, Measured, Rated, ScoringError, evaluate, ex_ante_verdict, grade, quantitative_score)

D = Decimal
NATIONAL_LIKE = ["national-2020", "xinzhou", "shuozhou", "zhongwei"]


# --- quantitative items ---------------------------------------------------------------------------

@pytest.mark.parametrize("points, target, actual, better, expected", [
    ("10", "100", "95", "higher", "9.50"),  # 10 × 95/100
    ("10", "100", "120", "higher", "10.00"),  # 1.2 capped at 1
    ("12", "85", "80", "higher", "11.29"),  # 12 × 80/85 = 11.294… → 11.29
    ("10", "0", "3", "higher", "10.00"),  # a target of 0 is met by anything
    ("10", "5", "4", "lower", "10.00"),  # 5/4 capped
    ("10", "5", "8", "lower", "6.25"),  # 10 × 5/8
    ("10", "5", "0", "lower", "10.00"),  # actual 0 → full points
    ("10", "0", "2", "lower", "0.00"),  # 10 × 0/2
    ("7", "3", "2", "higher", "4.67"),  # 7 × 2/3 = 4.666… → 4.67
])
def test_quantitative_score(points, target, actual, better, expected):
    assert quantitative_score(D(points), D(target), D(actual), better) == D(expected)


def test_quantitative_score_refuses_what_it_cannot_score():
    with pytest.raises(ScoringError, match="“增长率”的目标值和实际值不能为负数"):
        quantitative_score(D(10), D(5), D(-1), name="增长率")
    with pytest.raises(ScoringError, match="分值应大于 0"):
        quantitative_score(D(0), D(5), D(1))
    with pytest.raises(ScoringError, match="越高越好"):
        quantitative_score(D(10), D(5), D(1), "neutral")


# --- grades ---------------------------------------------------------------------------------------

CHANGZHI_BOUNDS = [
    ("84.99", "良"), ("85", "优"), ("85.01", "优"),
    ("69.99", "中"), ("70", "良"), ("70.01", "良"),
    ("59.99", "低"), ("60", "中"), ("60.01", "中"),
    ("0", "低"), ("100", "优"), ("105", "优"),  # 105 = 100 + the largest bonus
]
NATIONAL_BOUNDS = [
    ("89.99", "良"), ("90", "优"), ("90.01", "优"),
    ("79.99", "中"), ("80", "良"), ("80.01", "良"),
    ("59.99", "差"), ("60", "中"), ("60.01", "中"),
    ("0", "差"), ("100", "优"),
]


@pytest.mark.parametrize("score, expected", CHANGZHI_BOUNDS)
def test_changzhi_grade_boundaries(score, expected):
    assert grade("changzhi", score).name == expected


@pytest.mark.parametrize("profile_id", NATIONAL_LIKE)
@pytest.mark.parametrize("score, expected", NATIONAL_BOUNDS)
def test_national_like_grade_boundaries(profile_id, score, expected):
    assert grade(profile_id, score).name == expected


def test_grade_names_and_aliases():
    assert grade("changzhi", "88.5") == Grade("优", "优秀")
    assert grade("changzhi", "88.5").code == "A" and grade("changzhi", "88.5").label == "优（优秀）"
    assert [(g.name, g.alias, g.code) for g in get_profile("changzhi").grades] == [
        ("优", "优秀", "A"), ("良", "良好", "B"), ("中", "合格", "C"), ("低", "不合格", "D")]
    assert grade("xinzhou", 95).label == "优"


def test_grade_uses_the_score_rounded_half_up():
    assert grade("changzhi", "84.995").name == "优"  # shown as 85.00
    assert grade("changzhi", "84.994").name == "良"  # shown as 84.99


@pytest.mark.parametrize("profile_id, score, message", [
    ("changzhi", "abc", "分数“abc”不是有效的数字，请填写 0 到 105 之间的数字"),
    ("changzhi", "-0.01", "分数不能为负数"),
    ("changzhi", "105.01", "分数 105.01 超过了最高分 105（长治市（2014年办法）：满分 100 分，另可加分最多 5 分）"),
    ("national-2020", "100.01", "分数 100.01 超过了最高分 100（全国（财预〔2020〕10号）：满分 100 分，无加分）"),
    ("xinzhou", "", "缺少分数"),
])
def test_grade_refuses_bad_scores(profile_id, score, message):
    with pytest.raises(ScoringError) as err:
        grade(profile_id, score)
    assert message in str(err.value)


# --- ex-ante verdict (seed 001) -------------------------------------------------------------------

@pytest.mark.parametrize("profile_id", ["zhongwei", "changzhi", "national-2020", "xinzhou", "shuozhou"])
@pytest.mark.parametrize("score, expected", [
    ("0", "不可行"), ("69.99", "不可行"), ("70", "待完善"), ("70.01", "待完善"),
    ("89.99", "待完善"), ("90", "可行"), ("90.01", "可行"), ("100", "可行"),
])
def test_ex_ante_verdict_boundaries(profile_id, score, expected):
    assert ex_ante_verdict(profile_id, score).name == expected


def test_ex_ante_verdict_texts_and_limit():
    assert ex_ante_verdict("zhongwei", 95).label == "可行（同意政策出台或资金申请）"
    assert ex_ante_verdict("zhongwei", 75).text == "修改完善后重新申报"
    assert ex_ante_verdict("zhongwei", 10).text == "政策不得出台或资金不予安排"
    with pytest.raises(ScoringError, match="超过了最高分 100（事前绩效评估满分为 100 分）"):
        ex_ante_verdict("changzhi", "100.01")


# --- the Changzhi composite (002 附件2 第三部分) ----------------------------------------------------

def changzhi_example(bonus="3"):
    """A worked example.

    共性指标 (40):
      资金到位率      10 分, 目标 100%, 实际 95%    → 10 × 95/100 = 9.50
      资金使用率      10 分, 目标 100%, 实际 87.5%  → 10 × 87.5/100 = 8.75
      目标完成率      12 分, 目标 100%, 实际 110%   → capped at 12.00
      支出的合规性     8 分, 评议 良 (band 70–85, middle 77.5) → 8 × 0.775 = 6.20
      subtotal 36.45
    个性指标 (30):
      专任教师占全体教职工比例 10 分, 目标 85%, 实际 80% → 10 × 80/85 = 9.4117… → 9.41
      万元财政投入培养学生数   10 分, 目标 0.60, 实际 0.67 → capped at 10.00
      会议、培训、招待费占公用经费支出比重 (lower is better) 10 分, 目标 5%, 实际 6.25% → 10 × 5/6.25 = 8.00
      subtotal 27.41
    定性指标 (30), points = weight × 30%:
      职能目标完成效率 (30 → 9 分)  评议 A, middle of 85–100 = 92.5 → 9 × 0.925 = 8.325 → 8.33
      提供公共服务效能 (20 → 6 分)  得分 88                           → 6 × 0.88  = 5.28
      基础管理水平     (20 → 6 分)  评议 良好 → 77.5                   → 6 × 0.775 = 4.65
      发展创新能力     (20 → 6 分)  得分 65 (中)                       → 6 × 0.65  = 3.90
      对社会或环境影响程度 (10 → 3 分) 评议 优, 得分 90                 → 3 × 0.90  = 2.70
      subtotal 24.86 (the seed's ∑(得分 × 权数) × 30% = 82.85 × 0.3 = 24.855, the same once rounded)
    加分 3 (带动社会投入效果明显)
    total 36.45 + 27.41 + 24.86 + 3 = 91.72 → 优（优秀）
    """
    return evaluate("changzhi", {
        "common": [
            Measured("资金到位率", D(10), D(100), D(95), id="common.12"),
            Measured("资金使用率", D(10), D(100), D("87.5"), id="common.16"),
            Measured("目标完成率", D(12), D(100), D(110), id="common.5"),
            Rated("支出的合规性", rating="良", points=D(8), id="common.18"),
        ],
        "individual": [
            Measured("专任教师占全体教职工比例", D(10), D(85), D(80), id="edu.8"),
            Measured("万元财政投入培养学生数", D(10), D("0.60"), D("0.67"), id="edu.4"),
            Measured("会议、培训、招待费占公用经费支出比重", D(10), D(5), D("6.25"), better="lower", id="gov.9"),
        ],
        "qualitative": [
            Rated("职能目标完成效率", rating="A"),
            Rated("提供公共服务效能", score=D(88)),
            Rated("基础管理水平", rating="良好"),
            Rated("发展创新能力", score=D(65)),
            Rated("对社会或环境影响程度", rating="优", score=D(90)),
        ],
    }, bonus=bonus)


def test_changzhi_composite_worked_example():
    result = changzhi_example()
    assert [p.score for p in result.parts] == [D("36.45"), D("27.41"), D("24.86")]
    assert [i.score for i in result.part("common").items] == [D("9.50"), D("8.75"), D("12.00"), D("6.20")]
    assert [i.score for i in result.part("individual").items] == [D("9.41"), D("10.00"), D("8.00")]
    assert [(i.points, i.score) for i in result.part("qualitative").items] == [
        (D(9), D("8.33")), (D(6), D("5.28")), (D(6), D("4.65")), (D(6), D("3.90")), (D(3), D("2.70"))]
    assert result.subtotal("定量") == D("63.86") and result.subtotal("定性") == D("24.86")
    assert result.bonus == D(3)
    assert result.total == D("91.72")
    assert result.grade == Grade("优", "优秀")


def test_changzhi_composite_without_bonus_and_bonus_limits():
    assert changzhi_example(bonus=0).total == D("88.72")
    assert changzhi_example(bonus="5").total == D("93.72")
    for bad in ("2", "5.01", "-3"):
        with pytest.raises(ScoringError, match="加分应为 0，或在 3–5 分之间"):
            changzhi_example(bonus=bad)


def test_changzhi_points_must_add_up_and_every_qualitative_item_be_rated():
    parts = {
        "common": [Measured("资金到位率", D(38), D(100), D(95))],
        "individual": [Measured("师生比", D(30), D(15), D(15))],
        "qualitative": [Rated(name) for name in ("职能目标完成效率",)],
    }
    with pytest.raises(ScoringError) as err:
        evaluate("changzhi", parts)
    assert str(err.value) == "“共性指标”各项分值合计 38 分，应为 40 分，请调整分值"
    parts["common"] = [Measured("资金到位率", D(40), D(100), D(95))]
    parts["qualitative"] = [Rated("职能目标完成效率", rating="优"), Rated("基础管理水平", score=D(80))]
    with pytest.raises(ScoringError) as err:
        evaluate("changzhi", parts)
    assert str(err.value) == ("定性指标“提供公共服务效能”、“发展创新能力”、“对社会或环境影响程度”尚未评议，"
                              "请填写评议等级或得分")
    parts["qualitative"] = [Rated(n, rating="E") for n in ("职能目标完成效率", "提供公共服务效能", "基础管理水平",
                                                         "发展创新能力", "对社会或环境影响程度")]
    with pytest.raises(ScoringError, match="“职能目标完成效率”：评议等级“E”无法识别，请填写：优、良、中、低"):
        evaluate("changzhi", parts)
    parts["qualitative"][0] = Rated("职能目标完成效率", rating="优", score=D(70))
    with pytest.raises(ScoringError, match="评议为“优”，其得分应在 85–100 分之间，现为 70.00 分"):
        evaluate("changzhi", parts)
    parts["qualitative"][0] = Rated("职能目标完成效率", score=D(101))
    with pytest.raises(ScoringError, match="“职能目标完成效率”的评议得分 101 超过了最高分 100"):
        evaluate("changzhi", parts)
    del parts["individual"]
    with pytest.raises(ScoringError, match="缺少“个性指标”（30 分）的评分，请填写"):
        evaluate("changzhi", parts)
    with pytest.raises(ScoringError, match="评分规则中没有“output”部分"):
        evaluate("changzhi", {"output": []})


# --- the national 2020 self-evaluation weighting ----------------------------------------------------

def national_example(executed="105"):
    """A worked example of 财预〔2020〕10号 单位自评 (产出 50, 效益 30, 满意度 10, 预算执行率 10).

    产出 (50):  培训人次 20 分, 目标 500, 实际 480        → 20 × 480/500 = 19.20
                验收合格率 15 分, 目标 100%, 实际 100%    → 15.00
                完成时间 (days, lower is better) 15 分, 目标 30, 实际 36 → 15 × 30/36 = 12.50
                subtotal 46.70
    效益 (30):  受益人口 15 分, 目标 5000, 实际 4000      → 15 × 0.8 = 12.00
                长效管理机制 15 分, 部分达成 (band 60–80, middle 70) → 15 × 0.70 = 10.50
                subtotal 22.50
    满意度 (10): 服务对象满意度 10 分, 目标 90%, 实际 93%  → capped 10.00
    预算执行率 (10): 预算 120 万元, 执行 105 万元 → 87.5% → 10 × 0.875 = 8.75
    total 46.70 + 22.50 + 10.00 + 8.75 = 87.95 → 良 (80 ≤ s < 90)
    """
    return evaluate("national-2020", {
        "output": [
            Measured("培训人次", D(20), D(500), D(480)),
            Measured("验收合格率", D(15), D(100), D(100)),
            Measured("完成时间", D(15), D(30), D(36), better="lower"),
        ],
        "benefit": [
            Measured("受益人口", D(15), D(5000), D(4000)),
            Rated("长效管理机制建立情况", rating="部分达成", points=D(15)),
        ],
        "satisfaction": [Measured("服务对象满意度", D(10), D(90), D(93))],
        "budget_execution": Execution(budget=D(120), executed=D(executed)),
    })


def test_national_weighting_worked_example():
    result = national_example()
    assert [(p.name, p.points, p.score) for p in result.parts] == [
        ("产出指标", D(50), D("46.70")), ("效益指标", D(30), D("22.50")),
        ("满意度指标", D(10), D("10.00")), ("预算执行率", D(10), D("8.75"))]
    assert result.part("budget_execution").items[0].basis == "执行率 87.50%（105/120 万元）"
    assert result.total == D("87.95") and result.grade.name == "良"
    assert national_example(executed="130").part("budget_execution").score == D("10.00")  # capped


def test_national_has_no_bonus_and_needs_a_budget():
    parts = {"output": [Measured("a", D(50), D(1), D(1))], "benefit": [Measured("b", D(30), D(1), D(1))],
             "satisfaction": [Measured("c", D(10), D(1), D(1))], "budget_execution": Execution(D(100), D(100))}
    assert evaluate("national-2020", parts).total == D(100)
    with pytest.raises(ScoringError, match="该规则没有加分项"):
        evaluate("national-2020", parts, bonus=3)
    parts["budget_execution"] = Execution(D(0), D(10))
    with pytest.raises(ScoringError, match="“全年预算数”为 0，无法计算预算执行率"):
        evaluate("national-2020", parts)


def test_xinzhou_scores_by_the_inherited_national_weighting():
    assert [p.points for p in get_profile("xinzhou").scoring.parts] == [50, 30, 10, 10]


# --- properties -----------------------------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=10000, places=2)
changzhi_ratings = st.sampled_from(["低", "D", "中", "C", "良", "B", "优", "A"])
bonuses = st.one_of(st.just(D(0)), st.decimals(min_value=3, max_value=5, places=2))
QUALITATIVE = ["职能目标完成效率", "提供公共服务效能", "基础管理水平", "发展创新能力", "对社会或环境影响程度"]
RANK = {"低": 0, "D": 0, "中": 1, "C": 1, "良": 2, "B": 2, "优": 3, "A": 3}


def changzhi_parts(measures, ratings):
    """Four 10-point 共性 items, three 10-point 个性 items, five qualitative ratings."""
    items = [Measured(f"指标{n}", D(10), target, actual, better) for n, (target, actual, better) in enumerate(measures)]
    return {"common": items[:4], "individual": items[4:],
            "qualitative": [Rated(name, rating=r) for name, r in zip(QUALITATIVE, ratings)]}


measure = st.tuples(amounts, amounts, st.sampled_from(["higher", "lower"]))


@settings(max_examples=150, deadline=None)
@given(st.lists(measure, min_size=7, max_size=7), st.lists(changzhi_ratings, min_size=5, max_size=5), bonuses)
def test_changzhi_score_stays_within_bounds(measures, ratings, bonus):
    result = evaluate("changzhi", changzhi_parts(measures, ratings), bonus=bonus)
    assert D(0) <= result.total - result.bonus <= D(100)
    assert result.total <= D(105)
    assert result.total == result.total.quantize(D("0.01"))


@settings(max_examples=150, deadline=None)
@given(st.lists(measure, min_size=7, max_size=7), st.lists(changzhi_ratings, min_size=5, max_size=5),
       st.integers(min_value=0, max_value=6), amounts, st.integers(min_value=0, max_value=4), changzhi_ratings)
def test_more_achievement_never_lowers_the_score(measures, ratings, index, step, which, better_rating):
    before = evaluate("changzhi", changzhi_parts(measures, ratings)).total
    target, actual, direction = measures[index]
    improved = actual + step if direction == "higher" else max(actual - step, D(0))
    measures = [*measures[:index], (target, improved, direction), *measures[index + 1:]]
    assert evaluate("changzhi", changzhi_parts(measures, ratings)).total >= before
    if RANK[better_rating] >= RANK[ratings[which]]:
        ratings = [*ratings[:which], better_rating, *ratings[which + 1:]]
        assert evaluate("changzhi", changzhi_parts(measures, ratings)).total >= before


@settings(max_examples=100, deadline=None)
@given(st.lists(measure, min_size=4, max_size=4), amounts, amounts, amounts)
def test_national_score_stays_within_bounds_and_grows_with_execution(measures, budget, executed, more):
    budget = budget + D("0.01")
    items = [Measured(f"指标{n}", pts, t, a, b) for n, ((t, a, b), pts) in enumerate(zip(measures, (D(50), D(30), D(10))))]

    def score(spent):
        return evaluate("national-2020", {"output": [items[0]], "benefit": [items[1]], "satisfaction": [items[2]],
                                          "budget_execution": Execution(budget, spent)}).total
    assert D(0) <= score(executed) <= D(100)
    assert score(executed + more) >= score(executed)


# --- result application (seed 001) -----------------------------------------------------------------

@pytest.mark.parametrize("profile_id, score, action, cut, ceiling", [
    ("zhongwei", "90", "keep", "0.0000", "120.0000"),  # 优
    ("zhongwei", "80", "keep", "0.0000", "120.0000"),  # 良: not below 良
    ("zhongwei", "79.99", "cut", "12.0000", "108.0000"),  # 中: 120 × 10% = 12
    ("zhongwei", "59.99", "stop", "120", "0"),  # 差: nothing for the same content
    ("changzhi", "84.99", "keep", "0.0000", "120.0000"),  # 良 in Changzhi
    ("changzhi", "69.99", "cut", "12.0000", "108.0000"),  # 中（合格）
    ("changzhi", "59.99", "stop", "120", "0"),  # 低, Changzhi's lowest grade
])
def test_project_result_application(profile_id, score, action, cut, ceiling):
    c = apply_result(profile_id, score, "project", D(120))
    assert (c.action, c.cut, c.ceiling) == (action, D(cut), D(ceiling))


def test_project_cut_sentence_and_rounding():
    c = apply_result("zhongwei", "75", "项目", "33.3333")
    assert c.percent == D(10) and c.base == "预算总额"
    assert c.cut == D("3.3333") and c.ceiling == D("30.0000")  # 33.3333 × 10% = 3.33333 → 3.3333 (four places)
    assert c.sentence == ("项目绩效评价等次为中，低于良，按预算总额的 10% 压减预算：本年预算总额 33.3333 万元，"
                          "压减 3.3333 万元，下年度预算总额不超过 30.00 万元。")
    stop = apply_result("changzhi", "40", "project", D("120"))
    borrowed = "（长治市（2014年办法）未规定压减比例，参照中卫市进一步推进预算绩效结果应用实施方案 一（四），仅供参考）"
    assert stop.sentence == ("项目绩效评价等次为低（不合格），原则上不再安排同一支出内容的下年度预算：本年 120.00 万元，"
                             "下年度为 0。" + borrowed)
    keep = apply_result("changzhi", "85", "project")
    assert keep.cut is None and keep.ceiling is None
    assert keep.sentence == "项目绩效评价等次为优（优秀），不低于良，下年度预算总额不因评价结果压减。" + borrowed


@pytest.mark.parametrize("score, action, cut, ceiling", [
    ("80", "keep", "0.0000", "80.0000"),  # 良
    ("79.99", "cut", "4.0000", "76.0000"),  # 中: 80 × 5% = 4
    ("30", "cut", "4.0000", "76.0000"),  # 差: a department keeps the 5% rule, no stop
])
def test_department_result_application(score, action, cut, ceiling):
    c = apply_result("zhongwei", score, "department", D(80))
    assert (c.action, c.cut, c.ceiling, c.base) == (action, D(cut), D(ceiling), "公用经费")


def test_department_sentence_and_bad_input():
    c = apply_result("national-2020", Grade("中"), "部门整体", D("80"))
    assert c.sentence == ("部门整体绩效评价等次为中，低于良，按 5% 的比例扣减部门公用经费：本年公用经费 80.00 万元，"
                          "扣减 4.00 万元，下年度公用经费不超过 76.00 万元。"
                          "（全国（财预〔2020〕10号）未规定压减比例，参照中卫市进一步推进预算绩效结果应用实施方案 一（四），仅供参考）")
    with pytest.raises(ScoringError, match="评价类型“政策”无法识别"):
        apply_result("zhongwei", "70", "政策")
    with pytest.raises(ScoringError, match="本年金额不能为负数"):
        apply_result("zhongwei", "70", "project", "-1")
    with pytest.raises(ScoringError, match="不是有效的金额"):
        apply_result("zhongwei", "70", "project", "一百")


def test_items_of_the_wrong_kind_or_type_are_refused():
    qualitative = [Rated(n, rating="良") for n in QUALITATIVE]
    parts = {"common": [Measured("资金到位率", D(40), D(100), D(95))],
             "individual": [Measured("师生比", D(30), D(15), D(15))], "qualitative": qualitative}
    # the seed's ∑(单项评议指标得分 × 权数) × 30% = 77.5 × 0.3 = 23.25, although the items as shown
    # (6.975 → 6.98, 4.65 × 3, 2.325 → 2.33) add up to 23.26
    scored = evaluate("changzhi", parts).part("qualitative")
    assert scored.score == D("23.25")
    assert [i.score for i in scored.items] == [D("6.98"), D("4.65"), D("4.65"), D("4.65"), D("2.33")]
    parts["qualitative"] = [Measured("职能目标完成效率", D(9), D(1), D(1)), *qualitative[1:]]
    with pytest.raises(ScoringError, match="定性指标“职能目标完成效率”应填写评议等级或得分"):
        evaluate("changzhi", parts)
    parts["qualitative"] = [*qualitative, Rated("群众满意度", rating="优")]
    with pytest.raises(ScoringError, match="“群众满意度”不是定性指标的评议项目，应为：职能目标完成效率、"):
        evaluate("changzhi", parts)
    parts["qualitative"] = qualitative
    parts["common"] = [Measured("资金到位率", 40.0, D(100), D(95))]
    with pytest.raises(ScoringError, match="“资金到位率”的分值不能用浮点数表示"):
        evaluate("changzhi", parts)
