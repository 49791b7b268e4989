"""The rough edges a county clerk hit on the first day (issue 15, item 7): one test per defect,
each as the clerk saw it at the terminal."""

from __future__ import annotations

import errno
import io
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from perfdesk.cli import main
from perfdesk.store import Store

PASS = "geheim-1234"


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def by_title(url: str, text: str) -> int:
    s = Store(url)
    try:
        return next(f.id for f in s.list_forms() if f.title == text)
    finally:
        s.close()


@pytest.fixture
def demo(full_demo_store, db_url):
    """What `perfdesk demo --year 2027` writes, in this test's database."""
    return db_url


@pytest.fixture
def read_only_dir(tmp_path, monkeypatch):
    """A folder nothing can be written to. Root writes through chmod, so there the OS's refusal
    (EACCES from creating a file in it) is what the test makes happen."""
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    if os.access(folder, os.W_OK):
        real = tempfile.mkstemp

        def refuse(*args, dir=None, **kwargs):  # noqa: A002 - tempfile's own name
            if dir is not None and Path(dir) == folder:
                raise PermissionError(errno.EACCES, "Permission denied", str(Path(dir) / ".perfdesk-x"))
            return real(*args, dir=dir, **kwargs)

        monkeypatch.setattr(tempfile, "mkstemp", refuse)
    yield folder
    folder.chmod(0o755)


@pytest.fixture
def signing(demo, capsys, monkeypatch):
    monkeypatch.setenv("PERFDESK_PASSPHRASE", PASS)
    assert run(capsys, "identity", "create", "--unit", "201003")[0] == 0
    return demo


# --- files the clerk names -------------------------------------------------------------------

def test_package_into_a_read_only_folder_is_said_in_chinese(signing, read_only_dir, capsys):
    form = by_title(signing, "2027年教师能力提升培训专项")
    code, out, err = run(capsys, "package", str(form), "--out", str(read_only_dir / "p.pdpkg"))
    assert code == 1 and "Traceback" not in err
    assert f"无法写入文件 {read_only_dir / 'p.pdpkg'}：没有访问权限" in err
    assert list(read_only_dir.iterdir()) == []


def test_registration_form_into_a_read_only_folder_is_said_in_chinese(signing, read_only_dir, capsys):
    code, _, err = run(capsys, "identity", "export-registration", "--unit", "201003",
                       "--out", str(read_only_dir / "reg.pdf"))
    assert code == 1 and f"无法写入文件 {read_only_dir / 'reg.pdf'}：没有访问权限" in err


def test_export_names_the_file_asked_for_not_the_temporary_one(demo, read_only_dir, capsys):
    form = by_title(demo, "2027年教师能力提升培训专项")
    code, _, err = run(capsys, "export", str(form), "--pdf", str(read_only_dir / "a.pdf"))
    assert code == 1 and f"无法写入文件 {read_only_dir / 'a.pdf'}：没有访问权限" in err
    assert ".perfdesk-" not in err


def test_export_refuses_one_file_for_both(demo, tmp_path, capsys):
    form = by_title(demo, "2027年教师能力提升培训专项")
    same = tmp_path / "same.pdf"
    code, out, err = run(capsys, "export", str(form), "--pdf", str(same), "--xlsx", str(same))
    assert code == 1 and "不能写到同一个文件" in err and out == "" and not same.exists()


@pytest.mark.parametrize("option, name, hint", [("--pdf", "decl2.txt", "decl2.pdf"), ("--xlsx", "decl2.pdf", "decl2.xlsx"),
                                                 ("--pdf", "decl2", "decl2.pdf")])
def test_export_refuses_a_file_name_of_another_kind(demo, tmp_path, capsys, option, name, hint):
    form = by_title(demo, "2027年教师能力提升培训专项")
    code, _, err = run(capsys, "export", str(form), option, str(tmp_path / name))
    assert code == 1 and f"请改为 {hint}" in err and not (tmp_path / name).exists()


# --- monitoring ------------------------------------------------------------------------------

def test_monitor_refuses_a_draft_with_errors(demo, capsys):
    draft = by_title(demo, "2027年校园安全监控系统建设")
    code, _, err = run(capsys, "monitor", str(draft))
    assert code == 1 and "个错误，不能据此生成监控表" in err
    assert not any("校园安全监控系统建设（2027年" in f for f in _titles(demo))


def test_monitor_refuses_a_second_table_for_the_same_period(demo, capsys):
    good = by_title(demo, "2027年校舍维修改造项目")
    assert run(capsys, "monitor", str(good))[0] == 0
    code, _, err = run(capsys, "monitor", str(good))
    assert code == 1 and "1-6月监控表已经存在" in err
    assert sum("校舍维修改造项目（2027年1-6月监控）" in t for t in _titles(demo)) == 1
    assert run(capsys, "monitor", str(good), "--months", "9")[0] == 0  # another period is another table


def test_monitor_dept_refuses_a_year_without_declarations(demo, capsys):
    code, _, err = run(capsys, "monitor-dept", "--unit", "201003", "--year", "2030")
    assert code == 1 and "2030年度没有已报送或批复的申报表" in err
    assert not any("2030" in t for t in _titles(demo))


def test_monitor_dept_refuses_a_second_table_for_the_same_period(demo, capsys):
    # The demo holds the city school's 2026 1-6月 department table already.
    code, _, err = run(capsys, "monitor-dept", "--unit", "201003", "--year", "2026")
    assert code == 1 and "“长治市第一中学”2026年1-6月的部门整体监控表已经存在" in err
    assert sum(t == "长治市第一中学部门整体（2026年1-6月监控）" for t in _titles(demo)) == 1
    assert run(capsys, "monitor-dept", "--unit", "201003", "--year", "2026", "--months", "9")[0] == 0


def test_department_table_passes_its_own_sum_check(demo, capsys):
    code, out, _ = run(capsys, "monitor-dept", "--unit", "201003", "--year", "2027")
    assert code == 0
    new = int(out.split("：")[1].split("“")[0])
    code, out, _ = run(capsys, "check", str(new))
    assert "按预算类别的本年预算合计" not in out
    s = Store(demo)
    try:
        data = s.get_form(new).data
    finally:
        s.close()
    assert data["funds_by_kind"]["general"]["budget"] == data["funds_by_use"]["project"]["budget"] == "1217.675"


def test_alerts_on_a_declaration_says_it_is_no_monitoring_table(demo, capsys):
    declaration = by_title(demo, "2027年校舍维修改造项目")
    code, out, err = run(capsys, "alerts", str(declaration))
    assert code == 1 and "不是运行监控表" in err and "无绩效预警" not in out


def _titles(url: str) -> list[str]:
    s = Store(url)
    try:
        return [f.title for f in s.list_forms()]
    finally:
        s.close()


# --- printed labels --------------------------------------------------------------------------

def test_a_label_split_across_pages_stays_inside_its_cell(full_demo_store, monkeypatch):
    """产出指标 whose last row starts page 2 of a monitoring table had one row for two lines; the
    second line ran through the cell border. Every label line must sit inside its cell."""
    from perfdesk.app.operations import grid_for
    from perfdesk.render import pdf as pdf_mod

    outside: list[str] = []
    box: dict = {}
    real_cell, real_text = pdf_mod._Printer.cell, pdf_mod._Printer.line_text

    def cell(self, piece, top, height, split):
        box.update(top=top, bottom=top - height, text=piece.cell.text)
        real_cell(self, piece, top, height, split)

    def line_text(self, x, y, text, size=pdf_mod.SIZE):
        if box and not box["bottom"] <= y <= box["top"]:
            outside.append(f"{box['text']}: “{text}”")
        real_text(self, x, y, text, size)

    monkeypatch.setattr(pdf_mod._Printer, "cell", cell)
    monkeypatch.setattr(pdf_mod._Printer, "line_text", line_text)
    record = next(f for f in full_demo_store.list_forms() if f.title == "2026年校舍维修改造项目（2026年1-6月监控）")
    data = pdf_mod.render_pdf(grid_for(full_demo_store, record))
    assert not outside, outside
    assert len(PdfReader(io.BytesIO(data)).pages) >= 2  # the table does break across pages


# --- the unit set-up -------------------------------------------------------------------------

def test_setup_refuses_a_supervisor_code_the_declaration_refuses():
    from perfdesk.ui.setup_dialog import validate_unit

    values = dict(name="长治市第一中学", code="201003", supervisor_name="长治市教育局", supervisor_code="99",
                  region="长治市", level="市级", profile="changzhi")
    field, message = validate_unit(values)
    assert field == "supervisor_code" and "主管部门编码“99”格式不对" in message and "3 至 9 位数字" in message
    assert validate_unit({**values, "supervisor_code": "201"}) is None


# --- Ctrl-C ----------------------------------------------------------------------------------

def test_ctrl_c_at_the_passphrase_prompt_cancels_quietly(signing, capsys, monkeypatch, tmp_path):
    import getpass

    from perfdesk.cli import verbs_packages as packages

    monkeypatch.delenv("PERFDESK_PASSPHRASE")
    monkeypatch.setattr(packages.sys.stdin, "isatty", lambda: True, raising=False)

    def interrupted(prompt=""):
        raise KeyboardInterrupt

    monkeypatch.setattr(getpass, "getpass", interrupted)
    form = by_title(signing, "2027年教师能力提升培训专项")
    code, _, err = run(capsys, "package", str(form), "--out", str(tmp_path / "p.pdpkg"))
    assert code == 130 and "已取消" in err and "Traceback" not in err and not (tmp_path / "p.pdpkg").exists()


def test_import_shows_each_package_as_it_goes_and_stops_on_ctrl_c(signing, capsys, tmp_path, monkeypatch):
    from perfdesk.package import importer

    for n, title in enumerate(["2027年教师能力提升培训专项", "2027年校舍维修改造项目"]):
        assert run(capsys, "package", str(by_title(signing, title)), "--out", str(tmp_path / f"{n}.pdpkg"))[0] == 0
    printed_before_second: list[str] = []
    real = importer.import_bytes
    calls = []

    def second_interrupted(store, data, source, **kw):
        calls.append(source)
        if len(calls) == 2:
            printed_before_second.append(capsys.readouterr().out)
            raise KeyboardInterrupt
        return real(store, data, source, **kw)

    monkeypatch.setattr(importer, "import_bytes", second_interrupted)
    code, _, err = run(capsys, "import", str(tmp_path))
    assert printed_before_second and "（1/2）[已拒绝]" in printed_before_second[0]  # shown before the second began
    assert code == 130 and "已中断" in err and "其余 1 个未导入" in err and "Traceback" not in err


@pytest.mark.skipif(sys.platform.startswith("win"), reason="SIGINT to a child is a POSIX matter")
def test_ctrl_c_quits_the_gui(demo, tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen([sys.executable, "-m", "perfdesk", "--db", demo], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(4)
    assert child.poll() is None, child.stderr.read()
    child.send_signal(signal.SIGINT)
    try:
        _, err = child.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        child.kill()
        pytest.fail("Ctrl-C did not end the GUI")
    assert child.returncode == 0 and "KeyboardInterrupt" not in err and "Traceback" not in err


# --- English leaks ---------------------------------------------------------------------------

def test_os_errors_are_translated(demo, capsys, tmp_path):
    code, out, _ = run(capsys, "verify", str(tmp_path / "missing.pdpkg"))
    assert code == 1 and "文件或文件夹不存在" in out and "No such file" not in out
    (tmp_path / "notdb.db").write_text("hello")
    code, _, err = run(capsys, "list", "--db", f"sqlite:///{tmp_path / 'notdb.db'}")
    assert code == 1 and "该文件不是 PerfDesk 数据库" in err and "file is not a database" not in err
    code, _, err = run(capsys, "package", "1", "--out", str(tmp_path / "p.pdpkg"), "--seal", str(tmp_path / "no.png"))
    assert "No such file" not in err


def test_verify_says_the_pdf_signature_in_chinese(signing, capsys, tmp_path):
    form = by_title(signing, "2027年教师能力提升培训专项")
    run(capsys, "package", str(form), "--out", str(tmp_path / "p.pdpkg"))
    code, out, _ = run(capsys, "verify", str(tmp_path / "p.pdpkg"))
    line = next(l for l in out.splitlines() if l.startswith("PDF 内签名"))
    assert code == 0 and "INTACT" not in line and "TRUSTED" not in line
    assert line == "PDF 内签名：有效（签名人 长治市第一中学，签名后未被改动，与 form.json 一致）"


def test_help_texts_are_chinese(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    out = capsys.readouterr().out
    assert "用法：" in out and "位置参数" in out and "显示本帮助并退出" in out
    for english in ("usage:", "positional arguments", "show this help message", "options:"):
        assert english not in out
    with pytest.raises(SystemExit):
        main(["check", "abc"])
    err = capsys.readouterr().err
    assert "不是有效的值" in err and "invalid" not in err


# --- grades, keys, amounts, no display -------------------------------------------------------

def test_every_verb_says_what_its_form_number_year_and_files_are():
    import argparse

    from perfdesk.cli import _parser

    verbs = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    bare = []
    for name, parser in verbs.choices.items():
        for action in parser._actions:
            metavar = action.metavar or ""
            if (action.dest == "id" or metavar in ("文件",) and action.option_strings) and not action.help:
                bare.append(f"{name} {metavar}")
            assert metavar != "YEAR" and not (action.dest == "year" and metavar == ""), f"{name}: --year 年度"
    assert not bare, bare
    help_text = verbs.choices["export"].format_help()
    assert "表单编号（perfdesk list 每行开头的数字）" in help_text and "写出 A4 PDF" in help_text
    assert "--year 年度    预算年度，如 2027" in verbs.choices["monitor-dept"].format_help()


def test_revisions_show_local_times_as_chinese_tables_write_them(demo, capsys, monkeypatch):
    import re
    import time

    with Store(demo) as store:  # saved once more: a version to list
        store.save_form(1, data=dict(store.get_form(1).data, other_notes="第二次保存"))
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        code, out, _ = run(capsys, "revisions", "1")
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    lines = [l for l in out.splitlines() if l[:1].isdigit()]
    assert code == 0 and lines and all(re.match(r"\d+\t\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d\t", l) for l in lines), out


def test_grade_above_100_needs_the_bonus(capsys):
    code, out, err = run(capsys, "grade", "--profile", "changzhi", "101")
    assert code == 1 and out == "" and "超过满分 100 分" in err and "--bonus" in err
    code, out, _ = run(capsys, "grade", "--profile", "changzhi", "--bonus", "3", "101")
    assert code == 0 and "101.00 分（含加分 3 分），等次：优（优秀）" in out
    code, _, err = run(capsys, "grade", "--profile", "changzhi", "--bonus", "3", "104")  # 101 + 3: base over 100
    assert code == 1 and "加分前的得分 101 超过满分 100 分" in err


def test_package_without_a_key_says_so_before_asking_a_passphrase(demo, capsys, monkeypatch, tmp_path):
    import getpass

    asked = []
    monkeypatch.delenv("PERFDESK_PASSPHRASE", raising=False)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": asked.append(prompt) or PASS)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    form = by_title(demo, "2027年教师能力提升培训专项")
    code, _, err = run(capsys, "package", str(form), "--out", str(tmp_path / "p.pdpkg"))
    assert code == 1 and "还没有签名密钥" in err and asked == []


def test_list_shows_money_with_two_decimals(demo, capsys):
    code, out, _ = run(capsys, "list", "--year", "2027")
    line = next(l for l in out.splitlines() if l.endswith("\t2027年校舍维修改造项目"))
    assert "147.54 万元" in line and "147.535" not in line


def test_no_display_gives_a_chinese_message(demo):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    if not sys.platform.startswith("linux"):
        pytest.skip("only Linux needs a display server")
    done = subprocess.run([sys.executable, "-m", "perfdesk", "--db", demo], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1 and "没有可用的显示器" in done.stderr and "xcb" not in done.stderr
