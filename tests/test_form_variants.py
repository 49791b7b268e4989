"""A county's variant of a form is a file: written as YAML only into a folder of its own (--forms, or
the user's folder), it replaces the shipped form of its id — filled, checked, printed and packaged —
and a variant file that fails its checks is not used, the clerk being told which file and why."""

from __future__ import annotations

import pytest

from form_variants import county_declaration, declaration_v2, write
from perfdesk.catalog import form_files
from perfdesk.cli import main
from perfdesk.domain.document import display
from perfdesk.domain.registry import get_form
from perfdesk.app.operations import save_document
from table_text import pdf_text
from test_package_support import OFFICE, UNIT_CODE

REPAIR = "2027年校舍维修改造项目"
PASS = "county-unit-passphrase"


@pytest.fixture(autouse=True)
def shipped_forms_after():
    yield
    form_files.install()


def run(capsys, *argv):
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_county_variant_is_filled_checked_printed_and_packaged(demo_store, db_url, new_db_url, tmp_path, capsys):
    from perfdesk.package.identity import create_identity
    from perfdesk.store import Store

    county = tmp_path / "county-forms"
    write(county, "declaration.yaml", county_declaration())
    forms = ("--forms", str(county))
    form_files.install(county)
    form = get_form("declaration")
    assert form.origin == f"--forms {county / 'declaration.yaml'}"
    assert form.fields["other_notes"].label == "需要说明的其他事项" and "county_approval_date" in form.fields

    record = next(f for f in demo_store.list_forms() if f.title == REPAIR)
    # filled: the approval dated after the project starts, so the county's own check fires
    save_document(demo_store, record, dict(record.data, county_approval_date="2027-02-15",
                                           other_notes="县级配套资金已列入县本级预算。"))
    code, out, err = run(capsys, "--db", db_url, *forms, "check", str(record.id))
    assert code == 1 and err == ""
    assert "县级立项批复日期（2027年2月15日）晚于项目起始时间（2027年1月1日），请核对批复文件。" in out

    save_document(demo_store, record, dict(demo_store.get_form(record.id).data, county_approval_date="2026-11-20"))
    code, out, _ = run(capsys, "--db", db_url, *forms, "check", str(record.id))
    assert code == 0 and "错误 0 个" in out, out

    pdf = tmp_path / "county.pdf"
    code, out, _ = run(capsys, "--db", db_url, *forms, "export", str(record.id), "--pdf", str(pdf))
    assert code == 0, out
    printed = pdf_text(pdf.read_bytes())
    shown_date = display(form.fields["county_approval_date"], "2026-11-20")
    assert "县级立项批复日期" + shown_date in printed
    assert "需要说明的其他事项县级配套资金已列入县本级预算。" in printed
    assert "其他需要说明的情况" not in printed

    # packaged at the unit, imported at an office that has the same variant
    unit = demo_store.unit_by_code(UNIT_CODE)
    fingerprint = create_identity(demo_store, unit.id, PASS).fingerprint
    (tmp_path / "pass").write_text(PASS + "\n", encoding="utf-8")
    package = tmp_path / "out" / "county.pdpkg"
    code, out, _ = run(capsys, "--db", db_url, *forms, "package", str(record.id), "--out", str(package),
                       "--passphrase-file", str(tmp_path / "pass"))
    assert code == 0 and package.is_file(), out
    office_url = new_db_url("office")
    with Store(office_url) as office:
        office.add_unit(**OFFICE)
        office.set_setting("role", "finance")
        office.add_trusted_key(unit_code=UNIT_CODE, unit_name=unit.name, role="unit", fingerprint=fingerprint)
    code, out, _ = run(capsys, "--db", office_url, *forms, "import", str(package))
    assert code == 0 and "已导入" in out, out
    with Store(office_url) as office:
        received = office.list_forms()[0]
        assert received.data["county_approval_date"] == "2026-11-20"
    code, out, _ = run(capsys, "--db", office_url, *forms, "check", str(received.id))
    assert code == 0, out


def test_user_folder_adds_and_replaces_and_tells_what_it_did_not_use(tmp_path, monkeypatch, demo_store, db_url,
                                                                    capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    mine = tmp_path / "data" / "PerfDesk" / "forms"
    write(mine, "declaration.yaml", county_declaration())
    broken = write(mine, "rectification.yaml", county_declaration().replace("id: declaration", "id: rectification")
                   .replace("    label: 县级立项批复日期\n", "    lable: 县级立项批复日期\n"))
    write(mine / "profiles", "county-x.yaml", "id: county-x\nname: 某县\nsource: 某县实施细则\ninherits: changzhi\n")
    write(mine / "profiles", "bad.yaml", "id: other\nname: 错\n")
    form_files.install()
    assert get_form("declaration").origin == f"用户目录 {mine / 'declaration.yaml'}"
    assert get_form("rectification").origin == "随程序安装"  # the broken file is not used
    problems = form_files.problems()
    assert any(p.startswith(f"{broken}：") and "county_approval_date" in p and p.endswith("未使用该文件")
               for p in problems), problems
    assert any(str(mine / "profiles" / "bad.yaml") in p and "id 与文件名不一致" in p for p in problems), problems
    from perfdesk.domain.profiles import all_profiles, get_profile

    assert "county-x" in [p.id for p in all_profiles()] and "bad" not in [p.id for p in all_profiles()]
    assert get_profile("county-x").grades == get_profile("changzhi").grades

    code, out, err = run(capsys, "--db", db_url, "list")
    assert code == 0 and "2027年校舍维修改造项目" in out  # the verb runs …
    assert f"警告：{broken}：" in err  # … and says which file was left out, and why


def test_forms_list_origin_and_versions_for_the_lead(tmp_path):
    write(tmp_path, "declaration.yaml", declaration_v2())
    form_files.install(tmp_path)
    from perfdesk.domain.registry import versions

    assert versions("declaration") == [1, 2]
    assert get_form("declaration", 1).origin == "随程序安装"
    assert get_form("declaration").origin.startswith("--forms ")


# --- the GUI --------------------------------------------------------------------------------------

def test_editor_offers_the_upgrade_and_shows_where_its_form_comes_from(qtbot, demo_store, tmp_path):
    from perfdesk.ui.editor import FormEditor

    record = next(f for f in demo_store.list_forms() if f.title == REPAIR)
    write(tmp_path, "declaration.yaml", declaration_v2())
    form_files.install(tmp_path)
    editor = FormEditor(demo_store, record.id, autosave_ms=60_000)
    qtbot.addWidget(editor)
    assert editor.upgrade_banner.text.text().startswith("此表按第1版格式填写，可升级到第2版")
    assert editor.origin_label.text() == "表单定义：第1版 · 随程序安装"
    dialog = editor.preview_upgrade()
    rows = [[dialog.table.item(r, c).text() for c in range(4)] for r in range(dialog.table.rowCount())]
    assert ["资金来源计划", "资金来源计划·经费拨款·上年度资金", "75.00",
            "移至第2版的“资金来源计划·行政事业性收费·上年度资金”"] in rows
    assert demo_store.get_form(record.id).form_version == 1  # nothing before 升级
    dialog.upgrade_button.click()
    now = demo_store.get_form(record.id)
    assert now.form_version == 2 and now.data["fund_sources"]["admin_fees"]["last_year"] == "75.00"

    upgraded = FormEditor(demo_store, record.id, autosave_ms=60_000)
    qtbot.addWidget(upgraded)
    assert upgraded.upgrade_banner is None
    assert upgraded.origin_label.text() == "表单定义：第2版 · --forms declaration.yaml"


def test_start_message_names_the_variant_file_that_was_not_used(qtbot, tmp_path):
    from PySide6.QtWidgets import QWidget

    from perfdesk.ui.app import tell_form_file_problems

    bad = write(tmp_path, "declaration.yaml", county_declaration().replace("version: 1", "version: 一"))
    form_files.install(tmp_path)
    window = QWidget()
    qtbot.addWidget(window)
    box = tell_form_file_problems(window)
    assert box is not None and str(bad) in box.text() and "未使用该文件" in box.text()
    form_files.install()
    assert tell_form_file_problems(window) is None
