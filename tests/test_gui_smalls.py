"""Issue 21, item 10: the smaller GUI defects, driven through the real widgets."""

from __future__ import annotations

from perfdesk.ui.packages import show_trust_registry
from test_package_support import stores, world  # noqa: F401 - fixtures


def test_trust_registry_asks_for_the_name_of_an_unknown_code(qtbot, demo_store):
    dialog = show_trust_registry(None, demo_store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.code_edit, "101001")
    qtbot.keyClicks(dialog.fingerprint_edit, "CD34 " * 16)
    dialog.add_button.click()
    assert "单位名称" in dialog.message.text() and "101001" in dialog.message.text()
    assert demo_store.trusted_keys() == [] and dialog.focusWidget() is dialog.name_edit


def test_the_package_dialog_offers_version_one_after_many_autosaves(qtbot, stores):
    from perfdesk.ui.packages import export_package
    from test_package_support import UNIT_CODE, form_id_by_title

    unit, _office = stores
    title = "2027年教师能力提升培训专项"
    form_id = form_id_by_title(unit, title)
    for n in range(12):  # the editor's autosave while the clerk types
        record = unit.get_form(form_id)
        unit.save_form(form_id, data=dict(record.data, other_notes=f"第{n + 1}次修改"), based_on=record.version)
    dialog = export_package(None, unit, form_id)
    qtbot.addWidget(dialog)
    assert "将作为第 1 版报送" in dialog.form_label.text()
    assert dialog.target_edit.text().endswith(f"{UNIT_CODE}_{title}_v1.pdpkg")
