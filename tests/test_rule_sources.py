"""Every rule names its source: the profiles' thresholds, weights, cuts, deadlines and tolerance, and every
check of the form files; `perfdesk profiles --explain P` lists them. Also the new tables' CLI verbs."""

from __future__ import annotations

import pytest

from perfdesk.cli import main
from perfdesk.catalog.form_reading import load_form
from perfdesk.domain.formdef import FormDefinitionError
from perfdesk.domain.profile_sources import explain, form_checks, unsourced
from perfdesk.domain.profiles import all_profiles
from perfdesk.domain.registry import get_form

DEMO_YEAR = 2027


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("profile", [p.id for p in all_profiles()])
def test_every_rule_of_every_profile_has_a_source(profile):
    assert explain(profile) and unsourced(profile) == []


def test_explain_changzhi_lists_each_rule_with_its_source(db_url, capsys):
    code, out, err = run(capsys, "profiles", "--explain", "changzhi")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith("长治市（2014年办法）（changzhi）：每项规则及其出处")
    rows = [line.split("\t") for line in lines[1:]]
    assert all(len(r) == 3 and r[2] and "未注明出处" not in r[2] for r in rows)
    for expected in [
        ["评价等次", "优（优秀）≥85", "长治市预算绩效管理办法 附件5-2 第7条 评价等次（优秀 S≥85）"],
        ["评价计分", "共性指标 40 分", "长治市预算绩效管理办法 附件2 第三部分 二 计分方法（定量 70 分，共性 40）"],
        ["考核评分表等次", "优秀≥85", "本程序设定（第五十一条未规定分数线，沿用附件5-2 优秀 S≥85）"],
        ["绩效自评表计分", "产出指标 50 分", "财预〔2020〕10号 单位自评 一级指标权重（产出指标 50%）（沿用 national-2020）"],
        ["事前绩效评估结论", "可行≥90",
         "中卫市进一步推进预算绩效结果应用实施方案 一（一）（100分≥评估得分≥90分）（沿用 zhongwei）"],
        ["运行监控", "支出进度可落后序时进度 10 个百分点",
         "本程序设定（办法未规定支出进度的容差；序时进度见第四章）（沿用 shuozhou）"],
        ["期限", "rectification：收到反馈的绩效评价报告之日起 60 日内", "长治市预算绩效管理办法 第四十五条"],
        ["期限", "relay_goals：接到市财政局批复本部门项目预算支出绩效目标之日起 15 日内",
         "中卫市进一步推进预算绩效结果应用实施方案 一（二）（沿用 zhongwei）"],
        ["校验", "市直部门预算绩效管理工作考核评分表·item_caps",
         "长治市预算绩效管理办法 附件8-1 计分标准（各项分值、“本项最多X分”“每次X分”）"],
    ]:
        assert expected in rows, expected
    assert sum(1 for r in rows if r[0] == "校验") == len(form_checks())
    # each section of the profile is listed: none is left out
    assert {r[0] for r in rows} == {"评价等次", "评价计分", "绩效自评表计分", "考核评分表等次", "事前绩效评估结论",
                                    "评价结果应用", "运行监控", "期限", "校验"}


def test_explain_of_an_unknown_profile_fails_in_chinese(db_url, capsys):
    code, out, err = run(capsys, "profiles", "--explain", "taiyuan")
    assert code != 0 and out == "" and "找不到规则配置“taiyuan”" in err and "Traceback" not in err


def test_a_check_without_a_source_is_refused_when_the_form_loads(tmp_path):
    form = get_form("feedback_letter")
    text = form.source.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.strip().startswith("source: 本程序设定"))
    path = tmp_path / "feedback_letter.yaml"
    path.write_text(text.replace(line + "\n", ""), encoding="utf-8")
    with pytest.raises(FormDefinitionError, match="校验规则 reply_after_issue 缺少 source（出处）"):
        load_form(path)


# --- the verbs that start the new tables ------------------------------------------------------------

def test_self_eval_refuses_a_draft_declaration_and_writes_nothing(full_demo_store, db_url, capsys):
    draft = next(f for f in full_demo_store.list_forms(year=DEMO_YEAR, form_id="declaration")
                 if f.title == f"{DEMO_YEAR}年校园安全监控系统建设")
    before = len(full_demo_store.list_forms())
    code, out, err = run(capsys, "self-eval", str(draft.id), "--db", db_url)
    assert code != 0 and "尚未报送或审核通过" in err and "Traceback" not in err
    assert len(full_demo_store.list_forms()) == before


def test_the_verbs_start_each_table(full_demo_store, db_url, capsys):
    store = full_demo_store
    past = DEMO_YEAR - 1
    repair = next(f for f in store.list_forms(year=past, form_id="declaration") if f.title == f"{past}年校舍维修改造项目")
    code, out, _ = run(capsys, "self-eval", str(repair.id), "--db", db_url)
    assert code == 0 and out.startswith("已生成项目支出绩效自评表")
    code, out, _ = run(capsys, "self-eval-dept", "--unit", "201003", "--year", str(past), "--db", db_url)
    assert code == 0 and "部门整体支出绩效自评表" in out
    code, out, _ = run(capsys, "assessment", "--kind", "county", "--unit", "310001", "--year", str(past), "--db", db_url)
    assert code == 0 and "县（市、区）财政局预算绩效管理工作考核评分表" in out
    code, out, _ = run(capsys, "ex-ante", str(repair.id), "--db", db_url)
    assert code == 0 and f"关联申报表 {repair.id}" in out
    code, _, err = run(capsys, "assessment", "--kind", "county", "--unit", "999", "--year", str(past), "--db", db_url)
    assert code != 0 and "找不到单位编码为 999 的单位" in err
