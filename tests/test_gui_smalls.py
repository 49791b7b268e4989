"""Issue 21, item 10: the smaller GUI defects, driven through the real widgets."""

from __future__ import annotations

from perfdesk.ui.packages import show_trust_registry


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
