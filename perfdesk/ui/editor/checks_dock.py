"""校验结果: the live list of what `run_checks` finds, with in-place explanations for warnings.

The dock only shows findings; what they say comes entirely from the domain checks. Rebuilding the
list would destroy an explanation being typed, so an unchanged set of findings is updated in place.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from perfdesk.domain.findings import Finding, Severity

COLOURS = {Severity.ERROR: QColor("#c62828"), Severity.WARNING: QColor("#b26a00"), Severity.HINT: QColor("#1f5fa8"),
           Severity.RETURNED: QColor("#e65100")}
ICONS = {Severity.ERROR: QStyle.StandardPixmap.SP_MessageBoxCritical,
         Severity.WARNING: QStyle.StandardPixmap.SP_MessageBoxWarning,
         Severity.HINT: QStyle.StandardPixmap.SP_MessageBoxInformation,
         Severity.RETURNED: QStyle.StandardPixmap.SP_ArrowBack}
NO_FINDINGS = "未发现问题"


def finding_line(finding: Finding) -> str:
    explained = f"（已说明：{finding.explanation}）" if finding.explanation else ""
    return f"{finding.severity.label} — {finding.label}：{finding.message}{explained}"


def dock_title(findings: list[Finding]) -> str:
    count = {s: sum(f.severity is s for f in findings) for s in Severity}
    returned = f"退回 {count[Severity.RETURNED]}，" if count[Severity.RETURNED] else ""
    return f"校验结果（{returned}错误 {count[Severity.ERROR]}，警告 {count[Severity.WARNING]}，提示 {count[Severity.HINT]}）"


class WarningWidget(QWidget):
    """A warning's text with a line to explain it; double-click jumps like the list does."""

    def __init__(self, finding: Finding, on_edit, on_activate, edit_filter: QObject | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = finding.code
        self.on_activate = on_activate
        self.setAutoFillBackground(True)  # hide the item's own text painted underneath
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 4)
        layout.setSpacing(2)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setStyleSheet(f"color: {COLOURS[Severity.WARNING].name()};")
        self.edit = QLineEdit()
        self.edit.setObjectName("explanationEdit")
        self.edit.setPlaceholderText("请填写说明…")
        self.edit.setToolTip("警告须写明原因，说明随表保存")
        self.edit.textEdited.connect(lambda text: on_edit(self.code, text))
        if edit_filter is not None:  # the form's own undo keys and typing steps, as in the fields
            self.edit.installEventFilter(edit_filter)
        layout.addWidget(self.label)
        layout.addWidget(self.edit)
        self.show_finding(finding)

    def show_finding(self, finding: Finding) -> None:
        self.label.setText(finding_line(finding))
        # The checks trim the explanation: compare trimmed, or a space being typed would vanish.
        if self.edit.text().strip() != finding.explanation:
            self.edit.setText(finding.explanation)

    def mouseDoubleClickEvent(self, event) -> None:
        self.on_activate()


class ChecksDock(QDockWidget):
    activated = Signal(object)  # the Finding whose field should get focus
    explanation_edited = Signal(str, str)  # code, text

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("校验结果", parent)
        self.setObjectName("checksDock")
        self.list = QListWidget(self)
        self.list.setObjectName("checksList")
        self.list.setWordWrap(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.itemDoubleClicked.connect(self._item_activated)
        self.list.itemActivated.connect(self._item_activated)
        self.setWidget(self.list)
        self._findings: list[Finding] = []
        self._widgets: dict[int, WarningWidget] = {}
        self.edit_filter: QObject | None = None

    def findings(self) -> list[Finding]:
        return list(self._findings)

    def show_findings(self, findings: list[Finding]) -> None:
        same = [self._identity(f) for f in findings] == [self._identity(f) for f in self._findings]
        self._findings = list(findings)
        self.setWindowTitle(dock_title(findings))
        if same and findings:
            for row, finding in enumerate(findings):
                self._describe(self.list.item(row), finding)
            return
        focused = self._focused_code()
        self.list.clear()
        self._widgets.clear()
        if not findings:
            self.list.addItem(NO_FINDINGS)
            return
        for row, finding in enumerate(findings):
            item = QListWidgetItem(self.list)
            self._describe(item, finding)
            if finding.severity is Severity.WARNING:
                widget = WarningWidget(finding, self.explanation_edited.emit,
                                       lambda f=finding: self.activated.emit(f), self.edit_filter)
                self._widgets[row] = widget
                self.list.setItemWidget(item, widget)
                item.setSizeHint(widget.sizeHint())
                if finding.code == focused:
                    widget.edit.setFocus()

    @staticmethod
    def _identity(finding: Finding) -> tuple:
        return finding.severity, finding.code, finding.field, finding.message

    def _describe(self, item: QListWidgetItem, finding: Finding) -> None:
        item.setText(finding_line(finding))
        item.setIcon(QApplication.style().standardIcon(ICONS[finding.severity]))
        item.setForeground(COLOURS[finding.severity])
        item.setToolTip("双击转到该栏目" + (f"\n说明：{finding.explanation}" if finding.explanation else ""))
        widget = self._widgets.get(self.list.row(item))
        if widget is not None:
            widget.show_finding(finding)
            item.setSizeHint(widget.sizeHint())  # the explanation may have made it taller

    def _focused_code(self) -> str | None:
        return next((w.code for w in self._widgets.values() if w.edit.hasFocus()), None)

    def _item_activated(self, item: QListWidgetItem) -> None:
        row = self.list.row(item)
        if 0 <= row < len(self._findings):
            self.activated.emit(self._findings[row])

    def step(self, offset: int) -> Finding | None:
        """Select the next (+1) or previous (-1) finding, wrapping around; F8 / Shift+F8."""
        if not self._findings:
            return None
        row = (self.list.currentRow() + offset) % len(self._findings) if self.list.currentRow() >= 0 else (
            0 if offset > 0 else len(self._findings) - 1)
        self.list.setCurrentRow(row)
        return self._findings[row]
