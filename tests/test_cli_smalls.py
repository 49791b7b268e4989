"""Issue 21, item 10: the smaller CLI defects a clerk meets every day, each as the clerk would see it."""

from __future__ import annotations

import pytest

from perfdesk.cli import main


@pytest.fixture
def cli(tmp_path, capsys, monkeypatch):
    """run(*args) -> (exit code, what the clerk sees) on one demo database."""
    monkeypatch.setenv("PERFDESK_PASSPHRASE", "口令-smalls-2027")
    db = f"sqlite:///{tmp_path / 'perfdesk.db'}"

    def run(*args) -> tuple[int, str]:
        capsys.readouterr()
        code = main(["--db", db, *map(str, args)])
        seen = capsys.readouterr()
        return code, seen.out + seen.err

    run.db, run.path = db, tmp_path / "perfdesk.db"
    return run


def _listed(run, title: str) -> str:
    return next(line.split("\t")[0] for line in run("list")[1].splitlines() if line.endswith("\t" + title))


@pytest.fixture
def office(cli, demo_templates):
    """The demo's forms (`perfdesk demo --year 2027`) at a finance office with its own signing key."""
    demo_templates.copy("full", cli.path)
    code, out = cli("identity", "create", "--unit", "999", "--name", "长治市财政局", "--region", "长治市")
    assert code == 0, out
    assert cli("role", "finance")[0] == 0
    return cli


def test_review_reason_by_printed_name(office, tmp_path):
    form = _listed(office, "2027年体育场地改造项目")  # waiting at the 业务科室
    code, out = office("review", form, "--return", "--letter", "请补充。", "--reason", "申报的必要性=请补充立项依据",
                       "--reason", "资金来源计划=请核对", "--out", tmp_path / "r.pdpkg")
    assert code == 0, out
    status = office("status", form)[1]
    assert "申报的必要性：请补充立项依据" in status and "资金来源计划：请核对" in status


def test_review_reason_unknown_name_lists_the_names(office, tmp_path):
    form = _listed(office, "2027年体育场地改造项目")
    code, out = office("review", form, "--return", "--letter", "请补充。", "--reason", "必要性=请补充",
                       "--out", tmp_path / "r.pdpkg")
    assert code == 1
    assert "没有“必要性”这一栏" in out and "申报的必要性（necessity）" in out
    assert "审核意见（" not in out  # the reviewers' own cells are no reason to return a form


def test_review_actual_by_printed_row_name(office, tmp_path):
    form = _listed(office, "2027年校园网络升级项目")  # waiting at the 预算绩效管理科
    code, out = office("review", form, "--approve", "--opinion", "同意安排", "--actual", "经费拨款=105",
                       "--actual", "2、行政事业性收费=15.5", "--out", tmp_path / "a.pdpkg")
    assert code == 0, out
    assert office("export", form, "--pdf", tmp_path / "a.pdf")[0] == 0
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", tmp_path / "a.pdf", "-"], capture_output=True, text=True).stdout
    row = next(line for line in text.splitlines() if "经费拨款" in line)
    assert row.split()[-1] == "105.00"
    assert next(line for line in text.splitlines() if "行政事业性收费" in line).split()[-1] == "15.50"


def test_review_actual_unknown_row_lists_the_names(office, tmp_path):
    form = _listed(office, "2027年校园网络升级项目")
    code, out = office("review", form, "--approve", "--opinion", "同意", "--actual", "拨款=105",
                       "--out", tmp_path / "a.pdpkg")
    assert code == 1
    assert "没有“拨款”这一行" in out and "经费拨款（appropriation）" in out


FINGERPRINT = "AB12 " * 16


def test_trust_add_of_an_unknown_code_asks_for_the_name(cli):
    code, out = cli("trust", "add", "--office", "--code", "101001", "--fingerprint", FINGERPRINT)
    assert code == 1 and "--name" in out and "101001" in out
    assert "101001（101001）" not in cli("trust", "list")[1]
    assert cli("trust", "list")[1].strip() == "还没有登记任何公钥。"
    code, out = cli("trust", "add", "--office", "--code", "101001", "--name", "长治市财政局",
                    "--fingerprint", FINGERPRINT)
    assert code == 0 and "“长治市财政局”（101001）" in out
    assert cli("trust", "list")[1].startswith("长治市财政局（101001）")


def test_trust_add_of_a_known_unit_takes_its_name(cli, demo_templates):
    demo_templates.copy("full", cli.path)
    code, out = cli("trust", "add", "--code", "310021", "--fingerprint", FINGERPRINT)
    assert code == 0 and "“长子县农业农村局”（310021）" in out


def _autosave(db: str, form_id: int, times: int) -> None:
    """What the editor's autosave does while a clerk types: one stored version per save."""
    from perfdesk.store import Store

    store = Store(db)
    try:
        for n in range(times):
            record = store.get_form(form_id)
            store.save_form(form_id, data=dict(record.data, other_notes=f"第{n + 1}次修改"), based_on=record.version)
    finally:
        store.close()


def test_versions_count_submissions_not_autosaves(cli, tmp_path, demo_templates):
    from conftest import put_status
    from perfdesk.domain.lifecycle import Status
    from perfdesk.store import Store

    demo_templates.copy("full", cli.path)
    assert cli("identity", "create", "--unit", "201003")[0] == 0
    form = int(_listed(cli, "2027年教师能力提升培训专项"))
    _autosave(cli.db, form, 12)
    code, out = cli("package", form, "--out", tmp_path / "一上.pdpkg")
    assert code == 0 and "第 1 版" in out, out
    status = cli("status", form)[1]
    assert "第 1 版" in status and "第 13 版" not in status
    # Returned by the office, typed over in five autosaves, sent again: the second submission.
    store = Store(cli.db)
    put_status(store, form, Status.RETURNED)
    store.close()
    _autosave(cli.db, form, 5)
    code, out = cli("package", form, "--out", tmp_path / "二上.pdpkg")
    assert code == 0 and "第 2 版" in out, out
    from perfdesk.package.verifier import verify_package

    assert verify_package((tmp_path / "二上.pdpkg").read_bytes()).manifest.version == 2
    assert "第 2 版" in cli("status", form)[1].splitlines()[-1]


def test_list_at_an_office_names_the_unit_code_monitor_dept_takes(cli, demo_templates):
    import datetime as dt

    demo_templates.copy(f"office {dt.date.today().isoformat()}", cli.path)  # `perfdesk demo --office`
    lines = cli("list")[1].splitlines()
    line = next(line for line in lines if line.split("\t")[2] == "审核通过" and line.endswith("居家养老服务项目"))
    unit = line.split("\t")[4]
    assert unit == "长治市养老服务指导中心（206006）"
    code = unit.rsplit("（", 1)[1].rstrip("）")
    year = line.split("\t")[1].removesuffix("年度")
    done, out = cli("monitor-dept", "--unit", code, "--year", year)
    assert done == 0 and "长治市养老服务指导中心部门整体" in out


def test_a_new_office_is_told_how_to_become_one(cli, tmp_path, capsys, demo_templates):
    demo_templates.copy("full", cli.path)
    code, out = cli("identity", "create", "--unit", "201003")
    assert code == 0, out
    fingerprint = out.split("公钥指纹：")[1].splitlines()[0]
    form = _listed(cli, "2027年教师能力提升培训专项")
    package = tmp_path / "一上.pdpkg"
    assert cli("package", form, "--out", package)[0] == 0

    office = f"sqlite:///{tmp_path / 'office.db'}"

    def at_office(*args):
        capsys.readouterr()
        done = main(["--db", office, *map(str, args)])
        seen = capsys.readouterr()
        return done, seen.out + seen.err

    code, out = at_office("identity", "create", "--unit", "100001", "--name", "长治市财政局", "--region", "长治市")
    assert code == 0 and "perfdesk role finance" in out and "perfdesk role supervisor" in out, out
    assert at_office("trust", "add", "--code", "201003", "--name", "长治市第一中学", "--fingerprint", fingerprint)[0] == 0
    code, out = at_office("import", package)
    assert code == 1
    assert "perfdesk role finance" in out and "perfdesk role supervisor" in out and "单位设置" in out, out
    assert at_office("role", "finance")[0] == 0
    code, out = at_office("import", package)
    assert code == 0 and "导入 1 个" in out, out
    assert "本机的使用单位类型仍是预算单位" not in at_office("identity", "create", "--unit", "100002", "--name", "x")[1]
