"""Rules profiles: what each jurisdiction's file says, what it borrows, and how borrowing works."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from textwrap import dedent

import pytest

from perfdesk.domain import profiles as P
from perfdesk.domain.profiles import ProfileError, all_profiles, get_profile

D = Decimal


def test_the_five_profiles():
    assert [(p.id, p.name) for p in all_profiles()] == [
        ("changzhi", "长治市（2014年办法）"), ("national-2020", "全国（财预〔2020〕10号）"),
        ("shuozhou", "朔州市（2022年监控办法）"), ("xinzhou", "忻州市（2020年办法）"),
        ("zhongwei", "中卫市（结果应用实施方案）")]
    assert "seed 002" in get_profile("changzhi").source
    assert "财预〔2020〕10号" in get_profile("national-2020").source


def test_finance_office_by_level():
    changzhi = get_profile("changzhi")
    assert changzhi.finance_office_for("市级") == "市财政局"
    assert changzhi.finance_office_for("县级") == "县财政局"
    assert changzhi.finance_office_for("乡级") == "财政局"
    assert get_profile("national-2020").finance_office_for("中央") == "财政部"
    for pid in ("xinzhou", "shuozhou", "zhongwei"):
        assert get_profile(pid).finance_office_for("市级") == "市财政局"


def test_grade_bounds_and_where_they_come_from():
    bounds = {p.id: [(g.name, g.min) for g in p.grades] for p in all_profiles()}
    assert bounds["changzhi"] == [("优", 85), ("良", 70), ("中", 60), ("低", 0)]
    for pid in ("national-2020", "xinzhou", "shuozhou", "zhongwei"):
        assert bounds[pid] == [("优", 90), ("良", 80), ("中", 60), ("差", 0)]
    assert get_profile("xinzhou").origin("grades") == "xinzhou"  # 000 第三十七条 says so itself
    assert get_profile("shuozhou").origin("grades") == "national-2020"  # 003 is silent
    assert get_profile("zhongwei").origin("grades") == "national-2020"  # 001 is silent


def test_scoring_weights():
    changzhi = get_profile("changzhi").scoring
    assert [(p.id, p.category, p.points) for p in changzhi.parts] == [
        ("common", "定量", 40), ("individual", "定量", 30), ("qualitative", "定性", 30)]
    assert [w.weight for w in changzhi.part("qualitative").weights] == [30, 20, 20, 20, 10]
    assert (changzhi.bonus_min, changzhi.bonus_max, changzhi.max_score) == (3, 5, 105)
    assert [(r.name, r.min, r.max, r.default) for r in changzhi.ratings] == [
        ("优", 85, 100, D("92.5")), ("良", 70, 85, D("77.5")), ("中", 60, 70, 65), ("低", 0, 60, 30)]
    national = get_profile("national-2020").scoring
    assert [(p.name, p.points) for p in national.parts] == [
        ("产出指标", 50), ("效益指标", 30), ("满意度指标", 10), ("预算执行率", 10)]
    assert national.part("budget_execution").kind == "execution_rate"
    assert national.bonus_max == 0 and get_profile("national-2020").max_score == 100
    assert [r.default for r in national.ratings] == [90, 70, 30]
    assert get_profile("shuozhou").origin("scoring") == "national-2020"


def test_ex_ante_and_result_application_come_from_zhongwei():
    for profile in all_profiles():
        assert [(v.name, v.min) for v in profile.ex_ante.verdicts] == [("可行", 90), ("待完善", 70), ("不可行", 0)]
        rules = profile.result_application
        assert (rules.project.below, rules.project.percent, rules.project.base) == ("良", 10, "预算总额")
        assert (rules.department.below, rules.department.percent, rules.department.base) == ("良", 5, "公用经费")
        assert rules.department.stop_at is None
        assert profile.origin("result_application") == "zhongwei"
    # “差” is Zhongwei's word for the lowest grade: in Changzhi that grade is 低
    assert get_profile("changzhi").result_application.project.stop_at == "低"
    assert get_profile("zhongwei").result_application.project.stop_at == "差"


def test_monitoring_due_date_and_tolerance():
    for profile in all_profiles():
        monitoring = profile.monitoring
        (first_round,) = monitoring.rounds
        assert (first_round.label, first_round.due_date(2027)) == ("1-6月", dt.date(2027, 7, 31))
        assert monitoring.tolerance == 10 and monitoring.basis == "序时进度"
        assert "未规定" in monitoring.note  # the default is ours and says so
    monitoring = get_profile("shuozhou").monitoring
    assert monitoring.expected_progress(6) == D("50.00")
    assert monitoring.expected_progress(7) == D("58.33")  # 7/12 = 58.333…
    assert monitoring.lags(D("39.99"), 6) is True
    assert monitoring.lags(D("40.00"), 6) is False
    with pytest.raises(ProfileError, match="月份“13”应在 1 到 12 之间"):
        monitoring.expected_progress(13)


def test_deadlines():
    changzhi, zhongwei = get_profile("changzhi"), get_profile("zhongwei")
    assert changzhi.deadline("rectification").due(dt.date(2027, 3, 1)) == dt.date(2027, 4, 30)  # + 60 days
    assert changzhi.deadline("management_assessment").due(dt.date(2027, 12, 31)) == dt.date(2028, 1, 31)
    assert zhongwei.deadline("relay_goals").due(dt.date(2027, 2, 20)) == dt.date(2027, 3, 7)  # + 15 days
    assert zhongwei.deadline("publish_goals").days == 20
    assert zhongwei.deadline("publish_self_evaluation").days == 20
    # borrowed both ways, one deadline at a time
    assert zhongwei.deadline("rectification").days == 60 and "第四十五条" in zhongwei.deadline("rectification").source
    assert changzhi.deadline("relay_goals").days == 15 and "中卫" in changzhi.deadline("relay_goals").source
    assert get_profile("xinzhou").deadline("rectification").days == 60
    with pytest.raises(ProfileError, match="没有规定期限“management_assessment”"):
        zhongwei.deadline("management_assessment")


def test_unknown_profile():
    with pytest.raises(ProfileError, match="找不到规则配置“beijing”，可用的有：changzhi、national-2020"):
        get_profile("beijing")
    with pytest.raises(ProfileError, match="找不到规则配置“../declaration”"):
        get_profile("../declaration")


# --- inheritance mechanics, on profile files of their own -------------------------------------------

GRADES = """
grades:
  - {grade: 甲, min: 80}
  - {grade: 乙, min: 0}
"""


@pytest.fixture
def profile_dir(tmp_path):
    """Profiles of the test's own, as the only shipped ones (no user folder)."""
    from perfdesk.catalog import form_files
    from perfdesk.domain import sources

    folder = tmp_path / "profiles"
    folder.mkdir()
    sources.use(form_files.FileCatalog(shipped=tmp_path, user=tmp_path / "no-user-folder"))
    yield folder
    form_files.install()


def write(folder, name, text, *, grades=True):
    """A profile file: the text given, with two grades (甲, 乙) unless told otherwise."""
    text = dedent(text)
    if grades:
        text += GRADES
    (folder / f"{name}.yaml").write_text(text, encoding="utf-8")


def test_inherits_takes_whole_sections_and_inherit_merges(profile_dir):
    write(profile_dir, "base", """
        id: base
        name: 基础
        deadlines:
          rectification: {days: 60, after: 收到反馈之日}
          relay_goals: {days: 15}
        monitoring:
          rounds: [{months: [1, 6], due: "07-31"}]
          tolerance: {points: 10}
        """)
    write(profile_dir, "child", """
        id: child
        name: 子规则
        inherits: base
        deadlines:
          rectification: {inherit: base, days: 30}
        monitoring:
          inherit: base
          tolerance: {points: 5}
        """, grades=False)
    child = get_profile("child")
    assert [g.name for g in child.grades] == ["甲", "乙"] and child.origin("grades") == "base"
    # a section the child writes replaces the parent's: relay_goals is not carried over
    assert set(child.deadlines) == {"rectification"}
    assert (child.deadline("rectification").days, child.deadline("rectification").after) == (30, "收到反馈之日")
    assert child.monitoring.tolerance == 5 and child.monitoring.rounds[0].due_date(2030) == dt.date(2030, 7, 31)
    assert child.origin("deadlines") == "child"


def test_inheritance_loops_are_reported(profile_dir):
    write(profile_dir, "a", """
        id: a
        name: 甲地
        deadlines: {inherit: b}
        """)
    write(profile_dir, "b", """
        id: b
        name: 乙地
        deadlines: {inherit: a}
        """)
    with pytest.raises(ProfileError, match="继承形成了循环：a:deadlines → b:deadlines → a:deadlines"):
        get_profile("a")


def test_borrowing_what_the_other_profile_lacks(profile_dir):
    write(profile_dir, "a", """
        id: a
        name: 甲地
        ex_ante: {inherit: b}
        """)
    write(profile_dir, "b", """
        id: b
        name: 乙地
        """)
    with pytest.raises(ProfileError, match="a.yaml 有误：.*ex_ante 继承自“b”，但“b”中没有这一项"):
        get_profile("a")


@pytest.mark.parametrize("body, message", [
    ("grades: [{grade: 甲, min: 80}, {grade: 乙, min: 10}]", "最低一档的下限为 0"),
    ("name2: x", "缺少等次（grades）"),
    (GRADES + "scoring: {parts: [{id: x, name: 甲部分, points: 90}]}", "评分各部分分值合计为 90，应为 100"),
    (GRADES + "scoring: {parts: [{id: x, name: 定性, points: 100, weights: [{id: w, name: 效率, weight: 60}]}]}",
     "评分部分“定性”的权数合计应为 100"),
    (GRADES + "scoring: {rule: tiers, parts: [{id: x, name: 甲部分, points: 100}]}", "计分方法“tiers”尚不支持"),
    (GRADES + "result_application: {project: {cut_below: 良, cut_percent: 10}, "
              "department: {cut_below: 乙, cut_percent: 5}}",
     "项目评价结果应用引用的等次“良”不在本规则的等次中（甲、乙）"),
    (GRADES + "monitoring: {rounds: [{months: [1, 6], due: 7月31日}]}", "监控报送期限 应写作“月-日”"),
    (GRADES + "ex_ante: {verdicts: [{verdict: 可行, min: 90}]}", "最低一档的下限为 0"),
    (GRADES + "scoring: {parts: [{id: x, name: 甲部分, points: 一百}]}", "分值 应为数字，现为“一百”"),
])
def test_malformed_profiles(profile_dir, body, message):
    write(profile_dir, "bad", f"id: bad\nname: 有误的规则\n{body}\n", grades=False)
    with pytest.raises(ProfileError) as err:
        get_profile("bad")
    assert "规则配置文件 bad.yaml 有误" in str(err.value) and message in str(err.value)


def test_id_must_match_the_file_name(profile_dir):
    write(profile_dir, "other", "id: something\nname: 其他\n")
    with pytest.raises(ProfileError, match="缺少 id 或 name，或 id 与文件名不一致"):
        get_profile("other")
