"""A form file's version rises: forms filled under the old one still open and print byte for byte as
before, and `perfdesk upgrade` brings them over by the file's migrations (rename, default, move) after
showing each change; packages name their form version, and an office without it says so."""

from __future__ import annotations

import pytest

from form_variants import declaration_v2, write
from perfdesk.catalog import form_files
from perfdesk.cli import main
from perfdesk.domain.form_migrations import upgrade
from perfdesk.domain.formdef import FormDefinitionError
from perfdesk.domain.registry import form_of, get_form
from perfdesk.app.operations import render, save_document
from perfdesk.paths import forms_dir
from table_text import pdf_text
from test_package_support import stores, world  # noqa: F401 - fixtures

REPAIR = "2027年校舍维修改造项目"


@pytest.fixture(autouse=True)
def shipped_forms_after():
    yield
    form_files.install()  # a test's --forms folder never outlives it


@pytest.fixture
def v2_folder(tmp_path):
    folder = tmp_path / "forms-v2"
    write(folder, "declaration.yaml", declaration_v2())
    return folder


def _old_form(store):
    """The demo's repair declaration, filled under version 1 with 其他需要说明的情况 and 资金来源 written
    and 组织保障 left blank, as the migration's steps each have something to do."""
    record = next(f for f in store.list_forms() if f.title == REPAIR)
    doc = dict(record.data, other_notes="已与区教育局对接施工期间的教学安排。", measures_rules="")
    save_document(store, record, doc)
    return store.get_form(record.id)


def run(capsys, *argv):
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_old_version_form_prints_byte_identical_then_upgrades(demo_store, db_url, v2_folder, capsys):
    record = _old_form(demo_store)
    before = render(demo_store, record).pdf
    assert "其他需要说明的情况" in pdf_text(before)

    form_files.install(v2_folder)  # the form file moves on to version 2
    assert get_form("declaration").version == 2 and form_of(record).version == 1
    assert render(demo_store, record).pdf == before  # opens and prints exactly as it printed

    code, out = run(capsys, "--db", db_url, "--forms", str(v2_folder), "upgrade", str(record.id))
    assert code == 0, out
    assert "此表按第1版格式填写，可升级到第2版" in out
    assert "其他需要说明的情况：已与区教育局对接施工期间的教学安排。 → 移至第2版的“其他说明事项”" in out
    assert "支出明细预算第1行·测算依据及说明：屋面 3200 平方米 × 195 元/平方米 → 移至第2版的“支出明细预算第1行·测算依据及说明”" in out
    assert "组织保障" not in out or "按本单位财务管理制度执行。" in out
    assert "尚未升级" in out and demo_store.get_form(record.id).form_version == 1  # nothing without --yes

    code, out = run(capsys, "--db", db_url, "--forms", str(v2_folder), "upgrade", str(record.id), "--yes")
    assert code == 0 and "已升级到第2版" in out, out
    now = demo_store.get_form(record.id)
    assert now.form_version == 2
    # rename (a field, and a table column), default, move: each did what it says
    assert now.data["remarks"] == "已与区教育局对接施工期间的教学安排。" and "other_notes" not in now.data
    assert [r["calc_basis"] for r in now.data["expense_details"]] == \
        [r["basis_note"] for r in record.data["expense_details"]]
    assert all("basis_note" not in r for r in now.data["expense_details"])
    assert now.data["measures_rules"] == "按本单位财务管理制度执行。"
    moved = record.data["fund_sources"]["appropriation"]["last_year"]
    assert moved and now.data["fund_sources"]["admin_fees"]["last_year"] == moved
    assert "last_year" not in now.data["fund_sources"]["appropriation"]
    # the content from before is kept, with its version
    kept = demo_store.revisions(record.id)[-1]
    assert (kept.form_version, kept.label, kept.data) == (1, "升级到第2版前的内容（第1版格式）", record.data)
    # printed as version 2: the new label and the value under it
    printed = pdf_text(render(demo_store, now).pdf)
    assert "其他说明事项" in printed and "已与区教育局对接施工期间的教学安排。" in printed
    assert "其他需要说明的情况" not in printed

    code, out = run(capsys, "--db", db_url, "--forms", str(v2_folder), "upgrade", str(record.id))
    assert code == 0 and "无需升级" in out
    code, out = run(capsys, "--db", db_url, "revisions", str(record.id))
    assert f"{kept.id}\t" in out and "升级到第2版前的内容（第1版格式）" in out
    # restoring the content from before the upgrade brings its version back: it prints as it did
    code, out = run(capsys, "--db", db_url, "--forms", str(v2_folder), "revisions", str(record.id),
                    "--restore", str(kept.id))
    assert code == 0, out
    restored = demo_store.get_form(record.id)
    assert restored.form_version == 1 and render(demo_store, restored).pdf == before


def test_a_version_without_its_file_is_said_in_chinese(demo_store, db_url, v2_folder, capsys):
    record = _old_form(demo_store)
    form_files.install(v2_folder)
    run(capsys, "--db", db_url, "--forms", str(v2_folder), "upgrade", str(record.id), "--yes")
    form_files.install()  # as a new process without --forms: the shipped version 1 only
    code, out = run(capsys, "--db", db_url, "export", str(record.id), "--pdf", str(v2_folder / "x.pdf"))
    assert code == 1 and "Traceback" not in out
    assert "表单按预算支出绩效目标申报表第2版填写，本机为第1版：请更新 PerfDesk 的表单文件" in out
    assert not (v2_folder / "x.pdf").exists()


def test_migration_steps_are_pure_and_typed(tmp_path):
    form_files.install(write(tmp_path / "v2", "declaration.yaml", declaration_v2()).parent)
    migrations = get_form("declaration").migrations
    old = {"other_notes": "x", "expense_details": [{"basis_note": "a"}, {"name": "n"}],
           "schedule": [{"content": "c"}], "fund_sources": {"appropriation": {"last_year": "5"}}}
    new = upgrade(old, migrations, 1, 2)
    assert old["other_notes"] == "x"  # the document given is left alone
    assert new == {"remarks": "x", "expense_details": [{"calc_basis": "a"}, {"name": "n"}],
                   "schedule": [{"content": "c"}], "measures_rules": "按本单位财务管理制度执行。",
                   "fund_sources": {"appropriation": {}, "admin_fees": {"last_year": "5"}}}
    assert upgrade(old, migrations, 2, 2) == old  # nothing to do for a document already at 2


@pytest.mark.parametrize("steps, said", [
    ("      - rename: {from: a, too: b}\n", "migrations.0.steps.0.rename.too：无法识别的键"),
    ("      - rename: {from: other_notes, to: nowhere}\n", "“nowhere”不是本表单的字段、表或列"),
    ("      - default: {field: remarks}\n", "缺少这一项"),
    ("      - move: {from: a, to: b}\n        rename: {from: a, to: b}\n", "steps.0：每一步只写 rename、default、move 中的一个"),
    ("      - rename: {from: t.a, to: u.b}\n", "同一表中的一列"),
])
def test_a_bad_migration_is_refused_when_the_file_loads(tmp_path, steps, said):
    text = declaration_v2().split("\nmigrations:\n")[0] + "\nmigrations:\n  - to: 2\n    steps:\n" + steps
    path = write(tmp_path, "declaration.yaml", text)
    from perfdesk.catalog.form_reading import load_form

    with pytest.raises(FormDefinitionError, match=said):
        load_form(path)


def test_every_earlier_version_of_a_shipped_form_is_shipped():
    from perfdesk.domain.registry import all_forms, versions

    for form in all_forms():
        assert versions(form.id) == list(range(1, form.version + 1)), \
            f"{form.id}: keep each earlier version as forms/versions/{form.id}@N.yaml"
    assert all(path.stem.partition("@")[0] in {f.id for f in all_forms()}
               for path in (forms_dir() / "versions").glob("*.yaml"))


# --- packages ----------------------------------------------------------------------------------

def test_package_of_another_version_is_refused_saying_which(world, stores, tmp_path, v2_folder):  # noqa: F811
    from test_package_support import trust_unit, unit_signer
    from perfdesk.app.form_upgrade import apply_upgrade, plan_upgrade
    from perfdesk.app.form_submission import package_form
    from perfdesk.package.importer import import_bytes

    from conftest import put_status
    from perfdesk.domain.lifecycle import Status

    unit, office = stores
    trust_unit(office, world)
    put_status(unit, world.form_id, Status.CHECKED)  # the world's unit sent it once already
    form_files.install(v2_folder)  # the unit has version 2 and upgrades its declaration
    apply_upgrade(unit, plan_upgrade(unit.get_form(world.form_id)))
    built = package_form(unit, world.form_id, unit_signer(unit), tmp_path / "v2.pdpkg")

    form_files.install()  # the office still has version 1
    refused = import_bytes(office, built.data, "v2.pdpkg")
    assert refused.status == "rejected"
    assert refused.message.endswith("数据包按预算支出绩效目标申报表第2版填写，本机为第1版：请更新 PerfDesk 的表单文件")
    assert office.list_forms() == []

    form_files.install(v2_folder)  # with the same form file it imports
    got = import_bytes(office, built.data, "v2.pdpkg")
    assert got.status == "imported", got.message
    assert office.get_form(got.form_instance_id).form_version == 2


def test_office_with_only_a_newer_version_says_so(world, stores, tmp_path):  # noqa: F811
    from test_package_support import trust_unit
    from perfdesk.domain import sources
    from perfdesk.package.importer import import_bytes

    unit, office = stores
    trust_unit(office, world)
    shipped = tmp_path / "release"  # a release whose declaration is version 2, without version 1's file
    for path in forms_dir().rglob("*.yaml"):
        write(shipped / path.parent.relative_to(forms_dir()), path.name, path.read_text(encoding="utf-8"))
    write(shipped, "declaration.yaml", declaration_v2())
    sources.use(form_files.FileCatalog(shipped=shipped, user=tmp_path / "none"))
    refused = import_bytes(office, world.package, "v1.pdpkg")
    assert refused.status == "rejected"
    assert "数据包按预算支出绩效目标申报表第1版填写，本机为第2版，没有第1版的表单文件" in refused.message

    write(shipped / "versions", "declaration@1.yaml", (forms_dir() / "declaration.yaml").read_text(encoding="utf-8"))
    sources.use(form_files.FileCatalog(shipped=shipped, user=tmp_path / "none"))
    got = import_bytes(office, world.package, "v1.pdpkg")
    assert got.status == "imported", got.message
    assert office.get_form(got.form_instance_id).form_version == 1
