"""单位设置: who this copy of PerfDesk fills forms for, and whether it is a budget unit's or a finance
office's copy (使用单位类型). Asked on first run, changed from 设置 → 单位设置."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from perfdesk.domain.lifecycle import Role
from perfdesk.domain.profiles import ProfileError, all_profiles
from perfdesk.store import Store, StoreError, UnitRecord
from perfdesk.app import installation
from perfdesk.domain.form_kinds import DECLARATION

LEVELS = ("市级", "县级")

# (field, label, object name, placeholder)
TEXT_FIELDS = (
    ("name", "单位名称", "unitName", "例如：长治市第一中学"),
    ("code", "单位编码", "unitCode", "预算单位编码，只含数字"),
    ("supervisor_name", "主管部门", "supervisorName", "例如：长治市教育局"),
    ("supervisor_code", "主管部门编码", "supervisorCode", "只含数字"),
    ("region", "地区", "region", "例如：长治市"),
)
DIGITS_ONLY = ("code", "supervisor_code")
# Only a 预算单位 has a 主管部门 above it: a 主管部门 or a finance office is not asked for one (it is
# stored as its own, as the forms it writes name it).
SUPERVISOR_FIELDS = ("supervisor_name", "supervisor_code")


def asks_supervisor(role: Role) -> bool:
    return role is Role.UNIT


def validate_unit(values: dict[str, str], role: Role = Role.UNIT) -> tuple[str, str] | None:
    """(field, message in Chinese naming the field) for the first problem with the values, or None."""
    labels = {field: label for field, label, _, _ in TEXT_FIELDS}
    asked = [f for f, _, _, _ in TEXT_FIELDS if asks_supervisor(role) or f not in SUPERVISOR_FIELDS]
    for field in asked:
        if not values.get(field, "").strip():
            return field, f"请填写{labels[field]}。"
    for field in (f for f in DIGITS_ONLY if f in asked):
        text = values[field].strip()
        if not (text.isascii() and text.isdigit()):
            return field, f"{labels[field]}只能由数字 0–9 组成，“{text}”不符合。"
    found = unit_code_problem(values["supervisor_code"]) if asks_supervisor(role) else None
    if found:
        return "supervisor_code", found
    if values.get("level") not in LEVELS:
        return "level", "请选择级次（市级或县级）。"
    if not values.get("profile"):
        return "profile", "请选择规则配置。"
    return None


def unit_code_problem(supervisor_code: str) -> str | None:
    """The 主管部门编码 is copied into every declaration and monitoring table: the code those forms'
    own checks would refuse is refused here, with their wording, instead of in each new form."""
    import re

    from perfdesk.domain.registry import get_form

    field = get_form(DECLARATION).fields["supervisor_code"]
    if field.pattern and not re.fullmatch(field.pattern, supervisor_code, re.ASCII):
        return f"{field.label}“{supervisor_code}”格式不对：{field.pattern_hint or field.label}。"
    return None


class UnitSetupDialog(QDialog):
    """Fills in a new unit (store has none) or edits `unit`; accept() stores it."""

    def __init__(self, store: Store, unit: UnitRecord | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.unit = unit
        self.setObjectName("unitSetup")
        self.setWindowTitle("单位设置")
        self.setMinimumWidth(460)

        layout = QVBoxLayout(self)
        intro = QLabel("请填写本单位的信息。新建的表单会自动带出这些内容，打印的表头也用到地区和级次。"
                       if unit is None else "修改本单位的信息。已填写的表单不受影响。", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)

        form = QFormLayout()
        self.form = form
        self.role_box = QComboBox(self)  # first: what is asked below depends on it
        self.role_box.setObjectName("roleBox")
        form.addRow("使用单位类型：", self.role_box)
        self.edits: dict[str, QLineEdit] = {}
        for field, label, name, placeholder in TEXT_FIELDS:
            edit = QLineEdit(self)
            edit.setObjectName(name)
            edit.setPlaceholderText(placeholder)
            if unit is not None:
                edit.setText(getattr(unit, field))
            self.edits[field] = edit
            form.addRow(f"{label}：", edit)
        self.level_box = QComboBox(self)
        self.level_box.setObjectName("level")
        self.level_box.addItems(LEVELS)
        form.addRow("级次：", self.level_box)
        self.profile_box = QComboBox(self)
        self.profile_box.setObjectName("profile")
        form.addRow("规则配置：", self.profile_box)
        for role in Role:
            self.role_box.addItem(role.label, role.value)
        if installation.has_settings(store):
            self.role_box.setToolTip("财政部门可填写表单中“由财政部门填写”的栏目（如审核意见），预算单位不能填写")
            try:
                current = installation.role(store)
            except StoreError:
                current = Role.UNIT
            self.role_box.setCurrentIndex(max(self.role_box.findData(current.value), 0))
        else:
            self.role_box.setEnabled(False)
            self.role_box.setToolTip("此数据库不能保存使用单位类型，按预算单位使用")
        self.role_box.currentIndexChanged.connect(self._show_supervisor_rows)
        self._show_supervisor_rows()
        layout.addLayout(form)

        self.error_label = QLabel(self)
        self.error_label.setObjectName("setupError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.hide()
        layout.addWidget(self.error_label)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消" if unit else "退出")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        from perfdesk.ui.help_window import add_help_button

        add_help_button(buttons, "start")  # the manual's 开始使用 page
        layout.addWidget(buttons)

        self._fill_profiles()
        if unit is not None:
            self.level_box.setCurrentIndex(max(self.level_box.findText(unit.level), 0))
            self.profile_box.setCurrentIndex(max(self.profile_box.findData(unit.profile), 0))

    def _fill_profiles(self) -> None:
        try:
            profiles = all_profiles()
        except ProfileError as exc:
            self.show_error(f"规则配置文件有误：{exc}")
            return
        for profile in profiles:
            self.profile_box.addItem(profile.name, profile.id)

    def _show_supervisor_rows(self) -> None:
        for field in SUPERVISOR_FIELDS:
            self.form.setRowVisible(self.edits[field], asks_supervisor(self.chosen_role()))

    def values(self) -> dict[str, str]:
        values = {field: edit.text().strip() for field, edit in self.edits.items()}
        if not asks_supervisor(self.chosen_role()):
            values.update(supervisor_name=values["name"], supervisor_code=values["code"])
        values["level"] = self.level_box.currentText()
        values["profile"] = self.profile_box.currentData() or ""
        return values

    def chosen_role(self) -> Role:
        return Role(self.role_box.currentData() or Role.UNIT)

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    def error_text(self) -> str:
        return self.error_label.text() if not self.error_label.isHidden() else ""

    def accept(self) -> None:
        values = self.values()
        problem = validate_unit(values, self.chosen_role())
        if problem is not None:
            field, message = problem
            self.show_error(message)
            if field in self.edits:
                self.edits[field].setFocus()
                self.edits[field].selectAll()
            return
        try:
            if self.unit is None:
                self.unit = self.store.add_unit(**values)
            else:
                self.unit = self.store.update_unit(self.unit.id, **values)
            if self.role_box.isEnabled():
                installation.remember(self.store, self.unit, self.chosen_role())
        except StoreError as exc:
            self.show_error(str(exc))
            return
        super().accept()
