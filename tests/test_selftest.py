"""The self-test a built PerfDesk runs (`python -m perfdesk.selftest`, `perfdesk --self-test`), and
the streams a windowed build lacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from perfdesk import selftest
from perfdesk.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_selftest_passes_every_step_in_chinese_without_a_display(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    proc = subprocess.run([sys.executable, "-m", "perfdesk.selftest"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env=dict(env, HOME=str(tmp_path), TMPDIR=str(tmp_path)))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    steps = [line for line in lines if line.startswith("[")]
    assert len(steps) == len(selftest.STEPS) and all("通过" in line for line in steps)
    assert "导出 PDF 与 XLSX" in proc.stdout and "13 种表格各导出" in proc.stdout
    assert "offscreen" in proc.stdout and lines[-1].startswith("自检通过")
    assert list(tmp_path.glob("perfdesk-selftest-*")) == []  # its temporary folder is gone


def test_selftest_stops_at_the_first_failure_with_exit_code_1(monkeypatch, capsys):
    ran = []

    def broken(state):
        raise selftest.SelfTestFailure("找不到表格定义文件")

    steps = [("检查程序文件", broken), ("写入示例数据", lambda state: ran.append("demo") or "")]
    monkeypatch.setattr(selftest, "STEPS", steps)
    assert main(["--self-test"]) == 1
    out = capsys.readouterr().out
    assert "[1/2] 检查程序文件 …… 失败：找不到表格定义文件" in out and "自检未通过" in out
    assert ran == []


def test_version():
    proc = subprocess.run([sys.executable, "-m", "perfdesk", "--version"], cwd=ROOT, capture_output=True, text=True)
    assert (proc.returncode, proc.stdout.strip()) == (0, "PerfDesk 0.1.0")


def test_errors_without_any_standard_stream_go_to_a_log_file(tmp_path):
    # As in the windowed Windows build: no console, sys.stdout and sys.stderr are None.
    script = ("import sys; sys.stdout = sys.stderr = None\n"
              "from perfdesk.cli import main\n"
              "main(['check', 'not-a-number'])\n")
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"), HOME=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, env=env)
    # argparse's usage error (2) ends that main() call: SystemExit(2) comes out of the first line.
    assert proc.returncode == 2, proc.stderr
    log = (tmp_path / "data" / "PerfDesk" / "perfdesk-output.log").read_text(encoding="utf-8")
    assert "perfdesk：参数有误" in log and "Traceback" not in proc.stderr


def test_store_error_without_streams_is_logged(tmp_path):
    script = ("import sys; sys.stdout = sys.stderr = None\n"
              "from perfdesk.cli import main\n"
              f"raise SystemExit(main(['--db', 'sqlite:///{tmp_path / 't.db'}', 'check', '42']))\n")
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"), HOME=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    log = (tmp_path / "data" / "PerfDesk" / "perfdesk-output.log").read_text(encoding="utf-8")
    assert "错误：找不到编号为 42 的表单" in log
