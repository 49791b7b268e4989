"""`perfdesk profiles` and `perfdesk grade`: output, Chinese errors, and no database touched."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfdesk.cli import main


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_profiles_lists_the_five_profiles(db_url, capsys):
    code, out, err = run(capsys, "profiles")
    assert code == 0 and err == ""
    assert out.splitlines() == [
        "changzhi\t长治市（2014年办法）\t优（优秀）≥85，良（良好）≥70，中（合格）≥60，低（不合格）<60",
        "national-2020\t全国（财预〔2020〕10号）\t优≥90，良≥80，中≥60，差<60",
        "shuozhou\t朔州市（2022年监控办法）\t优≥90，良≥80，中≥60，差<60（等次沿用 national-2020）",
        "xinzhou\t忻州市（2020年办法）\t优≥90，良≥80，中≥60，差<60",
        "zhongwei\t中卫市（结果应用实施方案）\t优≥90，良≥80，中≥60，差<60（等次沿用 national-2020）",
    ]
    assert not Path(db_url.removeprefix("sqlite:///")).exists()  # needs no database


@pytest.mark.parametrize("argv, expected", [
    (["--profile", "changzhi", "88.5"], "长治市（2014年办法）：88.50 分，等次：优（优秀）"),
    (["--profile", "changzhi", "84.99"], "长治市（2014年办法）：84.99 分，等次：良（良好）"),
    (["--profile", "changzhi", "59.99"], "长治市（2014年办法）：59.99 分，等次：低（不合格）"),
    (["--profile", "changzhi", "--bonus", "3", "103"], "长治市（2014年办法）：103.00 分（含加分 3 分），等次：优（优秀）"),
    (["--profile", "national-2020", "89.99"], "全国（财预〔2020〕10号）：89.99 分，等次：良"),
    (["--profile", "xinzhou", "９０"], "忻州市（2020年办法）：90.00 分，等次：优"),
    (["--profile", "zhongwei", "--ex-ante", "89.99"], "中卫市（结果应用实施方案）：事前绩效评估 89.99 分，结论：待完善（修改完善后重新申报）"),
    (["--profile", "zhongwei", "--ex-ante", "90"], "中卫市（结果应用实施方案）：事前绩效评估 90.00 分，结论：可行（同意政策出台或资金申请）"),
    (["--ex-ante", "--profile", "changzhi", "69.99"], "长治市（2014年办法）：事前绩效评估 69.99 分，结论：不可行（政策不得出台或资金不予安排）"),
])
def test_grade_output(db_url, capsys, argv, expected):
    code, out, err = run(capsys, "grade", *argv)
    assert (code, out, err) == (0, expected + "\n", "")
    assert not Path(db_url.removeprefix("sqlite:///")).exists()


@pytest.mark.parametrize("argv, message", [
    (["--profile", "changzhi", "abc"], "错误：分数“abc”不是有效的数字，请填写 0 到 105 之间的数字，例如 88.5"),
    (["--profile", "changzhi", "-5"], "错误：分数不能为负数（现为 -5），请填写 0 或以上的数字"),
    (["--profile", "changzhi", "105.5"], "错误：分数 105.5 超过了最高分 105（长治市（2014年办法）：满分 100 分，另可加分最多 5 分），请核对"),
    (["--profile", "national-2020", "101"], "错误：分数 101 超过了最高分 100（全国（财预〔2020〕10号）：满分 100 分，无加分），请核对"),
    (["--profile", "zhongwei", "--ex-ante", "100.5"], "错误：分数 100.5 超过了最高分 100（事前绩效评估满分为 100 分），请核对"),
    (["--profile", "beijing", "80"], "错误：找不到规则配置“beijing”，可用的有：changzhi、national-2020、shuozhou、xinzhou、zhongwei"),
])
def test_grade_errors(db_url, capsys, argv, message):
    code, out, err = run(capsys, "grade", *argv)
    assert (code, out, err) == (1, "", message + "\n")


def test_grade_needs_a_profile(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["grade", "80"])
    assert exit_.value.code == 2
    assert "参数有误" in capsys.readouterr().err
