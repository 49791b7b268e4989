"""The office's verbs as a clerk types them: the register from an XLSX list (a bad row reported by
row, the good ones imported), a round created with its deadlines and sources, 报送情况 filtered."""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook, load_workbook

from perfdesk.cli import main
from perfdesk.store import Store
from perfdesk.store.office import OfficeStore


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _units_xlsx(path, rows) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["长治市市直预算单位名册"])
    ws.append(["单位编码", "单位名称", "主管部门编码", "主管部门名称", "联系人", "联系电话"])
    for row in rows:
        ws.append(row)
    wb.save(path)


def test_units_import_reports_bad_rows_and_keeps_the_good(db_url, tmp_path, capsys):
    path = tmp_path / "单位名册.xlsx"
    _units_xlsx(path, [
        ["201003", "长治市第一中学", "201", "长治市教育局", "刘晓燕", "0355-2021236"],
        ["202002", "长治市人民医院", "202", "长治市卫生健康委员会", "张海燕", "0355-2035511"],
        ["", "长治市第五中学", "201", "长治市教育局", "", ""],
        ["202003", "长治市中医医院", "202", "长治市卫生健康委员会", "王志强", "电话待定"],
        ["201003", "长治市第一中学（重复）", "201", "长治市教育局", "", ""],
    ])
    code, out, _ = run(capsys, "units", "import", str(path))
    assert code == 1
    assert "第 5 行：“单位编码”为空，请填写" in out
    assert "第 6 行：“联系电话”“电话待定”只能含数字和“-”，如 0355-2021234" in out
    assert "第 7 行：单位编码 201003 与第 3 行重复，请删去一行" in out
    assert "单位名册：新增 2 个，更新 0 个；有误 3 行未导入" in out
    store = Store(db_url)
    try:
        assert [u.code for u in OfficeStore(store).units()] == ["201003", "202002"]
    finally:
        store.close()
    code, out, _ = run(capsys, "units", "list")
    assert code == 0 and "长治市卫生健康委员会（202）" in out and "202002　长治市人民医院　张海燕　0355-2035511" in out


def test_a_file_that_is_not_a_list_of_units_writes_nothing(db_url, tmp_path, capsys):
    path = tmp_path / "别的表.xlsx"
    wb = Workbook()
    wb.active.append(["项目名称", "金额"])
    wb.save(path)
    code, _, err = run(capsys, "units", "import", str(path))
    assert code == 1 and "没有找到标题行" in err and "Traceback" not in err
    (tmp_path / "坏.xlsx").write_bytes(b"not a workbook")
    code, _, err = run(capsys, "units", "import", str(tmp_path / "坏.xlsx"))
    assert code == 1 and "不是有效的 Excel 工作簿" in err


def test_task_create_list_and_status_board(db_url, tmp_path, capsys):
    today = dt.date.today()
    code, out, _ = run(capsys, "demo", "--office")
    assert code == 0 and "36 个单位" in out
    # The declarations have no deadline in the seeds: asked for, by name.
    code, _, err = run(capsys, "task", "create", "--year", "2027", "--kinds", "declaration,rectification",
                       "--title", "预算编制")
    assert code == 1 and "“预算支出绩效目标申报表”的报送期限制度未规定，请用 --deadline declaration=YYYY-MM-DD 指定" in err
    code, out, _ = run(capsys, "task", "create", "--year", "2027", "--kinds", "declaration,rectification",
                       "--title", "预算编制", "--units", "@206", "--deadline", "declaration=2027-01-15",
                       "--issued", "2026-12-01")
    assert code == 0 and "6 个单位" in out
    assert "绩效评价结果整改报告书：2027年1月30日前（依据：长治市预算绩效管理办法 第四十五条" in out
    code, out, _ = run(capsys, "task", "create", "--year", "2027", "--kinds", "declaration", "--title", "批复下达",
                       "--rule", "declaration=relay_goals", "--issued", "2026-12-01")
    assert code == 0 and "2026年12月16日前（依据：中卫市进一步推进预算绩效结果应用实施方案 一（二）" in out
    code, out, _ = run(capsys, "task", "list", "--today", "2026-12-06")
    assert "批复下达" in out and "剩 10 天" in out

    # The demo's round (task 1): every state, filtered to what is waiting for review.
    code, out, _ = run(capsys, "status-board", "--task", "1", "--filter", "待审", "--today", today.isoformat())
    assert code == 0 and "长治市第五中学" in out and "长治市卫生健康委员会机关" not in out
    assert "预算支出绩效目标申报表：已报 28，未报 8（逾期 8），待审 8，退回 4，通过 16，空数据说明 0" in out
    xlsx = tmp_path / "催报.xlsx"
    code, out, _ = run(capsys, "status-board", "--task", "1", "--xlsx", str(xlsx))
    assert code == 0 and "已导出催报名单（24 个单位）" in out
    sheet = load_workbook(xlsx).active
    texts = [c.value for row in sheet.iter_rows() for c in row if c.value]
    assert "长治市卫生健康委员会机关" in texts and "长治市人民医院" not in texts
